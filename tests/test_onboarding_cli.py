"""Issue 13, onboarding and a new user's bugs, through the real command line: placeholders, `new-school --like`,
month-only approvals, the trust index after a one-school build, `--project`, and every bad roster row at once."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import BUILD_DATE, approved_primary, assert_clean_failure, fill_placeholders, run_cli, scaffold
from pypdf import PdfReader

SCHOOL = "chellaston-infant"
NEW = "oak-primary"


def index_names(root: Path) -> list[str]:
    """The schools the trust index links to."""
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    return sorted(part.split("/", 1)[0] for part in html.split('href="')[1:] if "/index.html" in part.split('"', 1)[0])


def test_a_scaffold_left_as_generated_fails_check_at_each_placeholder(project: Path):
    created = run_cli("new-school", NEW, "--name", "Oak Primary", cwd=project)
    assert created.code == 0 and "replace every <<...>>" in created.out
    path = project / "schools" / NEW / "school.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = [number for number, line in enumerate(lines, start=1) if "<<" in line and not line.startswith("#")]
    result = run_cli("check", cwd=project)
    assert_clean_failure(result, *(f"schools/{NEW}/school.yml:{number}: " for number in marked),
                         "'roles.dsl.name' is still a placeholder: <<the designated safeguarding lead's name",
                         f"{len(marked)} problems found")
    refused = run_cli("approve", "--by", "Governing Board", NEW, "acceptable-use", "--on", "2025-09-01", "--note", "First", cwd=project)
    assert_clean_failure(refused, "is still a placeholder")
    assert not (project / "schools" / NEW / "releases").exists()
    fill_placeholders(project, NEW)
    assert run_cli("check", cwd=project).code == 0


def test_a_school_like_another_starts_from_its_choices(project: Path):
    result = run_cli("new-school", NEW, "--name", "Oak Primary", "--like", "the-coppice-primary", cwd=project)
    assert result.code == 0, result.text
    assert f"created schools/{NEW}/school.yml" in result.out and f"created overrides/{NEW}/filtering-in-practice.md" in result.out
    text = (project / "schools" / NEW / "school.yml").read_text(encoding="utf-8")
    assert "Smoothwall" not in text and "Juneman" not in text and "members: trustees" in text
    assert_clean_failure(run_cli("check", cwd=project), "'short_name' is still a placeholder",
                         "'systems.filtering' is still a placeholder", "'policies.acceptable-use.written_by'")
    fill_placeholders(project, NEW)
    assert run_cli("check", cwd=project).code == 0
    unknown = run_cli("new-school", "elm-primary", "--like", "the-copice-primary", cwd=project)
    assert_clean_failure(unknown, "--like: there is no school 'the-copice-primary'", "did you mean 'the-coppice-primary'?")


def test_an_approval_known_only_by_its_month_reads_as_that_month(project: Path, tmp_path: Path):
    assert scaffold(project, NEW, "--name", "Oak Primary").code == 0
    approve = ["approve", "--by", "Governing Board", NEW, "acceptable-use", "--note", "Adopted", "--kind", "edition", "--on"]
    result = run_cli(*approve, "2018-01", cwd=project)
    assert result.code == 0, result.text
    assert "version 2018-01 (edition)" in result.out and "next review: 1 January 2019" in result.out
    data = json.loads((project / "schools" / NEW / "releases" / "acceptable-use" / "2018-01.json").read_text())
    assert (data["approved_on"], data["date_precision"]) == ("2018-01-01", "month")
    status = run_cli("status", "--today", BUILD_DATE, "--csv", str(tmp_path / "s.csv"), cwd=project)
    assert status.code == 0, status.text
    rows = csv.reader((tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines())
    row = next(r for r in rows if r[0] == "Oak Primary" and "acceptable use" in r[1].lower())
    assert row[2:6] == ["2018-01 (edition)", "2018-01", "Governing Board", "2019-01-01"]
    built = run_cli("build", NEW, "--today", BUILD_DATE, cwd=project)
    assert built.code == 0, built.text
    site = project / "site" / NEW
    assert "<td>January 2018</td>" in next(site.rglob("changelog*.html")).read_text(encoding="utf-8")
    assert "Approved by Governing Board in January 2018" in (site / "acceptable-use" / "index.html").read_text()
    pdf = next(site.rglob("*.pdf"))
    assert "in January 2018" in "".join(page.extract_text() for page in PdfReader(pdf).pages)
    same_month = run_cli(*approve, "2018-01-20", "--reaffirm", cwd=project)
    assert_clean_failure(same_month, "was approved in January 2018", "a month-only approval must be in a later month")
    assert run_cli(*approve, "03/2018", "--reaffirm", cwd=project).code == 0  # nothing dated changed by then
    assert run_cli("verify", "--today", BUILD_DATE, cwd=project).code == 0
    assert_clean_failure(run_cli(*approve, "2019-13", cwd=project), "--on '2019-13' is not a date I can read", "2018-01")


def test_the_trust_index_lists_every_built_school(project: Path):
    one = run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project)
    assert one.code == 0 and "wrote site/index.html" in one.out, one.text
    assert index_names(project) == [SCHOOL]
    everything = sorted(p.parent.name for p in (project / "schools").glob("*/school.yml"))
    assert run_cli("build", "--today", BUILD_DATE, cwd=project).code == 0
    assert index_names(project) == everything
    assert scaffold(project, NEW, "--name", "Oak Primary").code == 0
    new = run_cli("build", NEW, "--today", BUILD_DATE, cwd=project)
    assert new.code == 0 and "wrote site/index.html" in new.out, new.text
    again = run_cli("build", "--today", BUILD_DATE, cwd=project)
    assert again.code == 0 and "up to date" in again.out and "wrote" not in again.out, again.text
    assert index_names(project) == sorted([*everything, NEW])


def test_project_folder_holds_the_built_site(project: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("--project", str(project), "build", SCHOOL, "--today", BUILD_DATE, cwd=elsewhere)
    assert result.code == 0, result.text
    assert (project / "site" / SCHOOL / "index.html").is_file() and not (elsewhere / "site").exists()
    assert f"built {project / 'site' / SCHOOL}" in result.out


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return approved_primary(tmp_path_factory.mktemp("onboarding"), "maple-primary")


def test_a_roster_with_several_bad_rows_reports_every_one(school: Path, tmp_path: Path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,role,year\nAnn,staff,\n" + "B" * 200_000 + ",staff,\n,staff,\nCy,janitor,\nDi,staff,"
                      + "x" * 200_000 + "\nEd,staff,\nFlo,pupil,\n", encoding="utf-8")
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", "maple-primary", "--roster", str(roster), "-o", str(out), cwd=school)
    assert_clean_failure(result, "roster.csv:3: row 3 has a cell longer than 500 characters", "roster.csv:4: row 4 has no name",
                         "roster.csv:5: row 5 (Cy) has an unknown role 'janitor'",
                         "roster.csv:6: row 6 has a cell longer than 500 characters", "roster.csv:8: row 8 (Flo)",
                         "5 problems found")
    rows = [line.split("roster.csv:")[1].split(":")[0] for line in result.err.splitlines() if line.startswith("error:")]
    assert rows == sorted(rows, key=int)
    assert "staffs" not in result.err and not out.exists()
