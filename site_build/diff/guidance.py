"""The guidance map: each requirement of the register that applies to a school, and the sections of its policy that
meet it, or why none does (pure). `check` warns of each school choice (a drop, an item dropped, its own text in place
of a shared clause) that takes away a clause meeting a statutory requirement nothing else in the school's policies meets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from ..errors import Problem
from ..load.project import OutlineSource, Project, SchoolSource
from ..load.yaml_lines import line_of
from ..model.document import Document
from ..model.guidance import Elsewhere, MapRow
from ..model.schema import OutlineEntry, PolicySettings
from .compare import Change


def guidance_map(project: Project, school: SchoolSource, outline: OutlineSource, draft: Document, as_at: dt.date,
                 others: Sequence[Document] = ()) -> list[MapRow]:
    """Every requirement in force on `as_at` for the school's phase, in the register's order, met or not; met by this
    policy, or by one of `others`, the school's other policies (what it does not meet, another may)."""
    met: dict[str, list[str]] = {}
    for clause_id, requirement_ids in draft.meets:
        for rid in requirement_ids:
            met.setdefault(rid, []).append(clause_id)
    elsewhere: dict[str, list[Elsewhere]] = {}
    for other in others:
        numbers = {clause.id: clause.number for clause in other.clauses}
        for clause_id, requirement_ids in other.meets:
            for rid in requirement_ids:
                elsewhere.setdefault(rid, []).append(Elsewhere(other.policy_id, other.title, clause_id, numbers[clause_id]))
    rows = []
    composed = {clause.id for clause in draft.clauses}
    for rid, (document, requirement) in project.guidance.register.requirements().items():
        if not requirement.applies_on(as_at) or not requirement.applies_to(school.facts.phase):
            continue
        if rid in met or rid in elsewhere:
            rows.append(MapRow(rid, document, requirement, tuple(met.get(rid, ())), elsewhere=tuple(elsewhere.get(rid, ()))))
            continue
        gaps = list(_gaps(project, school, outline, composed, rid, as_at))
        choices = tuple(problem for _, problem in gaps if problem) if requirement.statutory else ()
        rows.append(MapRow(rid, document, requirement, gap="; ".join(text for text, _ in gaps) or "no clause of this policy meets it",
                           school_choices=choices))
    return rows


def statutory_notes(project: Project, phase: str, as_at: dt.date) -> dict[str, str]:
    """For each shared clause that meets statutory requirements (itself or through its items), a line for redlines:
    'Statutory: KCSIE 2025: Make sure appropriate filtering ...' (grouped by document when there are more than three)."""
    register = project.guidance.register.requirements()
    notes = {}
    for clause_id, source in project.clauses.items():
        ids = list(dict.fromkeys([*source.meta.implements, *(rid for item in source.meta.items for rid in item.implements)]))
        found = [register[rid] for rid in ids if rid in register and register[rid][1].statutory
                 and register[rid][1].applies_on(as_at) and register[rid][1].applies_to(phase)]
        if len(found) > 3:
            names = [document.name for document, _ in found]
            notes[clause_id] = ", ".join(f"{name} ({names.count(name)} requirements)" for name in dict.fromkeys(names)) \
                + "; see the guidance map"
        elif found:
            notes[clause_id] = "; ".join(f"{document.name}: {requirement.text.rstrip('.')}" for document, requirement in found)
    return notes


def with_statutory(changes: list[Change], notes: Mapping[str, str]) -> list[Change]:
    """Each change to a clause that meets a statutory requirement, marked with it."""
    return [replace(change, statutory=notes.get(change.id, "")) for change in changes]


def statutory_warnings(school: SchoolSource, policy_id: str, rows: list[MapRow]) -> list[Problem]:
    """One warning for each of the school's settings that leaves statutory requirements unmet, naming them all."""
    by_setting: dict[tuple, list[MapRow]] = {}
    problems: dict[tuple, Problem] = {}
    for row in rows:
        for choice in row.school_choices:
            key = (str(choice.file), choice.line, choice.message)
            by_setting.setdefault(key, []).append(row)
            problems[key] = choice
    warnings = []
    for key, found in by_setting.items():
        choice, what = problems[key], key[2]
        named = "; ".join(f"{row.document.name}: {row.requirement.text} ({row.requirement_id})" for row in found)
        count = f"{len(found)} statutory requirement{'s' if len(found) != 1 else ''}"
        warnings.append(Problem(f"{school.facts.name}'s policy '{policy_id}' {what}, and nothing else in it or the school's "
                                f"other policies meets {count}: {named}",
                                choice.file, choice.line, choice.hint))
    return warnings


def _gaps(project: Project, school: SchoolSource, outline: OutlineSource, composed: set[str], rid: str,
          as_at: dt.date) -> Iterator[tuple[str, Problem | None]]:
    """For each shared clause or item of the policy that would meet `rid`, why this school's policy lacks it; with the
    school's line when its own setting is the reason."""
    settings = school.facts.policies.get(outline.id, PolicySettings())
    entries = dict(_entries(outline.outline.sections + outline.outline.appendices))
    hint = ("keep the shared clause, or once the school's own text meets each requirement, list them under "
            "`implements:` in that clause's front matter")
    for clause_id, entry in entries.items():
        source = project.clauses.get(clause_id)
        if source is None:
            continue
        items = [item for item in source.meta.items if rid in item.implements]
        if rid not in source.meta.implements and not items:
            continue
        name = f"'{source.meta.title}'" if "{" not in source.meta.title else f"'{clause_id}'"
        where = ("policies", outline.id)
        if clause_id in settings.drop:
            line = line_of(school.lines, (*where, "drop", settings.drop.index(clause_id)))
            yield f"the school leaves out {name}", Problem(f"drops '{clause_id}'", school.path, line, hint)
        elif clause_id in school.overrides:
            yield (f"the school's own text replaces {name}",
                   Problem(f"replaces '{clause_id}'", school.overrides[clause_id].path, 1, hint))
        elif entry.optional and clause_id not in settings.include:
            yield f"{name} is optional and the school does not include it", None
        elif not source.meta.applies_on(as_at):
            yield f"{name} is not in force on {as_at.isoformat()}", None
        elif clause_id not in composed:
            yield f"{name} does not apply to this school" + (f" ({entry.when})" if entry.when else ""), None
        else:
            changes = settings.items.get(clause_id)
            for item in items:
                if changes and item.id in changes.drop:
                    line = line_of(school.lines, (*where, "items", clause_id, "drop", changes.drop.index(item.id)))
                    yield (f"the school drops the item '{item.id}' of {name}",
                           Problem(f"drops the item '{item.id}' of '{clause_id}'", school.path, line, hint))
                elif item.optional:
                    yield f"the item '{item.id}' of {name} is optional and the school does not add it", None
                else:
                    yield f"the item '{item.id}' of {name} is not in force on {as_at.isoformat()}", None


def _entries(entries: list[OutlineEntry]) -> Iterator[tuple[str, OutlineEntry]]:
    for entry in entries:
        yield entry.clause, entry
        yield from _entries(entry.children)
