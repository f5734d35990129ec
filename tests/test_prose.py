"""The prose lint (tests/prose_lint.py) is green over every example school's draft, and catches each fault when it
comes back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, edit
from prose_lint import RoleName, articles, doubled_words, lint_document, number_agreement, pupil_words, role_names, role_names_of, unjoined_lists

from site_build.compose.policy import compose_all
from site_build.compose.roles import resolve_duties
from site_build.load.project import load_project

TODAY = dt.date.today()
NURSERY = "tudhoe-moor-nursery"


def lint_project(root: Path, as_at: dt.date = TODAY) -> dict[str, list]:
    """Every school's findings, its drafts composed as at a day."""
    project = load_project(root)
    findings: dict[str, list] = {}
    for (slug, _), document in compose_all(project, as_at).items():
        school = project.schools[slug]
        roles = role_names_of(resolve_duties(school, project.roles).roles, project.roles.library.roles)
        findings.setdefault(slug, []).extend(lint_document(document, school.facts.phase, roles))
    return findings


def rules_found(findings: list) -> set[str]:
    return {finding.rule for finding in findings}


@pytest.mark.parametrize("as_at", [TODAY, dt.date(2026, 11, 23), dt.date(2025, 9, 1), dt.date(2021, 10, 18)])
def test_every_example_school_reads_cleanly(as_at: dt.date):
    findings = lint_project(ROOT, as_at)
    assert len(findings) == 6  # every example school was linted
    assert not [str(f) for school in findings.values() for f in school], as_at


