"""Read a signing roster (CSV from Excel or a school MIS) into people with roles, or say which rows are wrong."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..model.vocabulary import ROLE_PLURALS, ROLE_SYNONYMS, ROLES

ROLE_WORDS = {word: role for role in ROLES for word in (role, ROLE_PLURALS[role], *ROLE_SYNONYMS.get(role, ()))}
# What a year, class or agreement cell may say, and the pupils' sheet it means (first match wins).
STAGE_WORDS = tuple((re.compile(rf"^(?:{words})\b", re.IGNORECASE), group) for words, group in (
    (r"nursery|pre-?school|reception|rec|eyfs|early years|foundation|fs ?[12]?|f[12]|ks ?1|key stage (?:1|one)", "eyfs-ks1"),
    (r"ks ?2|key stage (?:2|two)", "ks2"),
    (r"ks ?[34]|key stages? (?:3|4|three|four)", "ks3-4"),
    (r"(?:lower |upper )?(?:sixth|6th)|[lu]6|ks ?5|key stage (?:5|five)|post[- ]?16", "sixth-form"),
    (r"easy[- ]?read", "easy-read"),
))
YEAR = re.compile(r"^(?:year|yr|y)\s*(?:(\d{1,2})(?!\d)|r(?![a-z]))", re.IGNORECASE)  # Year 7, Yr 12, Y7, YR
FORM = re.compile(r"^(\d{1,2})(?!\d)(?=\s*[a-z/-]|$)", re.IGNORECASE)  # a form or class named by its year: 7B, 10/Ma1
YEAR_GROUPS = {**dict.fromkeys(range(1, 3), "eyfs-ks1"), **dict.fromkeys(range(3, 7), "ks2"),
               **dict.fromkeys(range(7, 12), "ks3-4"), **dict.fromkeys(range(12, 15), "sixth-form")}
AGE_COLUMNS = ("agreement", "year", "year group", "class", "form", "tutor group", "key stage")
MAX_ROWS = 20_000  # the merged pack grows ~24 KB a page in memory: 20,000 sheets stay under 1 GB
MAX_CELL = 500  # characters: a name, a role or a class, not a document
MAX_BYTES = 32 * 1024 * 1024
EXCEL_HINT = "in Excel choose File > Save As > 'CSV UTF-8 (comma delimited)'"


@dataclass(frozen=True)
class RosterEntry:
    name: str
    role: str  # one of the canonical roles
    row: int
    details: dict[str, str] = field(default_factory=dict)  # optional columns: class, year, child, email...

    @property
    def age_group(self) -> str | None:
        """The pupils' sheet ('eyfs-ks1' ... 'sixth-form', 'easy-read') an agreement, year or class column names."""
        for key in AGE_COLUMNS:
            group = stage_of(self.details.get(key, "").strip())
            if group:
                return group
        return None


def stage_of(value: str) -> str | None:
    """'Year 12', 'Y7', '10B', 'sixth form', 'KS2', 'Reception', 'easy read' -> their age group; None if unknown."""
    for pattern, group in STAGE_WORDS:
        if pattern.match(value):
            return group
    year = YEAR.match(value) or FORM.match(value)
    if year is None:
        return None
    return YEAR_GROUPS.get(int(year.group(1))) if year.group(1) else "eyfs-ks1"  # Year R is Reception


def read_roster(path: Path) -> tuple[str, str]:
    """The roster's text and encoding, from a file of at most MAX_BYTES."""
    return decode_roster(roster_bytes(path), path)


def roster_bytes(path: Path) -> bytes:
    """The roster file as it is, if it is at most MAX_BYTES."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read the roster: {exc.strerror or exc}", path) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"the roster is larger than {MAX_BYTES // 2**20} MB", path, hint="split it into several packs")
    return data


def decode_roster(data: bytes, source: Path | str) -> tuple[str, str]:
    """Text and the encoding used: UTF-16 or UTF-8 by their byte-order mark, else UTF-8, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode(data, "utf-16", source), "UTF-16"
    elif data.startswith(codecs.BOM_UTF8):
        text, encoding = _decode(data, "utf-8-sig", source), "UTF-8"
    elif b"\x00" in data and (guess := _utf16_without_bom(data)):
        text, encoding = _decode(data, guess, source), "UTF-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = _decode(data, "cp1252", source), "Windows-1252"
    if "\x00" in text:
        raise InputError("the roster holds NUL characters: it is not a CSV text file", source,
                          text[: text.index("\x00")].count("\n") + 1, hint=EXCEL_HINT)
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NUL bytes fall on one side of each pair, as in mostly-Latin UTF-16."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(data) % 2 == 0 and max(even, odd) > len(sample) // 4 and min(even, odd) * 10 < max(even, odd):
        return "utf-16-le" if odd else "utf-16-be"
    return None


