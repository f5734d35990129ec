"""Issue 13, onboarding and a new user's bugs, in process: rosters, the diff summary, month-only approvals, placeholders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_SCHOOLS, fill_placeholders

from site_build.commands.check import check
from site_build.commands.new_school import new_school
from site_build.diff.compare import compare_documents
from site_build.errors import ErrorCollector, PolicySiteError, TamperedRelease
from site_build.load.project import load_school
from site_build.load.roster import parse_roster
from site_build.model.document import Clause, Document
from site_build.model.release import make_release, release_hash
from site_build.render.pdf import version_line
from site_build.render.redline import summary_lines
from site_build.store.releases import read_release, read_releases, write_release


def test_a_roster_reports_every_bad_row_even_after_an_unreadable_one():
    text = ("name,role\nAnn,staff\n" + "B" * 200_000 + ",staff\n,staff\nCy," + "x" * 200_000
            + "\nDi,janitor\nEd,staff\n")
    errors = ErrorCollector()
    people = parse_roster(text, "r.csv", errors)
    assert [p.name for p in people] == ["Ann", "Ed"]
    assert [(e.line, e.message) for e in errors.errors] == [
        (3, "row 3 has a cell longer than 500 characters"), (4, "row 4 has no name"),
        (5, "row 5 has a cell longer than 500 characters"), (6, "row 6 (Di) has an unknown role 'janitor'")]


def _document(*clauses: tuple[str, str, str]) -> Document:
    return Document("acceptable-use", "Policy", "s", "School", "1 year",
                    tuple(Clause(cid, number, cid.title(), text, number.count(".") + 1) for cid, number, text in clauses))


def test_the_diff_summary_reads_in_document_order():
    old = _document(("aims", "1", "a"), ("scope", "2", "b"), ("roles", "3", "c"), ("rules", "4", "d"),
                    ("phones", "4.1", "e"), ("review", "5", "f"))
    new = _document(("roles", "1", "c"), ("rules", "2", "d, changed"), ("email", "2.1", "new"), ("review", "3", "f"))
    changes = compare_documents(old, new)
    assert [(c.kind, c.id) for c in changes] == [
        ("removed", "aims"), ("removed", "scope"), ("renumbered", "roles"), ("changed", "rules"), ("removed", "phones"),
        ("added", "email"), ("renumbered", "review")]
    assert summary_lines(changes)[1:] == [
        "  1. Aims: removed", "  2. Scope: removed", "  1. Roles (was section 3): renumbered", "  2. Rules: changed",
        "  4.1 Phones: removed", "  2.1 Email: added", "  3. Review (was section 5): renumbered"]


def test_a_month_only_release_is_recorded_read_back_and_shown_as_its_month(tmp_path: Path):
    document = _document(("aims", "1", "a"))
    first = make_release(document, dt.date(2018, 1, 17), "Board", "Adopted", "edition", date_precision="month")
    assert (first.version, first.approved_on, first.next_review) == ("2018-01", dt.date(2018, 1, 1), dt.date(2019, 1, 1))
    assert first.to_data()["date_precision"] == "month" and first.to_data()["approved_on"] == "2018-01-01"
    second = make_release(document, dt.date(2018, 2, 1), "Board", "Reviewed", "update", True, previous=first)
    assert "date_precision" not in second.to_data()  # a release dated to the day is written exactly as before
    root = tmp_path / "project"
    for release in (first, second):
        write_release(root, "s", release)
    read = read_releases(root, "s", "acceptable-use")
    assert [(r.version, r.date_precision, r.when_approved) for r in read] == [
        ("2018-01", "month", "January 2018"), ("2018-02-01", "day", "1 February 2018")]
    assert read[0].on_date == "in January 2018"
    assert version_line(read[0], read[0].document) == "Version 2018-01 (edition), approved by Board in January 2018"


def test_a_month_only_release_cannot_be_turned_into_another_date(tmp_path: Path):
    release = make_release(_document(("aims", "1", "a")), dt.date(2018, 1, 1), "Board", "Adopted", "edition",
                           date_precision="month")
    path = write_release(tmp_path, "s", release)
    data = json.loads(path.read_text())
    for key, value in (("date_precision", "day"), ("approved_on", "2018-01-05")):
        forged = {**data, key: value}
        forged["sha256"] = release_hash(forged)  # even with a matching hash it must make sense
        path.write_text(json.dumps(forged))
        with pytest.raises(TamperedRelease, match="cannot be read"):
            read_release(path, tmp_path)


def test_every_placeholder_is_reported_at_its_line_with_the_other_problems(project: Path):
    [path] = new_school(project, "oak-primary", "Oak Primary", None)
    lines = (project / path).read_text(encoding="utf-8").replace("members: governors", "members: govenors").splitlines()
    (project / path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PolicySiteError) as caught:
        check(project)
    found = {p.line: p.message for p in caught.value.problems if str(p.file) == str(path)}
    marked = [number for number, line in enumerate(lines, start=1) if "<<" in line and not line.startswith("#")]
    typo = next(number for number, line in enumerate(lines, start=1) if "govenors" in line)
    assert len(marked) == 9 and sorted(found) == sorted([*marked, typo])
    assert all("is still a placeholder: <<" in found[number] for number in marked)
    assert "'roles.headteacher.name' is still a placeholder: <<the headteacher's name, or delete this line>>" in found.values()


@pytest.mark.parametrize("like", EXAMPLE_SCHOOLS)
def test_a_school_like_another_gets_its_choices_and_none_of_its_facts(project: Path, like: str):
    created = new_school(project, "oak-primary", "Oak Primary", None, like)
    text = "\n".join(line for line in (project / created[0]).read_text(encoding="utf-8").splitlines() if line[:1] != "#")
    source = load_school(project, like).facts
    facts = [source.name, source.short_name, source.telephone, source.email, source.website, *source.address,
             *(role.name for role in source.roles.values()), *(role.email for role in source.roles.values())]
    assert not [fact for fact in facts if fact and fact in text]
    assert [p.name for p in created[1:]] == sorted(p.name for p in (project / "overrides" / like).glob("*.md"))
    fill_placeholders(project, "oak-primary")
    school = load_school(project, "oak-primary").facts
    assert (school.name, school.phase, school.governance.members) == ("Oak Primary", source.phase, source.governance.members)
    assert school.responsibilities == source.responsibilities
    assert {k: (r.title, r.team, r.provider) for k, r in school.roles.items()} == \
        {k: (r.title, r.team, r.provider) for k, r in source.roles.items()}
    for policy, settings in source.policies.items():
        ours = school.policies[policy]
        assert (ours.include, ours.drop, ours.add, ours.review_cycle) == (settings.include, settings.drop, settings.add,
                                                                          settings.review_cycle)
    check(project)  # it composes, with the other school's own clauses copied
