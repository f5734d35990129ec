"""The guidance register (policies_src/guidance.yml): each law and guidance document once, and the requirements
in it that a school policy must meet. Clauses and items name the requirements they implement (`implements:`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from ..errors import Problem
from .schema import Dated, IsoDate, Slug, Strict, Text
from .vocabulary import Phase

GuidanceKind = Literal["law", "statutory-guidance", "guidance"]
KIND_LABELS = {"law": "Law", "statutory-guidance": "Statutory guidance", "guidance": "Guidance"}


class Requirement(Dated):
    """One thing a school policy must do or say, in the project's words; `statutory` when a school must meet it."""

    id: Slug
    text: Text
    statutory: bool = False
    phases: list[Phase] = []  # only schools of these phases (all, when empty)

    def applies_to(self, phase: str) -> bool:
        return not self.phases or phase in self.phases


def _refuse_repeats(ids: list[str], rule: str) -> None:
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"{rule}: {', '.join(twice)} is used twice")


class GuidanceDocument(Strict):
    id: Slug
    name: Text  # the short name readers see: "KCSIE 2025"
    title: Text
    publisher: Text
    edition: IsoDate  # the edition in force
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s\"'<>]+$", max_length=500)]
    kind: GuidanceKind
    requirements: list[Requirement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> GuidanceDocument:
        _refuse_repeats([r.id for r in self.requirements], "requirement ids must be unique within a document")
        return self


class GuidanceRegister(Strict):
    documents: list[GuidanceDocument] = []

    @model_validator(mode="after")
    def _unique(self) -> GuidanceRegister:
        _refuse_repeats([d.id for d in self.documents], "document ids must be unique")
        return self

    def requirements(self) -> dict[str, tuple[GuidanceDocument, Requirement]]:
        """Every requirement by its full id ('fms.roles'), in the register's order."""
        return {f"{d.id}.{r.id}": (d, r) for d in self.documents for r in d.requirements}



@dataclass(frozen=True)
class Elsewhere:
    """A section of another of the school's policies that meets a requirement."""

    policy_id: str
    policy_title: str
    clause_id: str
    number: str


@dataclass(frozen=True)
class MapRow:
    """One requirement in a school's policy: the clauses that meet it, or why none does (the guidance map)."""

    requirement_id: str
    document: GuidanceDocument
    requirement: Requirement
    clauses: tuple[str, ...] = ()  # ids of the composed clauses that meet it
    gap: str = ""  # why nothing meets it, when nothing does: "the school drops 'filtering-and-monitoring'"
    school_choices: tuple[Problem, ...] = ()  # for a statutory requirement: the school's settings that caused the gap
    elsewhere: tuple[Elsewhere, ...] = ()  # the sections of the school's other policies that meet it

    @property
    def met(self) -> bool:
        """Met by this policy or by another of the school's policies (its handbook)."""
        return bool(self.clauses or self.elsewhere)
