"""`approve`: freeze a school's draft as a release (chained to the one before, optionally signed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model.release import Release, Signature, make_release, version_for
from ..model.schema import School
from ..store.releases import (
    approval_lock,
    read_releases,
    release_dir,
    write_release,
)
from ..store.signing import load_private_key, public_key_text, sign_hash
from .school_policy import open_policy


def approve(root: Path, slug: str, policy_id: str, on: dt.date, by: str | None, note: str, kind: str,
            reaffirm: bool, sign: Path | None = None, date_precision: str = "day") -> tuple[Release, Path]:
    """Compose the draft and write it as a release, refusing anything that would rewrite history.

    With `date_precision="month"`, `on` stands for its month (an old approval whose day nobody recorded)."""
    opened = open_policy(root, slug, policy_id)
    school, draft = opened.school, opened.draft
    if not note.strip():
        raise InputError("--note must say what changed (it goes in the change log)")
    if on > dt.date.today():
        raise InputError(f"--on {version_for(on, date_precision)} is in the future; a release records an approval that has happened",
                          hint="approve it on or after the day the board agrees it")
    signer = _signer(school.facts, sign, school.path) if sign else None
    settings = school.facts.policies[policy_id]
    approver = by or settings.approver or school.facts.governance.body
    with approval_lock(root, slug, policy_id):
        releases = read_releases(root, slug, policy_id)  # again, under the lock
        last = releases[-1] if releases else None
        if last is not None:
            if on <= last.latest_day:
                raise InputError(f"the last release (version {last.version}) was approved {last.on_date}; "
                                  "a new approval must be dated after it", release_dir(root, slug, policy_id).relative_to(root),
                                  hint="check the --on date" + ("; a month-only approval must be in a later month"
                                                                if "month" in (last.date_precision, date_precision) else ""))
            unchanged = draft.content_hash() == last.document.content_hash()
            if unchanged and not reaffirm:
                raise InputError("the draft is identical to the last release, so there is nothing to approve",
                                  hint="to record a review that changed nothing, add --reaffirm")
            if reaffirm and not unchanged:
                raise InputError("--reaffirm records a review with no change, but the draft has changes",
                                  hint="approve it without --reaffirm; see `policy-site diff` for what changed")
        elif reaffirm:
            raise InputError("there is no earlier release to reaffirm", hint="approve the first version without --reaffirm")
        release = make_release(draft, on, approver, note.strip(), kind, reaffirm, previous=last, date_precision=date_precision)
        if signer:
            name, key = signer
            release = replace(release, signature=Signature(public_key_text(key.public_key()), name,
                                                           sign_hash(key, release.sha256)))
        path = write_release(root, slug, release)
    return release, path.relative_to(root)


def _signer(school: School, key_file: Path, shown: Path):
    """The signer's name and private key; the key must be one of the school's `signers:`."""
    key = load_private_key(key_file)
    public = public_key_text(key.public_key())
    name = next((s.name for s in school.signers if s.public_key == public), None)
    if name is None:
        raise InputError("this signing key is not among the school's signers", shown,
                          hint=f"add it under 'signers:' in school.yml: - name: \"Your name, role\"  public_key: \"{public}\"")
    return name, key
