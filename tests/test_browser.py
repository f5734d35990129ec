"""The staff handbook in a real browser: Debian's Chromium driven by Playwright against the built sites.

Covers the trust index, a school's home page, policies and their cross-references, search (on a
phone too), archived versions, the change log, the agreements page's links and downloads, print,
the site opened from a folder (file://) with no network, the keyboard (the phone menu, search, a
whole Tab cycle with every stop in sight), landmarks, and axe-core's WCAG 2.2 A/AA and best-practice
checks on every page type. Screenshots and axe reports go to tests/artifacts/ (git-ignored).

Needs /usr/bin/chromium, the playwright package and tests/node_modules/axe-core (`make test`
installs all three). Without them the tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    EXTERNAL,
    PHONE,
    describe_violations,
    in_ci,
    missing_requirements,
    run_axe,
    serve,
)
from conftest import BUILD_DATE, EXAMPLE_SCHOOLS, ROOT, run_cli

SCHOOL = "chellaston-infant"  # has the wifi, Facebook and encryption clauses and an archived release
POLICY = "acceptable-use"
STATUSES = {"Current", "Review due soon", "Overdue for review", "No approved version yet"}
# What staff type, and the clause (its anchor on the policy page) that must come first.
SEARCHES = [("wifi password", "internet-access"), ("Facebook", "facebook-cheat-sheet"), ("encryption", "encryption")]

_missing = missing_requirements()
if _missing and in_ci():
    pytest.fail("browser tests cannot run in CI without: " + "; ".join(_missing), pytrace=False)
pytestmark = pytest.mark.skipif(bool(_missing), reason="browser tests need " + "; ".join(_missing) + " (run `make test`)")

if not _missing:
    from playwright.sync_api import Page, expect, sync_playwright


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (and no axe reports left from an earlier run)."""
    shutil.rmtree(ARTIFACTS / "axe", ignore_errors=True)
    expect.set_options(timeout=15_000)  # a busy two-core CI machine can take a while to load the search index
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def context(browser):
    """One browser profile shared by the tests (a new one costs a third of a second); each test has its own tabs."""
    shared = browser.new_context(viewport=DESKTOP)
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def school_url(built_site: Path):
    """One school's site at the root of its own web address (how its 404 page is meant to be served)."""
    with serve(built_site / SCHOOL) as url:
        yield url


@pytest.fixture(scope="session")
def draft_url(built_site: Path):
    """SCHOOL's site built with --draft, from built_site's project (a draft build of every school takes 30 s)."""
    root = built_site.parent
    result = run_cli("build", SCHOOL, "--draft", "--today", BUILD_DATE, "--out", "draft-site", cwd=root)
    assert result.code == 0, result.text
    with serve(root / "draft-site") as url:
        yield url


class Tabs:
    """Opens tabs for one test and records what must not happen in any of them."""

    def __init__(self, context) -> None:
        self.context = context
        self.pages: list[Page] = []
        self.external: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def open(self, url: str | None = None, viewport: dict = DESKTOP) -> Page:
        page = self.context.new_page()
        self.pages.append(page)
        page.set_viewport_size(viewport)
        # Watched rather than intercepted (interception slows every request down): the test fails after.
        page.on("request", lambda request: EXTERNAL.match(request.url) and self.external.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/missing-page.html")
                and self.failed.append(f"{response.status} {response.url}"))
        # (ERR_ABORTED: a load cut short because the test moved on to the next page.)
        page.on("requestfailed", lambda request: not EXTERNAL.match(request.url) and request.failure != "net::ERR_ABORTED"
                and self.failed.append(f"{request.failure} {request.url}"))
        if url:
            page.goto(url)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.close()


@pytest.fixture
def tab(context):
    tabs = Tabs(context)
    yield tabs
    tabs.close()
    assert not tabs.external, f"the site tried to fetch from the internet: {tabs.external}"
    assert not tabs.errors, f"JavaScript errors: {tabs.errors}"
    assert not tabs.failed, f"requests that failed: {tabs.failed}"


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


