"""Policy PDFs and agreement packs, read back from the PDF files."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import assert_clean_failure, run_cli, scaffold
from pypdf import PdfReader

SLUG = "maple-primary"
VERSION = "2025-09-01 (update)"


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import approved_primary

    return approved_primary(tmp_path_factory.mktemp("print"), SLUG)


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def write_roster(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def make_pack(root: Path, *args: str):
    return run_cli("agreements", SLUG, *args, cwd=root)


ROSTER = [
    ["name", "role", "class", "child"],
    ["Anna Smith", "Staff", "", ""],
    ["Seán O'Brien", "parents", "", "Aoife O'Brien"],
    ["", "", "", ""],
    ["محمد علي", "Pupil", "Year 2", ""],
    ["Zoë Müller", "pupils", "Year 5", ""],
    ["Jo Bloggs", "VOLUNTEER", "", ""],
    ["Sam Governor", "governor", "", ""],
]


def test_policy_pdf_on_site_has_header_version_and_page_numbers_on_every_page(school: Path):
    assert run_cli("build", SLUG, "--draft", cwd=school).code == 0
    pdf = school / "site" / SLUG / "acceptable-use" / "acceptable-use.pdf"
    pages = pages_text(pdf)
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert f"Version {VERSION}" in text and f"Page {number} of {len(pages)}" in text
    for text in pages[1:]:
        assert "Maple Primary School" in text
    contents = pages[0] + pages[1]
    assert "Contents" in contents and "1. Introduction and aims" in contents and "Appendix 1: Facebook cheat sheet" in contents
    assert "DRAFT" not in "".join(pages)
    draft = pages_text(school / "site" / SLUG / "acceptable-use" / "acceptable-use-draft.pdf")
    assert all("Draft: not approved" in text for text in draft) and "DRAFT" in draft[0]
    page = (school / "site" / SLUG / "acceptable-use" / "index.html").read_text()
    assert 'href="acceptable-use.pdf"' in page and "Download PDF" in page


def test_site_offers_each_blank_agreement_as_pdf(school: Path):
    assert run_cli("build", SLUG, cwd=school).code == 0
    page = (school / "site" / SLUG / "agreements.html").read_text()
    for clause_id in ("staff-agreement", "parents-agreement", "pupils-agreement-younger", "pupils-agreement-older"):
        assert f'href="agreements/{clause_id}.pdf"' in page
        assert (school / "site" / SLUG / "agreements" / f"{clause_id}.pdf").is_file()
    staff = pages_text(school / "site" / SLUG / "agreements" / "staff-agreement.pdf")
    roles = [t.split("Role: ")[1].split()[0] for t in staff if "Role: " in t]  # a sheet may run on to a second page
    assert roles == ["Staff", "Governor", "Volunteer", "Visitor"]


def test_pack_from_roster_has_a_sheet_per_person_then_the_register(school: Path, tmp_path: Path):
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    out = tmp_path / "pack.pdf"
    result = make_pack(school, "--roster", str(roster), "-o", str(out))
    assert result.code == 0, result.text
    assert "6 sheet(s)" in result.out
    pages = [text.replace("\u202b", "").replace("\u202c", "") for text in pages_text(out)]
    people = [row[0] for row in ROSTER[1:] if row[0]]
    starts, page = [], 0
    for person in people:  # each sheet starts on a new page with the person's name, in roster order
        page = next(i for i in range(page, len(pages)) if person in pages[i] and "Name:" in pages[i])
        starts.append(page)
        page += 1
    sheets = [pages[start:end] for start, end in zip(starts, [*starts[1:], len(pages) - 1], strict=True)]
    for sheet in sheets:
        assert VERSION in sheet[0] and "Signed:" in sheet[-1] and "Signed for version" in sheet[-1], "a sheet ends with its signature"
    assert "Child: Aoife O'Brien" in sheets[1][0] and "parents and carers" in sheets[1][0]
    assert "early years and key stage 1" in sheets[2][0].lower() or "key stage 1" in sheets[2][0]
    assert "key stage 2" in sheets[3][0]
    register = pages[-1]
    assert "Signing register" in register
    for person in people:
        assert person in register or person == "محمد علي"


def _body_size(path: Path, page: int = 0) -> float:
    """The type size most of a page's text is set in, in points, read from the PDF's text operators."""
    from collections import Counter

    sizes: Counter = Counter()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[round(size * (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5, 1)] += len(text)

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_agreement_sheets_are_in_readable_type_and_large_print_on_request(school: Path, tmp_path: Path):
    sizes = {}
    for role, options in (("staff", ()), ("pupil", ()), ("staff", ("--large-print",)), ("pupil", ("--large-print",))):
        out = tmp_path / f"{role}{'-large' if options else ''}.pdf"
        assert make_pack(school, "--role", role, *options, "-o", str(out)).code == 0
        first_sheets = [i for i, text in enumerate(pages_text(out)) if "Name:" in text]
        sizes[(role, bool(options))] = [_body_size(out, i) for i in first_sheets]
    assert min(sizes[("staff", False)]) >= 11
    assert min(sizes[("pupil", False)]) >= 16 and max(sizes[("pupil", False)]) >= 18  # the youngest's sheet at 18 pt
    assert min(sizes[("staff", True)]) >= 16 and min(sizes[("pupil", True)]) >= 20


def test_excel_cp1252_and_utf8_bom_rosters_keep_accents(school: Path, tmp_path: Path):
    rows = [["name", "role"], ["Zoë Müller", "staff"], ["José Núñez", "visitor"]]
    for encoding in ("cp1252", "utf-8-sig"):
        out = tmp_path / f"{encoding}.pdf"
        result = make_pack(school, "--roster", str(write_roster(tmp_path / f"{encoding}.csv", rows, encoding)), "-o", str(out))
        assert result.code == 0, result.text
        sheets = [text for text in pages_text(out) if "Name:" in text]  # the first page of each sheet
        assert len(sheets) == 2 and "Zoë Müller" in sheets[0] and "José Núñez" in sheets[1]


@pytest.mark.parametrize("rows, expected", [
    ([["full name", "role"], ["A", "staff"]], ["no 'name' column"]),
    ([["name", "role"], ["A", "staff"], ["B", "janitor"]], ["row 3 (B)", "unknown role 'janitor'"]),
    ([["name", "role"], ["A", "staff"], ["", "staff"]], ["row 3 has no name"]),
    ([["name", "role"], ["Pat", "pupil"]], ["row 2 (Pat)", "'year' or 'class' column"]),
    ([["name", "role"]], ["lists nobody"]),
])
def test_bad_rosters_name_the_row_and_write_nothing(school: Path, tmp_path: Path, rows, expected):
    out = tmp_path / "pack.pdf"
    result = make_pack(school, "--roster", str(write_roster(tmp_path / "r.csv", rows)), "-o", str(out))
    assert_clean_failure(result, *expected)
    assert not out.exists()


def test_a_2000_person_roster_with_one_bad_row_names_that_row(school: Path, tmp_path: Path):
    rows = [["name", "role"]] + [[f"Person {i}", "staff"] for i in range(2000)]
    rows[1234] = ["Person 1233", "Staf"]
    result = make_pack(school, "--roster", str(write_roster(tmp_path / "big.csv", rows)), "-o", str(tmp_path / "p.pdf"))
    assert_clean_failure(result, "row 1235 (Person 1233)", "unknown role 'Staf'")


@pytest.fixture(scope="module")
def class_pack(school: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 pupils' sheets (Years 1 to 6 in turn) and their register: more sheets than one part holds (SHEETS_PER_PART)."""
    folder = tmp_path_factory.mktemp("class")
    rows = [["name", "role", "year"]] + [[f"Pupil {i:03d}", "pupil", f"Year {1 + i % 6}"] for i in range(60)]
    out = folder / "class.pdf"
    result = make_pack(school, "--roster", str(write_roster(folder / "class.csv", rows)), "-o", str(out))
    assert result.code == 0, result.text
    return out


