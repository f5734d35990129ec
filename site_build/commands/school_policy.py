"""The service every command stands on: open a school's policy once (load, outline, compose, releases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..compose.policy import compose_all, compose_policy, outline_for
from ..diff.guidance import guidance_map, statutory_notes
from ..diff.pending import Pending, pending_changes, sources_of
from ..errors import ErrorCollector, PolicySiteError
from ..load.project import OutlineSource, Project, SchoolSource, load_project
from ..model.document import Document
from ..model.release import PolicyState, Release, Sources
from ..store.releases import read_releases


@dataclass(frozen=True)
class SchoolPolicy:
    """One policy of one school, opened: its outline, the draft composed as at a date and its approved releases."""

    project: Project
    school: SchoolSource
    outline: OutlineSource
    draft: Document
    approved: Mapping[str, Sequence[Release]]  # the school's approved versions of each of its policies
    as_at: dt.date

    @property
    def policy_id(self) -> str:
        return self.outline.id

    @property
    def releases(self) -> tuple[Release, ...]:
        """This policy's approved versions, oldest first."""
        return tuple(self.approved[self.policy_id])

    @property
    def sources(self) -> Sources:
        """The fingerprints of the files the draft is composed from."""
        return sources_of(self.draft, self.school, self.outline, self.project.clauses, self.project.roles)

    def pending(self) -> list[Pending]:
        """How the draft differs from the last release, clause by clause, and whether the model or the school did it."""
        return (pending_for(self.project, self.school, self.outline, self.draft, self.releases[-1], self.as_at, self.approved)
                if self.releases else [])


def open_policy(root: Path, slug: str, policy_id: str | None = None, also: tuple[str, ...] = (),
                as_at: dt.date | None = None) -> SchoolPolicy:
    """Open SLUG's POLICY (default: the school's first), its draft composed as at a date (default: today).

    `also` loads more schools to compare with."""
    as_at = as_at or dt.date.today()
    project = load_project(root, [slug, *(s for s in also if s != slug)])
    school = project.schools[slug]
    policy_id = policy_id or next(iter(school.facts.policies), "")
    outline = outline_for(project, school, policy_id)  # says so if the school has no such policy
    approved = school_releases(project, school)
    draft = compose_policy(school, outline, project.clauses, project.roles, as_at, project.outlines, approved)
    return SchoolPolicy(project, school, outline, draft, approved, as_at)


def school_releases(project: Project, school: SchoolSource) -> dict[str, list[Release]]:
    """The school's approved versions of each of its policies."""
    return {policy_id: read_releases(project.root, school.slug, policy_id) for policy_id in school.facts.policies}


def pending_for(project: Project, school: SchoolSource, outline: OutlineSource, draft: Document, release: Release,
                as_at: dt.date, approved: Mapping[str, Sequence[Release]]) -> list[Pending]:
    """The draft's differences from `release`, each traced to the shared model or the school's own files.

    `approved`: the school's approved versions of each of its policies (references between them)."""
    try:
        at_release: Document | None = compose_policy(school, outline, project.clauses, project.roles, release.approved_on,
                                                         project.outlines, approved)
    except PolicySiteError:  # today's files cannot be composed as at that day: no dated explanation, the rest still holds
        at_release = None
    now = sources_of(draft, school, outline, project.clauses, project.roles)
    return pending_changes(release, draft, at_release, now, project.clauses, as_at)


def policy_states(project: Project, as_at: dt.date, reasons: bool = False) -> dict[str, list[PolicyState]]:
    """Compose every school's drafts as at a date and read their releases, reporting every problem at once.

    With `reasons`, each draft's changes from its release are traced to the model or the school (for draft pages)."""
    errors = ErrorCollector()
    approved: dict[tuple[str, str], tuple[Release, ...]] = {}
    for slug, school in project.schools.items():
        for policy_id in school.facts.policies:
            try:
                approved[slug, policy_id] = tuple(read_releases(project.root, slug, policy_id))
            except PolicySiteError as exc:
                errors.add(exc)
    try:
        documents = compose_all(project, as_at, approved)
    except PolicySiteError as exc:  # reported with the release files' problems
        errors.add(exc)
        errors.raise_if_any()
    states: dict[str, list[PolicyState]] = {slug: [] for slug in project.schools}
    for (slug, policy_id), document in documents.items():
        if (slug, policy_id) not in approved:
            continue  # its release files could not be read: reported above
        try:
            releases = approved[slug, policy_id]
            traced = {}
            school = project.schools[slug]
            outline = outline_for(project, school, policy_id)
            if reasons and releases:
                school_approved = {pid: approved.get((slug, pid), ()) for pid in school.facts.policies}
                pending = pending_for(project, school, outline, document, releases[-1], as_at, school_approved)
                traced = {p.change.id: p.reason for p in pending}
            others = [other for (other_slug, other_id), other in documents.items() if other_slug == slug and other_id != policy_id]
            guidance = tuple(guidance_map(project, school, outline, document, as_at, others))
            statutory = MappingProxyType(statutory_notes(project, school.facts.phase, as_at))
            states[slug].append(PolicyState(document, releases, MappingProxyType(traced), guidance, statutory))
        except PolicySiteError as exc:
            errors.add(exc)
    errors.raise_if_any()
    return states
