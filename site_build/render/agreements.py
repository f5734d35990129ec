"""Agreement packs: one sheet per person (or a blank sheet per role), tied to the version signed."""

from __future__ import annotations

import contextlib
import multiprocessing
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup

from ..errors import ErrorCollector, InputError
from ..load.roster import RosterEntry
from ..model.document import Agreement, Clause, Document
from ..model.release import Letterhead, Release, version_to_sign
from ..model.schema import School
from ..model.vocabulary import AGE_GROUPS, ROLE_LABELS, ROLE_PLURALS
from .css import css_string
from .pdf import NO_CACHE, TEMPLATES, PdfCache, html_to_pdf, markdown_html, page_count
from .pdf_join import join_tagged, page_total

DETAIL_LABELS = {"class": "Class", "form": "Form", "tutor group": "Tutor group", "year": "Year", "year group": "Year group",
                 "child": "Child"}
SHEETS_PER_PART = 50  # sheets laid out in one WeasyPrint document: its memory grows with its pages
NAMES_PER_PART = 500  # signing register rows in one document
REGISTER_ROWS_PER_PAGE = 21  # a first guess at page numbers, corrected after layout if wrong
_IN_PAGE_LINK = re.compile(r"\[([^\]]*)\]\(#[^)]*\)")


@dataclass(frozen=True)
class Sheet:
    title: str
    role: str
    body: Markup
    person: RosterEntry | None
    pupil: bool
    young: bool = False  # a sheet for early years and key stage 1: the largest type
    pages: int = 1  # pages the sheet takes, measured (a long agreement runs on rather than shrinking)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def details(self) -> list[tuple[str, str]]:
        if self.person is None:
            return []
        return [(DETAIL_LABELS[k], v) for k, v in self.person.details.items() if k in DETAIL_LABELS]


def plan_sheets(document: Document, school: School, people: list[RosterEntry] | None, role: str | None,
                errors: ErrorCollector | None = None, roster: Path | None = None) -> list[Sheet]:
    """The sheets of a pack, in roster order (or a blank sheet per role); every row without a sheet is reported."""
    roles_used = _school_roles(document, school)
    if role is not None and role not in roles_used:
        raise InputError(f"{school.name} has no agreement for the role '{role}'",
                          hint=f"roles with an agreement: {', '.join(roles_used) or 'none'}")
    if people is None:
        return [_sheet(document, agreement, r, None) for r in ([role] if role else roles_used)
                for agreement in _agreements_for(document, r)]
    collector = errors if errors is not None else ErrorCollector()
    sheets = []
    for person in people:
        if role is not None and person.role != role:
            continue
        agreements = _agreements_for(document, person.role)
        if not agreements:
            collector.add(InputError(f"row {person.row} ({person.name}): {school.name} has no agreement for {ROLE_PLURALS[person.role]}",
                                      roster, person.row, hint="remove the row, or add the agreement to the policy"))
            continue
        if len(agreements) > 1:
            age = person.age_group
            chosen = [a for a in agreements if a.age_group == age]
            if not chosen:
                groups = ", ".join(AGE_GROUPS[a.age_group] for a in agreements if a.age_group)
                if age:
                    problem = f"{school.name} has no pupils' agreement for {AGE_GROUPS[age]}"
                    fix = "correct the row, or add that agreement to the policy"
                else:
                    problem = "cannot tell which pupils' agreement to use"
                    fix = "give a 'year' or 'class' column such as 'Year 2', 'Y9' or 'sixth form', or an 'agreement' column such as 'easy read'"
                collector.add(InputError(f"row {person.row} ({person.name}): {problem}", roster, person.row,
                                          hint=f"its pupils' agreements are for: {groups}; {fix}"))
                continue
            agreements = chosen
        sheets.append(_sheet(document, agreements[0], person.role, person))
    collector.errors.sort(key=lambda error: error.line or 0)  # every bad row, in the roster's order
    if errors is None:
        collector.raise_if_any()
    if not sheets and not collector.errors:
        raise InputError(f"nobody in the roster has the role '{role}'" if role else "the roster lists nobody", roster)
    return sheets


