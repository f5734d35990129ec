"""Composition as at a date: which dated clauses, items, passages and variable editions apply on that day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from ..load.project import ClauseSource
from ..model.schema import Edition, Scalar, dated_editions, edition_in_force


def date_tests(as_at: dt.date) -> dict[str, Any]:
    """The template helpers for dated passages: `since("2025-06-19")` and `before("2018-06-27")`.

    The dates were checked as the clause loaded (load/dated.py), so here they parse."""
    return {
        "as_at": as_at,
        "since": lambda day: as_at >= dt.date.fromisoformat(day),
        "before": lambda day: as_at < dt.date.fromisoformat(day),
    }


def variables_as_at(source: ClauseSource, chosen: Mapping[str, Scalar], as_at: dt.date) -> dict[str, Any]:
    """A clause's variables: the school's value where it sets one, else the default (the edition in force on `as_at`)."""
    values: dict[str, Any] = {}
    for name, default in source.meta.defaults.items():
        if name in chosen:
            values[name] = chosen[name]
        elif (editions := dated_editions(default)) is not None:
            values[name] = _edition(name, editions, source, as_at)
        else:
            values[name] = default
    return {**values, **{name: value for name, value in chosen.items() if name not in values}}


def _edition(name: str, editions: list[Edition], source: ClauseSource, as_at: dt.date) -> Scalar:
    value = edition_in_force(editions, as_at)
    if value is None:
        raise InputError(f"the variable '{name}' has no edition in force on {as_at} (the first is from {editions[0].from_})",
                         source.path, source.line("defaults", name),
                         hint="set it in school.yml under the policy's 'variables:', or compose as at a later date")
    return value
