"""Render a Document as the Markdown of one site page (headings numbered, one anchor per clause)."""

from __future__ import annotations

import re

from ..model.document import Clause, Document

_IMAGE = re.compile(r"(?<!\\)!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?\)")
_POLICY_TARGET = r"\.\./([a-z0-9][a-z0-9-]*/index\.md#[^)\s]*)"
_POLICY_LINK = re.compile(r"\]\(" + _POLICY_TARGET + r"\)")
# '[section 6 of the Online safety policy](../online-safety/index.md#filtering-and-monitoring)', from any folder depth:
# the words, the '../' prefix, the policy and the clause
OTHER_POLICY_LINK = re.compile(r"(?<!!)\[((?:\\.|[^\]\\])*)\]\(((?:\.\./)*)([a-z0-9][a-z0-9-]*)/index\.md#([^)\s]+)\)")


def document_markdown(document: Document, images: frozenset[str] = frozenset(), root: str = "../") -> str:
    """All clauses as Markdown sections ('## 5. Staff {#staff}') for a page `root` below the site's top folder."""
    return "\n\n".join(site_links(clause_markdown(clause), images, root) for clause in document.clauses) + "\n"


def site_links(text: str, images: frozenset[str], root: str) -> str:
    """Composed text for a page `root` below the site's top folder: images and links to the school's other policies
    (composed as `../<policy>/index.md#<clause>`, from a policy's own folder) repointed."""
    text = _POLICY_LINK.sub(lambda match: f"]({root}{match.group(1)})", text)
    return site_images(text, images, root + "assets/")


def print_links(text: str) -> str:
    """Composed text for one policy on paper: a link to another policy keeps its words ("section 6 of the ...")."""
    return OTHER_POLICY_LINK.sub(lambda match: match.group(1), text)


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
