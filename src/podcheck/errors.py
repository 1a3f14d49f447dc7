"""Errors a user can act on: each names the file and the place in it."""

from __future__ import annotations

from dataclasses import dataclass

from .text import printable


@dataclass(frozen=True)
class Problem:
    """One problem in one input file, at a path like `people[3].roles.analyst`."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        line = f" (line {self.line})" if self.line else ""
        # Messages quote the input: escape what could forge a line or drive the terminal.
        return printable(f"{where}{self.message}{line}")


class InputError(Exception):
    """Bad input: one or more problems, each printed on its own line; exit code 2."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, file: str, message: str, path: str = "", line: int | None = None) -> InputError:
        """An error with just one problem."""
        return cls([Problem(file, path, message, line)])


class ConfigError(Exception):
    """The project's own data (rule metadata, rubric, questions) is inconsistent: a bug, not bad input."""
