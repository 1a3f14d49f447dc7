"""The typed model of one assessment file (contract §1). Validation of shape only; no logic."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from .catalog import DEFAULT_RUBRIC, ROLES, RoleName, StageId
from .text import free_text_problem, name_problem

SCHEMA = "podcheck/1"

Platform = Literal["ipaas", "embedded-ipaas", "in-house", "none"]
Process = Literal["none", "ad-hoc", "defined"]
Focus = Literal["domain", "difficulty", "bespoke", "support", "none"]
LeadLoad = Literal["normal", "heavy"]
Background = Literal[
    "software-engineering",
    "mis",
    "business-analysis",
    "business-process",
    "solution-engineering",
    "other",
]
Membership = Literal["core", "extended"]
HelpsAs = Literal["sme", "software-engineering", "qa"]

# The choices each field allows, read from the types above so that no list is typed twice (the roles
# come from the catalog's terms, with the other words code branches on).
PLATFORMS: tuple[Platform, ...] = get_args(Platform)
PROCESSES: tuple[Process, ...] = get_args(Process)
FOCUS: tuple[Focus, ...] = get_args(Focus)
LEAD_LOAD: tuple[LeadLoad, ...] = get_args(LeadLoad)
BACKGROUNDS: tuple[Background, ...] = get_args(Background)
MEMBERSHIP: tuple[Membership, ...] = get_args(Membership)
HELPS_AS: tuple[HelpsAs, ...] = get_args(HelpsAs)


def _not_true_false(value: object) -> object:
    # YAML reads `lead: yes` as true, which pydantic would quietly turn into 1.0.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {'true' if value else 'false'}")
    return value


def _plain_name(value: str) -> str:
    # A name reaches terminals, Markdown and error lines: one line of visible text, nothing that
    # moves the cursor, forges a line or heading, or reorders the text around it.
    problem = name_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _free_text(value: str) -> str:
    problem = free_text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_name)]
FreeText = Annotated[str, AfterValidator(_free_text)]
Share = Annotated[float, Field(gt=0, le=1), BeforeValidator(_not_true_false)]
Count = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_not_true_false)]


class Strict(BaseModel):
    """Base for every input model: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Backlog(Strict):
    """Integration requests waiting, and how fast they arrive and leave."""

    open: Count | None = None
    added_per_quarter: Count | None = None
    delivered_per_quarter: Count | None = None


class Context(Strict):
    """Facts about platform, process and backlog; anything omitted is unknown."""

    platform: Platform | None = Field(None, description="How integrations are built: an iPaaS, an embedded iPaaS, "
                                                        "in-house tooling, or none.")
    process: Process | None = Field(None, description="How requests are triaged, built and managed.")
    backlog: Backlog | None = None


class Pod(Strict):
    """A small autonomous team that owns a problem area (P1)."""

    name: Name
    focus: Focus | None = Field(None, description="The principle the pod is organised by (P14).")
    lead_load: LeadLoad = Field("normal", description="heavy caps the pod at 6 core members instead of 8 (P10).")
    active_projects: Count | None = Field(None, description="Integration projects the pod is working on now.")


class Roles(Strict):
    """Share of one person's time given to each role, each in (0, 1]."""

    lead: Share | None = Field(None, description="Share of the week coordinating the pod, in (0, 1].")
    technologist: Share | None = Field(None, description="Share of the week building integrations, in (0, 1].")
    analyst: Share | None = Field(None, description="Share of the week on requirements and mappings, in (0, 1].")

    @model_validator(mode="after")
    def _total_at_most_one(self) -> Roles:
        total = sum(self.shares().values())
        if total > 1 + 1e-9:
            raise ValueError(f"role shares add up to {total:g}; one person's shares must total at most 1")
        return self

    def shares(self) -> dict[RoleName, float]:
        """The roles this person holds, with their share of time."""
        return {role: share for role in ROLES if (share := getattr(self, role)) is not None}


class Assignment(Strict):
    """One pod a person in several pods works in, with the roles they hold there."""

    pod: Name = Field(description="The pod's name (one of `pods`).")
    roles: Roles = Field(default_factory=Roles, description="Share of the person's week per role in this pod.")
    member: Membership = Field("core", description="core (default) or extended: a part-time helper in this pod.")


