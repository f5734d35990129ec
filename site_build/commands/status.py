"""`status`: the review dashboard across every school and policy, its iCalendar feed and CSV, and pinned variables."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from icalendar import Alarm, Calendar, Event
from rich.table import Table
from rich.text import Text

from ..compose.policy import outline_for
from ..diff.pending import MODEL, SCHOOL, Pending
from ..diff.pinned import Pinned, pinned_in
from ..errors import InputError
from ..load.project import load_project
from ..model.release import Release, format_date, review_status
from ..store.files import write_atomically
from .school_policy import pending_for, policy_states

NOT_APPROVED = "not yet approved"


@dataclass(frozen=True)
class ReviewRow:
    school_slug: str
    school: str
    policy_id: str
    policy: str
    release: Release | None  # the approved version in force; None: the policy was never approved
    state: str  # "OVERDUE by 405 days", "due within 60 days", "current" or "not yet approved"
    overdue_days: int = 0
    pending: tuple[Pending, ...] = ()  # how the draft differs from the approved version, clause by clause
    clauses: int = 0  # the draft's clauses

    @property
    def version(self) -> str:
        return self.release.label if self.release else "—"

    @property
    def approved(self) -> str:
        """For the table: '18 October 2021 by Local Governing Board'."""
        return f"{self.release.when_approved} by {self.release.approved_by}" if self.release else "—"

    @property
    def approved_on(self) -> str:
        """ISO: '2021-10-18', or '2018-01' when only the month is known."""
        return self.release.version if self.release else ""

    @property
    def next_review(self) -> dt.date | None:
        return self.release.next_review if self.release else None

    @property
    def awaiting_approval(self) -> bool:
        """A draft the board has still to approve: it differs from the approved version, or none was ever approved."""
        return self.release is None or bool(self.pending)

    @property
    def draft(self) -> str:
        """'no change', 'awaiting first approval', or how many clauses differ and whose change each is:
        'model change pending (2), school (1)'."""
        if self.release is None:
            return f"awaiting first approval ({self.clauses} clause{'s' if self.clauses != 1 else ''})"
        if not self.pending:
            return "no change"
        causes = [p.cause for p in self.pending]
        parts = [f"{label} ({causes.count(cause)})" for cause, label in
                 ((MODEL, "model change pending"), (SCHOOL, "school's own change"), ("unknown", "source unknown"))
                 if cause in causes]
        count = len(self.pending)
        return f"{count} clause{'s' if count != 1 else ''}: " + ", ".join(parts)


@dataclass(frozen=True)
class Dashboard:
    rows: list[ReviewRow]
    pinned: list[Pinned]  # school settings that hold back a model update, as at today


def dashboard(root: Path, today: dt.date, within_days: int) -> Dashboard:
    """Every school's policies as at `today`: review state, how each draft differs, and pinned variables."""
    project = load_project(root)
    states = policy_states(project, today)
    rows = []
    for slug, school_states in states.items():
        school = project.schools[slug]
        for state in school_states:
            release, size = state.current, len(state.draft.clauses)
            if release is None:
                rows.append(ReviewRow(slug, school.facts.name, state.policy_id, state.title, None, NOT_APPROVED, clauses=size))
                continue
            status = review_status(list(state.releases), today, within_days)
            days = (today - release.next_review).days if status.overdue else 0
            word = (f"OVERDUE by {days} day{'s' if days != 1 else ''}" if status.overdue
                    else f"due within {within_days} days" if status.due_soon else "current")
            pending = pending_for(project, school, outline_for(project, school, state.policy_id), state.draft, release, today)
            rows.append(ReviewRow(slug, school.facts.name, state.policy_id, state.title, release, word, days, tuple(pending), size))
    rows.sort(key=lambda r: (r.next_review or dt.date.min, r.school))
    drafts = [state.draft for school_states in states.values() for state in school_states]
    return Dashboard(rows, pinned_in(project, drafts, today))


def review_table(rows: list[ReviewRow]) -> Table:
    table = Table(title="Policy reviews", show_lines=False)
    for column in ("School", "Policy", "Version", "Approved", "Next review", "Status", "Draft"):
        table.add_column(column)
    for row in rows:
        style = ("bold red" if row.overdue_days else "yellow" if row.release is None or row.state.startswith("due")
                 else "green")
        cells = (row.school, row.policy, row.version, row.approved, format_date(row.next_review) if row.next_review else "—")
        table.add_row(*(Text(cell) for cell in cells), Text(row.state, style=style),
                      Text(row.draft, style="yellow" if row.awaiting_approval else ""))
    return table


