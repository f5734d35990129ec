"""One run of every command through the installed `policy-site`, as a user types it: exit 0 and what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUILD_DATE, copy_project, fill_placeholders, run_cli

from site_build.cli import main

SCHOOL = "chellaston-infant"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("smoke") / "project")


def smoke_runs(root: Path) -> dict[str, tuple[list[str], str]]:
    """Per command: its arguments and a phrase its output must contain."""
    outside = root.parent
    return {
        "check": (["check"], "no problems found"),
        "build": (["build", SCHOOL, "--today", BUILD_DATE, "--out", str(outside / "site")], f"built {outside / 'site' / SCHOOL}"),
        "new-school": (["new-school", "oak-tree-primary", "--name", "Oak Tree Primary"], "created schools/oak-tree-primary/school.yml"),
        "approve": (["approve", "--by", "Governing Board", "oak-tree-primary", "acceptable-use", "--on", "2025-09-01", "--note", "First version"],
                    "version 2025-09-01"),
        "diff": (["diff", SCHOOL, "acceptable-use", "--against", "model", "--format", "json"], '"kind"'),
        "status": (["status", "--today", BUILD_DATE], "Policy reviews"),
        "verify": (["verify", "--today", BUILD_DATE], "releases are intact"),
        "keygen": (["keygen", "--out", str(outside / "clerk.pem")], "ed25519:"),
        "agreements": (["agreements", SCHOOL, "-o", str(outside / "blank.pdf")], f"wrote {outside / 'blank.pdf'}"),
        "serve": (["serve", "--help"], "Live preview"),  # serving is tested for real in test_serve.py
    }


def test_every_command_has_a_smoke_run(scratch: Path):
    assert set(smoke_runs(scratch)) == set(main.commands)


@pytest.mark.parametrize("command", ["check", "build", "new-school", "approve", "diff", "status", "verify", "keygen",
                                     "agreements", "serve"])
def test_command_runs_as_the_readme_shows(scratch: Path, command: str):
    args, expected = smoke_runs(scratch)[command]
    result = run_cli(*args, cwd=scratch)
    assert result.code == 0, result.text
    assert expected in result.text
    if command == "new-school":
        fill_placeholders(scratch, "oak-tree-primary")  # as its user does before approving it
