"""The change log: one row per release, saying where each one changed the policy (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.release import Release
from .compare import changed_sections, compare_documents


@dataclass(frozen=True)
class ChangeLogRow:
    release: Release
    where: str


def change_log(releases: list[Release]) -> list[ChangeLogRow]:
    """One row per release, newest first; 'where' comes from what actually changed."""
    rows = []
    for index, release in enumerate(releases):
        if index == 0:  # a history brought in may start with an update: it is the first version recorded, not adopted
            where = "Whole policy (first approval)" if release.kind == "edition" else "Whole policy (first version recorded here)"
        elif release.reaffirmed:
            where = "No change (reviewed)"
        else:
            sections = changed_sections(compare_documents(releases[index - 1].document, release.document))
            where = ", ".join(sections) if sections else "No change to the text"
        rows.append(ChangeLogRow(release, where))
    return rows[::-1]
