"""A unit's history: every result kept, one file per assessment date, never overwriting another date.

A history folder holds `<assessed_on>.json` files, each a result JSON as `podcheck assess --format json` writes
it. A batch keeps one per unit in `OUT/history/<unit folder>/`, outside the unit's own folder, which is replaced
whole on every run: history lives beside it so that no run, failed or interrupted, can take it away. Running the
same assessment date again replaces that date's file only (the file was corrected, not assessed anew).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError, Problem
from ..result import Result
from .atomic import write_atomic
from .results import load_result_json

HISTORY_DIR = "history"  # in a batch's --out: history/<unit folder>/<assessed_on>.json


def _day(assessed_on: str) -> str:
    """The assessment date as a file stem, only if it is a real ISO date (a result read back may be hand-edited)."""
    try:
        return dt.date.fromisoformat(assessed_on).isoformat()
    except ValueError:
        raise ValueError(f"assessed_on {assessed_on!r} is not a date (YYYY-MM-DD)") from None


def dates(folder: Path) -> list[str]:
    """The assessment dates kept in a history folder, oldest first (nothing when there is no folder)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            found.append(_day(path.stem))
        except ValueError:
            continue  # not one of ours: left alone
    return sorted(found)


def record(folder: Path, result: Result) -> Path:
    """Keep this result in the history folder under its assessment date (replacing only that date's file)."""
    return write_atomic(folder / f"{_day(result.assessed_on)}.json", result.to_json())


def load_history(folder: Path) -> tuple[list[Result], list[Problem]]:
    """Every result kept in a history folder, oldest first, and a problem for each file that cannot be read
    (it is skipped, never removed)."""
    results, problems = [], []
    for day in dates(folder):
        path = folder / f"{day}.json"
        try:
            result = load_result_json(path)
        except InputError as exc:
            problems += exc.problems[:1]
            continue
        if result.assessed_on != day:
            problems.append(Problem(str(path), "assessed_on", f"says {result.assessed_on}, not the {day} its name "
                                    "gives; skipped", code="history"))
            continue
        results.append(result)
    return results, problems


def import_results(paths: Iterable[str | Path], folder: Path) -> list[Path]:
    """Bring earlier result JSON files of one unit into a history folder, each under its assessment date.

    Every file is read and checked first; nothing is written unless all are results of the same unit as each
    other and as the results already kept there (InputError otherwise)."""
    loaded: list[tuple[Path, Result]] = [(Path(p), load_result_json(p)) for p in paths]
    kept, _ = load_history(folder)
    units = {r.unit for r in kept} | {r.unit for _, r in loaded}
    if len(units) > 1:
        theirs = ", ".join(f"{p.name}: {r.unit!r}" for p, r in loaded)
        raise InputError.single(str(folder), f"results of more than one unit ({theirs}"
                                f"{'; kept there: ' + repr(kept[0].unit) if kept else ''}); a history folder "
                                "holds one unit's results", code="history")
    problems = []
    for path, result in loaded:
        try:
            _day(result.assessed_on)
        except ValueError as exc:
            problems.append(Problem(str(path), "assessed_on", str(exc), code="history"))
    if problems:
        raise InputError(problems)
    folder.mkdir(parents=True, exist_ok=True)
    return [record(folder, result) for _, result in loaded]
