#!/usr/bin/env python3
"""Compare PDF engines for policy PDFs on the same documents (issue 17) and print one table of figures.

    PYTHONPATH=. .venv/bin/python bench/pdf_engines.py [--runs 3] [--arms weasyprint,typst,...] [--keep DIR]

The documents are every school's current released policy in the example project (`schools/`), as the site's
downloads print them. Each arm lays out all of them, one after another in one process:

  * weasyprint: exactly the product's path, `html_to_pdf(policy_html(document, letterhead, release))`, no cache;
  * weasyprint-uncompressed / weasyprint-full-fonts: the same with one of WeasyPrint's own options
    (`uncompressed_pdf=True`; `full_fonts=True`, no font subsetting);
  * weasyprint-tuned: the product's HTML and stylesheet plus one rule, the contents' dotted underline drawn as a
    solid light hairline: WeasyPrint draws a dotted border as one filled circle per dot (about 500 a contents
    line), which is most of a policy's PDF bytes and a large share of its time;
  * typst: the same document as Typst markup (cover, contents, clause headings at their levels, paragraphs,
    lists, bold/italic, links, tables; running head and "Page X of Y" foot; A4, DejaVu, en-GB), compiled by the
    `typst` Python package with `typst.compile(..., pdf_standards=["ua-1"])` per document, system fonts included;
  * typst-tuned: one `typst.Compiler` reused for every document, given only the DejaVu fonts;
  * chromium: the product's print HTML with print.css inlined, printed by Debian's Chromium through Playwright
    (`page.pdf(tagged=True, outline=True)`); Chromium has no `string-set` or `target-counter`, so its running
    heads and contents page numbers are missing. Left out if Chromium or Playwright is not installed.

Each run of an arm is a fresh worker process (`--worker`): it loads the project (untimed), warms up on a small
synthetic policy (imports, fonts, stylesheet; not the measured text, so Typst's memoisation is not primed), then
lays out every document once. Reported: the median over --runs of the total wall seconds, its CPU seconds
(all threads of the worker; Chromium's own processes are not counted), seconds per page, pages and bytes.
For the Typst arms the worker also lays out every document a second time in the same process ("re-run"), which
shows what Typst's memoisation gives an edit-and-rebuild loop; WeasyPrint keeps nothing between documents.

Then the first run's PDFs are checked: /StructTreeRoot, /MarkInfo /Marked true, /Lang, /ViewerPreferences
/DisplayDocTitle, the PDF/UA identifier (pdfuaid:part) in the XMP metadata, bookmarks, link annotations with a
/StructParent, the structure types used, and whether `pdftotext` (poppler) gives every clause heading in order.
veraPDF is used only if it is on the PATH. This script is not part of the product or the test suite: it needs
the bench-only `typst` package (`make bench-deps` installs it) and writes only to a temporary folder (or --keep).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_build.commands.school_policy import policy_states  # noqa: E402
from site_build.load.project import load_project  # noqa: E402
from site_build.model.document import Clause, Document  # noqa: E402
from site_build.model.release import Letterhead, Release, format_date  # noqa: E402
from site_build.render import pdf as product  # noqa: E402

AS_AT = dt.date(2026, 11, 23)  # the date bench.py builds at, so every run takes the same releases
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
TIMESTAMP = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)  # Typst's creation date, so its output is reproducible
# The contents' underline as one solid hairline rather than a dotted border (weasyprint-tuned)
SOLID_CONTENTS_RULE = "nav.contents li { border-bottom: 0.5pt solid #bbb; }"
ARMS = ("weasyprint", "weasyprint-uncompressed", "weasyprint-full-fonts", "weasyprint-tuned", "typst", "typst-tuned", "chromium")


@dataclasses.dataclass(frozen=True)
class Job:
    """One policy PDF to lay out: a school's current release of one policy."""

    name: str  # "<school>/<policy>"
    document: Document
    letterhead: Letterhead
    release: Release


def released_policies(root: Path = ROOT) -> list[Job]:
    """Every school's current released policies, in a stable order."""
    states = policy_states(load_project(root), AS_AT)
    return [Job(f"{slug}/{state.policy_id}", state.current.document, state.current.printed_letterhead, state.current)
            for slug in sorted(states) for state in sorted(states[slug], key=lambda s: s.policy_id) if state.current]


