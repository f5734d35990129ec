"""`check`: validate every school, clause and outline, and report every problem at once; warn of pinned variables and
statutory requirements a school's own choice leaves unmet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..diff.guidance import statutory_warnings
from ..diff.pinned import pinned_in
from ..errors import ErrorCollector, PolicySiteError, Problem
from ..load.base_config import load_base_config
from ..load.project import load_project
from .school_policy import policy_states


@dataclass(frozen=True)
class CheckSummary:
    schools: int
    policies: int
    clauses: int
    # not errors: each school.yml setting that holds back a model update, or leaves a statutory requirement unmet
    warnings: tuple[Problem, ...] = ()


def check(root: Path, today: dt.date | None = None) -> CheckSummary:
    """Load and compose everything; every problem found is raised together (as `Problems`)."""
    today = today or dt.date.today()
    errors = ErrorCollector()
    project = load_project(root, errors=errors)
    try:
        load_base_config(project.root)
    except PolicySiteError as exc:
        errors.add(exc)
    states: dict = {}
    try:
        states = policy_states(project, today)  # the schools and clauses that loaded are still composed and checked
    except PolicySiteError as exc:
        errors.add(exc)
    errors.raise_if_any()
    pinned = pinned_in(project, [state.draft for school in states.values() for state in school], today)
    unmet = [warning for slug, school in states.items() for state in school
             for warning in statutory_warnings(project.schools[slug], state.policy_id, list(state.guidance))]
    return CheckSummary(len(project.schools), sum(len(s) for s in states.values()), len(project.clauses),
                        tuple(item.warning() for item in pinned) + tuple(unmet))
