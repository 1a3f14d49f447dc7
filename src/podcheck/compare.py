"""Since last time: what changed between two assessments of the same unit.

The diff lives here so that every view (HTML, Markdown, PDF) only displays it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .catalog import SEVERITIES
from .result import Finding, FindingRef, Result, Stage

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


def finding_identity(f: Finding | FindingRef) -> tuple[str, str | None, tuple[str, ...]]:
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


# ---------------------------------------------------------------- over time: every assessment of a unit


@dataclass(frozen=True)
class TrendPoint:
    """One assessment of a unit, as the trend shows it."""

    assessed_on: str
    stage: Stage
    score: int | None
    worst: str | None
    high: int
    medium: int
    low: int


@dataclass(frozen=True)
class Trend:
    """A unit over two or more assessments, oldest first: each point, and the findings since the first one."""

    points: list[TrendPoint]
    opened: list[Finding]
    closed: list[Finding]
    still_open: list[Finding]
    actions_done: int = 0
    actions: int = 0
    steps_done: int = 0  # steps of the first assessment's plan whose findings are all gone now
    steps: int = 0  # steps of that plan that change the team

    @property
    def first(self) -> TrendPoint:
        """The earliest assessment."""
        return self.points[0]

    @property
    def latest(self) -> TrendPoint:
        """The latest assessment."""
        return self.points[-1]


def by_date(results: Sequence[Result]) -> list[Result]:
    """Results oldest first, one per assessed_on (a later one in the sequence replaces an earlier of the same day)."""
    latest: dict[str, Result] = {}
    for r in results:
        latest[r.assessed_on] = r
    return [latest[day] for day in sorted(latest)]


def trend(results: Sequence[Result]) -> Trend | None:
    """The unit's trend over these results (any order; one per day, the last given wins), or None with fewer than
    two assessment dates. Findings are matched as `compare` matches them; accepted risks count as open."""
    ordered = by_date(results)
    if len(ordered) < 2:
        return None
    points = [TrendPoint(r.assessed_on, r.stage, r.score, r.worst(), r.count("high"), r.count("medium"),
                         r.count("low")) for r in ordered]
    first, latest = ordered[0], ordered[-1]
    pairs, closed, opened = match_findings(first.findings, latest.findings)
    done = sum(1 for a in latest.actions if a.status == "done")
    # A step of the first plan is done when every finding it resolved then is gone now (by id and pod).
    still = {(f.id, f.pod) for f in latest.findings}
    changed = [s for s in first.plan if s.changes and s.resolves]
    steps_done = sum(1 for s in changed if not any((f.id, f.pod) in still for f in s.resolves))
    return Trend(points, opened, closed, [now for _, now in pairs], done, len(latest.actions), steps_done, len(changed))


def history_points(results: Sequence[Result]) -> tuple[TrendPoint, ...]:
    """Each result as a point of the unit's history, oldest first, one per day: what a portfolio keeps of it."""
    return tuple(TrendPoint(r.assessed_on, r.stage, r.score, r.worst(), r.count("high"), r.count("medium"),
                            r.count("low")) for r in by_date(results))
