"""The trust's front door: site/index.html listing every school and its policies' status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ..model.release import PolicyState, review_status
from ..store.files import write_atomically
from .safety_plugin import add_csp

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>School policies</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
h1 { color: #283593; }
li { margin: 0.75rem 0; }
a { color: #1a237e; }
.overdue { color: #b71c1c; font-weight: bold; }
.meta { color: #333; }
</style>
</head>
<body>
<main>
<h1>School policies</h1>
<p>Choose a school to read its approved policies, change logs and agreements.</p>
<ul>
{% for school in schools %}
<li><a href="{{ school.slug }}/index.html">{{ school.name }}</a>
{% for p in school.policies %}<br><span class="meta">{{ p.title }}: {{ p.version }}
{%- if p.overdue %} <span class="overdue">(review overdue)</span>{% endif %}</span>{% endfor %}
</li>
{% endfor %}
</ul>
</main>
<footer><p class="meta">Each school's website has an accessibility statement, linked at the foot of every page:
how to ask for a policy in another format, and what is not yet accessible.</p></footer>
</body>
</html>
"""


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    name: str
    policies: list[dict]


def index_entry(slug: str, name: str, states: list[PolicyState], today: dt.date) -> IndexEntry:
    policies = []
    for state in states:
        status = review_status(list(state.releases), today)
        version = f"version {state.current.label}, approved {state.current.when_approved}" if state.current \
            else "no approved version yet"
        policies.append({"title": state.title, "version": version, "overdue": status.overdue})
    return IndexEntry(slug, name, policies)


def write_trust_index(out: Path, entries: list[IndexEntry]) -> Path | None:
    """Write site/index.html atomically (autoescaped: names from YAML are shown as text); None if it already says this."""
    html = add_csp(Environment(autoescape=select_autoescape(default=True)).from_string(PAGE).render(
        schools=sorted(entries, key=lambda e: e.name.lower()))).encode("utf-8")
    path = out / "index.html"
    if path.is_file() and path.read_bytes() == html:
        return None
    write_atomically(path, html)
    return path
