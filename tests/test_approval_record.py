"""An approval record a board can cite, through the real CLI: who may approve, what a correction is, the meeting,
and the circulated draft's fingerprint tied to what is approved."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import approved_primary, assert_clean_failure, edit, edit_school, run_cli
from pypdf import PdfReader

from site_build.model.document import Document

SLUG = "maple-primary"
POLICY = "acceptable-use"
BOARD = "Governing Board"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A new primary school whose first version was approved on 2025-09-01."""
    return approved_primary(tmp_path, SLUG)


def approve(root: Path, *args: str):
    return run_cli("approve", SLUG, POLICY, *args, cwd=root)


def releases(root: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((root / "schools" / SLUG / "releases" / POLICY).glob("*.json"))]


def small_fix(root: Path) -> None:
    edit(root / "clauses" / "introduction.md", "clear rules for using", "clear rules on using")


def test_only_the_schools_approver_or_a_recorded_delegation_may_approve(root: Path):
    small_fix(root)
    missing = approve(root, "--on", "2025-09-02", "--note", "x")
    assert missing.code != 0 and "--by" in missing.err
    refused = approve(root, "--on", "2025-09-02", "--note", "x", "--by", "Resources Committee")
    assert_clean_failure(refused, f"schools/{SLUG}/school.yml", "'Resources Committee'", "no delegation",
                         "delegations:", f'--by "{BOARD}"')
    school = root / "schools" / SLUG / "school.yml"
    data = yaml.safe_load(school.read_text())
    data["governance"]["delegations"] = [{"committee": "Resources Committee", "policies": [POLICY], "minute": "GB 2025/7"}]
    school.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    accepted = approve(root, "--on", "2025-09-02", "--note", "Wording", "--by", "resources committee", "--minute", "RC 26/3")
    assert accepted.code == 0, accepted.text
    record = releases(root)[-1]
    assert record["approved_by"] == "Resources Committee"
    assert record["meeting"] == {"on": "2025-09-02", "minute": "RC 26/3", "delegated": True}


def test_dates_that_cannot_be_true_are_refused(root: Path):
    small_fix(root)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert_clean_failure(approve(root, "--on", tomorrow, "--note", "x", "--by", BOARD), "is in the future")
    assert_clean_failure(approve(root, "--on", "2026-01-10", "--meeting", "2026-01-12", "--note", "x", "--by", BOARD),
                         "--meeting 2026-01-12 is after the approval")
    assert_clean_failure(approve(root, "--on", "2026-01-10", "--effective", "2026-01-01", "--note", "x", "--by", BOARD),
                         "--effective 2026-01-01 is before the approval")
    assert len(releases(root)) == 1


def test_a_correction_is_a_small_fix_and_keeps_the_review_date(root: Path):
    def add_item(data: dict) -> None:
        data["policies"][POLICY]["items"] = {"introduction": {"add": [
            {"id": "extra-aim", "text": "Let pupils use any device at any time, with or without supervision"}]}}

    edit_school(root, SLUG, add_item)
    refused = approve(root, "--on", "2025-09-02", "--note", "typo", "--kind", "correction", "--by", BOARD)
    assert_clean_failure(refused, "--kind correction is for a small textual fix", "a list item is added or removed",
                         "--kind update")
    edit_school(root, SLUG, lambda data: data["policies"][POLICY].pop("items"))
    small_fix(root)
    accepted = approve(root, "--on", "2025-09-02", "--note", "Typo", "--kind", "correction", "--by", BOARD)
    assert accepted.code == 0, accepted.text
    first, correction = releases(root)
    assert correction["next_review"] == first["next_review"] == "2026-09-01"
    edit(root / "clauses" / "introduction.md", "Give staff, {{ pupils }}, parents", "Give every member of staff, every {{ pupil }} and parents")
    assert_clean_failure(approve(root, "--on", "2025-09-03", "--note", "typo", "--kind", "correction", "--by", BOARD),
                         "--kind correction is for a small textual fix", "it changes 9 words in 1 clause")


def test_the_circulated_draft_is_what_is_approved(root: Path):
    small_fix(root)
    redline = run_cli("diff", SLUG, POLICY, cwd=root)
    fingerprint = re.search(r"the draft of \d+ \w+ \d{4} \(fingerprint ([0-9a-f-]{14})\)", redline.out).group(1)  # type: ignore[union-attr]
    edit(root / "clauses" / "introduction.md", "clear rules on using", "clear rules about using")  # edited after circulation
    today = dt.date.today().isoformat()  # the draft circulated today, approved today: composed as at the same day
    refused = approve(root, "--on", today, "--note", "Review", "--by", BOARD, "--expect", fingerprint)
    assert_clean_failure(refused, f"the draft has changed since the version with fingerprint {fingerprint} was circulated")
    assert len(releases(root)) == 1
    edit(root / "clauses" / "introduction.md", "clear rules about using", "clear rules on using")
    accepted = approve(root, "--on", today, "--note", "Review", "--by", BOARD, "--expect", fingerprint)
    assert accepted.code == 0, accepted.text
    assert f"text fingerprint: {fingerprint}" in accepted.out


def _text(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text())).replace("&#39;", "'").replace("&rsquo;", "'")


def test_the_record_is_on_the_site_and_in_the_pdf(root: Path):
    small_fix(root)
    assert approve(root, "--on", "2026-01-10", "--note", "Review", "--by", BOARD, "--meeting", "2026-01-08",
                   "--minute", "GB 26/2", "--effective", "2026-02-01").code == 0
    text_fingerprint = Document.from_data(releases(root)[-1]["document"]).fingerprint
    assert run_cli("build", SLUG, "--today", "2026-03-01", cwd=root).code == 0
    site = root / "site" / SLUG / POLICY
    page = _text(site / "index.html")
    assert "at the full board's meeting of 8 January 2026 (minute GB 26/2)" in page
    assert "In force from 1 February 2026" in page and text_fingerprint in page
    log = _text(site / "changelog.html")
    assert "minute GB 26/2" in log and text_fingerprint in log and "1 February 2026" in log
    archived = _text(site / "versions" / "2025-09-01.html")
    assert "in force from 1 September 2025 to 31 January 2026" in archived
    every = _text(site / "versions" / "index.html")
    assert "from 1 September 2025 to 31 January 2026" in every and "from 1 February 2026 (current)" in every
    assert every.index("2026-01-10") < every.index("2025-09-01") and text_fingerprint in every
    pages = PdfReader(io.BytesIO((site / f"{POLICY}.pdf").read_bytes())).pages
    pdf = unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in pages))
    assert "the full board's meeting of 8 January 2026 (minute GB 26/2)" in pdf
    assert "In force from 1 February 2026" in pdf and text_fingerprint in pdf
