"""Bad input through the real command line: a clear message with file and line, exit 1, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUILD_DATE, assert_clean_failure, edit_school, run_cli, tree_hash

SCHOOL = "chellaston-infant"


@pytest.fixture
def built(project: Path) -> Path:
    """A project whose sites were built once, so each test can prove the old site is untouched."""
    result = run_cli("build", "--today", BUILD_DATE, cwd=project)
    assert result.code == 0, result.text
    return project


def school_yml(project: Path) -> Path:
    return project / "schools" / SCHOOL / "school.yml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if fragment in line)


def fails_without_touching_site(project: Path, *expected: str) -> None:
    before = tree_hash(project / "site")
    for command in (["check"], ["build", "--today", BUILD_DATE]):
        assert_clean_failure(run_cli(*command, cwd=project), *expected)
    assert tree_hash(project / "site") == before
    assert not [p for p in (project / "site").iterdir() if p.name.startswith(".") and p.name != ".policy-site"]  # only the mark of a folder we made


def test_malformed_yaml_names_file_and_line(built: Path):
    path = school_yml(built)
    edit(path, "phase:", "phase: [infant\n  oops:")
    fails_without_touching_site(built, f"schools/{SCHOOL}/school.yml:", "not valid YAML")


def test_unknown_key_lists_valid_keys_and_suggests_nearest(built: Path):
    path = school_yml(built)
    edit(path, "telephone:", "telephon:")
    line = line_of(path, "telephon:")
    fails_without_touching_site(built, f"schools/{SCHOOL}/school.yml:{line}:", "unknown key 'telephon'",
                                "did you mean 'telephone'?", "valid keys here:")


def test_urn_with_leading_zero_is_kept_and_a_number_where_text_is_meant_asks_for_quotes(built: Path):
    path = school_yml(built)
    edit(path, "\nphase:", "\nurn: 0123456\nphase:")
    assert run_cli("check", cwd=built).code == 0  # YAML 1.1 would have read this as octal 42798
    edit(path, "urn: 0123456", "urn: 112800")
    fails_without_touching_site(built, f"schools/{SCHOOL}/school.yml:{line_of(path, 'urn:')}:", "'urn' should be text",
                                "put the value in quotes")


def test_undefined_variable_in_clause_names_clause_file_and_line(built: Path):
    clause = built / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + "\nAsk {{ vars.print_contact }} for help.\n")
    line = line_of(clause, "print_contact")
    fails_without_touching_site(built, f"clauses/printers.md:{line}:", "print_contact")


def test_unknown_clause_id_in_school_drop_suggests_nearest(built: Path):
    edit_school(built, SCHOOL, lambda data: data["policies"]["acceptable-use"].setdefault("drop", []).append("printerz"))
    fails_without_touching_site(built, f"schools/{SCHOOL}/school.yml:", "printerz", "did you mean 'printers'?")


def test_outline_naming_a_missing_clause(built: Path):
    outline = built / "policies_src" / "acceptable-use.yml"
    edit(outline, "  - clause: cyber-attacks\n", "  - clause: cyber-attacks\n  - clause: cyber-atacks\n")
    fails_without_touching_site(built, f"policies_src/acceptable-use.yml:{line_of(outline, 'cyber-atacks')}:",
                                "'cyber-atacks' that does not exist", "did you mean 'cyber-attacks'?")


def test_duplicate_clause_id_in_outline(built: Path):
    outline = built / "policies_src" / "acceptable-use.yml"
    edit(outline, "  - clause: cyber-attacks\n", "  - clause: cyber-attacks\n  - clause: printers\n")
    fails_without_touching_site(built, "policies_src/acceptable-use.yml:", "'printers' appears twice")


def test_school_adding_a_clause_with_a_shared_id(built: Path):
    (built / "overrides" / SCHOOL).mkdir(parents=True, exist_ok=True)
    (built / "overrides" / SCHOOL / "printers.md").write_text("---\ntitle: Printers\n---\nOur own printer rules.\n")
    edit_school(built, SCHOOL, lambda data: data["policies"]["acceptable-use"].setdefault("add", []).append(
        {"clause": "printers", "after": "introduction"}))
    fails_without_touching_site(built, f"schools/{SCHOOL}/school.yml:", "'printers' is already a clause")


def test_ref_to_missing_clause(built: Path):
    clause = built / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + '\nSee {{ ref("scanners") }}.\n')
    fails_without_touching_site(built, f"clauses/printers.md:{line_of(clause, 'scanners')}:", 'ref("scanners")')


def test_override_with_no_matching_clause(built: Path):
    (built / "overrides" / SCHOOL).mkdir(parents=True, exist_ok=True)
    (built / "overrides" / SCHOOL / "printer.md").write_text("---\ntitle: Printer\n---\nText.\n")
    fails_without_touching_site(built, f"overrides/{SCHOOL}/printer.md", "matches no shared clause", "did you mean 'printers'?")


def test_raw_html_in_clause_is_refused(built: Path):
    clause = built / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + "\n<script>alert(1)</script>\n")
    fails_without_touching_site(built, f"clauses/printers.md:{line_of(clause, '<script>')}:", "raw HTML")


def test_check_reports_every_problem_at_once(built: Path):
    edit(school_yml(built), "telephone:", "telephon:")
    (built / "overrides" / "tudhoe-moor-nursery").mkdir(parents=True, exist_ok=True)
    (built / "overrides" / "tudhoe-moor-nursery" / "stray.md").write_text("---\ntitle: Stray\n---\nText.\n")
    result = run_cli("check", cwd=built)
    assert_clean_failure(result, "telephon", "stray.md", "2 problems found")


def test_unknown_school_on_the_command_line(built: Path):
    fails = run_cli("build", "chelaston-infant", cwd=built)
    assert_clean_failure(fails, "no school 'chelaston-infant'", "new-school")


def test_outside_a_project_says_where_to_run(tmp_path: Path):
    assert_clean_failure(run_cli("check", cwd=tmp_path), "not a policy-site project")
