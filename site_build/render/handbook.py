"""The staff handbook on paper: every approved policy of a school in one tagged PDF, with one contents list (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..model.document import Clause
from ..model.release import Letterhead, PolicyState, format_date
from .markdown import handbook_links
from .pdf import TEMPLATES, markdown_html, version_line


@dataclass(frozen=True)
class _Policy:
    id: str
    title: str
    version_line: str
    next_review: str
    clauses: tuple[Clause, ...]
    bodies: tuple[tuple[Clause, Markup], ...]


def handbook_html(letterhead: Letterhead, states: list[PolicyState]) -> str:
    """The print HTML of the handbook: each policy's current approved version (the table names each version, so a
    printed copy says which it holds); policies with none are named."""
    included = {state.policy_id for state in states if state.current}
    policies = []
    for state in states:
        release = state.current
        if release is None:
            continue
        document = release.document
        bodies = tuple((clause, markdown_html(handbook_links(clause.text, state.policy_id, included))) for clause in document.clauses)
        policies.append(_Policy(state.policy_id, document.title, version_line(release, document),
                                format_date(release.next_review), document.clauses, bodies))
    return TEMPLATES.get_template("handbook.html").render(
        title=f"Staff handbook: {letterhead.name}", letterhead=letterhead, policies=policies,
        edition="The current approved version of each policy",
        missing=[state.title for state in states if not state.current])
