"""Releases as data: an approved, hashed snapshot of a document; a policy's state; review dates (pure)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from .document import Document, canonical_json
from .guidance import MapRow
from .schema import School, cycle_in_months

RELEASE_FORMAT = 2  # 2: chained (previous_sha256) and optionally signed; 1 is still read, as "not chained"
UNHASHED = ("sha256", "signature")  # the signature signs the hash, so neither is part of the hashed body


@dataclass(frozen=True)
class Signature:
    """An Ed25519 signature over a release's SHA-256, by a key listed in school.yml `signers:`."""

    public_key: str  # "ed25519:<base64>"
    signed_by: str  # the signer's name as recorded when signing (verify reports the name in school.yml)
    value: str  # base64

    def to_data(self) -> dict:
        return {"public_key": self.public_key, "signed_by": self.signed_by, "value": self.value}


@dataclass(frozen=True)
class Reissue:
    """Why a release replaces a committed one of the same date (`approve --reissue`); part of the hashed body."""

    of_sha256: str  # the SHA-256 of the committed release it replaces
    on: dt.date  # the day it was re-issued
    why: str

    def to_data(self) -> dict:
        return {"of_sha256": self.of_sha256, "on": self.on.isoformat(), "why": self.why}


@dataclass(frozen=True)
class Meeting:
    """The meeting that approved a release: its date, the minute that records it, and under what authority."""

    on: dt.date
    minute: str | None = None
    delegated: bool = False  # a committee under a delegation recorded in school.yml, not the full board

    @property
    def words(self) -> str:
        """'the full board's meeting of 18 October 2021 (minute 5.2)'."""
        kind = "a committee meeting under delegation" if self.delegated else "the full board's meeting"
        return f"{kind} of {format_date(self.on)}" + (f" (minute {self.minute})" if self.minute else "")

    def to_data(self) -> dict:
        return {"on": self.on.isoformat(), "minute": self.minute, "delegated": self.delegated}

    @classmethod
    def from_data(cls, data: dict) -> Meeting:
        if not isinstance(data["minute"], (str, type(None))) or not isinstance(data["delegated"], bool):
            raise ValueError("'meeting' should have a date, a minute (text or null) and delegated (true or false)")
        return cls(dt.date.fromisoformat(data["on"]), data["minute"], data["delegated"])


@dataclass(frozen=True)
class Letterhead:
    """What a printed policy says about its school besides the text; a release keeps it as it was on approval."""

    name: str
    address: tuple[str, ...] = ()
    telephone: str | None = None
    email: str | None = None
    website: str | None = None
    written_by: str | None = None

    @classmethod
    def of(cls, school: School, policy_id: str) -> Letterhead:
        """The school's letterhead today, for one of its policies."""
        settings = school.policies.get(policy_id)
        return cls(school.name, tuple(school.address), school.telephone, school.email, school.website,
                   settings.written_by if settings else None)

    def to_data(self) -> dict:
        return {"name": self.name, "address": list(self.address), "telephone": self.telephone, "email": self.email,
                "website": self.website, "written_by": self.written_by}

    @classmethod
    def from_data(cls, data: dict) -> Letterhead:
        address = data["address"]
        if not isinstance(address, list) or not all(isinstance(line, str) for line in address):
            raise ValueError("the letterhead's address should be a list of lines")
        optional = {key: data[key] for key in ("telephone", "email", "website", "written_by")}
        if not isinstance(data["name"], str) or not all(v is None or isinstance(v, str) for v in optional.values()):
            raise ValueError("the letterhead's values should be text")
        return cls(data["name"], tuple(address), **optional)


@dataclass(frozen=True)
class Sources:
    """SHA-256 fingerprints of the files a release was composed from, so a later draft's changes can be traced."""

    clauses: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # clause id -> its file
    school: str = ""  # school.yml
    model: str = ""  # the policy outline and the model's roles (policies_src/)

    def to_data(self) -> dict:
        return {"clauses": dict(sorted(self.clauses.items())), "school": self.school, "model": self.model}

    @classmethod
    def from_data(cls, data: dict) -> Sources:
        clauses = data["clauses"]
        if not isinstance(clauses, dict) or not all(isinstance(v, str) for v in [*clauses.values(), data["school"], data["model"]]):
            raise ValueError("'sources' should hold SHA-256 fingerprints")
        return cls(MappingProxyType(dict(clauses)), data["school"], data["model"])


