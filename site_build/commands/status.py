"""`status`: the review dashboard across every school and policy, and its iCalendar feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from icalendar import Calendar, Event
from rich.table import Table
from rich.text import Text

from ..load.project import load_project
from ..model.release import format_date, review_status
from ..store.files import write_atomically
from .school_policy import policy_states


@dataclass(frozen=True)
class ReviewRow:
    school_slug: str
    school: str
    policy: str
    version: str
    approved: str
    next_review: dt.date | None
    state: str


def review_rows(root: Path, today: dt.date, within_days: int) -> list[ReviewRow]:
    project = load_project(root)
    rows = []
    for slug, states in policy_states(project, today).items():
        name = project.schools[slug].facts.name
        for state in states:
            release = state.current
            status = review_status(list(state.releases), today, within_days)
            if release is None:
                rows.append(ReviewRow(slug, name, state.title, "—", "not yet approved", None, "not approved"))
                continue
            word = "OVERDUE" if status.overdue else (f"due within {within_days} days" if status.due_soon else "current")
            rows.append(ReviewRow(slug, name, state.title, release.label,
                                  f"{release.when_approved} by {release.approved_by}", release.next_review, word))
    return sorted(rows, key=lambda r: (r.next_review or dt.date.min, r.school))


def review_table(rows: list[ReviewRow]) -> Table:
    table = Table(title="Policy reviews", show_lines=False)
    for column in ("School", "Policy", "Version", "Approved", "Next review", "Status"):
        table.add_column(column)
    styles = {"OVERDUE": "bold red", "not approved": "yellow"}
    for row in rows:
        style = styles.get(row.state, "yellow" if row.state.startswith("due") else "green")
        cells = (row.school, row.policy, row.version, row.approved, format_date(row.next_review) if row.next_review else "—")
        table.add_row(*(Text(cell) for cell in cells), Text(row.state, style=style))
    return table


def write_csv(rows: list[ReviewRow], path: Path) -> None:
    """The dashboard for a spreadsheet; no cell can start a formula (a school name from YAML is not trusted)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["School", "Policy", "Version", "Approved", "Next review", "Status"])
    for row in rows:
        cells = [row.school, row.policy, row.version, row.approved,
                 row.next_review.isoformat() if row.next_review else "", row.state]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    write_atomically(path, text.getvalue().encode("utf-8-sig"))


def spreadsheet_safe(value: str) -> str:
    """Excel and LibreOffice run a cell starting with = + - @ (or a tab/CR) as a formula: make it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_ics(rows: list[ReviewRow], path: Path) -> None:
    """One all-day event per policy review, with stable UIDs so calendar apps update in place."""
    calendar = Calendar()
    calendar.add("prodid", "-//policy-site//review dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Policy review dates")
    for row in rows:
        if row.next_review is None:
            continue
        event = Event()
        event.add("uid", f"{row.school_slug}-{row.policy.lower().replace(' ', '-')}-review@policy-site")
        event.add("summary", f"Review due: {row.policy} ({row.school})")
        event.add("dtstart", row.next_review)
        event.add("dtend", row.next_review + dt.timedelta(days=1))
        event.add("dtstamp", dt.datetime.combine(row.next_review, dt.time(0, 0), tzinfo=dt.UTC))
        event.add("description", f"Current version {row.version}, approved {row.approved}.")
        calendar.add_component(event)
    write_atomically(path, calendar.to_ical())
