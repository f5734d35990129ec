"""The clause helpers that name people, in process: who/Who joined with "and" or "or", and contact() with emails."""

from __future__ import annotations

import re

import markdown
import pytest

from site_build.compose.markdown_rules import check_composed
from site_build.compose.roles import Duties, template_helpers
from site_build.compose.sandbox import render
from site_build.errors import InputError
from site_build.model.schema import SchoolRole

ROLES = {
    "head": SchoolRole(title="headteacher"),
    "tech": SchoolRole(title="ICT Technician", name="Sam Lee", email="sam.lee@school.sch.uk"),
    "sbm": SchoolRole(title="School Business Manager", short="SBM"),
    "office": SchoolRole(title="school office", team=True, email="office@school.sch.uk"),
}
DUTIES = Duties(ROLES, {"one": ("head",), "two": ("head", "tech"), "three": ("head", "sbm", "office"),
                        "emailed": ("tech",)})


def say(template: str, duties: Duties = DUTIES) -> str:
    text = render(template, template_helpers(duties), "clauses/test.md")
    check_composed(text, "clauses/test.md", 1)  # the rules every composed clause must pass, links included
    return text


def hrefs(text: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markdown.markdown(text))


@pytest.mark.parametrize("duty, joined_by_and, joined_by_or", [
    ("one", "the headteacher", "the headteacher"),
    ("two", "the headteacher and the ICT Technician (Sam Lee)", "the headteacher or the ICT Technician (Sam Lee)"),
    ("three", "the headteacher, the School Business Manager (SBM) and the school office",
     "the headteacher, the School Business Manager (SBM) or the school office"),
])
def test_who_joins_one_two_or_three_roles_with_and_or_or(duty: str, joined_by_and: str, joined_by_or: str):
    assert say(f'{{{{ who("{duty}") }}}}') == joined_by_and
    assert say(f'{{{{ who("{duty}", "and") }}}}') == joined_by_and
    assert say(f'{{{{ who("{duty}", "or") }}}}') == joined_by_or
    assert say(f'{{{{ Who("{duty}", "or") }}}}') == joined_by_or[0].upper() + joined_by_or[1:]


def test_a_joiner_other_than_and_or_or_is_an_error_at_the_clause_line():
    with pytest.raises(InputError) as caught:
        say('First line.\nAsk {{ who("two", "nor") }}.')
    assert caught.value.line == 2 and "not 'nor'" in caught.value.message and 'who("duty", "or")' in caught.value.hint


def test_contact_adds_each_roles_email_as_a_mailto_link():
    assert say('{{ contact("emailed") }}') == ("the ICT Technician (Sam Lee, "
                                               "[sam.lee@school.sch.uk](mailto:sam.lee@school.sch.uk))")
    assert say('{{ contact("three", "or") }}') == ("the headteacher, the School Business Manager (SBM) or the school "
                                                   "office ([office@school.sch.uk](mailto:office@school.sch.uk))")
    assert hrefs(say('{{ contact("two") }}')) == ["mailto:sam.lee@school.sch.uk"]


def test_contact_without_an_email_is_the_roles_phrase():
    assert say('{{ contact("one") }}') == say('{{ who("one") }}') == "the headteacher"
    assert hrefs(say('{{ contact("one") }}')) == []


def test_an_email_is_escaped_as_text_and_encoded_in_its_link():
    duties = Duties({"it": SchoolRole(title="IT", email="o'neil_it+help@school.sch.uk")}, {"d": ("it",)})
    text = say('{{ contact("d") }}', duties)
    assert text == r"the IT ([o'neil\_it+help@school.sch.uk](mailto:o%27neil_it%2Bhelp@school.sch.uk))"
    assert hrefs(text) == ["mailto:o%27neil_it%2Bhelp@school.sch.uk"]


@pytest.mark.parametrize("email", [
    "javascript:alert(1)",
    "javascript:alert(1)//@school.sch.uk",
    "x@y.uk)](javascript:alert(1))",
    "x@y.uk>[a](javascript:alert(1))",
    "<script>alert(1)</script>@y.uk",
    "x@y.uk\n[a]: javascript:alert(1)",
    "x@y.uk onmouseover=alert(1)",
])
def test_a_hostile_email_is_shown_as_text_never_as_a_link(email: str):
    duties = Duties({"it": SchoolRole(title="IT", email=email)}, {"d": ("it",)})
    text = say('{{ contact("d") }}', duties)
    html = markdown.markdown(text)
    assert hrefs(text) == [] and "<script" not in html and "javascript:" not in "".join(hrefs(text))


def test_a_hostile_title_or_name_is_text():
    role = SchoolRole(title="[IT](javascript:alert(1))", name="*Sam* <b>Lee</b>", email="it@school.sch.uk")
    text = say('{{ contact("d") }} and {{ Who("d", "or") }}', Duties({"it": role}, {"d": ("it",)}))
    assert hrefs(text) == ["mailto:it@school.sch.uk"] and "<b>" not in markdown.markdown(text)

