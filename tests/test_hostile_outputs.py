"""Hostile outputs and rosters, through the CLI: no output replaces an input, odd rosters read right or fail clearly,
a new school's name cannot inject YAML, a Word redline is byte-reproducible and a 10,000-row roster prints in bounded memory."""

from __future__ import annotations

import codecs
import csv
import io
import os
import resource
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from conftest import CLI, EXAMPLE_SCHOOLS, SHARED_CACHE, approved_primary, assert_clean_failure, fill_placeholders, run_cli, scaffold
from pypdf import PdfReader

from site_build.load.yaml_lines import parse_yaml

SLUG = EXAMPLE_SCHOOLS[0]  # four releases of acceptable-use
PACK = "maple-primary"
MEMORY_LIMIT = 1024**3  # address space per process, checked by the kernel (RLIMIT_AS)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return approved_primary(tmp_path_factory.mktemp("outputs"), PACK)


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in ("clauses", "schools", "overrides", "policies_src")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def write_roster(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def pdf_text(path: Path) -> list[str]:
    return [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(path).pages]


# --- outputs never touch inputs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--csv", "--ics"])
def test_status_will_not_overwrite_a_school_yml(project: Path, option: str):
    before = snapshot(project)
    result = run_cli("status", option, f"schools/{SLUG}/school.yml", cwd=project)
    assert_clean_failure(result, f"{option} would write into the project's schools/ folder", "hint:")
    assert snapshot(project) == before


def test_diff_will_not_overwrite_a_release(project: Path):
    release = sorted((project / "schools" / SLUG / "releases" / "acceptable-use").glob("*.json"))[0]
    before = snapshot(project)
    result = run_cli("diff", SLUG, "acceptable-use", "--format", "html", "-o", str(release.relative_to(project)), cwd=project)
    assert_clean_failure(result, "-o would write into the project's schools/ folder")
    assert snapshot(project) == before


@pytest.mark.parametrize("target", ["clauses/x.pdf", "overrides/x.pdf", "policies_src/x.pdf", "site_build/x.pdf"])
def test_agreements_will_not_write_into_a_source_folder(school: Path, target: str):
    result = run_cli("agreements", PACK, "-o", target, cwd=school)
    assert_clean_failure(result, "would write into the project's")
    assert not (school / target).exists()


def test_outputs_refuse_project_files_and_symbolic_links(project: Path, tmp_path: Path):
    mkdocs = (project / "mkdocs.yml").read_bytes()
    assert_clean_failure(run_cli("status", "--csv", "mkdocs.yml", cwd=project), "would overwrite the project's mkdocs.yml")
    assert (project / "mkdocs.yml").read_bytes() == mkdocs
    school_yml = project / "schools" / SLUG / "school.yml"
    before = school_yml.read_bytes()
    (tmp_path / "report.csv").symlink_to(school_yml)
    (tmp_path / "reports").symlink_to(project / "schools" / SLUG)
    assert_clean_failure(run_cli("status", "--csv", str(tmp_path / "report.csv"), cwd=project), "symbolic link")
    assert_clean_failure(run_cli("status", "--csv", str(tmp_path / "reports" / "school.yml"), cwd=project), "schools/ folder")
    assert school_yml.read_bytes() == before


def test_a_cache_folder_linked_to_another_folder_is_refused_and_nothing_is_written_through_it(project: Path):
    own_cache = {"POLICY_SITE_CACHE": ""}  # the project's own .cache/, which a pull request can commit
    (project / ".cache").symlink_to("clauses")
    before = snapshot(project)
    assert_clean_failure(run_cli("build", SLUG, cwd=project, env=own_cache), "link to another folder", "delete")
    (project / ".cache").unlink()
    (project / ".cache" / "stamps").mkdir(parents=True)
    (project / ".cache" / "stamps" / "linked").symlink_to(project / "schools" / SLUG / "releases")
    assert_clean_failure(run_cli("build", SLUG, cwd=project, env=own_cache), ".cache/stamps/linked")
    assert snapshot(project) == before and not (project / "site" / SLUG).exists()
    (project / ".cache" / "stamps" / "linked").unlink()
    assert run_cli("build", SLUG, cwd=project, env=own_cache).code == 0


def test_status_writes_a_readable_csv_elsewhere(project: Path, tmp_path: Path):
    result = run_cli("status", "--csv", str(tmp_path / "status.csv"), "--ics", str(tmp_path / "reviews.ics"), cwd=project)
    assert result.code == 0, result.text
    assert (tmp_path / "status.csv").read_text(encoding="utf-8-sig").startswith("School,Policy,Version")
    assert (tmp_path / "status.csv").stat().st_mode & 0o777 == 0o644
    assert b"BEGIN:VCALENDAR" in (tmp_path / "reviews.ics").read_bytes()


# --- new-school -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["x\nurn: 123456", "x\rphase: special", "Oak\u2028urn: 1", "Tab\there", "Esc\x1b[31m"])
def test_new_school_name_cannot_inject_a_key(project: Path, name: str):
    result = run_cli("new-school", "oak-primary", "--name", name, cwd=project)
    assert_clean_failure(result, "--name holds a line break or control character")
    assert not (project / "schools" / "oak-primary").exists()


@pytest.mark.parametrize("name", ['St Mary\'s "Star" School: #1 \\ [b]bold[/b]', "- item", "{a: b}", "yes", "012345",
                                  "&anchor *alias", "Ysgol Gymraeg Aberystwyth — Ŵ", "مدرسة"])
def test_new_school_name_round_trips_exactly(project: Path, name: str):
    result = run_cli("new-school", "oak-primary", "--name", name, cwd=project)
    assert result.code == 0, result.text
    path = project / "schools" / "oak-primary" / "school.yml"
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), path)
    assert data["name"] == name and data["phase"] == "primary" and "urn" not in data
    fill_placeholders(project, "oak-primary")
    assert run_cli("check", cwd=project).code == 0


