"""The clerk's outputs through the real CLI: the status table, its CSV and iCalendar feed, and pinned variables
reported by `check` and `status`."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import yaml
from conftest import assert_clean_failure, edit, edit_school, line_of, run_cli, scaffold
from icalendar import Calendar

TODAY = dt.date(2026, 11, 30)
WIDE = {"COLUMNS": "400"}  # every table row on one line
SITE = "https://policies.example.org"
CHELLASTON, CALVERLEY, COPPICE, TUDHOE = "chellaston-infant", "calverley-parkside-primary", "the-coppice-primary", "tudhoe-moor-nursery"
POLICY = "acceptable-use"
NEW = "oak-primary"


def status(root: Path, *options: str, env: dict | None = None):
    result = run_cli("status", "--today", TODAY.isoformat(), *options, cwd=root, env={**WIDE, **(env or {})})
    assert result.code == 0, result.text
    return result


def events(path: Path) -> dict[str, dict]:
    """The calendar's events by UID, each as {summary, start, stamp, url, description, triggers}."""
    calendar = Calendar.from_ical(path.read_bytes())
    found = {}
    for event in calendar.walk("VEVENT"):
        found[str(event["UID"])] = {
            "summary": str(event["SUMMARY"]), "start": event.decoded("DTSTART"), "end": event.decoded("DTEND"),
            "stamp": event.decoded("DTSTAMP"), "url": str(event.get("URL", "")), "description": str(event["DESCRIPTION"]),
            "triggers": [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")],
        }
    return found


def uid(slug: str) -> str:
    return f"{slug}.{POLICY}.review@policy-site"


def row_of(out: str, school: str, policy: str = "") -> str:
    """The status table's row for a school's policy (named by its title), or the school's first row."""
    return next(line for line in out.splitlines() if school in line and policy in line)


# --- pinned variables ------------------------------------------------------------------------------------------

def test_check_warns_of_each_pinned_variable_and_still_succeeds(project: Path):
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.text
    assert sum("holds back a model update" in block for block in result.err.split("warning: ")) == 5
    coppice = project / "schools" / COPPICE / "school.yml"
    line = line_of(coppice, 'kcsie_year: "2021"')
    warning = next(block for block in result.err.split("warning: ") if block.startswith(f"schools/{COPPICE}/school.yml:{line}:"))
    for fragment in ("The Coppice Primary School", "kcsie_year", '"2021"', 'the model gives "2025"', "Relevant legislation and guidance",
                     "hint: remove this line to follow the model's editions, or keep it"):
        assert fragment in warning, warning
    tudhoe = project / "schools" / TUDHOE / "school.yml"
    for variable, value in (("kcsie_year", '"2018"'), ("searching_guidance_year", '"2018"')):
        assert f"warning: schools/{TUDHOE}/school.yml:{line_of(tudhoe, variable + ':')}:" in result.err
        assert f"{variable}: {value} where the model gives" in result.err
    assert "phone_areas" not in result.err and "exceptions_in_writing" not in result.err  # plain defaults are not pins


def test_removing_the_school_pin_removes_the_warning(project: Path):
    school_yml = project / "schools" / COPPICE / "school.yml"
    school_yml.write_text("".join(line for line in school_yml.read_text().splitlines(keepends=True) if 'kcsie_year: "2021"' not in line))
    result = run_cli("check", cwd=project)
    assert result.code == 0, result.text
    assert "kcsie_year" not in "".join(b for b in result.err.split("warning: ") if COPPICE in b)
    assert f"schools/{TUDHOE}/school.yml" in result.err
    assert sum("holds back a model update" in block for block in result.err.split("warning: ")) == 4
    out = status(project).out
    section = out[out.index("Model updates held back"):]
    assert "The Coppice Primary School (acceptable-use): kcsie_year" not in section
    assert "Tudhoe Moor Nursery School (acceptable-use): kcsie_year" in section


def test_status_lists_pinned_variables_after_the_table(project: Path):
    out = status(project).out
    assert out.index("Model updates held back") > out.index("└")  # after the table
    section = out[out.index("Model updates held back"):]
    line = line_of(project / "schools" / COPPICE / "school.yml", 'kcsie_year: "2021"')
    assert (f'The Coppice Primary School (acceptable-use): kcsie_year: "2021" where the model gives "2025" as at 30 November 2026; '
            f"used in 2. Relevant legislation and guidance [schools/{COPPICE}/school.yml:{line}]") in section
    assert 'Tudhoe Moor Nursery School (acceptable-use): searching_guidance_year: "2018" where the model gives "2022"' in section
    assert "Remove the line to follow the model's editions" in section


def test_a_pin_equal_to_the_edition_in_force_is_not_reported(project: Path):
    edit(project / "schools" / COPPICE / "school.yml", 'kcsie_year: "2021"', 'kcsie_year: "2025"')
    assert "Coppice Primary School (acceptable-use): kcsie_year" not in status(project).out


# --- the table and the CSV -------------------------------------------------------------------------------------

def approve_calverleys_draft(project: Path) -> None:
    """Calverley's draft becomes its approved version: nothing of it awaits approval."""
    approved = run_cli("approve", "--by", "CPPS Full Board", CALVERLEY, POLICY, "--on", TODAY.isoformat(), "--note", "Review", cwd=project)
    assert approved.code == 0, approved.text


def test_status_table_says_how_overdue_and_what_awaits_approval(project: Path):
    assert scaffold(project, NEW, "--name", "Oak Primary").code == 0
    approve_calverleys_draft(project)
    out = status(project).out
    days = (TODAY - dt.date(2022, 10, 18)).days
    chellaston = row_of(out, "Chellaston Infant School", "ICT and internet acceptable use policy")
    assert f"OVERDUE by {days} days" in chellaston and re.search(r"\d+ clauses?: model change pending \(\d+\)", chellaston)
    calverley = row_of(out, "Calverley Parkside Primary School", "Acceptable use of ICT policy")
    assert "current" in calverley and "no change" in calverley
    oak = row_of(out, "Oak Primary")
    assert "not yet approved" in oak and "awaiting first approval (" in oak and "OVERDUE" not in oak
    # the examples' policies adopted but not yet approved, and each of Oak's, were never approved
    never = sum(1 for school in (project / "schools").glob("*/school.yml")
                for policy in yaml.safe_load(school.read_text(encoding="utf-8"))["policies"]
                if not (school.parent / "releases" / policy).is_dir())
    waiting = re.search(r"(\d+) drafts await approval: (\d+) differ from the approved version, (\d+) were never approved", out)
    # the other examples' acceptable use policies differ from their approved versions; Calverley's was just approved
    assert waiting and int(waiting.group(2)) == 5 and int(waiting.group(3)) == never, out
    assert int(waiting.group(1)) == 5 + never


def test_csv_has_the_approval_date_and_body_apart_with_iso_dates(project: Path, tmp_path: Path):
    assert scaffold(project, NEW, "--name", "Oak Primary").code == 0
    edit_school(project, NEW, lambda data: data["governance"].update(body="=SUM(A1)"))  # a board named like a formula
    approved = run_cli("approve", NEW, POLICY, "--on", "2018-01", "--by", "=SUM(A1)", "--note", "Adopted", cwd=project)
    assert approved.code == 0, approved.text
    path = tmp_path / "reviews.csv"
    status(project, "--csv", str(path))
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0]) == ["School", "Policy", "Version", "Approved on", "Approved by", "Next review", "Status", "Days overdue", "Draft"]
    schools = {row["School"]: row for row in rows if "acceptable use" in row["Policy"].lower()}  # each school's AUP
    chellaston = schools["Chellaston Infant School"]
    days = (TODAY - dt.date(2022, 10, 18)).days
    assert (chellaston["Approved on"], chellaston["Approved by"], chellaston["Next review"]) == ("2021-10-18", "Local Governing Board", "2022-10-18")
    assert (chellaston["Status"], chellaston["Days overdue"]) == (f"OVERDUE by {days} days", str(days))
    calverley = schools["Calverley Parkside Primary School"]
    assert (calverley["Approved on"], calverley["Approved by"], calverley["Days overdue"]) == ("2025-04-23", "CPPS Full Board", "")
    oak = schools["Oak Primary"]  # known only by its month: ISO year-month, not a made-up day
    assert (oak["Approved on"], oak["Approved by"], oak["Next review"]) == ("2018-01", "'=SUM(A1)", "2019-01-01")
    for row in rows:
        for column in ("Approved on", "Next review"):
            assert row[column] == "" or dt.date.fromisoformat(row[column] + ("-01" if len(row[column]) == 7 else ""))


