"""`new-school`: write a starting school.yml, from scratch or from another school's choices, with every fact to give marked."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..errors import ErrorCollector, InputError
from ..load.placeholders import placeholder
from ..load.project import SLUG, load_outlines, load_school, school_slugs
from ..load.suggest import did_you_mean
from ..load.yaml_lines import parse_yaml, read_text
from ..model.schema import RESERVED_NAMES, OutlineEntry
from ..model.vocabulary import PHASES
from ..store.files import write_atomically

MAX_NAME = 200
# Control characters, line and paragraph separators and lone surrogates: never part of a name.
REFUSED_CATEGORIES = {"Cc", "Zl", "Zp", "Cs"}

P = placeholder
TEMPLATE = f"""\
# {{name}}: the facts every policy of this school is composed from.
# Replace every {P("...")} with the school's own value: `policy-site check` names each one left, with its line.
# Then run `policy-site serve {{slug}}`. Quote values that look like numbers, dates or yes/no: urn: "012345".
name: {{name}}
phase: {{phase}}              # {{phases}}
address:
  - {P("first line of the school's address")}
  - {P("town and postcode")}
telephone: {P("the school's telephone number")}
email: {P("the school office's email address")}
website: {P("the school's website, e.g. https://www.example.sch.uk")}
governance:
  body: Governing Board     # what the board that approves policies is called
  members: governors        # governors or trustees
roles:                      # the school's posts, teams and providers, in its own words (README: roles)
  headteacher:
    title: Headteacher
    name: {P("the headteacher's name, or delete this line")}
  dsl:
    title: Designated Safeguarding Lead
    short: DSL
    name: {P("the designated safeguarding lead's name, or delete this line")}
systems:
  filtering: {P("the name of the school's filtering system")}
  monitoring: {P("the name of the school's monitoring system")}
policies:
{{policies}}"""
FACTS = {  # what `--like` leaves for the new school to give, for each fact the other school gives
    "short_name": "the school's short name", "urn": "the school's URN", "motto": "the school's motto, or delete this line",
    "telephone": "the school's telephone number", "email": "the school office's email address",
    "website": "the school's website", "trust": "the school's trust", "local_authority": "the school's local authority",
}
COPIED = (*FACTS, "address", "governance", "roles", "responsibilities", "systems", "policies")
ROLE_FACTS = {"name": "the name of the school's {title}, or delete this line",
              "email": "the email address of the school's {title}, or delete this line",
              "telephone": "the telephone number of the school's {title}, or delete this line"}


def new_school(root: Path, slug: str, name: str | None, phase: str | None, like: str | None = None) -> list[Path]:
    """Create schools/<slug>/school.yml (and, `like` another school, copies of its own clauses); refuse a bad slug
    or an existing school. Returns the files written."""
    if not SLUG.match(slug) or len(slug) > 80 or slug in RESERVED_NAMES:
        raise InputError(f"'{slug}' is not a valid school slug",
                          hint="use lower-case letters, digits and single hyphens, e.g. 'st-marys-primary'")
    folder = root / "schools" / slug
    if folder.exists():
        raise InputError("this school already exists", (folder / "school.yml").relative_to(root),
                          hint="choose another slug, or edit that file")
    display = _checked_name(name) if name is not None else slug.replace("-", " ").title()
    if like is None:
        text = TEMPLATE.format(name=_quoted(display), slug=slug, phase=phase or "primary", phases=", ".join(PHASES),
                               policies=_policies(root))
        clauses: dict[str, bytes] = {}
    else:
        text, clauses = _like(root, like, slug, display, phase)
    path = folder / "school.yml"
    try:
        data, _ = parse_yaml(text, path)
    except InputError:
        data = None
    if not isinstance(data, dict) or data.get("name") != display:  # the quoting is proven, not assumed
        raise InputError("this name cannot be written safely into school.yml", hint="choose a plainer name and edit it in the file")
    folder.mkdir(parents=True)
    write_atomically(path, text.encode("utf-8"))
    written = [path]
    for file_name, content in clauses.items():
        written.append(root / "overrides" / slug / file_name)
        write_atomically(written[-1], content)
    return [p.relative_to(root) for p in written]


def _like(root: Path, like: str, slug: str, display: str, phase: str | None) -> tuple[str, dict[str, bytes]]:
    """school.yml with `like`'s choices and placeholders for its facts, and its own clauses (overrides) to copy."""
    if like not in school_slugs(root):
        raise InputError(f"--like: there is no school '{like}'",
                         hint=did_you_mean(like, school_slugs(root), f"schools: {', '.join(school_slugs(root)) or 'none yet'}"))
    source = load_school(root, like)  # it must be valid itself
    raw, _ = parse_yaml(read_text(root / source.path), source.path)
    names = {source.facts.name: P("the school's name"), **({source.facts.short_name: P("the school's short name")}
                                                          if source.facts.short_name else {})}
    data: dict[str, Any] = {"name": display, "phase": phase or source.facts.phase}
    for key, value in raw.items():  # in the other school's order; its name, phase, logo and signers are its own
        if key in COPIED:
            data[key] = _copied(key, value, names)
    header = (f"# {_comment(display)}: started from the choices of {_comment(source.facts.name)} (schools/{like}).\n"
              f"# Replace every {P('...')} with this school's own value: `policy-site check` names each one left,\n"
              f"# with its line. Then run `policy-site serve {slug}`.\n")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    if parse_yaml(body, "school.yml")[0] != data:  # our loader reads back exactly what was meant, or nothing is written
        raise InputError(f"the choices of '{like}' cannot be copied faithfully", source.path,
                         hint="start from scratch without --like, and copy its choices by hand")
    return header + body, {p.name: p.read_bytes() for p in sorted((root / "overrides" / like).glob("*.md")) if p.is_file()}


def _copied(key: str, value: Any, names: dict[str, str]) -> Any:
    """One top-level key of the other school's file as the new school starts it: its choices, a placeholder for each fact."""
    if key in FACTS:
        return P(FACTS[key])
    if key == "address":
        return [P("first line of the school's address"), P("town and postcode")]
    if key == "roles":
        return {role_id: {k: P(ROLE_FACTS[k].format(title=role["title"])) if k in ROLE_FACTS else _renamed(v, names)
                          for k, v in role.items()} for role_id, role in value.items()}
    if key == "systems":
        return {k: _blank(v, f"the school's {k.replace('_', ' ')}") for k, v in value.items()}
    if key == "policies":
        return {policy_id: {k: P("who wrote the policy, or delete this line") if k == "written_by" else _renamed(v, names)
                            for k, v in settings.items()} for policy_id, settings in value.items()}
    return _renamed(value, names)  # governance, responsibilities


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """`value` with the other school's name and short name replaced by placeholders, wherever they appear."""
    if isinstance(value, dict):
        return {key: _renamed(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if isinstance(value, str):
        for name in sorted(names, key=len, reverse=True):
            value = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", names[name], value)
    return value


def _blank(value: Any, what: str) -> Any:
    """A placeholder of the same shape as `value` (text, a list of one, or a mapping)."""
    if isinstance(value, dict):
        return {key: _blank(item, f"{what}: {key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_blank(value[0], what)] if value else []
    return value if isinstance(value, bool) else P(what)


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