def warm_up_job(job: Job) -> Job:
    """A small policy with made-up text and the same features (lists, bold, a link), to load fonts and code
    without laying out any of the measured text."""
    text = ("Warm-up paragraph with **bold**, *italic* and a [link](#warm-2).\n\n- first item\n- second item\n\n"
            "1. one\n2. two\n")
    clauses = tuple(Clause(f"warm-{i}", str(i), f"Warm-up {i}", text, 1) for i in range(1, 4))
    return dataclasses.replace(job, document=dataclasses.replace(job.document, title="Warm-up", clauses=clauses))


# ---------------------------------------------------------------------------------------------------------------
# WeasyPrint arms


def weasyprint_product(job: Job) -> bytes:
    """The product's own path, with no cache."""
    return product.html_to_pdf(product.policy_html(job.document, job.letterhead, job.release))


def weasyprint_with(extra_css: str | None = None, **options: object) -> Callable[[Job], bytes]:
    """The product's HTML, stylesheet and PDF/UA-1 variant, plus WeasyPrint options or one more stylesheet."""
    from weasyprint import CSS

    stylesheets = [product._stylesheet()] + ([CSS(string=extra_css)] if extra_css else [])

    def lay_out(job: Job) -> bytes:
        html = product.policy_html(job.document, job.letterhead, job.release)
        return product._html(html).write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1", **options)

    return lay_out


# ---------------------------------------------------------------------------------------------------------------
# Typst arms: the document as Typst markup

# print.css in Typst terms. CSS puts lines 1.45em apart, the leading split above and below each line; here a line
# reaches from the font's ascender to its descender (1em for DejaVu), so lines are 0.45em apart, and a margin
# between blocks gains the two half-leadings (0.225em each) that CSS puts outside the text.
TYPST_PREAMBLE = r"""
#let sans = "DejaVu Sans"
#set document(title: doc-title)
#set text(font: "DejaVu Serif", size: 10.5pt, lang: "en", region: "gb", fill: rgb("#111111"),
          top-edge: "ascender", bottom-edge: "descender")
#set smartquote(enabled: false)
#set par(leading: 0.45em, spacing: 1.45em)
#set block(spacing: 1.45em)
#set page(paper: "a4", margin: (top: 22mm, bottom: 22mm, x: 18mm),
  header: context if here().page() > 1 {
    set text(font: sans, size: 8.5pt, fill: rgb("#333333"))
    school; h(1fr); policy-title
  },
  footer: context {
    set text(font: sans, size: 8.5pt, fill: rgb("#333333"))
    version; h(1fr); [Page #counter(page).display() of #counter(page).final().first()]
  })
#set list(indent: 1.8em, body-indent: 0.8em)
#set enum(indent: 1.5em, body-indent: 0.6em)
#set table(stroke: 0.75pt + luma(153), inset: (x: 2mm, y: 2.3mm), align: left + top)
#show link: set text(fill: rgb("#111111"))
#show heading: set text(font: sans, weight: "bold", size: 10.5pt)
#show heading: set block(above: 5.7mm, below: 5.4mm)
#show heading.where(level: 1): set text(size: 13.5pt, fill: rgb("#1a237e"))
#show heading.where(level: 1): set block(above: 8.9mm, below: 5.6mm)
#show heading.where(level: 2): set text(size: 11.5pt)
#show heading.where(level: 2): set block(above: 6.8mm, below: 5.5mm)
#show title: set text(font: sans, weight: "bold", size: 20pt)
#show title: set block(above: 6mm, below: 4.5mm)
#set outline.entry(fill: box(width: 1fr, line(length: 100%, stroke: (paint: luma(119), thickness: 0.5pt, dash: "dotted"))))
#show outline.entry: set block(spacing: 3.3mm)
#show outline.entry.where(level: 2): set text(size: 9.5pt)
"""

TYPST_MARKUP_SPECIAL = re.compile(r"([\\#$*_@<>`\[\]=\-+/~.])")  # `.` too, so `#f[x].y` and `...` stay text


def typst_text(text: str) -> str:
    """Plain text as Typst markup: whitespace collapsed, every character with a markup meaning escaped."""
    return TYPST_MARKUP_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def typst_string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typst_source(job: Job) -> str:
    """The policy as one Typst file: cover, contents (levels 1-2, with page numbers), the clauses."""
    document, letterhead, release = job.document, job.letterhead, job.release
    labels = {clause.id for clause in document.clauses}
    title = f"{document.title}, version {release.label}: {letterhead.name}"
    parts = [f"#let doc-title = {typst_string(title)}",
             f"#let school = [{typst_text(letterhead.name)}]",
             f"#let policy-title = [{typst_text(document.title)}]",
             f"#let version = [{typst_text(product.version_line(release, document))}]",
             TYPST_PREAMBLE, typst_cover(document, letterhead, release),
             "#outline(title: [Contents], depth: 2, indent: 8mm)\n#pagebreak()\n"]
    for clause in document.clauses:
        if clause.is_appendix and clause.level == 1:
            parts.append("#pagebreak(weak: true)")
        parts.append(f"#heading(level: {min(clause.level, 6)})[{typst_text(clause.heading)}] <{clause.id}>\n")
        parts.append(html_to_typst(str(product.markdown_html(clause.text)), labels))
    return "\n".join(parts)


