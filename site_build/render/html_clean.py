"""HTML from Markdown reduced to an allow-list (nh3): no script, handler or foreign URL survives.

`clean_html` keeps only what Markdown, admonitions, tables, permalinks and our redlines produce. The
site's MkDocs plugin and the PDF renderer both run every page's article through it.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "section", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
# Removed with everything inside them (other tags not in TAGS are removed, their text kept).
DROPPED_WHOLE = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select", "svg", "math"}
ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"value"},  # a redline's numbered item keeps its number
    "th": {"style"},
    "td": {"style"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# No leading '_': page text must not shadow the theme's own elements ('__config', '__search').
SAFE_ID = re.compile(r"[^\W_][\w-]*")
SAFE_CLASS = re.compile(r"[\w-]+")
TABLE_ALIGN = re.compile(r"\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*", re.IGNORECASE)
TEXT = re.compile(r"(^|>)([^<]+)")
HAS_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*[/\\]{2}")


def clean_html(html: str) -> str:
    """HTML from Markdown reduced to an allow-list of tags, attributes and URLs; no script survives.

    In text, '=' and '"' stay entities, so no text (a motto of `onclick="..."`) even looks like an attribute.
    """
    cleaned = nh3.clean(html, tags=TAGS, clean_content_tags=DROPPED_WHOLE, attributes=ATTRIBUTES,
                        attribute_filter=_keep_attribute, url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)
    return TEXT.sub(lambda m: m.group(1) + m.group(2).replace("=", "&#61;").replace('"', "&quot;"), cleaned)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return value if SAFE_ID.fullmatch(value) else None
    if name == "class":
        return " ".join(token for token in value.split() if SAFE_CLASS.fullmatch(token)) or None
    if name == "style":
        match = TABLE_ALIGN.fullmatch(value)
        return f"text-align: {match.group(1).lower()};" if match else None
    if name == "src":  # images from the site itself only
        return None if HAS_SCHEME.match(value) else value
    if name in ("start", "value"):
        return value if value.isdigit() and len(value) < 6 else None
    return value
