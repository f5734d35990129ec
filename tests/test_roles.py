"""Roles and responsibilities on the published pages, through the real CLI.

The four example schools' policies name exactly the roles each school's own policy names, for every responsibility
it states ("or" where any one of them will do, as their policies say); a school's unnamed, custom and team roles reach
its pages in its own words. The wording is read from the draft page: the approved page shows each school's release,
which carries the library's words as they were when it was made.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import BUILD_DATE, assert_clean_failure, copy_project, edit_school, run_cli

TUDHOE, CHELLASTON, COPPICE, CALVERLEY = ("tudhoe-moor-nursery", "chellaston-infant", "the-coppice-primary",
                                          "calverley-parkside-primary")
HEAD_C = "the Headteacher (Mrs L Galley)"  # Chellaston names its headteacher
IT_C = "the IT support team (Mark Faulkner)"
IT_C_EMAIL = "the IT support team (Mark Faulkner, markfaulkner@chellaston.derby.sch.uk)"  # contact()
DPO = "the data protection officer (DPO)"
DSL = "the designated safeguarding lead (DSL)"
ICT_SBM = "the ICT Lead and the School Business Manager (SBM)"
ICT_OR_SBM = "the ICT Lead or the School Business Manager (SBM)"

# (school, clause, the sentence or phrase naming who carries the responsibility its own policy states)
SEED_RESPONSIBILITIES = [
    # Tudhoe Moor: the headteacher manages access; staff contact the headteacher or the ICT Technician
    (TUDHOE, "staff-access", "The headteacher controls which school systems"),
    (TUDHOE, "staff-access", "or your access needs to change, contact the headteacher or the ICT Technician."),
    (TUDHOE, "access-rights", "These rights are managed by the headteacher, who sets them up"),
    (TUDHOE, "access-rights", "tell the headteacher straight away"),
    (TUDHOE, "internet-access", "blocked by mistake, tell the headteacher or the ICT Technician."),
    (TUDHOE, "staff-agreement", f"I will tell {DSL} and the ICT Technician if a child tells me"),
    (TUDHOE, "phones-and-email", f"Report it at once to the headteacher or {DPO}, and follow"),
    (TUDHOE, "recording-calls", "unless the headteacher has agreed to it beforehand"),
    (TUDHOE, "personal-use", "The headteacher may limit or withdraw permission"),
    (TUDHOE, "exceptions", "ask the headteacher before you start"),
    (TUDHOE, "remote-access", "get permission from the headteacher before you remove it"),
    (TUDHOE, "parent-access", "The headteacher may decide to give a parent or carer access"),
    (TUDHOE, "internet-access-visitors", "only when the headteacher has authorised it."),
    (TUDHOE, "logging-on", "ask the headteacher for a guest account."),
    (TUDHOE, "images-of-pupils", "If you are unsure, ask the school office first."),
    (TUDHOE, "sanctions", "copies of any policy mentioned here are available from the headteacher or the school office."),
    (TUDHOE, "facebook-cheat-sheet", "Let the senior leadership team or the headteacher know what has happened."),
    (TUDHOE, "monitoring-and-review", f"The headteacher and {DPO} monitor how this policy works"),
    # Chellaston: the school IT support team (Mark Faulkner, with his email) manages access and monitors the policy
    (CHELLASTON, "staff-access", f"{IT_C[0].upper()}{IT_C[1:]} controls which school systems"),
    (CHELLASTON, "staff-access", f"or your access needs to change, contact {IT_C_EMAIL}."),
    (CHELLASTON, "access-rights", f"These rights are managed by {IT_C}, who sets them up"),
    (CHELLASTON, "access-rights", f"tell {HEAD_C} straight away"),
    (CHELLASTON, "phones-and-email", f"to the wrong person, tell {IT_C}, {HEAD_C} and {DPO} straight away"),
    (CHELLASTON, "trainee-devices", f"must talk to {HEAD_C} before using their own laptops"),
    (CHELLASTON, "personal-use", f"{IT_C[0].upper()}{IT_C[1:]} may limit or withdraw permission"),
    (CHELLASTON, "school-social-media", f"The accounts are managed by {HEAD_C}."),
    (CHELLASTON, "encryption", f"only if {HEAD_C} has specifically authorised it"),
    (CHELLASTON, "encryption", f"the security standard set by {IT_C},"),
    (CHELLASTON, "internet-access-visitors", f"only when {HEAD_C} has authorised it."),
    (CHELLASTON, "exceptions", f"send your request in writing to {HEAD_C}, who may allow an exception"),
    (CHELLASTON, "parent-access", "The Headteacher (Mrs L Galley) may decide to give"),
    (CHELLASTON, "staff-agreement", f"I will tell {DSL} and {IT_C} if a pupil, colleague"),
    (CHELLASTON, "facebook-cheat-sheet", f"Let the senior leadership team or {HEAD_C} know what has happened."),
    (CHELLASTON, "monitoring-and-review", f"The Headteacher (Mrs L Galley) and {IT_C} monitor how this policy works"),
    # The Coppice: the ICT Lead with the School Business Manager
    (COPPICE, "staff-access", "The ICT Lead and the School Business Manager (SBM) control which school systems"),
    (COPPICE, "staff-access", f"or your access needs to change, contact {ICT_OR_SBM}."),
    (COPPICE, "access-rights", f"These rights are managed by {ICT_SBM}, who set them up"),
    (COPPICE, "access-rights", f"tell {ICT_OR_SBM} straight away"),
    (COPPICE, "monitoring-and-review", "The headteacher, the ICT Lead and the School Business Manager (SBM) monitor"),
    (COPPICE, "phones-and-email", f"Report it at once to {DPO}, and follow"),
    (COPPICE, "phones-and-email", "except in an emergency or with the agreement of the headteacher or the senior leadership team."),
    (COPPICE, "recording-calls", f"Check with {DPO} before you record any phone conversation."),
    (COPPICE, "exceptions", "ask the headteacher or the senior leadership team before you start"),
    (COPPICE, "personal-use", "The headteacher may limit or withdraw permission"),
    (COPPICE, "remote-access", "follow any security steps that the ICT Lead asks you to take"),
    (COPPICE, "encryption", "only if the headteacher has specifically authorised it"),
    (COPPICE, "encryption", "the security standard set by the ICT Lead,"),
    (COPPICE, "filtering-in-practice", f"The ICT Lead, the headteacher and {DSL} review each alert"),
    (COPPICE, "filtering-in-practice", "to the ICT Lead or the safeguarding team."),
    (COPPICE, "online-safety-teaching", f"staff report it to {DSL}, record what happened"),
    (COPPICE, "cyber-attacks", "with the ICT Lead taking the lead"),
    (COPPICE, "cyber-attacks", "Give the ICT service providers and the ICT Lead specific responsibility"),
    (COPPICE, "internet-access-visitors", "only when the headteacher has authorised it."),
    (COPPICE, "parent-access", "The headteacher may decide to give"),
    # Calverley Parkside: the Chair of Governors signs; the SLT and the DSL watch the reporting system
    (CALVERLEY, "introduction", "signed on its behalf by the Chair of Governors (Mr J Woods)."),
    (CALVERLEY, "network-sign-in", f"allows the senior leadership team and {DSL} to monitor activity online"),
    (CALVERLEY, "staff-agreement", f"without delay, to either or both of {DSL} and the E-Safety Lead."),
    (CALVERLEY, "staff-agreement", "I will tell the E-Safety Lead about any material I reach by accident"),
    (CALVERLEY, "staff-agreement", "unless the headteacher agrees;"),
    (CALVERLEY, "staff-agreement", "The school office keeps a copy of every letter I send, or the headteacher does if the"),
    (CALVERLEY, "staff-agreement", "I will talk to the senior leadership team about any relationship"),
]
# Roles a school's own policy never mentions, so its pages must not either.
NEVER = {
    TUDHOE: ["IT support", "ICT Lead", "Business Manager", "Mark Faulkner"],
    CHELLASTON: ["ICT Technician", "ICT Lead", "Business Manager", "E-Safety Lead"],
    COPPICE: ["IT support", "ICT Technician", "E-Safety Lead", "Galley", "Faulkner"],
    CALVERLEY: ["IT support", "ICT Technician", "ICT Lead", "Business Manager"],
}


class Sections(HTMLParser):
    """The text of each clause of a built policy page, by its heading's id (children have their own)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self._current: str | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[2-6]", tag):
            self._current = dict(attrs).get("id")
            if self._current:
                self.text[self._current] = ""

    def handle_data(self, data):
        if self._current:
            self.text[self._current] += data

    def plain(self, clause: str) -> str:
        return re.sub(r"\s+", " ", html.unescape(self.text[clause]).replace("¶", "")).strip()


