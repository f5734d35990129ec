"""Read a signing roster (CSV from Excel or a school MIS) into people with roles, or say which row is wrong."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ErrorCollector, PolicyError

ROLE_WORDS = {
    "staff": "staff", "staff member": "staff", "teacher": "staff", "teachers": "staff",
    "governor": "governor", "governors": "governor", "trustee": "trustee", "trustees": "trustee",
    "volunteer": "volunteer", "volunteers": "volunteer", "visitor": "visitor", "visitors": "visitor",
    "parent": "parent", "parents": "parent", "carer": "carer", "carers": "carer",
    "parent/carer": "parent", "parents and carers": "parent", "pupil": "pupil", "pupils": "pupil",
}
YOUNGER = re.compile(r"^(nursery|reception|eyfs|foundation|fs[12]?|year ?[12]|y[12]|ks1|key stage 1)\b", re.IGNORECASE)
OLDER = re.compile(r"^(year ?[3-6]|y[3-6]|ks2|key stage 2)\b", re.IGNORECASE)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # one of the canonical roles
    row: int
    details: dict[str, str] = field(default_factory=dict)  # optional columns: class, year, child, email...

    @property
    def age_group(self) -> str | None:
        """'eyfs-ks1' or 'ks2' from a year or class column, where one is given."""
        for key in ("year", "year group", "class"):
            value = self.details.get(key, "")
            if YOUNGER.match(value):
                return "eyfs-ks1"
            if OLDER.match(value):
                return "ks2"
        return None


def decode_roster(data: bytes, source: Path | str) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without a BOM), else Windows-1252 as Excel saves it."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError("the roster is not UTF-8 or Windows-1252 text", source, line,
                          hint="in Excel choose File > Save As > 'CSV UTF-8 (comma delimited)'") from None


def parse_roster(text: str, source: Path | str) -> list[Person]:
    """People from CSV text with a header row naming at least 'name' and 'role'."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if not rows:
        raise PolicyError("the roster is empty", source, hint="the first row names the columns, e.g. name,role,class")
    header = [cell.strip().lower() for cell in rows[0]]
    for required in ("name", "role"):
        if required not in header:
            raise PolicyError(f"the roster has no '{required}' column", source, 1,
                              hint=f"the first row must name the columns, e.g. name,role,class (found: {', '.join(header) or 'nothing'})")
    if len(rows) > MAX_ROWS:
        raise PolicyError(f"the roster has {len(rows) - 1} rows; the limit is {MAX_ROWS}", source, hint="split it into several packs")
    errors = ErrorCollector()
    people = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.add(PolicyError(f"row {number} has more cells than the header", source, number,
                                   hint="a name with a comma must be in double quotes"))
            continue
        values = {key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header)}
        name, role_word = values.pop("name"), values.pop("role")
        role = ROLE_WORDS.get(role_word.lower())
        if not name:
            errors.add(PolicyError(f"row {number} has no name", source, number, hint="fill in the name or delete the row"))
        elif role is None:
            errors.add(PolicyError(f"row {number} ({name}) has an unknown role '{role_word}'", source, number,
                                   hint="roles: staff, governor, trustee, volunteer, visitor, parent, carer, pupil"))
        else:
            people.append(Person(name, role, number, {k: v for k, v in values.items() if v}))
    errors.raise_if_any()
    if not people:
        raise PolicyError("the roster lists nobody", source, hint="add one row per person under the header row")
    return people
