"""The one "did you mean …?" every error message uses."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, choices: Iterable[str], otherwise: str) -> str:
    """"did you mean 'x'?" for the nearest of `choices`, else `otherwise`."""
    near = difflib.get_close_matches(name, list(choices), n=1)
    return f"did you mean '{near[0]}'?" if near else otherwise
