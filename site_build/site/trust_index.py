"""The trust's front door: site/index.html listing every school and its policies' status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ..model.release import PolicyState, format_date, review_status
from ..store.files import write_atomically
from .safety_plugin import add_csp

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>School policies</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 75rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { color: #283593; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
th, td { border: 1px solid #9e9e9e; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: #e8eaf6; }
a { color: #1a237e; }
.overdue { color: #b71c1c; font-weight: bold; }
.meta { color: #333; }
</style>
</head>
<body>
<main>
<h1>School policies</h1>
<p>Each school's policies: the version in force, and when it is next due for review. Choose a school to read its
staff handbook, change logs and agreements.</p>
<div class="scroll" role="region" aria-labelledby="by-policy" tabindex="0">
<table>
<caption id="by-policy">Schools by policy</caption>
<thead><tr><th scope="col">School</th>{% for policy in policies %}<th scope="col">{{ policy.title }}</th>{% endfor %}</tr></thead>
<tbody>
{% for school in schools %}
<tr><th scope="row"><a href="{{ school.slug }}/index.html">{{ school.name }}</a></th>
{% for policy in policies %}{% set cell = school.cells.get(policy.id) %}<td>
{%- if not cell %}<span class="meta">Not adopted</span>
{%- elif not cell.version %}No approved version yet
{%- else %}Version {{ cell.version }}<br><span class="meta">Review by {{ cell.review }}</span>
{%- if cell.overdue %}<br><span class="overdue">Review overdue</span>{% endif %}{% endif %}</td>
{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
</div>
</main>
<footer><p class="meta">Each school's website has an accessibility statement, linked at the foot of every page:
how to ask for a policy in another format, and what is not yet accessible.</p></footer>
</body>
</html>
"""


@dataclass(frozen=True)
class Cell:
    """One school's policy in the trust's table: its version (empty if none is approved), review date, overdue flag."""

    title: str
    version: str
    review: str
    overdue: bool


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    name: str
    cells: dict[str, Cell]  # policy id -> cell, in the school's order

    @classmethod
    def from_data(cls, data: dict | None) -> IndexEntry | None:
        """An entry as a build stamp recorded it; None if there is none, or it is in an older tool's form."""
        if not data or not isinstance(data.get("cells"), dict):
            return None
        return cls(data["slug"], data["name"], {policy_id: Cell(**cell) for policy_id, cell in data["cells"].items()})


def index_entry(slug: str, name: str, states: list[PolicyState], today: dt.date) -> IndexEntry:
    cells = {}
    for state in states:
        status = review_status(list(state.releases), today)
        release = state.current
        cells[state.policy_id] = Cell(state.title, release.label if release else "",
                                      format_date(release.next_review) if release else "", status.overdue)
    return IndexEntry(slug, name, cells)


def write_trust_index(out: Path, entries: list[IndexEntry]) -> Path | None:
    """Write site/index.html atomically (autoescaped: names from YAML are shown as text); None if it already says this."""
    policies: dict[str, str] = {}  # each policy id once, in the order schools list them, titled as first seen
    for entry in entries:
        for policy_id, cell in entry.cells.items():
            policies.setdefault(policy_id, cell.title)
    html = add_csp(Environment(autoescape=select_autoescape(default=True)).from_string(PAGE).render(
        schools=sorted(entries, key=lambda e: e.name.lower()),
        policies=[{"id": policy_id, "title": title} for policy_id, title in policies.items()])).encode("utf-8")
    path = out / "index.html"
    if path.is_file() and path.read_bytes() == html:
        return None
    write_atomically(path, html)
    return path
