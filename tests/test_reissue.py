"""Re-issuing a committed release on purpose (`approve --reissue`), through the real CLI in a git repository."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import assert_clean_failure, run_cli, scaffold

from site_build.model.release import release_hash

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SLUG = "new-academy"
POLICY = "acceptable-use"
ON = "2025-09-01"
SHOWN = f"schools/{SLUG}/releases/{POLICY}/{ON}.json"
WHY = "The roles are now the school's own"


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A", "schools")
    git(root, "commit", "-q", "-m", message)


def approve(root: Path, *extra: str):
    return run_cli("approve", "--by", "Governing Board", SLUG, POLICY, "--on", ON, "--kind", "edition", "--note", "First", *extra, cwd=root)


def verify(root: Path):
    return run_cli("verify", "--today", dt.date.today().isoformat(), cwd=root)


def release(root: Path) -> dict:
    return json.loads((root / SHOWN).read_text())


def forge(root: Path, data: dict) -> None:
    """Write the release as a forger would: its SHA-256 recomputed, so the hash alone proves nothing."""
    (root / SHOWN).write_text(json.dumps({**data, "sha256": release_hash(data)}, indent=2, sort_keys=True) + "\n")


@pytest.fixture
def committed(project: Path) -> Path:
    """A git repository whose new school has one committed release."""
    assert scaffold(project, SLUG, "--name", "New Academy").code == 0
    assert approve(project).code == 0
    git(project, "init", "-q")
    commit(project, "first release")
    assert verify(project).code == 0
    return project


def reissue(root: Path, replaces: str | None = None) -> str:
    """Delete the release and approve it again with --reissue; returns the SHA-256 it replaces (default: the deleted one's)."""
    old = replaces or release(root)["sha256"]
    (root / SHOWN).unlink()
    result = approve(root, "--reissue", WHY)
    assert result.code == 0, result.text
    assert f"replaces the committed release with SHA-256 {old[:12]}..." in result.out
    return old


def test_a_reissued_release_verifies_with_a_warning_before_and_after_it_is_committed(committed: Path):
    old = reissue(committed)
    data = release(committed)
    assert data["reissue"] == {"of_sha256": old, "on": dt.date.today().isoformat(), "why": WHY}
    assert data["format"] == 2 and data["sha256"] == release_hash(data) != old
    warning = f"warning: {SHOWN}: re-issued on {dt.date.today().isoformat()} ({WHY}), replacing SHA-256 {old[:12]}..."
    result = verify(committed)
    assert result.code == 0 and warning in result.out, result.text
    commit(committed, "re-issued")
    result = verify(committed)
    assert result.code == 0 and warning in result.out, result.text


def test_approving_a_deleted_committed_release_again_says_restore_or_reissue(committed: Path):
    (committed / SHOWN).unlink()
    assert_clean_failure(verify(committed), SHOWN, "missing here", "git checkout", "--reissue")
    assert_clean_failure(approve(committed), SHOWN, "deleted here", "restore it: git checkout", f"-- {SHOWN}",
                         "--reissue")
    assert not (committed / SHOWN).exists()


def test_an_undeclared_change_is_still_an_error_until_a_reissue_replaces_it(committed: Path):
    first = release(committed)["sha256"]
    forge(committed, {**release(committed), "note": "Rewritten"})
    assert_clean_failure(verify(committed), SHOWN, "differs from the one committed in")
    commit(committed, "rewritten")
    assert_clean_failure(verify(committed), SHOWN, "changed the one committed in", "without declaring a re-issue")
    reissue(committed, replaces=first)  # the newest version verify accepts, so the rewrite after it is replaced too
    result = verify(committed)
    assert result.code == 0, result.text
    assert "changed it without declaring a re-issue; it was re-issued here" in result.out
    assert f"{SHOWN}: re-issued on" in result.out


def test_a_reissue_naming_a_release_never_committed_is_forged(committed: Path):
    reissue(committed)
    data = release(committed)
    forge(committed, {**data, "reissue": {**data["reissue"], "of_sha256": "0" * 64}})
    assert_clean_failure(verify(committed), SHOWN, "re-issue is forged")
    commit(committed, "forged")  # committing it does not make it true
    assert_clean_failure(verify(committed), SHOWN, "committed in", "re-issue is forged")


def test_reissue_is_refused_without_a_committed_release_to_replace(committed: Path):
    assert_clean_failure(approve(committed, "--reissue", WHY), SHOWN, "still here", "delete it first")
    assert_clean_failure(run_cli("approve", "--by", "Governing Board", SLUG, POLICY, "--on", "2026-09-01", "--note", "Next", "--reissue", WHY,
                                 cwd=committed), "2026-09-01", "nothing to re-issue", "without --reissue")
    assert_clean_failure(approve(committed, "--reissue", " "), "--reissue must say why")
    shutil.rmtree(committed / ".git")
    (committed / SHOWN).unlink()
    assert_clean_failure(approve(committed, "--reissue", WHY), "not in a git repository")
    assert not (committed / SHOWN).exists()