# --- rosters ----------------------------------------------------------------------------------------------------

ACCENTED = [["name", "role"], ["Zoë Müller", "staff"], ["José Núñez", "visitor"], ["Łukasz Żółć", "governor"]]


@pytest.mark.parametrize("encoding, bom, delimiter", [("utf-16-le", codecs.BOM_UTF16_LE, "\t"), ("utf-16-be", codecs.BOM_UTF16_BE, ","),
                                                      ("utf-16-le", b"", ",")])
def test_utf16_rosters_keep_their_accents(school: Path, tmp_path: Path, encoding: str, bom: bytes, delimiter: str):
    roster = write_roster(tmp_path / "roster.csv", ACCENTED, encoding, delimiter)
    roster.write_bytes(bom + roster.read_bytes())
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", PACK, "--roster", str(roster), "-o", str(out), cwd=school)
    assert result.code == 0, result.text
    assert "(UTF-16)" in result.out
    pages = pdf_text(out)
    sheets = [page for page in pages if "Name: " in page]  # the first page of each sheet (a sheet may run on)
    assert len(sheets) == len(ACCENTED) - 1
    for page, (name, _) in zip(sheets, ACCENTED[1:], strict=True):
        assert f"Name: {name}" in page
    assert all(name in pages[-1] for name, _ in ACCENTED[1:])


def test_a_200000_character_cell_is_a_clear_error_naming_the_row(school: Path, tmp_path: Path):
    rows = [["name", "role"], ["Ann", "staff"], ["B" * 200_000, "staff"]]
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", PACK, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out), cwd=school)
    assert_clean_failure(result, "r.csv:3: row 3 has a cell longer than 500 characters")
    assert not out.exists()
    rows = [["name", "role"], ["Ann", "staff"], ["Bob", "staff", ], ["C" * 600, "staff"]]
    result = run_cli("agreements", PACK, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out), cwd=school)
    assert_clean_failure(result, "r.csv:4: row 4: the 'name' cell is longer than 500 characters")


def test_every_bad_row_is_reported_at_once(school: Path, tmp_path: Path):
    rows = [["name", "role", "year"], ["Ann", "staff", ""], ["Bob", "janitor", ""], ["Cy", "staff", ""], ["", "staff", ""],
            ["Di", "parent", "", "extra"], ["Ed", "pupil", ""], ["Flo", "trustees", ""], ["Gus", "staffs", ""]]
    out = tmp_path / "pack.pdf"
    result = run_cli("agreements", PACK, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out), cwd=school)
    assert_clean_failure(result, "row 3 (Bob) has an unknown role 'janitor'", "row 5 has no name", "row 6 has more cells",
                         "row 7 (Ed): cannot tell which pupils' agreement", "row 9 (Gus) has an unknown role 'staffs'",
                         "5 problems found")
    assert not out.exists()


