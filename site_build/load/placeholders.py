"""Placeholders: values `new-school` writes for the school to fill in, such as <<your headteacher's name>>.

Any text holding <<...>> is a placeholder. A school.yml with one left is an error at its line, so a scaffold
can never be approved or published as it was generated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .yaml_lines import Lines, line_of

PLACEHOLDER = re.compile(r"<<[^<>\n]{1,200}>>")
HINT = "write the school's own value in its place (where it says so, delete the line instead), then run policy-site check"


def placeholder(what: str) -> str:
    """The marker for a value the school must give: '<<your headteacher's name>>'."""
    return f"<<{what}>>"


def placeholder_problems(data: Any, lines: Lines, source: Path | str) -> list[InputError]:
    """One error per value still holding a placeholder, at its line, in the order of the file."""
    found = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack += [(path + (key,), item) for key, item in value.items()]
        elif isinstance(value, list):
            stack += [(path + (index,), item) for index, item in enumerate(value)]
        elif isinstance(value, str) and (match := PLACEHOLDER.search(value)):
            dotted = ".".join(str(part) for part in path)
            found.append(InputError(f"'{dotted}' is still a placeholder: {match.group(0)}", source, line_of(lines, path), HINT))
    return sorted(found, key=lambda error: error.line or 0)
