"""The service every command stands on: open a school's policy once (load, outline, compose, releases)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..compose.policy import compose_all, compose_policy, outline_for
from ..errors import ErrorCollector, PolicySiteError
from ..load.project import OutlineSource, Project, SchoolSource, load_project
from ..model.document import Document
from ..model.release import PolicyState, Release
from ..store.releases import read_releases


@dataclass(frozen=True)
class SchoolPolicy:
    """One policy of one school, opened: its outline, the draft composed as at a date and its approved releases."""

    project: Project
    school: SchoolSource
    outline: OutlineSource
    draft: Document
    releases: tuple[Release, ...]
    as_at: dt.date

    @property
    def policy_id(self) -> str:
        return self.outline.id


def open_policy(root: Path, slug: str, policy_id: str | None = None, also: tuple[str, ...] = (),
                as_at: dt.date | None = None) -> SchoolPolicy:
    """Open SLUG's POLICY (default: the school's first), its draft composed as at a date (default: today).

    `also` loads more schools to compare with."""
    as_at = as_at or dt.date.today()
    project = load_project(root, [slug, *(s for s in also if s != slug)])
    school = project.schools[slug]
    policy_id = policy_id or next(iter(school.facts.policies), "")
    outline = outline_for(project, school, policy_id)  # says so if the school has no such policy
    draft = compose_policy(school, outline, project.clauses, project.roles, as_at)
    return SchoolPolicy(project, school, outline, draft, tuple(read_releases(root, slug, policy_id)), as_at)


def policy_states(project: Project, as_at: dt.date) -> dict[str, list[PolicyState]]:
    """Compose every school's drafts as at a date and read their releases, reporting every problem at once."""
    documents = compose_all(project, as_at)
    errors = ErrorCollector()
    states: dict[str, list[PolicyState]] = {slug: [] for slug in project.schools}
    for (slug, policy_id), document in documents.items():
        try:
            states[slug].append(PolicyState(document, tuple(read_releases(project.root, slug, policy_id))))
        except PolicySiteError as exc:
            errors.add(exc)
    errors.raise_if_any()
    return states
