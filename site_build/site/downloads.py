"""The files a school's site offers for download: each policy's PDF, blank agreements, drafts, releases.json."""

from __future__ import annotations

import datetime as dt

from ..model.release import Letterhead, PolicyState
from ..model.schema import School
from ..render.agreements import blank_agreement_pdfs
from ..render.handbook import handbook_pdf
from ..render.pdf import PdfCache, html_to_pdf, policy_html
from ..store.releases import release_manifest
from .pages import HANDBOOK_PDF, agreement_pdf_path, pdf_name


def school_downloads(school: School, states: list[PolicyState], draft: bool, cache: PdfCache,
                     draft_date: dt.date | None = None) -> dict[str, bytes]:
    """The PDFs a school's site offers: the handbook, each approved policy, its blank agreements, and drafts when asked."""
    files = {"releases.json": release_manifest(states)}  # the chains' heads, for `verify --site`
    for state in states:
        pid = state.policy_id
        if state.current:
            release = state.current
            files[f"{pid}/{pdf_name(pid)}"] = html_to_pdf(policy_html(release.document, release.printed_letterhead, release), cache)
            for clause_id, pdf in blank_agreement_pdfs(release.document, school, list(state.releases), cache).items():
                files[agreement_pdf_path(clause_id)] = pdf
        if draft:
            files[f"{pid}/{pdf_name(pid, draft=True)}"] = html_to_pdf(policy_html(state.draft, Letterhead.of(school, pid), None, draft_date), cache)
    if any(state.current for state in states):
        published = {state.policy_id: files[f"{state.policy_id}/{pdf_name(state.policy_id)}"] for state in states if state.current}
        files[HANDBOOK_PDF] = handbook_pdf(Letterhead.of(school, ""), states, published, cache)
    return files
