"""A school's theme folder (overrides/<slug>/theme/): images and one extra.css, nothing that can run.

Everything in the folder is published in the school's site (assets/), so a page, a script or an
SVG with a script in it would run on the site. SVG files must be plain drawings.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree

from ..errors import InputError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
EXTRA_CSS = "extra.css"
MAX_FILE_BYTES = 10_000_000
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_ATTRIBUTES = {"{http://www.w3.org/XML/1998/namespace}space", "{http://www.w3.org/XML/1998/namespace}lang"}
# Drawing elements only: no script, foreignObject, image, a, animation (set/animate can rewrite an href).
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "style", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    "marker", "filter", "feBlend", "feColorMatrix", "feComposite", "feDropShadow", "feFlood", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset",
}
DECLARATION = re.compile(rb"\A(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)", re.IGNORECASE)
URL = re.compile(r"url\(\s*[\"']?\s*([^\"')\s]*)", re.IGNORECASE)
SVG_HINT = "a logo must be a plain drawing: save it as 'Optimized SVG' or 'Plain SVG', or use a PNG"


def theme_files(folder: Path, shown: str) -> list[Path]:
    """The files to publish from a theme folder (relative paths), after refusing anything unsafe.

    `folder` must be given from the project's real path; `shown` is how the user sees it, for error messages.
    """
    real = folder.resolve()
    if real != folder.absolute():  # the folder, or overrides/<slug> above it, is a link
        raise InputError("the theme folder is a link to another folder", shown,
                          hint="make it a real folder and copy the school's images into it")
    files = []
    for base, dirs, names in os.walk(folder):
        for name in sorted(dirs + names):
            path = Path(base) / name
            relative = path.relative_to(folder)
            where = f"{shown}/{relative.as_posix()}"
            if path.is_symlink() and (path.is_dir() or not path.resolve().is_relative_to(real)):
                raise InputError("this file is a link to a place outside its folder", where,
                                  hint="copy the file in instead")
            mode = path.stat().st_mode
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise InputError("this is not an ordinary file", where, hint="remove it from the theme folder")
            _check_file(path, relative, where)
            files.append(relative)
    return sorted(files)


def _check_file(path: Path, relative: Path, where: str) -> None:
    if relative.as_posix() != EXTRA_CSS and relative.suffix.lower() not in IMAGE_SUFFIXES:
        raise InputError(f"'{relative.name}' cannot be published: a theme folder holds only images and extra.css", where,
                          hint="allowed: .png, .jpg, .jpeg, .gif, .webp, .svg images and one extra.css; "
                               "move other files out of the theme folder")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"this file is larger than {MAX_FILE_BYTES // 1_000_000} MB", where,
                          hint="use a smaller image (a logo is usually well under 1 MB)")
    if relative.suffix.lower() == ".svg":
        check_svg(path.read_bytes(), where)


def check_svg(data: bytes, where: str) -> None:
    """Refuse an SVG that is not a plain drawing (scripts, event handlers, links, outside resources)."""
    declared = DECLARATION.match(data)
    encoding = declared.group(2).decode("ascii", errors="replace") if declared else "utf-8"
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise InputError(f"this SVG declares the encoding '{encoding}'", where, hint="save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("this SVG is not UTF-8 text", where, hint=SVG_HINT) from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise InputError("this SVG has a DOCTYPE or ENTITY declaration, which is not allowed", where, hint=SVG_HINT)
    parser: ElementTree.XMLPullParser = ElementTree.XMLPullParser(events=("start", "pi"))
    try:
        parser.feed(text.encode("utf-8"))
        parser.close()
        for event, item in cast("Iterator[tuple[str, Any]]", parser.read_events()):
            if event == "pi":
                raise InputError(f"this SVG contains the processing instruction '<?{(item.text or '')[:40]}?>'", where,
                                  hint=SVG_HINT)
            _check_svg_element(item, where)
    except ElementTree.ParseError as exc:
        raise InputError(f"this SVG is not well-formed XML ({exc})", where, hint=SVG_HINT) from None


def _check_svg_element(element: ElementTree.Element, where: str) -> None:
    if not element.tag.startswith(SVG):
        raise InputError(f"this SVG contains the element <{element.tag}>, which is not part of SVG", where, hint=SVG_HINT)
    name = element.tag.removeprefix(SVG)
    if name not in SVG_ELEMENTS:
        raise InputError(f"this SVG contains <{name}>, which is not allowed", where, hint=SVG_HINT)
    if name == "style":
        _check_style(element.text or "", "<style>", where)
    for attribute, value in element.attrib.items():
        local = attribute.rsplit("}", 1)[-1]
        if attribute.startswith("{") and attribute != XLINK_HREF and attribute not in XML_ATTRIBUTES:
            raise InputError(f"this SVG's <{name}> has the attribute '{attribute}', which is not allowed", where, hint=SVG_HINT)
        if local.lower().startswith("on"):
            raise InputError(f"this SVG's <{name}> has the event handler '{local}', which is not allowed", where, hint=SVG_HINT)
        if local == "href" and not value.strip().startswith("#"):
            raise InputError(f"this SVG's <{name}> links to '{value[:60]}'; only '#...' references are allowed", where,
                              hint=SVG_HINT)
        _check_style(value, f"<{name} {local}>", where, css=local == "style")


def _check_style(text: str, place: str, where: str, css: bool = True) -> None:
    """Only url(#fragment) references and no @import (nor CSS escapes that could hide one): an SVG loads nothing."""
    if css and "\\" in text:
        raise InputError(f"this SVG's {place} uses a CSS escape (\\), which is not allowed", where, hint=SVG_HINT)
    if "@import" in text.lower():
        raise InputError(f"this SVG's {place} uses @import, which is not allowed", where, hint=SVG_HINT)
    for target in URL.findall(text):
        if not target.startswith("#"):
            raise InputError(f"this SVG's {place} loads '{target[:60]}'; only url(#...) references are allowed", where,
                              hint=SVG_HINT)
