"""Where outputs may go: never over the project's own inputs (clauses, schools, releases, the engine)."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputError

SOURCE_FOLDERS = ("clauses", "policies_src", "schools", "overrides", "site_build", "tests", ".git")
SOURCE_FILES = ("mkdocs.yml", "pyproject.toml", "README.md")


def check_output_file(root: Path, path: Path, option: str) -> Path:
    """The resolved path to write `option`'s file to, or an error if writing there could replace an input."""
    if path.is_symlink():
        raise OutputError(f"{option}: this is a symbolic link; writing through it could replace any file", path,
                          hint="give the name of a new or ordinary file")
    target = path.resolve()
    if target.is_dir():
        raise OutputError(f"{option}: this is a folder, not a file", path, hint=f"give a file name, e.g. {path / 'out'}")
    inside = _source_folder_holding(root, target)
    if inside is not None:
        raise OutputError(f"{option} would write into the project's {inside}/ folder, which holds its inputs", path,
                          hint=_elsewhere(root, path.name))
    if target.parent == root.resolve() and target.name in SOURCE_FILES:
        raise OutputError(f"{option} would overwrite the project's {target.name}", path, hint=_elsewhere(root, path.name))
    return target


def check_output_folder(root: Path, folder: Path, option: str) -> Path:
    """The resolved folder `option` may fill, or an error if it is the project, holds it, or is one of its source folders."""
    target = folder.resolve()
    project = root.resolve()
    if project == target or project.is_relative_to(target):
        raise OutputError(f"{option} is the project's folder or holds it: building there would replace the project's files",
                          folder, hint=f"build into a folder of its own, e.g. {option} {project / 'site'}")
    for name in SOURCE_FOLDERS:
        source = (project / name).resolve()
        if target.is_relative_to(source) or source.is_relative_to(target):
            where = "is" if target == source else "is inside" if target.is_relative_to(source) else "holds"
            raise OutputError(f"{option} {where} the project's {name}/ folder, which holds its inputs", folder,
                              hint=f"build into a folder of its own, e.g. {option} {project / 'site'}")
    return target


def check_cache_folder(root: Path, folder: Path) -> None:
    """Refuse a cache folder inside the project that is, or holds, a symbolic link to a folder: a pull request could
    commit `.cache` (or `.cache/stamps`) as a link to clauses/ or a school's releases, and the build would write there."""
    if not folder.absolute().is_relative_to(root.absolute()):
        return  # a folder the user chose outside the project (POLICY_SITE_CACHE)
    links = [folder] if folder.is_symlink() else []
    if not links and folder.is_dir():
        for parent, subfolders, _ in os.walk(folder):
            links += [Path(parent, name) for name in subfolders if Path(parent, name).is_symlink()]
    if links:
        raise OutputError("the build's cache folder is, or holds, a link to another folder: the build would write there",
                          links[0], hint=f"delete {folder} (it holds only what a build makes again) and build again")


def _source_folder_holding(root: Path, target: Path) -> str | None:
    """The name of the source folder `target` is inside (as written or through a symbolic link), if any."""
    project = root.resolve()
    for name in SOURCE_FOLDERS:
        if target.is_relative_to(project / name) or target.is_relative_to((project / name).resolve()):
            return name
    return None


def _elsewhere(root: Path, name: str) -> str:
    return f"write it outside {', '.join(f + '/' for f in SOURCE_FOLDERS if f != '.git')}, e.g. {root.resolve() / 'reports' / name}"
