"""Schemas for the files people edit: school.yml, policy outlines, clause front matter.

Every model forbids unknown keys, so a typo is an error that names the valid keys.
Strings stay strings: the YAML loader resolves no implicit booleans, ints or dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .vocabulary import AgeGroup, Phase, Role

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _not_reserved(value: str) -> str:
    """Sites are opened from Windows shared drives, where these names cannot be files."""
    if value in RESERVED_NAMES:
        raise ValueError(f"'{value}' is a reserved name on Windows; choose another")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80), AfterValidator(_not_reserved)]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\.(png|jpg|jpeg|svg|webp|gif)$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
# A requirement of the guidance register (policies_src/guidance.yml): "<document>.<requirement>", e.g. "fms.roles".
RequirementId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=161)]
CYCLE_PATTERN = re.compile(r"^(\d{1,2}) (year|years|month|months)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _iso_date(value: object) -> object:
    """'2025-09-01' -> a date (YAML dates stay text when loaded, so each is read here, strictly)."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-09-01")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date") from None
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class Dated(Strict):
    """Content that applies only on some days: `from` its first day, `until` its last (either may be left out)."""

    from_: IsoDate | None = Field(None, alias="from")
    until: IsoDate | None = None

    @field_validator("until")
    @classmethod
    def _in_order(cls, until: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("from_")
        if start and until and until < start:
            raise ValueError(f"'until' ({until}) is before 'from' ({start}), so this never applies")
        return until

    def applies_on(self, day: dt.date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.until is None or day <= self.until)


def cycle_in_months(cycle: str) -> int:
    """'2 years' -> 24, '18 months' -> 18."""
    match = CYCLE_PATTERN.match(cycle)
    if not match:
        raise ValueError(f"review cycle {cycle!r} should look like '1 year', '2 years' or '18 months'")
    count = int(match.group(1))
    months = count * 12 if match.group(2).startswith("year") else count
    if not 1 <= months <= 60:
        raise ValueError(f"review cycle {cycle!r} should be between 1 month and 5 years")
    return months


class SchoolRole(Strict):
    """A role as the school names it: a post, a team or an outside provider, with or without a person's name."""

    title: Text  # as the school says it: "ICT Lead", "School Business Manager", "Trust IT team"
    short: Text | None = None  # "SBM", "DSL"
    name: Text | None = None  # a person's name, where the school gives one
    email: Text | None = None
    telephone: Text | None = None
    team: bool = False  # a team rather than one person
    provider: bool = False  # an outside organisation (a trust's IT team, a company)
    article: bool = True  # "the ICT Lead"; false for a proper name ("Derbyshire ICT Services")


class SocialAccount(Strict):
    platform: Text
    url: Text | None = None


class Systems(Strict):
    filtering: Text | None = None
    monitoring: Text | None = None
    firewall: Text | None = None
    email: Text | None = None
    secure_email: Text | None = None
    remote_access: list[Text] = []
    cloud_storage: Text | None = None
    learning_platform: Text | None = None
    parent_platform: Text | None = None
    assessment_platform: Text | None = None
    messaging: list[Text] = []
    parent_channels: list[Text] = []
    social_media: list[SocialAccount] = []
    guest_wifi: bool = False


class Delegation(Strict):
    """The board has delegated approving these policies to a committee (as its scheme of delegation records)."""

    committee: Text  # "Resources Committee"
    policies: list[Slug] = Field(min_length=1)
    minute: Text | None = None  # where the board recorded the delegation


class Governance(Strict):
    body: Text = Field(description="what the board is called, e.g. 'Local Governing Board'")
    members: Literal["governors", "trustees"] = "governors"
    chair_title: Text | None = None
    delegations: list[Delegation] = []


class ItemAddition(Strict):
    id: Slug
    text: Text
    after: Slug | None = None
    before: Slug | None = None

    @model_validator(mode="after")
    def _one_position(self) -> ItemAddition:
        if self.after and self.before:
            raise ValueError("give either 'after' or 'before', not both")
        return self


class ItemChanges(Strict):
    drop: list[Slug] = []
    add: list[Slug | ItemAddition] = []


class ClausePlacement(Strict):
    """Where a school adds one of its own clauses, or moves a clause: by another clause, at the start or end
    of the policy's body, or among the appendices."""

    clause: Slug
    after: Slug | None = None
    before: Slug | None = None
    under: Slug | None = None  # as its last sub-section
    at: Literal["start", "end"] | None = None  # a top-level section, first or last in the body
    appendix: bool = False  # an appendix: the last one, or after/before another appendix

    @model_validator(mode="after")
    def _one_position(self) -> ClausePlacement:
        given = [p for p in (self.after, self.before, self.under, self.at) if p]
        if len(given) > 1 or not (given or self.appendix) or (self.appendix and (self.under or self.at)):
            raise ValueError("place the clause with exactly one of 'after', 'before', 'under', 'at: start', 'at: end' "
                             "or 'appendix: true' (an appendix may also be placed 'after' or 'before' another appendix)")
        return self


Scalar = str | int | float | bool | list[str]


class AgreementSpec(Strict):
    clause: Slug
    signed_by: list[Role] = Field(min_length=1)  # who signs it: staff, governor, parent, pupil...
    age_group: AgeGroup | None = None


class PolicySettings(Strict):
    title: Text | None = None
    review_cycle: str | None = None
    approver: Text | None = None
    written_by: Text | None = None
    variables: dict[str, Scalar] = {}
    include: list[Slug] = []
    drop: list[Slug] = []
    add: list[ClausePlacement] = []  # the school's own clauses, from overrides/<slug>/
    move: list[ClausePlacement] = []  # clauses of the policy, shared or the school's own, moved elsewhere
    agreements: list[AgreementSpec] = []  # any clause of the policy as a sheet to sign, besides the outline's
    acknowledged_by: list[Role] | None = None  # who confirms each year they have read it (default: the outline's)
    items: dict[Slug, ItemChanges] = {}

    @field_validator("review_cycle")
    @classmethod
    def _cycle(cls, value: str | None) -> str | None:
        if value is not None:
            cycle_in_months(value)
        return value


class Signer(Strict):
    """Someone whose key may sign approvals: `policy-site keygen` prints the public key line."""

    name: Text
    public_key: Annotated[str, StringConstraints(pattern=r"^ed25519:[A-Za-z0-9+/]{43}=$")]


class School(Strict):
    name: Text
    phase: Phase
    short_name: Text | None = None
    urn: Annotated[str, StringConstraints(pattern=r"^\d{6,7}$")] | None = None
    motto: Text | None = None
    address: list[Text] = []
    telephone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    logo: FileName | None = None  # an image in overrides/<slug>/theme/
    trust: Text | None = None
    local_authority: Text | None = None
    governance: Governance
    roles: dict[Slug, SchoolRole] = {}  # the school's own roles, and its titles for the model's
    responsibilities: dict[Slug, list[Slug]] = {}  # duty -> the roles that carry it, where the school differs
    systems: Systems = Systems()
    policies: dict[Slug, PolicySettings] = {}
    signers: list[Signer] = []


class OutlineEntry(Strict):
    clause: Slug
    optional: bool = False
    when: Text | None = None
    children: list[OutlineEntry] = []


class Outline(Strict):
    title: Text
    review_cycle: str = "1 year"
    sections: list[OutlineEntry] = Field(min_length=1)
    appendices: list[OutlineEntry] = []
    agreements: list[AgreementSpec] = []
    acknowledged_by: list[Role] = ["staff"]  # who confirms each year they have read and understood it

    @field_validator("review_cycle")
    @classmethod
    def _cycle(cls, value: str) -> str:
        cycle_in_months(value)
        return value


class LibraryItem(Dated):
    id: Slug
    text: Text
    optional: bool = False
    implements: list[RequirementId] = []  # requirements of the guidance register this item alone meets


class Edition(Strict):
    """One value of a dated variable, in force from a day until the next edition's: `{value: "2025", from: 2025-09-01}`."""

    value: Scalar
    from_: IsoDate = Field(alias="from")


def _editions_in_order(value: object) -> object:
    if isinstance(value, list) and value and all(isinstance(e, Edition) for e in value):
        days = [e.from_ for e in value]
        if days != sorted(set(days)):
            raise ValueError("list the editions oldest first, each from a later day than the one before")
    return value


def dated_editions(default: object) -> list[Edition] | None:
    """A variable's editions, if the model dates it; None for a plain value."""
    return default if isinstance(default, list) and default and isinstance(default[0], Edition) else None


def edition_in_force(editions: list[Edition], day: dt.date) -> Scalar | None:
    """The value of the latest edition from on or before `day` (None: the first edition is later)."""
    current = [edition.value for edition in editions if edition.from_ <= day]
    return current[-1] if current else None


class ChangeNote(Strict):
    """Why the model changed a clause, and from when: shown beside the clause in redlines and `status --pending`."""

    on: IsoDate
    note: Text


class Responsibility(Strict):
    """A duty the policies speak of ("manages-access"), the roles that carry it by default, and what it is."""

    description: Text
    roles: list[Slug] = Field(min_length=1)


class RoleLibrary(Strict):
    """policies_src/roles.yml: the model's roles (generic titles) and every responsibility a clause may name."""

    roles: dict[Slug, SchoolRole]
    responsibilities: dict[Slug, Responsibility]


class ClauseMeta(Dated):
    title: Text
    audience: list[Role] = []
    tags: list[Slug] = []
    defaults: dict[str, Annotated[Scalar | list[Edition], AfterValidator(_editions_in_order)]] = {}
    items: list[LibraryItem] = []
    numbered: bool = False
    changes: list[ChangeNote] = []
    implements: list[RequirementId] = []  # requirements of the guidance register (policies_src/guidance.yml) it meets
