"""Releases against git history: every release ever committed must still be here, unchanged."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ..errors import InputError, Problem, TamperedRelease
from .releases import RESTORE, parse_json

# The fields a re-made (format 1 -> 2) release must keep: everything but the format, hash, chain link and signature.
RECORD = ("version", "kind", "approved_on", "approved_by", "note", "next_review", "reaffirmed", "document")


def git_problems(root: Path) -> list[Problem]:
    """Each committed release missing or changed in the working folder (nothing when this is not a git repo)."""
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return []
    log = _git(root, "log", "--all", "--relative", "--format=%x00%H", "--name-only", "--diff-filter=A", "--",
               "schools/*/releases/*")
    problems = []
    commit = ""
    for line in (log or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("\0"):
            commit = line[1:]
        elif line.endswith(".json") and commit:
            problem = _check(root, commit, line)
            if problem:
                problems.append(problem)
    return problems


def _check(root: Path, commit: str, relative: str) -> Problem | None:
    committed = _git(root, "show", f"{commit}:./{relative}")
    path = root / relative
    if committed is None:
        return None
    where = f"committed in {commit[:10]}"
    if not path.is_file():
        school = path.parents[2]
        if not (school / "school.yml").is_file():
            return None  # the whole school was removed from the project
        return TamperedRelease(f"this release was {where} but is missing here: a deleted release silently rolls the site back",
                           relative, hint=f"restore it: git checkout {commit[:10]} -- {relative}")
    current = path.read_bytes()
    if current == committed or _remade(committed, current, relative):
        return None
    return TamperedRelease(f"this release differs from the one {where}: approved releases never change", relative,
                       hint=f"compare with: git diff {commit[:10]} -- {relative}; " + RESTORE)


def _remade(committed: bytes, current: bytes, relative: str) -> bool:
    """True when a format-1 release was re-made in format 2 with the same record (a one-off migration)."""
    try:
        old, new = parse_json(committed, relative, RESTORE), parse_json(current, relative, RESTORE)
    except InputError:
        return False
    if not (isinstance(old, dict) and isinstance(new, dict) and old.get("format") == 1 and new.get("format") == 2):
        return False
    return all(json.dumps(old.get(k), sort_keys=True) == json.dumps(new.get(k), sort_keys=True) for k in RECORD)


def _git(root: Path, *args: str) -> bytes | None:
    """A git command's output, or None when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
