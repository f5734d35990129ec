"""The files a school's site offers for download: each policy's PDF, blank agreements, drafts, releases.json.

They are named before any PDF is laid out (MkDocs checks every link to them), and laid out by `Downloads.files`,
which a one-school build runs in another process while MkDocs builds the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model.release import Letterhead, PolicyState
from ..model.schema import School
from ..render.agreements import blank_agreements
from ..render.handbook import handbook_pdf
from ..render.pdf import PdfCache, html_to_pdf, policy_html
from ..store.releases import release_manifest
from .pages import HANDBOOK_PDF, agreement_pdf_path, pdf_name

MANIFEST = "releases.json"  # the chains' heads, for `verify --site`


@dataclass(frozen=True)
class Downloads:
    """What a school's site offers: print HTML by file name, and the handbook made of the approved policies' PDFs."""

    manifest: bytes | None = None  # releases.json (None: no downloads at all, as in the live preview)
    documents: dict[str, str] = field(default_factory=dict)
    handbook: tuple[Letterhead, tuple[PolicyState, ...], dict[str, str]] | None = None  # policy id -> its PDF's name

    @property
    def names(self) -> list[str]:
        named = [*self.documents, *([HANDBOOK_PDF] if self.handbook else [])]
        return named if self.manifest is None else [MANIFEST, *named]

    def files(self, cache: PdfCache) -> dict[str, bytes]:
        """Every file, its PDFs laid out (or taken from `cache`)."""
        files = {} if self.manifest is None else {MANIFEST: self.manifest}
        files.update((name, html_to_pdf(html, cache)) for name, html in self.documents.items())
        if self.handbook:
            letterhead, states, published = self.handbook
            files[HANDBOOK_PDF] = handbook_pdf(letterhead, list(states), {pid: files[name] for pid, name in published.items()}, cache)
        return files


NO_DOWNLOADS = Downloads()


def school_downloads(school: School, states: list[PolicyState], draft: bool, draft_date: dt.date | None = None) -> Downloads:
    """The handbook, each approved policy, its blank agreements, and drafts when asked."""
    documents: dict[str, str] = {}
    for state in states:
        pid = state.policy_id
        if state.current:
            release = state.current
            documents[f"{pid}/{pdf_name(pid)}"] = policy_html(release.document, release.printed_letterhead, release)
            for clause_id, html in blank_agreements(release.document, school, list(state.releases)).items():
                documents[agreement_pdf_path(clause_id)] = html
        if draft:
            documents[f"{pid}/{pdf_name(pid, draft=True)}"] = policy_html(state.draft, Letterhead.of(school, pid), None, draft_date)
    published = {state.policy_id: f"{state.policy_id}/{pdf_name(state.policy_id)}" for state in states if state.current}
    handbook = (Letterhead.of(school, ""), tuple(states), published) if published else None
    return Downloads(release_manifest(states), documents, handbook)
