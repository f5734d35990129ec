"""Load policies_src/guidance.yml, and check that every `implements:` in a clause names a requirement in it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model.guidance import GuidanceRegister
from .schema_errors import validate
from .suggest import did_you_mean
from .yaml_lines import Lines, line_of, parse_yaml, read_text

GUIDANCE_FILE = "guidance.yml"  # in policies_src/: the guidance register, not an outline


@dataclass(frozen=True)
class GuidanceSource:
    path: Path
    register: GuidanceRegister = GuidanceRegister()
    lines: Lines = field(default_factory=dict)

    def line(self, *path: object) -> int | None:
        return line_of(self.lines, path) if self.lines else None


def load_guidance(root: Path) -> GuidanceSource:
    """The register, or an empty one when the project keeps none."""
    path = root / "policies_src" / GUIDANCE_FILE
    shown = path.relative_to(root)
    if not path.is_file():
        return GuidanceSource(shown)
    data, lines = parse_yaml(read_text(path), shown)
    return GuidanceSource(shown, validate(GuidanceRegister, data, lines, shown), lines)


def unknown_requirements(guidance: GuidanceSource, clauses: Iterable) -> Iterator[InputError]:
    """Each `implements:` entry, in a clause or an item, that the register does not hold, at its line."""
    known = guidance.register.requirements()
    for clause in clauses:
        claims: list[tuple[tuple, str]] = [(("implements", i), rid) for i, rid in enumerate(clause.meta.implements)]
        claims += [(("items", n, "implements", i), rid) for n, item in enumerate(clause.meta.items)
                   for i, rid in enumerate(item.implements)]
        for key, rid in claims:
            if rid not in known:
                yield InputError(f"'{rid}' is not a requirement in {guidance.path}", clause.path, clause.line(*key),
                                 hint=did_you_mean(rid, known, f"add it to {guidance.path} or correct the id"))
