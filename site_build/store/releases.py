"""Read, check and write approved releases under schools/<slug>/releases/<policy>/ (the I/O edge).

Each release records the SHA-256 of the one before it (`previous_sha256`), so the releases of a policy
form a chain: an edited, swapped, inserted or deleted middle release breaks it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import BusyError, ErrorCollector, InputError, PolicySiteError, Problem, TamperedRelease
from ..model.document import Document
from ..model.release import (
    RELEASE_FORMAT,
    Letterhead,
    Meeting,
    PolicyState,
    Reissue,
    Release,
    Signature,
    Sources,
    release_hash,
    version_for,
)
from ..model.vocabulary import RELEASE_KINDS

MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest real release is well under 1 MB
MAX_DEPTH = 32  # a release is about 5 levels deep
SHA256 = re.compile(r"^[0-9a-f]{64}$")
RESTORE = "restore it from version control; releases are written only by `policy-site approve`"
FORMAT_1_KEYS = {"format", "version", "kind", "approved_on", "approved_by", "note", "next_review", "reaffirmed",
                 "document", "sha256"}
FORMAT_2_KEYS = FORMAT_1_KEYS | {"previous_sha256", "signature", "date_precision",  # date_precision: only "month"
                                  "reissue",  # reissue: only in a release that replaces a committed one
                                  "letterhead", "sources",  # what it prints and what it was composed from (newer ones)
                                  "meeting", "effective"}  # the meeting that approved it; when it takes effect


def releases_folder(root: Path, slug: str) -> Path:
    return root / "schools" / slug / "releases"


def release_dir(root: Path, slug: str, policy_id: str) -> Path:
    return releases_folder(root, slug) / policy_id


def has_releases(root: Path, slug: str) -> bool:
    """Whether the school's folder holds anything approved (read before the school is loaded)."""
    folder = releases_folder(root, slug)
    return folder.is_dir() and any(folder.iterdir())


def read_releases(root: Path, slug: str, policy_id: str) -> list[Release]:
    """Every release of one policy, oldest first, each checked against its hash and the chain."""
    folder = release_dir(root, slug, policy_id)
    if not folder.is_dir():
        return []
    errors = ErrorCollector()
    releases = []
    for path in sorted(folder.glob("*.json")):
        try:
            releases.append(read_release(path, root))
        except PolicySiteError as exc:
            errors.add(exc)
    errors.raise_if_any()
    for problem in chain_problems(releases):
        errors.add(problem)
    errors.raise_if_any()
    return releases


def read_release(path: Path, root: Path) -> Release:
    """One release file, checked: size, depth, duplicate keys, fields, hash, name and folder."""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    data = load_json(path, shown, hint=RESTORE)
    try:
        release = _release_from(data, shown)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TamperedRelease(f"this release cannot be read: {exc}", shown, hint=RESTORE) from None
    if path.stem != release.version:
        raise TamperedRelease(f"this release says version {release.version} but is named {path.name}", shown,
                          hint="restore the original file name")
    folder_policy, folder_school = path.parent.name, path.parent.parent.parent.name
    if (release.document.school_slug, release.document.policy_id) != (folder_school, folder_policy):
        raise TamperedRelease(f"this release is {release.document.school_slug}'s {release.document.policy_id}, "
                          f"but it sits in {folder_school}'s {folder_policy} folder", shown, hint=RESTORE)
    return release


def _release_from(data: Any, shown: Path) -> Release:
    if not isinstance(data, dict):
        raise ValueError("it is not a JSON object")
    form = data.get("format")
    if form not in (1, RELEASE_FORMAT) or isinstance(form, bool):
        raise ValueError(f"unknown release format {form!r}")
    unknown = sorted(set(data) - (FORMAT_1_KEYS if form == 1 else FORMAT_2_KEYS))
    if unknown:
        raise ValueError(f"unknown key '{unknown[0]}'")
    if not isinstance(data.get("sha256"), str) or release_hash(data) != data["sha256"]:
        raise TamperedRelease("this approved release has been altered since it was approved (its SHA-256 does not match)",
                          shown, hint="restore it from version control: git checkout -- " + str(shown))
    previous = data["previous_sha256"] if form == 2 else None
    if previous is not None and not (isinstance(previous, str) and SHA256.match(previous)):
        raise ValueError("'previous_sha256' is not a SHA-256")
    kind = _text(data, "kind")
    if kind not in RELEASE_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if not isinstance(data["reaffirmed"], bool):
        raise ValueError("'reaffirmed' should be true or false")
    precision = data.get("date_precision", "day")
    if "date_precision" in data and precision != "month":
        raise ValueError("'date_precision' may only be \"month\"")
    document = data["document"]
    for clause in document["clauses"]:
        if not all(isinstance(clause[k], str) for k in ("id", "number", "title", "text", "origin")) \
                or type(clause["level"]) is not int:
            raise ValueError("a clause of the document has a value of the wrong type")
    release = Release(
        version=_text(data, "version"), kind=kind, approved_on=dt.date.fromisoformat(_text(data, "approved_on")),
        approved_by=_text(data, "approved_by"), note=_text(data, "note"),
        next_review=dt.date.fromisoformat(_text(data, "next_review")), reaffirmed=data["reaffirmed"],
        document=Document.from_data(document), sha256=data["sha256"], previous_sha256=previous,
        signature=_signature(data.get("signature")), format=form, path=shown, date_precision=precision,
        reissue=_reissue(data.get("reissue")),
        letterhead=Letterhead.from_data(data["letterhead"]) if "letterhead" in data else None,
        sources=Sources.from_data(data["sources"]) if "sources" in data else None,
        meeting=Meeting.from_data(data["meeting"]) if "meeting" in data else None,
        effective=dt.date.fromisoformat(_text(data, "effective")) if "effective" in data else None,
    )
    if version_for(release.approved_on, precision) != release.version or precision == "month" and release.approved_on.day != 1:
        raise ValueError(f"version {release.version} is not its approval date {release.approved_on}")
    if release.reissue and release.reissue.on < release.approved_on:
        raise ValueError(f"it says it was re-issued on {release.reissue.on}, before it was approved")
    return release


