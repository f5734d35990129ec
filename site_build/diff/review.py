"""One row of the review dashboard: a school's policy, its approved version, its review state and its draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model.release import Release
from .pending import MODEL, SCHOOL, Pending

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
