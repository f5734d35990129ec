"""Composition on a small fixture library: numbering, cross-references, items, conditions, overrides."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from site_build.compose.policy import compose_all
from site_build.errors import InputError, Problems
from site_build.load.project import load_project

TODAY = dt.date.today()

MINI = Path(__file__).parents[1] / "fixtures" / "mini"


def compose(root: Path = MINI):
    return compose_all(load_project(root), TODAY)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def numbers(document) -> list[tuple[str, str]]:
    return [(c.number, c.id) for c in document.clauses]


def test_numbering_is_hierarchical_with_added_clause_and_appendices():
    oak = compose()["oak-primary", "aup"]
    assert numbers(oak) == [("1", "aims"), ("2", "rules"), ("2.1", "sanctions"), ("3", "pupils"), ("3.1", "pupil-phones"),
                            ("4", "forest-school"), ("5", "ai"), ("Appendix 1", "cheat-sheet")]
    assert oak.clause("rules").heading == "2. Rules"
    assert oak.clause("sanctions").heading == "2.1 Sanctions"
    assert oak.clause("cheat-sheet").heading == "Appendix 1: Cheat sheet for staff"


def test_nursery_has_no_pupils_section_and_optional_clause_stays_out():
    acorn = compose()["acorn-nursery", "aup"]
    ids = [c.id for c in acorn.clauses]
    assert "pupils" not in ids and "pupil-phones" not in ids and "ai" not in ids
    assert numbers(acorn)[:3] == [("1", "aims"), ("2", "rules"), ("2.1", "sanctions")]


def test_cross_references_resolve_to_generated_numbers_and_anchor():
    oak = compose()["oak-primary", "aup"]
    aims = oak.clause("aims").text
    assert "[section 2.1](#sanctions)" in aims
    assert "[section 5](#ai)" in aims
    assert "AI" not in compose()["acorn-nursery", "aup"].clause("aims").text


def test_school_adds_and_drops_single_list_items_and_heading_counts_them():
    documents = compose()
    rules = documents["oak-primary", "aup"].clause("rules").text
    assert "Never share your password." in rules and "Online Safety Act 2023" in rules
    assert "get round the filter" not in rules
    sheet = documents["oak-primary", "aup"].clause("cheat-sheet").text
    assert "**4 rules for staff on social media**" in sheet
    assert sheet.index("1. Change your display name.") < sheet.index("2. Don't tag colleagues") < sheet.index("3. Check your")
    assert "**2 rules for staff on social media**" in documents["acorn-nursery", "aup"].clause("cheat-sheet").text


def test_variables_default_and_school_value():
    documents = compose()
    assert "under the pupil behaviour policy" in documents["oak-primary", "aup"].clause("sanctions").text
    assert "under the behaviour policy" in documents["acorn-nursery", "aup"].clause("sanctions").text


def test_override_replaces_shared_clause_and_is_marked():
    oak = compose()["oak-primary", "aup"]
    phones = oak.clause("pupil-phones")
    assert phones.text == "Pupils hand their phones in at the office each morning." and phones.origin == "override"
    assert oak.clause("forest-school").origin == "school"


def test_agreements_follow_the_outline():
    oak = compose()["oak-primary", "aup"]
    assert [(a.clause_id, a.roles) for a in oak.agreements] == [("cheat-sheet", ("staff", "governor"))]


def test_urn_with_leading_zero_stays_text():
    project = load_project(MINI)
    assert project.schools["oak-primary"].facts.urn == "012345"


def test_equal_inputs_give_equal_hashes_and_a_change_changes_it(mini: Path):
    first = compose(mini)["oak-primary", "aup"].content_hash()
    assert compose(mini)["oak-primary", "aup"].content_hash() == first
    (mini / "clauses" / "pupils.md").write_text("---\ntitle: Pupils\n---\nPupils are supervised.\n")
    assert compose(mini)["oak-primary", "aup"].content_hash() != first


def errors_of(root: Path) -> list[InputError]:
    with pytest.raises((InputError, Problems)) as caught:
        compose(root)
    return caught.value.problems


def test_ref_to_missing_clause_names_file_and_line(mini: Path):
    (mini / "clauses" / "pupils.md").write_text("---\ntitle: Pupils\n---\nFirst line.\nSee {{ ref('nowhere') }}.\n")
    [error] = errors_of(mini)
    assert str(error.file).endswith("clauses/pupils.md") and error.line == 5
    assert "nowhere" in error.message


def test_a_drop_that_breaks_a_reference_is_reported_at_the_schools_drop_with_the_fixes(mini: Path):
    (mini / "schools" / "acorn-nursery" / "school.yml").write_text(
        "name: Acorn\nphase: nursery\ngovernance: {body: Board}\npolicies:\n  aup:\n    drop:\n      - sanctions\n")
    [error] = errors_of(mini)
    assert str(error.file) == "schools/acorn-nursery/school.yml" and error.line == 7
    assert "dropping 'sanctions' breaks the reference to it in 'aims'" in error.message and "clauses/aims.md" in error.message
    assert "keep 'sanctions'" in error.hint and "overrides/acorn-nursery/aims.md" in error.hint


def test_every_problem_is_reported_at_once(mini: Path):
    (mini / "schools" / "acorn-nursery" / "school.yml").write_text(
        "name: Acorn\nphase: nursery\ngovernance: {body: Board}\npolicies:\n  aup:\n    drop: [sanctons]\n")
    (mini / "overrides" / "oak-primary" / "stray.md").write_text("---\ntitle: Stray\n---\ntext\n")
    messages = [e.message for e in errors_of(mini)]
    assert any("sanctons" in m for m in messages) and any("matches no shared clause" in m for m in messages)


def test_item_drop_of_unknown_item_suggests_nearest(mini: Path):
    path = mini / "schools" / "oak-primary" / "school.yml"
    path.write_text(path.read_text().replace("drop: [no-bypass]", "drop: [no-bypas]"))
    [error] = errors_of(mini)
    assert "no-bypas" in error.message and "no-bypass" in error.hint and error.line == 18


def test_undefined_variable_names_the_clause_line(mini: Path):
    (mini / "clauses" / "ai.md").write_text("---\ntitle: AI\n---\nUse {{ vars.approved_tool }}.\n")
    [error] = errors_of(mini)
    assert str(error.file).endswith("clauses/ai.md") and error.line == 4 and "approved_tool" in error.message


def test_unknown_school_variable_suggests_the_nearest(mini: Path):
    path = mini / "schools" / "oak-primary" / "school.yml"
    path.write_text(path.read_text().replace("policy_name:", "policy_nme:"))
    [error] = errors_of(mini)
    assert "policy_nme" in error.message and "policy_name" in error.hint and error.line == 11


def _second_policy(mini: Path, body: str, oak_adopts: bool = True) -> None:
    """A 'phones' policy that reuses the shared pupil-phones clause, with a clause of its own whose text is `body`."""
    (mini / "policies_src" / "phones.yml").write_text(
        "title: Mobile phones policy\nsections:\n  - clause: phone-rules\n  - clause: pupil-phones\n")
    (mini / "clauses" / "phone-rules.md").write_text(f"---\ntitle: Rules\n---\n{body}\n")
    if oak_adopts:
        school = mini / "schools" / "oak-primary" / "school.yml"
        school.write_text(school.read_text() + "  phones:\n    review_cycle: 1 year\n")


def test_a_clause_shared_by_two_policies_has_each_policys_number_and_the_same_words(mini: Path):
    _second_policy(mini, "Phones are covered below.")
    documents = compose(mini)
    aup, phones = documents["oak-primary", "aup"], documents["oak-primary", "phones"]
    assert aup.clause("pupil-phones").number == "3.1" and phones.clause("pupil-phones").number == "2"
    assert aup.clause("pupil-phones").text == phones.clause("pupil-phones").text


def _approved_aup(mini: Path, without: str = "") -> dict:
    """Oak's acceptable use policy approved a month ago (without the clause `without`, as if it came later)."""
    from dataclasses import replace

    from site_build.model.release import make_release
    aup = compose(mini)["oak-primary", "aup"]
    aup = replace(aup, clauses=tuple(clause for clause in aup.clauses if clause.id != without))
    return {("oak-primary", "aup"): (make_release(aup, TODAY - dt.timedelta(days=30), "Board", "First", "edition"),)}


