"""Read, verify and write approved releases under schools/<slug>/releases/<policy>/ (the I/O edge)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .document import Document
from .errors import ErrorCollector, PolicyError
from .versions import RELEASE_FORMAT, Release, release_hash


def release_dir(root: Path, slug: str, policy_id: str) -> Path:
    return root / "schools" / slug / "releases" / policy_id


def read_releases(root: Path, slug: str, policy_id: str) -> list[Release]:
    """Every release of one policy, oldest first, each checked against its hash."""
    folder = release_dir(root, slug, policy_id)
    if not folder.is_dir():
        return []
    errors = ErrorCollector()
    releases = []
    for path in sorted(folder.glob("*.json")):
        try:
            releases.append(read_release(path, root))
        except PolicyError as exc:
            errors.add(exc)
    errors.raise_if_any()
    return releases


def read_release(path: Path, root: Path) -> Release:
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != RELEASE_FORMAT:
            raise ValueError(f"unknown release format {data.get('format')!r}")
        if release_hash(data) != data.get("sha256"):
            raise PolicyError("this approved release has been altered since it was approved (its SHA-256 does not match)",
                              shown, hint="restore it from version control: git checkout -- " + str(shown))
        release = Release(
            version=data["version"], kind=data["kind"], approved_on=dt.date.fromisoformat(data["approved_on"]),
            approved_by=data["approved_by"], note=data["note"], next_review=dt.date.fromisoformat(data["next_review"]),
            reaffirmed=data["reaffirmed"], document=Document.from_data(data["document"]), sha256=data["sha256"], path=shown,
        )
    except PolicyError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PolicyError(f"this release cannot be read: {exc}", shown,
                          hint="restore it from version control; releases are written only by `policy-site approve`") from None
    if path.stem != release.version:
        raise PolicyError(f"this release says version {release.version} but is named {path.name}", shown,
                          hint="restore the original file name")
    return release


def write_release(root: Path, slug: str, release: Release) -> Path:
    """Write a new release atomically; never replace an existing one."""
    folder = release_dir(root, slug, release.document.policy_id)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{release.version}.json"
    text = json.dumps({**release.to_data(), "sha256": release.sha256}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        os.link(temp_name, final)  # fails if the release exists: no overwrite, even in a race
    except FileExistsError:
        raise PolicyError(f"a release dated {release.version} already exists", final.relative_to(root),
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
            raise PolicyError("another approval of this policy is running", folder.relative_to(root),
                              hint="wait for it to finish, then check `policy-site status`") from None
        yield


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
