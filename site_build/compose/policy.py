"""Compose stage: a school's settings + an outline + the clause library -> one numbered Document.

Pure: reads only the loaded sources, writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from ..errors import ErrorCollector, InputError, PolicySiteError
from ..load.project import ClauseSource, OutlineSource, Project, RolesSource, SchoolSource
from ..load.suggest import did_you_mean
from ..load.yaml_lines import line_of
from ..model.document import Agreement, Clause, Document
from ..model.release import Release
from ..model.schema import ItemAddition, PolicySettings
from .as_at import variables_as_at
from .handbook import Handbook, published_numbers
from .markdown_rules import check_composed, check_source, image_targets, plain_data
from .roles import resolve_duties, template_helpers
from .sandbox import is_static, render
from .shape import Locator, Shape, shape


def compose_all(project: Project, as_at: dt.date,
                releases: Mapping[tuple[str, str], Sequence[Release]] = MappingProxyType({})) -> dict[tuple[str, str], Document]:
    """Compose every policy of every loaded school as at a date, collecting every problem before raising.

    `releases` are each (school, policy)'s approved versions, for the section numbers references between policies
    give. A policy whose outline names a clause file that failed to load is left out (that failure is reported already)."""
    errors = ErrorCollector()
    documents = {}
    for slug, school in project.schools.items():
        approved = {policy_id: releases.get((slug, policy_id), ()) for policy_id in school.facts.policies}
        shapes: dict[str, Shape | None] = {}  # shared by the school's policies, for their references to each other
        for policy_id in school.facts.policies:
            outline = project.outlines.get(policy_id)
            if outline and project.unreadable & set(outline.clause_lines):
                continue  # a clause file it needs did not load, and says why: composing it would only echo that
            try:
                documents[slug, policy_id] = compose_policy(school, outline_for(project, school, policy_id), project.clauses,
                                                             project.roles, as_at, project.outlines, approved, shapes)
            except PolicySiteError as exc:
                errors.add(exc)
        try:
            _check_unused_overrides(project, school)
            _check_agreements_once(school, [documents[slug, pid] for pid in school.facts.policies if (slug, pid) in documents])
        except PolicySiteError as exc:
            errors.add(exc)
    errors.raise_if_any()
    return documents


def _check_agreements_once(school: SchoolSource, documents: list[Document]) -> None:
    """A clause is signed as an agreement in one of the school's policies only: its sheet and its PDF are one."""
    signed_in: dict[str, str] = {}
    for document in documents:
        for agreement in document.agreements:
            if agreement.clause_id in signed_in:
                raise InputError(f"'{agreement.clause_id}' is an agreement in both the {signed_in[agreement.clause_id]} and "
                                 f"the {document.title}", school.path,
                                 hint="sign it in one policy only: take it out of the other policy's `agreements:`")
            signed_in[agreement.clause_id] = document.title


def outline_for(project: Project, school: SchoolSource, policy_id: str) -> OutlineSource:
    """The outline of one of the school's policies; an error if the school has no such policy or outline."""
    if policy_id not in school.facts.policies:
        raise InputError(f"{school.facts.name} has no policy '{policy_id}'", school.path,
                          hint=f"its policies: {', '.join(school.facts.policies) or 'none'}")
    if policy_id not in project.outlines:
        raise InputError(f"there is no policy outline '{policy_id}'", school.path, line_of(school.lines, ("policies", policy_id)),
                          hint=did_you_mean(policy_id, project.outlines, "check the name against the policy outlines in policies_src/."))
    return project.outlines[policy_id]


