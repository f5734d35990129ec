"""Agreement packs: one sheet per person (or a blank sheet per role), tied to the version signed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from .document import Agreement, Clause, Document
from .errors import PolicyError
from .files import write_atomically
from .render_pdf import NO_CACHE, TEMPLATES, PdfCache, html_to_pdf, markdown_html, page_count
from .roster import Person
from .schema import School
from .versions import Release, format_date

ROLE_LABELS = {"staff": "Staff", "governor": "Governor", "trustee": "Trustee", "volunteer": "Volunteer", "visitor": "Visitor",
               "parent": "Parent", "carer": "Carer", "pupil": "Pupil"}
DETAIL_LABELS = {"class": "Class", "year": "Year", "year group": "Year group", "child": "Child"}
AGE_LABELS = {"eyfs-ks1": "early years and key stage 1", "ks2": "key stage 2"}
FIT_LEVELS = 4
_IN_PAGE_LINK = re.compile(r"\[([^\]]*)\]\(#[^)]*\)")


@dataclass(frozen=True)
class Sheet:
    title: str
    role: str
    body: Markup
    person: Person | None
    pupil: bool
    fit: int = 0  # how much the print is tightened so the sheet fits on one page

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def details(self) -> list[tuple[str, str]]:
        if self.person is None:
            return []
        return [(DETAIL_LABELS[k], v) for k, v in self.person.details.items() if k in DETAIL_LABELS]


def signing_release(releases: list[Release]) -> Release:
    """The version a signature is for: corrections keep the signatures of the version they correct."""
    for release in reversed(releases):
        if release.needs_signatures:
            return release
    return releases[0]


def plan_sheets(document: Document, school: School, people: list[Person] | None, role: str | None) -> list[Sheet]:
    """The sheets of a pack, in roster order (or a blank sheet per role), or an error naming the row."""
    roles_used = _school_roles(document, school)
    if role is not None and role not in roles_used:
        raise PolicyError(f"{school.name} has no agreement for the role '{role}'",
                          hint=f"roles with an agreement: {', '.join(roles_used) or 'none'}")
    if people is None:
        return [_sheet(document, agreement, r, None) for r in ([role] if role else roles_used)
                for agreement in _agreements_for(document, r)]
    sheets = []
    for person in people:
        if role is not None and person.role != role:
            continue
        agreements = _agreements_for(document, person.role)
        if not agreements:
            raise PolicyError(f"row {person.row} ({person.name}): {school.name} has no agreement for {person.role}s",
                              hint="remove the row, or add the agreement to the policy")
        if len(agreements) > 1:
            age = person.age_group
            chosen = [a for a in agreements if a.age_group == age]
            if not chosen:
                raise PolicyError(f"row {person.row} ({person.name}): cannot tell which pupils' agreement to use",
                                  hint="give a 'year' or 'class' column such as 'Year 2' or 'Reception'")
            agreements = chosen
        sheets.append(_sheet(document, agreements[0], person.role, person))
    if not sheets:
        raise PolicyError(f"nobody in the roster has the role '{role}'")
    return sheets


def _school_roles(document: Document, school: School) -> list[str]:
    """Roles that sign something, in a fixed order, without the board word the school does not use."""
    unused = "governor" if school.governance.members == "trustees" else "trustee"
    roles = {r for a in document.agreements for r in a.roles}
    return [r for r in ROLE_LABELS if r in roles and r != unused]


def _agreements_for(document: Document, role: str) -> list[Agreement]:
    alias = {"governor": "trustee", "trustee": "governor"}.get(role)
    return [a for a in document.agreements if role in a.roles or (alias and alias in a.roles)]


def _sheet(document: Document, agreement: Agreement, role: str, person: Person | None) -> Sheet:
    clause: Clause = document.clause(agreement.clause_id)  # type: ignore[assignment]
    text = _IN_PAGE_LINK.sub(r"\1", clause.text)  # section links point into the policy, not this pack
    title = clause.title if person or not agreement.age_group else f"{clause.title} ({AGE_LABELS[agreement.age_group]})"
    return Sheet(title, role, markdown_html(text), person, role == "pupil")


def pack_html(document: Document, school: School, releases: list[Release], sheets: list[Sheet], register: bool) -> str:
    current = releases[-1]
    signed = signing_release(releases)
    footer = f"{document.title}, version {current.label}, approved {format_date(current.approved_on)}"
    signed_for = f"Signed for version {signed.label} of the {document.title}."
    if signed.version != current.version:
        signed_for += f" The later version {current.label} keeps these signatures valid."
    people = [s.person for s in sheets if s.person] if register else []
    return TEMPLATES.get_template("agreements.html").render(school=school, sheets=sheets, footer=footer, signed_for=signed_for,
                                                           register=people, role_labels=ROLE_LABELS)


def fit_to_one_page(sheets: list[Sheet], document: Document, school: School, releases: list[Release],
                    cache: PdfCache = NO_CACHE) -> list[Sheet]:
    """Measure one sheet of each kind and tighten the print until it fits on a page (up to a limit)."""
    chosen: dict[tuple[str, bool], int] = {}
    for sheet in sheets:
        key = (sheet.title, sheet.person is None)
        if key not in chosen:
            fits = (level for level in range(FIT_LEVELS)
                    if page_count(pack_html(document, school, releases, [replace(sheet, fit=level)], register=False), cache) == 1)
            chosen[key] = next(fits, FIT_LEVELS - 1)  # the first level that fits; the tightest if none does
    return [replace(sheet, fit=chosen[sheet.title, sheet.person is None]) for sheet in sheets]


def blank_agreement_pdfs(document: Document, school: School, releases: list[Release], cache: PdfCache) -> dict[str, bytes]:
    """A blank PDF per agreement (a sheet for each role that signs it), keyed by the agreement's clause id."""
    pdfs = {}
    for agreement in document.agreements:
        roles = [r for r in _school_roles(document, school) if agreement in _agreements_for(document, r)]
        if roles:
            sheets = fit_to_one_page([_sheet(document, agreement, r, None) for r in roles], document, school, releases, cache)
            pdfs[agreement.clause_id] = html_to_pdf(pack_html(document, school, releases, sheets, register=False), cache)
    return pdfs