@pytest.fixture(scope="module")
def class_pages(class_pack: Path) -> list[str]:
    return pages_text(class_pack)


def test_a_larger_pack_misses_nobody(class_pages: list[str]):
    sheets = [text for text in class_pages if "Name:" in text]  # the first page of each sheet, in roster order
    assert [f"Pupil {i:03d}" in text for i, text in enumerate(sheets)] == [True] * 60
    register = "".join(text for text in class_pages if "Signing register" in text or "Pupil 0" in text and "Name:" not in text)
    assert all(f"Pupil {i:03d}" in register for i in range(60))


def _pdfinfo(path: Path, *options: str) -> str:
    import subprocess

    return subprocess.run(["pdfinfo", *options, str(path)], capture_output=True, text=True, check=True).stdout


def _structure(path: Path) -> str:
    return _pdfinfo(path, "-struct-text")


def _elements(reader: PdfReader) -> list[dict]:
    """Every structure element, in reading order (depth first through each element's kids)."""
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K", [])
        kids = [k.get_object() for k in (kids if isinstance(kids, list) else [kids])]
        stack.extend(reversed([k for k in kids if isinstance(k, dict) and "/S" in k]))
    return found


def _heading_texts(structure: str) -> list[str]:
    """The text of each H1 and H2 in a structure tree as pdfinfo prints it, in order."""
    texts: list[str] = []
    depth = None
    for line in structure.splitlines():
        indent = len(line) - len(line.lstrip())
        if depth is not None and indent <= depth:
            depth = None
        if line.strip() in ("H1 (block)", "H2 (block)"):
            depth = indent
            texts.append("")
        elif depth is not None and line.strip().startswith('"'):
            texts[-1] = f"{texts[-1]} {line.strip()[1:-1]}".strip()
    return texts