def open_search(page: Page, query: str) -> None:
    """Open the search box as a person would (the magnifier on a phone) and type the query."""
    icon = page.locator("header").get_by_role("button", name="Search", exact=True)
    if icon.is_visible():
        icon.click()
    else:
        page.locator("input.md-search__input").click()
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially(query)


def first_section_result(page: Page):
    """The first clause (a link with an anchor) shown in the first group of search results."""
    return page.locator(".md-search-result__list > li").first.locator("a.md-search-result__link[href*='#']").first


def visible_text(page: Page, selector: str) -> str:
    """The text shown by the element, less the headings' permalink sign."""
    return " ".join(page.locator(selector).inner_text().replace("¶", "").split())


def clause_headings(page: Page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('article :is(h2, h3, h4, h5, h6)[id]')].map(h => ({
        id: h.id, text: h.textContent.replace('¶', '').trim(), shown: h.getClientRects().length > 0}))""")


# --- navigation and content -----------------------------------------------------------------------

def test_trust_index_links_to_each_school(tab, site_url):
    page = tab.open(site_url + "index.html")
    links = page.locator("main a")
    hrefs = sorted(links.evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert hrefs == sorted(f"{school.parent.name}/index.html" for school in (ROOT / "schools").glob("*/school.yml"))
    for slug in EXAMPLE_SCHOOLS:
        link = page.locator(f"main a[href='{slug}/index.html']")
        name = " ".join(link.inner_text().split())
        link.click()
        expect(page).to_have_url(f"{site_url}{slug}/index.html")
        assert visible_text(page, "article h1") == name
        page.go_back()


def test_school_home_lists_policies_with_status(tab, site_url):
    page = tab.open(f"{site_url}{SCHOOL}/index.html", viewport=PHONE)
    screenshot(page, "school-home-phone.png", full_page=True)
    table = page.locator("article table").first
    headers = [" ".join(h.split()) for h in table.locator("th").all_inner_texts()]
    assert headers == ["Policy", "Status", "Version", "Approved", "Next review"]  # status early: phones see it
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [" ".join(c.split()) for c in row.locator("td").all_inner_texts()]
        assert cells[1] in STATUSES, cells
        rows.append((row.locator("td a").first.get_attribute("href"), cells))
    assert f"{POLICY}/index.html" in [href for href, _ in rows]
    for href, cells in rows:  # each policy's page says what its row says
        page.locator(f"td a[href='{href}']").click()
        assert visible_text(page, "article h1") == cells[0]
        status = page.locator("article .admonition").first
        if cells[1] == "No approved version yet":
            expect(status.locator(".admonition-title")).to_have_text("No approved version yet")
        else:
            expect(status.locator(".admonition-title")).to_have_text(f"Version {cells[2]}")
            overdue = cells[1] == "Overdue for review"
            assert ("danger" in status.get_attribute("class")) == overdue
            assert ("overdue for review" in status.inner_text()) == overdue
        page.go_back()


def test_phone_menu_opens_pages(tab, site_url):
    page = tab.open(f"{site_url}{SCHOOL}/index.html", viewport=PHONE)
    page.get_by_role("button", name="Menu").click()
    drawer = page.locator("nav.md-nav--primary")
    link = drawer.locator("a.md-nav__link", has_text="Agreements").first
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{site_url}{SCHOOL}/agreements.html")
    assert visible_text(page, "article h1") == "Agreements"


def test_policy_cross_references_lead_to_their_clause(tab, site_url):
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html", viewport=PHONE)
    screenshot(page, "policy-phone.png")
    headings = {h["id"]: h["text"] for h in clause_headings(page)}
    refs = page.evaluate("""() => [...document.querySelectorAll('article a[href^="#"]:not(.headerlink)')]
        .map(a => ({href: a.getAttribute('href'), text: a.textContent.trim()}))""")
    numbered = [r for r in refs if re.fullmatch(r"(section|appendix) [\d.]+", r["text"], re.IGNORECASE)]
    assert len(numbered) >= 3, refs
    for ref in numbered:
        target = ref["href"][1:]
        assert target in headings, f"{ref} points at no clause"
        kind, number = ref["text"].lower().split()
        expected = f"Appendix {number}:" if kind == "appendix" else f"{number}{'.' if '.' not in number else ''} "
        assert headings[target].startswith(expected), f"{ref['text']!r} links to {headings[target]!r}"
    # Follow one that points far down the page: the clause's heading is shown, below the header.
    ref = max(numbered, key=lambda r: list(headings).index(r["href"][1:]))
    page.locator(f"article a[href='{ref['href']}']").first.click()
    expect(page).to_have_url(re.compile(re.escape(ref["href"]) + "$"))
    heading = page.locator(ref["href"])
    expect(heading).to_be_in_viewport()
    box = heading.bounding_box()
    header = page.locator("header.md-header").bounding_box()
    assert box["y"] >= header["y"] + header["height"] - 1, "the clause's heading is hidden under the page header"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(("query", "anchor"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_search_finds_the_clause(tab, site_url, query, anchor, viewport):
    page = tab.open(f"{site_url}{SCHOOL}/index.html", viewport=viewport)
    open_search(page, query)
    best = first_section_result(page)
    expect(best).to_have_attribute("href", re.compile(rf"/{SCHOOL}/{POLICY}/index\.html\?h=[^#]*#{anchor}$"))
    expect(best).to_be_visible()
    if viewport is PHONE and query == SEARCHES[0][0]:
        screenshot(page, "search-phone.png")
    best.click()
    expect(page).to_have_url(re.compile(rf"/{SCHOOL}/{POLICY}/index\.html\?h=[^#]*#{anchor}$"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()


HANDBOOK_SEARCHES = [("commerce", "online-safety"), ("Ofsted", "mobile-phones"), ("registered", "social-media"),
                     ("wifi password", "acceptable-use")]  # a word only one of the school's policies uses


@pytest.mark.parametrize(("query", "policy"), HANDBOOK_SEARCHES, ids=[p for _, p in HANDBOOK_SEARCHES])
def test_one_search_from_the_handbook_finds_each_policy(tab, site_url, query, policy):
    page = tab.open(f"{site_url}{SCHOOL}/index.html", viewport=DESKTOP)
    open_search(page, query)
    best = first_section_result(page)
    expect(best).to_have_attribute("href", re.compile(rf"/{SCHOOL}/{policy}/index\.html\?h=[^#]*#[a-z-]+$"))
    anchor = best.get_attribute("href").rsplit("#", 1)[1]
    best.click()
    expect(page).to_have_url(re.compile(rf"/{SCHOOL}/{policy}/index\.html\?h=[^#]*#{anchor}$"))
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()


def test_search_falls_back_to_any_word(tab, site_url):
    """Several words: sections with all of them first; when none has all, sections with any of them."""
    page = tab.open(f"{site_url}{SCHOOL}/index.html")
    open_search(page, "encryption zebra")
    expect(first_section_result(page)).to_have_attribute("href", re.compile(r"#encryption$"))


def test_archived_release_carries_a_version_banner(tab, site_url):
    policy = f"{site_url}{SCHOOL}/{POLICY}/index.html"
    page = tab.open(policy)
    status = page.locator("article .admonition").first
    expect(status.locator(".admonition-title")).to_contain_text("Version ")
    page.goto(f"{site_url}{SCHOOL}/{POLICY}/changelog.html")
    versions = page.locator("article table a").evaluate_all("links => links.map(a => a.href)")
    current, archived = versions[0], versions[1:]  # newest first
    assert archived, "the example school needs a superseded release"
    page.goto(archived[0])
    banner = page.locator("article .admonition.warning")
    expect(banner.locator(".admonition-title")).to_have_text("Superseded version")
    expect(banner).to_contain_text("was in force from")
    banner.locator("a").first.click()
    expect(page).to_have_url(policy)
    page.goto(current)
    expect(page.locator("article .admonition.note .admonition-title")).to_have_text("Current version")


def test_change_log_page_lists_every_version(tab, site_url):
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html")
    page.locator(".md-sidebar--primary a.md-nav__link", has_text="Change log").first.click()
    expect(page).to_have_url(f"{site_url}{SCHOOL}/{POLICY}/changelog.html")
    headers = [" ".join(h.split()) for h in page.locator("article table th").all_inner_texts()]
    assert headers == ["Date", "Where", "Change", "Approved by", "In force from", "Next review", "Version"]
    rows = page.locator("article table tbody tr")
    nav_versions = page.locator(".md-sidebar--primary a.md-nav__link[href^='versions/']")  # this policy's, not the others'
    assert rows.count() + 1 == nav_versions.count() >= 2  # each version, and the list of every version
    for index in range(rows.count()):
        link = rows.nth(index).locator("a")
        label = " ".join(link.inner_text().split())
        link.click()
        expect(page.locator("article h1")).to_contain_text(f"version {label}")
        page.go_back()


def test_agreements_page_links_and_downloads_resolve(tab, site_url):
    """Every link on the agreements page: its page, its anchor, its PDF download (links out of the site aside)."""
    page = tab.open(f"{site_url}{SCHOOL}/agreements.html")
    hrefs = page.locator("article a[href]:not(.headerlink)").evaluate_all("links => links.map(a => a.href)")
    local = [href for href in dict.fromkeys(hrefs) if urlsplit(href).netloc == urlsplit(site_url).netloc]
    pdfs = [href for href in local if urlsplit(href).path.endswith(".pdf")]
    assert local and pdfs, f"the agreements page has no links to check, or no downloads: {hrefs}"
    problems = []
    for href in local:
        address, _, anchor = href.partition("#")
        response = page.request.get(address)
        body = response.body()
        if response.status != 200:
            problems.append(f"{href}: HTTP {response.status}")
        elif href in pdfs:
            if not body.startswith(b"%PDF-") or response.headers.get("content-type") != "application/pdf":
                problems.append(f"{href}: not a PDF")
        elif anchor and f'id="{anchor}"'.encode() not in body:
            problems.append(f"{href}: no such anchor on the page")
    assert not problems, problems


def test_a_screen_reader_hears_which_words_were_inserted_and_deleted(tab, site_url):
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/changes.html")
    changed = page.locator("section.redline:has(ins):has(del)").first
    spoken = changed.aria_snapshot()  # the accessibility tree: what a screen reader reads
    assert "[inserted: " in spoken and "[deleted: " in spoken, spoken
    assert changed.locator("ins .visually-hidden").first.bounding_box()["width"] <= 1  # type: ignore[index]


# --- print ----------------------------------------------------------------------------------------

def test_print_shows_the_whole_policy_and_no_navigation(tab, site_url):
    from pypdf import PdfReader

    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => Object.fromEntries(['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-footer', '.md-search', '.md-skip', '.md-top', '.md-typeset .md-button'].map(s => [s,
        [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none' || !e.getClientRects().length)]))""")
    assert all(hidden.values()), hidden
    headings = clause_headings(page)
    assert len(headings) >= 10 and all(h["shown"] for h in headings), [h for h in headings if not h["shown"]]
    pdf = ARTIFACTS / "policy-print.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(pdf), format="A4")
    text = unicodedata.normalize("NFKC", "".join("".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages))
    school = page.locator(".policy-site-print-school").inner_text()
    assert "".join(unicodedata.normalize("NFKC", school).split()) in text, "the printout does not name the school"
    for heading in headings:
        assert "".join(unicodedata.normalize("NFKC", heading["text"]).split()) in text, f"{heading['text']!r} is missing from the printout"
    for furniture in ("Skiptocontent", "Policiespublishedwithpolicy-site", "MadewithMaterial", "DownloadPDF"):
        assert furniture not in text, f"{furniture!r} is printed"


