"""Text placed inside CSS (running heads, page banners), escaped so that no school's text can break out of it."""

from __future__ import annotations


def css_string(text: str) -> str:
    """A quoted CSS string literal: letters, digits and spaces as they are, every other character hex-escaped
    (so it is safe inside a <style> element too). Each escape ends with the one space CSS takes as its end, so a
    space after it in the text is kept."""
    return '"' + "".join(ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):x} " for ch in text) + '"'