def awaiting_line(rows: list[ReviewRow]) -> str:
    """One line under the table: how many drafts wait for the board, and why."""
    changed = sum(1 for row in rows if row.release is not None and row.pending)
    new = sum(1 for row in rows if row.release is None)
    if not changed + new:
        return "No draft awaits approval: every draft is its approved version."
    parts = ([f"{changed} differ{'s' if changed == 1 else ''} from the approved version"] if changed else []) + \
            ([f"{new} {'was' if new == 1 else 'were'} never approved"] if new else [])
    more = " (--pending lists the changes clause by clause)" if changed else ""
    total = changed + new
    return f"{total} draft{'s' if total != 1 else ''} await{'s' if total == 1 else ''} approval: {', '.join(parts)}{more}."


def pinned_lines(pinned: list[Pinned]) -> list[str]:
    """The short section after the table: each school.yml setting that holds back a model update."""
    if not pinned:
        return []
    lines = ["", "Model updates held back by a school's own setting in school.yml (policy-site check warns of each):"]
    for item in pinned:
        lines.append(f"  {item.school} ({item.policy_id}): {item.summary} [{item.where}]")
    lines.append("  Remove the line to follow the model's editions, or keep it if the school means to.")
    return lines


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


CSV_COLUMNS = ["School", "Policy", "Version", "Approved on", "Approved by", "Next review", "Status", "Days overdue", "Draft"]


def write_csv(rows: list[ReviewRow], path: Path) -> None:
    """The dashboard for a spreadsheet: ISO dates, the approval's date and body apart, and no cell that can start a
    formula (a school name from YAML is not trusted)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [row.school, row.policy, row.version, row.approved_on, row.release.approved_by if row.release else "",
                 row.next_review.isoformat() if row.next_review else "", row.state,
                 str(row.overdue_days) if row.overdue_days else "", row.draft]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    write_atomically(path, text.getvalue().encode("utf-8-sig"))


def spreadsheet_safe(value: str) -> str:
    """Excel and LibreOffice run a cell starting with = + - @ (or a tab/CR) as a formula: make it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def checked_site_url(url: str) -> str:
    """--site-url: where the sites are published (each school at URL/<school>/), without its trailing slash."""
    if not url.startswith(("https://", "http://")) or len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InputError(f"--site-url {url[:80]!r} is not a web address", hint="give it as https://policies.example.org/")
    return url.rstrip("/")


def write_ics(rows: list[ReviewRow], path: Path, today: dt.date, written: dt.datetime, remind_days: int,
              site_url: str | None = None) -> None:
    """One all-day event per approved policy's next review, updated in place by calendar apps.

    The UID is the school's and the policy's ids (a renamed policy keeps its event); DTSTAMP is when the file was
    written; an overdue review is placed on `today`, so it is not left unseen in the past; each event has a reminder
    `remind_days` before, and with `site_url` links to the policy's page (and its draft's, if one awaits approval)."""
    calendar = Calendar()
    calendar.add("prodid", "-//policy-site//review dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Policy review dates")
    for row in rows:
        release = row.release
        if release is None:  # never approved: no review date (the table shows it as awaiting first approval)
            continue
        due = release.next_review
        day = today if row.overdue_days else due
        summary = (f"Review overdue since {format_date(due)}: {row.policy} ({row.school})" if row.overdue_days
                   else f"Review due: {row.policy} ({row.school})")
        event = Event()
        event.add("uid", f"{row.school_slug}.{row.policy_id}.review@policy-site")
        event.add("summary", summary)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("dtstamp", written)
        event.add("transp", "TRANSPARENT")
        description = [f"Current version {release.label}, approved {release.when_approved} by {release.approved_by}.",
                       f"Review due {format_date(due)}" + (f": {row.state.lower()} on {format_date(today)}." if row.overdue_days else ".")]
        if row.awaiting_approval:
            description.append(f"Draft awaiting approval: {row.draft}.")
        if site_url:
            page = f"{site_url}/{row.school_slug}/{row.policy_id}/"
            event.add("url", page)
            description.append(f"Policy: {page}")
            if row.awaiting_approval:
                description.append(f"Draft: {page}draft.html")
        event.add("description", "\n".join(description))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -dt.timedelta(days=0 if row.overdue_days else remind_days))
        event.add_component(alarm)
        calendar.add_component(event)
    write_atomically(path, calendar.to_ical())
