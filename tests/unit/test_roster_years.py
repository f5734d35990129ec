"""Rosters name year groups the way schools write them: each maps to the right pupils' agreement (in process)."""

from __future__ import annotations

import pytest

from site_build.load.roster import parse_roster

CASES = {
    "eyfs-ks1": ["Nursery", "Pre-school", "Reception", "Rec", "YR", "Year R", "EYFS", "Early Years", "Foundation Stage",
                 "FS2", "F1", "Year 1", "Y1", "Yr 2", "year2", "1", "2B", "KS1", "Key Stage 1", "key stage one"],
    "ks2": ["Year 3", "Y4", "Yr 5", "Year 6", "6", "5H", "KS2", "Key stage 2"],
    "ks3-4": ["Year 7", "Y7", "Yr 8", "Year9", "year 10", "Y11", "7B", "10/Ma1", "11", "KS3", "KS 4", "Key Stage 3",
              "Key Stages 3 and 4"],
    "sixth-form": ["Year 12", "Yr 12", "Y12", "Year 13", "Y13", "Year 14", "12", "13ABC", "sixth form", "Sixth Form",
                   "Sixth-form", "6th form", "6th Form", "Lower Sixth", "Upper sixth", "L6", "U6", "KS5", "Key Stage 5",
                   "Post-16"],
    "easy-read": ["easy read", "Easy-read", "EASY READ"],
}
UNKNOWN = ["", "Oak", "Robins", "Recorder group", "Yellow", "Year 15", "Year 0", "2024 intake", "Y", "Year", "Rowan 3"]


def age_of(column: str, value: str) -> str | None:
    (person,) = parse_roster(f'name,role,{column}\nAlex Doe,pupil,"{value}"\n', "r.csv")
    return person.age_group


@pytest.mark.parametrize(("group", "value"), [(group, value) for group, values in CASES.items() for value in values])
def test_year_words_map_to_their_age_group(group: str, value: str):
    assert age_of("year", value) == group
    assert age_of("Class", value) == group


@pytest.mark.parametrize("value", UNKNOWN)
def test_words_that_name_no_year_map_to_none(value: str):
    assert age_of("year", value) is None


def test_form_and_tutor_group_columns_are_read():
    assert age_of("form", "9C") == "ks3-4"
    assert age_of("tutor group", "12JW") == "sixth-form"
    assert age_of("year group", "Year 11") == "ks3-4"


def test_an_agreement_column_overrides_the_year():
    people = parse_roster("name,role,year,agreement\nSam,pupil,Year 9,easy read\nKim,pupil,Year 9,\nLee,pupil,Y5,Sixth form\n", "r.csv")
    assert [p.age_group for p in people] == ["easy-read", "ks3-4", "sixth-form"]


def test_the_year_column_is_read_before_the_class_column():
    (person,) = parse_roster("name,role,class,year\nSam,pupil,Oak,Year 12\n", "r.csv")
    assert person.age_group == "sixth-form"
    (person,) = parse_roster("name,role,class,year\nSam,pupil,10B,\n", "r.csv")
    assert person.age_group == "ks3-4"
