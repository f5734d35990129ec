"""`new-school`: write a valid starting school.yml that builds at once."""

from __future__ import annotations

from pathlib import Path

from .errors import PolicyError
from .load import SLUG
from .schema import RESERVED_NAMES

TEMPLATE = """\
# {name}: the facts every policy of this school is composed from.
# Edit the values, then run `policy-site check` and `policy-site serve {slug}`.
# Quote values that look like numbers, dates or yes/no: urn: "012345".
name: {name}
phase: {phase}              # nursery, infant, junior, primary, secondary, all-through or special
address:
  - School Road
  - Town, AB1 2CD
telephone: "01234 567890"
email: office@example.sch.uk
website: https://www.example.sch.uk
governance:
  body: Governing Board     # what the board that approves policies is called
  members: governors        # governors or trustees
people:
  headteacher:
    name: Headteacher's name
  dsl:
    name: Designated safeguarding lead's name
systems:
  filtering: Name of your filtering system
  monitoring: Name of your monitoring system
policies:
  acceptable-use:
    review_cycle: 1 year
    # include: [multi-factor-authentication, staff-generative-ai]   # optional clauses to switch on
    # drop: [printers]                                               # shared clauses to leave out
"""


def new_school(root: Path, slug: str, name: str | None, phase: str) -> Path:
    """Create schools/<slug>/school.yml; refuse a bad slug or an existing school."""
    if not SLUG.match(slug) or len(slug) > 80 or slug in RESERVED_NAMES:
        raise PolicyError(f"'{slug}' is not a valid school slug",
                          hint="use lower-case letters, digits and single hyphens, e.g. 'st-marys-primary'")
    folder = root / "schools" / slug
    if folder.exists():
        raise PolicyError("this school already exists", (folder / "school.yml").relative_to(root),
                          hint="choose another slug, or edit that file")
    display = name or slug.replace("-", " ").title()
    folder.mkdir(parents=True)
    path = folder / "school.yml"
    path.write_text(TEMPLATE.format(name=_quoted(display), slug=slug, phase=phase), encoding="utf-8")
    return path.relative_to(root)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
