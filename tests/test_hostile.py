"""Hostile input: sandboxed templates, escaping everywhere, safe paths, atomic and reproducible builds."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BUILD_DATE, CLI, assert_clean_failure, fill_placeholders, run_cli, scaffold

SCHOOL = "tudhoe-moor-nursery"


def add_to_clause(root: Path, clause: str, text: str) -> Path:
    path = root / "clauses" / f"{clause}.md"
    path.write_text(path.read_text().rstrip("\n") + "\n\n" + text + "\n")
    return path


@pytest.mark.parametrize("template, message", [
    ("{{ ''.__class__.__mro__ }}", "not allowed"),
    ("{{ school.__class__.__init__.__globals__ }}", "not allowed"),
    ("{{ ref.__globals__ }}", "not allowed"),
    ("{% include '/etc/passwd' %}", "template error"),
    ("{% import 'os' as os %}", "template error"),
    ("{{ 'a' * 10**8 }}", "stopped"),
    ("{{ 2 ** 2000000 }}", "stopped"),
    ("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}", "stopped"),
    ("{{ '{0.__class__.__init__.__globals__}'.format(school) }}", "not allowed"),
])
def test_template_escapes_and_runaway_templates_are_refused(project: Path, template: str, message: str):
    add_to_clause(project, "printers", template)
    started = time.monotonic()
    result = run_cli("check", cwd=project)
    assert_clean_failure(result, "clauses/printers.md", message)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("link", ["[click](javascript:alert(1))", "[click]( JavaScript:alert(1) )",
                                  "[click][x]\n\n[x]: javascript:alert(1)", "<data:text/html,hi>"])
def test_script_links_in_clause_markdown_are_refused(project: Path, link: str):
    add_to_clause(project, "printers", link)
    result = run_cli("check", cwd=project)
    assert result.code == 1 and "Traceback" not in result.text and "clauses/printers.md" in result.err


HOSTILE_NAME = "<script>alert(1)</script> Primary"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A school whose name (and headteacher) is an HTML injection attempt, approved and built."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    assert run_cli("new-school", "evil-primary", "--name", HOSTILE_NAME, cwd=root).code == 0
    fill_placeholders(root, "evil-primary", {"the headteacher's name, or delete this line": "<img src=x onerror=alert(2)>"})
    assert run_cli("approve", "--by", "Governing Board", "evil-primary", "acceptable-use",
                   "--on", "2025-09-01", "--note", "<b>note</b>", cwd=root).code == 0
    result = run_cli("build", "--draft", "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    return root


def test_yaml_values_are_shown_literally_in_every_html_page(hostile_site: Path):
    pages = list((hostile_site / "site" / "evil-primary").rglob("*.html")) + [hostile_site / "site" / "index.html"]
    assert len(pages) > 5
    for page in pages:
        html = page.read_text()
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>note</b>" not in html, page
    home = (hostile_site / "site" / "evil-primary" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Primary" in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Primary" in (hostile_site / "site" / "index.html").read_text()


def test_yaml_values_are_literal_text_in_pdf_and_word(hostile_site: Path, tmp_path: Path):
    pdf = hostile_site / "site" / "evil-primary" / "acceptable-use" / "acceptable-use.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert HOSTILE_NAME in text
    out = tmp_path / "r.docx"
    assert run_cli("diff", "evil-primary", "acceptable-use", "--against", "model", "--format", "docx", "-o", str(out),
                   cwd=hostile_site).code == 0
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "<script>" not in xml


def test_symlinked_override_out_of_the_project_is_refused(project: Path):
    folder = project / "overrides" / SCHOOL
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "printers.md").symlink_to("/etc/passwd")
    assert_clean_failure(run_cli("check", cwd=project), "link to a place outside")
    (folder / "printers.md").unlink()
    theme = folder / "theme"
    theme.mkdir(exist_ok=True)
    (theme / "logo.png").symlink_to("/etc/passwd")
    assert_clean_failure(run_cli("build", SCHOOL, cwd=project), "link to a place outside")
    assert not (project / "site" / SCHOOL).exists()


@pytest.mark.parametrize("value", ["../../etc/passwd", "/etc/passwd", "logo.exe"])
def test_logo_must_be_an_image_in_the_school_theme_folder(project: Path, value: str):
    path = project / "schools" / SCHOOL / "school.yml"
    path.write_text(path.read_text() + f"logo: {value}\n")
    assert_clean_failure(run_cli("check", cwd=project), f"schools/{SCHOOL}/school.yml", "logo")


@pytest.mark.parametrize("slug", ["../evil", "con", "Bad_Slug", "/tmp/x"])
def test_bad_slugs_are_refused(project: Path, slug: str):
    assert_clean_failure(run_cli("new-school", slug, cwd=project), "slug")
    assert_clean_failure(run_cli("build", slug, cwd=project), "no school")


def test_kill_9_during_a_build_leaves_the_previous_site_identical(project: Path):
    assert run_cli("build", "--today", BUILD_DATE, cwd=project).code == 0
    site = project / "site"
    before = tree_hash_visible(site)
    add_to_clause(project, "printers", "A sentence added after the last build.")
    proc = subprocess.Popen([str(CLI), "build", "--force", "--jobs", "1", "--today", BUILD_DATE], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(site.glob(".build-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(site.glob(".build-*")), "the build never started writing"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_hash_visible(site) == before
    assert run_cli("build", "--today", BUILD_DATE, cwd=project).code == 0
    assert not list(site.glob(".build-*")) and not list(site.glob(".old-*"))


def tree_hash_visible(folder: Path) -> str:
    """The hash of what a reader can see: everything but our hidden work folders and lock."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if relative.parts[0].startswith("."):
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_two_builds_of_the_same_inputs_are_byte_identical(project: Path):
    for out in ("one", "two"):  # each with its own empty cache, so every PDF is laid out again
        env = {"POLICY_SITE_CACHE": str(project / f".cache-{out}")}
        assert run_cli("build", "--draft", "--today", BUILD_DATE, "--out", out, cwd=project, env=env).code == 0
    assert tree_hash_visible(project / "one") == tree_hash_visible(project / "two")


def test_csv_written_for_spreadsheets_cannot_carry_formulas(project: Path, tmp_path: Path):
    assert scaffold(project, "formula-school", "--name", "=HYPERLINK(\"http://evil\",\"x\")").code == 0
    out = tmp_path / "status.csv"
    assert run_cli("status", "--csv", str(out), cwd=project).code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "School"
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names
    assert not any(cell[:1] in "=+-@" for row in rows[1:] for cell in row if cell)