def _school_roles(document: Document, school: School) -> list[str]:
    """Roles that sign something, in a fixed order, without the board word the school does not use."""
    roles = {r for a in document.agreements for r in a.roles}
    return [r for r in ROLE_LABELS if r in roles and r != unused_board_role(school)]


def unused_board_role(school: School) -> str:
    """The board word the school does not use: 'trustee' where its board members are governors, and the other way."""
    return "governor" if school.governance.members == "trustees" else "trustee"


def _agreements_for(document: Document, role: str) -> list[Agreement]:
    alias = {"governor": "trustee", "trustee": "governor"}.get(role)
    return [a for a in document.agreements if role in a.roles or (alias and alias in a.roles)]


def _sheet(document: Document, agreement: Agreement, role: str, person: RosterEntry | None) -> Sheet:
    clause: Clause = document.clause(agreement.clause_id)  # type: ignore[assignment]
    text = _IN_PAGE_LINK.sub(r"\1", clause.text)  # section links point into the policy, not this pack
    label = AGE_GROUPS[agreement.age_group] if agreement.age_group else ""
    title = clause.title if person or label in clause.title.lower().replace("-", " ") else f"{clause.title} ({label})"
    return Sheet(title, role, markdown_html(text), person, role == "pupil", agreement.age_group == "eyfs-ks1")


@dataclass(frozen=True)
class Pack:
    """What every page of one pack says: the school, the version it is printed from, the version signed for."""

    letterhead: Letterhead  # the current release's, as on its approval
    footer: str
    signed_for: str
    large_print: bool = False  # every sheet and the register in large type (adults 16 pt, pupils 20 pt)

    @classmethod
    def of(cls, document: Document, releases: list[Release], large_print: bool = False) -> Pack:
        current = releases[-1]
        signed = version_to_sign(releases) or current
        signed_for = f"Signed for version {signed.label} of the {document.title}."
        if signed.version != current.version:
            signed_for += f" The later version {current.label} keeps these signatures valid."
        return cls(current.printed_letterhead, f"{document.title}, version {current.label}, approved {current.when_approved}", signed_for,
                   large_print)

    def title(self, sheets: tuple[Sheet, ...], register: bool) -> str:
        """The PDF's title: the agreements to sign (and the signing register), and the school."""
        titles = list(dict.fromkeys(sheet.title for sheet in sheets))
        title = (titles[0] if len(titles) == 1 else f"Agreements to sign: {', '.join(titles)}" if titles else "Signing register")
        return title + f"{' and signing register' if titles and register else ''}: {self.letterhead.name}"

    def html(self, part: Part, numbers: tuple[int, int] | None = None, title: str | None = None) -> str:
        """Print HTML of one part; when the pack is printed in parts, `numbers` (first page, pages in the whole pack) and
        the whole pack's `title`."""
        return TEMPLATES.get_template("agreements.html").render(
            title=title or self.title(part.sheets, bool(part.register)), large_print=self.large_print, letterhead=self.letterhead,
            sheets=part.sheets, footer=self.footer, signed_for=self.signed_for, register=part.register,
            register_start=part.register_start, register_total=part.register_total, role_labels=ROLE_LABELS,
            page_style=self._page_style(part, *numbers) if numbers else None)

    def _page_style(self, part: Part, first: int, total: int) -> Markup:
        """Page numbers that run on across the parts, and running heads that do not depend on what a part holds."""
        title = css_string("Signing register") if part.register else "string(doctitle)"
        heads = f"@top-left {{ content: {css_string(self.letterhead.name)}; }} @top-right {{ content: {title}; }}"
        style = (f"@page {{ {heads} @bottom-left {{ content: {css_string(self.footer)}; }} "
                 f'@bottom-right {{ content: "Page " counter(page) " of {total}"; white-space: nowrap; }} }} '
                 f"@page :first {{ counter-reset: page {first}; {heads if first > 1 else ''} }}")
        return Markup(style)


