"""Issue 13, onboarding and a new user's bugs, in process: rosters, the diff summary, month-only approvals, placeholders."""

from __future__ import annotations

from site_build.diff.compare import compare_documents
from site_build.errors import ErrorCollector
from site_build.load.roster import parse_roster
from site_build.model.document import Clause, Document
from site_build.render.redline import summary_lines


def test_a_roster_reports_every_bad_row_even_after_an_unreadable_one():
    text = ("name,role\nAnn,staff\n" + "B" * 200_000 + ",staff\n,staff\nCy," + "x" * 200_000
            + "\nDi,janitor\nEd,staff\n")
    errors = ErrorCollector()
    people = parse_roster(text, "r.csv", errors)
    assert [p.name for p in people] == ["Ann", "Ed"]
    assert [(e.line, e.message) for e in errors.errors] == [
        (3, "row 3 has a cell longer than 500 characters"), (4, "row 4 has no name"),
        (5, "row 5 has a cell longer than 500 characters"), (6, "row 6 (Di) has an unknown role 'janitor'")]


def _document(*clauses: tuple[str, str, str]) -> Document:
    return Document("acceptable-use", "Policy", "s", "School", "1 year",
                    tuple(Clause(cid, number, cid.title(), text, number.count(".") + 1) for cid, number, text in clauses))


def test_the_diff_summary_reads_in_document_order():
    old = _document(("aims", "1", "a"), ("scope", "2", "b"), ("roles", "3", "c"), ("rules", "4", "d"),
                    ("phones", "4.1", "e"), ("review", "5", "f"))
    new = _document(("roles", "1", "c"), ("rules", "2", "d, changed"), ("email", "2.1", "new"), ("review", "3", "f"))
    changes = compare_documents(old, new)
    assert [(c.kind, c.id) for c in changes] == [
        ("removed", "aims"), ("removed", "scope"), ("renumbered", "roles"), ("changed", "rules"), ("removed", "phones"),
        ("added", "email"), ("renumbered", "review")]
    assert summary_lines(changes)[1:] == [
        "  1. Aims: removed", "  2. Scope: removed", "  1. Roles (was section 3): renumbered", "  2. Rules: changed",
        "  4.1 Phones: removed", "  2.1 Email: added", "  3. Review (was section 5): renumbered"]
