"""The composed document: plain, immutable data that every output reads (site, PDF, diff, releases)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Clause:
    """One numbered clause of a composed policy."""

    id: str
    number: str  # "5.1.1", or "Appendix 1"
    title: str
    text: str  # Markdown
    level: int  # 1 for a section or appendix, 2 for its children, ...
    origin: str = "library"  # "library", "override" (replaces a shared clause) or "school" (the school's own)

    @property
    def heading(self) -> str:
        """The numbered heading, as printed: '1. Aims', '4.2 Sanctions', 'Appendix 1: Facebook'."""
        if self.number.startswith("Appendix"):
            return f"{self.number}: {self.title}"
        return f"{self.number}. {self.title}" if "." not in self.number else f"{self.number} {self.title}"

    @property
    def is_appendix(self) -> bool:
        return self.number.startswith("Appendix")


@dataclass(frozen=True)
class Agreement:
    """An agreement people sign: which clause, who signs it, and for pupils which age group."""

    clause_id: str
    roles: tuple[str, ...]
    age_group: str | None = None


@dataclass(frozen=True)
class Document:
    """A policy composed for one school."""

    policy_id: str
    title: str
    school_slug: str
    school_name: str
    review_cycle: str
    clauses: tuple[Clause, ...]
    agreements: tuple[Agreement, ...] = ()
    # (clause id, the guidance register's requirements it meets) as composed; not part of the text, so not in
    # to_data(): a release keeps what governors approved, and a requirement is a reader's map to it
    meets: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)

    def clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def to_data(self) -> dict:
        """The canonical plain-data form, used for releases and hashing."""
        return {
            "policy_id": self.policy_id,
            "title": self.title,
            "school_slug": self.school_slug,
            "school_name": self.school_name,
            "review_cycle": self.review_cycle,
            "clauses": [asdict(c) for c in self.clauses],
            "agreements": [{"clause_id": a.clause_id, "roles": list(a.roles), "age_group": a.age_group} for a in self.agreements],
        }

    @classmethod
    def from_data(cls, data: dict) -> Document:
        return cls(
            policy_id=data["policy_id"], title=data["title"], school_slug=data["school_slug"],
            school_name=data["school_name"], review_cycle=data["review_cycle"],
            clauses=tuple(Clause(**c) for c in data["clauses"]),
            agreements=tuple(Agreement(a["clause_id"], tuple(a["roles"]), a.get("age_group")) for a in data["agreements"]),
        )

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: equal documents have equal hashes."""
        return hashlib.sha256(canonical_json(self.to_data()).encode("utf-8")).hexdigest()

    @property
    def fingerprint(self) -> str:
        """What a meeting pack and a minute cite: the first 12 hex digits of the content hash, in groups of four."""
        digits = self.content_hash()[:12]
        return "-".join(digits[i:i + 4] for i in range(0, 12, 4))


def canonical_json(data: object) -> str:
    """One encoding per value: sorted keys, no insignificant whitespace, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
