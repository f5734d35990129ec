"""Composition as at a date: dated clauses, items, passages and variable editions; bad dates are reported at their line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from site_build.compose.policy import compose_all
from site_build.errors import PolicySiteError
from site_build.load.project import load_project

MINI = Path(__file__).parents[1] / "fixtures" / "mini"
OAK = "oak-primary"

DATED_RULES = """---
title: Rules
defaults:
  kcsie_year:
    - {value: "2016", from: 2016-09-05}
    - {value: "2023", from: 2023-09-01}
    - {value: "2024", from: 2024-09-01}
items:
  - id: no-sharing
    text: Never share your password.
  - id: no-bypass
    text: Never try to get round the filter.
  - id: osa-offences
    text: Never send false messages meant to harm (Online Safety Act 2023).
    optional: true
    from: 2024-01-31
  - id: old-regulations
    text: Follow the Lawful Business Practice Regulations 2000.
    until: 2018-06-26
  - id: new-regulations
    text: Follow the Investigatory Powers Regulations 2018.
    from: 2018-06-27
---
At {{ school.name }} these rules apply, under KCSIE {{ vars.kcsie_year }}:

{{ item_list() }}
{% if since("2025-06-19") %}Subject access searches are reasonable and proportionate.{% endif %}
{% if before("2024-01-31") %}Old offences apply.{% else %}Online Safety Act offences apply.{% endif %}
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = Path(shutil.copytree(MINI, tmp_path / "mini"))
    (root / "clauses" / "rules.md").write_text(DATED_RULES, encoding="utf-8")
    return root


def rules_on(root: Path, day: str) -> str:
    return compose_all(load_project(root, [OAK]), dt.date.fromisoformat(day))[OAK, "aup"].clause("rules").text


def test_items_and_passages_apply_from_their_first_day_until_their_last(mini: Path):
    assert "Online Safety Act 2023" not in rules_on(mini, "2024-01-30")  # the school includes it: from its first day
    assert "Never send false messages" in rules_on(mini, "2024-01-31")
    early, late = rules_on(mini, "2018-06-26"), rules_on(mini, "2018-06-27")
    assert "Lawful Business Practice" in early and "Investigatory Powers" not in early
    assert "Investigatory Powers" in late and "Lawful Business Practice" not in late
    assert "Old offences apply." in rules_on(mini, "2024-01-30")
    assert "Online Safety Act offences apply." in rules_on(mini, "2024-01-31")
    assert "reasonable and proportionate" not in rules_on(mini, "2025-06-18")
    assert "reasonable and proportionate" in rules_on(mini, "2025-06-19")


def test_a_dated_variable_takes_the_edition_in_force_and_the_school_value_wins(mini: Path):
    assert "under KCSIE 2023" in rules_on(mini, "2024-08-31")
    assert "under KCSIE 2024" in rules_on(mini, "2024-09-01")
    school = mini / "schools" / OAK / "school.yml"
    text = school.read_text(encoding="utf-8").replace("    variables:\n", "    variables:\n      kcsie_year: \"2021\"\n")
    school.write_text(text, encoding="utf-8")
    assert "under KCSIE 2021" in rules_on(mini, "2025-01-01")


def test_before_the_first_edition_the_variable_has_no_value(mini: Path):
    with pytest.raises(PolicySiteError) as caught:
        rules_on(mini, "2016-09-04")
    problem = caught.value.problems[0]
    assert "no edition in force on 2016-09-04" in problem.message and problem.line == 4


def test_a_clause_dated_from_a_day_is_left_out_before_it(mini: Path):
    ai = mini / "clauses" / "ai.md"
    ai.write_text(ai.read_text(encoding="utf-8").replace("title: Generative AI\n", "title: Generative AI\nfrom: 2023-03-29\n"),
                  encoding="utf-8")
    school = mini / "schools" / OAK / "school.yml"
    assert "ai" in school.read_text(encoding="utf-8")  # the school includes the optional clause
    ids = lambda day: [c.id for c in compose_all(load_project(mini, [OAK]), dt.date.fromisoformat(day))[OAK, "aup"].clauses]  # noqa: E731
    assert "ai" not in ids("2023-03-28") and "ai" in ids("2023-03-29")


@pytest.mark.parametrize("front, body, line, words", [
    ("items:\n  - id: a\n    text: A\n    from: 2020-02-30\n", "", 6, "is not a real date"),
    ("items:\n  - id: a\n    text: A\n    from: 2021-01-01\n    until: 2020-12-31\n", "", 7, "is before 'from'"),
    ("from: 2023-01-01\nitems:\n  - id: a\n    text: A\n    until: 2022-01-01\n", "", 5, "never appears"),
    ("defaults:\n  year:\n    - {value: '2024', from: 2024-09-01}\n    - {value: '2023', from: 2023-09-01}\n", "", 4, "oldest first"),
    ("", 'Text.\n\n{% if since("1 Sept 2025") %}x{% endif %}\n', 6, "not a date in the form YYYY-MM-DD"),
    ("", "{% if since(school.name) %}x{% endif %}\n", 4, "takes one date written in quotes"),
    ("", '{% if since("2026-01-01") and before("2025-01-01") %}x{% endif %}\n', 4, "never both true"),
    ("changes:\n  - {on: 2026-13-01, note: New rule}\n", "", 4, "is not a real date"),
])
def test_inconsistent_dates_are_reported_at_their_line(mini: Path, front: str, body: str, line: int, words: str):
    (mini / "clauses" / "rules.md").write_text(f"---\ntitle: Rules\n{front}---\n{body or 'Text.'}\n", encoding="utf-8")
    with pytest.raises(PolicySiteError) as caught:
        load_project(mini, [OAK])
    problem = next(p for p in caught.value.problems if str(p.file).endswith("rules.md"))
    assert words in problem.message and problem.line == line, (problem.message, problem.line)


def test_check_reports_a_clause_with_a_bad_date_once_not_also_as_missing(mini: Path):
    from site_build.commands.check import check

    (mini / "clauses" / "rules.md").write_text('---\ntitle: Rules\n---\n{% if since("2025-9-1") %}x{% endif %}\n', encoding="utf-8")
    with pytest.raises(PolicySiteError) as caught:
        check(mini)
    assert [(str(p.file), p.line) for p in caught.value.problems if str(p.file) != "mkdocs.yml"] == [("clauses/rules.md", 4)]
