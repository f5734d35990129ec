"""`new-school` offers every policy in policies_src/; errors keep their kind across a build worker."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml
from conftest import fill_placeholders

from site_build.commands.check import check
from site_build.commands.new_school import new_school
from site_build.errors import ErrorCollector, InputError, PolicySiteError, Problems, TamperedRelease


def test_new_school_offers_every_outline_and_builds_at_once(project: Path):
    outline = yaml.safe_load((project / "policies_src" / "acceptable-use.yml").read_text(encoding="utf-8"))
    outline.pop("agreements")  # a clause is signed in one policy only
    (project / "policies_src" / "staff-handbook.yml").write_text(yaml.safe_dump({**outline, "title": "Staff handbook"}),
                                                                 encoding="utf-8")
    outlines = {path.stem for path in (project / "policies_src").glob("*.yml")} - {"roles", "guidance"}
    assert {"acceptable-use", "online-safety", "mobile-phones", "social-media", "staff-handbook"} <= outlines
    adopted = sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))["policies"])
                  for path in (project / "schools").glob("*/school.yml"))
    [path] = new_school(project, "oak-tree-primary", "Oak Tree Primary", "primary")
    text = (project / path).read_text(encoding="utf-8")
    assert set(yaml.safe_load(text)["policies"]) == outlines
    assert "# Staff handbook" in text and "# include: [" in text  # each policy's optional clauses, as a hint
    fill_placeholders(project, "oak-tree-primary")
    summary = check(project)
    examples = len(list((project / "schools").glob("*/school.yml"))) - 1
    assert summary.schools == examples + 1 and summary.policies == adopted + len(outlines)


def test_new_school_without_any_outline_says_what_to_add(project: Path):
    for outline in (project / "policies_src").glob("*.yml"):
        outline.unlink()
    with pytest.raises(InputError, match="no policy outline in policies_src"):
        new_school(project, "oak-tree-primary", None, "primary")
    assert not (project / "schools" / "oak-tree-primary").exists()


def test_an_error_keeps_its_kind_and_place_across_processes():
    error = TamperedRelease("altered", Path("schools/x/releases/p/2024-01-01.json"), None, "restore it")
    copy = pickle.loads(pickle.dumps(Problems([error, InputError("bad", "school.yml", 3)])))
    assert [type(p) for p in copy.problems] == [TamperedRelease, InputError]
    assert str(copy.problems[0]) == "schools/x/releases/p/2024-01-01.json: altered\n  hint: restore it"
    assert isinstance(copy, PolicySiteError) and copy.problems[1].line == 3


def test_two_checks_finding_the_same_problem_report_it_once():
    errors = ErrorCollector()
    errors.add(InputError("bad", "school.yml", 3))
    errors.add(Problems([InputError("bad", "school.yml", 3), InputError("worse", "school.yml", 4)]))
    with pytest.raises(Problems) as caught:
        errors.raise_if_any()
    assert [p.message for p in caught.value.problems] == ["bad", "worse"]
