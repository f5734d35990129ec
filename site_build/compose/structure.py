"""A policy's shape: the tree of clauses a school keeps, with its own clauses added and shared ones moved (pure).

A school's `add:` and `move:` entries each place one clause after, before or under another clause,
at the start or end of the policy's body, or among the appendices. They may name each other in any
order: an entry waits until the clause it is placed by is in its final place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..load.project import ClauseSource
from ..model.schema import ClausePlacement


@dataclass
class Node:
    source: ClauseSource
    origin: str  # "library", "override" or "school"
    children: list[Node] = field(default_factory=list)


@dataclass
class Tree:
    sections: list[Node]
    appendices: list[Node]

    def find(self, clause_id: str) -> tuple[list[Node], int] | None:
        """The list holding the clause, and its index there."""
        return _find(self.sections, clause_id) or _find(self.appendices, clause_id)

    def is_appendix(self, clause_id: str) -> bool:
        return any(node.source.id == clause_id for node in self.appendices)

    def numbered(self) -> Iterator[tuple[Node, str, int]]:
        """(node, number, level) in reading order: 1, 1.1, 1.1.1, ..., Appendix 1, Appendix 1.1, ..."""
        def walk(nodes: list[Node], prefix: str, level: int) -> Iterator[tuple[Node, str, int]]:
            for index, node in enumerate(nodes, start=1):
                number = f"{prefix}{index}"
                yield node, number, level
                yield from walk(node.children, number + ".", level + 1)

        yield from walk(self.sections, "", 1)
        for index, node in enumerate(self.appendices, start=1):
            yield node, f"Appendix {index}", 1
            yield from walk(node.children, f"Appendix {index}.", 2)


@dataclass(frozen=True)
class Placement:
    """One `add:` or `move:` entry: the clause (a new node for add, None for move) and where it goes."""

    spec: ClausePlacement
    node: Node | None
    file: Path
    line: int | None

    @property
    def verb(self) -> str:
        return "add" if self.node is not None else "move"


def arrange(tree: Tree, placements: list[Placement], dropped: dict[str, int | None]) -> None:
    """Apply every placement, each once the clause it is placed by is final; report every one that cannot be."""
    pending = list(placements)
    errors = ErrorCollector()
    while pending:
        subjects = {p.spec.clause for p in pending}
        ready = next((p for p in pending if _anchor(p.spec) not in subjects and _present(tree, p)), None)
        if ready is None:
            by_subject = {p.spec.clause: p for p in pending}
            for placement in pending:
                errors.add(_why_not(tree, placement, by_subject, dropped))
            break
        pending.remove(ready)
        try:
            _apply(tree, ready)
        except InputError as exc:
            errors.add(exc)
    errors.raise_if_any()


def _anchor(spec: ClausePlacement) -> str | None:
    return spec.after or spec.before or spec.under


def _present(tree: Tree, placement: Placement) -> bool:
    anchor = _anchor(placement.spec)
    return anchor is None or tree.find(anchor) is not None


def _apply(tree: Tree, placement: Placement) -> None:
    spec = placement.spec
    node = placement.node if placement.node is not None else _take(tree, placement)
    anchor = _anchor(spec)
    if anchor is None:  # at: start / at: end, or appendix: true
        target = tree.appendices if spec.appendix else tree.sections
        target.insert(0 if spec.at == "start" else len(target), node)
        return
    if tree.is_appendix(anchor) and not spec.appendix and not spec.under:
        raise InputError(f"cannot {placement.verb} '{spec.clause}' {'after' if spec.after else 'before'} '{anchor}': "
                         f"'{anchor}' is an appendix", placement.file, placement.line,
                         hint="to make it an appendix, add 'appendix: true'; for the last section of the policy's body, "
                              "use 'at: end' instead")
    if spec.appendix and not spec.under and not tree.is_appendix(anchor):
        raise InputError(f"cannot place the appendix '{spec.clause}' by '{anchor}', which is not an appendix",
                         placement.file, placement.line, hint="place an appendix after or before another appendix")
    siblings, index = tree.find(anchor)  # type: ignore[misc]  # present: checked before applying
    if spec.under:
        siblings[index].children.append(node)
    else:
        siblings.insert(index + (1 if spec.after else 0), node)


def _take(tree: Tree, placement: Placement) -> Node:
    """Remove the clause to move (with its sub-sections) from where it is."""
    spec = placement.spec
    found = tree.find(spec.clause)
    if found is None:
        raise InputError(f"cannot move '{spec.clause}': it is not in this school's policy", placement.file, placement.line,
                         hint="move a clause the policy has (check the id, and that the school does not drop it)")
    siblings, index = found
    anchor = _anchor(spec)
    if anchor is not None and anchor != spec.clause and _find(siblings[index].children, anchor):
        raise InputError(f"cannot move '{spec.clause}' by '{anchor}', which is one of its own sub-sections",
                         placement.file, placement.line, hint="place it by a clause outside it")
    if anchor == spec.clause:
        raise InputError(f"cannot move '{spec.clause}' by itself", placement.file, placement.line)
    return siblings.pop(index)


def _why_not(tree: Tree, placement: Placement, pending: dict[str, Placement], dropped: dict[str, int | None]) -> InputError:
    spec, anchor = placement.spec, _anchor(placement.spec)
    where = f"cannot {placement.verb} '{spec.clause}'"
    if anchor in pending:
        if _in_circle(placement, pending):
            return InputError(f"{where}: it is placed by '{anchor}', which is itself placed by '{spec.clause}' (directly or "
                              "through others)", placement.file, placement.line, hint="place one of them by a clause that stays put")
        return InputError(f"{where}: it is placed by '{anchor}', which cannot be placed (see the problem with '{anchor}')",
                          placement.file, placement.line)
    if anchor in dropped:
        line = dropped[anchor]
        return InputError(f"{where}: '{anchor}' is dropped by this school" + (f" (line {line})" if line else ""),
                          placement.file, placement.line, hint=f"keep '{anchor}', or place '{spec.clause}' by another clause")
    return InputError(f"{where}: '{anchor}' is not in this school's policy", placement.file, placement.line,
                      hint="place it by a clause the school keeps")


def _in_circle(placement: Placement, pending: dict[str, Placement]) -> bool:
    """Whether following 'placed by' from this placement leads back to it."""
    seen: set[str] = set()
    anchor = _anchor(placement.spec)
    while anchor in pending and anchor not in seen:
        if anchor == placement.spec.clause:
            return True
        seen.add(anchor)
        anchor = _anchor(pending[anchor].spec)
    return anchor == placement.spec.clause


def _find(nodes: list[Node], clause_id: str) -> tuple[list[Node], int] | None:
    for index, node in enumerate(nodes):
        if node.source.id == clause_id:
            return nodes, index
        found = _find(node.children, clause_id)
        if found:
            return found
    return None
