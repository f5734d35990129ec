"""References between a school's policies, its handbook (pure).

`ref("x")` names clause x of the policy being composed or, when that policy lacks it, of the first
other policy the school adopts that has it; `ref("online-safety:x")` names the online safety
policy's clause x. A link to another policy reads "section 6 of the Online safety policy", numbered
as in that policy's approved version in force (a section it does not have yet, or a policy not yet
approved, reads "the Online safety policy": never a number readers will not find), and points at
that policy's page: `../online-safety/index.md#x`, from a policy's own folder (the site
stage repoints it for pages elsewhere). `has()` answers the same question without failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

from ..errors import InputError, PolicySiteError
from ..load.project import ClauseSource, OutlineSource, SchoolSource
from ..load.suggest import did_you_mean
from ..model.release import Release
from .markdown_rules import literal_markdown
from .shape import Shape, shape


class Handbook:
    """Every policy a school adopts, each shaped and numbered when a reference first needs it."""

    def __init__(self, school: SchoolSource, outlines: Mapping[str, OutlineSource], library: Mapping[str, ClauseSource],
                 helpers: Mapping[str, Callable[..., Markup]], as_at: dt.date, home: Shape,
                 published: Mapping[str, Mapping[str, str]], shapes: dict[str, Shape | None] | None = None):
        """`shapes`: the school's policies already shaped as at `as_at` (None: failed), shared between its policies."""
        self.school, self.outlines, self.library, self.helpers, self.as_at = school, outlines, library, helpers, as_at
        self.home, self.published = home, published
        self._shapes = {} if shapes is None else shapes
        self._shapes[home.outline.id] = home

    def has(self, target: str) -> bool:
        """Whether `ref(target)` would resolve."""
        policy_id, clause_id = _split(target)
        if policy_id and policy_id != self.home.outline.id:
            found = self._shape(policy_id) if policy_id in self.school.facts.policies else None
            return found is not None and clause_id in found.numbers
        return clause_id in self.home.numbers or self._elsewhere(clause_id) is not None

    def ref(self, target: str, clause: ClauseSource) -> Markup:
        """A Markdown link to the clause `target` names, or an error naming the clause, its policy and the school
        (the template's renderer adds the file and line of the call)."""
        policy_id, clause_id = _split(target)
        home = self.home
        if policy_id and policy_id != home.outline.id:
            return self._link(self._adopted(policy_id, target, clause), clause_id, target, clause)
        if clause_id in home.numbers:
            return Markup(f"[{_label(home.numbers[clause_id])}](#{clause_id})")
        other = self._elsewhere(clause_id)
        if other is not None:
            return self._link(other, clause_id, target, clause)
        name = self.school.facts.name
        if clause_id in home.dropped:  # the school's choice broke the reference: say so at the school's line
            raise InputError(f"dropping '{clause_id}' breaks the reference to it in '{clause.id}' ({clause.path}: "
                             f"ref(\"{target}\")) in the {home.title}", self.school.path, home.dropped[clause_id],
                             hint=f"keep '{clause_id}'; or drop '{clause.id}' too; or give the school its own wording of "
                                  f"'{clause.id}' without the reference, in overrides/{self.school.slug}/{clause.id}.md")
        raise InputError(f"ref(\"{target}\") in the {home.title} points to a clause that is not in {name}'s "
                         f"{home.title} nor in another of its policies",
                         hint=did_you_mean(clause_id, home.numbers, "check the name against the clauses in this policy.")
                         + " If the clause is optional, guard the sentence with {% if has(\"" + target + "\") %}")

    def _adopted(self, policy_id: str, target: str, clause: ClauseSource) -> Shape:
        name = self.school.facts.name
        if policy_id not in self.school.facts.policies:
            raise InputError(f"ref(\"{target}\") in '{clause.id}' ({self.home.title}) points to the policy '{policy_id}', "
                             f"which {name} has not adopted",
                             hint=f"{name}'s policies: {', '.join(self.school.facts.policies)}; adopt it under "
                                  f"'policies:' in {self.school.path}, or guard the sentence with "
                                  "{% if has(\"" + target + "\") %}")
        found = self._shape(policy_id)
        if found is None:  # its outline is missing or cannot be composed: that is reported where it happens
            raise InputError(f"ref(\"{target}\") in '{clause.id}' points to the policy '{policy_id}', which cannot be "
                             "composed (see its own problem)")
        return found

    def _link(self, other: Shape, clause_id: str, target: str, clause: ClauseSource) -> Markup:
        if clause_id not in other.numbers:
            raise InputError(f"ref(\"{target}\") in '{clause.id}' ({self.home.title}) points to a clause that is not in "
                             f"{self.school.facts.name}'s {other.title}",
                             hint=did_you_mean(clause_id, other.numbers, f"check the name against the clauses of the {other.title}.")
                             + " If the school may leave it out, guard the sentence with {% if has(\"" + target + "\") %}")
        numbers = self.published.get(other.outline.id, {})
        title = literal_markdown(other.title)
        label = f"{_label(numbers[clause_id])} of the {title}" if clause_id in numbers else f"the {title}"
        return Markup(f"[{label}](../{other.outline.id}/index.md#{clause_id})")

    def _elsewhere(self, clause_id: str) -> Shape | None:
        """The first other policy the school adopts that holds the clause."""
        for policy_id in self.school.facts.policies:
            if policy_id != self.home.outline.id:
                found = self._shape(policy_id)
                if found is not None and clause_id in found.numbers:
                    return found
        return None

    def _shape(self, policy_id: str) -> Shape | None:
        if policy_id not in self._shapes:
            outline = self.outlines.get(policy_id)
            try:
                self._shapes[policy_id] = shape(self.school, outline, self.library, self.helpers, self.as_at) if outline else None
            except PolicySiteError:  # composing that policy reports its own problem
                self._shapes[policy_id] = None
        return self._shapes[policy_id]


def _split(target: str) -> tuple[str, str]:
    policy_id, _, clause_id = target.rpartition(":")
    return policy_id, clause_id


def _label(number: str) -> str:
    return number.replace("Appendix", "appendix") if number.startswith("Appendix") else f"section {number}"


def published_numbers(releases: Mapping[str, Sequence[Release]], as_at: dt.date) -> dict[str, dict[str, str]]:
    """Each policy's section numbers in its approved version in force on `as_at`; a policy with none is left out."""
    numbers = {}
    for policy_id, history in releases.items():
        in_force = [release for release in history if release.in_force_from <= as_at]
        if in_force:
            numbers[policy_id] = {clause.id: clause.number for clause in in_force[-1].document.clauses}
    return numbers