# --- the calendar ----------------------------------------------------------------------------------------------

def test_calendar_overdue_on_the_run_day_reminders_and_stamp(project: Path, tmp_path: Path):
    path = tmp_path / "reviews.ics"
    stamp = dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.UTC)
    status(project, "--ics", str(path), "--remind-days", "30", env={"SOURCE_DATE_EPOCH": str(int(stamp.timestamp()))})
    found = events(path)
    chellaston = found[uid(CHELLASTON)]
    assert chellaston["start"] == TODAY and chellaston["end"] == TODAY + dt.timedelta(days=1)
    assert chellaston["summary"].startswith("Review overdue since 18 October 2022: ")
    assert chellaston["triggers"] == [dt.timedelta(0)]  # already overdue: the reminder is on the day
    calverley = found[uid(CALVERLEY)]
    assert calverley["start"] == dt.date(2027, 4, 23) and calverley["summary"].startswith("Review due: ")
    assert calverley["triggers"] == [-dt.timedelta(days=30)]
    assert {event["stamp"] for event in found.values()} == {stamp}  # when the file was written, not the due date
    assert all(event["url"] == "" for event in found.values())  # no --site-url, no links


def test_calendar_stamp_is_now_and_reminder_defaults_to_two_weeks(project: Path, tmp_path: Path):
    path = tmp_path / "reviews.ics"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    status(project, "--ics", str(path), env={"SOURCE_DATE_EPOCH": ""})
    after = dt.datetime.now(dt.UTC)
    calverley = events(path)[uid(CALVERLEY)]
    assert before <= calverley["stamp"] <= after and calverley["stamp"].date() != calverley["start"]
    assert calverley["triggers"] == [-dt.timedelta(days=14)]


