"""Render composed documents as print HTML and PDF (WeasyPrint), from our own templates and print CSS."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import markdown
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..model.document import Document
from ..model.release import Letterhead, Release, format_date
from ..store.cache_key import cache_name
from ..store.files import read_used, write_atomically
from .html_clean import clean_html
from .markdown import print_links

PRINT_DIR = Path(__file__).parent / "print"
MARKDOWN_EXTENSIONS = ["admonition", "site_build.render.markdown_safe", "tables", "sane_lists"]
TEMPLATES = Environment(loader=FileSystemLoader(PRINT_DIR), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


@functools.lru_cache(maxsize=8192)
def markdown_html(text: str) -> Markup:
    """Composed clause Markdown as print HTML, reduced to the site's allow-list (raw HTML was refused at compose time);
    a reference to another policy keeps its words but not its link, which leads nowhere on paper."""
    return Markup(clean_html(_converter().reset().convert(print_links(text))))


@functools.lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter reused for every clause (making one costs a third of converting a clause); builds are one thread."""
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)


def version_line(release: Release | None, document: Document, draft_date: dt.date | None = None) -> str:
    """The line under the title (and at the foot of every page): which version, or which draft, this is."""
    if release is None:
        return f"Draft: not approved ({format_date(draft_date) + ', ' if draft_date else ''}fingerprint {document.fingerprint})"
    return f"Version {release.label}, approved by {release.approved_by} {release.on_date}"


def policy_html(document: Document, letterhead: Letterhead, release: Release | None, draft_date: dt.date | None = None) -> str:
    """The print HTML of one policy: cover, contents with page numbers, numbered clauses.

    A release prints only what it froze (its letterhead); a draft prints the school's letterhead today."""
    details = []
    if letterhead.written_by:
        details.append(("Written by", letterhead.written_by))
    if release is not None:
        details += [("Approved by", release.approved_by), ("Approved", release.when_approved)]
        if release.meeting:
            details.append(("Meeting", release.meeting.words))
        details += [("In force from", format_date(release.in_force_from)), ("Change", release.note),
                    ("Next review", format_date(release.next_review)), ("Text fingerprint", document.fingerprint)]
    title = (f"Draft (not approved): {document.title}: {letterhead.name}" if release is None
             else f"{document.title}, version {release.label}: {letterhead.name}")
    return TEMPLATES.get_template("policy.html").render(
        title=title, document=document, letterhead=letterhead, draft=release is None,
        version_line=version_line(release, document, draft_date), details=details,
        clauses=[(clause, markdown_html(clause.text)) for clause in document.clauses])


class PdfCache:
    """PDFs, page counts and bookmarks named by a keyed hash of what makes them (print HTML, or a PDF's own digest),
    so unchanged documents are not laid out, joined or read again, and no file put in the folder can pose as one."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def get(self, kind: str, key: str, make) -> bytes:
        if self.folder is None:
            return make()
        path = self.folder / f"{cache_name(key)}.{kind}"
        if path.is_file():
            return read_used(path)
        data = make()
        write_atomically(path, data)
        return data


NO_CACHE = PdfCache(None)


def html_to_pdf(html: str, cache: PdfCache = NO_CACHE) -> bytes:
    """Lay out print HTML with our print stylesheet; no network access, fonts from the system.

    Every PDF is tagged (PDF/UA-1): a structure tree of headings, lists and tables in reading order, running heads
    and footers as artifacts, the language and the title shown in the viewer's title bar."""
    return cache.get("pdf", html, lambda: _html(html).write_pdf(stylesheets=[_stylesheet()], pdf_variant="pdf/ua-1"))


def page_count(html: str, cache: PdfCache = NO_CACHE) -> int:
    return int(cache.get("pages", html, lambda: str(len(_html(html).render(stylesheets=[_stylesheet()]).pages)).encode()))


def load_layout_engine() -> None:
    """Import WeasyPrint and read the print stylesheet now, so that this process's first layout starts at once."""
    _stylesheet()
    _fetcher()


def _html(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=str(PRINT_DIR), url_fetcher=_fetcher())


@functools.lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(PRINT_DIR / "print.css"))


@functools.lru_cache(maxsize=1)
def _fetcher():
    """Print HTML never loads anything: an image or link in clause text must not become a request or a file read.

    WeasyPrint then prints an image's alt text instead, and the build goes on.
    """
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            raise ValueError(f"policy-site loads no resources into a PDF: {url[:80]}")

    return NoFetching()
