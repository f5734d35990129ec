"""Check a clause's dated content as it loads: every `since("…")`/`before("…")` date is real, and nothing can never apply."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes

from ..errors import InputError
from ..model.schema import ClauseMeta, Dated
from .yaml_lines import Lines, line_of

DATE_TESTS = ("since", "before")  # since("2025-06-19"): on or after that day; before("2018-06-27"): earlier than it
_DATED = re.compile(rf"\b(?:{'|'.join(DATE_TESTS)})\s*\(")
_PARSER = Environment()  # parsing only: templates run in compose's sandbox


def date_problems(meta: ClauseMeta, body: str, body_line: int, lines: Lines, shown: Path) -> list[InputError]:
    """Everything wrong with a clause's dates, each at its line."""
    problems = [*_passage_problems(body, body_line, shown)]
    for index, item in enumerate(meta.items):
        line = line_of(lines, ("items", index, "text"))
        problems += _passage_problems(item.text, line or 1, shown)
        never = _outside(item, meta)
        if never:
            problems.append(InputError(f"the item '{item.id}' {never}, so it never appears", shown,
                                       line_of(lines, ("items", index, "id")), hint="check the item's and the clause's dates"))
    return problems


def _outside(item: Dated, clause: Dated) -> str | None:
    if item.until and clause.from_ and item.until < clause.from_:
        return f"ends ({item.until}) before the clause starts ({clause.from_})"
    if item.from_ and clause.until and item.from_ > clause.until:
        return f"starts ({item.from_}) after the clause ends ({clause.until})"
    return None


def _passage_problems(text: str, first_line: int, shown: Path) -> Iterator[InputError]:
    if not _DATED.search(text):
        return  # most passages are not dated: no need to parse them
    try:
        tree = _PARSER.parse(text)
    except TemplateSyntaxError:
        return  # compose reports it, with the sandbox's message
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in DATE_TESTS:
            problem = _call_problem(call)
            if problem:
                yield InputError(problem, shown, first_line + call.lineno - 1,
                                 hint=f'write it as {call.node.name}("2025-09-01"): one date in quotes')
    for both in tree.find_all(nodes.And):
        start, end = _literal(both.left, "since"), _literal(both.right, "before")
        if start and end and end <= start:
            yield InputError(f'since("{start}") and before("{end}") are never both true', shown,
                             first_line + both.lineno - 1, hint="check the two dates")


def _call_problem(call: nodes.Call) -> str | None:
    name = call.node.name  # type: ignore[attr-defined]
    if len(call.args) != 1 or call.kwargs or not isinstance(call.args[0], nodes.Const) or not isinstance(call.args[0].value, str):
        return f"{name}() takes one date written in quotes"
    try:
        dt.date.fromisoformat(call.args[0].value)
    except ValueError:
        return f"{name}({call.args[0].value!r}): not a date in the form YYYY-MM-DD"
    return None if len(call.args[0].value) == 10 else f"{name}({call.args[0].value!r}): write the date as YYYY-MM-DD"


def _literal(node: nodes.Node, name: str) -> dt.date | None:
    """The date of `name("YYYY-MM-DD")`, if `node` is exactly that call."""
    if (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == name and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)):
        try:
            return dt.date.fromisoformat(node.args[0].value)
        except ValueError:
            return None
    return None
