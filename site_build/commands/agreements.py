"""`agreements`: print a school's agreement pack, a sheet per person on the roster or a blank sheet per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..load.roster import parse_roster, read_roster
from ..render.agreements import Pack, measure, plan_sheets, print_pack
from ..store.files import write_atomically
from .school_policy import open_policy


@dataclass(frozen=True)
class PackReport:
    sheets: int
    roster_note: str  # how the roster was read ("read 31 people from staff.csv (UTF-8)"), or ""


def agreements(root: Path, slug: str, policy_id: str | None, role: str | None, roster: Path | None,
               output: Path, jobs: int = 1, large_print: bool = False) -> PackReport:
    """Write the pack's PDF to OUTPUT, for the policy's current release. Every bad roster row is reported at once."""
    if output.suffix.lower() != ".pdf":
        raise InputError("the pack is a PDF: give an output name ending in .pdf", output)
    opened = open_policy(root, slug, policy_id)
    school, releases = opened.school.facts, list(opened.releases)
    if not releases:
        raise InputError(f"{school.name} has no approved version of '{opened.policy_id}' to sign",
                         f"schools/{slug}/releases/{opened.policy_id}",
                         hint=f"approve it first: policy-site approve {slug} {opened.policy_id} ...")
    people, note, errors = None, "", ErrorCollector()
    if roster is not None:
        text, encoding = read_roster(roster)
        people = parse_roster(text, roster, errors)
        del text
        note = f"read {len(people)} {'person' if len(people) == 1 else 'people'} from {roster} ({encoding})"
    document = releases[-1].document
    planned = plan_sheets(document, school, people, role, errors, roster)
    errors.raise_if_any()
    pack = Pack.of(document, releases, large_print)
    sheets = measure(planned, pack)
    write_atomically(output, print_pack(pack, sheets, [s.person for s in sheets if s.person] if people is not None else [], jobs))
    return PackReport(len(sheets), note)
