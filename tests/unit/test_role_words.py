"""No shared clause names a post: people are named only through responsibilities, {{ who("duty") }}."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CLAUSES = Path(__file__).parents[2] / "clauses"
# Posts, teams and offices a clause must reach through a responsibility (matched as words, any case).
ROLE_WORDS = [
    "headteacher", "head teacher", "headmaster", "headmistress", "deputy head", "designated safeguarding lead",
    "safeguarding team", "data protection officer", "IT support", "ICT support", "IT lead", "ICT lead", "IT manager",
    "ICT manager", "network manager", "IT provider", "ICT provider", "technician", "computing lead", "online safety lead",
    "e-safety lead", "digital lead", "business manager", "bursar", "office manager", "school office", "senior leader",
    "senior leadership", "chair of governors", "chair of trustees", "clerk to the governors", "proprietor",
]
ACRONYMS = ["DSL", "DDSL", "DPO", "SBM", "SLT", "SENCO", "SENCo"]  # matched as written: "dsl" in an item id is fine
PATTERN = re.compile("|".join([rf"(?i:\b{re.escape(word)}s?\b)" for word in ROLE_WORDS] +
                              [rf"\b{word}s?\b" for word in ACRONYMS]))
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def role_words(text: str) -> list[tuple[int, str]]:
    """(line, word) for each role word outside template code, which names duties and data, not posts."""
    hits = []
    for number, line in enumerate(TEMPLATE_CODE.sub(lambda m: "\n" * m.group(0).count("\n"), text).splitlines(), 1):
        hits += [(number, match.group(0)) for match in PATTERN.finditer(line)]
    return hits


def test_no_shared_clause_hard_codes_a_role():
    found = [f"clauses/{path.name}:{line}: '{word}'" for path in sorted(CLAUSES.glob("*.md"))
             for line, word in role_words(path.read_text(encoding="utf-8"))]
    assert not found, "name these through a responsibility, {{ who(\"duty\") }}:\n" + "\n".join(found)


@pytest.mark.parametrize("text, expected", [
    ("Ask the Headteacher first.", [(1, "Headteacher")]),
    ("x\ntell the DSL and the school's IT lead", [(2, "DSL"), (2, "IT lead")]),
    ("the senior leadership team", [(1, "senior leadership")]),
    ("our IT technicians", [(1, "technicians")]),
    ('{{ who("receives-safeguarding-concerns") }} and {% if x %}the headteacher{% endif %}', [(1, "headteacher")]),
    ("{{ Who('x') }}\n{% set a =\n 'headteacher' %}\nthe DPO", [(4, "DPO")]),
    ("id: report-concerns-to-dsl; a digital leader; the headteachers' room", [(1, "headteachers")]),
    ("it is a principal aim; the SLTs", [(1, "SLTs")]),
])
def test_role_words_are_found_at_their_line_and_only_outside_template_code(text: str, expected: list):
    assert role_words(text) == expected
