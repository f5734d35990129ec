"""Pinned variables: a school's own value for a variable the model gives dated editions for holds back its updates."""

from __future__ import annotations

import datetime as dt

from site_build.diff.pinned import HeldBack, held_back
from site_build.model.document import Clause, Document
from site_build.model.schema import ClauseMeta
from site_build.model.schema import edition_in_force as in_force

KCSIE = [{"value": "2021", "from": "2021-09-01"}, {"value": "2024", "from": "2024-09-01"}, {"value": "2025", "from": "2025-09-01"}]
LIBRARY = {
    "legislation": ClauseMeta.model_validate({"title": "Legislation", "defaults": {"kcsie_year": KCSIE, "act": "2018"}}),
    "filtering": ClauseMeta.model_validate({"title": "Filtering", "defaults": {"kcsie_year": KCSIE}}),
    "phones": ClauseMeta.model_validate({"title": "Phones", "defaults": {"phone_rule": "off"}}),
}
TODAY = dt.date(2026, 11, 30)


def draft(*clauses: tuple[str, str]) -> Document:
    """A composed draft with these (id, origin) clauses, numbered 1, 2, 3..."""
    return Document("acceptable-use", "Acceptable use", "oak", "Oak Primary", "1 year",
                    tuple(Clause(cid, str(n), LIBRARY[cid].title if cid in LIBRARY else cid, "text", 1, origin)
                          for n, (cid, origin) in enumerate(clauses, start=1)))


ALL = draft(("legislation", "library"), ("phones", "library"), ("filtering", "library"))


def test_the_edition_in_force_is_the_latest_begun():
    editions = LIBRARY["legislation"].defaults["kcsie_year"]
    assert in_force(editions, dt.date(2025, 8, 31)) == "2024"  # type: ignore[arg-type]
    assert in_force(editions, dt.date(2025, 9, 1)) == "2025"  # type: ignore[arg-type]
    assert in_force(editions, dt.date(2020, 1, 1)) is None  # type: ignore[arg-type]


def test_a_school_value_behind_the_model_names_every_clause_that_uses_it():
    assert held_back({"kcsie_year": "2021"}, ALL, LIBRARY, TODAY) == [
        HeldBack("kcsie_year", "2021", "2025", ("1. Legislation", "3. Filtering"))]


def test_a_value_equal_to_the_edition_in_force_holds_nothing_back_until_the_next_edition():
    assert held_back({"kcsie_year": "2024"}, ALL, LIBRARY, dt.date(2025, 8, 31)) == []
    assert [h.model_value for h in held_back({"kcsie_year": "2024"}, ALL, LIBRARY, dt.date(2025, 9, 1))] == ["2025"]


def test_plain_defaults_and_unset_variables_are_not_pins():
    assert held_back({"act": "2010", "phone_rule": "in a locker"}, ALL, LIBRARY, TODAY) == []
    assert held_back({}, ALL, LIBRARY, TODAY) == []


def test_only_the_clauses_in_the_school_draft_count():
    assert held_back({"kcsie_year": "2021"}, draft(("phones", "library")), LIBRARY, TODAY) == []
    only_filtering = held_back({"kcsie_year": "2021"}, draft(("phones", "library"), ("filtering", "library")), LIBRARY, TODAY)
    assert only_filtering[0].clauses == ("2. Filtering",)


def test_a_clause_the_school_rewrote_is_its_own_not_the_model():
    rewritten = draft(("legislation", "override"), ("filtering", "library"))
    assert held_back({"kcsie_year": "2021"}, rewritten, LIBRARY, TODAY)[0].clauses == ("2. Filtering",)
    assert held_back({"kcsie_year": "2021"}, draft(("legislation", "override")), LIBRARY, TODAY) == []


def test_no_edition_in_force_yet_is_nothing_held_back():
    assert held_back({"kcsie_year": "2019"}, ALL, LIBRARY, dt.date(2020, 1, 1)) == []
