"""The review dashboard as files a clerk opens elsewhere: a CSV for spreadsheets and an iCalendar feed (pure)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from icalendar import Alarm, Calendar, Event

from ..diff.review import ReviewRow
from ..model.release import format_date

CSV_COLUMNS = ["School", "Policy", "Version", "Approved on", "Approved by", "Next review", "Status", "Days overdue", "Draft"]


def review_csv(rows: list[ReviewRow]) -> bytes:
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
    return text.getvalue().encode("utf-8-sig")


def spreadsheet_safe(value: str) -> str:
    """Excel and LibreOffice run a cell starting with = + - @ (or a tab/CR) as a formula: make it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value



def review_ics(rows: list[ReviewRow], today: dt.date, written: dt.datetime, remind_days: int,
               site_url: str | None = None) -> bytes:
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
    return calendar.to_ical()