def _text(data: dict, key: str) -> str:
    if not isinstance(data[key], str):
        raise ValueError(f"'{key}' should be text")
    return data[key]


def _signature(data: Any) -> Signature | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"public_key", "signed_by", "value"} \
            or not all(isinstance(v, str) for v in data.values()):
        raise ValueError("'signature' should have exactly public_key, signed_by and value, each text")
    return Signature(**data)


def _reissue(data: Any) -> Reissue | None:
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"of_sha256", "on", "why"} \
            or not all(isinstance(v, str) for v in data.values()):
        raise ValueError("'reissue' should have exactly of_sha256, on and why, each text")
    if not SHA256.match(data["of_sha256"]) or not data["why"].strip():
        raise ValueError("'reissue' should name the SHA-256 of the release it replaces, and say why")
    return Reissue(data["of_sha256"], dt.date.fromisoformat(data["on"]), data["why"])


def load_json(path: Path, shown: Path | str, hint: str) -> Any:
    """Parse a JSON file we wrote, refusing huge or absurdly nested files and duplicate keys."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read this file: {exc.strerror}", shown, hint=hint) from None
    return parse_json(raw, shown, hint)


def parse_json(raw: bytes, shown: Path | str, hint: str) -> Any:
    """Parse JSON bytes with the same limits as `load_json`."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"this file is larger than {MAX_FILE_BYTES // 2**20} MB, far larger than any real one",
                          shown, hint=hint)
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise InputError("this file is nested far too deeply to be real", shown, hint=hint) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"this file is not UTF-8 text (byte {exc.start})", shown, hint=hint) from None
    except ValueError as exc:
        raise InputError(f"this file cannot be read: {exc}", shown, hint=hint) from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(f"this file is nested more than {MAX_DEPTH} levels deep, far deeper than any real one",
                          shown, hint=hint)
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key '{key}' appears twice (a reader could take either value)")
        data[key] = value
    return data


def _depth(data: Any) -> int:
    """How deeply lists and objects nest, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def chain_problems(releases: Sequence[Release | None]) -> list[Problem]:
    """Each failing release of one policy (oldest first; None for a file already reported unreadable)."""
    problems: list[Problem] = []
    by_hash = {r.sha256: r for r in releases if r is not None}
    chained = False
    for index, release in enumerate(releases):
        if release is None:
            continue
        previous = releases[index - 1] if index else None
        message = None
        if release.format == 1:
            if chained:
                message = ("this is an old-format (unchained) release after chained ones; approve never writes one, "
                           "so it was forged or inserted")
        elif index == 0 and release.previous_sha256 is not None:
            message = (f"this is the first release here, but it was approved after another release "
                       f"(SHA-256 {release.previous_sha256[:12]}...) that is missing: a release before it was deleted, "
                       "or releases were swapped")
        elif previous is None:
            pass  # the file before it could not be read, and is reported on its own
        elif release.previous_sha256 is None:
            message = (f"this release claims to be the policy's first approval, but {_name(previous)} comes before it: "
                       "releases were swapped, renamed or inserted")
        elif release.previous_sha256 != previous.sha256:
            other = by_hash.get(release.previous_sha256)
            message = (f"it was approved after {_name(other)}, but the release before it here is {_name(previous)}: "
                       "releases were swapped, renamed or inserted" if other else
                       f"the release it was approved after (SHA-256 {release.previous_sha256[:12]}...) is not here: "
                       f"{_name(previous)} was altered or replaced since, or a release between them was deleted")
        chained = chained or release.format >= 2
        if message:
            problems.append(TamperedRelease(message, release.path, hint=RESTORE))
    return problems


def _name(release: Release) -> str:
    return release.path.name if release.path else release.version


def release_manifest(states: Sequence[PolicyState]) -> bytes:
    """The school's `releases.json`: per policy, every published release's version and SHA-256 (the chain's head last)."""
    policies = {state.policy_id: [{"version": r.version, "sha256": r.sha256} for r in state.releases]
                for state in sorted(states, key=lambda s: s.policy_id)}
    return (json.dumps({"format": 1, "policies": policies}, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_release(root: Path, slug: str, release: Release) -> Path:
    """Write a new release atomically; never replace an existing one."""
    folder = release_dir(root, slug, release.document.policy_id)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{release.version}.json"
    data = {**release.to_data(), "sha256": release.sha256}
    if release.signature:
        data["signature"] = release.signature.to_data()
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        os.link(temp_name, final)  # fails if the release exists: no overwrite, even in a race
    except FileExistsError:
        raise InputError(f"a release dated {release.version} already exists", final.relative_to(root),
                          hint="approved releases are never replaced; approve the new version with its own date") from None
    finally:
        os.unlink(temp_name)
    _fsync_dir(folder)
    return final


@contextmanager
def approval_lock(root: Path, slug: str, policy_id: str) -> Iterator[None]:
    """Only one approval of a policy at a time; a second one is told so at once."""
    folder = release_dir(root, slug, policy_id)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".approve.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError("another approval of this policy is running", folder.relative_to(root),
                              hint="wait for it to finish, then check `policy-site status`") from None
        yield


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
