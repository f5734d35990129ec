"""Bad input, in process: `check` reports each problem with its file, line and what to do.

The command line adds nothing here but printing; tests/test_bad_input.py proves through the real CLI
that such a problem stops `check` and `build` with exit status 1 and leaves the built site untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit, edit_school, line_of

from site_build.commands.check import check
from site_build.errors import PolicySiteError

SCHOOL = "chellaston-infant"


def school_yml(project: Path) -> Path:
    return project / "schools" / SCHOOL / "school.yml"


def fails_check(project: Path, *expected: str) -> None:
    with pytest.raises(PolicySiteError) as caught:
        check(project)
    text = "\n".join(str(problem) for problem in caught.value.problems)
    for part in expected:
        assert part in text, f"{part!r} not in:\n{text}"


def test_unknown_key_lists_valid_keys_and_suggests_nearest(project: Path):
    path = school_yml(project)
    edit(path, "telephone:", "telephon:")
    line = line_of(path, "telephon:")
    fails_check(project, f"schools/{SCHOOL}/school.yml:{line}:", "unknown key 'telephon'",
                                "did you mean 'telephone'?", "valid keys here:")


def test_urn_with_leading_zero_is_kept_and_a_number_where_text_is_meant_asks_for_quotes(project: Path):
    path = school_yml(project)
    edit(path, "\nphase:", "\nurn: 0123456\nphase:")
    check(project)  # YAML 1.1 would have read this as octal 42798
    edit(path, "urn: 0123456", "urn: 112800")
    fails_check(project, f"schools/{SCHOOL}/school.yml:{line_of(path, 'urn:')}:", "'urn' should be text",
                                "put the value in quotes")


def test_undefined_variable_in_clause_names_clause_file_and_line(project: Path):
    clause = project / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + "\nAsk {{ vars.print_contact }} for help.\n")
    line = line_of(clause, "print_contact")
    fails_check(project, f"clauses/printers.md:{line}:", "print_contact")


def test_unknown_clause_id_in_school_drop_suggests_nearest(project: Path):
    edit_school(project, SCHOOL, lambda data: data["policies"]["acceptable-use"].setdefault("drop", []).append("printerz"))
    fails_check(project, f"schools/{SCHOOL}/school.yml:", "printerz", "did you mean 'printers'?")


def test_outline_naming_a_missing_clause(project: Path):
    outline = project / "policies_src" / "acceptable-use.yml"
    edit(outline, "  - clause: cyber-attacks\n", "  - clause: cyber-attacks\n  - clause: cyber-atacks\n")
    fails_check(project, f"policies_src/acceptable-use.yml:{line_of(outline, 'cyber-atacks')}:",
                                "'cyber-atacks' that does not exist", "did you mean 'cyber-attacks'?")


def test_duplicate_clause_id_in_outline(project: Path):
    outline = project / "policies_src" / "acceptable-use.yml"
    edit(outline, "  - clause: cyber-attacks\n", "  - clause: cyber-attacks\n  - clause: printers\n")
    fails_check(project, "policies_src/acceptable-use.yml:", "'printers' appears twice")


def test_school_adding_a_clause_with_a_shared_id(project: Path):
    (project / "overrides" / SCHOOL).mkdir(parents=True, exist_ok=True)
    (project / "overrides" / SCHOOL / "printers.md").write_text("---\ntitle: Printers\n---\nOur own printer rules.\n")
    edit_school(project, SCHOOL, lambda data: data["policies"]["acceptable-use"].setdefault("add", []).append(
        {"clause": "printers", "after": "introduction"}))
    fails_check(project, f"schools/{SCHOOL}/school.yml:", "'printers' is already a clause")


def test_ref_to_missing_clause(project: Path):
    clause = project / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + '\nSee {{ ref("scanners") }}.\n')
    fails_check(project, f"clauses/printers.md:{line_of(clause, 'scanners')}:", 'ref("scanners")')


def test_override_with_no_matching_clause(project: Path):
    (project / "overrides" / SCHOOL).mkdir(parents=True, exist_ok=True)
    (project / "overrides" / SCHOOL / "printer.md").write_text("---\ntitle: Printer\n---\nText.\n")
    fails_check(project, f"overrides/{SCHOOL}/printer.md", "matches no shared clause", "did you mean 'printers'?")


def test_raw_html_in_clause_is_refused(project: Path):
    clause = project / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + "\n<script>alert(1)</script>\n")
    fails_check(project, f"clauses/printers.md:{line_of(clause, '<script>')}:", "raw HTML")
