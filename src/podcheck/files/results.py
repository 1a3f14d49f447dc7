"""Result JSON read back: what `podcheck assess --format json` wrote, checked like any other input."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ..catalog import Rubric
from ..errors import InputError, Problem
from ..model import Assessment
from ..result import Result
from ..text import free_text_problem, name_problem
from .assessment import load_assessment
from .atomic import read_bounded
from .locations import expand_folders
from .safe_yaml import MAX_FILE_BYTES, MAX_VALUES


def looks_like_result_json(path: Path) -> bool:
    """True for a .json file, or any regular file whose first bytes open a JSON object."""
    if path.suffix.lower() == ".json":
        return True
    if not path.is_file():
        return False  # a FIFO would block here; the YAML reader refuses it with the reason
    with path.open("rb") as handle:
        return handle.read(64).lstrip().startswith(b"{")


# A result is about one unit: 10x an assessment file's limit leaves room for every finding's text.
MAX_RESULT_BYTES = 10 * MAX_FILE_BYTES
# More people than a valid assessment can hold (each takes several of its MAX_VALUES values):
# a pod of 10**12 people would hang the size chart that draws one mark per person.
MAX_PEOPLE = MAX_VALUES // 4
MAX_COUNT = 1_000_000  # the model's ceiling for counts in an assessment (backlog, projects)
MAX_LIMIT = 1000  # the rubric's ceiling for pod size limits

# Numbers a result holds, by where they sit ("*" for any list index or key), and their sane range.
_RANGES: dict[tuple[str, ...], tuple[float, float]] = {
    ("pods", "*", "core"): (0, MAX_PEOPLE),
    ("pods", "*", "extended"): (0, MAX_PEOPLE),
    ("pods", "*", "core_limit"): (0, MAX_LIMIT),
    ("pods", "*", "total_limit"): (0, MAX_LIMIT),
    ("pods", "*", "active_projects"): (0, MAX_COUNT),
    ("pods", "*", "role_shares", "*"): (0, MAX_PEOPLE),
    ("dimensions", "*", "answered"): (0, MAX_COUNT),
    ("dimensions", "*", "findings"): (0, MAX_COUNT),
    ("recommendations", "*", "rank"): (0, MAX_COUNT),
    ("outlook", "open"): (0, MAX_COUNT),
    ("outlook", "added_per_quarter"): (0, MAX_COUNT),
    ("outlook", "delivered_per_quarter"): (0, MAX_COUNT),
    ("outlook", "net_per_quarter"): (-MAX_COUNT, MAX_COUNT),
    ("outlook", "quarters_to_clear"): (0, MAX_COUNT),
    ("outlook", "extra_delivery_to_stabilise"): (0, MAX_COUNT),
}
# Mappings whose keys are data (role names, evidence), not fixed fields.
_ANY_KEY = {("pods", "*", "role_shares"), ("findings", "*", "evidence")}
# Text that names something: one line of visible text, as in an assessment file.
_NAMES = {("organization",), ("unit",), ("pods", "*", "name"), ("findings", "*", "pod"),
          ("findings", "*", "people", "*"), ("recommendations", "*", "pod")}


def result_problems(result: Result, file: str) -> list[Problem]:
    """What in a result read back is out of any sane range, or text a terminal or report must not get."""
    problems: list[Problem] = []

    def walk(value: object, loc: tuple[str | int, ...], pattern: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, str(key)), (*pattern, "*" if pattern in _ANY_KEY else str(key)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*loc, index), (*pattern, "*"))
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            low, high = _RANGES.get(pattern, (-math.inf, math.inf))
            if not low <= value <= high:  # NaN fails too
                problems.append(Problem.at(file, loc, f"must be between {low:,} and {high:,} "
                                           f"(got {value}); not a result podcheck writes", code="range"))
        elif isinstance(value, str):
            problem = name_problem(value) if pattern in _NAMES else free_text_problem(value)
            if problem:
                problems.append(Problem.at(file, loc, problem, code="text"))

    walk(result.model_dump(mode="json", by_alias=True), (), ())
    return problems


def load_result_json(path: str | Path) -> Result:
    """Read a result JSON file (what `podcheck assess --format json` writes); InputError if it is not one.

    Only a regular file of at most MAX_RESULT_BYTES is read, and every count in it must be in a
    sane range: a result is input like any other, and a hand-edited one must not hang a chart.
    """
    path = Path(path)
    raw = read_bounded(path, MAX_RESULT_BYTES, what="a result file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(str(path), f"cannot read it (not UTF-8 text: bad byte at offset {exc.start})",
                                code="encoding") from None
    try:
        result = Result.from_json(text)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            try:
                json.loads(text)
            except json.JSONDecodeError as bad:
                raise InputError.single(str(path), f"not valid JSON: {bad.msg}", line=bad.lineno,
                                        code="json") from None
        problems = [
            Problem(str(path), ".".join(str(p) for p in e["loc"]), f"{e['msg']} (not a podcheck result file?)",
                    loc=tuple(e["loc"]), code="not-a-result")
            for e in exc.errors()[:5]
        ]
        raise InputError(problems) from None
    problems = result_problems(result, str(path))
    if problems:
        raise InputError(problems[:5])
    return result


def portfolio_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders expand to the result JSON and assessment YAML files inside them (sorted)."""
    return expand_folders(inputs, (".json", ".yaml", ".yml"), skip=("portfolio", "."),
                          check="result JSON or assessment YAML files")


def load_unit(path: str | Path, rubric: Rubric | None = None) -> tuple[Result, Assessment | None]:
    """A unit's Result from its result JSON, or from its assessment file (assessed with `rubric`; then the
    assessment comes too, for the report's people and pods)."""
    from ..survey import assess_with_survey
    from .responses import load_survey

    if looks_like_result_json(Path(path)):
        return load_result_json(path), None
    assessment = load_assessment(path)
    return assess_with_survey(assessment, load_survey(assessment, path, rubric=rubric), rubric), assessment


def load_previous(path: str | Path, rubric: Rubric | None = None) -> Result:
    """The earlier result of a unit, from a result JSON file or an assessment file (assessed with `rubric`)."""
    path = Path(path)
    if not path.exists() or path.is_dir():
        raise InputError.single(str(path), "no such file (--previous wants a result JSON or an assessment YAML)",
                                code="not-found")
    return load_unit(path, rubric)[0]
