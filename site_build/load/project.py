"""Load stage: read clause, outline and school files into validated, immutable sources."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from ..errors import ErrorCollector, InputError, PolicySiteError, Problems
from ..model.schema import RESERVED_NAMES, SLUG_PATTERN, ClauseMeta, Outline, RoleLibrary, School
from .dated import date_problems
from .guidance import GUIDANCE_FILE, GuidanceSource, load_guidance, unknown_requirements
from .placeholders import placeholder_problems
from .schema_errors import validate
from .suggest import did_you_mean
from .theme_files import IMAGE_SUFFIXES, theme_files
from .yaml_lines import Lines, line_of, parse_yaml, read_text

ROLES_FILE = "roles.yml"  # in policies_src/: the model's roles and responsibilities, not an outline
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n?", re.DOTALL)
SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class ClauseSource:
    """One clause file: its metadata and its Jinja/Markdown body."""

    id: str
    path: Path
    meta: ClauseMeta
    body: str
    body_line: int
    origin: str  # "library" or "override"
    lines: Mapping[tuple, int] = field(default_factory=dict)  # front matter key path -> line, for errors
    digest: str = ""  # SHA-256 of the file, recorded in releases to trace later changes

    def line(self, *path: object) -> int | None:
        return line_of(self.lines, path) if self.lines else None


@dataclass(frozen=True)
class OutlineSource:
    id: str
    path: Path
    outline: Outline
    clause_lines: Mapping[str, int]  # where each clause of the outline is placed, for errors
    digest: str = ""


@dataclass(frozen=True)
class SchoolSource:
    slug: str
    path: Path
    facts: School  # what school.yml says
    lines: Lines
    overrides: Mapping[str, ClauseSource]
    theme_dir: Path | None
    images: frozenset[str] = frozenset()  # image files in the theme folder, which clause text may show
    digest: str = ""  # SHA-256 of school.yml


@dataclass(frozen=True)
class RolesSource:
    """policies_src/roles.yml: the model's roles and responsibilities, with the line of each key for errors."""

    path: Path
    library: RoleLibrary
    lines: Lines
    digest: str = ""

    def line(self, *path: object) -> int | None:
        return line_of(self.lines, path)


