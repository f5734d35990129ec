"""Composed Markdown -> plain reading text (entities decoded, list items bulleted or numbered as printed), for redlines."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown

_TAG = re.compile(r"<[^>]+>")
_LIST_TAG = re.compile(r"<(ol|ul)(?:\s+start=\"(\d+)\")?[^>]*>|</(?:ol|ul)>|<li>")


@lru_cache(maxsize=4096)
def markdown_to_text(text: str) -> str:
    """One line per paragraph or list item; a numbered list keeps its numbers ('14. ...'), so an item can be found."""
    rendered = _mark_items(markdown.markdown(text, extensions=["sane_lists"]))
    lines = [html.unescape(_TAG.sub("", line)).strip() for line in rendered.split("\n")]
    return "\n".join(line for line in lines if line)


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
