"""`approve`: freeze a school's draft as a release (chained to the one before, optionally signed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model.release import Letterhead, Reissue, Release, Signature, make_release, version_for
from ..model.schema import School
from ..store.git_history import in_git, reissue_target
from ..store.releases import (
    approval_lock,
    read_releases,
    release_dir,
    write_release,
)
from ..store.signing import load_private_key, public_key_text, sign_hash
from .school_policy import open_policy


def approve(root: Path, slug: str, policy_id: str, on: dt.date, by: str | None, note: str, kind: str,
            reaffirm: bool, sign: Path | None = None, date_precision: str = "day",
            reissue: str | None = None) -> tuple[Release, Path]:
    """Compose the draft and write it as a release, refusing anything that would rewrite history.

    With `date_precision="month"`, `on` stands for its month (an old approval whose day nobody recorded); with
    `reissue` (why), it replaces the committed release of that date, which must have been deleted here."""
    opened = open_policy(root, slug, policy_id, as_at=on.replace(day=1) if date_precision == "month" else on)  # the law as it stood
    school, draft = opened.school, opened.draft
    if not note.strip():
        raise InputError("--note must say what changed (it goes in the change log)")
    if reissue is not None and not reissue.strip():
        raise InputError("--reissue must say why the release is re-issued (verify shows it beside the release)")
    if on > dt.date.today():
        raise InputError(f"--on {version_for(on, date_precision)} is in the future; a release records an approval that has happened",
                          hint="approve it on or after the day the board agrees it")
    signer = _signer(school.facts, sign, school.path) if sign else None
    settings = school.facts.policies[policy_id]
    approver = by or settings.approver or school.facts.governance.body
    with approval_lock(root, slug, policy_id):
        releases = read_releases(root, slug, policy_id)  # again, under the lock
        replaces = _replaces(root, release_dir(root, slug, policy_id) / f"{version_for(on, date_precision)}.json", reissue)
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
        release = make_release(draft, on, approver, note.strip(), kind, reaffirm, previous=last,
                               date_precision=date_precision, reissue=replaces,
                               letterhead=Letterhead.of(school.facts, policy_id), sources=opened.sources)
        if signer:
            name, key = signer
            release = replace(release, signature=Signature(public_key_text(key.public_key()), name,
                                                           sign_hash(key, release.sha256)))
        path = write_release(root, slug, release)
    return release, path.relative_to(root)


def _replaces(root: Path, path: Path, why: str | None) -> Reissue | None:
    """What a re-issue replaces; without --reissue, refuse to approve again a committed release deleted here."""
    relative = path.relative_to(root)
    if why is None:
        committed = None if path.exists() else reissue_target(root, relative)
        if committed:
            raise InputError(f"a release dated {path.stem} was committed in {committed.commit[:10]} and deleted here: "
                             "approved releases never change", relative,
                             hint=f"restore it: git checkout {committed.commit[:10]} -- {relative}; or, to replace it "
                                  "on purpose, approve it again with --reissue \"WHY\"")
        return None
    if not in_git(root):
        raise InputError("--reissue replaces a release committed to git, but this project is not in a git repository",
                         hint="approve without --reissue")
    if path.exists():
        raise InputError("--reissue replaces a committed release that has been deleted, but this one is still here",
                         relative, hint="delete it first (git keeps the committed version), then approve it again")
    committed = reissue_target(root, relative)
    if committed is None or committed.sha256 is None:
        raise InputError(f"no release dated {path.stem} was ever committed here, so there is nothing to re-issue",
                         relative, hint="approve it without --reissue")
    return Reissue(committed.sha256, dt.date.today(), why.strip())


def _signer(school: School, key_file: Path, shown: Path):
    """The signer's name and private key; the key must be one of the school's `signers:`."""
    key = load_private_key(key_file)
    public = public_key_text(key.public_key())
    name = next((s.name for s in school.signers if s.public_key == public), None)
    if name is None:
        raise InputError("this signing key is not among the school's signers", shown,
                          hint=f"add it under 'signers:' in school.yml: - name: \"Your name, role\"  public_key: \"{public}\"")
    return name, key
