"""Hostile clause text and school.yml, through the real CLI: no code runs, no file is read, no script is published,
every runaway template is stopped within its limits, and a killed build loses nothing."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest
import yaml
from conftest import BUILD_DATE, assert_clean_failure, run_cli

SCHOOL = "tudhoe-moor-nursery"
PICKLE = "cos\\nsystem\\n(S'touch PWNED'\\ntR."
MEMORY_MB = 1024  # every hostile case runs under this address-space limit (a normal `check` needs well under it)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text().rstrip("\n") + "\n\n" + text + "\n")


def edit_yaml(root: Path, change) -> Path:
    path = root / "schools" / SCHOOL / "school.yml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def set_front_matter(path: Path, key: str, value: str) -> None:
    """Set a front-matter key to `value`, quoted for YAML (a JSON string is a YAML string)."""
    text = path.read_text()
    path.write_text(re.sub(rf"^{key}: .*$", lambda _: f"{key}: {json.dumps(value)}", text, count=1, flags=re.MULTILINE))


# --- no object with methods reaches a template -------------------------------------------------------------------

ESCAPES = [
    '{{ school.parse_raw("' + PICKLE + '", proto="pickle", allow_pickle=True) }}',
    '{% set _ = school.parse_raw("' + PICKLE + '", proto="pickle", allow_pickle=True) %}',
    "{{ school.parse_file('/etc/passwd') }}",
    "{{ school.model_dump() }}",
    "{{ school.roles.__class__ }}",
    "{{ who.__globals__ }}",
    "{{ does.__closure__ }}",
    "{{ policy.items() }}",
    "{{ vars.__class__.__mro__ }}",
    "{{ ref.__globals__ }}",
    "{{ item_list.__closure__ }}",
    "{% for k in school %}{{ school[k].__class__ }}{% endfor %}",
    "{{ (school|list)[0].format_map(school) }}",
    "{{ lipsum.__globals__ }}",
    "{{ cycler.__init__.__globals__ }}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_no_method_of_any_object_is_reachable_from_an_override(project: Path, template: str):
    append(project / "overrides" / SCHOOL / "logging-on.md", template)
    result = run_cli("check", cwd=project, memory_mb=MEMORY_MB)
    assert_clean_failure(result, f"overrides/{SCHOOL}/logging-on.md")
    assert not (project / "PWNED").exists()
    assert "root:" not in result.text


def test_the_pickle_escape_fails_in_a_title_an_item_and_a_condition_too(project: Path):
    payload = '{{ school.parse_raw("' + PICKLE + '", proto="pickle", allow_pickle=True) }}'
    set_front_matter(project / "clauses" / "printers.md", "title", f"Printers {payload}")
    assert_clean_failure(run_cli("check", cwd=project, memory_mb=MEMORY_MB), "clauses/printers.md:2")

    project2 = project.parent / "p2"
    from conftest import copy_project

    copy_project(project2)
    edit_yaml(project2, lambda d: d["policies"]["acceptable-use"]["items"]["introduction"]["add"][0].update(text=payload))
    assert_clean_failure(run_cli("check", cwd=project2, memory_mb=MEMORY_MB), f"schools/{SCHOOL}/school.yml")

    outline = project2.parent / "p3"
    copy_project(outline)
    path = outline / "policies_src" / "acceptable-use.yml"
    path.write_text(path.read_text().replace("when: \"school.phase != 'nursery'\"",
                                             "when: \"school.parse_raw('x') or school.phase != 'nursery'\"", 1))
    assert_clean_failure(run_cli("check", cwd=outline, memory_mb=MEMORY_MB), "policies_src/acceptable-use.yml")
    for root in (project, project2, outline):
        assert not (root / "PWNED").exists()


def test_a_hidden_escape_attempt_fails_the_build_and_leaves_the_site(project: Path):
    assert run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project).code == 0
    before = (project / "site" / SCHOOL / "index.html").read_bytes()
    append(project / "clauses" / "printers.md", '{% set _ = school.parse_raw("' + PICKLE + '") %}')
    append(project / "overrides" / SCHOOL / "logging-on.md", '{% set _ = school.parse_raw("' + PICKLE + '") %}')
    result = run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project, memory_mb=MEMORY_MB)
    assert_clean_failure(result, "clauses/printers.md:", "parse_raw")
    assert (project / "site" / SCHOOL / "index.html").read_bytes() == before
    assert not (project / "PWNED").exists()


# --- runaway templates are stopped by limits, not by the machine --------------------------------------------------

RUNAWAYS = [
    "{{ '%0999999999d' % 1 }}",
    "{{ '%*d' % (999999999, 1) }}",
    "{{ 'x'.center(10**9) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{% set a = 'x' * 9000 %}" + "{% set a = a ~ a %}" * 30 + "{{ a|length }}",
    "{{ ('a' * 9000).replace('a', 'a' * 9000) }}",
    "{{ 'a'|replace('a', 'b' * 9000)|replace('b', 'c' * 9000) }}",
    "{{ (['a' * 9000] * 9000)|join }}",
    "{{ ((10**60) * (10**60) * (10**60) * (10**60)) ** 60 }}",
    "{% for a in 'x' * 9999 %}{% for b in 'x' * 9999 %}{{ b }}{% endfor %}{% endfor %}",
    "{% set s %}{% for a in range(5000) %}{{ 'x' * 9000 }}{% endfor %}{% endset %}{{ s|length }}",
    "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "{{ 'x'|indent(10**9) }}",
]


@pytest.mark.parametrize("template", RUNAWAYS)
def test_runaway_templates_stop_quickly_in_bounded_memory(project: Path, template: str):
    append(project / "clauses" / "printers.md", template)
    started = time.monotonic()
    result = run_cli("check", cwd=project, memory_mb=MEMORY_MB, timeout=60)
    assert_clean_failure(result, "clauses/printers.md")
    assert time.monotonic() - started < 20


# --- nothing from YAML or clause text becomes markup, script or a dangerous link ---------------------------------

XSS_VALUES = {
    "name": 'Tudhoe Moor {: onclick="alert(1)" }',
    "motto": 'Mark [F](https://ok){: href="javascript:alert(1)" } <img src=x onerror=alert(2)> &lt;script&gt;',
}


def scan_for_script(site: Path) -> list[str]:
    """Every event-handler attribute, javascript: URL or injected marker script in the built HTML."""
    hits = []
    for page in site.rglob("*.html"):
        html = page.read_text(errors="replace")
        hits += [f"{page}: {m.group(0)[:80]}" for m in re.finditer(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", html)]
        hits += [f"{page}: {m.group(0)[:80]}" for m in re.finditer(
            r"(href|src|action)\s*=\s*[\"']?\s*[\x00-\x20]*javascript:", html, re.IGNORECASE)]
        hits += [f"{page}: script" for m in re.finditer(r"<script[^>]*>[^<]*(alert|XSSMARK)", html)]
    return hits


def test_values_from_school_yml_are_published_as_text_never_as_markup(project: Path):
    def change(data: dict) -> None:
        data.update(XSS_VALUES)
        data.setdefault("roles", {})["headteacher"] = {"title": "Head <b onclick=x>",
                                                       "name": 'Mark [F](https://ok){: href="javascript:alert(1)" }'}
        data["policies"]["acceptable-use"]["variables"]["phone_areas"] = '<a href="javascript:alert(3)">x</a> {: onclick=x }'
        data["systems"]["messaging"] = ['[m](javascript:alert(4))', "**bold** _em_ `code` | pipe # hash"]

    edit_yaml(project, change)
    result = run_cli("build", SCHOOL, "--draft", "--today", BUILD_DATE, cwd=project, memory_mb=MEMORY_MB * 2)
    assert result.code == 0, result.text
    site = project / "site"
    assert scan_for_script(site) == []
    home = html.unescape((site / SCHOOL / "index.html").read_text())
    assert 'Tudhoe Moor {: onclick="alert(1)" }' in home
    assert "<img src=x onerror=alert(2)> &lt;script&gt;" in home  # shown as the text it is
    policy = html.unescape((site / SCHOOL / "acceptable-use" / "draft.html").read_text())
    assert "**bold** _em_ `code` | pipe # hash" in policy
    assert '<a href="javascript:alert(3)">x</a> {: onclick=x }' in policy
    assert 'the Head <b onclick=x> (Mark [F](https://ok){: href="javascript:alert(1)" })' in policy  # a role, as text


@pytest.mark.parametrize("where, text, fragment", [
    ("body", "See <b onmouseover=alert(1)>this</b>.", "raw HTML"),
    ("body", "Plain text{: onclick=\"alert(1)\" }", "attribute lists"),
    ("body", "[e](\x01javascript:alert(1))", "control character"),
    ("body", "[e](&#106;avascript:alert(1))", "not allowed"),
    ("body", "{{ '<' ~ 'script>alert(1)</' ~ 'script>' }}", "raw HTML"),
    ("body", "{{ '[x](java' ~ 'script:alert(1))' }}", "not allowed"),
    ("body", "{{ 'Text{' ~ ': onclick=x }' }}", "attribute lists"),
    ("title", "Printers <img src=x onerror=alert(1)>", "raw HTML"),
    ("title", "Printers {: onclick=x }", "attribute lists"),
    ("item", "Use <script>alert(1)</script>", "raw HTML"),
])
def test_markup_in_clause_text_titles_and_items_is_refused_with_its_line(project: Path, where: str, text: str, fragment: str):
    path = project / "clauses" / "printers.md"
    if where == "body":
        append(path, text)
    elif where == "title":
        set_front_matter(path, "title", text)
    else:
        path = project / "clauses" / "unacceptable-use.md"
        source = path.read_text()
        path.write_text(source.replace("  - id: ", f"  - id: hostile\n    text: {json.dumps(text)}\n  - id: ", 1))
    result = run_cli("check", cwd=project, memory_mb=MEMORY_MB)
    assert_clean_failure(result, str(path.relative_to(project)) + ":", fragment)


def test_school_items_with_markup_are_refused_at_their_line(project: Path):
    path = edit_yaml(project, lambda d: d["policies"]["acceptable-use"]["items"]["introduction"]["add"][0].update(
        text='Be safe <img src=x onerror=alert(1)>'))
    result = run_cli("check", cwd=project)
    assert_clean_failure(result, f"schools/{SCHOOL}/school.yml:", "raw HTML")
    assert path.is_file()


def test_a_remote_image_in_a_clause_is_refused_at_check_with_its_line(project: Path):
    append(project / "clauses" / "printers.md", "![A printer](https://example.invalid/printer.png)")
    assert_clean_failure(run_cli("check", cwd=project), "clauses/printers.md:", "another site")


def test_print_html_with_images_lays_out_without_fetching_anything(tmp_path: Path):
    from site_build.render.pdf import html_to_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    pdf = html_to_pdf(f'<p>Crest <img src="crest.png" alt="Crest"> <img src="file://{secret}" alt="Secret">'
                      '<img src="https://example.invalid/x.png" alt="Remote"></p>')
    assert pdf.startswith(b"%PDF")


# --- the previous site survives --------------------------------------------------------------------------------------

def test_a_site_left_aside_by_a_killed_swap_is_put_back_before_anything_else(project: Path):
    assert run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project).code == 0
    site = project / "site"
    (site / SCHOOL).rename(site / f".old-{SCHOOL}-4242")  # what a kill between the two renames of a swap leaves
    append(project / "schools" / SCHOOL / "school.yml", "phase: [")
    assert_clean_failure(run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project), "school.yml")
    assert (site / SCHOOL / "index.html").is_file()
    assert not list(site.glob(".old-*"))


def test_the_build_never_deletes_or_writes_into_a_folder_it_did_not_make(project: Path):
    mine = project / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    (mine / ".build-important").mkdir()
    result = run_cli("build", SCHOOL, "--out", "mine", "--today", BUILD_DATE, cwd=project)
    assert_clean_failure(result, "not made by policy-site")
    assert (mine / "notes.txt").read_text() == "keep me" and (mine / ".build-important").is_dir()


def test_published_files_are_readable_by_the_web_server(project: Path):
    assert run_cli("build", "--today", BUILD_DATE, cwd=project).code == 0
    for path in [project / "site" / "index.html", *(project / "site" / SCHOOL).rglob("*.pdf")]:
        assert path.stat().st_mode & 0o044 == 0o044, path


@pytest.mark.parametrize("out", ["schools", "overrides", "clauses/x", ".", "..", "schools/tudhoe-moor-nursery/site"])
def test_the_build_refuses_an_output_folder_that_is_or_holds_the_project_or_its_inputs(project: Path, out: str):
    (project / ".build-mine").mkdir()
    before = {p: p.read_bytes() for p in (project / "schools").rglob("*") if p.is_file()}
    result = run_cli("build", SCHOOL, "--out", out, "--today", BUILD_DATE, cwd=project)
    assert_clean_failure(result, "--out")
    assert {p: p.read_bytes() for p in (project / "schools").rglob("*") if p.is_file()} == before
    assert (project / ".build-mine").is_dir() and not (project / "site").exists()
    assert run_cli("verify", cwd=project).code == 0


@pytest.mark.parametrize("template", [
    "{% set b = ('x'*10000).replace('x','y'*20) %}{{ b.join(range(8000)|map('string'))|length }}",
    "{% set f = '%(a)s' * 2000 %}{% set b = ('x'*10000).replace('x','y'*20) %}{{ (f ~ f ~ f ~ f ~ f ~ f) % {'a': b} }}",
    "{{ ([[1]*10000]*2000)|sum(start=[])|length }}",
    "{{ " + "-" * 210 + "vars.x }}",
    "{{ 1e400|int }}",
])
def test_what_an_adversary_found_is_stopped_too(project: Path, template: str):
    append(project / "clauses" / "printers.md", template)
    result = run_cli("check", cwd=project, memory_mb=MEMORY_MB, timeout=60)
    assert_clean_failure(result, "clauses/printers.md")


@pytest.mark.parametrize("text, fragment", [
    ("> [evil]: javascript:alert(1)\n\n[here][evil]", "not allowed"),
    ("- [evil]: javascript:alert(1)", "not allowed"),
    ("Fake title\n===", "heading"),
    ('!!! danger "Forged warning"\n    Not from the board.', "notice boxes"),
    ("Reversed \u202e text", "control character"),
])
def test_markdown_that_fakes_a_link_heading_or_notice_is_refused(project: Path, text: str, fragment: str):
    append(project / "clauses" / "printers.md", text)
    assert_clean_failure(run_cli("check", cwd=project), "clauses/printers.md:", fragment)


def test_a_schools_own_image_is_published_and_one_it_lacks_is_refused_at_check(project: Path):
    import base64

    theme = project / "overrides" / "chellaston-infant" / "theme"
    theme.mkdir(parents=True, exist_ok=True)
    (theme / "printer.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"))
    append(project / "overrides" / "chellaston-infant" / "parents.md", "![A school printer](printer.png)")
    result = run_cli("build", "chellaston-infant", "--draft", "--today", BUILD_DATE, cwd=project)
    assert result.code == 0, result.text
    draft = (project / "site" / "chellaston-infant" / "acceptable-use" / "draft.html").read_text()
    assert '<img alt="A school printer" src="../assets/printer.png">' in draft
    assert (project / "site" / "chellaston-infant" / "assets" / "printer.png").is_file()
    (theme / "printer.png").unlink()
    assert_clean_failure(run_cli("check", cwd=project), "overrides/chellaston-infant/parents.md:", "not one of")
