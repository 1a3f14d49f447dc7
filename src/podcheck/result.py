"""The result object (contract §3): what an assessment returns, and what every view renders."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .catalog.terms import SEVERITIES, STAGE_IDS, Horizon, Severity, StageId

Score = Annotated[int, Field(ge=0, le=100)]


class Out(BaseModel):
    """Base for result models: fixed fields, stable JSON."""

    model_config = ConfigDict(extra="forbid")


class NextStage(Out):
    """The stage after this one and what the team must prepare to reach it."""

    level: int
    id: str
    name: str
    prepare: list[str]


class Stage(Out):
    """Where the team is on the scaling ladder (domain.md's table)."""

    level: Annotated[int, Field(ge=0, le=len(STAGE_IDS) - 1)]
    id: StageId
    name: str
    summary: str
    next: NextStage | None = None
    ahead: list[str] = Field(
        default_factory=list,
        description="At the top stage, what keeps the program improving; empty below it, where next.prepare applies.")


class Dimension(Out):
    """One scored area of the playbook, with a one-line reason for its score."""

    id: str
    name: str
    score: Score
    summary: str
    principles: list[str]
    roster_score: Score | None = Field(
        None, description="Score from the team's shape alone, or null where the roster says nothing about it.")
    answers_score: Score | None = Field(
        None, description="Score from questionnaire answers (0..100), or null when none were given.")
    answers_average: float | None = Field(
        None, description="The answers' mean on the questionnaire's own scale (1..5), as people gave them; "
                          "null when none were given.")
    answered: int = 0
    findings: int = 0


class NotAssessed(Out):
    """A dimension the input says nothing about: unknown, which is not the same as 0."""

    id: str
    name: str
    reason: str


class Acceptance(Out):
    """A finding the unit accepted for a while (the assessment file's `accepted_risks`)."""

    reason: str
    expires: str = Field(description="The last day the acceptance holds (YYYY-MM-DD).")
    expired: bool = Field(description="True once the assessment date is past `expires`: the finding counts again "
                                      "and is flagged as back.")


class Finding(Out):
    """One fact about the team that departs from the playbook, with evidence and what to do."""

    id: str
    severity: Severity
    pod: str | None
    people: list[str]
    principles: list[str]
    title: str
    message: str
    recommendation: str
    dimension: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    accepted: Acceptance | None = Field(
        None, description="Set when the file accepts this finding as a risk: until it expires the finding is shown "
                          "as accepted and counts in no score, band or count.")

    @property
    def counts(self) -> bool:
        """Whether the finding counts against the unit: not accepted, or accepted and expired."""
        return self.accepted is None or self.accepted.expired


class Recommendation(Out):
    """One thing to do, ranked; `now` for high findings, `next` for medium, `later` for low and stage preparation."""

    rank: int
    horizon: Horizon
    text: str
    finding: str | None
    pod: str | None
    severity: Severity | None
    principles: list[str]


class PodSummary(Out):
    """A pod's shape: members, limits and how much of each role it has."""

    name: str
    focus: str | None
    lead_load: str
    active_projects: int | None
    core: int
    extended: int
    core_limit: int
    total_limit: int
    role_shares: dict[str, float]
    complete: bool


class Outlook(Out):
    """Where the backlog is heading, from the figures given."""

    open: int | None
    added_per_quarter: int
    delivered_per_quarter: int
    net_per_quarter: int
    quarters_to_clear: float | None
    extra_delivery_to_stabilise: int
    trend: Literal["shrinking", "steady", "growing"]


class Assessed(Out):
    """How much of the playbook the file let podcheck judge: what stands behind the score."""

    dimensions: int = Field(ge=0, description="Dimensions assessed: scored from the roster or the questionnaire.")
    of: int = Field(ge=0, description="All dimensions of the playbook, assessed or not.")
    unknowns: int = Field(
        0, ge=0,
        description="How many gaps the file leaves in the facts some checks needed: one per entry of `unknowns` "
                    "(an entry may cover several people or pods, e.g. every person whose background is missing).")


class FindingRef(Out):
    """A finding named by its rule and pod (and, where it helps tell two apart, its people)."""

    id: str
    pod: str | None
    people: list[str] = Field(default_factory=list)


class Projection(Out):
    """The unit as assessed once every plan step up to this one is done."""

    stage: StageId
    score: Score | None
    high: int
    medium: int
    low: int


class PlanStep(Out):
    """One step of the plan (contract 5.2): concrete changes, verified by assessing the team they make."""

    step: int
    title: str
    why: str
    owner: str | None
    changes: list[dict[str, Any]] = Field(
        description="The step's changes as `podcheck what-if` CHANGES items (contract 5.3); empty for a practice.")
    resolves: list[FindingRef] = Field(description="The findings that are gone once this step is done.")
    projected: Projection
    addresses: list[FindingRef] = Field(
        default_factory=list, description="The findings this step works on: those it resolves, or the practice "
        "or figures a roster change cannot show.")
    next_time: str | None = Field(None, description="For a step without changes: what to look for next time.")


class TargetRef(Out):
    """A finding an action aims to resolve, and whether it is still open in this assessment."""

    id: str
    pod: str | None
    open: bool


class ActionReview(Out):
    """One of the file's actions as this assessment finds it: done, overdue, and whether its findings are gone."""

    title: str
    owner: str | None
    due: str | None
    status: Literal["open", "done", "dropped"]
    overdue: bool = Field(description="Still open and its due date is before the assessment date.")
    from_step: int | None
    findings: list[TargetRef]
    resolved: bool | None = Field(
        description="True when every finding it targets is gone, false when any is still open, null when it names "
                    "none.")


class SurveyQuestion(Out):
    """One question as the unit's members answered it alone, anonymously (contract 5.5)."""

    id: str
    n: int = Field(ge=0, description="How many respondents answered it.")
    median: int | None = Field(
        description="The middle answer (the lower of the two middle ones when n is even, so always an answer "
                    "someone gave); null when not shown.")
    min: int | None = Field(description="The lowest answer; null when not shown.")
    max: int | None = Field(description="The highest answer; null when not shown.")
    shown: bool = Field(description="False when fewer than 3 answered: to keep answers anonymous the question "
                                    "is neither shown nor scored.")
    disagree: bool = Field(
        False, description="The team disagrees: answers 3 or more points apart (max - min >= 3). Shown beside "
                           "the median, never averaged away.")
    answer: int | None = Field(None, description="The answer the assessment file gives (the room's consensus), "
                                                 "or null.")
    used: Literal["file", "survey"] | None = Field(
        None, description="Which answer is scored: the file's where it gives one, else the survey's median when "
                          "shown; null when neither.")


class Survey(Out):
    """The team's own answers from a survey: how many answered, and each question's spread."""

    respondents: int = Field(ge=0, description="Rows with at least one answer.")
    questions: list[SurveyQuestion]


class Result(Out):
    """Everything an assessment concludes about one unit."""

    schema_: Literal["podcheck/1"] = Field("podcheck/1", alias="schema")
    podcheck_version: str
    organization: str
    unit: str
    assessed_on: str
    stage: Stage
    score: Score | None = Field(
        description="Weighted mean of the assessed dimensions (capped while serious findings are open), or null "
                    "when the file gives too little to judge: no core member of any pod holds a role.")
    score_reason: str
    assessed: Assessed
    dimensions: list[Dimension]
    not_assessed: list[NotAssessed]
    findings: list[Finding]
    recommendations: list[Recommendation]
    pods: list[PodSummary]
    outlook: Outlook | None
    unknowns: list[str] = Field(description="Facts the input leaves unknown, so some checks could not be made.")
    plan: list[PlanStep] = Field(
        default_factory=list, description="What to do, in order, each step verified by assessing its outcome.")
    target_stage: StageId | None = Field(None, description="The stage the unit aims for, from the file.")
    division: str | None = Field(None, description="The part of the organisation the unit belongs to, from the file.")
    actions: list[ActionReview] = Field(default_factory=list, description="The file's actions, reviewed.")
    survey: Survey | None = Field(None, description="The team's survey answers, when a responses file was given.")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data, keys as the contract names them."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text (contract §3)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Result:
        """Read a result back from its JSON text."""
        return cls.model_validate_json(text)

    def count(self, severity: Severity) -> int:
        """How many findings of this severity count against the unit (an accepted risk, until it expires, does not)."""
        return sum(1 for f in self.findings if f.severity == severity and f.counts)

    def worst(self, dimension: str | None = None) -> Severity | None:
        """The most serious severity among the open findings that count (of one dimension, when given), or None."""
        found = {f.severity for f in self.findings if f.counts and (dimension is None or f.dimension == dimension)}
        return next((s for s in SEVERITIES if s in found), None)
