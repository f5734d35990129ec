"""Hostile input against the built site's last lines of defence: the theme folder, the base mkdocs.yml,
the article sanitiser, the safe attribute list and each page's Content-Security-Policy.

Every case goes through the real CLI, building one school; the sanitiser is also tested alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import BUILD_DATE, assert_clean_failure, copy_project, edit_school, run_cli

SCHOOL = "tudhoe-moor-nursery"
THEME = f"overrides/{SCHOOL}/theme"
MARK = "XSSMARK"
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
CLEAN_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
{SVG_OPEN}<title>Logo</title><defs><linearGradient id="g"><stop offset="0" stop-color="#036"/></linearGradient></defs>
<style>rect {{ stroke: #000; }}</style><g><rect width="10" height="10" fill="url(#g)" style="opacity: .9"/>
<use href="#g"/><text x="1" y="8">T</text></g></svg>
"""


def build(root: Path):
    return run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=root)


# --- a scanner for script in a built site (after the team's scan-built-html tool, with a real parser) -

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class Page(HTMLParser):
    """What a page could run: event-handler attributes, script URLs, its <script> elements; and where the
    CSP meta tag sits among the tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.tags_before_csp: list[str] = []
        self.csp_seen = False
        self._open: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for name, value in attrs:
            script_url = re.sub(r"[\x00-\x20]", "", value or "").lower().startswith("javascript:")
            if name.startswith("on") or (name in URL_ATTRIBUTES and script_url):
                self.handlers.append(f"<{tag} {name}={(value or '')[:60]!r}>")
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.csp_seen = True
        elif not self.csp_seen:
            self.tags_before_csp.append(tag)
        if tag == "script":
            self._open, self._text = found, []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def scan_site(site: Path) -> list[str]:
    """Script no theme put there: event-handler attributes, javascript: URLs, a page without a CSP, inline
    scripts its CSP does not name or that carry the marker, the same in the search index's texts; any other
    published file carrying the marker."""
    hits = []
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(errors="replace")
        where = path.relative_to(site)
        page = parse(text)
        hits += [f"{where}: {handler}" for handler in page.handlers]
        policy = CSP.search(text)
        if policy is None:
            hits.append(f"{where}: no Content-Security-Policy")
            continue
        for attrs, script in page.scripts:
            if "src" in attrs or attrs.get("type") == "application/json":
                continue
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in policy.group(1):
                hits.append(f"{where}: inline script not in the CSP: {script[:60]!r}")
            if MARK in script:
                hits.append(f"{where}: script with the marker")
    index = site / "search" / "search_index.json"
    for doc in json.loads(index.read_text())["docs"] if index.is_file() else []:  # shown as HTML by the search box
        found = parse(doc["title"] + doc["text"])
        hits += [f"search index {doc['location']}: {handler}" for handler in found.handlers]
        hits += [f"search index {doc['location']}: <script>" for _ in found.scripts]
    for path in site.rglob("*"):
        searchable = path.parent == site / "search"  # the page texts again, checked just above
        if path.is_file() and path.suffix != ".html" and not searchable and MARK.encode() in path.read_bytes():
            hits.append(f"{path.relative_to(site)}: published payload")
    return hits


def test_the_scanner_finds_planted_script(tmp_path: Path):
    head = '<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
    (tmp_path / "a.html").write_text(head + '<body><p title="x onclick=y">ok</p><a href=" java\tscript:x">a</a>'
                                     '<img src=x onerror=y><script>alert(1)</script></body></html>')
    (tmp_path / "b.html").write_text("<html><head></head></html>")
    (tmp_path / "logo.svg").write_text(MARK)
    hits = scan_site(tmp_path)
    assert len(hits) == 5 and not any("title" in hit for hit in hits), hits


# --- the example school, built -------------------------------------------------------------------

@pytest.fixture(scope="module")
def school_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("site") / "project")
    result = build(root)
    assert result.code == 0, result.text
    return root / "site" / SCHOOL


def test_every_page_has_a_csp_first_in_head_naming_each_inline_script(school_site: Path):
    pages = sorted(school_site.rglob("*.html"))
    assert len(pages) >= 5 and school_site / "404.html" in pages
    for page in pages:
        text = page.read_text()
        policy = CSP.search(text)
        assert policy, f"{page} has no Content-Security-Policy"
        directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";"))
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
        parser = parse(text)
        assert parser.tags_before_csp == ["html", "head", "meta"], (page, parser.tags_before_csp)  # only the charset
        inline = [s for attrs, s in parser.scripts if "src" not in attrs and attrs.get("type") != "application/json"]
        assert inline, page  # Material's own inline scripts, each named by hash, and nothing else
        named = {source for source in directives["script-src"].split() if source.startswith("'sha256-")}
        assert named == {f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline}, page
    assert scan_site(school_site) == []


def test_a_script_inside_the_article_or_navigation_gets_no_hash_so_the_browser_refuses_it():
    from site_build.site.safety_plugin import inline_script_hashes

    theme = "<script>var theme = 1;</script>"
    page = (f"<html><head></head><body>{theme}<nav><script>alert(2)</script></nav>"
            "<article class='md-content__inner'><script>alert(1)</script></article></body></html>")
    assert inline_script_hashes(page) == inline_script_hashes(f"<html><head></head><body>{theme}</body></html>")
    assert len(inline_script_hashes(page)) == 1


def test_only_scripts_that_run_their_own_text_are_hashed_as_a_browser_reads_them():
    from site_build.site.safety_plugin import inline_script_hashes

    def digest(script: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"

    page = ("<html><head><SCRIPT TYPE='Text/JavaScript'>a()\r\n</SCRIPT><script src=x.js></script>"
            "<script type=\"application/json\">{\"b\": 1}</script><script data-src='y' type=module>c()</script>"
            "<script type=\"text/plain\">d()</script><script>a()\n</script></head><body></body></html>")
    assert inline_script_hashes(page) == [digest("a()\n"), digest("c()")]


def test_hostile_school_values_publish_no_script(project: Path):
    def hostile(data):
        data["name"] = 'Tudhoe Moor {: onclick="alert(1)" #x }'
        data.setdefault("roles", {})["headteacher"] = {
            "title": f'Head <img src=x onerror="{MARK}">',
            "name": f'Mark [F](https://ok){{: href="javascript:alert(\'{MARK}\')" onmouseover="{MARK}" }}'}

    edit_school(project, SCHOOL, hostile)
    result = build(project)
    assert result.code == 0, result.text
    assert scan_site(project / "site" / SCHOOL) == []


# --- the school's theme folder ---------------------------------------------------------------------

def add_theme_file(root: Path, name: str, content: str | bytes) -> Path:
    path = root / THEME / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("name", ["page.md", "x.html", "app.js", "notes.txt", "images/extra.css", "logo.png.html"])
def test_theme_folder_holds_only_images_and_extra_css(project: Path, name: str):
    add_theme_file(project, name, f"<script>alert('{MARK}')</script>")
    assert_clean_failure(build(project), f"{THEME}/{name}", "cannot be published", "only images and extra.css")
    assert not (project / "site" / SCHOOL).exists()


def test_check_names_a_file_the_theme_folder_must_not_hold(project: Path):
    add_theme_file(project, "page.md", "# hello")
    assert_clean_failure(run_cli("check", cwd=project), f"{THEME}/page.md", "cannot be published")


@pytest.mark.parametrize("svg, found", [
    (f"{SVG_OPEN}<script>alert('{MARK}')</script></svg>", "<script>"),
    (f'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'{MARK}\')"/>', "event handler 'onload'"),
    (f'{SVG_OPEN}<rect width="1" height="1" ONCLICK="{MARK}"/></svg>', "event handler 'ONCLICK'"),
    (f"{SVG_OPEN}<foreignObject><p>{MARK}</p></foreignObject></svg>", "<foreignObject>"),
    (f'{SVG_OPEN}<a href="javascript:alert(1)"><text>{MARK}</text></a></svg>', "<a>"),
    (f'{SVG_OPEN}<set attributeName="href" to="javascript:{MARK}"/></svg>', "<set>"),
    (f'{SVG_OPEN}<image href="https://evil.example/{MARK}.png"/></svg>', "<image>"),
    (f'{SVG_OPEN}<use href="https://evil.example/x.svg#{MARK}"/></svg>', "links to 'https://evil.example"),
    (f'{SVG_OPEN}<use xlink:href="data:image/svg+xml,{MARK}" xmlns:xlink="http://www.w3.org/1999/xlink"/></svg>',
     "links to 'data:"),
    (f'{SVG_OPEN}<rect style="fill: url(https://evil.example/{MARK})"/></svg>', "loads 'https://evil.example"),
    (f"{SVG_OPEN}<style>@import 'https://evil.example/{MARK}.css';</style></svg>", "@import"),
    (f"{SVG_OPEN}<style>rect {{ fill: \\75 rl(https://evil.example/{MARK}) }}</style></svg>", "CSS escape"),
    (f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>{SVG_OPEN}<text>&x;{MARK}</text></svg>', "DOCTYPE"),
    (f'<?xml-stylesheet type="text/xsl" href="evil.xsl"?>{SVG_OPEN}<text>{MARK}</text></svg>', "processing instruction"),
    (f'{SVG_OPEN}<h:script xmlns:h="http://www.w3.org/1999/xhtml">{MARK}</h:script></svg>', "not part of SVG"),
    (f"<svg><script>{MARK}</script></svg>", "not part of SVG"),
    (f"{SVG_OPEN}<text>{MARK}</svg>", "not well-formed"),
])
def test_svg_in_the_theme_folder_must_be_a_plain_drawing(project: Path, svg: str, found: str):
    add_theme_file(project, "evil.svg", svg)
    assert_clean_failure(build(project), f"{THEME}/evil.svg", found)
    assert not (project / "site" / SCHOOL).exists()


def test_svg_in_another_encoding_is_refused(project: Path):
    add_theme_file(project, "evil.svg", f'<?xml version="1.0" encoding="UTF-16"?>{SVG_OPEN}</svg>'.encode("utf-16"))
    assert_clean_failure(build(project), f"{THEME}/evil.svg")


def test_symlinked_theme_folder_is_refused_and_nothing_outside_is_published(project: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(MARK)
    (outside / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / THEME).parent.mkdir(parents=True, exist_ok=True)
    (project / THEME).symlink_to(outside, target_is_directory=True)
    assert_clean_failure(build(project), THEME, "link to another folder")
    assert_clean_failure(run_cli("check", cwd=project), THEME, "link to another folder")
    assert not (project / "site" / SCHOOL).exists()


@pytest.mark.parametrize("link", ["outside-file", "outside-folder", "inside-folder"])
def test_links_inside_the_theme_folder_are_refused(project: Path, tmp_path: Path, link: str):
    (tmp_path / "secret.png").write_text(MARK)
    add_theme_file(project, "logo.png", b"\x89PNG\r\n\x1a\n")
    (project / THEME / "sub").mkdir()
    path = project / THEME / ("logo2.png" if link == "outside-file" else "more")
    path.symlink_to({"outside-file": tmp_path / "secret.png", "outside-folder": tmp_path,
                     "inside-folder": project / THEME / "sub"}[link])
    assert_clean_failure(build(project), f"{THEME}/{path.name}", "link to a place outside")


def test_fifo_in_the_theme_folder_is_refused_without_hanging(project: Path):
    (project / THEME).mkdir(parents=True)
    os.mkfifo(project / THEME / "logo.png")
    assert_clean_failure(build(project), f"{THEME}/logo.png", "not an ordinary file")


def test_a_clean_svg_logo_and_extra_css_are_published(project: Path):
    add_theme_file(project, "logo.svg", CLEAN_SVG)
    add_theme_file(project, "extra.css", ".md-header { background: #036; }\n")
    add_theme_file(project, "images/badge.png", b"\x89PNG\r\n\x1a\n")
    path = project / "schools" / SCHOOL / "school.yml"
    path.write_text(path.read_text() + "logo: logo.svg\n")
    result = build(project)
    assert result.code == 0, result.text
    site = project / "site" / SCHOOL
    assert (site / "assets" / "logo.svg").read_text() == CLEAN_SVG
    assert (site / "assets" / "images" / "badge.png").is_file()
    home = (site / "index.html").read_text()
    assert 'src="assets/logo.svg"' in home and 'href="assets/extra.css"' in home
    assert scan_site(site) == []


# --- the base mkdocs.yml -------------------------------------------------------------------------

@pytest.mark.parametrize("setting, message", [
    ("hooks:\n  - evil.py\n", "'hooks' is not allowed"),
    ("plugins:\n  - search\n", "'plugins' is not allowed"),
    ("markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['/']\n", "'markdown_extensions' is not allowed"),
    ("INHERIT: other.yml\n", "'INHERIT' is not allowed"),
    ("extra_javascript:\n  - https://evil.example/x.js\n", "'extra_javascript' is not allowed"),
    ("use_directory_urls: true\n", "'use_directory_urls' is not allowed"),
    ("repo_url: https://example.org\n", "unknown key 'repo_url'"),
    ("site_description: !!python/object/apply:os.system ['touch pwned']\n", "not valid YAML"),
])
def test_base_mkdocs_yml_cannot_add_code_or_file_reads(project: Path, setting: str, message: str):
    config = project / "mkdocs.yml"
    line = len(config.read_text().splitlines()) + 1
    config.write_text(config.read_text() + setting)
    (project / "evil.py").write_text("import pathlib\npathlib.Path('pwned').write_text('x')\n")
    assert_clean_failure(build(project), f"mkdocs.yml:{line}:", message)
    assert not (project / "pwned").exists() and not (project / "site" / SCHOOL).exists()


@pytest.mark.parametrize("old, new, message", [
    ("  name: material", "  name: material\n  custom_dir: /etc", "'custom_dir' is not allowed"),
    ("  name: material", "  name: readthedocs", "theme.name"),
    ("    primary: indigo", "    primary: '\"><script>alert(1)</script>'", "theme.palette.primary"),
    ("  language: en", "  language: en\n  font:\n    text: Roboto", "theme.font"),
    ("extra:\n", "extra:\n  polyfills:\n    - https://evil.example/x.js\n", "unknown key 'polyfills'"),
    ("extra:\n", "extra:\n  analytics:\n    provider: google\n", "unknown key 'analytics'"),
])
def test_base_mkdocs_yml_theme_and_extra_values_are_checked(project: Path, old: str, new: str, message: str):
    config = project / "mkdocs.yml"
    assert old in config.read_text()
    config.write_text(config.read_text().replace(old, new))
    assert_clean_failure(build(project), "mkdocs.yml:", message)


# --- the layers alone -------------------------------------------------------------------------------

HOSTILE_HTML = [
    '<p onclick="alert(1)">a</p>',
    '<a href="javascript:alert(1)">b</a>',
    '<a href="\x01javascript:alert(1)">c</a>',
    '<a href=" JaVaScRiPt:alert(1)">d</a>',
    "<script>alert(1)</script>",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="width: expression(alert(1))">e</div>',
    '<img src="x.png" onerror="alert(1)">',
    '<img src="https://evil.example/track.png">',
    '<svg><script>alert(1)</script></svg>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">f</button></form>',
    '<h2 id="__config">g</h2>',
    '<a href="data:text/html,<script>alert(1)</script>">h</a>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<style>body { background: url(https://evil.example) }</style>',
    '<math><mi xlink:href="javascript:alert(1)">i</mi></math>',
]


@pytest.mark.parametrize("html", HOSTILE_HTML)
def test_sanitiser_strips_script_and_outside_resources(html: str):
    from site_build.site.safety_plugin import SafetyPlugin

    cleaned = SafetyPlugin().on_page_content(html, page=None, config=None, files=None)
    lowered = cleaned.lower()
    for bad in ("onclick", "onerror", "javascript:", "<script", "<iframe", "<svg", "<object", "<embed", "<style",
                "<form", "expression", "evil.example", "data:", "__config", "formaction"):
        assert bad not in lowered, (html, cleaned)


def test_sanitiser_keeps_what_markdown_admonitions_tables_and_redlines_produce():
    from site_build.render.html_clean import clean_html

    html = ('<h2 id="2-step-sign-in">T<a class="headerlink" href="#2-step-sign-in" title="Permanent link">¶</a></h2>'
            '<div class="admonition note"><p class="admonition-title">Note</p><p><strong>x</strong> <em>y</em></p></div>'
            '<table><thead><tr><th style="text-align: left;">a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>'
            '<section id="c-x" class="redline changed"><p class="text"><del>old</del><ins>new</ins><br></p></section>'
            '<ol start="3"><li><a href="https://example.org">w</a> <a href="mailto:a@example.org">m</a> '
            '<a href="tel:+441234">t</a> <a class="md-button" href="../x.pdf">p</a></li></ol>'
            '<p><img src="assets/logo.png" alt="Logo"><code>c</code></p>')
    assert clean_html(html) == html


@pytest.mark.parametrize("text", [
    'Mark [F](https://ok){: href="javascript:alert(1)" }',
    'A paragraph\n{: onclick="alert(1)" style="x" #__config .ok }',
    '[x](https://ok){ onmouseover=alert(1) data-x=1 }',
])
def test_attribute_lists_set_only_safe_ids_and_classes(text: str):
    from site_build.render.pdf import MARKDOWN_EXTENSIONS, markdown_html

    for html in (markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS), str(markdown_html(text))):
        assert not re.search(r"\s(on\w+|href=\"javascript|style|data-x)", html), html
        assert "__config" not in html
    assert markdown.markdown("[Download](x.pdf){ .md-button }\n\n## T {#2-step}", extensions=MARKDOWN_EXTENSIONS) == \
        '<p><a class="md-button" href="x.pdf">Download</a></p>\n<h2 id="2-step">T</h2>'


def test_a_rendered_page_planted_in_the_cache_is_cleaned_again_before_it_is_published(project: Path, tmp_path: Path):
    cache = {"POLICY_SITE_CACHE": str(tmp_path / "cache")}
    assert run_cli("build", SCHOOL, "--today", BUILD_DATE, cwd=project, env=cache).code == 0
    entries = sorted((tmp_path / "cache" / "pages").glob("*.json"))
    assert entries, "the build kept no rendered page"
    for entry in entries:  # as if someone who holds this user's cache secret rewrote every entry
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["content"] = f'<p>PLANTED</p><script>alert("{MARK}")</script><img src="x" onerror="{MARK}">' + data["content"]
        entry.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("build", SCHOOL, "--today", BUILD_DATE, "--force", cwd=project, env=cache)
    assert result.code == 0, result.text
    home = (project / "site" / SCHOOL / "index.html").read_text(encoding="utf-8")
    assert "PLANTED" in home, "the rewritten entries were not used"
    assert scan_site(project / "site" / SCHOOL) == []
