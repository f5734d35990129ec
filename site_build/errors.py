"""The project's errors: each one knows the file and line it is about and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class PolicyError(Exception):
    """A problem in the user's files, reported as `file:line: message` plus a hint."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    hint: str | None = None

    def __reduce__(self):  # so errors raised in a build worker reach the main process intact
        return (PolicyError, (self.message, self.file, self.line, self.hint))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class PolicyErrors(Exception):
    """Several problems found in one pass, so `check` can report them all at once."""

    def __init__(self, errors: list[PolicyError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors

    def __reduce__(self):
        return (PolicyErrors, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ErrorCollector:
    """Gathers PolicyErrors raised by independent steps; raises them together at the end."""

    def __init__(self) -> None:
        self.errors: list[PolicyError] = []

    def add(self, error: PolicyError | PolicyErrors) -> None:
        for one in error.errors if isinstance(error, PolicyErrors) else [error]:
            if one not in self.errors:  # two checks that find the same problem report it once
                self.errors.append(one)

    def raise_if_any(self) -> None:
        if self.errors:
            raise PolicyErrors(self.errors)
