"""Releases against git history: a committed release stays, unchanged, unless it is re-issued on purpose.

Each version of a release file ever committed, and the file here, must be the first one committed (a shallow
clone or a new repository starts there), a format 1 -> 2 re-make of the one before (a one-off migration), the same
as an earlier accepted version (restored), or a declared re-issue (`approve --reissue`) of an earlier committed
version. Anything else is an error, unless a later re-issue or restore replaces it. Every re-issue and every
replaced change is reported as a warning, so none passes silently.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, TamperedRelease
from ..model.release import release_hash
from .releases import RESTORE, parse_json

# The fields a re-made (format 1 -> 2) release must keep: everything but the format, hash, chain link and signature.
RECORD = ("version", "kind", "approved_on", "approved_by", "note", "next_review", "reaffirmed", "document")
RELEASES = "schools/*/releases/*"
ACCEPTED = ("first", "remade", "restored", "reissue")


@dataclass(frozen=True)
class Version:
    """One version of a release file: the commit that wrote it ("" for the file here) and its content."""

    commit: str
    raw: bytes
    data: dict[str, Any]  # {} when unreadable
    sha256: str | None  # its own SHA-256, when its hash holds

    @property
    def reissue(self) -> dict[str, Any] | None:
        value = self.data.get("reissue")
        return value if isinstance(value, dict) else None

    @property
    def where(self) -> str:
        return f"the version committed in {self.commit[:10]}" if self.commit else "this release"


@dataclass(frozen=True)
class Verdict:
    status: str  # first | remade | restored | reissue | forged | changed | replaced
    other: int = -1  # reissue, restored: the version it replaces or restores; replaced: the one replacing it


@dataclass
class GitReport:
    """What git history says: problems, and warnings (re-issues and replaced changes of the past) as (file, text)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def in_git(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-inside-work-tree") is not None


def git_report(root: Path) -> GitReport:
    """Every committed release checked against the one here (nothing when this is not a git repo)."""
    report = GitReport()
    if in_git(root):
        history = _history(root, RELEASES)
        for relative, versions in history.items():
            _check(root, relative, versions, report)
        for path in sorted(root.glob(f"{RELEASES}/*.json")):  # a re-issue of a release never committed
            relative = path.relative_to(root).as_posix()
            version = _version("", path.read_bytes(), relative)
            if relative not in history and version.reissue is not None:
                report.problems.append(_forged(relative, version, None))
    return report


def reissue_target(root: Path, relative: Path) -> Version | None:
    """The committed version a re-issue of this release file replaces: the newest one verify accepts (None: none)."""
    versions = _history(root, str(relative)).get(str(relative), [])
    accepted = [v for v, verdict in zip(versions, _judge(versions), strict=True)
                if verdict.status in ACCEPTED and v.sha256]
    return accepted[-1] if accepted else None


def _check(root: Path, relative: str, versions: list[Version], report: GitReport) -> None:
    path = root / relative
    if not path.is_file():
        if not (path.parents[2] / "school.yml").is_file():
            return  # the whole school was removed from the project
        good = [v for v, verdict in zip(versions, _judge(versions), strict=True) if verdict.status in ACCEPTED]
        commit = (good or versions)[-1].commit[:10]
        report.problems.append(TamperedRelease(
            f"this release was committed in {commit} but is missing here: a deleted release silently rolls the site back",
            relative, hint=f"restore it: git checkout {commit} -- {relative}; or, to replace it on purpose, approve it "
                           "again with --reissue \"WHY\""))
        return
    current = path.read_bytes()
    if current != versions[-1].raw:
        versions = [*versions, _version("", current, relative)]
    for index, (version, verdict) in enumerate(zip(versions, _judge(versions), strict=True)):
        before = versions[index - 1] if index else version
        if verdict.status == "reissue" and version.commit and version.raw != current:
            report.warnings.append((relative, f"{reissue_words(version.reissue or {})} ({version.where}, since replaced)"))
        elif verdict.status == "replaced":
            later = versions[verdict.other]
            how = "re-issued" if later.reissue else "restored"
            when = f"in {later.commit[:10]}" if later.commit else "here"
            report.warnings.append((relative, f"{version.where} changed it without declaring a re-issue; "
                                              f"it was {how} {when}, which replaces that change"))
        elif verdict.status == "forged":
            report.problems.append(_forged(relative, version, before))
        elif verdict.status == "changed":
            report.problems.append(_changed(relative, before, version))


def _forged(relative: str, version: Version, before: Version | None) -> TamperedRelease:
    sha = str((version.reissue or {}).get("of_sha256"))[:12]
    return TamperedRelease(f"{version.where} says it re-issues the release with SHA-256 {sha}..., but no earlier "
                           "committed version of it has that SHA-256: the re-issue is forged", relative,
                           hint=f"restore it: git checkout {before.commit[:10]} -- {relative}" if before else RESTORE)


def _changed(relative: str, before: Version, version: Version) -> TamperedRelease:
    commit = before.commit[:10]
    reissue = "or, to replace it on purpose, delete it and approve it again with --reissue \"WHY\""
    if not version.commit:
        return TamperedRelease(f"this release differs from the one committed in {commit}: approved releases never change",
                               relative, hint=f"compare with: git diff {commit} -- {relative}; restore it: "
                                              f"git checkout {commit} -- {relative}; {reissue}")
    return TamperedRelease(f"{version.where} changed the one committed in {commit} without declaring a re-issue: "
                           "approved releases never change", relative,
                           hint=f"compare with: git diff {commit} {version.commit[:10]} -- {relative}; restore it: "
                                f"git checkout {commit} -- {relative} and commit it; {reissue}")


def reissue_words(reissue: dict[str, Any]) -> str:
    """'re-issued on 2026-11-29 (why), replacing SHA-256 0123456789ab...'."""
    return f"re-issued on {reissue.get('on')} ({reissue.get('why')}), replacing SHA-256 {str(reissue.get('of_sha256'))[:12]}..."


def _judge(versions: list[Version]) -> list[Verdict]:
    """What each version (oldest first) is to the ones before it; see the module's docstring."""
    verdicts: list[Verdict] = []
    for index, version in enumerate(versions):
        accepted = [j for j in range(index) if verdicts[j].status in ACCEPTED]
        restores = next((j for j in accepted if versions[j].raw == version.raw), None)
        if index == 0:
            verdicts.append(Verdict("first"))  # even a re-issue: what it replaced is older than this history
        elif version.reissue is not None:
            target = next((j for j in range(index) if versions[j].sha256 == version.reissue.get("of_sha256")), None)
            verdicts.append(Verdict("forged") if target is None else Verdict("reissue", target))
        elif restores is not None:
            verdicts.append(Verdict("restored", restores))
        elif _remade(versions[index - 1], version):
            verdicts.append(Verdict("remade"))
        else:
            verdicts.append(Verdict("changed"))
    for index, verdict in enumerate(verdicts):  # a later re-issue or restore of a version before it replaces a change
        later = next((k for k in range(index + 1, len(verdicts))
                      if verdicts[k].status in ("reissue", "restored") and verdicts[k].other < index), None)
        if verdict.status == "changed" and later is not None:
            verdicts[index] = Verdict("replaced", later)
    return verdicts


def _remade(old: Version, new: Version) -> bool:
    """True when a format-1 release was re-made in format 2 with the same record (a one-off migration)."""
    if not (old.data.get("format") == 1 and new.data.get("format") == 2):
        return False
    return all(json.dumps(old.data.get(k), sort_keys=True) == json.dumps(new.data.get(k), sort_keys=True) for k in RECORD)


def _version(commit: str, raw: bytes, relative: str) -> Version:
    try:
        data = parse_json(raw, relative, RESTORE)
    except InputError:
        data = None
    if not isinstance(data, dict):
        return Version(commit, raw, {}, None)
    sha = data.get("sha256")
    return Version(commit, raw, data, sha if isinstance(sha, str) and release_hash(data) == sha else None)


def _history(root: Path, pathspec: str) -> dict[str, list[Version]]:
    """Each release file ever committed under `pathspec`: its versions, oldest first (deletions left out)."""
    log = _git(root, "log", "--all", "--topo-order", "--reverse", "--relative", "--raw", "--no-abbrev", "--no-renames",
               "--format=%x00%H", "--", pathspec)
    changes: dict[str, list[tuple[str, str]]] = {}
    commit = ""
    for line in (log or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("\0"):
            commit = line[1:]
        elif line.startswith(":") and "\t" in line and commit:
            meta, relative = line.split("\t", 1)
            blob = meta.split()[3]
            if relative.endswith(".json") and blob.strip("0"):
                changes.setdefault(relative, []).append((commit, blob))
    contents = _blobs(root, sorted({blob for pairs in changes.values() for _, blob in pairs}))
    history: dict[str, list[Version]] = {}
    for relative, pairs in changes.items():
        versions: list[Version] = []
        for commit, blob in pairs:
            if blob in contents and not (versions and versions[-1].raw == contents[blob]):
                versions.append(_version(commit, contents[blob], relative))
        if versions:
            history[relative] = versions
    return history


def _blobs(root: Path, ids: list[str]) -> dict[str, bytes]:
    """The content of each git blob, read in one `git cat-file --batch`."""
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in ids).encode()) if ids else None
    blobs, at = {}, 0
    while out and at < len(out):
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs[header[0].decode()] = out[at:at + size]
            at += size + 1
    return blobs


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """A git command's output, or None when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
