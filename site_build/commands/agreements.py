"""`agreements`: print a school's agreement pack, a sheet per person on the roster or a blank sheet per role."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..compose.shape import policy_titles
from ..errors import ErrorCollector, InputError
from ..load.project import load_project
from ..load.roster import RosterEntry, parse_roster, read_roster, roster_bytes
from ..load.signatures import FOLDER, parse_signatures
from ..model.release import Letterhead, version_to_sign
from ..render.acknowledgements import Acknowledged, acknowledgement_pack, acknowledgement_sheets
from ..render.agreements import Pack, measure, plan_sheets, print_pack
from ..store.files import write_atomically, write_new
from ..store.releases import read_releases
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
    errors = ErrorCollector()
    people, note = _roster(roster, errors)
    document = releases[-1].document
    planned = plan_sheets(document, school, people, role, errors, roster)
    errors.raise_if_any()
    pack = Pack.of(document, releases, large_print)
    sheets = measure(planned, pack)
    write_atomically(output, print_pack(pack, sheets, [s.person for s in sheets if s.person] if people is not None else [], jobs))
    return PackReport(len(sheets), note)


@dataclass(frozen=True)
class RecordReport:
    signatures: int
    kept_as: Path | None  # the copy under schools/<slug>/signatures/, or None if that file was recorded already


def record_signatures(root: Path, slug: str, path: Path, today: dt.date) -> RecordReport:
    """Check a filled-in register or form export against SLUG's policies and versions, then keep a copy of it, as it
    is, under schools/SLUG/signatures/ (named by today's date; an earlier record is never overwritten)."""
    project = load_project(root, [slug])
    school = project.schools[slug]
    releases = {policy_id: read_releases(root, slug, policy_id) for policy_id in school.facts.policies}
    data = roster_bytes(path)
    errors = ErrorCollector()
    signed = parse_signatures(data, path, releases, policy_titles(project.outlines, school), errors)
    errors.raise_if_any()
    folder = root / "schools" / slug / FOLDER
    if any(existing.read_bytes() == data for existing in folder.glob("*.csv")):
        return RecordReport(len(signed), None)
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")[:60] or "signatures"
    for number in range(1, 1000):
        kept = folder / f"{today.isoformat()}-{stem}{'' if number == 1 else f'-{number}'}.csv"
        if write_new(kept, data):
            return RecordReport(len(signed), kept)
    raise InputError(f"{folder} already holds 999 records named '{today.isoformat()}-{stem}'", path,
                     hint="give the file another name")


def acknowledgements(root: Path, slug: str, role: str | None, roster: Path | None, output: Path, jobs: int = 1,
                     large_print: bool = False) -> PackReport:
    """Write the "read and understood" pack to OUTPUT: each person's sheet lists every approved policy their role
    acknowledges, in the version they must sign (a later correction keeps it), then the register."""
    if output.suffix.lower() != ".pdf":
        raise InputError("the pack is a PDF: give an output name ending in .pdf", output)
    project = load_project(root, [slug])
    school = project.schools[slug]
    titles = policy_titles(project.outlines, school)
    policies = []
    for policy_id, settings in school.facts.policies.items():
        releases = read_releases(root, slug, policy_id)
        due = version_to_sign(releases)
        outline = project.outlines.get(policy_id)
        if due is not None and outline is not None:
            roles = settings.acknowledged_by if settings.acknowledged_by is not None else outline.outline.acknowledged_by
            policies.append(Acknowledged(titles[policy_id], due.label, due.when_approved, tuple(roles)))
    if not policies:
        raise InputError(f"{school.facts.name} has no approved policy to acknowledge", f"schools/{slug}/releases",
                         hint=f"approve one first: policy-site approve {slug} POLICY ...")
    errors = ErrorCollector()
    people, note = _roster(roster, errors)
    sheets = acknowledgement_sheets(policies, school.facts, people, role, errors, roster)
    errors.raise_if_any()
    if not sheets:
        raise InputError(f"nobody in the roster has the role '{role}'" if role else "the roster lists nobody", roster)
    pack = acknowledgement_pack(Letterhead.of(school.facts, ""), large_print)
    sheets = measure(sheets, pack)
    write_atomically(output, print_pack(pack, sheets, [s.person for s in sheets if s.person] if people is not None else [], jobs))
    return PackReport(len(sheets), note)


def _roster(roster: Path | None, errors: ErrorCollector) -> tuple[list[RosterEntry] | None, str]:
    """The people on the roster (None without one) and how it was read; bad rows go to `errors`."""
    if roster is None:
        return None, ""
    text, encoding = read_roster(roster)
    people = parse_roster(text, roster, errors)
    return people, f"read {len(people)} {'person' if len(people) == 1 else 'people'} from {roster} ({encoding})"