def build_pack(root: Path, slug: str, policy_id: str | None, role: str | None, roster: Path | None,
               output: Path) -> tuple[int, str]:
    """Make the PDF pack; returns (sheet count, roster encoding note)."""
    from .compose import outline_for
    from .load import load_project
    from .releases import read_releases
    from .roster import decode_roster, parse_roster

    if output.suffix.lower() != ".pdf":
        raise PolicyError("the pack is a PDF: give an output name ending in .pdf", output)
    project = load_project(root, [slug])
    school = project.schools[slug].school
    policy_id = policy_id or next(iter(school.policies), "")
    outline_for(project, project.schools[slug], policy_id)  # says so if the school has no such policy
    releases = read_releases(root, slug, policy_id)
    if not releases:
        raise PolicyError(f"{school.name} has no approved version of '{policy_id}' to sign",
                          f"schools/{slug}/releases/{policy_id}", hint=f"approve it first: policy-site approve {slug} {policy_id} ...")
    people, note = None, ""
    if roster is not None:
        try:
            data = roster.read_bytes()
        except OSError as exc:
            raise PolicyError(f"cannot read the roster: {exc.strerror}", roster) from None
        text, encoding = decode_roster(data, roster)
        people = parse_roster(text, roster)
        note = f"read {len(people)} people from {roster} ({encoding})"
    document = releases[-1].document
    sheets = fit_to_one_page(plan_sheets(document, school, people, role), document, school, releases)
    html = pack_html(document, school, releases, sheets, register=people is not None)
    write_atomically(output, html_to_pdf(html))
    return len(sheets), note
