"""Build command: load -> compose -> releases -> pages -> MkDocs, for each school, then the trust index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .compose import compose_all
from .errors import ErrorCollector, PolicyError, PolicyErrors
from .load import Project, load_project
from .releases import read_releases
from .site import build_school_site
from .agreements import blank_agreement_pdfs
from .render_pdf import PdfCache, html_to_pdf, policy_html
from .schema import School
from .site_pages import PolicyState, agreement_pdf_path, pdf_name, school_pages
from .trust_index import IndexEntry, index_entry, write_trust_index


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    today: dt.date
    draft: bool = False
    cache: Path | None = None  # where laid-out PDFs are kept between builds


def school_downloads(school: School, states: list[PolicyState], draft: bool, cache: PdfCache) -> dict[str, bytes]:
    """The PDFs a school's site offers: each approved policy, its blank agreements, and drafts when asked."""
    files = {}
    for state in states:
        pid = state.policy_id
        if state.current:
            release = state.current
            files[f"{pid}/{pdf_name(pid)}"] = html_to_pdf(policy_html(release.document, school, release), cache)
            for clause_id, pdf in blank_agreement_pdfs(release.document, school, list(state.releases), cache).items():
                files[agreement_pdf_path(clause_id)] = pdf
        if draft:
            files[f"{pid}/{pdf_name(pid, draft=True)}"] = html_to_pdf(policy_html(state.draft, school, None), cache)
    return files


def policy_states(project: Project) -> dict[str, list[PolicyState]]:
    """Compose every school's drafts and read their releases, reporting every problem at once."""
    documents = compose_all(project)
    errors = ErrorCollector()
    states: dict[str, list[PolicyState]] = {slug: [] for slug in project.schools}
    for (slug, policy_id), document in documents.items():
        try:
            states[slug].append(PolicyState(document, tuple(read_releases(project.root, slug, policy_id))))
        except (PolicyError, PolicyErrors) as exc:
            errors.add(exc)
    errors.raise_if_any()
    return states


def build(root: Path, schools: list[str] | None, options: BuildOptions,
          on_school: Callable[[str], None] = lambda slug: None) -> list[Path]:
    """Build the named schools' sites (all by default); the trust index is rewritten on a full build."""
    project = load_project(root, schools or None)
    states = policy_states(project)
    built = []
    entries: list[IndexEntry] = []
    for slug, school in project.schools.items():
        pages = school_pages(school, states[slug], options.today, options.draft)
        files = school_downloads(school.school, states[slug], options.draft, PdfCache(options.cache))
        built.append(build_school_site(project, school, pages, files, options.out))
        entries.append(index_entry(slug, school.school.name, states[slug], options.today))
        on_school(slug)
    if not schools:
        built.append(write_trust_index(options.out, entries))
    return built
