"""Render untrusted clause templates in Jinja's sandbox, with strict variables and hard limits.

Clause text is written by office staff and may arrive by email, so templates get no Python
internals, no file access, undefined variables are errors, and each render is bounded in
output size, arithmetic size, loop work and time.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from .errors import PolicyError

MAX_OUTPUT_CHARS = 200_000
MAX_SEQUENCE = 10_000
MAX_EXPONENT = 64
MAX_LOOP_BUDGET = 50_000
MAX_SECONDS = 2

_loop_budget: ContextVar[list[int]] = ContextVar("loop_budget")


class TemplateLimitError(Exception):
    """A template tried to do more work than any policy text needs."""


def _escape_for_markdown(value: Any) -> Any:
    """Values from YAML land in Markdown: '<' is escaped so no value can open an HTML tag."""
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    return str(value).replace("<", "&lt;")


def _budgeted_range(*args: int) -> range:
    numbers = range(*args)
    budget = _loop_budget.get()
    budget[0] -= len(numbers)
    if budget[0] < 0:
        raise TemplateLimitError("loops in this template run too many times")
    return numbers


class PolicySandbox(ImmutableSandboxedEnvironment):
    """The sandbox with caps on the operators that can allocate huge values."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TemplateLimitError(f"the power {right} is too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_SEQUENCE:
                    raise TemplateLimitError("this repeats a value too many times")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_OUTPUT_CHARS:
            raise TemplateLimitError("this builds a value that is too long")
        return result


ENVIRONMENT = PolicySandbox(undefined=StrictUndefined, autoescape=False, finalize=_escape_for_markdown,
                            keep_trailing_newline=True)
ENVIRONMENT.globals = {"range": _budgeted_range}
_compiled: dict[tuple[str, str], Any] = {}


def render(source: str, context: dict[str, Any], file: Path | str, first_line: int = 1) -> str:
    """Render `source` (from `file`, starting at `first_line`) with `context`, or raise PolicyError."""
    try:
        template = _compile(source, str(file))
        with _time_limit():
            token = _loop_budget.set([MAX_LOOP_BUDGET])
            try:
                return _collect(template.generate(context))
            finally:
                _loop_budget.reset(token)
    except TemplateSyntaxError as exc:
        raise PolicyError(f"template error: {exc.message}", file, _line(exc.lineno, first_line),
                          hint="check the {{ }} and {% %} tags on that line") from None
    except UndefinedError as exc:
        raise PolicyError(f"undefined value: {_undefined_message(exc)}", file, _line(_template_line(exc, str(file)), first_line),
                          hint="define it in the clause's 'defaults', set it in school.yml, or guard it with {% if %}") from None
    except SecurityError as exc:
        raise PolicyError(f"this template tries something not allowed in policy text: {exc}", file,
                          _line(_template_line(exc, str(file)), first_line)) from None
    except TemplateLimitError as exc:
        raise PolicyError(f"this template was stopped: {exc}", file, _line(_template_line(exc, str(file)), first_line),
                          hint="policy text needs no large loops or sums; simplify the template") from None
    except PolicyError as exc:
        if exc.file is None:
            exc.file, exc.line = file, _line(_template_line(exc, str(file)), first_line)
        raise
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise PolicyError(f"template error: {exc}", file, _line(_template_line(exc, str(file)), first_line)) from None


def evaluate(expression: str, context: dict[str, Any], file: Path | str, line: int | None) -> bool:
    """Evaluate a condition such as `school.phase != 'nursery'` in the sandbox."""
    try:
        return bool(ENVIRONMENT.compile_expression(expression, undefined_to_none=False)(**context))
    except (TemplateError, SecurityError, TemplateLimitError, TypeError, ValueError) as exc:
        raise PolicyError(f"cannot evaluate the condition {expression!r}: {exc}", file, line,
                          hint="conditions look like: school.phase != 'nursery'") from None


def _compile(source: str, name: str) -> Any:
    key = (name, source)
    if key not in _compiled:
        code = ENVIRONMENT.compile(source, name=name, filename=name)
        _compiled[key] = ENVIRONMENT.template_class.from_code(ENVIRONMENT, code, ENVIRONMENT.make_globals(None), None)
    return _compiled[key]


def _collect(chunks: Iterator[str]) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(f"its output is longer than {MAX_OUTPUT_CHARS:,} characters")
        out.append(chunk)
    return "".join(out)


@contextmanager
def _time_limit() -> Iterator[None]:
    """Stop a runaway render after MAX_SECONDS (main thread only; elsewhere the budgets apply)."""
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
