"""Every phase, through the real CLI: a secondary academy with a sixth form and a special school build, offer their
students' agreements, and print the right sheet for each student of a Years 7-13 roster."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import assert_clean_failure, copy_project, run_cli
from pypdf import PdfReader

SECONDARY = "ashcombe-ridge-academy"
SPECIAL = "larkspur-meadow-school"
KS3_4 = "Acceptable use agreement for students in key stages 3 and 4"
SIXTH_FORM = "Acceptable use agreement for sixth-form students"
EASY_READ = "Easy-read agreement for pupils"
# name, the year or class as a school's MIS might export it, the sheet the student signs
STUDENTS = [
    ("Amira Khan", "Year 7", KS3_4),
    ("Ben Osei", "Y8", KS3_4),
    ("Chloé Dubois", "9B", KS3_4),
    ("Dev Patel", "Yr 10", KS3_4),
    ("Ella Byrne", "Year 11", KS3_4),
    ("Finn Murphy", "Year 12", SIXTH_FORM),
    ("Grace Ọkafor", "sixth form", SIXTH_FORM),
    ("Hana Sato", "6th Form", SIXTH_FORM),
    ("Isla Reid", "Yr 13", SIXTH_FORM),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project with both new schools' sites built from their approved releases."""
    project = copy_project(tmp_path_factory.mktemp("phases") / "project")
    result = run_cli("build", SECONDARY, SPECIAL, cwd=project)
    assert result.code == 0, result.text
    return project


def plain(text: str) -> str:
    """PDF or HTML text compared as words: NFKC, tags gone, a hyphen broken over a line joined, spaces collapsed."""
    text = unicodedata.normalize("NFKC", re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", text)).replace("\u2019", "'")


def pdf_pages(path: Path) -> list[str]:
    return [plain(page.extract_text() or "") for page in PdfReader(path).pages]


def write_roster(path: Path, rows: list[tuple[str, ...]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("slug", [SECONDARY, SPECIAL])
def test_both_new_schools_build_with_their_policy(root: Path, slug: str):
    policy = plain((root / "site" / slug / "acceptable-use" / "index.html").read_text())
    assert "Nude and semi-nude images" in policy and "Mobile phones, smartwatches" in policy
    assert "2026-09-01 (edition)" in plain((root / "site" / slug / "index.html").read_text())


def test_the_secondary_names_its_trust_roles_and_no_person(root: Path):
    policy = plain((root / "site" / SECONDARY / "acceptable-use" / "index.html").read_text())
    for phrase in ("the Trust IT team resets it", "the Head of Sixth Form decides which students",
                   "the Principal or the Exams Officer must report", "Artificial intelligence, coursework and exams",
                   "Students' own devices on the school network", "Students' accounts and passwords"):
        assert phrase.lower() in policy.lower(), phrase
    assert "Easy-read" not in policy


def test_the_secondary_offers_the_ks3_4_and_sixth_form_agreements(root: Path):
    site = root / "site" / SECONDARY
    page = plain((site / "agreements.html").read_text())
    assert KS3_4 in page and SIXTH_FORM in page
    assert "early years and key stage 1" not in page and EASY_READ not in page
    for clause in ("students-agreement-ks3-4", "students-agreement-sixth-form"):
        assert f'href="agreements/{clause}.pdf"' in (site / "agreements.html").read_text()
        pages = pdf_pages(site / "agreements" / f"{clause}.pdf")  # one sheet, which may run on to a second page
        assert "Role: Pupil" in pages[0] and "Signed:" in pages[-1] and sum("Role: " in page for page in pages) == 1


def test_the_special_school_offers_only_the_easy_read_pupils_agreement(root: Path):
    page = plain((root / "site" / SPECIAL / "agreements.html").read_text())
    assert EASY_READ in page and "I can use my communication aid all the time." in page
    assert KS3_4 not in page and "key stage 2" not in page and SIXTH_FORM not in page


def test_a_years_7_to_13_roster_prints_the_right_sheet_for_each_student(root: Path, tmp_path: Path):
    roster = write_roster(tmp_path / "r.csv", [("name", "role", "year"), *((n, "pupil", y) for n, y, _ in STUDENTS)])
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", SECONDARY, "--roster", str(roster), "-o", str(out), cwd=root)
    assert result.code == 0, result.text
    pages = pdf_pages(out)
    for name, year, title in STUDENTS:
        [sheet] = [text for text in pages if f"Name: {plain(name)}" in text]
        assert title in sheet, f"{name} ({year}) should sign {title!r}"
        other = SIXTH_FORM if title == KS3_4 else KS3_4
        assert other not in sheet
    assert "Signing register" in pages[-1]


def test_every_pupil_of_the_special_school_signs_the_easy_read_sheet(root: Path, tmp_path: Path):
    rows = [("name", "role", "class"), ("Kai Brown", "pupil", "Reception"), ("Lena Novak", "pupil", "Year 9"),
            ("Max Ito", "pupil", "Post-16")]
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", SPECIAL, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out), cwd=root)
    assert result.code == 0, result.text
    sheets = [text for text in pdf_pages(out) if "Name: " in text]
    assert len(sheets) == 3 and all(EASY_READ in text for text in sheets)


def test_a_roster_asking_for_a_sheet_the_school_lacks_names_the_row(root: Path, tmp_path: Path):
    rows = [("name", "role", "year", "agreement"), ("Nia Evans", "pupil", "Year 8", ""), ("Omar Ali", "pupil", "Year 9", "easy read"),
            ("Pia Lund", "pupil", "Oak", "")]
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", SECONDARY, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out), cwd=root)
    assert_clean_failure(result, "row 3 (Omar Ali)", "no pupils' agreement for easy read", "row 4 (Pia Lund)",
                         "cannot tell which pupils' agreement", "key stages 3 and 4, sixth form")
    assert not out.exists()
