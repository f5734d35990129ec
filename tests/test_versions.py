"""Approved releases, verification, change logs, archives and review dates, through the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from conftest import CLI, assert_clean_failure, run_cli, scaffold, tree_hash

from site_build.compose.policy import compose_all
from site_build.load.project import load_project

TODAY = dt.date.today()

SLUG = "new-academy"
POLICY = "acceptable-use"


@pytest.fixture
def fresh(project: Path) -> Path:
    """The project plus a newly scaffolded school with no releases yet."""
    result = scaffold(project, SLUG, "--name", "New Academy", "--phase", "primary")
    assert result.code == 0, result.text
    return project


def approve(root: Path, on: str, note: str = "Reviewed", *extra: str):
    return run_cli("approve", "--by", "Governing Board", SLUG, POLICY, "--on", on, "--note", note, *extra, cwd=root)


def releases(root: Path) -> list[Path]:
    return sorted((root / "schools" / SLUG / "releases" / POLICY).glob("*.json"))


def change_clause(root: Path, clause: str, old: str, new: str) -> None:
    path = root / "clauses" / f"{clause}.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def number_of(root: Path, clause_id: str) -> str:
    return compose_all(load_project(root, [SLUG]), TODAY)[SLUG, POLICY].clause(clause_id).number


def test_approve_freezes_the_draft_with_hash_and_next_review(fresh: Path):
    result = approve(fresh, "2025-09-10", "First version")
    assert result.code == 0, result.text
    assert "version 2025-09-10 (update)" in result.out and "next review: 10 September 2026" in result.out
    [path] = releases(fresh)
    data = json.loads(path.read_text())
    assert data["approved_by"] == "Governing Board" and data["note"] == "First version"
    assert data["next_review"] == "2026-09-10" and len(data["sha256"]) == 64
    ids = [c["id"] for c in data["document"]["clauses"]]
    assert ids[0] == "introduction" and "facebook-cheat-sheet" in ids
    assert all({"id", "number", "title", "text"} <= set(c) for c in data["document"]["clauses"])
    assert run_cli("verify", cwd=fresh).code == 0


def test_approve_refuses_to_rewrite_history(fresh: Path):
    assert approve(fresh, "2025-09-10").code == 0
    frozen = tree_hash(fresh / "schools" / SLUG / "releases")
    assert_clean_failure(approve(fresh, "2025-09-10"), "dated after")
    assert_clean_failure(approve(fresh, "2024-01-01"), "dated after")
    assert_clean_failure(approve(fresh, "2025-10-01"), "identical to the last release", "--reaffirm")
    assert_clean_failure(approve(fresh, "31/02/2025"), "not a date")
    assert_clean_failure(run_cli("approve", "--by", "Governing Board", "no-such-school", POLICY, "--on", "2025-10-01", "--note", "x", cwd=fresh),
                         "no school 'no-such-school'")
    assert_clean_failure(run_cli("approve", "--by", "Governing Board", SLUG, "wifi-policy", "--on", "2025-10-01", "--note", "x", cwd=fresh),
                         "no policy 'wifi-policy'")
    assert tree_hash(fresh / "schools" / SLUG / "releases") == frozen
    reaffirmed = approve(fresh, "2025-10-01", "Annual review, no change", "--reaffirm")
    assert reaffirmed.code == 0 and "review, no change" in reaffirmed.out


def test_reaffirm_is_refused_when_the_draft_changed(fresh: Path):
    assert approve(fresh, "2025-09-10").code == 0
    change_clause(fresh, "printers", "printer", "multifunction device")
    assert_clean_failure(approve(fresh, "2025-10-01", "x", "--reaffirm"), "the draft has changes")


@pytest.mark.parametrize("damage", ["edit", "truncate", "garbage", "rename"])
def test_verify_names_each_damaged_release(fresh: Path, damage: str):
    assert approve(fresh, "2025-09-10").code == 0
    [path] = releases(fresh)
    text = path.read_text()
    if damage == "edit":
        path.write_text(text.replace("printer", "pr1nter", 1))
    elif damage == "truncate":
        path.write_text(text[: len(text) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\xff\xfe not json")
    else:
        path.rename(path.with_name("2025-09-11.json"))
    result = run_cli("verify", cwd=fresh)
    assert_clean_failure(result, f"schools/{SLUG}/releases/{POLICY}/")
    assert run_cli("build", SLUG, cwd=fresh).code == 1  # an altered release is never published


def test_change_log_where_comes_from_the_text(fresh: Path):
    assert approve(fresh, "2024-09-10", "Adopted").code == 0
    change_clause(fresh, "printers", "printer", "multifunction device")
    assert approve(fresh, "2025-09-10", "Printing rules reworded").code == 0
    change_clause(fresh, "facebook-cheat-sheet", "Facebook", "Facebook (and Instagram)")
    assert approve(fresh, "2026-09-10", "Cheat sheet covers Instagram", "--kind", "edition").code == 0
    printers_section = number_of(fresh, "printers")  # "Where" names the sub-section
    appendix = number_of(fresh, "facebook-cheat-sheet")
    assert run_cli("build", SLUG, "--today", "2026-10-01", cwd=fresh).code == 0
    log = (fresh / "site" / SLUG / POLICY / "changelog.html").read_text()
    rows = log.split("<tr>")[2:]
    assert "10 September 2026" in rows[0] and appendix in rows[0] and "Cheat sheet covers Instagram" in rows[0]
    assert "10 September 2025" in rows[1] and f"Section {printers_section}" in rows[1] and appendix not in rows[1]
    assert "10 September 2024" in rows[2] and "Whole policy (first version recorded here)" in rows[2]  # adopted earlier


def test_archived_versions_have_stable_urls_and_superseded_banner(fresh: Path):
    assert approve(fresh, "2024-09-10", "Adopted").code == 0
    change_clause(fresh, "printers", "printer", "multifunction device")
    assert approve(fresh, "2025-09-10", "Printing reworded").code == 0
    assert run_cli("build", SLUG, "--today", "2025-10-01", cwd=fresh).code == 0
    site = fresh / "site" / SLUG / POLICY
    old = (site / "versions" / "2024-09-10.html").read_text()
    assert "Superseded version" in old and "multifunction device" not in old
    assert "multifunction device" in (site / "index.html").read_text()
    assert "Superseded" not in (site / "versions" / "2025-09-10.html").read_text()
    assert not (site / "draft.html").exists()


def test_draft_is_published_only_when_asked_and_bannered(fresh: Path):
    assert run_cli("build", SLUG, cwd=fresh).code == 0
    page = (fresh / "site" / SLUG / POLICY / "index.html").read_text()
    assert "No approved version yet" in page and "Introduction" not in page
    assert not (fresh / "site" / SLUG / POLICY / "draft.html").exists()
    assert run_cli("build", SLUG, "--draft", cwd=fresh).code == 0
    draft = (fresh / "site" / SLUG / POLICY / "draft.html").read_text()
    assert "Draft: not approved" in draft and "Introduction and aims" in draft


def test_overdue_flag_follows_the_build_date(fresh: Path):
    assert approve(fresh, "2025-09-10").code == 0
    assert run_cli("build", SLUG, "--today", "2026-09-09", cwd=fresh).code == 0
    assert "overdue" not in (fresh / "site" / SLUG / "index.html").read_text().lower()
    assert run_cli("build", SLUG, "--today", "2026-09-11", cwd=fresh).code == 0
    assert "Overdue for review" in (fresh / "site" / SLUG / "index.html").read_text()
    assert "overdue for review" in (fresh / "site" / SLUG / POLICY / "index.html").read_text()


def test_status_table_and_calendar(fresh: Path):
    assert approve(fresh, "2025-09-10").code == 0
    ics = fresh / "reviews.ics"
    result = run_cli("status", "--today", "2026-08-01", "--within", "60", "--ics", str(ics), cwd=fresh)
    assert result.code == 0, result.text
    line = next(row for row in result.out.splitlines() if "New Academy" in row and "approved" not in row)  # its AUP
    assert "10 September 2026" in line and "due within 60 days" in line
    calendar = ics.read_text()
    assert "BEGIN:VCALENDAR" in calendar and "DTSTART;VALUE=DATE:20260910" in calendar and "New Academy" in calendar


def test_two_approvals_at_once_one_wins(fresh: Path):
    assert approve(fresh, "2024-09-10").code == 0
    change_clause(fresh, "printers", "printer", "multifunction device")
    procs = [subprocess.Popen([str(CLI), "approve", "--by", "Governing Board", SLUG, POLICY, "--on", day, "--note", "race"], cwd=fresh,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for day in ("2025-09-10", "2025-09-10", "2025-09-11")]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert [code for code, _ in outcomes].count(0) >= 1
    for code, err in outcomes:
        assert code in (0, 1) and "Traceback" not in err
    assert run_cli("verify", cwd=fresh).code == 0
    versions = [p.stem for p in releases(fresh)]
    assert versions[0] == "2024-09-10" and len(versions) == 1 + [code for code, _ in outcomes].count(0)
