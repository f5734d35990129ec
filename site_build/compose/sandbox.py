"""Render untrusted clause templates in Jinja's immutable sandbox, on plain data, with hard limits.

Clause text and school.yml are written by people who must not control the build machine, so a
template sees only dicts, lists, strings, numbers, dates and our helper functions; attributes come
from an allow-list; and every operation that can allocate (repetition, concatenation, formatting,
padding, replacing, joining, loops, output) is bounded before it runs, with a time limit behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..errors import InputError
from ..store.bytecode import UNREADABLE, user_bytecode_cache

MAX_OUTPUT_CHARS = 200_000  # any one value, and everything one template writes
MAX_SEQUENCE = 10_000  # items or characters made by repeating a value
MAX_INT_ARGUMENT = 10_000  # no filter or method needs a bigger number (widths, counts)
MAX_INT_BITS = 4_096
MAX_FORMAT_WIDTH = 100
MAX_LOOP_BUDGET = 50_000  # loop iterations across one render
MAX_SOURCE_CHARS = 100_000
MAX_SECONDS = 2

_budget: ContextVar[list[int]] = ContextVar("template_budget")  # [loop iterations left, characters left]

ALLOWED_FILTERS = ("capitalize", "count", "d", "default", "first", "int", "join", "last", "length", "list", "lower",
                   "map", "max", "min", "reject", "rejectattr", "replace", "round", "select", "selectattr", "sort",
                   "string", "sum", "title", "trim", "unique", "upper", "wordcount")
STRING_METHODS = frozenset({"capitalize", "count", "endswith", "find", "isdigit", "join", "lower", "lstrip", "replace",
                            "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "title", "upper"})
LOOP_ATTRIBUTES = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem",
                             "nextitem", "depth", "depth0"})
DATE_ATTRIBUTES = frozenset({"year", "month", "day"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_WIDTH = re.compile(r"(\d+)")


class TemplateLimitError(Exception):
    """A template tried to do more work than any policy text needs."""


def _spend(iterations: int = 0, characters: int = 0) -> None:
    budget = _budget.get(None)
    if budget is None:
        return
    budget[0] -= iterations
    budget[1] -= characters
    if budget[0] < 0:
        raise TemplateLimitError("its loops run too many times")
    if budget[1] < 0:
        raise TemplateLimitError(f"it writes more than {MAX_OUTPUT_CHARS:,} characters")


def _check_size(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_OUTPUT_CHARS:
        raise TemplateLimitError("it builds a value that is too long")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimitError("it builds a number that is too large")
    return value


def _weight(value: Any, limit: int = MAX_SEQUENCE) -> int:
    """Characters and items in a value, counting nested lists (stops counting past `limit`)."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, (list, tuple)):
        return 1
    total = len(value)
    for item in value:
        if total > limit:
            break
        if isinstance(item, (str, list, tuple)):
            total += _weight(item, limit)
    return total


