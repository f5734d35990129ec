"""Who has signed what: each person's latest signature against the version they must sign (pure).

A correction is adopted without new signatures, so the version to sign is the latest edition or update;
a signature of that version or of any later one counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model.release import Release, Signed, version_to_sign


@dataclass(frozen=True)
class Unsigned:
    """The people in one role who signed an earlier version of a policy but not the one they must sign now."""

    policy_id: str
    role: str
    version: str  # the label of the version to sign: '2026-09-01 (update)'
    names: tuple[str, ...]


def unsigned(signatures: Sequence[Signed], releases: Mapping[str, Sequence[Release]]) -> list[Unsigned]:
    """For each policy and role, in the order first seen, who has not signed the version they must sign."""
    latest: dict[tuple[str, str, str], tuple[str, int]] = {}  # (policy, role, person) -> (name as written, newest index)
    for signature in signatures:
        versions = [release.version for release in releases.get(signature.policy_id, ())]
        if signature.version not in versions:
            continue
        key = (signature.policy_id, signature.role, " ".join(signature.name.split()).casefold())
        index = versions.index(signature.version)
        if key not in latest or latest[key][1] < index:
            latest[key] = (signature.name, index)
    missing: dict[tuple[str, str, str], list[str]] = {}  # (policy, role, version to sign) -> names
    for (policy_id, role, _), (name, index) in latest.items():
        history = list(releases[policy_id])
        due = version_to_sign(history)
        if due is not None and index < history.index(due):
            missing.setdefault((policy_id, role, due.label), []).append(name)
    return [Unsigned(policy_id, role, label, tuple(sorted(names, key=str.casefold)))
            for (policy_id, role, label), names in missing.items()]
