"""Shared fixtures: a scratch copy of the real project, the real CLI, and the example sites built once."""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SCHOOLS = ["calverley-parkside-primary", "chellaston-infant", "the-coppice-primary", "tudhoe-moor-nursery"]
BUILD_DATE = "2026-11-23"
CONTENT = ["clauses", "policies_src", "schools", "overrides", "mkdocs.yml"]
CLI = Path(sys.executable).parent / "policy-site"
# One PDF layout cache for the whole run: a PDF laid out once is reused by every scratch project.
SHARED_CACHE = Path(tempfile.mkdtemp(prefix="policy-site-test-cache-"))
PLACEHOLDER = re.compile(r"<<([^<>\n]+)>>")  # what new-school leaves for the school to fill in


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300, memory_mb: int | None = None) -> Result:
    """Run the installed `policy-site` command as a user would (with `memory_mb`, under that address-space limit)."""
    def limit() -> None:
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    proc = subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, preexec_fn=limit,
                          env={**os.environ, "COLUMNS": "200", "POLICY_SITE_CACHE": str(SHARED_CACHE), **(env or {})})
    return Result(proc.returncode, proc.stdout, proc.stderr)


def copy_project(target: Path) -> Path:
    """A scratch copy of the project's content (clauses, outlines, schools, overrides, base config)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CONTENT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".approve.lock"))
        else:
            shutil.copy2(source, target / name)
    return target


def tree_hash(folder: Path) -> str:
    """One hash of every file's path and bytes under `folder` (missing folder: empty hash)."""
    digest = hashlib.sha256()
    if folder.exists():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fill_placeholders(root: Path, slug: str, values: dict[str, str] | None = None) -> None:
    """What a user does after `new-school`: give every <<placeholder>> in school.yml a value.

    `values` gives some by the placeholder's words (quoted, so any text is safe); the rest read 'Example <words>'."""
    path = root / "schools" / slug / "school.yml"
    path.write_text(PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)]) if m.group(1) in (values or {})
                                    else f"Example {m.group(1)}", path.read_text(encoding="utf-8")), encoding="utf-8")


def scaffold(root: Path, slug: str, *options: str) -> Result:
    """`new-school SLUG OPTIONS`, its placeholders then filled in."""
    result = run_cli("new-school", slug, *options, cwd=root)
    if result.code == 0:
        fill_placeholders(root, slug)
    return result


def approved_primary(folder: Path, slug: str) -> Path:
    """A scratch project with one new primary school (both pupils' agreements), approved on 2025-09-01."""
    root = copy_project(folder / "project")
    assert scaffold(root, slug, "--name", "Maple Primary School").code == 0
    assert run_cli("approve", "--by", "Governing Board", slug, "acceptable-use", "--on", "2025-09-01", "--note", "First", cwd=root).code == 0
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example schools' sites, built once through the CLI with a fixed build date."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_cli("build", "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    return root / "site"


@pytest.fixture(scope="session")
def draft_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("draft") / "project")
    result = run_cli("build", "--draft", "--today", BUILD_DATE, cwd=root)
    assert result.code == 0, result.text
    return root / "site"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if fragment in line)


def edit_school(root: Path, slug: str, change) -> None:
    """Apply `change` to a school's YAML as data (comments in the scratch copy are not kept)."""
    from site_build.load.yaml_lines import parse_yaml

    path = root / "schools" / slug / "school.yml"
    data, _ = parse_yaml(path.read_text(), path)
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def assert_clean_failure(result: Result, *expected: str) -> None:
    """A user error: non-zero exit, no traceback, and a message with each expected fragment."""
    assert result.code == 1, result.text
    assert "Traceback" not in result.text
    for fragment in expected:
        assert fragment in result.err, f"{fragment!r} not in:\n{result.err}"