def _check_arguments(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_INT_ARGUMENT:
            raise TemplateLimitError(f"the number {arg} is larger than policy text needs")


def _check_percent_format(text: str, values: Any) -> None:
    """Refuse, before it runs, a '%' format with a large width or a result that would be too long."""
    specs = list(_PERCENT_SPEC.finditer(text))
    for match in specs:
        for number in match.groups():
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise TemplateLimitError("a '%' format asks for a width larger than policy text needs")
    items = list(values.values()) if isinstance(values, Mapping) else list(values) if isinstance(values, tuple) else [values]
    longest = max((len(str(item)) for item in items), default=0)
    if len(text) + len(specs) * (longest + MAX_FORMAT_WIDTH) > MAX_OUTPUT_CHARS:
        raise TemplateLimitError("a '%' format makes a value that is too long")


def _replaced_length(text: str, old: str, new: str, count: int = -1) -> int:
    hits = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def _joined_length(separator: str, items: list[Any]) -> int:
    return sum(len(str(item)) for item in items) + len(separator) * max(len(items) - 1, 0)


def _guard_call(name: str, owner: Any, args: tuple, kwargs: dict) -> None:
    """Refuse, before it runs, a call (method `owner.name(*args)`) whose result would be too large."""
    _check_arguments([*args, *kwargs.values()])
    if name == "replace" and isinstance(owner, str) and len(args) >= 2:
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        if _replaced_length(owner, str(args[0]), str(args[1]), count) > MAX_OUTPUT_CHARS:
            raise TemplateLimitError("a replace makes a value that is too long")
    if (name == "join" and isinstance(owner, str) and args and isinstance(args[0], (list, tuple))
            and _joined_length(owner, list(args[0])) > MAX_OUTPUT_CHARS):
            raise TemplateLimitError("a join makes a value that is too long")


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps Jinja's pass_context/pass_environment marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        passed = [a for a in args if isinstance(a, (Context, EvalContext, Environment))]
        values = list(args[len(passed):])
        if name == "join" and values:
            values[0] = list(values[0])  # a generator is measured once, then joined
            separator = values[1] if len(values) > 1 else kwargs.get("d", "")
            _guard_call("join", str(separator), (values[0],), {})
        else:
            _guard_call(name, values[0] if values else None, tuple(values[1:]), kwargs)
        if name == "sum" and not isinstance(kwargs.get("start", values[2] if len(values) > 2 else 0), (int, float)):
            raise TemplateLimitError("sum adds up numbers only")
        return _check_size(func(*passed, *values, **kwargs))
    return guarded


class _Limits:
    """Filters the compiler weaves into every loop and every `~`, so both are counted."""

    @staticmethod
    def loop(iterable: Any) -> Iterator[Any]:
        for item in iterable:
            _spend(iterations=1)
            yield item

    @staticmethod
    def concat(parts: list[Any]) -> str:
        texts = [str(part) for part in parts]
        return _check_size("".join(texts)) if sum(map(len, texts)) <= MAX_OUTPUT_CHARS else _too_long()


def _too_long() -> str:
    raise TemplateLimitError("it builds a value that is too long")


class PolicySandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed to plain data and an allow-list, with bounded operators."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Undefined):  # keep the first failure's message (e.g. "unsafe"), not "undefined has no ..."
            return obj
        if isinstance(obj, Mapping):  # school.name is the key 'name', never a dict method
            if attribute in obj:
                return obj[attribute]
            return self.unsafe_undefined(obj, attribute) if hasattr(obj, attribute) else self.undefined(obj=obj, name=attribute)
        return self._allowed_attribute(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Undefined):
            return obj
        try:
            return obj[argument]
        except (TypeError, LookupError):
            if isinstance(argument, str) and not isinstance(obj, Mapping):
                return self._allowed_attribute(obj, argument)
            return self.undefined(obj=obj, name=argument)

    def _allowed_attribute(self, obj: Any, attribute: str) -> Any:
        if self.is_safe_attribute(obj, attribute, None):
            return getattr(obj, attribute)
        if hasattr(obj, attribute):
            return self.unsafe_undefined(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str):
            return attr in STRING_METHODS
        if isinstance(obj, LoopContext):
            return attr in LOOP_ATTRIBUTES
        if isinstance(obj, dt.date):
            return attr in DATE_ATTRIBUTES
        return False

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name, owner = getattr(__obj, "__name__", ""), getattr(__obj, "__self__", None)
        if name == "join" and isinstance(owner, str) and args:
            args = (list(args[0]), *args[1:])  # a generator is measured once, then joined
        _guard_call(name, owner, args, kwargs)
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise TemplateLimitError(f"the power {right} is too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and _weight(seq) * count > MAX_SEQUENCE:
                    raise TemplateLimitError("this repeats a value too many times")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise TemplateLimitError("it builds a number that is too large")
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        return _check_size(super().call_binop(context, operator, left, right))


def _finalize(value: Any) -> Any:
    """Every `{{ }}` output: nothing for None, and counted against the template's output budget."""
    if value is None:
        return ""
    _spend(characters=len(str(value)))
    return value


ENVIRONMENT = PolicySandbox(undefined=StrictUndefined, autoescape=False, finalize=_finalize, keep_trailing_newline=True)
ENVIRONMENT.filters = {name: _guarded_filter(name, ENVIRONMENT.filters[name]) for name in ALLOWED_FILTERS}
ENVIRONMENT.filters.update({"_loop": _Limits.loop, "_concat": _Limits.concat})


def _budgeted_range(*args: int) -> range:
    numbers = range(*args)
    _spend(iterations=len(numbers))
    return numbers


ENVIRONMENT.globals = {"range": _budgeted_range}
_compiled: dict[tuple[str, str], Any] = {}


def render(source: str, context: dict[str, Any], file: Path | str, first_line: int = 1) -> str:
    """Render `source` (from `file`, starting at `first_line`) with plain-data `context`, or raise InputError."""
    if is_static(source):
        return source
    try:
        with _limits():
            return "".join(_compile(source, str(file)).generate(context))
    except TemplateSyntaxError as exc:
        raise InputError(f"template error: {exc.message}", file, _line(exc.lineno, first_line),
                          hint="check the {{ }} and {% %} tags on that line") from None
    except UndefinedError as exc:
        raise InputError(f"undefined value: {_undefined_message(exc)}", file, _line(_template_line(exc, str(file)), first_line),
                          hint="define it in the clause's 'defaults', set it in school.yml, or guard it with {% if %}") from None
    except SecurityError as exc:
        raise InputError(f"this template tries something not allowed in policy text: {exc}", file,
                          _line(_template_line(exc, str(file)), first_line)) from None
    except (TemplateLimitError, MemoryError) as exc:
        reason = exc if isinstance(exc, TemplateLimitError) else "it needs more memory than policy text can use"
        raise InputError(f"this template was stopped: {reason}", file, _line(_template_line(exc, str(file)), first_line),
                          hint="policy text needs no large loops, sums or padding; simplify the template") from None
    except InputError as exc:
        if exc.file is None:
            exc.file, exc.line = file, _line(_template_line(exc, str(file)), first_line)
        raise
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError, LookupError, SyntaxError,
            NameError, AttributeError) as exc:  # what Jinja or the compiled template raise on absurd input
        raise InputError(f"template error: {exc}", file, _line(_template_line(exc, str(file)), first_line)) from None


def is_static(source: str) -> bool:
    """True for text Jinja would write back unchanged: no tag, comment or carriage return, and not too long."""
    return "{" not in source and "\r" not in source and len(source) <= MAX_SOURCE_CHARS


def evaluate(expression: str, context: dict[str, Any], file: Path | str, line: int | None) -> bool:
    """Evaluate a condition such as `school.phase != 'nursery'` in the same sandbox, with the same limits."""
    if "%}" in expression or "{%" in expression or "{{" in expression:
        raise InputError(f"the condition {expression!r} contains template tags", file, line,
                          hint="conditions look like: school.phase != 'nursery'")
    try:
        return render("{% if (" + expression + ") %}yes{% endif %}", context, file) == "yes"
    except InputError as exc:
        raise InputError(f"cannot evaluate the condition {expression!r}: {exc.message}", file, line,
                          hint="conditions look like: school.phase != 'nursery'") from None


def _compile(source: str, name: str) -> Any:
    key = (name, source)
    if key not in _compiled:
        if len(source) > MAX_SOURCE_CHARS:
            raise TemplateLimitError(f"the text is longer than {MAX_SOURCE_CHARS:,} characters")
        _compiled[key] = ENVIRONMENT.template_class.from_code(ENVIRONMENT, _code(source, name), ENVIRONMENT.make_globals(None), None)
    return _compiled[key]


def _code(source: str, name: str) -> Any:
    """The template compiled with its loops and `~` bounded, from the user's bytecode cache when this engine compiled
    the same text before (the key names this file's own text, so a changed sandbox compiles everything again)."""
    bucket = None
    if _BYTECODE is not None:
        with contextlib.suppress(*UNREADABLE):  # an unreadable entry is compiled again
            key = f"{_ENGINE}:{name}:{hashlib.sha256(source.encode()).hexdigest()}"  # one file holds many passages
            bucket = _BYTECODE.get_bucket(ENVIRONMENT, key, None, source)
    if bucket is not None and bucket.code is not None:
        return bucket.code
    tree = _bound(ENVIRONMENT.parse(source, name=name, filename=name))
    code = ENVIRONMENT.compile(tree, name=name, filename=name)  # type: ignore[call-overload]  # a parsed tree is accepted
    if bucket is not None and _BYTECODE is not None:
        bucket.code = code
        with contextlib.suppress(OSError):  # a full or read-only disk costs only time
            _BYTECODE.set_bucket(bucket)
    return code


_BYTECODE = user_bytecode_cache()
_ENGINE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _bound(node: nodes.Node) -> nodes.Node:
    """Route every loop and every `~` through counting filters (the compiler calls neither through the sandbox)."""
    for field in node.fields:
        value = getattr(node, field, None)
        if isinstance(value, nodes.Node):
            setattr(node, field, _bound(value))
        elif isinstance(value, list):
            setattr(node, field, [_bound(item) if isinstance(item, nodes.Node) else item for item in value])
    if isinstance(node, nodes.For):
        node.iter = nodes.Filter(node.iter, "_loop", [], [], None, None, lineno=node.lineno)
    if isinstance(node, nodes.Concat):
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), "_concat", [], [], None, None, lineno=node.lineno)
    return node


@contextmanager
def _limits() -> Iterator[None]:
    """A fresh budget of loop iterations and output, and (on the main thread) a wall-clock limit."""
    token = _budget.set([MAX_LOOP_BUDGET, MAX_OUTPUT_CHARS])
    try:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def _expired(signum: int, frame: Any) -> None:
            raise TemplateLimitError(f"it ran for more than {MAX_SECONDS} seconds")

        previous = signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    finally:
        _budget.reset(token)


def _line(template_line: int | None, first_line: int) -> int | None:
    return template_line + first_line - 1 if template_line else None


def _template_line(exc: BaseException, filename: str) -> int | None:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_message(exc: UndefinedError) -> str:
    return str(exc.message or exc).replace("'dict object'", "this").replace("'NoneType object'", "a missing value")