def typst_cover(document: Document, letterhead: Letterhead, release: Release) -> str:
    """School name and address over a rule, the title, the version line and the release's details table."""
    address = ", ".join(letterhead.address) + (f" · {letterhead.telephone}" if letterhead.address and letterhead.telephone else "")
    lines = [f'#text(font: sans, weight: "bold", size: 13pt, fill: rgb("#283593"))[{typst_text(letterhead.name)}]']
    if address:
        lines.append(rf'#linebreak()#text(font: sans, size: 9pt, fill: rgb("#333333"))[{typst_text(address)}]')
    details = [("Written by", letterhead.written_by)] if letterhead.written_by else []
    details += [("Approved by", release.approved_by), ("Approved", release.when_approved)]
    if release.meeting:
        details.append(("Meeting", release.meeting.words))
    details += [("In force from", format_date(release.in_force_from)), ("Change", release.note),
                ("Next review", format_date(release.next_review)), ("Text fingerprint", document.fingerprint)]
    cells = ", ".join(f"[#strong[{typst_text(label)}]], [{typst_text(str(value))}]" for label, value in details)
    return (f'#block(width: 100%, stroke: (bottom: 1.5pt + rgb("#283593")), inset: (bottom: 4mm), below: 8mm)[{"".join(lines)}]\n'
            f"#title[{typst_text(document.title)}]\n"
            f"#text(font: sans, size: 10pt)[{typst_text(product.version_line(release, document))}]\n\n"
            f"#table(columns: (auto, 1fr), {cells})\n")


def html_to_typst(html: str, labels: set[str]) -> str:
    """Clause HTML (the print allow-list: p, lists, strong/em, links, tables, ...) as Typst markup."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return _blocks(root, labels).strip() + "\n"


def _blocks(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    """The children of an element that holds blocks; runs of inline content become paragraphs."""
    out: list[str] = []
    inline: list[str] = [_escape_tail(element.text)]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction: only its tail is text
            inline.append(_escape_tail(child.tail))
        elif child.tag in BLOCK_TAGS:
            out.append("".join(inline).strip())
            out.append(BLOCK_TAGS[child.tag](child, labels))
            inline = [_escape_tail(child.tail)]
        else:
            inline.append(_inline(child, labels) + _escape_tail(child.tail))
    out.append("".join(inline).strip())
    return "\n\n".join(part for part in out if part)


def _escape_tail(text: str | None) -> str:
    return typst_text(text) if text else ""


def _inline(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    """Inline content: text, strong, em, links, code, line breaks (anything else keeps its text)."""
    if not isinstance(element.tag, str):
        return ""
    body = _escape_tail(element.text) + "".join(_inline(child, labels) + _escape_tail(child.tail) for child in element)
    tag = element.tag
    if tag in ("strong", "b"):
        return f"#strong[{body}]"
    if tag in ("em", "i"):
        return f"#emph[{body}]"
    if tag == "code":
        return f"#raw({typst_string(element.text_content())})"
    if tag == "br":
        return "#linebreak()"
    if tag == "a":
        href = element.get("href", "")
        if href.startswith("#") and href[1:] in labels:
            return f"#link(<{href[1:]}>)[{body}]"
        if re.match(r"(https?|mailto):", href):
            return f"#link({typst_string(href)})[{body}]"
    return body


def _paragraph(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    return _blocks(element, labels)


def _list(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    """ul/ol as #list(...)/#enum(...): loose (items holding paragraphs) or tight, as Markdown made them."""
    items = [child for child in element if child.tag == "li"]
    tight = "false" if any(item.find("p") is not None for item in items) else "true"
    bodies = ", ".join(f"[{_blocks(item, labels)}]" for item in items)
    if element.tag == "ol":
        return f"#enum(tight: {tight}, start: {int(element.get('start', '1'))}, {bodies})"
    return f"#list(tight: {tight}, {bodies})"