def test_calendar_uids_survive_a_policy_rename(project: Path, tmp_path: Path):
    first, second = tmp_path / "first.ics", tmp_path / "second.ics"
    status(project, "--ics", str(first))

    def rename(data: dict) -> None:
        data["policies"][POLICY]["title"] = "Online safety and acceptable use"

    edit_school(project, CALVERLEY, rename)
    approved = run_cli("approve", CALVERLEY, POLICY, "--on", "2026-11-27", "--by", "CPPS Full Board", "--note", "Renamed", cwd=project)
    assert approved.code == 0, approved.text
    status(project, "--ics", str(second))
    old, new = events(first), events(second)
    adopted = sum(len(yaml.safe_load(path.read_text())["policies"]) for path in (project / "schools").glob("*/school.yml"))
    assert set(old) == set(new) and len(new) == adopted  # the same events, updated in place: none duplicated
    assert "Online safety and acceptable use" in new[uid(CALVERLEY)]["summary"]
    assert "Online safety" not in old[uid(CALVERLEY)]["summary"]
    assert new[uid(CALVERLEY)]["start"] == dt.date(2028, 11, 27)


def test_calendar_links_the_policy_and_its_draft_pages_as_built(project: Path, tmp_path: Path):
    assert scaffold(project, NEW, "--name", "Oak Primary").code == 0
    approve_calverleys_draft(project)
    path = tmp_path / "reviews.ics"
    status(project, "--ics", str(path), "--site-url", SITE + "/")
    found = events(path)
    assert uid(NEW) not in found  # never approved: no review date to put in a calendar
    chellaston, calverley = found[uid(CHELLASTON)], found[uid(CALVERLEY)]
    assert chellaston["url"] == f"{SITE}/{CHELLASTON}/{POLICY}/"
    assert f"Draft: {SITE}/{CHELLASTON}/{POLICY}/draft.html" in chellaston["description"]
    assert re.search(r"Draft awaiting approval: \d+ clauses?: model change pending \(\d+\)", chellaston["description"])
    assert calverley["url"] == f"{SITE}/{CALVERLEY}/{POLICY}/" and "draft.html" not in calverley["description"]
    built = run_cli("build", CHELLASTON, "--draft", "--today", TODAY.isoformat(), "--site-url", SITE, "--out", "site", cwd=project)
    assert built.code == 0, built.text
    for url in (chellaston["url"], f"{SITE}/{CHELLASTON}/{POLICY}/draft.html"):  # the links lead to real pages
        page = project / "site" / url.removeprefix(SITE + "/")
        assert (page / "index.html" if url.endswith("/") else page).is_file(), url


def test_site_url_must_be_a_web_address(project: Path, tmp_path: Path):
    result = run_cli("status", "--ics", str(tmp_path / "r.ics"), "--site-url", "policies.example.org", cwd=project)
    assert_clean_failure(result, "--site-url 'policies.example.org' is not a web address")
    assert not (tmp_path / "r.ics").exists()


def test_status_shows_schools_by_policy_with_version_review_date_and_overdue_flag(project: Path):
    out = status(project).out
    matrix = out[out.index("Schools by policy") + len("Schools by policy"):]
    header = next(line for line in matrix.splitlines() if "School" in line)
    assert POLICY in header
    column = next(i for i, cell in enumerate(re.split("[│┃]", header)) if POLICY in cell)  # one column per policy
    lines = matrix.splitlines()
    start = next(i for i, line in enumerate(lines) if "Chellaston Infant School" in line)
    cell = " ".join(line.split("│")[column].strip() for line in lines[start:start + 3])
    assert cell == "2021-10-18 review 18 October 2022 OVERDUE", cell
    start = next(i for i, line in enumerate(lines) if "Ashcombe Ridge Academy" in line)
    assert "OVERDUE" not in " ".join(lines[start:start + 3]) and "2026-09-01" in lines[start]