def _assert_one_tagged_document(path: Path) -> tuple[PdfReader, list[dict]]:
    """pdfinfo says Tagged; every page is tied to its own entry of the parent tree, which names elements on that page;
    element IDs are unique and every table cell's Headers names one of them. The reader and its elements."""
    assert re.search(r"^Tagged:\s+yes$", _pdfinfo(path), re.MULTILINE)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    assert len(parents) == len(nums) // 2, "a parent-tree key is used twice"
    for number, page in enumerate(reader.pages):
        for element in parents[page["/StructParents"]]:
            assert element.get_object()["/Pg"].indirect_reference == page.indirect_reference, f"page {number + 1}: a key of another page"
    elements = _elements(reader)
    ids = [str(e["/ID"]) for e in elements if "/ID" in e]
    assert len(ids) == len(set(ids)), "two structure elements share an ID"
    headers = {str(h) for e in elements if isinstance(e.get("/A"), dict) for h in e["/A"].get("/Headers", [])}
    assert headers <= set(ids)
    return reader, elements


def test_a_pack_laid_out_in_parts_is_one_tagged_document(class_pack: Path, class_pages: list[str]):
    reader, elements = _assert_one_tagged_document(class_pack)
    title = reader.metadata.title
    assert title.startswith("Agreements to sign: ") and title.endswith(" and signing register: Maple Primary School"), title
    assert "early years and key stage 1" in title and "key stage 2" in title  # the whole pack's title, not its first part's
    assert reader.xmp_metadata.dc_title["x-default"] == title
    page_of = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    first_pages = [n for n, text in enumerate(class_pages) if "Name:" in text]
    headings = [e for e in elements if e["/S"] in ("/H1", "/H2")]
    register = next(n for n, text in enumerate(class_pages) if "Signing register" in text)
    assert [(e["/S"], page_of[e["/Pg"].indirect_reference.idnum]) for e in headings] == [("/H1", n) for n in first_pages] + [("/H2", register)]
    texts = _heading_texts(_structure(class_pack))
    younger = [i % 6 < 2 for i in range(60)]  # Years 1 and 2 have the early years and key stage 1 sheet
    assert [("key stage 1" in text, "key stage 2" in text) for text in texts[:60]] == [(y, not y) for y in younger]
    assert texts[60:] == ["Signing register"]
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert [page for _, page in bookmarks] == [*first_pages, register] and [t for t, _ in bookmarks] == texts


def test_a_register_laid_out_in_parts_is_one_tagged_document(school: Path, tmp_path: Path):
    """More names than one part of the register holds (NAMES_PER_PART), printed in-process: through the CLI, that would
    take a sheet for each of them."""
    from site_build.commands.school_policy import open_policy
    from site_build.load.roster import parse_roster
    from site_build.render.agreements import NAMES_PER_PART, Pack, measure, plan_sheets, print_pack

    opened = open_policy(school, SLUG)
    releases = list(opened.releases)
    document, pack = releases[-1].document, Pack.of(releases[-1].document, releases)
    people = parse_roster("name,role\n" + "".join(f"Person {i:03d},staff\n" for i in range(NAMES_PER_PART + 1)), "register.csv")
    out = tmp_path / "register.pdf"
    out.write_bytes(print_pack(pack, measure(plan_sheets(document, opened.school.facts, people[:1], None), pack), people, jobs=1))
    reader, elements = _assert_one_tagged_document(out)
    assert reader.metadata.title.endswith(" and signing register: Maple Primary School")
    text = _structure(out)
    assert _heading_texts(text)[1:] == ["Signing register"]
    rows = [text.find(f'"Person {i:03d}"') for i in range(NAMES_PER_PART + 1)]
    assert min(rows) >= 0 and rows == sorted(rows), "every row of the register, in order"
    assert sum(e["/S"] == "/TD" for e in elements) == 5 * (NAMES_PER_PART + 1)