class Person(Strict):
    """Someone in the unit: a pod member, a part-time helper, the head of integration, or someone outside
    every pod (a line manager, a sponsor) whom others may report to."""

    name: Name
    pod: Name | None = Field(None, description="The pod this person works in; omitted for someone outside every "
                                               "pod and for a person in several pods (see `assignments`).")
    roles: Roles = Field(default_factory=Roles, description="Share of the person's week per role, in their pod.")
    assignments: Annotated[list[Assignment], Field(min_length=1)] | None = Field(
        None, description="For a person in several pods, instead of `pod` and `roles`: one entry per pod.")
    background: Background | None = Field(None, description="The person's professional background.")
    reports_to: Name | None = Field(None, description="The name of the person this one reports to.")
    integration_training: StrictBool | None = Field(
        None, description="Has had tools and learning for the technologist role.")
    member: Membership = Field("core", description="core (default) or extended: a part-time helper (P11).")
    helps_as: HelpsAs | None = Field(None, description="What a part-time helper brings (extended members only).")
    owns_deliverables: StrictBool | None = Field(None, description="A part-time helper owns deliverables.")

    @model_validator(mode="after")
    def _pod_or_assignments(self) -> Person:
        if self.assignments is None:
            return self
        if self.pod is not None or self.roles.shares():
            raise ValueError("has both `pod` and `assignments`: a person in one pod has `pod` and `roles`; "
                             "a person in several pods has only `assignments`, one entry per pod")
        if "member" in self.model_fields_set:
            raise ValueError("has both `member` and `assignments`: with assignments, give `member` in each "
                             "assignment it applies to")
        total = round(sum(sum(a.roles.shares().values()) for a in self.assignments), 6)
        if total > 1 + 1e-9:
            raise ValueError(f"{self.name}'s role shares across assignments add up to {total:g}; "
                             "one person's shares must total at most 1")
        return self

    @property
    def is_core(self) -> bool:
        """True for a core pod member (the default), False for a part-time helper."""
        return self.member == "core"

    def placements(self) -> list[Assignment]:
        """The pods this person works in, each with the roles held there; none for someone outside every pod."""
        if self.assignments is not None:
            return list(self.assignments)
        if self.pod is None:
            return []
        return [Assignment(pod=self.pod, roles=self.roles, member=self.member)]

    def in_pod(self, pod: str) -> Person | None:
        """This person as a member of `pod`: their pod, roles and membership there (None if not in it)."""
        if self.assignments is None:
            return self if self.pod == pod else None
        place = next((a for a in self.assignments if a.pod == pod), None)
        if place is None:
            return None
        return self.model_copy(update={"pod": place.pod, "roles": place.roles, "member": place.member,
                                       "assignments": None})

    def role_totals(self) -> dict[RoleName, float]:
        """Each role this person holds anywhere, with their share of time summed over their pods."""
        totals: dict[RoleName, float] = {}
        for place in self.placements():
            for role, share in place.roles.shares().items():
                totals[role] = round(totals.get(role, 0.0) + share, 6)
        return totals

    @property
    def outside_pods(self) -> bool:
        """True for someone in no pod: a line manager, a sponsor, or a head of integration without a pod."""
        return not self.placements()


class Answer(Strict):
    """A questionnaire answer on the rubric's answer scale (1..5), with an optional note."""

    score: Annotated[int, Field(ge=DEFAULT_RUBRIC.answer_scale.lowest, le=DEFAULT_RUBRIC.answer_scale.highest)]
    note: FreeText | None = None


def _iso_date(value: object) -> object:
    # Accept only ISO dates (2026-11-20), not pydantic's lenient timestamps.
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date like 2026-11-20, without a time")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20") from None
    if not isinstance(value, dt.date):
        raise ValueError("must be a date like 2026-11-20")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]
ActionStatus = Literal["open", "done", "dropped"]
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
FindingId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9.-]*$")]


class FindingRef(Strict):
    """A finding named by its id and, for a finding about one pod, that pod (null or omitted: any pod)."""

    id: FindingId = Field(description="A finding id, as `podcheck rules` lists them.")
    pod: Name | None = Field(None, description="The pod the finding is about; omitted for any pod or the whole unit.")


def _ref_shorthand(value: object) -> object:
    # `findings: [developer-trap]` is shorthand for `[{id: developer-trap}]`.
    if isinstance(value, list):
        return [{"id": v} if isinstance(v, str) else v for v in value]
    return value


