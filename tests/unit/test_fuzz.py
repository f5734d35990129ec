"""Generated input thrown at the loaders, the composer and the roster reader: a result or a clear error, never a crash."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_build.compose.policy import compose_all
from site_build.errors import InputError, Problems
from site_build.load.project import load_project
from site_build.load.roster import decode_roster, parse_roster
from site_build.load.schema_errors import validate
from site_build.load.yaml_lines import parse_yaml
from site_build.model.schema import School

TODAY = dt.date.today()

MINI = Path(__file__).parents[1] / "fixtures" / "mini"
CLEAR = (InputError, Problems)
# `make test` tries 150 cases of each; `make check` (FUZZ_EXAMPLES=40) fewer, to stay quick while editing.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

yaml_text = st.text(alphabet=string.printable + "äé€\u202e", max_size=300)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                     st.dictionaries(st.sampled_from(
                                                         ["name", "phase", "governance", "body", "roles", "responsibilities", "policies",
                                                          "aup", "drop", "add", "items", "clause", "after", "x"]), kids,
                                                         max_size=4)), max_leaves=12)


def error_has_location(error: InputError | Problems) -> None:
    errors = error.problems
    assert errors and all(e.message and e.file for e in errors)


@FUZZ
@given(yaml_text)
def test_any_text_as_yaml_parses_or_gives_a_located_error(text: str):
    try:
        parse_yaml(text, "school.yml")
    except CLEAR as error:
        error_has_location(error)


@FUZZ
@given(trees)
def test_any_yaml_shape_as_a_school_validates_or_gives_located_errors(data):
    text = yaml.safe_dump(data)
    try:
        parsed, lines = parse_yaml(text, "school.yml")
        validate(School, parsed, lines, "school.yml")
    except CLEAR as error:
        error_has_location(error)


jinja_pieces = st.lists(st.sampled_from([
    "{{ school.name }}", "{{ vars.x }}", "{% if school.phase == 'nursery' %}", "{% endif %}", "{{ ref('rules') }}",
    "{{ ref('nope') }}", "{% for i in range(3) %}", "{% endfor %}", "{{", "}}", "{%", "**bold**", "[a](https://x.org)",
    "<b>", "# heading", "\n\n- item", "{{ items|length }}", "{{ item_list() }}", "{{ has('ai') }}", "{{ 1/0 }}",
    "{{ who('manages-access') }}", "{{ Who('nope') }}", "{{ does('leads-the-school', 'is', 'are') }}",
    "{{ ''.__class__ }}", "text", "é", "\t", "{#", "#}", "{{ policy.title|upper }}",
]), max_size=8).map("".join)


@FUZZ
@given(body=jinja_pieces, title=jinja_pieces)
def test_any_clause_template_composes_or_gives_a_located_error(tmp_path_factory, body: str, title: str):
    root = Path(shutil.copytree(MINI, tmp_path_factory.mktemp("fuzz") / "mini"))
    (root / "clauses" / "pupils.md").write_text(f"---\ntitle: {yaml.safe_dump(title or 'T').strip()}\n---\n{body}\n")
    try:
        documents = compose_all(load_project(root), TODAY)
        assert all(doc.clauses for doc in documents.values())
    except CLEAR as error:
        error_has_location(error)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_a_roster_give_people_or_an_error_naming_the_roster(data: bytes):
    try:
        text, _ = decode_roster(data, "roster.csv")
        people = parse_roster(text, "roster.csv")
        assert all(p.name and p.role for p in people)
    except CLEAR as error:
        error_has_location(error)


csv_rows = st.lists(st.lists(st.sampled_from(["Ann", "staff", "Pupils", "", " ", "Year 2", '"', ",", "PARENT", "x\ny", "é"]),
                             min_size=0, max_size=4), max_size=6)


@FUZZ
@given(csv_rows)
def test_generated_csv_rosters_never_lose_a_person_silently(rows):
    """Every row with something in it becomes a person, or the whole roster is refused with the row named."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["name", "role", "class"], *rows])
    try:
        people = parse_roster(buffer.getvalue(), "roster.csv")
    except CLEAR as error:
        error_has_location(error)
        return
    assert len(people) == sum(1 for row in rows if any(cell.strip() for cell in row))
