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

from ..compose.policy import outline_for
from ..diff.pending import MODEL, SCHOOL, Pending
from ..load.project import load_project
from ..model.release import format_date, review_status
from ..store.files import write_atomically
from .school_policy import pending_for, policy_states


@dataclass(frozen=True)
class ReviewRow:
    school_slug: str
    school: str
    policy: str
    version: str
    approved: str
    next_review: dt.date | None
    state: str
    pending: tuple[Pending, ...] = ()  # how the draft differs from the approved version, clause by clause

    @property
    def draft(self) -> str:
        """'no change', or how many clauses differ and whose change each is: 'model change pending (2), school (1)'."""
        if not self.pending:
            return "no change" if self.version != "—" else "draft only"
        causes = [p.cause for p in self.pending]
        parts = [f"{label} ({causes.count(cause)})" for cause, label in
                 ((MODEL, "model change pending"), (SCHOOL, "school's own change"), ("unknown", "source unknown"))
                 if cause in causes]
        count = len(self.pending)
        return f"{count} clause{'s' if count != 1 else ''}: " + ", ".join(parts)


def review_rows(root: Path, today: dt.date, within_days: int) -> list[ReviewRow]:
    project = load_project(root)
    rows = []
    for slug, states in policy_states(project, today).items():
        school = project.schools[slug]
        name = school.facts.name
        for state in states:
            release = state.current
            status = review_status(list(state.releases), today, within_days)
            if release is None:
                rows.append(ReviewRow(slug, name, state.title, "—", "not yet approved", None, "not approved"))
                continue
            word = "OVERDUE" if status.overdue else (f"due within {within_days} days" if status.due_soon else "current")
            pending = pending_for(project, school, outline_for(project, school, state.policy_id), state.draft, release, today)
            rows.append(ReviewRow(slug, name, state.title, release.label,
                                  f"{release.when_approved} by {release.approved_by}", release.next_review, word,
                                  tuple(pending)))
    return sorted(rows, key=lambda r: (r.next_review or dt.date.min, r.school))


def review_table(rows: list[ReviewRow]) -> Table:
    table = Table(title="Policy reviews", show_lines=False)
    for column in ("School", "Policy", "Version", "Approved", "Next review", "Status", "Draft"):
        table.add_column(column)
    styles = {"OVERDUE": "bold red", "not approved": "yellow"}
    for row in rows:
        style = styles.get(row.state, "yellow" if row.state.startswith("due") else "green")
        cells = (row.school, row.policy, row.version, row.approved, format_date(row.next_review) if row.next_review else "—")
        table.add_row(*(Text(cell) for cell in cells), Text(row.state, style=style),
                      Text(row.draft, style="yellow" if row.pending else ""))
    return table


def pending_lines(rows: list[ReviewRow]) -> list[str]:
    """`status --pending`: each draft's differences from its approved version, clause by clause, with the cause."""
    lines = []
    for row in rows:
        if not row.pending:
            continue
        lines += ["", f"{row.school}: {row.policy} (draft against version {row.version}): {row.draft}"]
        for pending in row.pending:
            clause = pending.change.new or pending.change.old
            cause = {MODEL: "model", SCHOOL: "school"}.get(pending.cause, "unknown")
            lines.append(f"  {clause.heading} [{pending.change.kind}] {cause}: {'; '.join(pending.why)}")  # type: ignore[union-attr]
    return lines or ["", "No draft differs from its approved version."]


def write_csv(rows: list[ReviewRow], path: Path) -> None:
    """The dashboard for a spreadsheet; no cell can start a formula (a school name from YAML is not trusted)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["School", "Policy", "Version", "Approved", "Next review", "Status", "Draft"])
    for row in rows:
        cells = [row.school, row.policy, row.version, row.approved,
                 row.next_review.isoformat() if row.next_review else "", row.state, row.draft]
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
