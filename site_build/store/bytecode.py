"""Compiled templates kept between runs, in a folder only this user can open (never in the project)."""

from __future__ import annotations

import pickle

import jinja2

UNREADABLE = (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError)  # what a damaged cache entry raises


def user_bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own file cache in /tmp/_jinja2-cache-<uid> (mode 0700, refused unless this user owns it), or None.

    Not in the project: anyone with a pull request can write there, and compiled code is code. Jinja checks each
    template's source against the one it compiled, so an edited template is compiled again."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (RuntimeError, OSError):
        return None
