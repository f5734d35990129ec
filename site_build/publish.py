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
from .site_pages import PolicyState, school_pages
from .trust_index import IndexEntry, index_entry, write_trust_index


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    today: dt.date
    draft: bool = False


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
        built.append(build_school_site(project, school, pages, options.out))
        entries.append(index_entry(slug, school.school.name, states[slug], options.today))
        on_school(slug)
    if not schools:
        built.append(write_trust_index(options.out, entries))
    return built