class Action(Strict):
    """Something the team agreed to do, with who does it and by when: written by hand or taken from a plan step."""

    title: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_plain_name)] = Field(
        description="What will be done, in a line.")
    owner: Name | None = Field(None, description="Who sees it done (a person's name; need not be in `people`).")
    due: Date | None = Field(None, description="When it should be done by (YYYY-MM-DD).")
    status: ActionStatus = Field("open", description="open (default), done or dropped.")
    findings: Annotated[list[FindingRef], BeforeValidator(_ref_shorthand)] = Field(
        default_factory=list, description="The findings it should resolve: {id, pod} each, or a bare id.")
    from_step: Annotated[int, Field(ge=1, le=1000), BeforeValidator(_not_true_false)] | None = Field(
        None, description="The number of the plan step it was accepted from, if any.")
    note: FreeText | None = None


class AcceptedRisk(Strict):
    """A finding the unit has decided to live with for a while: shown as accepted, left out of the score until
    it expires."""

    id: FindingId = Field(description="The finding id accepted.")
    pod: Name | None = Field(None, description="The pod it is about; omitted for a unit-wide finding or any pod.")
    reason: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_free_text)] = Field(
        description="Why it is accepted.")
    expires: Date = Field(description="The last day the acceptance holds (YYYY-MM-DD); from the day after, the "
                                      "finding counts again.")

    def covers(self, finding_id: str, pod: str | None) -> bool:
        """Whether this acceptance is about that finding."""
        return self.id == finding_id and (self.pod is None or self.pod == pod)


class Assessment(Strict):
    """One unit's self-description: the whole assessment file."""

    schema_: Literal["podcheck/1"] = Field(alias="schema")
    organization: Name
    unit: Name
    assessed_on: dt.date
    head_of_integration: Name | None = Field(None, description="The name of a person in `people`, or omitted.")
    context: Context = Field(default_factory=Context)
    pods: Annotated[list[Pod], Field(min_length=1)]
    people: list[Person]
    answers: dict[str, Answer] = Field(default_factory=dict, description="Questionnaire answers by question id "
                                       "(`podcheck questions`): a score 1..5, or {score, note}.")
    target_stage: StageId | None = Field(None, description="The stage the unit aims for (a stage id, e.g. "
                                         "multi-pod); the portfolio shows the gap.")
    division: Name | None = Field(None, description="The part of the organisation the unit belongs to; the "
                                  "portfolio rolls units up by it.")
    actions: list[Action] = Field(default_factory=list, description="What the team agreed to do, each with an "
                                  "owner, a due date and a status; reviewed at the next assessment.")
    accepted_risks: list[AcceptedRisk] = Field(
        default_factory=list, description="Findings accepted for a while, with a reason and an expiry date.")
    responses: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(
        None, description="A survey's responses (.csv or .xlsx, one anonymous row per respondent; `podcheck "
                          "survey` writes the form), relative to this file and inside its folder.")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @field_validator("assessed_on", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        return _iso_date(value)

    @field_validator("answers", mode="before")
    @classmethod
    def _plain_scores(cls, value: object) -> object:
        # `overlap-technology: 4` is shorthand for `{score: 4}`.
        if isinstance(value, dict):
            return {k: ({"score": v} if isinstance(v, int) and not isinstance(v, bool) else v)
                    for k, v in value.items()}
        return value

    def person(self, name: str) -> Person | None:
        """The person with this name, if any."""
        return next((p for p in self.people if p.name == name), None)

    def placed_people(self) -> list[Person]:
        """Everyone as they are in each pod they work in (a person in two pods twice), in file order; people
        outside every pod as they are. What a table of the roster shows, one row per person and pod."""
        rows: list[Person] = []
        for person in self.people:
            placed = [person.in_pod(place.pod) for place in person.placements()]
            rows += [p for p in placed if p is not None] or [person]
        return rows

    def members(self, pod: str) -> list[Person]:
        """The people working in `pod`, each seen with their roles and membership in that pod, in file order."""
        return [m for p in self.people if (m := p.in_pod(pod)) is not None]

    def to_yaml_dict(self) -> dict:
        """A plain dict in file order and form, omitting unknowns, ready for yaml.safe_dump."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for key in ("answers", "actions", "accepted_risks"):
            if not data.get(key):
                data.pop(key, None)
        for action in data.get("actions", []):
            if action.get("status") == "open":
                action.pop("status")
            if not action.get("findings"):
                action.pop("findings", None)
        if not data.get("context"):
            data.pop("context", None)
        for person in data["people"]:
            if not person.get("roles"):
                person.pop("roles", None)
            if person.get("member") == "core":
                person.pop("member")
            for place in person.get("assignments") or []:
                if place.get("member") == "core":
                    place.pop("member")
                if not place.get("roles"):
                    place.pop("roles", None)
        for pod in data["pods"]:
            if pod.get("lead_load") == "normal":
                pod.pop("lead_load")
        return data
