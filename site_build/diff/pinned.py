"""Pinned variables: a school's own value for a variable the shared model gives dated editions for (pure).

A school that sets `kcsie_year: "2021"` in school.yml keeps that value when the model's next edition comes into
force, so its draft silently misses the update. `status` and `check` name each such setting.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import Problem
from ..load.project import Project
from ..load.yaml_lines import line_of
from ..model.document import Document
from ..model.release import format_date
from ..model.schema import ClauseMeta, Scalar, dated_editions, edition_in_force


@dataclass(frozen=True)
class HeldBack:
    """One variable the school sets where the model's edition in force says otherwise, and the clauses that use it."""

    variable: str
    school_value: Scalar
    model_value: Scalar  # the model's edition in force on the day composed for
    clauses: tuple[str, ...]  # the headings of the draft's shared clauses that define the variable: '8.3 Relevant legislation'


def held_back(variables: Mapping[str, Scalar], draft: Document, library: Mapping[str, ClauseMeta], as_at: dt.date) -> list[HeldBack]:
    """The school's `variables` that hold back a model update in `draft` as at a day.

    Only the draft's shared clauses count (a clause the school rewrote is its own), and only variables the clause gives
    dated editions for, where the school's value differs from the edition in force (a value equal to it holds nothing
    back yet; it will when the next edition comes into force). Variables in the order the school gives them."""
    found: dict[tuple[str, str], list[str]] = {}
    values: dict[tuple[str, str], Scalar] = {}
    for clause in draft.clauses:
        meta = library.get(clause.id)
        if clause.origin != "library" or meta is None:
            continue
        for name, default in meta.defaults.items():
            editions = dated_editions(default)
            if name not in variables or editions is None:
                continue
            model = edition_in_force(editions, as_at)
            if model is None or model == variables[name]:
                continue
            key = (name, json.dumps(model))  # two clauses could give different editions: each value is its own finding
            found.setdefault(key, []).append(clause.heading)
            values[key] = model
    order = list(variables)
    keys = sorted(found, key=lambda key: order.index(key[0]))  # stable: a variable's findings stay in clause order
    return [HeldBack(key[0], variables[key[0]], values[key], tuple(found[key])) for key in keys]


@dataclass(frozen=True)
class Pinned:
    """A school's setting that holds back a model update, where it is, for `status` and `check`."""

    school_slug: str
    school: str  # the school's name
    policy_id: str
    policy: str  # the draft's title
    found: HeldBack
    file: str  # schools/<slug>/school.yml
    line: int | None
    as_at: dt.date

    @property
    def summary(self) -> str:
        """'kcsie_year: "2021" where the model gives "2025" as at 30 November 2026; used in 2. Relevant legislation and guidance'."""
        return (f"{self.found.variable}: {shown(self.found.school_value)} where the model gives {shown(self.found.model_value)} "
                f"as at {format_date(self.as_at)}; used in {_and(self.found.clauses)}")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def warning(self) -> Problem:
        """For `check`: `schools/<slug>/school.yml:<line>: ...` with a hint."""
        return Problem(f"{self.school}'s own setting holds back a model update in its policy '{self.policy_id}': {self.summary}",
                       self.file, self.line,
                       hint=f"remove this line to follow the model's editions, or keep it if the school means to stay on "
                            f"{shown(self.found.school_value)}")


def pinned_in(project: Project, drafts: Iterable[Document], as_at: dt.date) -> list[Pinned]:
    """Every setting in the loaded schools' school.yml that holds back a model update in their drafts, by school."""
    library = {clause_id: source.meta for clause_id, source in project.clauses.items()}
    pinned = []
    for draft in sorted(drafts, key=lambda d: (d.school_name, d.school_slug, d.policy_id)):
        school = project.schools[draft.school_slug]
        settings = school.facts.policies.get(draft.policy_id)
        if settings is None or not settings.variables:
            continue
        for found in held_back(settings.variables, draft, library, as_at):
            line = line_of(school.lines, ("policies", draft.policy_id, "variables", found.variable))
            pinned.append(Pinned(school.slug, school.facts.name, draft.policy_id, draft.title, found, str(school.path), line, as_at))
    return pinned


def shown(value: Scalar) -> str:
    """A value as school.yml would write it: "2021", true, ["a", "b"]."""
    return json.dumps(value, ensure_ascii=False)


def _and(items: tuple[str, ...]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]