@dataclass(frozen=True)
class Part:
    """A slice of a pack laid out as one PDF: some sheets, or some rows of the signing register."""

    sheets: tuple[Sheet, ...] = ()
    register: tuple[RosterEntry, ...] = ()
    register_start: int = 0  # rows of the register before this part
    register_total: int = 0


def measure(sheets: list[Sheet], pack: Pack, cache: PdfCache = NO_CACHE) -> list[Sheet]:
    """The sheets with the pages each takes, laying out one sheet of each kind (for the pack's page numbers)."""
    pages: dict[tuple[str, bool], int] = {}
    for sheet in sheets:
        key = (sheet.title, sheet.person is None)
        if key not in pages:
            pages[key] = page_count(pack.html(Part((sheet,))), cache)
    return [replace(sheet, pages=pages[(sheet.title, sheet.person is None)]) for sheet in sheets]


def blank_agreements(document: Document, school: School, releases: list[Release]) -> dict[str, str]:
    """The print HTML of a blank copy of each agreement (a sheet for each role that signs it), by its clause id."""
    blanks = {}
    pack = Pack.of(document, releases)
    for agreement in document.agreements:
        roles = [r for r in _school_roles(document, school) if agreement in _agreements_for(document, r)]
        if roles:
            blanks[agreement.clause_id] = pack.html(Part(tuple(_sheet(document, agreement, r, None) for r in roles)))
    return blanks


def print_pack(pack: Pack, sheets: list[Sheet], register: list[RosterEntry], jobs: int) -> bytes:
    """The pack's PDF, tagged: one document when it is small enough; a longer one laid out SHEETS_PER_PART sheets (or
    NAMES_PER_PART register rows) at a time and joined, structure tree and all, so memory stays flat however long the
    roster is."""
    if len(sheets) <= SHEETS_PER_PART and len(register) <= NAMES_PER_PART:
        return html_to_pdf(pack.html(Part(tuple(sheets), tuple(register), 0, len(register))))
    parts = [Part(tuple(sheets[i:i + SHEETS_PER_PART])) for i in range(0, len(sheets), SHEETS_PER_PART)]
    parts += [Part(register=tuple(register[i:i + NAMES_PER_PART]), register_start=i, register_total=len(register))
              for i in range(0, len(register), NAMES_PER_PART)]
    expected = [sum(s.pages for s in p.sheets) or -(-len(p.register) // REGISTER_ROWS_PER_PAGE) for p in parts]
    return join_tagged(_lay_out(pack, parts, expected, pack.title(tuple(sheets), bool(register)), jobs))


def _lay_out(pack: Pack, parts: list[Part], counts: list[int], title: str, jobs: int) -> list[bytes]:
    """Each part's PDF, numbered from the expected page `counts`, learning the true counts as it goes.

    The register's parts, whose counts are guesses, are laid out first; a part numbered from a count that turned out
    wrong is laid out again (page numbers sit in the margins, so they never change a count: this ends)."""
    done: list[tuple[tuple[int, int], bytes] | None] = [None] * len(parts)
    window = 4 * jobs  # HTML is made only for the parts about to be laid out
    with _mapper(jobs) as run:
        while True:
            numbers = _numbers(counts)
            todo = [i for i, part in enumerate(done) if part is None or part[0] != numbers[i]]
            if not todo:
                return [pdf for _, pdf in done]  # type: ignore[misc]
            todo = [i for i in todo if parts[i].register] or todo
            for start in range(0, len(todo), window):
                chunk, numbers = todo[start:start + window], _numbers(counts)
                for i, pdf in zip(chunk, run(html_to_pdf, [pack.html(parts[i], numbers[i], title) for i in chunk]), strict=True):
                    done[i], counts[i] = (numbers[i], pdf), page_total(pdf)


def _numbers(counts: list[int]) -> list[tuple[int, int]]:
    """(first page, total pages) for each part."""
    total, first, numbers = sum(counts), 1, []
    for count in counts:
        numbers.append((first, total))
        first += count
    return numbers


@contextlib.contextmanager
def _mapper(jobs: int) -> Iterator[Callable]:
    """`map`, in worker processes when more than one job is asked for."""
    if jobs <= 1:
        yield map
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool.map