def test_a_nursery_with_every_optional_clause_and_item_still_speaks_of_children(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    path = root / "schools" / NURSERY / "school.yml"
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    policy = facts["policies"]["acceptable-use"]
    policy["drop"] = []
    policy["include"] = ["school-mobile-devices", "trainee-devices", "staff-generative-ai", "parent-loans",
                         "multi-factor-authentication", "data-protection-statement"]
    items = policy["items"]
    for clause in load_project(root).clauses.values():
        optional = [item.id for item in clause.meta.items if item.optional]
        if optional:
            settings = items.setdefault(clause.id, {})
            settings["add"] = list(settings.get("add", [])) + optional
            settings["drop"] = [i for i in settings.get("drop", []) if i not in optional]
    path.write_text(yaml.safe_dump(facts, sort_keys=False, allow_unicode=True), encoding="utf-8")
    findings = lint_project(root)[NURSERY]
    assert not [str(f) for f in findings]
    text = "\n".join(c.text for c in compose_all(load_project(root), TODAY)[NURSERY, "acceptable-use"].clauses)
    assert "children" in text and "Radicalisation online" in text  # the clauses it had dropped are in


# --- each rule catches its fault --------------------------------------------------------------------------------

def test_doubled_words_are_caught():
    assert doubled_words("Tell the the headteacher.") == ["Tell the the headteacher."]
    assert doubled_words("Staff had had training; they said that that was useful.") == []


def test_doubled_words_are_caught_in_a_composed_clause(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    edit(root / "clauses" / "sanctions.md", "dealt with under the school's", "dealt with under the the school's")
    findings = lint_project(root)
    assert {f.where for f in findings["ashcombe-ridge-academy"] if f.rule == "doubled_words"} == {"4.2 sanctions"}


@pytest.mark.parametrize("fault", ["a hour", "a SEN support plan", "a MFA code", "a 11-year-old", "an university",
                                   "an one-off payment", "an DSL", "a email"])
def test_a_wrong_article_is_caught(fault: str):
    assert articles(f"Staff need {fault} today.")


@pytest.mark.parametrize("fine", ["a university", "a one-off payment", "an hour", "an SEN support plan", "an MFA code",
                                  "a DSL", "a UK school", "a user", "an 8-year-old", "a PIN", "a USB stick", "an ICT lead"])
def test_a_right_article_is_not_flagged(fine: str):
    assert articles(f"Staff need {fine} today.") == []


def test_a_list_without_and_is_caught():
    assert unjoined_lists("The rules apply to pupils, staff, governors.")
    assert unjoined_lists("The rules apply to pupils, staff and governors.") == []
    assert unjoined_lists("This section applies to every adult who works at or for the school, whether paid or unpaid.") == []


def test_the_parents_section_without_loans_is_caught_when_its_and_goes_missing(tmp_path: Path):
    """The fault in issue 15: with parent-loans off, 'explains when ..., how ...' had no 'and'."""
    root = copy_project(tmp_path / "project")
    edit(root / "clauses" / "parents.md", " and how we ask them to communicate", ", how we ask them to communicate")
    findings = [f for f in lint_project(root)[NURSERY] if f.rule == "unjoined_lists"]
    assert [f.where for f in findings] == ["6 parents"]
    assert "facilities, how we ask them" in findings[0].text


def test_1_rules_is_caught_and_a_sheet_of_one_rule_says_rule(tmp_path: Path):
    assert number_agreement("**1 rules for school staff on Facebook**")
    assert number_agreement("12 rules, from 1 September, in 1 class") == []
    root = copy_project(tmp_path / "project")
    sheet = load_project(root).clauses["facebook-cheat-sheet"]
    keep, *others = [item.id for item in sheet.meta.items if not item.optional]
    path = root / "schools" / NURSERY / "school.yml"
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts["policies"]["acceptable-use"]["items"]["facebook-cheat-sheet"] = {"drop": others}
    path.write_text(yaml.safe_dump(facts, sort_keys=False), encoding="utf-8")
    text = compose_all(load_project(root), TODAY)[NURSERY, "acceptable-use"].clause("facebook-cheat-sheet").text
    assert "1 rule for school staff on Facebook" in text
    assert not [f for f in lint_project(root)[NURSERY] if f.rule == "number_agreement"]
    edit(root / "clauses" / "facebook-cheat-sheet.md", '{{ "rule" if items|length == 1 else "rules" }}', "rules")
    assert [f.where for f in lint_project(root)[NURSERY] if f.rule == "number_agreement"] == ["Appendix 1 facebook-cheat-sheet"]


DSL = RoleName("dsl", "designated safeguarding lead", "DSL", "designated safeguarding lead", "DSL")
HEAD = RoleName("headteacher", "Principal", None, "headteacher", None)


def test_a_short_form_before_it_is_introduced_is_caught():
    assert role_names([("1 intro", "Tell the DSL."), ("2 more", "the designated safeguarding lead (DSL) decides")], [DSL])
    assert role_names([("1 intro", "the designated safeguarding lead (DSL) decides"), ("2 more", "Tell the DSL.")],
                      [DSL]) == []


def test_a_retitled_role_under_the_models_name_is_caught():
    [(where, words)] = role_names([("1 intro", "The Principal decides; ask the headteacher.")], [HEAD])
    assert where == "1 intro" and words.endswith("ask the headteacher.")
    assert role_names([("1 intro", "The Principal decides.")], [HEAD]) == []


def test_a_role_named_two_ways_in_a_composed_policy_is_caught(tmp_path: Path):
    """Ashcombe Ridge calls its headteacher the Principal: a clause that says 'the headteacher' is another name."""
    root = copy_project(tmp_path / "project")
    edit(root / "clauses" / "exceptions.md", "ask {{ who(\"grants-exceptions\", \"or\") }}", "ask the headteacher")
    findings = [f for f in lint_project(root)["ashcombe-ridge-academy"] if f.rule == "role_names"]
    assert [f.where for f in findings] == ["4.1 exceptions"]


def test_pupils_in_a_nursery_are_caught():
    assert pupil_words("Images of pupils") and pupil_words("a pupil's work") and pupil_words("students' work")
    assert pupil_words("Images of children") == []


def test_the_nursery_parents_agreement_asking_for_the_rules_for_pupils_is_caught(tmp_path: Path):
    """The fault in issue 15: a nursery's parents asked to help their child 'follow the school's rules for pupils'."""
    root = copy_project(tmp_path / "project")
    edit(root / "clauses" / "parents-agreement.md", "{% if school.phase == 'nursery' %}", "{% if false %}")
    edit(root / "schools" / NURSERY / "school.yml", "      parents-agreement:\n        drop: [support-safe-use]\n", "")
    findings = [f for f in lint_project(root)[NURSERY] if f.rule == "pupil_words"]
    assert [f.where for f in findings] == ["Appendix 3 parents-agreement"]
    assert "rules for pupils" in findings[0].text
    assert not any(f.rule == "pupil_words" for f in lint_project(root)["chellaston-infant"])  # only a nursery
