"""Render a Document as the Markdown of one site page (headings numbered, one anchor per clause)."""

from __future__ import annotations

import re

from ..model.document import Clause, Document

_IMAGE = re.compile(r"(?<!\\)!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?\)")


def document_markdown(document: Document, images: frozenset[str] = frozenset(), assets: str = "../assets/") -> str:
    """All clauses as Markdown sections ('## 5. Staff {#staff}'), images pointing at the school's `assets` folder."""
    return "\n\n".join(site_images(clause_markdown(clause), images, assets) for clause in document.clauses) + "\n"


def site_images(text: str, images: frozenset[str], assets: str) -> str:
    """Point each image at the school's published copy; an image the school no longer has shows its alt text."""
    def point(match: re.Match) -> str:
        alt, target = match.group(1), match.group(2)
        return f"![{alt}]({assets}{target})" if target in images else alt
    return _IMAGE.sub(point, text)


def clause_markdown(clause: Clause, base_level: int = 2) -> str:
    hashes = "#" * min(base_level + clause.level - 1, 6)
    heading = f"{hashes} {_escape_heading(clause.heading)} {{#{clause.id}}}"
    return f"{heading}\n\n{clause.text}" if clause.text else heading


def _escape_heading(text: str) -> str:
    # A heading that ends in '#' characters would lose them; '{' could open an attribute list.
    return text.replace("{", "\\{").rstrip("#")
