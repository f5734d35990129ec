"""A build with several jobs composes the schools in worker processes: the same documents, and every problem reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import edit_school

from site_build.commands import build
from site_build.commands.school_policy import policy_states
from site_build.errors import OutputError, PolicySiteError
from site_build.load.project import load_project

TODAY = dt.date(2026, 11, 23)


def options(project: Path, jobs: int) -> build.BuildOptions:
    return build.BuildOptions(out=project / "site", today=TODAY, jobs=jobs)


def test_schools_composed_in_workers_are_the_schools_composed_in_one_process(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(build, "MIN_SCHOOLS_PER_JOB", 2)  # two workers for the six example schools
    loaded = load_project(project)
    parallel = build._compose(loaded, options(project, 2))
    serial = policy_states(loaded, TODAY)
    assert list(parallel) == list(serial) and len(serial) >= 4
    for slug, states in serial.items():
        assert [(s.policy_id, s.draft.fingerprint, [r.label for r in s.releases]) for s in parallel[slug]] == \
               [(s.policy_id, s.draft.fingerprint, [r.label for r in s.releases]) for s in states], slug


def test_problems_in_schools_composed_by_different_workers_are_all_reported(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(build, "MIN_SCHOOLS_PER_JOB", 2)
    slugs = sorted(path.parent.name for path in (project / "schools").glob("*/school.yml"))
    broken = [slugs[0], slugs[1]]  # shares are every other school: these two go to different workers
    for slug in broken:
        edit_school(project, slug, lambda data: data["policies"]["acceptable-use"].setdefault("drop", []).append("no-such-clause"))
    with pytest.raises(PolicySiteError) as caught:
        build._compose(load_project(project), options(project, 2))
    message = str(caught.value)
    assert all(f"schools/{slug}/" in message for slug in broken), message


def test_workers_replaced_between_shares_build_every_school_and_report_every_failure(project: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(build, "SCHOOLS_PER_POOL", 2)  # the example schools in pools of two, each pool new workers
    slugs = sorted(path.parent.name for path in (project / "schools").glob("*/school.yml"))
    report = build.build(project, None, options(project, 2))
    assert sorted(report.built) == slugs and all((project / "site" / slug / "index.html").is_file() for slug in slugs)
    build_one = build._build_one
    failing = {slugs[0], slugs[-1]}

    def sometimes(project, states, options, slug, layout=None):
        if slug in failing:
            raise OutputError("the site could not be written", f"site/{slug}")
        return build_one(project, states, options, slug, layout)

    monkeypatch.setattr(build, "_build_one", sometimes)  # forked workers inherit it
    with pytest.raises(PolicySiteError) as caught:
        build.build(project, None, replace(options(project, 2), force=True))
    assert all(f"site/{slug}:" in str(caught.value) for slug in failing), str(caught.value)