def test_a_superseded_version_says_so_on_every_printed_page(tab, site_url):
    from pypdf import PdfReader

    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/changelog.html")
    archived = page.locator("article table a").evaluate_all("links => links.map(a => a.href)")[1:]
    assert archived, "the example school needs a superseded release"
    page.goto(archived[-1])
    page.emulate_media(media="print")
    pdf = ARTIFACTS / "superseded-print.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(pdf), format="A4")
    pages = [" ".join(unicodedata.normalize("NFKC", p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    assert len(pages) > 2
    missing = [number for number, text in enumerate(pages, start=1) if "Superseded: version" not in text]
    assert not missing, f"printed pages {missing} do not say the version is superseded"
    assert "Not the current version" in pages[-1]


@pytest.mark.parametrize("where", ["site-at-the-root", "site-in-a-folder", "folder-on-disk"])
def test_not_found_page_is_styled_wherever_the_site_is_served(tab, built_site, site_url, school_url, where):
    """The school's 404 page for a missing page deep in the site: styled, and its links lead to the school's pages."""
    if where == "folder-on-disk":
        page = tab.open((built_site / SCHOOL / "404.html").as_uri(), viewport=PHONE)
        home = (built_site / SCHOOL / "index.html").as_uri()
    else:
        base = school_url if where == "site-at-the-root" else f"{site_url}{SCHOOL}/"
        page = tab.open(viewport=PHONE)
        response = page.goto(f"{base}{POLICY}/versions/missing-page.html")
        assert response is not None and response.status == 404
        home = f"{base}index.html"
    screenshot(page, f"not-found-{where}.png")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    styled = page.evaluate("""() => ({font: getComputedStyle(document.body).fontFamily,
        banner: getComputedStyle(document.querySelector('header')).backgroundColor})""")
    assert "Times" not in styled["font"] and styled["banner"] not in ("rgba(0, 0, 0, 0)", "transparent"), styled
    assert page.locator("input").count() == 0 or page.locator("input:not([aria-label]):not([id])").count() == 0
    links = page.locator("a[href]")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert home in hrefs and home.replace("index.html", "accessibility.html") in hrefs, hrefs
    page.get_by_role("link", name="list of policies").click()
    expect(page).to_have_url(home)
    expect(page.locator("article h1")).to_be_visible()


# --- offline --------------------------------------------------------------------------------------

def test_site_works_offline_from_a_folder(tab, built_site):
    home = built_site / SCHOOL / "index.html"
    page = tab.open(home.as_uri())
    page.locator(".md-sidebar--primary a.md-nav__link", has_text="Change log").first.click()
    expect(page).to_have_url((built_site / SCHOOL / POLICY / "changelog.html").as_uri())
    page.locator(".md-sidebar--primary a.md-nav__link", has_text="Home").first.click()
    expect(page).to_have_url(home.as_uri())
    open_search(page, "encryption")
    best = first_section_result(page)
    expect(best).to_have_attribute("href", re.compile(rf"/{POLICY}/index\.html\?h=[^#]*#encryption$"))
    best.click()
    expect(page.locator("#encryption")).to_be_in_viewport()
    assert page.url.startswith("file://")


class _Resources(HTMLParser):
    """What a page makes the browser fetch as it loads: scripts, styles, icons, images, frames."""

    FETCHED_LINKS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "modulepreload", "manifest"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and set((a.get("rel") or "").lower().split()) & self.FETCHED_LINKS and a.get("href"):
            self.urls.append(a["href"])


def test_pages_load_nothing_from_the_internet(built_site):
    """Every page of every site: nothing fetched from another host (a CDN script, web fonts)."""
    offenders = []
    for path in built_site.rglob("*.html"):
        parser = _Resources()
        parser.feed(path.read_text("utf-8"))
        offenders += [f"{path.relative_to(built_site)}: {url}" for url in parser.urls if re.match(r"(https?:)?//", url)]
    assert not offenders, offenders
    for school in EXAMPLE_SCHOOLS:
        assert (built_site / school / "search" / "search_index.js").is_file(), "the offline search index is missing"
        assert (built_site / school / "assets" / "javascripts" / "iframe-worker-shim.js").is_file()


def test_every_page_is_titled_in_british_english_and_links_to_the_accessibility_statement(built_site):
    pages = [p for p in (built_site / SCHOOL).rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 8
    titles = set()
    for path in pages:
        html = path.read_text("utf-8")
        assert '<html lang="en-GB"' in html, path
        assert re.search(r'href="(\.\./)*accessibility\.html">Accessibility statement</a>', html), path
        assert ">¶<" not in html or 'class="headerlink" aria-hidden="true" tabindex="-1"' in html, path
        titles.add(re.search(r"<title>(.*?)</title>", html).group(1))  # type: ignore[union-attr]
    assert len(titles) == len(pages), "two pages share a title"
    policy = (built_site / SCHOOL / POLICY / "index.html").read_text("utf-8")
    assert re.search(r"<title>[^<]*, current version [^<]*: [^<]+</title>", policy)
    statement = (built_site / SCHOOL / "accessibility.html").read_text("utf-8")
    assert "Accessibility statement" in statement and "What is not accessible yet" in statement


# --- accessibility --------------------------------------------------------------------------------

def _archived(page: Page, base: str) -> str:
    """A superseded version's page (not the one the policy page names as current)."""
    page.goto(f"{base}{SCHOOL}/{POLICY}/changelog.html")
    return page.locator("article table a").evaluate_all("links => links.map(a => a.href)")[1]  # newest first


def _search(page: Page) -> None:
    open_search(page, "wifi password")
    expect(first_section_result(page)).to_be_visible()


def _open_menu(page: Page) -> None:
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("nav.md-nav--primary a.md-nav__link").first).to_be_in_viewport()


# name: (server fixture, path or function giving the URL, what a person does once it is open, viewports)
PAGE_TYPES = {
    "trust-index": ("site_url", "index.html", None, (DESKTOP, PHONE)),
    "school-home": ("site_url", f"{SCHOOL}/index.html", None, (DESKTOP, PHONE)),
    "policy": ("site_url", f"{SCHOOL}/{POLICY}/index.html", None, (DESKTOP, PHONE)),
    "change-log": ("site_url", f"{SCHOOL}/{POLICY}/changelog.html", None, (DESKTOP, PHONE)),
    "archived-version": ("site_url", _archived, None, (DESKTOP, PHONE)),
    "what-changed": ("site_url", f"{SCHOOL}/{POLICY}/changes.html", None, (DESKTOP, PHONE)),
    "guidance-map": ("site_url", f"{SCHOOL}/{POLICY}/guidance.html", None, (DESKTOP, PHONE)),
    "agreements": ("site_url", f"{SCHOOL}/agreements.html", None, (DESKTOP, PHONE)),
    "accessibility-statement": ("site_url", f"{SCHOOL}/accessibility.html", None, (DESKTOP, PHONE)),
    "draft": ("draft_url", f"{SCHOOL}/{POLICY}/draft.html", None, (DESKTOP, PHONE)),
    "not-found": ("school_url", "missing-page.html", None, (DESKTOP, PHONE)),
    "not-found-in-a-folder": ("site_url", f"{SCHOOL}/{POLICY}/missing-page.html", None, (DESKTOP, PHONE)),
    "search-results": ("site_url", f"{SCHOOL}/index.html", _search, (DESKTOP, PHONE)),
    "phone-menu-open": ("site_url", f"{SCHOOL}/{POLICY}/index.html", _open_menu, (PHONE,)),
}


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_accessibility_violations(request, tab, kind):
    """axe-core, WCAG 2.2 A and AA and best practices, on each page type at desktop width and then at phone width."""
    server, path, action, viewports = PAGE_TYPES[kind]
    base = request.getfixturevalue(server)
    page = tab.open(viewport=viewports[0])
    url = path(page, base) if callable(path) else base + path
    response = page.goto(url)
    assert response.status == (404 if kind.startswith("not-found") else 200)
    if action:
        action(page)
    failures = []
    for viewport in viewports:
        if viewport is not viewports[0]:
            page.set_viewport_size(viewport)  # as a window is resized: Material's layout follows
            page.wait_for_timeout(300)
        report = run_axe(page, f"{kind}-{'phone' if viewport is PHONE else 'desktop'}")
        assert "color-contrast" in report["rules_passed"] + report["rules_incomplete"]
        if report["violations"]:
            failures.append(describe_violations(report))
    assert not failures, "\n".join(failures)


# --- keyboard and landmarks -----------------------------------------------------------------------

# What has the focus after a key press, once any transition it started (the skip link sliding in, the
# drawer, the search box widening) has run: where it is, and whether a person can see it there.
FOCUSED = """async () => {
    await Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity).map(a => a.finished.catch(() => {})));
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const seen = window.__tabStops = window.__tabStops || [];
    const again = seen.includes(el);
    if (!again) seen.push(el);
    const box = el.getBoundingClientRect();
    // Each box of the element (a link may wrap onto two lines) cut to the viewport, and what is on top at its centre.
    const shown = [...el.getClientRects()].map(r => [Math.max(r.left, 0), Math.max(r.top, 0),
        Math.min(r.right, innerWidth), Math.min(r.bottom, innerHeight)]).filter(([l, t, r, b]) => r > l && b > t);
    const hits = shown.map(([l, t, r, b]) => document.elementFromPoint((l + r) / 2, (t + b) / 2));
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const problems = [];
    if (!(box.width > 0 && box.height > 0)) problems.push('no size');
    else if (!shown.length) problems.push('outside the viewport');
    else if (!hits.some(hit => hit && el.contains(hit))) problems.push('covered by ' + (hits[0] ? hits[0].outerHTML.slice(0, 80) : 'nothing'));
    if (getComputedStyle(el).visibility !== 'visible') problems.push('visibility: hidden');
    if (opacity === 0) problems.push('transparent');
    return {again, problems, inDrawer: !!el.closest('.md-sidebar--primary'), inSearch: !!el.closest('.md-search'),
            what: el.outerHTML.slice(0, 100).replace(/\\s+/g, ' ')};
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_cycle(page: Page, limit: int = 400) -> list[dict]:
    """Every element that Tab reaches, from the top of the page until the focus comes round again."""
    page.evaluate("() => { window.__tabStops = []; document.activeElement && document.activeElement.blur(); }")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None and stops or stop is not None and stop["again"]:
            return stops
        if stop is not None:
            stops.append(stop)
    raise AssertionError(f"Tab never came round again in {limit} presses: {stops[-5:]}")


def tab_until(page: Page, test: str, limit: int = 40) -> int:
    """Press Tab until the focused element passes the JavaScript `test`; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement && ({test})(document.activeElement)"):
            return presses
    raise AssertionError(f"Tab did not reach {test} in {limit} presses (last: {focused(page)})")


def test_phone_menu_works_from_the_keyboard(tab, site_url):
    """A real button opens and closes the drawer; a closed drawer takes no tab stop."""
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html", viewport=PHONE)
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    tab_until(page, "e => e.getAttribute('aria-label') === 'Menu'", limit=5)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    tab_until(page, "e => e.matches('.md-sidebar--primary a[href]')")
    link = focused(page)
    assert link is not None and not link["problems"], link
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(page.locator(".md-sidebar--primary a.md-nav__link").first).not_to_be_in_viewport()
    page.keyboard.press(" ")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    stops = tab_cycle(page)
    assert len(stops) > 10
    inside = [stop["what"] for stop in stops if stop["inDrawer"]]
    assert not inside, f"{len(inside)} of {len(stops)} tab stops are in the closed drawer: {inside[:5]}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_results_are_reached_by_tab_and_escape_returns_the_focus(tab, site_url, viewport):
    page = tab.open(f"{site_url}{SCHOOL}/index.html", viewport=viewport)
    dialog = page.get_by_role("dialog", name="Search")
    box = dialog.get_by_role("textbox", name="Search")
    opened = page.locator("#__search")
    # The way in: the box in the header on a wide screen, the magnifier button on a phone.
    way_in = box if viewport is DESKTOP else page.locator("header").get_by_role("button", name="Search", exact=True)

    def open_by_keyboard() -> None:
        if viewport is DESKTOP:
            tab_until(page, "e => e.matches('input.md-search__input')", limit=5)
        else:
            tab_until(page, "e => e.matches('header button') && e.getAttribute('aria-label') === 'Search'", limit=5)
            page.keyboard.press("Enter")
        expect(box).to_be_focused()
        expect(opened).to_be_checked()

    def search_for_encryption() -> None:
        page.keyboard.type("encryption")
        expect(page.locator(".md-search-result__link[href$='#encryption']")).to_be_visible()  # the whole word's results
        expect(count).to_have_text(re.compile(r"^\d+ matching documents?$"))

    count = dialog.get_by_role("status")  # a polite live region: the count is read out as it changes
    first = page.locator(".md-search-result__link").first
    open_by_keyboard()
    search_for_encryption()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()  # straight from the box to the first result
    stop = focused(page)
    assert stop is not None and stop["inSearch"] and not stop["problems"], stop
    expect(opened).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.md-search-result__list')")
    page.keyboard.press("Escape")  # from the results back to the box, to change the words
    expect(box).to_be_focused()
    expect(opened).to_be_checked()
    page.keyboard.press("Escape")  # and from the box out of search
    expect(opened).not_to_be_checked()
    expect(way_in).to_be_focused()
    assert not focused(page)["problems"]  # type: ignore[index]

    page.goto(f"{site_url}{SCHOOL}/agreements.html")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    open_by_keyboard()
    search_for_encryption()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    href = first.get_attribute("href")
    assert href and re.search(rf"/{SCHOOL}/{POLICY}/index\.html", href), href
    page.keyboard.press("Enter")
    expect(page).to_have_url(href)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_tab_stop_is_in_sight(tab, site_url, viewport):
    """A whole Tab cycle of a policy page: each stop has a size, is in the viewport, on top, not hidden."""
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html", viewport=viewport)
    stops = tab_cycle(page)
    assert len(stops) > 20
    hidden = [f"{stop['what']}: {', '.join(stop['problems'])}" for stop in stops if stop["problems"]]
    assert not hidden, f"{len(hidden)} of {len(stops)} tab stops cannot be seen:\n" + "\n".join(hidden[:10])
    in_drawer = sum(stop["inDrawer"] for stop in stops)
    if viewport is DESKTOP:
        assert in_drawer > 5, "the sidebar navigation is out of reach at desktop width"
    else:
        assert in_drawer == 0


LANDMARK = re.compile(r'^\s*- (banner|complementary|contentinfo|form|main|navigation|region|search)(?: "(.*)")?:?$',
                      re.MULTILINE)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_one_navigation_landmark_and_each_landmark_named_once(tab, site_url, viewport):
    """What a screen reader's landmark list shows: the site's navigation once, and no two landmarks alike (and
    headings named by their words, without the permalinks' "¶")."""
    page = tab.open(f"{site_url}{SCHOOL}/{POLICY}/index.html", viewport=viewport)
    if viewport is PHONE:
        _open_menu(page)
    spoken = page.locator("body").aria_snapshot()
    headings = re.findall(r'^\s*- heading "(.*)" \[level=\d\]', spoken, re.MULTILINE)
    assert len(headings) > 10 and not [h for h in headings if "¶" in h], headings
    landmarks = LANDMARK.findall(spoken)
    navigation = [name for role, name in landmarks if role == "navigation"]
    assert navigation.count("Navigation") == 1, landmarks
    assert set(navigation) <= {"Navigation", "Table of contents"}, landmarks  # the page's contents may be a second
    assert len(landmarks) == len(set(landmarks)), f"landmarks alike: {landmarks}"