def compose_policy(school: SchoolSource, outline: OutlineSource, library: Mapping[str, ClauseSource], roles: RolesSource,
                   as_at: dt.date, outlines: Mapping[str, OutlineSource], releases: Mapping[str, Sequence[Release]],
                   shapes: dict[str, Shape | None] | None = None) -> Document:
    """Compose one school's policy as at a date: select, place, number, then render every clause.

    Only the clauses, items, passages and variable editions in force on `as_at` are used. `outlines` (every policy's)
    and `releases` (the school's approved versions of each of its policies) are for references to its other policies;
    `shapes`, the school's policies already shaped as at the same date, saves shaping them again."""
    settings = school.facts.policies.get(outline.id, PolicySettings())
    where = Locator(school, outline.id)
    _check_variables(settings, library, school, where)
    helpers = template_helpers(resolve_duties(school, roles))
    shaped = (shapes or {}).get(outline.id) or shape(school, outline, library, helpers, as_at)  # None: say why now
    handbook = Handbook(school, outlines, library, helpers, as_at, shaped, published_numbers(releases, as_at), shapes)
    clauses, meets = [], []
    for node, number, level in shaped.tree.numbered():
        source = node.source
        clause_context = {**shaped.context, "ref": lambda target, source=source: handbook.ref(target, source),
                          "has": handbook.has, "vars": plain_data(variables_as_at(source, settings.variables, as_at))}
        chosen_items = _items(source, settings, school, where, clause_context, as_at)
        items = [text for _, text in chosen_items]
        clause_context["items"] = items
        clause_context["item_list"] = lambda items=items, numbered=source.meta.numbered: Markup(_markdown_list(items, numbered))
        title_text = _render_checked(source.meta.title, clause_context, source.path, source.line("title"))
        text = _render_checked(source.body, clause_context, source.path, source.body_line)
        _check_images(text, school, source)
        clauses.append(Clause(source.id, number, title_text, _tidy(text), level, node.origin))
        meets.append((source.id, _requirements_met(source, [item_id for item_id, _ in chosen_items])))
    agreements = _agreements(outline, settings, shaped.numbers, school, where)
    return Document(outline.id, shaped.title, school.slug, school.facts.name, shaped.review_cycle, tuple(clauses), agreements,
                    tuple(pair for pair in meets if pair[1]))


def _requirements_met(source: ClauseSource, item_ids: list[str]) -> tuple[str, ...]:
    """The guidance register's requirements a composed clause meets: its own, and those of the items it kept."""
    met = list(source.meta.implements)
    for item in source.meta.items:
        if item.id in item_ids:
            met += [rid for rid in item.implements if rid not in met]
    return tuple(met)


def _agreements(outline: OutlineSource, settings: PolicySettings, numbers: Mapping[str, str], school: SchoolSource,
                where: Locator) -> tuple[Agreement, ...]:
    """The outline's agreements the policy keeps, then the school's own (any clause of the policy, signed)."""
    chosen = [Agreement(a.clause, tuple(a.signed_by), a.age_group) for a in outline.outline.agreements if a.clause in numbers]
    for index, spec in enumerate(settings.agreements):
        if spec.clause not in numbers:
            raise InputError(f"'{spec.clause}' cannot be an agreement: it is not in this school's policy", school.path,
                             where("agreements", index),
                             hint=did_you_mean(spec.clause, numbers, "check the name against the clauses in this policy."))
        if any(a.clause_id == spec.clause for a in chosen):
            raise InputError(f"'{spec.clause}' is an agreement already", school.path, where("agreements", index),
                             hint="list each agreement once")
        chosen.append(Agreement(spec.clause, tuple(spec.signed_by), spec.age_group))
    return tuple(chosen)


