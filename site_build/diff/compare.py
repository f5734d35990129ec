"""Diff stage: compare two composed Documents clause by clause (pure, no I/O).

Clauses are aligned by id, so renumbering alone is not a change and a moved clause is one
move, not a deletion plus an insertion. Changed text is diffed word by word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from ..model.document import Clause, Document
from .plain_text import markdown_to_text, plain

CHANGE_KINDS = ("changed", "added", "removed", "moved", "renumbered")


@dataclass(frozen=True)
class Change:
    """What happened to one clause between two documents."""

    id: str
    kind: str  # one of CHANGE_KINDS
    old: Clause | None
    new: Clause | None
    title_changed: bool = False
    text_changed: bool = False
    words: tuple[tuple[int, str], ...] = field(default=(), compare=False)  # (-1 deleted | 0 same | 1 inserted, text)
    why: str = field(default="", compare=False)  # whose change it is and why ("Shared model: KCSIE 2025 ..."), if known
    statutory: str = field(default="", compare=False)  # the statutory requirements the clause meets, if any

    @property
    def label(self) -> str:
        """How the change is named to readers: its kind, or 'moved and changed' for a clause that is both."""
        return "moved and changed" if self.kind == "moved" and (self.title_changed or self.text_changed) else self.kind

    @property
    def number(self) -> str:
        return (self.new or self.old).number  # type: ignore[union-attr]


def compare_documents(old: Document, new: Document) -> list[Change]:
    """Every clause that differs, in the new document's reading order (removed ones where they were)."""
    old_by_id = {c.id: c for c in old.clauses}
    new_index = {c.id: i for i, c in enumerate(new.clauses)}
    moved = _moved_ids(old, new)
    placed: list[tuple[tuple[int, int], Change]] = []  # (place in the new document, then the old one) for each change
    for index, clause in enumerate(new.clauses):
        before = old_by_id.get(clause.id)
        change = _change(before, clause, clause.id in moved) if before else \
            Change(clause.id, "added", None, clause, words=((1, markdown_to_text(clause.text)),))
        if change:
            placed.append(((index, -1), change))
    anchor = -1  # where the last clause kept from the old document stands in the new one
    for index, clause in enumerate(old.clauses):
        if clause.id in new_index:
            anchor = new_index[clause.id]
        else:
            placed.append(((anchor, index), Change(clause.id, "removed", clause, None,
                                                   words=((-1, markdown_to_text(clause.text)),))))
    return [change for _, change in sorted(placed, key=lambda pair: pair[0])]


def _change(before: Clause, clause: Clause, moved: bool) -> Change | None:
    """What happened to a clause kept from the old document, or None when nothing did."""
    title_changed = before.title != clause.title
    text_changed = _without_ref_numbers(before.text) != _without_ref_numbers(clause.text)
    words = tuple(text_diff(markdown_to_text(before.text), markdown_to_text(clause.text))) if text_changed else ()
    if moved:
        return Change(clause.id, "moved", before, clause, title_changed, text_changed, words)
    if title_changed or text_changed:
        return Change(clause.id, "changed", before, clause, title_changed, text_changed, words)
    if before.number != clause.number:
        return Change(clause.id, "renumbered", before, clause)
    return None


def _moved_ids(old: Document, new: Document) -> set[str]:
    """Clauses whose parent changed, or that left the longest run of common order."""
    old_parent, new_parent = _parents(old), _parents(new)
    common_new = [c.id for c in new.clauses if c.id in old_parent]
    common_old = [c.id for c in old.clauses if c.id in new_parent]
    keep = set(_longest_common_subsequence(common_old, common_new))
    return {i for i in common_new if i not in keep or old_parent[i] != new_parent[i]}


def _parents(document: Document) -> dict[str, str | None]:
    stack: list[Clause] = []
    parents: dict[str, str | None] = {}
    for clause in document.clauses:
        while stack and stack[-1].level >= clause.level:
            stack.pop()
        parents[clause.id] = stack[-1].id if stack else ("appendices" if clause.is_appendix else None)
        stack.append(clause)
    return parents


