"""A secret of this user's, outside the project, that names cache entries so no file in the project can pose as one."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path


def cache_name(key: str) -> str:
    """The file name of a cache entry: an HMAC of what determines it, under this user's secret.

    A laid-out PDF planted in a pull request's `.cache/` under the plain hash of its HTML is never used: its name
    cannot be computed without the secret."""
    return hmac.new(_secret(), key.encode("utf-8"), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=1)
def _secret() -> bytes:
    """~/.cache/policy-site/cache-key (made once, readable only by this user); a fresh secret for this run otherwise."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-site"
    path = folder / "cache-key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # made by an earlier run (or another process just now)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
        if path.stat().st_uid != os.getuid() or path.stat().st_mode & 0o077:
            return secrets.token_bytes(32)  # not ours alone: trust no entry made with it
        secret = path.read_bytes()
        return secret if len(secret) == 32 else secrets.token_bytes(32)
    except OSError:  # no home folder to keep it in: this run's own secret
        return secrets.token_bytes(32)
