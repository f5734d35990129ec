"""Is a change small enough to be a correction? A correction fixes a slip; it never changes what the policy asks (pure)."""

from __future__ import annotations

import re

from .compare import Change

MAX_WORDS = 6  # words inserted or deleted across the whole policy: a few slips, each a word out and a word in
MAX_CLAUSES = 2
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s", re.MULTILINE)


def beyond_correction(changes: list[Change]) -> str | None:
    """Why these changes are more than a small textual fix (for the error message), or None if they are not."""
    for change in changes:
        if change.kind in ("added", "removed", "moved"):
            return f"{(change.new or change.old).heading} is {change.kind}"  # type: ignore[union-attr]
    edited = [(change, change.old, change.new) for change in changes if change.kind == "changed" and change.old and change.new]
    for _, old, new in edited:
        if len(_LIST_ITEM.findall(old.text)) != len(_LIST_ITEM.findall(new.text)):
            return f"a list item is added or removed in {new.heading}"
    words = 0
    for change, _, new in edited:
        words += sum(len(text.split()) for op, text in change.words if op) + (len(new.title.split()) if change.title_changed else 0)
    if words > MAX_WORDS or len(edited) > MAX_CLAUSES:
        return (f"it changes {words} word{'s' if words != 1 else ''} in {len(edited)} clause{'s' if len(edited) != 1 else ''} "
                f"(a correction changes at most {MAX_WORDS} words in {MAX_CLAUSES} clauses)")
    return None
