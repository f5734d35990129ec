"""`diff`: pick the two documents to compare and make the redline in the chosen format (no printing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..compose.policy import compose_policy
from ..diff.compare import Change, compare_documents
from ..diff.guidance import statutory_notes, with_statutory
from ..diff.pending import with_reasons
from ..errors import InputError
from ..load.project import SchoolSource
from ..model.document import Document
from ..model.release import format_date
from ..model.schema import PolicySettings
from ..render.docx import redline_docx
from ..render.pdf import html_to_pdf
from ..render.redline import redline_html, redline_json
from .school_policy import SchoolPolicy, open_policy, pending_for, school_releases

FILE_FORMATS = ("pdf", "docx")  # binary: only to a file


@dataclass(frozen=True)
class Redline:
    """What changed between two versions, with the labels a reader needs to know which two."""

    changes: list[Change]
    heading: str
    subtitle: str
    meta: dict[str, str]

    def render(self, fmt: str, made_at: dt.datetime) -> bytes:
        """The redline as html, json, pdf or docx (`made_at` is the Word file's creation time)."""
        if fmt == "pdf":
            return html_to_pdf(redline_html(self.changes, self.heading, self.subtitle))
        if fmt == "docx":
            return redline_docx(self.changes, self.heading, self.subtitle, made_at)
        if fmt == "json":
            return redline_json(self.changes, self.meta).encode("utf-8")
        return redline_html(self.changes, self.heading, self.subtitle).encode("utf-8")


def diff(root: Path, slug: str, policy_id: str, from_version: str | None, to_version: str, against: str | None,
         as_at: dt.date | None = None) -> Redline:
    """The redline of SLUG's POLICY from one version to another (or against another school, or the model).

    The draft is composed as at `as_at` (default: today)."""
    opened = open_policy(root, slug, policy_id, also=(against,) if against and against != "model" else (), as_at=as_at)
    old, new, old_label, new_label = _pick(root, opened, from_version, to_version, against)
    changes = compare_documents(old, new)
    base = next((r for r in opened.releases if r.document is old), None)
    if new is opened.draft and base is not None:  # a draft against a release: say whose change each clause is, and why
        changes = with_reasons(changes, pending_for(opened.project, opened.school, opened.outline, new, base, opened.as_at,
                                                        opened.approved))
    changes = with_statutory(changes, statutory_notes(opened.project, opened.school.facts.phase, opened.as_at))
    return Redline(changes, f"{new.title}: {new.school_name}", f"Changes from {old_label} to {new_label}",
                   {"school": slug, "policy": policy_id, "from": old_label, "to": new_label})


def _pick(root: Path, opened: SchoolPolicy, from_version: str | None, to_version: str,
          against: str | None) -> tuple[Document, Document, str, str]:
    """The (old, new) documents and their labels for the options given."""
    school, releases, policy_id = opened.school, opened.releases, opened.policy_id

    def version(name: str | None) -> tuple[Document, str]:
        if name == "draft":  # what was circulated: its date and the fingerprint `approve --expect` checks
            return opened.draft, f"the draft of {format_date(opened.as_at)} (fingerprint {opened.draft.fingerprint})"
        if not releases:
            raise InputError(f"{school.facts.name} has no approved release of '{policy_id}' yet",
                             f"schools/{school.slug}/releases/{policy_id}", hint="compare with --against, or approve a first version")
        if name is None:
            return releases[-1].document, f"version {releases[-1].label}"
        for release in releases:
            if release.version == name:
                return release.document, f"version {release.label}"
        raise InputError(f"there is no release '{name}'", f"schools/{school.slug}/releases/{policy_id}",
                         hint="versions: " + ", ".join(r.version for r in releases))

    if against == "model":
        return _model_document(opened), opened.draft, "the shared model", f"{school.facts.name}'s draft"
    if against:
        other = opened.project.schools[against]
        other_approved = school_releases(opened.project, other)
        other_releases = other_approved.get(policy_id, [])
        other_doc = (other_releases[-1].document if other_releases
                     else compose_policy(other, opened.outline, opened.project.clauses, opened.project.roles,
                                    opened.as_at, opened.project.outlines, other_approved))
        new, new_label = version(None) if releases else (opened.draft, "the draft")
        return other_doc, new, f"{other.facts.name}", f"{school.facts.name} ({new_label})"
    old, old_label = version(from_version)
    new, new_label = version(to_version)
    return old, new, old_label, new_label


def _model_document(opened: SchoolPolicy) -> Document:
    """The shared library as this school would get it with no choices of its own."""
    school = opened.school
    plain = {policy_id: PolicySettings(review_cycle=s.review_cycle, variables={}) for policy_id, s in school.facts.policies.items()}
    bare = SchoolSource(school.slug, school.path, school.facts.model_copy(update={"policies": plain}),
                        school.lines, {}, None)
    return compose_policy(bare, opened.outline, opened.project.clauses, opened.project.roles, opened.as_at,
                          opened.project.outlines, opened.approved)