def policy(site: Path, slug: str, page: str = "index.html") -> Sections:
    return Sections((site / slug / "acceptable-use" / page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("slug, clause, phrase", SEED_RESPONSIBILITIES,
                         ids=[f"{s}-{c}-{i}" for i, (s, c, _) in enumerate(SEED_RESPONSIBILITIES)])
def test_the_policy_names_whom_the_schools_own_policy_names(draft_site: Path, slug: str, clause: str, phrase: str):
    text = policy(draft_site, slug, "draft.html").plain(clause)
    assert phrase in text, f"{slug} {clause}: {phrase!r} not in:\n{text}"


@pytest.mark.parametrize("slug", sorted(NEVER))
@pytest.mark.parametrize("page_name", ["index.html", "draft.html"])
def test_no_example_school_publishes_a_role_it_does_not_have(draft_site: Path, slug: str, page_name: str):
    page = policy(draft_site, slug, page_name)
    text = " ".join(page.plain(clause) for clause in page.text)
    assert not [role for role in NEVER[slug] if role.lower() in text.lower()]


# --- a school's own roles, through the CLI ---------------------------------------------------------------

def own_roles(data: dict) -> None:
    """Tudhoe with an unnamed role, a custom role with a name, a team from outside and a proper-named provider."""
    data["roles"] = {
        "ict-technician": {"title": "ICT Technician"},
        "sbm": {"title": "School Business Manager", "short": "SBM", "name": "Ms A Patel"},
        "trust-it": {"title": "Trust IT team", "team": True, "provider": True},
        "helpdesk": {"title": "Durham ICT Services", "provider": True, "article": False},
    }
    data["responsibilities"] = {
        "manages-access": ["trust-it"],
        "handles-access-requests": ["trust-it", "sbm"],
        "hears-access-errors": ["ict-technician"],
        "hears-security-concerns": ["helpdesk"],
        "monitors-policy": ["headteacher", "sbm", "trust-it"],
    }


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("roles") / "project")
    edit_school(root, TUDHOE, own_roles)
    result = run_cli("build", TUDHOE, "--draft", "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    return root / "site"


@pytest.mark.parametrize("clause, phrase", [
    ("staff-access", "The Trust IT team controls which school systems"),  # a team, one verb
    ("access-rights", "These rights are managed by the Trust IT team, who sets them up"),
    ("staff-access", "contact the Trust IT team or the School Business Manager (SBM, Ms A Patel)."),  # custom, named
    ("access-rights", "tell the ICT Technician straight away"),  # unnamed: the title alone
    ("passwords", "and telling Durham ICT Services, if there is any chance"),  # a proper name takes no article
    ("monitoring-and-review", "The headteacher, the School Business Manager (SBM, Ms A Patel) and the Trust IT team "
                              "monitor how this policy works in practice, and keep it up to date"),  # several: plural
    ("recording-calls", "unless the headteacher has agreed to it beforehand"),  # the model's default stays
])
def test_a_schools_own_roles_are_published_in_its_words(own_site: Path, clause: str, phrase: str):
    assert phrase in policy(own_site, TUDHOE, "draft.html").plain(clause)


def test_a_team_carrying_a_duty_with_others_takes_the_plural(tmp_path: Path):
    root = copy_project(tmp_path / "project")

    def several(data: dict) -> None:
        own_roles(data)
        data["responsibilities"]["manages-access"] = ["trust-it", "ict-technician"]

    edit_school(root, TUDHOE, several)
    result = run_cli("build", TUDHOE, "--draft", "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    page = policy(root / "site", TUDHOE, "draft.html")
    assert "The Trust IT team and the ICT Technician control which" in page.plain("staff-access")
    assert "managed by the Trust IT team and the ICT Technician, who set them up, change them" in page.plain("access-rights")


@pytest.mark.parametrize("change, fragments", [
    (lambda d: d.update(responsibilities={"manages-access": ["bursar"]}),
     ["school.yml", "names a role 'bursar' that the school does not have", "Add the role under 'roles:'"]),
    (lambda d: d.update(responsibilities={"manages-acess": ["headteacher"]}),
     ["school.yml", "there is no responsibility 'manages-acess'", "did you mean 'manages-access'?"]),
    (lambda d: d.update(responsibilities={"manages-access": []}),
     ["school.yml", "'manages-access' needs at least one role"]),
    (lambda d: d.update(roles={"sbm": {"name": "Ms A Patel"}}), ["school.yml", "title"]),
])
def test_a_mistake_in_roles_is_reported_at_the_schools_line(project: Path, change, fragments: list[str]):
    edit_school(project, TUDHOE, change)
    assert_clean_failure(run_cli("check", cwd=project), f"schools/{TUDHOE}/school.yml", *fragments)
