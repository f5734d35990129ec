"""The project's errors, under one root: each names the file and line it is about and what to do.

`cli` catches `PolicySiteError` alone. The subclasses say what kind of problem it is: bad input,
an altered release, a folder in use, an output the tool refuses to write, or the site engine failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PolicySiteError(Exception):
    """Root of every error policy-site reports to its user."""

    @property
    def problems(self) -> list[Problem]:
        raise NotImplementedError


@dataclass
class Problem(PolicySiteError):
    """One problem, reported as `file:line: message` plus a hint."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    hint: str | None = None

    @property
    def problems(self) -> list[Problem]:
        return [self]

    def __reduce__(self):  # so errors raised in a build worker reach the main process intact
        return (type(self), (self.message, self.file, self.line, self.hint))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class InputError(Problem):
    """Something in the user's files or options is wrong: a clause, school.yml, an outline, a roster."""


class TamperedRelease(Problem):
    """An approved release was altered, removed, reordered or forged after approval."""


class BusyError(Problem):
    """Another build or approval holds the folder: try again when it has finished."""


class OutputError(Problem):
    """The tool refuses to write there (it would overwrite the user's files) or cannot."""


class EngineError(Problem):
    """The site engine (MkDocs) or the PDF layout failed on pages the tool made."""


class Problems(PolicySiteError):
    """Several problems found in one pass, so `check` can report them all at once."""

    def __init__(self, errors: list[Problem]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors

    @property
    def problems(self) -> list[Problem]:
        return self.errors

    def __reduce__(self):
        return (Problems, (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class ErrorCollector:
    """Gathers the problems of independent steps; raises them together at the end."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []

    def add(self, error: PolicySiteError) -> None:
        for one in error.problems:
            if one not in self.errors:  # two checks that find the same problem report it once
                self.errors.append(one)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Problems(self.errors)
