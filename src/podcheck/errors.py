"""Errors a user can act on: each names the file and the place in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .text import printable

Loc = tuple[str | int, ...]
"""A place in an assessment's data: ('people', 3, 'roles', 'analyst')."""


def format_loc(loc: Iterable[str | int]) -> str:
    """('people', 3, 'roles', 'analyst') → 'people[3].roles.analyst'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_loc(path: str) -> Loc:
    """'people[3].roles.analyst' → ('people', 3, 'roles', 'analyst'): format_loc undone."""
    return tuple(int(index) if index else key for index, key in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path))


# The text form format_loc writes, for keys that are plain words (a sheet place like 'row 5' is none).
_LOC_TEXT = re.compile(r"[\w-]+(\.[\w-]+|\[\d+\])*")


@dataclass(frozen=True)
class Problem:
    """One problem in one input file, at a path like `people[3].roles.analyst`.

    `loc` is the same place as a tuple and `code` a short word for the kind of problem
    ("unknown-key", "range", "not-found"…), so that no caller has to read the message to know
    where or what; `related` is another place the message names ("first at people[0]").
    """

    file: str
    path: str
    message: str
    line: int | None = None
    loc: Loc = field(default=(), compare=False)
    code: str = field(default="invalid", compare=False)
    related: Loc = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.loc and self.path:
            # Made with a text path only (by hand, or a sheet place): the loc it spells, if it spells one.
            object.__setattr__(self, "loc", parse_loc(self.path) if _LOC_TEXT.fullmatch(self.path) else ())

    @classmethod
    def at(cls, file: str, loc: Loc, message: str, line: int | None = None, *, code: str = "invalid",
           related: Loc = ()) -> Problem:
        """A problem at a place in the data, its text path written from `loc`."""
        return cls(file, format_loc(loc), message, line, loc=loc, code=code, related=related)

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
    def single(cls, file: str, message: str, path: str = "", line: int | None = None, *,
               code: str = "invalid") -> InputError:
        """An error with just one problem."""
        return cls([Problem(file, path, message, line, code=code)])

    def summary(self) -> str:
        """The first problem, and how many more there are: one line for a table or a log."""
        more = len(self.problems) - 1
        return str(self.problems[0]) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


class ConfigError(Exception):
    """The project's own data (rule metadata, rubric, questions) is inconsistent: a bug, not bad input."""
