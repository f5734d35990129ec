"""`approve`: freeze a school's draft as a release (chained to the one before, optionally signed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from ..diff.compare import compare_documents
from ..diff.correction import beyond_correction
from ..errors import InputError
from ..model.document import Document
from ..model.release import Letterhead, Meeting, Reissue, Release, Signature, make_release, version_for
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


@dataclass(frozen=True)
class Decision:
    """What the board decided, as the clerk records it."""

    on: dt.date  # the day it was approved (the 1st, with date_precision "month")
    by: str  # the board, or a committee with a recorded delegation
    note: str
    kind: str = "update"
    reaffirm: bool = False
    date_precision: str = "day"
    meeting: dt.date | None = None  # the meeting's date (default: `on`)
    minute: str | None = None  # the minute that records the decision
    effective: dt.date | None = None  # the day the policy takes effect (default: `on`)
    expect: str | None = None  # the fingerprint of the draft that was circulated


def approve(root: Path, slug: str, policy_id: str, decision: Decision, sign: Path | None = None,
            reissue: str | None = None) -> tuple[Release, Path]:
    """Compose the draft and write it as a release, refusing anything that would rewrite history or record what no
    board did.

    With `date_precision="month"`, `on` stands for its month (an old approval whose day nobody recorded); with
    `reissue` (why), it replaces the committed release of that date, which must have been deleted here."""
    on, date_precision = decision.on, decision.date_precision
    opened = open_policy(root, slug, policy_id, as_at=on.replace(day=1) if date_precision == "month" else on)  # the law as it stood
    school, draft = opened.school, opened.draft
    _check_decision(decision, reissue)
    approver, delegated = _authority(school.facts, policy_id, decision.by, school.path)
    if decision.expect is not None:
        _check_fingerprint(decision.expect, draft)
    signer = _signer(school.facts, sign, school.path) if sign else None
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
            if unchanged and not decision.reaffirm:
                raise InputError("the draft is identical to the last release, so there is nothing to approve",
                                  hint="to record a review that changed nothing, add --reaffirm")
            if decision.reaffirm and not unchanged:
                raise InputError("--reaffirm records a review with no change, but the draft has changes",
                                  hint="approve it without --reaffirm; see `policy-site diff` for what changed")
            too_big = beyond_correction(compare_documents(last.document, draft)) if decision.kind == "correction" else None
            if too_big:
                raise InputError(f"--kind correction is for a small textual fix, but {too_big}",
                                 hint="the board approves a change to what the policy says: approve it as --kind update")
        elif decision.reaffirm:
            raise InputError("there is no earlier release to reaffirm", hint="approve the first version without --reaffirm")
        elif decision.kind == "correction":
            raise InputError("a first approval cannot be a correction: there is nothing to correct",
                             hint="approve the first version with --kind edition")
        meeting = Meeting(decision.meeting or on, decision.minute, delegated)
        release = make_release(draft, on, approver, decision.note.strip(), decision.kind, decision.reaffirm, previous=last,
                               date_precision=date_precision, reissue=replaces,
                               letterhead=Letterhead.of(school.facts, policy_id), sources=opened.sources,
                               meeting=meeting, effective=decision.effective)
        if signer:
            name, key = signer
            release = replace(release, signature=Signature(public_key_text(key.public_key()), name,
                                                           sign_hash(key, release.sha256)))
        path = write_release(root, slug, release)
    return release, path.relative_to(root)


def _check_decision(decision: Decision, reissue: str | None) -> None:
    today = dt.date.today()
    if not decision.note.strip():
        raise InputError("--note must say what changed (it goes in the change log)")
    if reissue is not None and not reissue.strip():
        raise InputError("--reissue must say why the release is re-issued (verify shows it beside the release)")
    if decision.on > today:
        raise InputError(f"--on {version_for(decision.on, decision.date_precision)} is in the future; a release records an "
                         "approval that has happened", hint="approve it on or after the day the board agrees it")
    if decision.meeting and (decision.meeting > today or decision.meeting > decision.on):
        raise InputError(f"--meeting {decision.meeting} is after the approval (--on {decision.on})",
                         hint="the meeting that approved it is on or before the approval date")
    if decision.effective and decision.effective < decision.on:
        raise InputError(f"--effective {decision.effective} is before the approval (--on {decision.on})",
                         hint="a policy takes effect on or after the day it is approved")


def _authority(school: School, policy_id: str, by: str, shown: Path) -> tuple[str, bool]:
    """The approver as school.yml spells it, and whether it acts under a delegation; an error if it has no authority."""
    settings = school.policies.get(policy_id)
    board = (settings.approver if settings and settings.approver else None) or school.governance.body
    if by.strip().casefold() == board.casefold():
        return board, False
    for delegation in school.governance.delegations:
        if by.strip().casefold() == delegation.committee.casefold() and policy_id in delegation.policies:
            return delegation.committee, True
    raise InputError(f"--by {by!r}: {school.name}'s {policy_id} is approved by the {board}, and school.yml records no "
                     f"delegation of it to {by!r}", shown,
                     hint=f"give --by \"{board}\"; or, if the board has delegated it, record that in school.yml under "
                          f"governance: delegations: - committee: {by}  policies: [{policy_id}]  minute: <where the board decided>")


def _check_fingerprint(expected: str, draft: Document) -> None:
    given = "".join(ch for ch in expected.lower() if ch in "0123456789abcdef")
    if len(given) < 8:
        raise InputError(f"--expect {expected!r} is too short to be a fingerprint",
                         hint="copy it from the redline or draft PDF that was circulated: 12 hex digits, like 1a2b-3c4d-5e6f")
    if not draft.content_hash().startswith(given):
        raise InputError(f"the draft has changed since the version with fingerprint {expected} was circulated; "
                         f"it is now {draft.fingerprint}",
                         hint="nothing was approved: circulate the new draft (policy-site diff ... --format pdf) "
                              "or undo the changes made since")


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
