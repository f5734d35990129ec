"""Rules that keep clause Markdown safe and well-formed before it reaches HTML.

Clause text is Markdown written by people; values from YAML are data. So values are escaped to
literal Markdown before they are composed, and the text is checked both as written (source) and as
composed (after the template ran), so a template cannot assemble what the source may not contain.
"""

from __future__ import annotations

import html
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import InputError

RAW_HTML = re.compile(r"<[A-Za-z!/?]")
HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
UNDERLINE = re.compile(r"^[=-]+[ \t]*$")  # under a line of text, Markdown makes that line a heading
NOTICE = re.compile(r"^\s*(!!!|\?\?\?)")  # admonitions: the engine's own "Draft" and "Superseded" boxes
ATTRIBUTE_LIST = re.compile(r"(?<!\\)\{:?[ \t]*(?:[#.][\w-]|[\w-]+[ \t]*=)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
INLINE_LINK = re.compile(r"(?<!\\)\]\(\s*<?([^)\s>]*)")
IMAGE = re.compile(r"(?<!\\)!\[[^\]]*\]\(\s*<?([^)\s>]*)")
REFERENCE_LINK = re.compile(r"(?<!\\)\[[^\]]+(?<!\\)\]:\s*<?(\S*?)>?(\s|$)")  # anywhere: inside a quote or list item too
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SPECIAL = re.compile(r"([\\`*_{}\[\]|#])")
_LINE_START = re.compile(r"^(\s*)([-+!]|\d+(?=[.)]))")


def literal_markdown(value: str) -> str:
    """A value from YAML as Markdown that shows exactly its text: no markup, link, HTML or attribute."""
    text = CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("=", "&#61;")
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(0) + "\\" if m.group(2)[0].isdigit() else m.group(1) + "\\" + m.group(2), text)


def theme_text(value: str) -> str:
    """A value for MkDocs' theme templates, which print some unescaped: HTML-escaped, and '=' as an entity so
    no text can even look like an attribute (`onclick=`) inside the tags the theme puts it in."""
    return html.escape(CONTROL.sub("", value)).replace("=", "&#61;")


def plain_data(value: Any) -> Any:
    """YAML-loaded data as templates may see it: dicts, lists, numbers and literal-Markdown strings."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return literal_markdown(value)
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise TypeError(f"templates get plain data only, not {type(value).__name__}")


def check_source(text: str, file: Path | str, first_line: int | None) -> None:
    """Refuse raw HTML, headings, attribute lists and control characters in clause text as written."""
    previous = ""
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset if first_line else None
        _check_line(line, file, number)
        if previous.strip() and UNDERLINE.match(line):
            raise InputError("a line of '=' or '-' under text makes a heading, which clause text must not contain", file, number,
                              hint="the engine numbers and titles each clause; leave a blank line before a '---' rule")
        previous = line


def check_composed(text: str, file: Path | str, line: int | None) -> None:
    """The same rules, and safe links only, for text after its template ran (the line is the clause's)."""
    lines = text.split("\n")
    for previous, part in pairwise(["", *lines]):
        _check_line(part, file, line, composed=True)
        if previous.strip() and UNDERLINE.match(part):
            raise InputError("the template makes a line of '=' or '-' under text, which would be a heading", file, line)
    check_links(text, file, line)


LINE_RULES = (  # (finds it, what is wrong, what to do), for each line of clause text
    (RAW_HTML.search, "raw HTML is not allowed in clause text",
     "use Markdown instead (e.g. **bold**, [link](https://...)); to show '<' write &lt;"),
    (HEADING.match, "clause text must not contain Markdown headings",
     "the engine numbers and titles each clause; use a **bold lead-in** for sub-parts"),
    (NOTICE.match, "notice boxes (!!! or ???) are not allowed in clause text",
     "the site's notices (draft, superseded) are the engine's; use a **bold lead-in** instead"),
    (ATTRIBUTE_LIST.search, "attribute lists such as {: ... } are not allowed in clause text",
     "the site's look comes from the theme; to show a brace write \\{"),
    (CONTROL.search, "clause text contains an invisible control character",
     "retype the line; control characters can hide a link's real target"),
)


def _check_line(line: str, file: Path | str, number: int | None, composed: bool = False) -> None:
    for finds, message, hint in LINE_RULES:
        if finds(line):
            raise InputError(message + (" (made by the template)" if composed else ""), file, number, hint=hint)


def image_targets(text: str) -> list[str]:
    """The targets of the images in composed Markdown."""
    return IMAGE.findall(text)


def check_links(text: str, file: Path | str, line: int | None = None) -> None:
    """Only web, email and phone links (and in-page or relative ones) may appear in composed text."""
    for image in IMAGE.findall(text):
        if SCHEME.match(image) or image.startswith("//"):
            raise InputError(f"the image '{image[:60]}' is on another site; pages and PDFs never load remote files", file, line,
                              hint="put the image in the school's overrides/<school>/theme/ folder and refer to it by name")
    targets = INLINE_LINK.findall(text) + [m[0] for m in REFERENCE_LINK.findall(text)]
    for target in targets:
        decoded = html.unescape(target.replace("\\", "")).strip("\x00\x20\t")
        scheme = SCHEME.match(decoded)
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            raise InputError(f"the link '{target[:60]}' uses '{scheme.group(1)}:', which is not allowed", file, line,
                              hint="links may start with https://, http://, mailto: or tel:")
