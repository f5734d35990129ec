"""`keygen`: create an Ed25519 signing key for approvals and return the public key for school.yml."""

from __future__ import annotations

from pathlib import Path

from ..store.signing import generate_key


def keygen(out: Path, root: Path) -> str:
    """Write the private key to OUT (never inside the project, never over a file); return the public key text."""
    return generate_key(out, root if (root / "schools").is_dir() else None)
