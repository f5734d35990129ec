"""Safe YAML loading that keeps strings as strings and remembers each value's line.

PyYAML follows YAML 1.1, where `no` is False, `012345` is an octal int and `12:30` is 750.
Our loader only resolves null, true/false and plain decimal integers; everything else stays a
string, so a URN or a time is never silently changed.

Every file is hostile: it is refused when over MAX_FILE_BYTES, nested deeper than MAX_DEPTH, or when its
aliases would expand to more than MAX_NODES values (a "billion laughs"), before anything expands them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

Lines = dict[tuple, int]
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000


if yaml.__with_libyaml__:
    class _Loader(yaml.composer.Composer, yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml scans and parses (about six times faster); PyYAML's own composer builds the nodes, so deep nesting
        is a RecursionError rather than a crash in C (libyaml itself refuses over 1,000 levels of brackets)."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]


class StrictLoader(_Loader):
    """A safe loader with only YAML 1.2 core-ish resolvers (no implicit dates, octals, yes/no)."""


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
        _check_size(node, source, first_line)
        data = StrictLoader(text).construct_document(node)
    except RecursionError:
        raise InputError(f"this YAML is nested far too deeply (more than {MAX_DEPTH} levels)", source,
                          hint="a real file is only a few levels deep; check for runaway brackets") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else None
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, far above MAX_DEPTH
            raise InputError(f"this YAML is nested far too deeply (more than {MAX_DEPTH} levels)", source, line,
                             hint="a real file is only a few levels deep; check for runaway brackets") from None
        tab = mark is not None and "\t" in "".join(text.split("\n")[mark.line:mark.line + 1])
        raise InputError(f"this is not valid YAML: {exc.problem or exc}", source, line,
                          "that line has a tab: indent with spaces" if tab else "check the indentation and quoting near that line") from None
    except yaml.YAMLError as exc:
        raise InputError(f"this is not valid YAML: {exc}", source) from None
    lines: Lines = {}
    _record_lines(node, (), lines, source, first_line)
    return data, lines


def _check_size(root: yaml.Node, source: Path | str, offset: int) -> None:
    """Walk the node graph as the data will be walked (aliases expanded), without recursion, within the limits."""
    count, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        line = node.start_mark.line + offset
        if depth > MAX_DEPTH:
            raise InputError(f"this YAML is nested more than {MAX_DEPTH} levels deep (or an alias refers to itself)",
                              source, line, "a real file is only a few levels deep; check the anchors (&) and aliases (*)")
        if count > MAX_NODES:
            raise InputError(f"this YAML expands to more than {MAX_NODES:,} values (its aliases repeat each other)",
                              source, line, "write the values out instead of nesting anchors (&) and aliases (*)")
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def _record_lines(node: yaml.Node, path: tuple, lines: Lines, source: Path | str, offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise InputError(f"the key '{key}' appears twice", source, key_node.start_mark.line + offset,
                                  "keep one of them: YAML would silently use the last")
            seen.add(key)
            _record_lines(value_node, path + (key,), lines, source, offset)
            lines[path + (key,)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines, source, offset)


def line_of(lines: Mapping[tuple, int], path: tuple) -> int | None:
    """The line of the deepest known key on `path`."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def read_text(path: Path) -> str:
    """Read a UTF-8 text file of at most MAX_FILE_BYTES, turning OS and encoding problems into Problems."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise InputError(f"this file is larger than {MAX_FILE_BYTES // 2**20} MB, far larger than any real one", path,
                              hint="a school.yml, outline or clause is a few kilobytes; check what was saved here")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"this file is not UTF-8 text (byte {exc.start})", path,
                          hint="save it as UTF-8 in your editor") from None
    except OSError as exc:
        raise InputError(f"cannot read this file: {exc.strerror}", path) from None