def test_a_reference_to_another_policy_names_it_and_links_to_its_page(mini: Path):
    _second_policy(mini, 'See {{ ref("aup:sanctions") }} and {{ ref("ai") }}.{% if has("aup:nowhere") %} Never.{% endif %}')
    text = compose_all(load_project(mini), TODAY, _approved_aup(mini))["oak-primary", "phones"].clause("phone-rules").text
    assert text == ("See [section 2.1 of the Acceptable use policy](../aup/index.md#sanctions) and "
                    "[section 5 of the Acceptable use policy](../aup/index.md#ai).")


def test_a_reference_gives_only_numbers_readers_will_find_in_the_approved_version(mini: Path):
    _second_policy(mini, 'See {{ ref("aup:sanctions") }} and {{ ref("ai") }}.')
    words = compose_all(load_project(mini), TODAY, _approved_aup(mini, without="ai"))["oak-primary", "phones"]
    assert words.clause("phone-rules").text == ("See [section 2.1 of the Acceptable use policy](../aup/index.md#sanctions) and "
                                                "[the Acceptable use policy](../aup/index.md#ai).")
    never_approved = compose(mini)["oak-primary", "phones"].clause("phone-rules").text
    assert never_approved == ("See [the Acceptable use policy](../aup/index.md#sanctions) and "
                              "[the Acceptable use policy](../aup/index.md#ai).")


