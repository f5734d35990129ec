"""A school's own structure: moved clauses, its own top-level sections, agreements from any clause, any order."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from site_build.compose.policy import compose_all
from site_build.errors import PolicySiteError
from site_build.load.project import load_project

TODAY = dt.date.today()

MINI = Path(__file__).parents[1] / "fixtures" / "mini"
OAK = "oak-primary"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def set_policy(root: Path, **settings: object) -> None:
    path = root / "schools" / OAK / "school.yml"
    data = yaml.safe_load(path.read_text())
    data["policies"]["aup"] = {**data["policies"]["aup"], **settings}
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def own_clause(root: Path, clause_id: str, title: str) -> None:
    (root / "overrides" / OAK / f"{clause_id}.md").write_text(f"---\ntitle: {title}\n---\nOur own words about {title}.\n")


def outline(root: Path) -> list[tuple[str, str]]:
    document = compose_all(load_project(root), TODAY)[OAK, "aup"]
    return [(clause.number, clause.id) for clause in document.clauses]


def problems(root: Path) -> list[str]:
    with pytest.raises(PolicySiteError) as caught:
        compose_all(load_project(root), TODAY)
    return [f"{p.file}:{p.line}: {p.message} | {p.hint}" for p in caught.value.problems]


def test_a_shared_clause_moves_under_the_schools_own_section_with_its_sub_sections(mini: Path):
    own_clause(mini, "our-rules", "Our rules")
    set_policy(mini, add=[{"clause": "our-rules", "at": "start"}, {"clause": "forest-school", "at": "end"}],
               move=[{"clause": "rules", "under": "our-rules"}])
    assert outline(mini)[:3] == [("1", "our-rules"), ("1.1", "rules"), ("1.1.1", "sanctions")]


def test_add_and_move_may_name_each_other_in_any_order(mini: Path):
    own_clause(mini, "our-rules", "Our rules")
    own_clause(mini, "phones-at-forest-school", "Phones at forest school")
    set_policy(mini, move=[{"clause": "pupil-phones", "under": "our-rules"}],
               add=[{"clause": "phones-at-forest-school", "after": "pupil-phones"},
                    {"clause": "forest-school", "after": "pupils"}, {"clause": "our-rules", "after": "forest-school"}])
    numbered = {clause_id: number for number, clause_id in outline(mini)}
    assert numbered["forest-school"] == "4" and numbered["our-rules"] == "5"
    assert numbered["pupil-phones"] == "5.1" and numbered["phones-at-forest-school"] == "5.2"


def test_the_schools_own_sections_stand_alone_when_it_drops_every_shared_one(mini: Path):
    for clause_id, title in (("welcome", "Welcome"), ("our-approach", "Our approach")):
        own_clause(mini, clause_id, title)
    set_policy(mini, drop=["aims", "rules", "pupils", "ai"], include=[], items={},
               add=[{"clause": "our-approach", "at": "end"}, {"clause": "welcome", "at": "start"},
                    {"clause": "forest-school", "at": "end"}])
    assert outline(mini) == [("1", "welcome"), ("2", "our-approach"), ("3", "forest-school"), ("Appendix 1", "cheat-sheet")]


def test_placing_by_an_appendix_says_how_to_make_a_section_or_an_appendix(mini: Path):
    own_clause(mini, "last-word", "Last word")
    set_policy(mini, add=[{"clause": "last-word", "before": "cheat-sheet"}, {"clause": "forest-school", "at": "end"}])
    [problem] = problems(mini)
    assert "'cheat-sheet' is an appendix" in problem and "appendix: true" in problem and "at: end" in problem
    set_policy(mini, add=[{"clause": "last-word", "before": "cheat-sheet", "appendix": True},
                          {"clause": "forest-school", "at": "end"}])
    assert outline(mini)[-2:] == [("Appendix 1", "last-word"), ("Appendix 2", "cheat-sheet")]


def test_placements_that_depend_on_each_other_in_a_circle_are_reported(mini: Path):
    set_policy(mini, move=[{"clause": "aims", "after": "pupils"}, {"clause": "pupils", "after": "aims"}])
    found = problems(mini)
    assert len(found) == 3 and sum("itself placed by" in p for p in found) == 2
    assert "cannot add 'forest-school': it is placed by 'pupils', which cannot be placed" in " ".join(found)
    assert all(p.startswith(f"schools/{OAK}/school.yml:") for p in found)


def test_a_placement_by_a_dropped_clause_names_the_drop(mini: Path):
    set_policy(mini, drop=["rules"], move=[{"clause": "aims", "after": "rules"}], items={})
    [problem] = problems(mini)
    assert "'rules' is dropped by this school (line" in problem and "keep 'rules'" in problem


def test_a_clause_cannot_move_into_its_own_sub_sections(mini: Path):
    set_policy(mini, move=[{"clause": "rules", "under": "sanctions"}])
    assert "one of its own sub-sections" in problems(mini)[0]


def test_any_clause_of_the_body_can_be_an_agreement_to_sign(mini: Path):
    set_policy(mini, agreements=[{"clause": "rules", "signed_by": ["staff"]}])
    document = compose_all(load_project(mini), TODAY)[OAK, "aup"]
    assert [(a.clause_id, a.roles) for a in document.agreements] == [("cheat-sheet", ("staff", "governor")),
                                                                      ("rules", ("staff",))]
    set_policy(mini, agreements=[{"clause": "rulez", "signed_by": ["staff"]}])
    assert "'rulez' cannot be an agreement" in problems(mini)[0] and "did you mean 'rules'?" in problems(mini)[0]
