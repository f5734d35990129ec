"""Recorded signatures: the filled-in registers and form exports a school office keeps in schools/<slug>/signatures/.

Each is a CSV with a header row: `name`, `role`, `policy` (its id or title; may be left out when the school has one
policy) and either `version` (e.g. 2026-09-01) or the `date` it was signed (the version then in force counts)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..model.release import Release, Signed
from .project import check_inside
from .roster import RosterEntry, decode_roster, parse_roster, roster_bytes

FOLDER = "signatures"
DATE_COLUMNS = ("date", "signed", "signed on", "date signed", "completion time")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")  # 30/11/2026, as UK spreadsheets and forms write it


def parse_signatures(data: bytes, source: Path | str, releases: Mapping[str, Sequence[Release]],
                     titles: Mapping[str, str], errors: ErrorCollector) -> list[Signed]:
    """The signatures in one file, each checked against the school's policies and approved versions."""
    text, _ = decode_roster(data, source)
    signed = []
    for person in parse_roster(text, source, errors):
        try:
            policy_id = _policy(person, titles, source)
            signed.append(Signed(person.name, person.role, policy_id, _version(person, releases[policy_id], source)))
        except InputError as error:
            errors.add(error)
    return signed


def read_signatures(school_folder: Path, releases: Mapping[str, Sequence[Release]], titles: Mapping[str, str]) -> list[Signed]:
    """Every recorded signature of a school, oldest file first; every bad row of every file is reported at once."""
    errors = ErrorCollector()
    signed = []
    for path in sorted((school_folder / FOLDER).glob("*.csv")):
        try:
            check_inside(path, school_folder / FOLDER)
            signed += parse_signatures(roster_bytes(path), path, releases, titles, errors)
        except InputError as error:
            errors.add(error)
    errors.raise_if_any()
    return signed


def _policy(person: RosterEntry, titles: Mapping[str, str], source: Path | str) -> str:
    given = person.details.get("policy", "")
    if not given and len(titles) == 1:
        return next(iter(titles))
    for policy_id, title in titles.items():
        if given.casefold() in (policy_id.casefold(), title.casefold()):
            return policy_id
    known = "; ".join(f"{policy_id} ({title})" for policy_id, title in titles.items())
    what = f"names a policy '{given}' the school does not have" if given else "names no policy"
    raise InputError(f"row {person.row} ({person.name}) {what}", source, person.row,
                     hint=f"add a 'policy' column with one of: {known}")


def _version(person: RosterEntry, releases: Sequence[Release], source: Path | str) -> str:
    given = person.details.get("version", "")
    versions = [release.version for release in releases]
    if given:
        version = given.split(" ")[0]
        if version in versions:
            return version
        raise InputError(f"row {person.row} ({person.name}) names a version '{given}' that was never approved", source,
                         person.row, hint=f"versions: {', '.join(versions) or 'none yet'}")
    written = next((person.details[column] for column in DATE_COLUMNS if person.details.get(column)), "")
    day = _date(written)
    if day is None:
        what = f"has a date '{written}' that cannot be read" if written else "says neither which version was signed nor when"
        raise InputError(f"row {person.row} ({person.name}) {what}", source, person.row,
                         hint="give a 'version' (e.g. 2026-09-01) or a 'date' signed (e.g. 30/11/2026 or 2026-11-30)")
    in_force = [release for release in releases if release.in_force_from <= day]
    if not in_force:
        raise InputError(f"row {person.row} ({person.name}) was signed on {day.isoformat()}, before any version was "
                         "in force", source, person.row, hint="check the date")
    return in_force[-1].version


def _date(text: str) -> dt.date | None:
    """A date as a form or spreadsheet writes it: 2026-11-30, 30/11/2026 or 30.11.2026 (day first, as in the UK)."""
    try:
        match = DAY_FIRST.match(text.strip())
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