@dataclass(frozen=True)
class Project:
    """Everything the pipeline reads, loaded once."""

    root: Path
    clauses: Mapping[str, ClauseSource]
    outlines: Mapping[str, OutlineSource]
    roles: RolesSource
    schools: Mapping[str, SchoolSource] = field(default_factory=dict)
    guidance: GuidanceSource = GuidanceSource(Path("policies_src") / GUIDANCE_FILE)
    unreadable: frozenset[str] = frozenset()  # clause files that failed to load (already reported): not "missing"

    def display(self, path: Path) -> str:
        """A path as the user sees it: relative to the project root."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def load_project(root: Path, only: list[str] | None = None, errors: ErrorCollector | None = None) -> Project:
    """Load the clause library, outlines and schools (all, or those in `only`).

    Problems are raised together; with `errors`, they are added to it instead and what did load is returned.
    """
    root = root.resolve()
    collect = errors is not None
    errors = errors if errors is not None else ErrorCollector()
    clauses = _load_folder(root / "clauses", "*.md", lambda p: load_clause(p, "library", root), errors)
    outlines = load_outlines(root, errors)
    roles = _collect(lambda: load_roles(root), errors)
    register = _collect(lambda: load_guidance(root), errors)  # None: its problems are reported, and no clause is checked against it
    guidance = register or GuidanceSource(Path("policies_src") / GUIDANCE_FILE)
    slugs = school_slugs(root)
    if only:
        missing = [s for s in only if s not in slugs]
        for slug in missing:
            hint = did_you_mean(slug, slugs, f"known schools: {', '.join(slugs) or 'none yet'}.") \
                + f" To start a new school: policy-site new-school {slug}"
            errors.add(InputError(f"there is no school '{slug}'", f"schools/{slug}/school.yml", hint=hint))
        slugs = [s for s in slugs if s in only]
    schools = {}
    for slug in slugs:
        try:
            schools[slug] = load_school(root, slug)
        except PolicySiteError as exc:
            errors.add(exc)
    clause_files = [*clauses.values(), *(c for s in schools.values() for c in s.overrides.values())]
    for problem in unknown_requirements(guidance, clause_files) if register else ():
        errors.add(problem)
    if not collect:
        errors.raise_if_any()
    if roles is None:  # nothing can be composed without the model's roles; the reason is in `errors`
        errors.raise_if_any()
    unreadable = frozenset(p.stem for p in (root / "clauses").glob("*.md")) - set(clauses)
    return Project(root, MappingProxyType(clauses), MappingProxyType(outlines), roles, MappingProxyType(schools), guidance,
                   unreadable)


def _collect(load, errors: ErrorCollector):
    try:
        return load()
    except PolicySiteError as exc:
        errors.add(exc)
        return None


def load_outlines(root: Path, errors: ErrorCollector) -> dict[str, OutlineSource]:
    """Every policy outline in policies_src/, by id; problems go to `errors`."""
    outlines = _load_folder(root / "policies_src", "*.yml", lambda p: load_outline(p, root), errors,
                            skip=(ROLES_FILE, GUIDANCE_FILE))
    return outlines


def load_roles(root: Path) -> RolesSource:
    """policies_src/roles.yml, checked: every responsibility's default roles are roles of the model."""
    path = root / "policies_src" / ROLES_FILE
    shown = path.relative_to(root)
    if not path.is_file():
        raise InputError("the model's roles and responsibilities are missing", shown,
                         hint="restore policies_src/roles.yml from version control")
    check_inside(path, root / "policies_src")
    text = read_text(path)
    data, lines = parse_yaml(text, shown)
    library = validate(RoleLibrary, data, lines, shown)
    errors = ErrorCollector()
    for duty, responsibility in library.responsibilities.items():
        for index, role in enumerate(responsibility.roles):
            if role not in library.roles:
                errors.add(InputError(f"the responsibility '{duty}' names a role '{role}' that the model does not have", shown,
                                      line_of(lines, ("responsibilities", duty, "roles", index)),
                                      hint=did_you_mean(role, library.roles, f"roles: {', '.join(sorted(library.roles))}")))
    errors.raise_if_any()
    return RolesSource(shown, library, lines, digest(text))


def school_slugs(root: Path) -> list[str]:
    """Every folder under schools/ that holds a school.yml, sorted."""
    folder = root / "schools"
    return sorted(p.name for p in folder.iterdir() if (p / "school.yml").is_file()) if folder.is_dir() else []


def _load_folder(folder: Path, pattern: str, loader, errors: ErrorCollector, skip: tuple[str, ...] = ()) -> dict:
    found: dict = {}
    if not folder.is_dir():
        errors.add(InputError("this folder is missing", folder, hint="run policy-site from the project's top folder"))
        return found
    for path in sorted(p for p in folder.glob(pattern) if p.name not in skip):
        try:
            check_inside(path, folder)
            item = loader(path)
            found[item.id] = item
        except PolicySiteError as exc:
            errors.add(exc)
    return found


def check_inside(path: Path, folder: Path) -> None:
    """Refuse symlinks that lead out of the folder they sit in (a site must never publish /etc/passwd)."""
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        raise InputError("this file is a link to a place outside its folder", path, hint="copy the file in instead")


def _checked_id(path: Path) -> str:
    if not SLUG.match(path.stem) or path.stem in RESERVED_NAMES:
        raise InputError(f"the file name '{path.name}' is not a valid id", path,
                          hint="use lower-case letters, digits and single hyphens, e.g. 'use-of-email.md'")
    return path.stem


def load_clause(path: Path, origin: str, root: Path) -> ClauseSource:
    """Read `clauses/<id>.md` (or an override): front matter, then a Markdown/Jinja body."""
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    return _parsed_clause(_checked_id(path), shown, origin, read_text(path).replace("\r\n", "\n"))


