"""The last line of defence for the built site: whatever compose lets through, no page runs a script.

`SafetyPlugin` (MkDocs plugin "policy-site-safety") cleans every page's article HTML with
`clean_html`, then gives each built page a Content-Security-Policy allowing only the theme's scripts (and its
language, title and heading links, for assistive technology).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from html import escape
from html.parser import HTMLParser

from ..render.html_clean import clean_html
from .mkdocs_adapter import BasePlugin, event_priority

HEAD = re.compile(r"<head\b[^>]*>(\s*<meta\s+charset=[^>]*>)?", re.IGNORECASE)
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Material's offline search on file:// runs its worker in a hidden iframe (the iframe-worker shim),
# which inherits this policy: hence frame-src and worker-src 'self'.
POLICY = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; worker-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
          "form-action 'self'")


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


class _StartTag(HTMLParser):
    """The attributes of one start tag, read as a browser reads them (quotes, entities, case)."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.attributes: dict[str, str | None] = {}
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes = dict(attrs)


def _runs(attributes: str) -> bool:
    """Whether a script with these attributes runs its own text: no `src`, and a JavaScript type."""
    found = _StartTag(f"<script{attributes}>").attributes
    return "src" not in found and (found.get("type") or "").strip().lower() in SCRIPT_TYPES


def _without(html: str, first: str, last: str) -> str:
    """`html` less everything from the first `first` to the end of the last `last` (unchanged if they are not in order)."""
    start, end = html.find(first), html.rfind(last)
    return html if start < 0 or end < start else html[:start] + html[end + len(last):]


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for the inline scripts in `html`, in order, without repeats.

    The article and the navigation hold no script, so they are not read: a script there would get no hash and not run.
    What is left is the theme's own markup, in which every value from YAML is escaped, so the scripts are found by
    their tags (a full HTML parse of it took a fifth of a warm build) and only their attributes are parsed. A browser
    hashes a script's text with its newlines normalised.
    """
    outside = _without(_without(html, "<article", "</article>"), "<nav", "</nav>")
    scripts = [text.replace("\r\n", "\n").replace("\r", "\n") for attributes, text in SCRIPT.findall(outside)
               if _runs(attributes)]
    hashes = [base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() for script in scripts]
    return [f"'sha256-{digest}'" for digest in dict.fromkeys(hashes)]


def content_security_policy(html: str) -> str:
    return POLICY.format(hashes="".join(f" {source}" for source in inline_script_hashes(html)))


def add_csp(html: str) -> str:
    """`html` with a CSP meta tag first in <head> (after the charset): only its own inline scripts may run."""
    match = HEAD.search(html)
    if match is None:
        raise ValueError("the page has no <head> to put a Content-Security-Policy in")
    tag = f'\n<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    return html[:match.end()] + tag + html[match.end():]


TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
HTML_LANG = re.compile(r'<html lang="en"')
HEADERLINK = re.compile(r'<a class="headerlink" ')


def accessible(html: str, title: str | None) -> str:
    """The page in British English, titled for what it is, with heading permalinks out of the accessibility tree and
    the tab order (a heading's name is its text, not "¶"; Tab never lands on a link under the sticky header)."""
    html = HTML_LANG.sub('<html lang="en-GB"', html, count=1)
    html = HEADERLINK.sub('<a class="headerlink" aria-hidden="true" tabindex="-1" ', html)
    return TITLE.sub(lambda _: f"<title>{escape(title)}</title>", html, count=1) if title else html


@functools.lru_cache(maxsize=256)
def _finished(html: str, title: str | None) -> str:
    """A built page as published (kept: `serve` rebuilds mostly unchanged pages)."""
    return add_csp(accessible(html, title))


class SafetyPlugin(BasePlugin):
    """Cleans each page's article HTML first, and adds the CSP to each page after every other plugin."""

    @event_priority(100)
    def on_page_content(self, html: str, **kwargs) -> str:
        return clean_html(html)

    @event_priority(-100)
    def on_post_page(self, output: str, page=None, **kwargs) -> str:
        title = page.meta.get("page_title") if page is not None else None
        return _finished(output, title if isinstance(title, str) else None)

    @event_priority(-100)
    def on_post_template(self, output_content: str, template_name: str, **kwargs) -> str:
        return add_csp(accessible(output_content, None)) if template_name.endswith(".html") else output_content