def _table(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    """A Markdown table: its th row as the table header (tagged TH), then its rows."""
    rows = element.findall(".//tr")
    width = max((len(row) for row in rows), default=1)
    header = [row for row in rows if row.find("th") is not None and row.getparent().tag == "thead"]
    def cells(row: lxml.html.HtmlElement) -> str:
        return ", ".join(f"[{_blocks(cell, labels)}]" for cell in row if cell.tag in ("th", "td"))

    head = f"table.header({cells(header[0])}), " if header else ""
    body = ", ".join(cells(row) for row in rows if row not in header)
    return f"#table(columns: {width}, {head}{body})"


def _quote(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    return f"#quote(block: true)[{_blocks(element, labels)}]"


def _division(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    """An admonition or other box: its content in a tinted block with a left rule."""
    return f'#block(stroke: (left: 2pt + rgb("#283593")), fill: rgb("#f3f4fb"), inset: (x: 4mm, y: 1mm), width: 100%)[{_blocks(element, labels)}]'


def _inner_heading(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    return f"#strong[{_blocks(element, labels)}]"


def _rule(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    return "#line(length: 100%)"


def _preformatted(element: lxml.html.HtmlElement, labels: set[str]) -> str:
    return f"#raw(block: true, {typst_string(element.text_content())})"


BLOCK_TAGS: dict[str, Callable[[lxml.html.HtmlElement, set[str]], str]] = {
    "p": _paragraph, "ul": _list, "ol": _list, "table": _table, "blockquote": _quote, "div": _division,
    "h1": _inner_heading, "h2": _inner_heading, "h3": _inner_heading, "h4": _inner_heading, "h5": _inner_heading,
    "h6": _inner_heading, "hr": _rule, "pre": _preformatted,
}


def typst_per_call(job: Job) -> bytes:
    """`typst.compile` for each document, as a one-off script would call it (a new font book every time)."""
    import typst

    return typst.compile(typst_source(job).encode(), format="pdf", pdf_standards=["ua-1"], font_paths=[str(DEJAVU)],
                         timestamp=TIMESTAMP)


def typst_reused() -> Callable[[Job], bytes]:
    """One `typst.Compiler` for every document, with only the DejaVu fonts."""
    import typst

    compiler = typst.Compiler(font_paths=[str(DEJAVU)], ignore_system_fonts=True)
    return lambda job: compiler.compile(input=typst_source(job).encode(), format="pdf", pdf_standards=["ua-1"],
                                        timestamp=TIMESTAMP)


# ---------------------------------------------------------------------------------------------------------------
# Chromium arm


@contextmanager
def chromium_printer() -> Iterator[Callable[[Job], bytes]]:
    """Debian's Chromium through Playwright: the product's print HTML with print.css inlined, no network."""
    from playwright.sync_api import sync_playwright

    css = (product.PRINT_DIR / "print.css").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort())

        def lay_out(job: Job) -> bytes:
            html = product.policy_html(job.document, job.letterhead, job.release)
            page.set_content(html.replace("</head>", f"<style>{css}</style></head>", 1))
            return page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True)

        try:
            yield lay_out
        finally:
            browser.close()


def chromium_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.is_file()


@contextmanager
def engine(arm: str) -> Iterator[Callable[[Job], bytes]]:
    """The layout function of an arm (made once per worker process, as a build would)."""
    if arm == "chromium":
        with chromium_printer() as lay_out:
            yield lay_out
        return
    yield {
        "weasyprint": lambda: weasyprint_product,
        "weasyprint-uncompressed": lambda: weasyprint_with(uncompressed_pdf=True),
        "weasyprint-full-fonts": lambda: weasyprint_with(full_fonts=True),
        "weasyprint-tuned": lambda: weasyprint_with(SOLID_CONTENTS_RULE),
        "typst": lambda: typst_per_call,
        "typst-tuned": typst_reused,
    }[arm]()


# ---------------------------------------------------------------------------------------------------------------
# One run of one arm, in its own process


def worker(arm: str, out: Path) -> None:
    """Warm up on a synthetic policy, then lay out every document once (timed); Typst arms a second time too."""
    jobs = released_policies()
    out.mkdir(parents=True, exist_ok=True)
    with engine(arm) as lay_out:
        lay_out(warm_up_job(jobs[0]))
        wall, cpu = time.perf_counter(), time.process_time()
        pdfs = [lay_out(job) for job in jobs]
        result = {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
        if arm.startswith("typst"):
            start = time.perf_counter()
            for job in jobs:
                lay_out(job)
            result["rerun"] = time.perf_counter() - start
    for job, pdf in zip(jobs, pdfs, strict=True):
        (out / (job.name.replace("/", "--") + ".pdf")).write_bytes(pdf)
    (out / "timing.json").write_text(json.dumps(result))


def run_arm(arm: str, runs: int, folder: Path) -> dict:
    """`runs` fresh worker processes; the median of their figures, and the first run's PDFs."""
    timings = []
    for run in range(runs):
        out = folder / arm / f"run{run}"
        subprocess.run([sys.executable, __file__, "--worker", arm, "--out", str(out)], check=True)
        timings.append(json.loads((out / "timing.json").read_text()))
        if run:
            shutil.rmtree(out)
    return {key: statistics.median(t[key] for t in timings) for key in timings[0]} | {"pdfs": folder / arm / "run0"}


# ---------------------------------------------------------------------------------------------------------------
# What the PDFs hold


@dataclasses.dataclass
class Checks:
    """Accessibility and text figures of one PDF."""

    pages: int
    size: int
    struct_tree: bool
    marked: bool
    lang: str
    display_title: bool
    title: str
    ua_part: str
    bookmarks: int
    links: int
    links_tagged: int  # with a /StructParent: in the structure tree
    links_described: int  # with /Contents, which PDF/UA-1 (7.18.5) asks of a link
    tags: collections.Counter
    headings_in_order: int
    headings: int
    words: collections.Counter  # the words pdftotext reads, to compare engines' text


def check_pdf(path: Path, document: Document) -> Checks:
    import pikepdf

    text = _normal(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        meta = pdf.open_metadata()
        ua_part = str(meta.get("{http://www.aiim.org/pdfua/ns/id/}part", "") or "")
        title = str(meta.get("dc:title", "") or pdf.docinfo.get("/Title", ""))
        mark_info = root.get("/MarkInfo")
        links = [annot for page in pdf.pages for annot in page.get("/Annots", []) if annot.get("/Subtype") == "/Link"]
        viewer = root.get("/ViewerPreferences")
        return Checks(
            pages=len(pdf.pages), size=path.stat().st_size,
            struct_tree="/StructTreeRoot" in root,
            marked=bool(mark_info is not None and mark_info.get("/Marked", False)),
            lang=str(root.get("/Lang", "")),
            display_title=bool(viewer is not None and viewer.get("/DisplayDocTitle", False)),
            title=title, ua_part=ua_part, bookmarks=_bookmarks(pdf),
            links=len(links), links_tagged=sum("/StructParent" in annot for annot in links),
            links_described=sum(bool(str(annot.get("/Contents", "")).strip()) for annot in links),
            tags=_structure_types(root.get("/StructTreeRoot")),
            headings_in_order=_headings_in_order(text, document), headings=len(document.clauses),
            words=collections.Counter(re.findall(r"\w+", text.lower())))


def _bookmarks(pdf) -> int:
    with pdf.open_outline() as outline:
        count, stack = 0, list(outline.root)
        while stack:
            item = stack.pop()
            count += 1
            stack.extend(item.children)
        return count


def _structure_types(tree) -> collections.Counter:
    """How many structure elements of each type (/S as written, before any /RoleMap) the structure tree holds."""
    import pikepdf

    counts: collections.Counter = collections.Counter()
    if tree is None:
        return counts
    stack, seen = [tree.get("/K")], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            kind = str(node.S)
            counts[kind[1:]] += 1
            stack.append(node.get("/K"))
    return counts


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u2060", "")).strip()


def _headings_in_order(text: str, document: Document) -> int:
    """How many clause headings the extracted text has in the body in order (after the contents, which lists the
    top levels first: the body starts at the last place the first heading appears before its successor)."""
    headings = [_normal(clause.heading) for clause in document.clauses]
    first = text.find(headings[0])
    following = text.find(headings[1], first) if len(headings) > 1 else -1
    cursor = text.rfind(headings[0], 0, following) if following > 0 else first
    found = 0
    for heading in headings:
        at = text.find(heading, cursor)
        if at < 0:
            continue
        found += 1
        cursor = at + len(heading)
    return found


# ---------------------------------------------------------------------------------------------------------------
# The report


def report(results: dict[str, dict], jobs: list[Job]) -> None:
    if not shutil.which("pdftotext"):
        sys.exit("pdftotext (Debian's poppler-utils) is needed to check the PDFs' text")
    checks = {arm: [check_pdf(result["pdfs"] / (job.name.replace("/", "--") + ".pdf"), job.document) for job in jobs]
              for arm, result in results.items()}
    print(f"\n{len(jobs)} documents (every school's current released policy, as at {AS_AT}); one worker process per "
          "run, documents one after another; median of the runs.\n")
    speed_table(results, checks)
    print("\nAccessibility and text ('all', 'none' or how many of an arm's documents; counts summed over them):\n")
    accessibility_table(checks)
    print("\nStructure types (/S as written, whole set):")
    for arm, items in checks.items():
        total = sum((c.tags for c in items), collections.Counter())
        print(f"  {arm}: " + ", ".join(f"{kind} {n}" for kind, n in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))))
    print("\nPages per document:\n")
    table(("document", *checks), [(job.name, *(str(checks[arm][i].pages) for arm in checks)) for i, job in enumerate(jobs)])
    print("\nveraPDF: " + ("on the PATH, not run by this script" if shutil.which("verapdf") else
                           "not installed: no PDF/UA validation beyond the checks above"))


def speed_table(results: dict[str, dict], checks: dict[str, list[Checks]]) -> None:
    """Seconds, pages, bytes; pages and words against the product's WeasyPrint output, where it was run."""
    base = checks.get("weasyprint")
    rows = []
    for arm, result in results.items():
        items = checks[arm]
        pages = sum(c.pages for c in items)
        ratio = words = ""
        if base:
            ratio = f"{statistics.mean(c.pages / b.pages for c, b in zip(items, base, strict=True)):.2f}"
            shared = sum(sum((c.words & b.words).values()) for c, b in zip(items, base, strict=True))
            words = f"{shared / sum(sum(b.words.values()) for b in base):.1%}"
        rows.append((arm, f"{result['seconds']:.2f}", "n/a" if arm == "chromium" else f"{result['cpu']:.2f}",
                     f"{result['rerun']:.2f}" if "rerun" in result else "-", str(pages),
                     f"{1000 * result['seconds'] / pages:.1f}", f"{sum(c.size for c in items) / 1e6:.2f}", ratio, words))
    table(("arm", "s total", "CPU s", "re-run s", "pages", "ms/page", "MB", "pages/WP", "WP words found"), rows)


def accessibility_table(checks: dict[str, list[Checks]]) -> None:
    rows = []
    for arm, items in checks.items():
        rows.append((arm, _share(items, lambda c: c.struct_tree), _share(items, lambda c: c.marked),
                     ",".join(sorted({c.lang for c in items})) or "none",
                     _share(items, lambda c: c.display_title and bool(c.title)),
                     ",".join(sorted({c.ua_part for c in items if c.ua_part})) or "none",
                     str(sum(c.bookmarks for c in items)),
                     f"{sum(c.links_tagged for c in items)}/{sum(c.links for c in items)}",
                     f"{sum(c.links_described for c in items)}/{sum(c.links for c in items)}",
                     f"{sum(c.headings_in_order for c in items)}/{sum(c.headings for c in items)}"))
    table(("arm", "StructTree", "Marked", "Lang", "title shown", "pdfuaid:part", "bookmarks", "links tagged",
           "links /Contents", "headings in order"), rows)


def _share(items: list[Checks], test: Callable[[Checks], bool]) -> str:
    n = sum(bool(test(c)) for c in items)
    return "all" if n == len(items) else "none" if n == 0 else f"{n}/{len(items)}"


def table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="worker runs per arm (median reported)")
    parser.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated, of: {', '.join(ARMS)}")
    parser.add_argument("--keep", type=Path, help="write the PDFs here (default: a temporary folder)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.out)
        return
    arms = [arm for arm in args.arms.split(",") if arm]
    if unknown := set(arms) - set(ARMS):
        parser.error(f"unknown arms: {', '.join(sorted(unknown))}")
    if "chromium" in arms and not chromium_available():
        print("chromium arm left out: /usr/bin/chromium or the playwright package is missing")
        arms.remove("chromium")
    jobs = released_policies()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pdf-engines-") as temp:
        folder = args.keep or Path(temp)
        results = {}
        for arm in arms:
            print(f"{arm}: {args.runs} runs of {len(jobs)} documents ...", flush=True)
            results[arm] = run_arm(arm, args.runs, folder)
        report(results, jobs)
    print(f"load average (1 min) at start {load:.2f}, at end {os.getloadavg()[0]:.2f}: the seconds compare only between "
          "runs on an otherwise idle machine")


if __name__ == "__main__":
    main()
