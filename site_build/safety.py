"""Rules that keep clause Markdown safe and well-formed before it reaches HTML."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import PolicyError

RAW_HTML = re.compile(r"<[A-Za-z!/?]")
HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S*?)>?(\s|$)", re.MULTILINE)
AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")


def check_source(text: str, file: Path | str, first_line: int) -> None:
    """Refuse raw HTML and Markdown headings in clause text (the engine writes the headings)."""
    for offset, line in enumerate(text.split("\n")):
        if RAW_HTML.search(line):
            raise PolicyError("raw HTML is not allowed in clause text", file, first_line + offset,
                              hint="use Markdown instead (e.g. **bold**, [link](https://...)); to show '<' write &lt;")
        if HEADING.match(line):
            raise PolicyError("clause text must not contain Markdown headings", file, first_line + offset,
                              hint="the engine numbers and titles each clause; use a **bold lead-in** for sub-parts")


def check_links(text: str, file: Path | str) -> None:
    """Only web, email and phone links (and in-page anchors) may appear in composed text."""
    targets = INLINE_LINK.findall(text) + [m[0] for m in REFERENCE_LINK.findall(text)] + AUTOLINK.findall(text)
    for target in targets:
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", target)
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            raise PolicyError(f"the link '{target[:60]}' uses '{scheme.group(1)}:', which is not allowed", file,
                              hint="links may start with https://, http://, mailto: or tel:")
