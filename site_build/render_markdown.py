"""Render a Document as the Markdown of one site page (headings numbered, one anchor per clause)."""

from __future__ import annotations

from .document import Clause, Document


def document_markdown(document: Document) -> str:
    """All clauses as Markdown sections: '## 5. Staff {#staff}' and so on."""
    return "\n\n".join(clause_markdown(clause) for clause in document.clauses) + "\n"


def clause_markdown(clause: Clause, base_level: int = 2) -> str:
    hashes = "#" * min(base_level + clause.level - 1, 6)
    heading = f"{hashes} {_escape_heading(clause.heading)} {{#{clause.id}}}"
    return f"{heading}\n\n{clause.text}" if clause.text else heading


def _escape_heading(text: str) -> str:
    # A heading that ends in '#' characters would lose them; '{' could open an attribute list.
    return text.replace("{", "\\{").rstrip("#")
