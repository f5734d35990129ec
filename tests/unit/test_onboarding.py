"""Issue 13, onboarding and a new user's bugs, in process: rosters, the diff summary, month-only approvals, placeholders."""

from __future__ import annotations

from site_build.errors import ErrorCollector
from site_build.load.roster import parse_roster


def test_a_roster_reports_every_bad_row_even_after_an_unreadable_one():
    text = ("name,role\nAnn,staff\n" + "B" * 200_000 + ",staff\n,staff\nCy," + "x" * 200_000
            + "\nDi,janitor\nEd,staff\n")
    errors = ErrorCollector()
    people = parse_roster(text, "r.csv", errors)
    assert [p.name for p in people] == ["Ann", "Ed"]
    assert [(e.line, e.message) for e in errors.errors] == [
        (3, "row 3 has a cell longer than 500 characters"), (4, "row 4 has no name"),
        (5, "row 5 has a cell longer than 500 characters"), (6, "row 6 (Di) has an unknown role 'janitor'")]
