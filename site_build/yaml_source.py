"""Safe YAML loading that keeps strings as strings and remembers each value's line.

PyYAML follows YAML 1.1, where `no` is False, `012345` is an octal int and `12:30` is 750.
Our loader only resolves null, true/false and plain decimal integers; everything else stays a
string, so a URN or a time is never silently changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError

Lines = dict[tuple, int]


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with only YAML 1.2 core-ish resolvers (no implicit dates, octals, yes/no)."""


StrictLoader.yaml_implicit_resolvers = {}
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), list("~nN") + [""])
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:0|-?[1-9][0-9]{0,17})$"), list("-0123456789"))


def parse_yaml(text: str, source: Path | str, first_line: int = 1) -> tuple[Any, Lines]:
    """Parse one YAML document; return the data and a map from key path to line number."""
    try:
        node = yaml.compose(text, Loader=StrictLoader)
        if node is None:
            return None, {}
        data = StrictLoader(text).construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        raise PolicyError(f"this is not valid YAML: {exc.problem or exc}", source, line,
                          "check the indentation and quoting near that line") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"this is not valid YAML: {exc}", source) from None
    lines: Lines = {}
    _record_lines(node, (), lines, source, first_line)
    return data, lines


def _record_lines(node: yaml.Node, path: tuple, lines: Lines, source: Path | str, offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise PolicyError(f"the key '{key}' appears twice", source, key_node.start_mark.line + offset,
                                  "keep one of them: YAML would silently use the last")
            seen.add(key)
            _record_lines(value_node, path + (key,), lines, source, offset)
            lines[path + (key,)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines, source, offset)


def line_of(lines: Lines, path: tuple) -> int | None:
    """The line of the deepest known key on `path`."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, turning OS and encoding problems into PolicyErrors."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"this file is not UTF-8 text (byte {exc.start})", path,
                          hint="save it as UTF-8 in your editor") from None
    except OSError as exc:
        raise PolicyError(f"cannot read this file: {exc.strerror}", path) from None
