"""The staff handbook on paper: a cover with one contents list, then each approved policy's own tagged PDF.

The policies are the very files the site publishes (laid out once, and kept unchanged for a release), joined after
the cover; only the cover is laid out for the handbook, so a new telephone number costs one page of layout."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from ..model.release import Letterhead, PolicyState, format_date
from .pdf import TEMPLATES, PdfCache, html_to_pdf, version_line
from .pdf_join import bookmark_pages, join_tagged, page_total

MAX_PASSES = 3  # the cover's page numbers depend on how long the cover is: lay it out until that settles
LINES_A_PAGE = 45  # lines of the cover's table and contents on a page, roughly


@dataclass(frozen=True)
class _Entry:
    title: str
    version_line: str
    next_review: str
    first_page: int  # in the handbook, counting from 1
    last_page: int
    sections: tuple[tuple[str, int | None], ...]  # each level-1 heading and its handbook page


def handbook_pdf(letterhead: Letterhead, states: list[PolicyState], pdfs: Mapping[str, bytes], cache: PdfCache) -> bytes:
    """The handbook of each policy's current approved version (`pdfs`: each one's published PDF, by policy id)."""
    parts = [pdfs[state.policy_id] for state in states if state.current]
    digests = [hashlib.sha256(part).hexdigest() for part in parts]
    laid_out = [_bookmarks(part, digest, cache) for part, digest in zip(parts, digests, strict=True)]
    lines = sum(5 + sum(1 for clause in state.current.document.clauses if clause.level == 1) for state in states if state.current)
    cover_pages = 1 + (lines + 10) // LINES_A_PAGE  # a first guess (a table row and a contents line a policy, its
    # sections, the heading and the note), usually right
    for _ in range(MAX_PASSES):
        html = _cover_html(letterhead, states, laid_out, cover_pages)
        cover = html_to_pdf(html, cache)
        if page_total(cover) == cover_pages:
            break
        cover_pages = page_total(cover)
    return cache.get("handbook", "\n".join([html, *digests]), lambda: join_tagged([cover, *parts]))


def _bookmarks(pdf: bytes, digest: str, cache: PdfCache) -> tuple[int, dict[str, int]]:
    pages, found = json.loads(cache.get("bookmarks", digest, lambda: json.dumps(bookmark_pages(pdf)).encode()))
    return pages, found


def _cover_html(letterhead: Letterhead, states: list[PolicyState], laid_out: list[tuple[int, dict[str, int]]],
                cover_pages: int) -> str:
    entries, start = [], cover_pages + 1
    for state, (total, bookmarks) in zip([s for s in states if s.current], laid_out, strict=True):
        release = state.current
        assert release is not None
        document = release.document
        sections = tuple((clause.heading, start + bookmarks[clause.heading] if clause.heading in bookmarks else None)
                         for clause in document.clauses if clause.level == 1)
        entries.append(_Entry(document.title, version_line(release, document), format_date(release.next_review),
                              start, start + total - 1, sections))
        start += total
    return TEMPLATES.get_template("handbook.html").render(
        title=f"Staff handbook: {letterhead.name}", letterhead=letterhead, policies=entries,
        edition="The current approved version of each policy", pages=start - 1,
        missing=[state.title for state in states if not state.current])