def _longest_common_subsequence(a: list[str], b: list[str]) -> list[str]:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            out.append(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


_WORDS = re.compile(r"\s+|[^\s]+")
_REF_LINK = re.compile(r"\[(?:section [0-9.]+|appendix [0-9.]+)\]\(#([a-z0-9-]+)\)")


def _without_ref_numbers(text: str) -> str:
    """A cross-reference that only follows its target's new number is not a change to the clause."""
    return _REF_LINK.sub(r"[ref](#\1)", text)


def text_diff(old: str, new: str) -> list[tuple[int, str]]:
    """A diff of reading text line by line (a line is a paragraph or a list item), then word by word within a line
    that was edited: an item added or removed is one whole line in or out, never spliced into its neighbour, and an
    item that only moved up or down a numbered list keeps its new number without being a change."""
    old_lines, new_lines = [_split(line) for line in old.split("\n")], [_split(line) for line in new.split("\n")]
    ops: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(None, [_key(line) for line in old_lines], [_key(line) for line in new_lines], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops += [(0, marker + body + "\n") for marker, body in new_lines[j1:j2]]
        else:
            ops += _paired(old_lines[i1:i2], new_lines[j1:j2])
    return _merged(ops)


Line = tuple[str, str]  # (list marker: "• ", "14. " or "", the line's text)
_MARKER = re.compile(r"^(?:•|\d+\.)\s")


def _split(line: str) -> Line:
    match = _MARKER.match(line)
    return (match.group(0), line[match.end():]) if match else ("", line)


def _key(line: Line) -> str:
    """What a line is compared by: its text and the kind of list it is in, not its number."""
    marker, body = line
    return ("#. " if marker[:1].isdigit() else marker) + body


def _paired(old: list[Line], new: list[Line]) -> list[tuple[int, str]]:
    """Lines replaced by lines: a pair that is mostly the same is diffed by word; the rest go out or come in whole."""
    ops: list[tuple[int, str]] = []
    i = j = 0
    while i < len(old) or j < len(new):
        if i < len(old) and j < len(new) and _similar(old[i], new[j]):
            (old_marker, old_body), (new_marker, new_body) = old[i], new[j]
            if old_marker[:1].isdigit() and new_marker[:1].isdigit():
                ops += [(0, new_marker)] + word_diff(old_body, new_body) + [(0, "\n")]
            else:
                ops += word_diff(old_marker + old_body, new_marker + new_body) + [(0, "\n")]
            i, j = i + 1, j + 1
        elif j < len(new) and (i >= len(old) or any(_similar(old[i], later) for later in new[j + 1:])):
            ops.append((1, "".join(new[j]) + "\n"))
            j += 1
        else:
            ops.append((-1, "".join(old[i]) + "\n"))
            i += 1
    return ops


def _similar(a: Line, b: Line) -> bool:
    """Two lines are one edited line when most of their words (bullets and numbers aside) are the same."""
    return difflib.SequenceMatcher(None, plain(a[1]).split(), plain(b[1]).split(), autojunk=False).ratio() >= 0.7


def _merged(ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Adjacent pieces of the same kind as one, without the final line break."""
    merged: list[tuple[int, str]] = []
    for op, text in ops:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    if merged and merged[-1][1].endswith("\n"):
        op, text = merged.pop()
        if text[:-1]:
            merged.append((op, text[:-1]))
    return merged


def in_context(ops: list[tuple[int, str]] | tuple[tuple[int, str], ...], keep: int = 1) -> list[tuple[int, str]]:
    """The diff with long runs of unchanged lines cut to `keep` lines either side of a change, for reading.

    A one-word change in a 19-item list then shows that item and its neighbours, not all 19."""
    lines = diff_lines(ops)
    changed = [any(op for op, _ in line) for line in lines]
    near = {i for i, flag in enumerate(changed) if flag for i in range(i - keep, i + keep + 1)}
    for start in range(len(lines)):  # a gap of one or two lines is shown: a note about it would be no shorter
        if start not in near and (start == 0 or start - 1 in near):
            end = next((i for i in range(start, len(lines)) if i in near), len(lines))
            if end - start < 3:
                near.update(range(start, end))
    out: list[tuple[int, str]] = []
    skipped = 0
    for index, line in enumerate(lines):
        if index not in near:
            skipped += 1
            continue
        if skipped:
            out.append((0, f"[… {skipped} unchanged line{'s' if skipped != 1 else ''} …]\n"))
            skipped = 0
        out += line + [(0, "\n")]
    if skipped:
        out.append((0, f"[… {skipped} unchanged line{'s' if skipped != 1 else ''} …]\n"))
    return _merged(out)


def diff_lines(ops: list[tuple[int, str]] | tuple[tuple[int, str], ...]) -> list[list[tuple[int, str]]]:
    """The diff cut at its line breaks: one list of (op, text) pieces for each paragraph or list item."""
    lines: list[list[tuple[int, str]]] = [[]]
    for op, text in ops:
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((op, piece))
    return lines


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """A word-level diff with semantic clean-up: whole words in, whole words out."""
    engine = diff_match_patch()
    engine.Diff_Timeout = 0  # the default 1 s timeout silently returns a coarse diff
    tokens: dict[str, str] = {}
    encoded_old, encoded_new = _encode(old, tokens), _encode(new, tokens)
    diffs = engine.diff_main(encoded_old, encoded_new, False)
    engine.diff_cleanupSemantic(diffs)  # in word space, so no edit can split a word
    decoding = {v: k for k, v in tokens.items()}
    words = [(op, "".join(decoding[ch] for ch in text)) for op, text in diffs]
    return [(op, text) for op, text in words if text]


def _encode(text: str, tokens: dict[str, str]) -> str:
    """Map each word and each run of spaces to one character, so the diff works on words."""
    out = []
    for token in _WORDS.findall(text):
        if token not in tokens:
            tokens[token] = chr(0xE000 + len(tokens)) if len(tokens) < 6400 else chr(0xF0000 + len(tokens) - 6400)
        out.append(tokens[token])
    return "".join(out)


def summary_counts(changes: list[Change]) -> dict[str, int]:
    """How many clauses of each kind; a clause both moved and edited counts as moved and as changed."""
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in CHANGE_KINDS}
    counts["changed"] += sum(1 for c in changes if c.label == "moved and changed")
    return counts


def changed_sections(changes: list[Change]) -> list[str]:
    """Where the changes were made, down to the sub-section: ['Section 5.2', 'Appendix 1']."""
    found: list[str] = []
    for change in changes:
        if change.kind == "renumbered":
            continue
        number = change.number
        label = number if number.startswith("Appendix") else f"Section {number}"
        if label not in found:
            found.append(label)
    return found
