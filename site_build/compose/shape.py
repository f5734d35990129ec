"""A policy's shape for one school: which clauses it holds, where, and their numbers, before any text is rendered (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..errors import InputError
from ..load.project import ClauseSource, OutlineSource, SchoolSource
from ..load.suggest import did_you_mean
from ..load.yaml_lines import line_of
from ..model.schema import OutlineEntry, PolicySettings
from ..model.vocabulary import PUPIL_WORDS, PUPIL_WORDS_DEFAULT
from .as_at import date_tests
from .markdown_rules import plain_data
from .sandbox import evaluate
from .structure import Node, Placement, Tree, arrange


@dataclass(frozen=True)
class Shape:
    """A school's policy arranged and numbered: the tree, each clause's number, and the clauses the school drops."""

    outline: OutlineSource
    settings: PolicySettings
    title: str
    review_cycle: str
    context: dict[str, Any]  # what every clause's template sees, before its own helpers
    tree: Tree
    numbers: dict[str, str]
    dropped: dict[str, int | None]  # clause id -> its line under `drop:` in school.yml


class Locator:
    """Finds the line of a key under `policies.<id>` in school.yml."""

    def __init__(self, school: SchoolSource, policy_id: str):
        self.school, self.prefix = school, ("policies", policy_id)

    def __call__(self, *path: Any) -> int | None:
        return line_of(self.school.lines, self.prefix + path)


def pupil_words(phase: str) -> dict[str, str]:
    """`pupil`, `pupils` and `pupils_possessive` for clause text: "pupils", or "children" in a nursery."""
    one, many, possessive = PUPIL_WORDS.get(phase, PUPIL_WORDS_DEFAULT)
    return {"pupil": one, "pupils": many, "pupils_possessive": possessive}


def policy_titles(outlines: Mapping[str, OutlineSource], school: SchoolSource) -> dict[str, str]:
    """Each of the school's policies' titles: the school's own, or its outline's (a policy without an outline: its id)."""
    return {policy_id: settings.title or (outlines[policy_id].outline.title if policy_id in outlines else policy_id)
            for policy_id, settings in school.facts.policies.items()}


def shape(school: SchoolSource, outline: OutlineSource, library: Mapping[str, ClauseSource],
          helpers: Mapping[str, Callable[..., Markup]], as_at: dt.date) -> Shape:
    """Select, place and number the clauses of the school's policy as at a date; the school's choices are checked."""
    settings = school.facts.policies.get(outline.id, PolicySettings())
    where = Locator(school, outline.id)
    review_cycle = settings.review_cycle or outline.outline.review_cycle
    title = settings.title or outline.outline.title
    context: dict[str, Any] = {
        "school": plain_data(school.facts.model_dump()),
        "policy": plain_data({"id": outline.id, "title": title, "review_cycle": review_cycle}),
        **helpers, **date_tests(as_at), **pupil_words(school.facts.phase),
    }
    entries = outline.outline.sections + outline.outline.appendices
    optional = _optional_ids(entries)
    for clause_id in settings.include:
        if clause_id not in optional:
            raise InputError(f"'{clause_id}' is not an optional clause of this policy", school.path, where("include"),
                              hint=f"optional clauses: {', '.join(sorted(optional))}")
    all_ids = _all_ids(entries)
    for clause_id in settings.drop:
        if clause_id not in all_ids:
            raise InputError(f"cannot drop '{clause_id}': the policy has no such clause", school.path, where("drop"),
                              hint=did_you_mean(clause_id, all_ids, "check the name against the clauses."))
    pick = _Picker(settings, {**library, **school.overrides}, context, outline, as_at)
    tree = Tree(pick.nodes(outline.outline.sections), pick.nodes(outline.outline.appendices))
    dropped = {clause_id: where("drop", index) for index, clause_id in enumerate(settings.drop)}
    arrange(tree, _placements(settings, school, where, library, tree), dropped)
    numbers = {node.source.id: number for node, number, _ in tree.numbered()}
    return Shape(outline, settings, title, review_cycle, context, tree, numbers, dropped)


class _Picker:
    """Chooses which outline entries a school's policy contains, and from which source."""

    def __init__(self, settings: PolicySettings, sources: Mapping[str, ClauseSource], context: dict[str, Any],
                 outline: OutlineSource, as_at: dt.date):
        self.settings, self.sources, self.context, self.outline, self.as_at = settings, sources, context, outline, as_at

    def nodes(self, entries: list[OutlineEntry]) -> list[Node]:
        chosen = []
        for entry in entries:
            if entry.clause in self.settings.drop or (entry.optional and entry.clause not in self.settings.include):
                continue
            if entry.when and not evaluate(entry.when, self.context, self.outline.path, self._line(entry)):
                continue
            source = self.sources.get(entry.clause)
            if source is None:
                raise InputError(f"the outline names a clause '{entry.clause}' that does not exist", self.outline.path,
                                  self._line(entry), hint=did_you_mean(entry.clause, self.sources, "check the name against the clauses."))
            if not source.meta.applies_on(self.as_at):
                continue
            origin = "override" if source.origin == "override" else "library"
            chosen.append(Node(source, origin, self.nodes(entry.children)))
        return chosen

    def _line(self, entry: OutlineEntry) -> int | None:
        return self.outline.clause_lines.get(entry.clause)


def _placements(settings: PolicySettings, school: SchoolSource, where: Locator, library: Mapping[str, ClauseSource],
                tree: Tree) -> list[Placement]:
    """The school's `add:` entries (each with its clause's node) and `move:` entries, checked."""
    placements = []
    for index, spec in enumerate(settings.add):
        line = where("add", index)
        source = school.overrides.get(spec.clause)
        if source is None:
            raise InputError(f"the clause '{spec.clause}' to add has no file", school.path, line,
                             hint=f"create overrides/{school.slug}/{spec.clause}.md")
        if spec.clause in library or tree.find(spec.clause):
            raise InputError(f"'{spec.clause}' is already a clause of this policy", school.path, line,
                             hint="to change a shared clause, just create the override file; to move it, use 'move:'; "
                                  "to add one, give it a new id")
        placements.append(Placement(spec, Node(source, "school"), school.path, line))
    placements += [Placement(spec, None, school.path, where("move", index)) for index, spec in enumerate(settings.move)]
    return placements


def _optional_ids(entries: list[OutlineEntry]) -> set[str]:
    return {e.clause for e in entries if e.optional} | {i for e in entries for i in _optional_ids(e.children)}


def _all_ids(entries: list[OutlineEntry]) -> set[str]:
    return {e.clause for e in entries} | {i for e in entries for i in _all_ids(e.children)}
