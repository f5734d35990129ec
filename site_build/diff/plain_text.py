"""Composed Markdown -> plain reading text (entities decoded, list items bulleted), for redlines."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown

_TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=4096)
def markdown_to_text(text: str) -> str:
    rendered = markdown.markdown(text, extensions=["sane_lists"])
    rendered = rendered.replace("<li>", "<li>• ")
    lines = [html.unescape(_TAG.sub("", line)).strip() for line in rendered.split("\n")]
    return "\n".join(line for line in lines if line)