@functools.lru_cache(maxsize=1024)
def _parsed_clause(clause_id: str, shown: Path, origin: str, text: str) -> ClauseSource:
    """A clause file's text, checked and parsed (kept: `serve` reloads the library after every save)."""
    match = FRONT_MATTER.match(text)
    if not match:
        raise InputError("a clause file must start with front matter between two '---' lines", shown, 1,
                          hint="begin the file with ---, a 'title:' line, then --- and the clause text")
    data, lines = parse_yaml(match.group(1), shown, first_line=2)
    meta = validate(ClauseMeta, data, lines, shown)
    item_ids = [item.id for item in meta.items]
    duplicate = next((i for i in item_ids if item_ids.count(i) > 1), None)
    if duplicate:
        raise InputError(f"the item id '{duplicate}' is used twice", shown, hint="give each item its own id")
    body_line = match.group(0).count("\n") + 1
    problems = date_problems(meta, text[match.end():], body_line, lines, shown)
    if problems:
        raise Problems(list(problems))
    return ClauseSource(clause_id, shown, meta, text[match.end():], body_line, origin, MappingProxyType(lines), digest(text))


def load_outline(path: Path, root: Path) -> OutlineSource:
    shown = path.relative_to(root)
    text = read_text(path)
    data, lines = parse_yaml(text, shown)
    outline = validate(Outline, data, lines, shown)
    clause_lines: dict[str, int] = {}
    for key, line in sorted(lines.items(), key=lambda item: item[1]):
        if key and key[-1] == "clause" and key[0] != "agreements":
            clause_id = str(_value_at(data, key))
            if clause_id in clause_lines:
                raise InputError(f"the clause '{clause_id}' appears twice in this outline", shown, line,
                                  hint="each clause has one place in a policy; remove one of them")
            clause_lines[clause_id] = line
    return OutlineSource(_checked_id(path), shown, outline, MappingProxyType(clause_lines), digest(text))


def _value_at(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _validated_school(data: dict, lines: Lines, shown: Path) -> School:
    """school.yml checked; each placeholder left in it is reported with the other problems (once per line)."""
    pending = placeholder_problems(data, lines, shown)
    try:
        school = validate(School, data, lines, shown)
    except Problems as exc:
        marked = {problem.line for problem in pending}
        raise Problems([*pending, *(p for p in exc.problems if p.line not in marked)]) from None
    if pending:
        raise Problems(list(pending))
    return school


def load_school(root: Path, slug: str) -> SchoolSource:
    """Read schools/<slug>/school.yml and the school's override clauses."""
    folder = root / "schools" / slug
    path = folder / "school.yml"
    shown = path.relative_to(root)
    if not SLUG.match(slug) or slug in RESERVED_NAMES:
        raise InputError(f"the folder name '{slug}' is not a valid school slug", shown,
                          hint="rename it using lower-case letters, digits and single hyphens")
    check_inside(path, folder)
    text = read_text(path)
    data, lines = parse_yaml(text, shown)
    if not isinstance(data, dict):
        raise InputError("school.yml should be a set of 'key: value' lines", shown, 1)
    school = _validated_school(data, lines, shown)
    override_dir = root / "overrides" / slug
    errors = ErrorCollector()
    overrides = _load_folder(override_dir, "*.md", lambda p: load_clause(p, "override", root), errors) if override_dir.is_dir() else {}
    errors.raise_if_any()
    theme_dir = override_dir / "theme"
    published = theme_files(theme_dir, f"overrides/{slug}/theme") if theme_dir.is_symlink() or theme_dir.is_dir() else []
    if school.logo and not (theme_dir / school.logo).is_file():
        raise InputError(f"the logo '{school.logo}' is not in overrides/{slug}/theme/", shown, line_of(lines, ("logo",)),
                          hint=f"put the image in overrides/{slug}/theme/ or remove the 'logo:' line")
    images = frozenset(p.as_posix() for p in published if p.suffix.lower() in IMAGE_SUFFIXES)
    return SchoolSource(slug, shown, school, lines, MappingProxyType(overrides), theme_dir if theme_dir.is_dir() else None,
                        images, digest(text))


def digest(text: str) -> str:
    """A source file's fingerprint."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