def _decode(data: bytes, encoding: str, source: Path | str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        name = "UTF-16" if "16" in encoding else "UTF-8 or Windows-1252"
        raise InputError(f"the roster is not {name} text (a damaged character at byte {exc.start})", source, line,
                          hint=EXCEL_HINT) from None


def parse_roster(text: str, source: Path | str, errors: ErrorCollector | None = None) -> list[RosterEntry]:
    """People from CSV text with a header row naming at least 'name' and 'role'; every bad row is reported.

    With `errors`, bad rows are added to it (for the caller to raise with its own checks) instead of raised."""
    collector = errors if errors is not None else ErrorCollector()
    people = list(_people(text, source, collector))
    if errors is None:
        collector.raise_if_any()
    if not people and not collector.errors:
        raise InputError("the roster lists nobody", source, hint="add one row per person under the header row")
    return people


def _people(text: str, source: Path | str, errors: ErrorCollector) -> Iterator[RosterEntry]:
    """Each good row as a RosterEntry, read one row at a time; each bad one goes to `errors`."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    number = 0  # the last row read; the header is row 1
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        number = 1
        if not header:
            raise InputError("the roster is empty", source, hint="the first row names the columns, e.g. name,role,class")
        for required in ("name", "role"):
            if required not in header:
                raise InputError(f"the roster has no '{required}' column", source, 1,
                                  hint=f"the first row must name the columns, e.g. name,role,class (found: {_listed(header)})")
        while True:
            number += 1
            try:
                row = next(reader, None)
            except csv.Error as exc:  # one unreadable row; the reader goes on with the next line
                row = []
                errors.add(_unreadable(exc, number, source))
            if row is None:
                break
            if number > MAX_ROWS + 1:
                raise InputError(f"the roster has more than {MAX_ROWS:,} rows", source, number, hint="split it into several packs")
            person = _person(row, number, header, source, errors)
            if person is not None:
                yield person
    except csv.Error as exc:  # the header row
        errors.add(_unreadable(exc, 1, source))
    except InputError as error:
        errors.add(error)


def _unreadable(exc: csv.Error, number: int, source: Path | str) -> InputError:
    too_long = "field larger than field limit" in str(exc)
    message = f"row {number} has a cell longer than {MAX_CELL} characters" if too_long else f"row {number} cannot be read as CSV: {exc}"
    return InputError(message, source, number, hint="a cell holds one name, role or class; check for an unclosed double quote")


def _person(row: list[str], number: int, header: list[str], source: Path | str, errors: ErrorCollector) -> RosterEntry | None:
    if not any(cell.strip() for cell in row):
        return None
    if len(row) > len(header):
        errors.add(InputError(f"row {number} has more cells than the header", source, number,
                               hint="a name with a comma must be in double quotes"))
        return None
    long_cells = [header[i] for i, cell in enumerate(row) if len(cell) > MAX_CELL]
    if long_cells:
        errors.add(InputError(f"row {number}: the '{long_cells[0]}' cell is longer than {MAX_CELL} characters", source, number,
                               hint="a cell holds one name, role or class; check for an unclosed double quote"))
        return None
    values = {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header)}
    name, role_word = values.pop("name"), values.pop("role")
    role = ROLE_WORDS.get(role_word.lower())
    if not name:
        errors.add(InputError(f"row {number} has no name", source, number, hint="fill in the name or delete the row"))
    elif role is None:
        errors.add(InputError(f"row {number} ({name}) has an unknown role '{role_word}'", source, number,
                               hint="roles: staff, governor, trustee, volunteer, visitor, parent, carer, pupil"))
    else:
        return RosterEntry(name, role, number, {k: v for k, v in values.items() if v})
    return None


def _listed(header: list[str]) -> str:
    return ", ".join(cell[:40] for cell in header[:12]) + (", ..." if len(header) > 12 else "")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        return csv.excel