def test_a_reference_to_a_policy_the_school_has_not_adopted_names_the_clause_and_the_school(mini: Path):
    _second_policy(mini, "Rules.", oak_adopts=False)
    (mini / "clauses" / "aims.md").write_text('---\ntitle: Aims\n---\nAims.{% if has("phones:phone-rules") %} Never.{% endif %}\n')
    assert compose(mini)["oak-primary", "aup"].clause("aims").text == "Aims."
    (mini / "clauses" / "aims.md").write_text('---\ntitle: Aims\n---\nSee {{ ref("phones:phone-rules") }}.\n')
    problems = errors_of(mini)
    assert {str(p.file) for p in problems} == {"clauses/aims.md"}
    messages = sorted(p.message for p in problems)
    assert len(messages) == 2 and all("ref(\"phones:phone-rules\") in 'aims'" in m for m in messages)
    assert "Acorn Nursery School has not adopted" in messages[0] and "Oak Primary School has not adopted" in messages[1]


def test_a_broken_reference_says_which_policy_it_is_in(mini: Path):
    _second_policy(mini, 'See {{ ref("nowhere") }}.')
    [error] = errors_of(mini)
    assert str(error.file) == "clauses/phone-rules.md" and error.line == 4
    assert "in the Mobile phones policy" in error.message


def test_links_to_another_policy_follow_each_page_and_keep_their_words_on_paper(mini: Path):
    from site_build.render.markdown import site_links
    from site_build.render.pdf import markdown_html
    _second_policy(mini, 'See {{ ref("aup:sanctions") }}.')
    text = compose_all(load_project(mini), TODAY, _approved_aup(mini))["oak-primary", "phones"].clause("phone-rules").text
    assert "](../aup/index.md#sanctions)" in site_links(text, frozenset(), "../")
    assert "](../../aup/index.md#sanctions)" in site_links(text, frozenset(), "../../")
    assert "](aup/index.md#sanctions)" in site_links(text, frozenset(), "")
    printed = markdown_html(text)
    assert "See section 2.1 of the Acceptable use policy." in printed and "href" not in printed


def test_a_clause_is_signed_in_one_policy_only(mini: Path):
    _second_policy(mini, "Rules.")
    school = mini / "schools" / "oak-primary" / "school.yml"
    school.write_text(school.read_text() + "    agreements:\n      - clause: pupil-phones\n        signed_by: [pupil]\n")
    compose(mini)
    aup = school.read_text().replace("  aup:\n", "  aup:\n    agreements:\n      - clause: pupil-phones\n        signed_by: [parent]\n", 1)
    school.write_text(aup)
    [error] = errors_of(mini)
    assert str(error.file) == "schools/oak-primary/school.yml"
    assert "'pupil-phones' is an agreement in both the Acceptable use policy and the Mobile phones policy" in error.message


def test_text_without_tags_composes_exactly_as_the_template_engine_would_write_it():
    from site_build.compose.sandbox import ENVIRONMENT, is_static
    from site_build.load.project import load_project as load

    library = load(Path(__file__).parents[2]).clauses.values()
    texts = [text for source in library for text in (source.meta.title, source.body, *(i.text for i in source.meta.items))]
    texts += ["  lead and trail \n\n", "100% ] ) # * _ \\ } ` | ~ ! ?", "tab\tend\n", "", "é — ‘quoted’ \u00a0"]
    static = [text for text in texts if is_static(text)]
    assert len(static) > 100 and not is_static("a {{ b }}") and not is_static("line\r\nend")
    for text in static:
        assert ENVIRONMENT.from_string(text).render() == text


def test_the_same_faulty_text_without_tags_is_reported_in_each_school_that_has_it(mini: Path):
    item = "\n          - id: shout\n            text: <b>Read this</b>\n"
    oak = mini / "schools" / "oak-primary" / "school.yml"
    oak.write_text(oak.read_text().replace("        add:\n          - parents", "        add:" + item + "          - parents"))
    acorn = mini / "schools" / "acorn-nursery" / "school.yml"
    acorn.write_text(acorn.read_text().replace("aup: {}", "aup:\n    items:\n      cheat-sheet:\n        add:" + item))
    errors = errors_of(mini)
    assert sorted(e.file.parent.name for e in errors if "raw HTML" in e.message) == ["acorn-nursery", "oak-primary"]
