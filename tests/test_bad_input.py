"""Bad input through the real command line: a clear message with file and line, exit 1, nothing written.

Each kind of bad input is checked in process in tests/unit/test_input_errors.py; here, what the CLI adds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUILD_DATE, assert_clean_failure, edit, line_of, run_cli, tree_hash

SCHOOL = "chellaston-infant"


@pytest.fixture
def built(project: Path) -> Path:
    """A project whose sites were built once, so each test can prove the old site is untouched."""
    result = run_cli("build", "--today", BUILD_DATE, cwd=project)
    assert result.code == 0, result.text
    return project


def school_yml(project: Path) -> Path:
    return project / "schools" / SCHOOL / "school.yml"


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


def test_a_bad_clause_stops_the_build_and_leaves_the_site(built: Path):
    clause = built / "clauses" / "printers.md"
    clause.write_text(clause.read_text() + "\n<script>alert(1)</script>\n")
    fails_without_touching_site(built, f"clauses/printers.md:{line_of(clause, '<script>')}:", "raw HTML")
