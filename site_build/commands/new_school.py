"""`new-school`: write a valid starting school.yml that builds at once."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..load.project import SLUG, load_outlines
from ..load.yaml_lines import parse_yaml
from ..model.schema import RESERVED_NAMES, OutlineEntry
from ..model.vocabulary import PHASES
from ..store.files import write_atomically

MAX_NAME = 200
# Control characters, line and paragraph separators and lone surrogates: never part of a name.
REFUSED_CATEGORIES = {"Cc", "Zl", "Zp", "Cs"}

TEMPLATE = """\
# {name}: the facts every policy of this school is composed from.
# Edit the values, then run `policy-site check` and `policy-site serve {slug}`.
# Quote values that look like numbers, dates or yes/no: urn: "012345".
name: {name}
phase: {phase}              # {phases}
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
{policies}"""


def new_school(root: Path, slug: str, name: str | None, phase: str) -> Path:
    """Create schools/<slug>/school.yml; refuse a bad slug or an existing school."""
    if not SLUG.match(slug) or len(slug) > 80 or slug in RESERVED_NAMES:
        raise InputError(f"'{slug}' is not a valid school slug",
                          hint="use lower-case letters, digits and single hyphens, e.g. 'st-marys-primary'")
    folder = root / "schools" / slug
    if folder.exists():
        raise InputError("this school already exists", (folder / "school.yml").relative_to(root),
                          hint="choose another slug, or edit that file")
    display = _checked_name(name) if name is not None else slug.replace("-", " ").title()
    text = TEMPLATE.format(name=_quoted(display), slug=slug, phase=phase, phases=", ".join(PHASES),
                           policies=_policies(root))
    path = folder / "school.yml"
    try:
        data, _ = parse_yaml(text, path)
    except InputError:
        data = None
    if not isinstance(data, dict) or data.get("name") != display:  # the quoting is proven, not assumed
        raise InputError("this name cannot be written safely into school.yml", hint="choose a plainer name and edit it in the file")
    folder.mkdir(parents=True)
    write_atomically(path, text.encode("utf-8"))
    return path.relative_to(root)


def _policies(root: Path) -> str:
    """A `policies:` entry for every outline in policies_src/, with its optional clauses as a comment."""
    errors = ErrorCollector()
    outlines = load_outlines(root.resolve(), errors)
    errors.raise_if_any()
    if not outlines:
        raise InputError("there is no policy outline in policies_src/ to give the school", "policies_src",
                         hint="add an outline (see README: 'Policy outlines') and run new-school again")
    lines = []
    for policy_id, source in sorted(outlines.items()):
        entries = _entries(source.outline.sections + source.outline.appendices)
        optional = [e.clause for e in entries if e.optional]
        shared = [e.clause for e in _entries(source.outline.sections) if not e.optional and not e.children]
        lines += [f"  {policy_id}:                 # {_comment(source.outline.title)}",
                  f"    review_cycle: {source.outline.review_cycle}"]
        if optional:
            lines.append(f"    # include: [{', '.join(optional)}]   # optional clauses to switch on")
        if shared:
            lines.append(f"    # drop: [{shared[len(shared) // 2]}]   # shared clauses to leave out")
    return "\n".join(lines) + "\n"


def _entries(entries: list[OutlineEntry]) -> list[OutlineEntry]:
    return [x for entry in entries for x in (entry, *_entries(entry.children))]


def _comment(text: str) -> str:
    """Outline text on one comment line."""
    return " ".join(text.split())


def _checked_name(name: str) -> str:
    """The name as given, or an error if it holds a line break or another character that is not part of a name."""
    display = name.strip()
    bad = next((ch for ch in display if unicodedata.category(ch) in REFUSED_CATEGORIES), None)
    if bad is not None:
        raise InputError(f"--name holds a line break or control character (U+{ord(bad):04X}) at position {display.index(bad) + 1}",
                          hint="give the name on one line, e.g. --name \"St Mary's Primary School\"")
    if not display or len(display) > MAX_NAME:
        raise InputError(f"--name must have between 1 and {MAX_NAME} characters (it has {len(display)})",
                          hint="the full name goes here; a short name can be added in school.yml")
    return display


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (the name holds no control characters, so only quote and backslash need escaping)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
