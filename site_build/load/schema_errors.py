"""Turn pydantic validation errors into Problems with a line and a suggestion."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import InputError, Problems
from .suggest import did_you_mean
from .yaml_lines import Lines, line_of

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, lines: Lines, source: Path | str, prefix: tuple = ()) -> M:
    """Validate `data` against `model`, raising every problem as a InputError."""
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Problems([_explain(model, data, err, lines, source, prefix) for err in exc.errors()]) from None


def _explain(model: type[BaseModel], data: Any, err: ErrorDetails, lines: Lines, source: Path | str, prefix: tuple) -> InputError:
    path = _data_path(data, err["loc"])
    dotted = ".".join(str(p) for p in path) or "(top level)"
    line = line_of(lines, prefix + path)
    kind = err["type"]
    if kind == "extra_forbidden":
        valid = _keys_at(model, path[:-1])
        hint = did_you_mean(str(path[-1]), valid, "").strip()
        return InputError(f"unknown key '{path[-1]}' in {'.'.join(map(str, path[:-1])) or 'the top level'}", source, line,
                           f"{hint} valid keys here: {', '.join(valid)}".strip())
    if kind == "missing":
        return InputError(f"'{dotted}' is required but missing", source, line, f"add '{path[-1]}:' here")
    if kind in ("string_type", "str_type") and isinstance(_value_at(data, path), (bool, int, float)):
        return InputError(f"'{dotted}' should be text, but YAML read {_value_at(data, path)!r}", source, line,
                           "put the value in quotes, e.g. \"012345\" or \"no\"")
    message = err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        return InputError(f"'{dotted}': {message}", source, line)
    if kind == "string_pattern_mismatch":
        return InputError(f"'{dotted}' has the wrong form: {_value_at(data, path)!r}", source, line,
                           "ids and slugs use lower-case letters, digits and single hyphens, e.g. 'my-school'")
    return InputError(f"'{dotted}': {message}", source, line)


def _data_path(data: Any, loc: tuple) -> tuple:
    """Drop pydantic's union-branch names from `loc`, keeping only keys present in the data."""
    path: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _is_branch_name(part):
            path.append(part)
            node = None
    return tuple(path)


def _is_branch_name(part: str) -> bool:
    return part[:1].isupper() or part in {"str", "int", "float", "bool", "list[str]"} or "[" in part


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _keys_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The valid keys of the model found by following `path` through the schema."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = field.annotation if field else None
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return []
    current = _unwrap(current)
    return sorted(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated/unions down to the model or container inside, if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner = _unwrap(arg)
            if (isinstance(inner, type) and issubclass(inner, BaseModel)) or typing.get_origin(inner) in (list, dict):
                return inner
        return None
    return annotation