@dataclass(frozen=True)
class Release:
    """An approved, frozen version of one school's policy."""

    version: str  # the approval date, ISO: "2024-04-24", or "2018-01" when only the month is known
    kind: str  # edition | update | correction
    approved_on: dt.date
    approved_by: str
    note: str
    next_review: dt.date
    reaffirmed: bool
    document: Document
    sha256: str
    previous_sha256: str | None = None  # the release before it in the same school and policy (None: the first)
    signature: Signature | None = None
    format: int = RELEASE_FORMAT
    path: Path | None = None
    date_precision: str = "day"  # "month": approved in that month, day unknown (approved_on is the 1st)
    reissue: Reissue | None = None  # set when it replaces a committed release of the same date
    letterhead: Letterhead | None = None  # the school's name, address and contacts as on approval (older releases: None)
    sources: Sources | None = None  # fingerprints of what it was composed from (older releases: None)
    meeting: Meeting | None = None  # the meeting that approved it (older releases: not recorded)
    effective: dt.date | None = None  # the day it takes effect, when not the approval date

    @property
    def in_force_from(self) -> dt.date:
        return self.effective or self.approved_on

    @property
    def printed_letterhead(self) -> Letterhead:
        """What its PDFs print: the frozen letterhead, or for an older release only the school's name it recorded."""
        return self.letterhead or Letterhead(self.document.school_name)

    @property
    def label(self) -> str:
        """How the version is shown: '2024-04-24 (update)'."""
        return f"{self.version} ({'review, no change' if self.reaffirmed else self.kind})"

    @property
    def when_approved(self) -> str:
        """The approval date as people read it: '24 April 2024', or 'January 2018' when only the month is known."""
        return format_month(self.approved_on) if self.date_precision == "month" else format_date(self.approved_on)

    @property
    def on_date(self) -> str:
        """'on 24 April 2024', or 'in January 2018' when only the month is known."""
        return f"{'in' if self.date_precision == 'month' else 'on'} {self.when_approved}"

    @property
    def latest_day(self) -> dt.date:
        """The last day the approval may have been: the end of its month when only the month is known."""
        if self.date_precision == "month":
            return self.approved_on.replace(day=calendar.monthrange(self.approved_on.year, self.approved_on.month)[1])
        return self.approved_on

    @property
    def needs_signatures(self) -> bool:
        """A correction is adopted without asking anyone to sign again."""
        return self.kind != "correction" and not self.reaffirmed

    def to_data(self) -> dict:
        """The hashed body of a new (current-format) release."""
        data: dict = {
            "format": RELEASE_FORMAT,
            "previous_sha256": self.previous_sha256,
            "version": self.version,
            "kind": self.kind,
            "approved_on": self.approved_on.isoformat(),
            "approved_by": self.approved_by,
            "note": self.note,
            "next_review": self.next_review.isoformat(),
            "reaffirmed": self.reaffirmed,
            "document": self.document.to_data(),
        }
        if self.date_precision == "month":  # optional keys are left out when unused, so older releases hash as before
            data["date_precision"] = "month"
        if self.reissue:
            data["reissue"] = self.reissue.to_data()
        if self.letterhead:
            data["letterhead"] = self.letterhead.to_data()
        if self.sources:
            data["sources"] = self.sources.to_data()
        if self.meeting:
            data["meeting"] = self.meeting.to_data()
        if self.effective:
            data["effective"] = self.effective.isoformat()
        return data


def release_hash(data: dict) -> str:
    """SHA-256 over everything in a release record except the hash and the signature."""
    body = {k: v for k, v in data.items() if k not in UNHASHED}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def make_release(document: Document, approved_on: dt.date, approved_by: str, note: str, kind: str,
                 reaffirmed: bool = False, previous: Release | None = None, date_precision: str = "day",
                 reissue: Reissue | None = None, letterhead: Letterhead | None = None,
                 sources: Sources | None = None, meeting: Meeting | None = None, effective: dt.date | None = None) -> Release:
    """A new release, chained to `previous` (the policy's last release, if any).

    With `date_precision="month"` it is dated the 1st of `approved_on`'s month, and its review counts from that day;
    with `reissue` it records which committed release it replaces, and why. A correction keeps the review date of
    the release it corrects."""
    if date_precision == "month":
        approved_on = approved_on.replace(day=1)
    next_review = add_months(approved_on, cycle_in_months(document.review_cycle))
    if kind == "correction" and previous is not None:  # a correction is not a review: the cycle runs on
        next_review = previous.next_review
    release = Release(version_for(approved_on, date_precision), kind, approved_on, approved_by, note, next_review,
                      reaffirmed, document, "", previous.sha256 if previous else None, date_precision=date_precision,
                      reissue=reissue, letterhead=letterhead, sources=sources, meeting=meeting, effective=effective)
    return replace(release, sha256=release_hash(release.to_data()))


def version_for(approved_on: dt.date, date_precision: str) -> str:
    """A release's version (and file name): '2024-04-24', or '2018-01' for a month-only approval."""
    return approved_on.isoformat()[:7] if date_precision == "month" else approved_on.isoformat()


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PolicyState:
    """One policy of one school: its releases (oldest first) and the current draft."""

    draft: Document
    releases: tuple[Release, ...]
    reasons: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # clause id -> why the draft differs
    guidance: tuple[MapRow, ...] = ()  # the draft's guidance map: each requirement, the clauses meeting it or why none does
    statutory: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # clause id -> its statutory duties

    @property
    def current(self) -> Release | None:
        return self.releases[-1] if self.releases else None

    @property
    def title(self) -> str:
        return (self.current.document if self.current else self.draft).title

    @property
    def policy_id(self) -> str:
        return self.draft.policy_id


@dataclass(frozen=True)
class ReviewStatus:
    due: dt.date | None
    overdue: bool
    due_soon: bool

    @property
    def words(self) -> str:
        if self.due is None:
            return "not yet approved"
        if self.overdue:
            return f"review overdue since {format_date(self.due)}"
        return f"review due {format_date(self.due)}" + (" (soon)" if self.due_soon else "")


def review_status(releases: list[Release], today: dt.date, soon_days: int = 60) -> ReviewStatus:
    if not releases:
        return ReviewStatus(None, False, False)
    due = releases[-1].next_review
    return ReviewStatus(due, due < today, today <= due <= today + dt.timedelta(days=soon_days))


def format_date(day: dt.date) -> str:
    """British long form: '24 April 2024'."""
    return f"{day.day} {format_month(day)}"


def format_month(day: dt.date) -> str:
    """'January 2018'."""
    return day.strftime("%B %Y")


@dataclass(frozen=True)
class Signed:
    """One row of a recorded register or form export: a person signed a version of one of the school's policies."""

    name: str
    role: str
    policy_id: str
    version: str


def version_to_sign(releases: Sequence[Release]) -> Release | None:
    """The latest release that asks for signatures (an edition or update; not a correction or a review with no change)."""
    signable = [release for release in releases if release.needs_signatures] or list(releases[:1])
    return signable[-1] if signable else None
