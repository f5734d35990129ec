"""The package's shape: stage folders that import only downward, a module per command, MkDocs in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest

from site_build.cli import main

PACKAGE = Path(__file__).resolve().parents[2] / "site_build"
# Each stage may import itself and the stages after it in this list, never one before it.
LAYERS = ["cli", "commands", "site", "render", "compose", "diff", "load", "store", "model", "errors"]
TERMINAL = {"cli.py", "commands/status.py", "render/redline.py"}
SAME_FLOOR = {frozenset({"load", "store"}), frozenset({"compose", "diff"})}  # independent stages on one floor


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "node_modules" not in p.parts)


def stage(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_stages(path: Path) -> set[tuple[str, int]]:
    """The site_build stages `path` imports, with the line of each import."""
    found = set()
    package = path.relative_to(PACKAGE).parent.parts
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            target = [*base, *(node.module or "").split(".")] if node.module else list(base)
            names = [target[0]] if target and target[0] else [alias.name for alias in node.names]
            found |= {(name, node.lineno) for name in names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("site_build."):
            found.add((node.module.split(".")[1], node.lineno))
    return found


def test_stages_import_only_the_stages_below_them():
    upward = []
    for path in modules():
        own = stage(path)
        if own == "__init__" or own not in LAYERS:
            continue
        for other, line in imported_stages(path):
            if other in (own, "__init__") or other not in LAYERS:
                continue
            if LAYERS.index(other) < LAYERS.index(own) and frozenset({own, other}) not in SAME_FLOOR:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports {other}")
    assert not upward, "imports that run upward: " + "; ".join(upward)


def test_every_module_is_in_a_stage_folder():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "cli", "errors")]
    assert not loose, f"modules outside a stage folder: {loose}"
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(LAYERS) - {"cli", "errors"}


@pytest.mark.parametrize("name", sorted(main.commands))
def test_each_command_has_a_module_named_after_it(name: str):
    command = main.commands[name]
    assert isinstance(command, click.Command)
    module = PACKAGE / "commands" / f"{name.replace('-', '_')}.py"
    assert module.is_file(), f"`policy-site {name}` has no module {module.relative_to(PACKAGE)}"
    assert f"from .commands.{module.stem} import" in (PACKAGE / "cli.py").read_text(), f"cli does not call commands/{module.name}"


def test_only_the_cli_prints_and_only_the_adapter_imports_mkdocs():
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
        imports |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        relative = path.relative_to(PACKAGE).as_posix()
        if "mkdocs" in imports:
            assert relative == "site/mkdocs_adapter.py", f"{relative} imports mkdocs directly"
        if imports & {"click", "rich"}:  # the terminal: the CLI, and the two renderers of terminal output
            assert relative in TERMINAL, f"{relative} talks to the terminal"


def test_nothing_reads_outside_the_repository():
    for path in [*modules(), *Path(PACKAGE.parent, "tests").rglob("*.py")]:
        if "node_modules" in path.parts:
            continue
        outside = "../" + "shared"  # the workplace folder beside a checkout, which a user's clone does not have
        assert outside not in path.read_text(encoding="utf-8"), f"{path} refers to {outside}"
