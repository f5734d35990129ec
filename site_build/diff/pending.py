"""Trace each difference between a draft and its approved release to the shared model or the school's own files (pure)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..load.project import ClauseSource, OutlineSource, RolesSource, SchoolSource
from ..model.document import Clause, Document
from ..model.release import Release, Sources, format_date
from .compare import Change, compare_documents

MODEL, SCHOOL, UNKNOWN = "model", "school", "unknown"


@dataclass(frozen=True)
class Pending:
    """A clause of the draft that differs from the approved release, why, and whose change it is."""

    change: Change
    cause: str  # MODEL (the shared library), SCHOOL (school.yml or the school's own clauses) or UNKNOWN
    why: tuple[str, ...]  # the model's change notes since the release, or what changed

    @property
    def reason(self) -> str:
        """One line for a redline: 'Shared model: <change note> (1 September 2025)'."""
        who = {MODEL: "Shared model", SCHOOL: "The school"}.get(self.cause, "Unknown")
        return f"{who}: {'; '.join(self.why)}"


def sources_of(document: Document, school: SchoolSource, outline: OutlineSource, library: Mapping[str, ClauseSource],
               roles: RolesSource) -> Sources:
    """The fingerprints of everything `document` was composed from, recorded in a release on approval."""
    clauses = {}
    for clause in document.clauses:
        source = library.get(clause.id) if clause.origin == "library" else school.overrides.get(clause.id)
        if source is not None:
            clauses[clause.id] = source.digest
    model = hashlib.sha256(f"{outline.digest}\n{roles.digest}".encode()).hexdigest()
    return Sources(clauses, school.digest, model)


def pending_changes(release: Release, draft: Document, at_release: Document | None, now: Sources,
                    library: Mapping[str, ClauseSource], as_at: dt.date) -> list[Pending]:
    """Each clause that differs (renumbering alone is not counted), with its cause.

    `at_release` is the draft composed from today's files as at the release's date: a clause that matches the release
    there but not today changed because dated content came into force (or ended), which is the model's doing."""
    pending = []
    for change in compare_documents(release.document, draft):
        if change.kind == "renumbered":
            continue
        cause, why = _cause(change, release, at_release, now, library)
        source = library.get(change.id)
        if cause == MODEL and source is not None:
            notes = tuple(f"{note.note.rstrip('.')} ({format_date(note.on)})" for note in source.meta.changes
                          if release.latest_day < note.on <= as_at)
            why = notes or why
        pending.append(Pending(change, cause, why))
    return pending


def with_reasons(changes: list[Change], pending: list[Pending]) -> list[Change]:
    """The redline's changes, each with the reason traced for it (renumbered clauses have none)."""
    reasons = {p.change.id: p.reason for p in pending}
    return [replace(change, why=reasons.get(change.id, "")) for change in changes]


def _cause(change: Change, release: Release, at_release: Document | None, now: Sources,
           library: Mapping[str, ClauseSource]) -> tuple[str, tuple[str, ...]]:
    origin = (change.new or change.old).origin  # type: ignore[union-attr]
    if origin != "library":
        return SCHOOL, ("the school's own wording of this clause" if origin == "override" else "the school's own clause",)
    then = release.sources
    recorded, source = (then.clauses.get(change.id) if then else None), library.get(change.id)
    if recorded and source and recorded != source.digest:
        return MODEL, ("the shared clause has been edited since the approval (no change note)",)
    if at_release is not None and _same(at_release.clause(change.id), change.old):
        return MODEL, ("law or guidance dated after the approval now applies",)
    if then is None:
        return UNKNOWN, ("the release was approved before policy-site recorded what it was composed from",)
    if then.school != now.school:
        return SCHOOL, ("school.yml has changed since the approval",)
    return MODEL, ("the policy outline or the model's roles have changed since the approval",)


def _same(a: Clause | None, b: Clause | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.title, a.text) == (b.title, b.text)
