"""`check`: validate every school, clause and outline, and report every problem at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import ErrorCollector, PolicySiteError
from ..load.base_config import load_base_config
from ..load.project import load_project
from .school_policy import policy_states


@dataclass(frozen=True)
class CheckSummary:
    schools: int
    policies: int
    clauses: int


def check(root: Path) -> CheckSummary:
    """Load and compose everything; every problem found is raised together (as `Problems`)."""
    errors = ErrorCollector()
    project = load_project(root, errors=errors)
    try:
        load_base_config(project.root)
    except PolicySiteError as exc:
        errors.add(exc)
    states: dict = {}
    try:
        states = policy_states(project, dt.date.today())  # the schools and clauses that loaded are still composed and checked
    except PolicySiteError as exc:
        errors.add(exc)
    errors.raise_if_any()
    return CheckSummary(len(project.schools), sum(len(s) for s in states.values()), len(project.clauses))
