"""`status`: the review dashboard across every school and policy, its iCalendar feed and CSV, and pinned variables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from ..compose.policy import outline_for
from ..diff.pending import MODEL, SCHOOL
from ..diff.pinned import Pinned, pinned_in
from ..diff.review import NOT_APPROVED, ReviewRow
from ..diff.signatures import Unsigned, unsigned
from ..errors import InputError
from ..load.project import load_project
from ..load.signatures import read_signatures
from ..model.release import format_date, review_status
from ..model.vocabulary import ROLE_PLURALS
from .school_policy import pending_for, policy_states


@dataclass(frozen=True)
class Dashboard:
    rows: list[ReviewRow]
    pinned: list[Pinned]  # school settings that hold back a model update, as at today
    unsigned: list[tuple[str, str, Unsigned]]  # (school, policy title, who has not signed), when asked for
    recorded: int = 0  # signatures recorded across the schools, when asked for


def dashboard(root: Path, today: dt.date, within_days: int, signatures: bool = False) -> Dashboard:
    """Every school's policies as at `today`: review state, how each draft differs, pinned variables, and with
    `signatures`, who has signed an earlier version of a policy but not the one they must sign now."""
    project = load_project(root)
    states = policy_states(project, today)
    rows, unsigned_rows, recorded = [], [], 0
    for slug, school_states in states.items():
        school = project.schools[slug]
        if signatures:
            releases = {state.policy_id: state.releases for state in school_states}
            titles = {state.policy_id: state.title for state in school_states}
            signed = read_signatures(root / "schools" / slug, releases, titles)
            recorded += len(signed)
            unsigned_rows += [(school.facts.name, titles[u.policy_id], u) for u in unsigned(signed, releases)]
        for state in school_states:
            release, size = state.current, len(state.draft.clauses)
            if release is None:
                rows.append(ReviewRow(slug, school.facts.name, state.policy_id, state.title, None, NOT_APPROVED, clauses=size))
                continue
            status = review_status(list(state.releases), today, within_days)
            days = (today - release.next_review).days if status.overdue else 0
            word = (f"OVERDUE by {days} day{'s' if days != 1 else ''}" if status.overdue
                    else f"due within {within_days} days" if status.due_soon else "current")
            pending = pending_for(project, school, outline_for(project, school, state.policy_id), state.draft, release, today,
                                  {other.policy_id: other.releases for other in school_states})
            rows.append(ReviewRow(slug, school.facts.name, state.policy_id, state.title, release, word, days, tuple(pending), size))
    rows.sort(key=lambda r: (r.next_review or dt.date.min, r.school))
    drafts = [state.draft for school_states in states.values() for state in school_states]
    return Dashboard(rows, pinned_in(project, drafts, today), unsigned_rows, recorded)


def signature_lines(board: Dashboard) -> list[str]:
    """Per school, policy and role: who signed an earlier version but not the version they must sign now."""
    if not board.recorded:
        return ["Signatures: none recorded yet (record a filled-in register with: policy-site agreements SCHOOL --record FILE.csv)."]
    if not board.unsigned:
        return [f"Signatures: {board.recorded} recorded; nobody who signed is waiting to sign a newer version."]
    lines = ["Signatures still needed:"]
    for school, title, due in board.unsigned:
        people = f"{len(due.names)} {ROLE_PLURALS[due.role] if len(due.names) != 1 else due.role}"
        lines.append(f"  {school}, {title}, version {due.version}: {people} not yet signed: {', '.join(due.names)}")
    return lines


def policy_matrix(rows: list[ReviewRow]) -> Table:
    """Schools by policies: each cell the version in force, its review date and whether it is overdue."""
    policies = list(dict.fromkeys(row.policy_id for row in rows))
    schools: dict[str, dict[str, ReviewRow]] = {}
    for row in sorted(rows, key=lambda r: r.school.casefold()):
        schools.setdefault(row.school, {})[row.policy_id] = row
    table = Table(title="Schools by policy", show_lines=True)
    for column in ["School", *policies]:
        table.add_column(column)
    for school, cells in schools.items():
        table.add_row(Text(school), *(_cell(cells.get(policy_id)) for policy_id in policies))
    return table


def _cell(row: ReviewRow | None) -> Text:
    if row is None:
        return Text("not adopted", style="dim")
    if row.release is None:
        return Text(NOT_APPROVED, style="yellow")
    text = Text(f"{row.release.version}\nreview {format_date(row.release.next_review)}")
    if row.overdue_days:
        text.append("\nOVERDUE", style="bold red")
    return text


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


def checked_site_url(url: str) -> str:
    """--site-url: where the sites are published (each school at URL/<school>/), without its trailing slash."""
    if not url.startswith(("https://", "http://")) or len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InputError(f"--site-url {url[:80]!r} is not a web address", hint="give it as https://policies.example.org/")
    return url.rstrip("/")