def _items(source: ClauseSource, settings: PolicySettings, school: SchoolSource, where: Locator,
           context: dict[str, Any], as_at: dt.date) -> list[tuple[str, str]]:
    """The clause's list items in force on `as_at`, after the school's additions and drops: (id, rendered text)."""
    changes = settings.items.get(source.id)
    library_ids = [item.id for item in source.meta.items]
    chosen = {item.id for item in source.meta.items if not item.optional}
    own: list[ItemAddition] = []
    if changes:
        for index, added in enumerate(changes.add):
            if isinstance(added, str):
                if added not in library_ids:
                    raise InputError(f"the clause '{source.id}' has no item '{added}'", school.path, where("items", source.id, "add", index),
                                      hint=did_you_mean(added, library_ids, "check the name against the items.")
                                      + " To add an item of your own, give 'id' and 'text'.")
                chosen.add(added)
            else:
                own.append(added)
    selected = [(item.id, item.text, source.path, source.line("items", index, "text"))
                for index, item in enumerate(source.meta.items) if item.id in chosen and item.applies_on(as_at)]
    for added in own:
        ids = [entry[0] for entry in selected]
        anchor = added.after or added.before
        if added.id in ids:
            raise InputError(f"the item id '{added.id}' is already used in '{source.id}'", school.path, where("items", source.id),
                              hint="give your item a new id")
        if anchor and anchor not in ids and anchor not in library_ids:
            raise InputError(f"cannot place item '{added.id}': '{anchor}' is not in the list", school.path, where("items", source.id),
                              hint=did_you_mean(anchor, ids, "check the name against the items."))
        position = len(selected) if anchor not in ids else ids.index(anchor) + (1 if added.after else 0)
        selected.insert(position, (added.id, added.text, school.path, where("items", source.id, "add")))
    for dropped in changes.drop if changes else []:
        if dropped not in library_ids + [added.id for added in own]:  # an item not in force that day is dropped anyway
            raise InputError(f"cannot drop item '{dropped}' from '{source.id}': no such item", school.path,
                              where("items", source.id, "drop"), hint=did_you_mean(dropped, library_ids, "check the name against the items."))
        selected = [entry for entry in selected if entry[0] != dropped]
    return [(item_id, _render_checked(text, context, file, line)) for item_id, text, file, line in selected]


def _render_checked(text: str, context: dict[str, Any], file: Path, line: int | None) -> str:
    """Clause text (a title, body or list item) checked as written, rendered, and checked as composed.

    The checks are pure, so text with no template tags, the same in every school, is checked once a process."""
    if text in _CHECKED_AS_IS:
        return _CHECKED_AS_IS[text]
    check_source(text, file, line)
    rendered = render(text, context, file, line or 1).strip()
    check_composed(rendered, file, line)
    if is_static(text):
        if len(_CHECKED_AS_IS) >= MAX_CHECKED_AS_IS:
            _CHECKED_AS_IS.clear()
        _CHECKED_AS_IS[text] = rendered
    return rendered


_CHECKED_AS_IS: dict[str, str] = {}  # text with no tags -> itself composed, once it passed both checks
MAX_CHECKED_AS_IS = 20_000  # distinct texts: the library's, and the schools' own (a bound on memory only)


def _markdown_list(items: list[str], numbered: bool) -> str:
    return "\n".join(f"{index}. {text}" if numbered else f"- {text}" for index, text in enumerate(items, start=1))


def _check_images(text: str, school: SchoolSource, source: ClauseSource) -> None:
    for image in image_targets(text):
        if image not in school.images:
            raise InputError(f"the image '{image[:60]}' is not one of {school.facts.name}'s files", source.path,
                              source.body_line, hint=f"put it in overrides/{school.slug}/theme/ and refer to it by its "
                              f"name there{': ' + ', '.join(sorted(school.images)) if school.images else ''}")


def _check_variables(settings: PolicySettings, library: Mapping[str, ClauseSource], school: SchoolSource, where: Locator) -> None:
    known = {name for source in {**library, **school.overrides}.values() for name in source.meta.defaults}
    for name in settings.variables:
        if name not in known:
            raise InputError(f"no clause uses a variable called '{name}'", school.path, where("variables", name),
                              hint=did_you_mean(name, known, "check the name against the variables."))


def _check_unused_overrides(project: Project, school: SchoolSource) -> None:
    added = {a.clause for settings in school.facts.policies.values() for a in settings.add}
    for clause_id, source in school.overrides.items():
        if clause_id not in project.clauses and clause_id not in added:
            raise InputError("this override matches no shared clause and is not added by school.yml", source.path,
                              hint=did_you_mean(clause_id, project.clauses, "check the name against the shared clauses.")
                              + f" To add a clause of the school's own, list it under policies: <policy>: add: in {school.path}")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by template tags, so equal text has one form."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out)
