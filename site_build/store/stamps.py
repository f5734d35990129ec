"""Build stamps: per school, the hash of everything its site is built from, and its line in the trust index.

A school whose hash is unchanged since its last build is skipped.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__
from .files import write_atomically

ENGINE_DIR = Path(__file__).parents[1]  # site_build/: a change to the engine rebuilds every school


class Stamps:
    """Per school: the hash of everything its site is built from, and its line in the trust index."""

    def __init__(self, root: Path, out: Path, cache: Path, settings: str):
        """`settings`: every build option that changes the output (today's date, drafts, PDFs, the site's URL)."""
        self.root, self.out = root, out
        out_key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
        self.folder = cache / "stamps" / out_key
        self.shared = _hash_paths(
            [root / "mkdocs.yml", *sorted((root / "clauses").glob("*.md")), *sorted((root / "policies_src").glob("*.yml")),
             *sorted(p for p in ENGINE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)],
            root, extra=f"{__version__}|{settings}")

    def school_hash(self, slug: str) -> str:
        paths = [p for folder in (self.root / "schools" / slug, self.root / "overrides" / slug) if folder.is_dir()
                 for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]
        return _hash_paths(paths, self.root, extra=self.shared)

    def fresh(self, slug: str, inputs_hash: str) -> bool:
        stamp = self._read(slug)
        return stamp is not None and stamp.get("hash") == inputs_hash and (self.out / slug / "index.html").is_file()

    def entry(self, slug: str) -> dict | None:
        """The school's line in the trust index, as recorded at its last build."""
        stamp = self._read(slug)
        return stamp["entry"] if stamp else None

    def write(self, slug: str, entry: dict, inputs_hash: str) -> None:
        """Record a school's index line and the hash of the inputs its site was built from ("" if not built)."""
        data = {"hash": inputs_hash, "entry": entry}
        write_atomically(self.folder / f"{slug}.json", json.dumps(data).encode("utf-8"))

    def _read(self, slug: str) -> dict | None:
        try:
            return json.loads((self.folder / f"{slug}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _hash_paths(paths: list[Path], root: Path, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
