"""`approve` and `verify`: freeze a draft as a release, and prove releases are intact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .compose import compose_policy, outline_for
from .errors import ErrorCollector, PolicyError, PolicyErrors
from .load import load_project
from .releases import approval_lock, read_release, read_releases, release_dir, write_release
from .versions import Release, make_release


def approve(root: Path, slug: str, policy_id: str, on: dt.date, by: str | None, note: str, kind: str,
            reaffirm: bool) -> tuple[Release, Path]:
    """Compose the draft and write it as a release, refusing anything that would rewrite history."""
    project = load_project(root, [slug])
    school = project.schools[slug]
    outline = outline_for(project, school, policy_id)
    if not note.strip():
        raise PolicyError("--note must say what changed (it goes in the change log)")
    draft = compose_policy(school, outline, project.clauses)
    settings = school.school.policies[policy_id]
    approver = by or settings.approver or school.school.governance.body
    with approval_lock(root, slug, policy_id):
        releases = read_releases(root, slug, policy_id)
        last = releases[-1] if releases else None
        if last is not None:
            if on <= last.approved_on:
                raise PolicyError(f"the last release was approved on {last.version}; a new approval must be dated after it",
                                  release_dir(root, slug, policy_id).relative_to(root), hint="check the --on date")
            unchanged = draft.content_hash() == last.document.content_hash()
            if unchanged and not reaffirm:
                raise PolicyError("the draft is identical to the last release, so there is nothing to approve",
                                  hint="to record a review that changed nothing, add --reaffirm")
            if reaffirm and not unchanged:
                raise PolicyError("--reaffirm records a review with no change, but the draft has changes",
                                  hint="approve it without --reaffirm; see `policy-site diff` for what changed")
        elif reaffirm:
            raise PolicyError("there is no earlier release to reaffirm", hint="approve the first version without --reaffirm")
        release = make_release(draft, on, approver, note.strip(), kind, reaffirm)
        path = write_release(root, slug, release)
    return release, path.relative_to(root)


def verify_all(root: Path) -> int:
    """Read every release and check its hash; raise every failure at once."""
    errors = ErrorCollector()
    count = 0
    for path in sorted((root / "schools").glob("*/releases/*/*.json")):
        try:
            read_release(path, root)
            count += 1
        except (PolicyError, PolicyErrors) as exc:
            errors.add(exc)
    for stray in sorted((root / "schools").glob("*/releases/*/.new-*.tmp")):
        errors.add(PolicyError("an unfinished release file was left by an interrupted approval", stray.relative_to(root),
                               hint="delete it; the approval did not happen"))
    errors.raise_if_any()
    return count
