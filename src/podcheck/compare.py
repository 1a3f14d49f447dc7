"""Since last time: what changed between two assessments of the same unit.

The diff lives here so that every view (HTML, Markdown, PDF) only displays it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .catalog import SEVERITIES, Rubric
from .errors import InputError, Problem
from .files import read_bounded
from .load import MAX_FILE_BYTES, MAX_VALUES
from .result import Finding, Result, Stage

Direction = Literal["up", "down", "same"]


@dataclass(frozen=True)
class ScoreChange:
    """One score before and after; None where that side did not assess it."""

    id: str
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        """after − before, or None when either side is not assessed."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> Direction:
        """Whether the score went up, down or stayed (a newly assessed score counts as 'same')."""
        d = self.delta
        return "same" if not d else "up" if d > 0 else "down"


@dataclass(frozen=True)
class SeverityChange:
    """A finding still open whose severity moved."""

    finding: Finding
    before: str

    @property
    def direction(self) -> Direction:
        """'up' when the finding became more severe."""
        return "up" if SEVERITIES.index(self.finding.severity) < SEVERITIES.index(self.before) else "down"


@dataclass(frozen=True)
class Changes:
    """Everything that moved between a previous result and the current one."""

    previous_unit: str
    previous_assessed_on: str
    current_assessed_on: str
    stage_before: Stage
    stage_after: Stage
    score: ScoreChange
    dimensions: list[ScoreChange]
    resolved: list[Finding] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    still_open: list[Finding] = field(default_factory=list)
    severity_changed: list[SeverityChange] = field(default_factory=list)
    same_unit: bool = True

    @property
    def stage_direction(self) -> Direction:
        """Up or down the scaling ladder, or the same stage."""
        diff = self.stage_after.level - self.stage_before.level
        return "same" if diff == 0 else "up" if diff > 0 else "down"

    @property
    def changed_dimensions(self) -> list[ScoreChange]:
        """Dimensions whose score moved, or that became (or stopped being) assessed."""
        return [d for d in self.dimensions if d.before != d.after]

    @property
    def nothing_changed(self) -> bool:
        """True when stage, scores and findings are all as they were."""
        return (self.stage_direction == "same" and self.score.before == self.score.after
                and not self.changed_dimensions and not self.resolved and not self.new
                and not self.severity_changed)


def finding_identity(f: Finding) -> tuple[str, str | None, tuple[str, ...]]:
    """What makes a finding 'the same one' in two results: rule, pod and the people named."""
    return (f.id, f.pod, tuple(sorted(f.people)))


def match_findings(
    before: list[Finding], after: list[Finding], *, by_rule_and_pod: bool = True
) -> tuple[list[tuple[Finding, Finding]], list[Finding], list[Finding]]:
    """Pair findings that are the same problem; returns (pairs, only before, only after), each in input order.

    Exact identity first; then, with `by_rule_and_pod`, by rule and pod alone, which keeps a
    finding "still open" when only the people named changed (a new lead inherits the same
    overload), rather than calling it resolved and new. A what-if wants the exact view.
    """
    left, right = list(before), list(after)
    pairs: list[tuple[Finding, Finding]] = []
    keys = (finding_identity, lambda f: (f.id, f.pod)) if by_rule_and_pod else (finding_identity,)
    for key in keys:
        for old in list(left):
            twin = next((new for new in right if key(new) == key(old)), None)
            if twin is not None:
                pairs.append((old, twin))
                left.remove(old)
                right.remove(twin)
    return pairs, left, right


def compare(previous: Result, current: Result) -> Changes:
    """What changed from `previous` to `current`: stage, scores, findings resolved and new."""
    names = {d.id: d.name for d in [*previous.dimensions, *previous.not_assessed]}
    names.update({d.id: d.name for d in [*current.dimensions, *current.not_assessed]})
    before = {d.id: d.score for d in previous.dimensions}
    after = {d.id: d.score for d in current.dimensions}
    order = [d.id for d in [*current.dimensions, *current.not_assessed]]
    order += [i for i in names if i not in order]
    dimensions = [ScoreChange(i, names[i], before.get(i), after.get(i)) for i in order]
    pairs, resolved, new = match_findings(previous.findings, current.findings)
    return Changes(
        previous_unit=previous.unit,
        previous_assessed_on=previous.assessed_on,
        current_assessed_on=current.assessed_on,
        stage_before=previous.stage,
        stage_after=current.stage,
        score=ScoreChange("score", "Overall score", previous.score, current.score),
        dimensions=dimensions,
        resolved=resolved,
        new=new,
        still_open=[now for _, now in pairs],
        severity_changed=[SeverityChange(now, old.severity) for old, now in pairs if old.severity != now.severity],
        same_unit=previous.unit == current.unit,
    )


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
    from .load import format_loc
    from .text import free_text_problem, name_problem

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
                problems.append(Problem(file, format_loc(loc), f"must be between {low:,} and {high:,} "
                                        f"(got {value}); not a result podcheck writes"))
        elif isinstance(value, str):
            problem = name_problem(value) if pattern in _NAMES else free_text_problem(value)
            if problem:
                problems.append(Problem(file, format_loc(loc), problem))

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
        raise InputError.single(str(path), f"cannot read it (not UTF-8 text: bad byte at offset {exc.start})") from None
    try:
        result = Result.from_json(text)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            try:
                json.loads(text)
            except json.JSONDecodeError as bad:
                raise InputError.single(str(path), f"not valid JSON: {bad.msg}", line=bad.lineno) from None
        problems = [
            Problem(str(path), ".".join(str(p) for p in e["loc"]), f"{e['msg']} (not a podcheck result file?)")
            for e in exc.errors()[:5]
        ]
        raise InputError(problems) from None
    problems = result_problems(result, str(path))
    if problems:
        raise InputError(problems[:5])
    return result


def load_previous(path: str | Path, rubric: Rubric | None = None) -> Result:
    """The earlier result of a unit, from a result JSON file or an assessment file (assessed with `rubric`)."""
    from .assess import assess
    from .load import load_assessment

    path = Path(path)
    if not path.exists() or path.is_dir():
        raise InputError.single(str(path), "no such file (--previous wants a result JSON or an assessment YAML)")
    if looks_like_result_json(path):
        return load_result_json(path)
    return assess(load_assessment(path), rubric)
