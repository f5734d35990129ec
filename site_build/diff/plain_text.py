"""Composed Markdown -> plain reading text (entities decoded, list items bulleted or numbered as printed), for redlines.

Bold and italic survive as marker characters around the words they cover, so a redline can show them; `styled`
reads them back, and `plain` drops them."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown

STRONG, END_STRONG, EM, END_EM = "\x02", "\x03", "\x0e", "\x0f"
_EMPHASIS = {"<strong>": STRONG, "</strong>": END_STRONG, "<em>": EM, "</em>": END_EM}
_TOGGLES = {STRONG: (0, True), END_STRONG: (0, False), EM: (1, True), END_EM: (1, False)}
_WITHOUT_MARKERS = str.maketrans("", "", "".join(_TOGGLES))
_EMPHASIS_TAG = re.compile("|".join(_EMPHASIS))
_MARKER_SPLIT = re.compile(f"([{''.join(_TOGGLES)}])")
_TAG = re.compile(r"<[^>]+>")
_LIST_TAG = re.compile(r"<(ol|ul)(?:\s+start=\"(\d+)\")?[^>]*>|</(?:ol|ul)>|<li>")


@lru_cache(maxsize=4096)
def markdown_to_text(text: str) -> str:
    """One line per paragraph or list item; a numbered list keeps its numbers ('14. ...'), so an item can be found."""
    rendered = _mark_items(_converter().reset().convert(plain(text)))
    rendered = _EMPHASIS_TAG.sub(lambda match: _EMPHASIS[match.group(0)], rendered)
    lines = [html.unescape(_TAG.sub("", line)).strip() for line in rendered.split("\n")]
    return "\n".join(line for line in lines if line.translate(_WITHOUT_MARKERS).strip())


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter reused for every clause (making one costs a third of converting a clause)."""
    return markdown.Markdown(extensions=["sane_lists"])


def plain(text: str) -> str:
    """Reading text without its bold and italic markers."""
    return text.translate(_WITHOUT_MARKERS)


def styled(line: list[tuple[int, str]]) -> list[tuple[int, str, bool, bool]]:
    """One line of a diff as (op, text, bold, italic): a deletion in the old text's emphasis, the rest in the new's."""
    state = {-1: [False, False], 1: [False, False]}
    out: list[tuple[int, str, bool, bool]] = []
    for op, text in line:
        streams = (-1, 1) if op == 0 else (op,)
        for part in _MARKER_SPLIT.split(text):
            if part in _TOGGLES:
                which, on = _TOGGLES[part]
                for stream in streams:
                    state[stream][which] = on
            elif part:
                bold, italic = state[streams[-1]]
                out.append((op, part, bold, italic))
    return out


def _mark_items(rendered: str) -> str:
    lists: list[list] = []  # [kind, next number] for each open list

    def mark(match: re.Match) -> str:
        tag = match.group(0)
        if match.group(1):
            lists.append([match.group(1), int(match.group(2) or 1)])
            return tag
        if tag.startswith("</"):
            if lists:
                lists.pop()
            return tag
        if lists and lists[-1][0] == "ol":
            lists[-1][1] += 1
            return f"<li>{lists[-1][1] - 1}. "
        return "<li>• "

    return _LIST_TAG.sub(mark, rendered)
