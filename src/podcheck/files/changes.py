"""CHANGES files (contract 5.3): a list of changes read safely, applied in order to a copy of an assessment,
and the result validated, every problem naming the CHANGES file and the item (`changes.yaml: [2].person: ...`)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..changes import Change, ChangeError, apply_changes, change_problem, parse_changes
from ..errors import InputError
from ..model import Assessment
from .assessment import parse_assessment
from .problems import LineMap, line_for
from .safe_yaml import read_yaml_list, read_yaml_mapping


def load_changes(path: str | Path) -> list[Change]:
    """Read a CHANGES file into Changes; InputError naming the file, the item and its line otherwise."""
    items, lines = read_yaml_list(path, what="a changes file", first="`- do: ...`")
    try:
        return parse_changes(items, str(path))
    except InputError as exc:
        raise _with_lines(exc, lines) from None


def _with_lines(exc: InputError, lines: LineMap) -> InputError:
    return InputError([dataclasses.replace(p, line=p.line or line_for(lines, p.loc)) for p in exc.problems])


@dataclasses.dataclass(frozen=True)
class WhatIf:
    """An assessment file, and the same unit with the changes made (the file itself is never written)."""

    before: Assessment
    after: Assessment
    changes: list[Change]


def what_if(file: str | Path, changes_file: str | Path) -> WhatIf:
    """Read FILE and CHANGES, apply the changes in order to a copy of FILE's data and validate the result."""
    data, _ = read_yaml_mapping(file)
    before = parse_assessment(data, str(file))
    changes = load_changes(changes_file)
    after = apply_and_validate(data, changes, str(file), str(changes_file))
    return WhatIf(before, after, changes)


def apply_and_validate(data: dict[str, Any], changes: Sequence[Change], file: str, changes_file: str) -> Assessment:
    """The unit after `changes` (made on a copy of `data`); InputError naming the item that cannot be made
    or that leaves the unit invalid."""
    try:
        changed = apply_changes(copy.deepcopy(data), changes, changes_file)
    except InputError as exc:
        raise _with_lines(exc, _changes_lines(changes_file)) from None
    try:
        return parse_assessment(changed, file)
    except InputError as exc:
        problem = exc.problems[0]
        index = _culprit(data, changes, file)
        more = len(exc.problems) - 1
        where = f"{problem.path}: " if problem.path else ""
        message = (f"would leave {file} invalid: {where}{problem.message}"
                   + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
        raise InputError([change_problem(changes_file, index, ChangeError(message),
                                         line_for(_changes_lines(changes_file), (index,)))]) from None


def _culprit(data: dict[str, Any], changes: Sequence[Change], file: str) -> int:
    """The item after which the unit is invalid and stays so: the one to blame, in the order given."""
    valid = []
    state = copy.deepcopy(data)
    for change in changes:
        change.apply(state)
        try:
            parse_assessment(state, file)
            valid.append(True)
        except InputError:
            valid.append(False)
    index = len(changes) - 1
    while index > 0 and not valid[index - 1]:
        index -= 1
    return max(index, 0)


def _changes_lines(changes_file: str) -> LineMap:
    # Only read again on the error path, to give the item's line; a file gone meanwhile just has none.
    try:
        return read_yaml_list(changes_file, what="a changes file", first="`- do: ...`")[1]
    except (InputError, OSError):
        return {}


__all__ = ["WhatIf", "apply_and_validate", "load_changes", "what_if"]
