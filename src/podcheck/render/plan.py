"""The plan as a report shows it: steps grouped now / next / later, each change in plain words, and which
step answers which finding, so that every piece of advice is said once.

A step's group follows the most serious finding it works on (high → now, medium → next, low → later);
a step that works on none (rare) goes last. The numbering is the plan's own: groups never reorder it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog import HORIZON_OF, HORIZONS, SEVERITIES, Horizon, labels, questions
from ..compare import finding_identity as _key
from ..result import Finding, FindingRef, PlanStep, Projection, Result
from ..text import human_list


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return labels().words.get(text, text.replace("-", " "))


def _share(value: object) -> str:
    if isinstance(value, (int, float)):
        return "full time" if value >= 1 else f"{float(value):.0%}"
    return str(value)


def _roles(roles: object) -> str:
    if not isinstance(roles, dict) or not roles:
        return ""
    return " and ".join(f"{labels().roles.get(r, r).lower()} ({_share(s)})" for r, s in roles.items())


_FACTS = {
    "head_of_integration": "head of integration",
    "context.platform": "integration platform",
    "context.process": "integration process",
    "context.backlog.open": "open requests",
    "context.backlog.added_per_quarter": "requests added per quarter",
    "context.backlog.delivered_per_quarter": "requests delivered per quarter",
}


def change_words(item: dict[str, Any]) -> str:
    """One contract 5.3 change item as a sentence a head of integration reads ('Ana Ruiz moves to pod ERP')."""
    do = item.get("do")
    person, pod = item.get("person"), item.get("pod")
    in_pod = f" in pod {pod}" if pod else ""
    if do == "add-person":
        roles = _roles(item.get("roles"))
        background = f", from {_word(item['background'])}" if item.get("background") else ""
        if str(item.get("name", "")).startswith("New ") and pod and roles:
            # The plan names its hires "New analyst for CRM": say it as the hire it is.
            return f"Hire a new {roles} for pod {pod}{background}"
        if not pod and not roles and item.get("member") != "extended":
            return f"{item.get('name')}: a new post outside the pods"
        where = f" to pod {pod}" if pod else " outside the pods"
        helper = " as a part-time helper" if item.get("member") == "extended" else ""
        return f"Add {item.get('name')}{where}{helper}{' as ' + roles if roles else ''}{background}"
    if do == "edit-person" and set(item) == {"do", "person", "integration_training"}:
        trained = item["integration_training"]
        return (f"Train {person} as an integration technologist" if trained
                else f"{person}: no integration training" if trained is False
                else f"{person}: integration training not known")
    if do == "edit-person" and set(item) == {"do", "person", "reports_to"}:
        return (f"{person} reports to {item['reports_to']}" if item["reports_to"]
                else f"{person}: reporting line not given")
    if do == "edit-person":
        fields = [f"{k.replace('_', ' ')}: {'not given' if v is None else _word(v)}"
                  for k, v in item.items() if k not in ("do", "person")]
        return f"{person}: {', '.join(fields)}"
    if do == "remove-person":
        return f"{person} leaves the unit"
    if do == "move-person":
        return f"{person} moves to pod {pod}"
    if do == "set-role":
        role = labels().roles.get(str(item.get("role")), str(item.get("role"))).lower()
        share = item.get("share")
        if not share:
            return f"{person} stops acting as {role}{in_pod}"
        if isinstance(share, (int, float)) and share >= 1:
            return f"{person} works full time as {role}{in_pod}"
        return f"{person} gives {_share(share)} of the week to the {role} role{in_pod}"
    if do == "add-pod":
        focus = f", focused on {_word(item['focus'])}" if item.get("focus") else ""
        return f"Start pod {item.get('name')}{focus}"
    if do == "edit-pod":
        fields = [f"{k.replace('_', ' ')}: {'not given' if v is None else _word(v)}"
                  for k, v in item.items() if k not in ("do", "pod")]
        return f"Pod {pod}: {', '.join(fields)}"
    if do == "remove-pod":
        return f"Close pod {pod}"
    if do == "split-pod":
        who = human_list([str(p) for p in item.get("people") or []])
        return f"Split pod {pod}: {who} form the new pod {item.get('new_pod')}"
    if do == "set-fact":
        path, value = str(item.get("path")), item.get("value")
        if path == "head_of_integration":
            return f"{value} becomes head of integration" if value else "No head of integration"
        return f"Set the {_FACTS.get(path, path)} to {_word(value) if value is not None else 'not given'}"
    if do == "set-answer":
        bank = {q.id: q for q in questions()}
        q = bank.get(str(item.get("question")))
        asked = f"“{q.text}”" if q else str(item.get("question"))
        score = item.get("score")
        return f"Answer {asked}: {score} of 5" if score is not None else f"Leave {asked} unanswered"
    return str(do)


@dataclass(frozen=True)
class StepView:
    """One step as a report shows it."""

    step: PlanStep
    horizon: Horizon
    changes: list[str]
    works_on: list[Finding]

    @property
    def anchor(self) -> str:
        """The HTML id of this step."""
        return f"step-{self.step.step}"


@dataclass(frozen=True)
class PlanView:
    """The whole plan for a report: steps in order and by horizon, and which step answers each finding."""

    steps: list[StepView]
    findings: list[Finding]
    _step_of: dict[tuple[str, str | None, tuple[str, ...]], StepView]
    _anchors: dict[tuple[str, str | None, tuple[str, ...]], str]

    def by_horizon(self, horizon: str) -> list[StepView]:
        """The steps of one horizon, in plan order."""
        return [s for s in self.steps if s.horizon == horizon]

    def unplanned(self, horizon: str) -> list[Finding]:
        """Findings of this horizon that no step works on: their card keeps its own recommendation."""
        return [f for f in self.findings
                if f.counts and HORIZON_OF[f.severity] == horizon and _key(f) not in self._step_of]

    @property
    def summary(self) -> str:
        """Where the plan leads, in one sentence (without the figures, which the templates format)."""
        n = len(self.steps)
        if self.changed == 0:
            return f"{n} step{'s' if n != 1 else ''} in the plan, none of which changes the team's shape"
        tried = "it was" if self.changed == 1 else f"each of the {self.changed} that change the team was"
        return f"{n} step{'s' if n != 1 else ''} in the plan; {tried} tried on a copy of the team and assessed again"

    def step_for(self, finding: Finding) -> StepView | None:
        """The first step that works on this finding, if any."""
        return self._step_of.get(_key(finding))

    def anchor(self, finding: Finding | FindingRef) -> str:
        """The HTML id of a finding's card (unique even when one rule fires in two pods)."""
        return self._anchors.get(_key(finding), "findings")

    @property
    def first(self) -> list[StepView]:
        """The first three steps: where to start."""
        return self.steps[:3]

    @property
    def reach(self) -> Projection | None:
        """Where the team stands once every step with changes is done."""
        changed = [s.step for s in self.steps if s.step.changes]
        return changed[-1].projected if changed else None

    @property
    def changed(self) -> int:
        """How many steps change the team (the others are practices to adopt)."""
        return sum(1 for s in self.steps if s.step.changes)


def plan_view(result: Result) -> PlanView:
    """Group the result's plan and link it to the findings."""
    findings = {_key(f): f for f in result.findings}
    anchors = {_key(f): f"finding-{i}" for i, f in enumerate(result.findings, start=1)}
    steps, step_of = [], {}
    for step in result.plan:
        works_on = [findings[k] for k in map(_key, step.addresses or step.resolves) if k in findings]
        worst = min((SEVERITIES.index(f.severity) for f in works_on), default=None)
        horizon = HORIZON_OF[SEVERITIES[worst]] if worst is not None else HORIZONS[-1]
        view = StepView(step, horizon, [change_words(c) for c in step.changes], works_on)
        steps.append(view)
        for f in works_on:
            step_of.setdefault(_key(f), view)
    return PlanView(steps, list(result.findings), step_of, anchors)