def test_a_role_without_an_agreement_is_named_in_plain_english(school: Path, tmp_path: Path):
    assert scaffold(school, "little-acorns", "--phase", "nursery").code == 0
    assert run_cli("approve", "--by", "Governing Board", "little-acorns", "acceptable-use",
                   "--on", "2025-09-01", "--note", "First", cwd=school).code == 0
    rows = [["name", "role"], ["Ann", "pupil"], ["Bob", "pupils"]]
    result = run_cli("agreements", "little-acorns", "--roster", str(write_roster(tmp_path / "r.csv", rows)),
                     "-o", str(tmp_path / "p.pdf"), cwd=school)
    assert_clean_failure(result, "row 2 (Ann): Little Acorns has no agreement for pupils", "row 3 (Bob)")
    assert "pupilss" not in result.err


def test_a_roster_that_is_not_text_is_refused(school: Path, tmp_path: Path):
    roster = tmp_path / "r.csv"
    roster.write_bytes(b"name,role\nAnn,staff\nB\x00\x01\x02ob,staff\n")
    result = run_cli("agreements", PACK, "--roster", str(roster), "-o", str(tmp_path / "p.pdf"), cwd=school)
    assert_clean_failure(result, "r.csv:3: the roster holds NUL characters")
    roster.write_bytes(codecs.BOM_UTF16_LE + "name,role\nAnn,staff\n".encode("utf-16-le")[:-1])
    result = run_cli("agreements", PACK, "--roster", str(roster), "-o", str(tmp_path / "p.pdf"), cwd=school)
    assert_clean_failure(result, "the roster is not UTF-16 text")


# --- the Word redline -------------------------------------------------------------------------------------------

def test_word_redline_is_byte_reproducible(project: Path, tmp_path: Path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    args = ("diff", SLUG, "acceptable-use", "--from", "2018-01-31", "--to", "2025-04-23", "--format", "docx")
    assert run_cli(*args, "-o", str(first), cwd=project, env=env).code == 0
    time.sleep(2.1)  # zip times have a two-second grain
    assert run_cli(*args, "-o", str(second), cwd=project, env=env).code == 0
    assert first.read_bytes() == second.read_bytes()
    import zipfile

    with zipfile.ZipFile(first) as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        core = package.read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core and "<cp:lastModifiedBy>policy-site</cp:lastModifiedBy>" in core
    result = run_cli(*args, "-o", str(tmp_path / "c.docx"), cwd=project, env={"SOURCE_DATE_EPOCH": "soon"})
    assert_clean_failure(result, "SOURCE_DATE_EPOCH='soon' is not a time I can use")


# --- a long roster in bounded memory ----------------------------------------------------------------------------

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


ROWS = 1_200  # 24 parts of 50 sheets and 3 of the register: streaming shows; 10,000 rows take ~20 min on 2 cores


def test_a_long_roster_prints_part_by_part_in_bounded_memory(school: Path, tmp_path: Path):
    """Each process (the command and its layout workers) is held under 1 GB of address space by the kernel."""
    roles = [("staff", ""), ("parent", ""), ("pupil", "Year 2"), ("pupil", "Year 5"), ("governor", ""), ("volunteer", "")]
    rows = [["name", "role", "year"]] + [[f"Person {i:05d} Zoë", *roles[i % len(roles)]] for i in range(ROWS)]
    out = tmp_path / "big.pdf"
    proc = subprocess.run([str(CLI), "agreements", PACK, "--roster", str(write_roster(tmp_path / "big.csv", rows)), "-o", str(out)],
                          cwd=school, capture_output=True, text=True, timeout=1800, preexec_fn=_limit_memory,
                          env={**os.environ, "POLICY_SITE_CACHE": str(SHARED_CACHE)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{ROWS} sheet(s) and a signing register" in proc.stdout
    reader = PdfReader(out)
    assert len(reader.pages) > ROWS
    def text(index: int) -> str:
        return " ".join(unicodedata.normalize("NFKC", reader.pages[index].extract_text()).split())

    total = len(reader.pages)
    first, register_end = text(0), text(-1)
    last_sheet = next(i for i in range(total - 1, total - 80, -1) if "Name: " in text(i))  # its first page, before the register
    assert "Person 00000 Zoë" in first and "Page 1 of" in first
    assert f"Person {ROWS - 1:05d} Zoë" in text(last_sheet) and f"Page {last_sheet + 1} of {total}" in text(last_sheet)
    assert f"{ROWS} Person {ROWS - 1:05d} Zoë" in register_end and f"Page {total} of {total}" in register_end
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    structure = subprocess.run(["pdfinfo", "-struct", str(out)], capture_output=True, text=True, check=True).stdout.split()
    assert "Tagged:          yes" in info and (structure.count("H1"), structure.count("H2")) == (ROWS, 1), "one tagged document"
