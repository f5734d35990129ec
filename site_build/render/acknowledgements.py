"""The annual "read and understood" pack: a sheet per person listing every policy, and the version of it, that their
role must acknowledge, then the signing register (laid out and tagged like any agreement pack)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..errors import ErrorCollector, InputError
from ..load.roster import RosterEntry
from ..model.release import Letterhead
from ..model.schema import School
from ..model.vocabulary import ROLE_LABELS, ROLE_PLURALS
from .agreements import Pack, Sheet, unused_board_role
from .pdf import TEMPLATES

TITLE = "Read and understood: the staff handbook"


@dataclass(frozen=True)
class Acknowledged:
    """A policy on the sheet: its title, the version to acknowledge and the roles that acknowledge it."""

    title: str
    version: str  # '2026-09-01 (update)'
    approved: str  # '1 September 2026'
    roles: tuple[str, ...]

    def asked_of(self, role: str) -> bool:
        alias = {"governor": "trustee", "trustee": "governor"}.get(role)
        return role in self.roles or alias in self.roles


def acknowledgement_pack(letterhead: Letterhead, large_print: bool = False) -> Pack:
    """What every page of the pack says: the school, and that each sheet is signed for the versions it lists."""
    return Pack(letterhead, f"{letterhead.name}: staff handbook, read and understood", "Signed for the versions listed on "
                "this sheet.", large_print)


def acknowledgement_sheets(policies: list[Acknowledged], school: School, people: list[RosterEntry] | None, role: str | None,
                           errors: ErrorCollector, roster: Path | None = None) -> list[Sheet]:
    """A sheet per person (roster order), or a blank one per role that acknowledges anything (in the school's own board
    word: governors or trustees); rows without one go to `errors`."""
    roles = [r for r in ROLE_LABELS if r != unused_board_role(school) and any(policy.asked_of(r) for policy in policies)]
    if role is not None and not any(policy.asked_of(role) for policy in policies):
        raise InputError(f"no policy asks {ROLE_PLURALS[role]} to acknowledge it",
                         hint=f"roles that acknowledge policies: {', '.join(roles) or 'none'} (set by `acknowledged_by:` "
                              "in each policy's outline or the school's settings)")
    if people is None:
        return [_sheet(policies, r, None) for r in ([role] if role else roles)]
    sheets = []
    for person in people:
        if role is not None and person.role != role:
            continue
        if not any(policy.asked_of(person.role) for policy in policies):  # a trustee signs as the governors do
            errors.add(InputError(f"row {person.row} ({person.name}): no policy asks {ROLE_PLURALS[person.role]} to "
                                  "acknowledge it", roster, person.row, hint=f"roles that do: {', '.join(roles) or 'none'}"))
            continue
        sheets.append(_sheet(policies, person.role, person))
    return sheets


def _sheet(policies: list[Acknowledged], role: str, person: RosterEntry | None) -> Sheet:
    listed = [policy for policy in policies if policy.asked_of(role)]
    return Sheet(TITLE, role, Markup(TEMPLATES.get_template("acknowledgement.html").render(policies=listed)), person, False)