def test_blank_sheets_per_role_and_missing_agreement_is_said(school: Path, tmp_path: Path):
    out = tmp_path / "blank.pdf"
    assert make_pack(school, "--role", "parent", "-o", str(out)).code == 0
    first, *_ = pages_text(out)
    assert "Role: Parent" in first and "Child's name" in first
    result = scaffold(school, "little-acorns", "--phase", "nursery")
    assert result.code == 0
    assert run_cli("approve", "--by", "Governing Board", "little-acorns", "acceptable-use",
                   "--on", "2025-09-01", "--note", "First", cwd=school).code == 0
    failure = run_cli("agreements", "little-acorns", "--role", "pupil", "-o", str(tmp_path / "x.pdf"), cwd=school)
    assert_clean_failure(failure, "no agreement for the role 'pupil'")


def test_every_pdf_kind_is_tagged_titled_and_free_of_leader_dots(school: Path, tmp_path: Path):
    assert run_cli("build", SLUG, "--draft", cwd=school).code == 0
    folder = school / "site" / SLUG / "acceptable-use"
    redline = tmp_path / "redline.pdf"
    assert run_cli("diff", SLUG, "acceptable-use", "--format", "pdf", "-o", str(redline), cwd=school).code == 0
    pack = tmp_path / "pack.pdf"
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    assert make_pack(school, "--roster", str(roster), "-o", str(pack)).code == 0
    agreements = sorted((school / "site" / SLUG / "agreements").glob("*.pdf"))
    kinds = {"policy": folder / "acceptable-use.pdf", "draft": folder / "acceptable-use-draft.pdf", "redline": redline,
             "pack": pack, **{f"agreement {p.stem}": p for p in agreements}}
    assert len(agreements) >= 2
    titles = {}
    for kind, path in kinds.items():
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], f"{kind}: not tagged"
        assert root["/Lang"] == "en-GB" and root["/ViewerPreferences"]["/DisplayDocTitle"], kind
        structure = _structure(path)
        assert "H1" in structure, f"{kind}: no heading in the structure tree"
        assert "Page 1 of" not in structure, f"{kind}: the running footer is tagged as content, not an artifact"
        assert "....." not in "".join(pages_text(path)), f"{kind}: leader dots in the text layer"
        titles[kind] = reader.metadata.title
    assert "version 2025-09-01" in titles["policy"] and titles["draft"].startswith("Draft (not approved)")
    assert titles["redline"].startswith("Redline: ")
    assert len(set(titles.values())) == len(titles), f"two kinds of PDF share a title: {titles}"
    assert "L" in _structure(kinds["policy"]).split() or "LI" in _structure(kinds["policy"]), "lists are not tagged"


def test_a_one_school_build_lays_out_its_pdfs_beside_mkdocs_and_publishes_the_same_files(school: Path, tmp_path: Path):
    sites = {}
    for jobs in ("1", "2"):  # with two jobs the PDFs are laid out in another process while MkDocs builds the pages
        out = tmp_path / f"site-{jobs}"
        env = {"POLICY_SITE_CACHE": str(tmp_path / f"cache-{jobs}")}  # nothing laid out before
        assert run_cli("build", SLUG, "--force", "-j", jobs, "--out", str(out), cwd=school, env=env).code == 0
        sites[jobs] = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sites["1"] == sites["2"]
    pdfs = {path: data for path, data in sites["2"].items() if path.suffix == ".pdf"}
    assert len(pdfs) >= 6 and all(data.startswith(b"%PDF-") and len(data) > 5000 for data in pdfs.values())
    assert json.loads(sites["2"][Path(SLUG) / "releases.json"])


def test_a_build_of_every_school_forgets_the_cached_pdfs_it_no_longer_uses_and_keeps_the_rest(school: Path, tmp_path: Path):
    env, cache = {"POLICY_SITE_CACHE": str(tmp_path / "cache")}, tmp_path / "cache" / "pdf"
    build = ("build", "--force", "--out", str(tmp_path / "site"))
    assert run_cli(*build, cwd=school, env=env).code == 0
    used = sorted(path.name for path in cache.iterdir())
    assert any(name.endswith(".pdf") for name in used)
    stale = cache / "0ld.pdf"  # a PDF of words no school has any more
    stale.write_bytes(b"%PDF-1.7 old")
    for path in cache.iterdir():
        os.utime(path, (0, 0))  # every entry last used long ago
    assert run_cli(*build, cwd=school, env=env).code == 0
    assert sorted(path.name for path in cache.iterdir()) == used  # what this build used is kept, the rest forgotten

