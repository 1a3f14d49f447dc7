"""From findings to a plan: candidate steps as concrete changes, each verified by assessing the team it makes.

For each open finding, a generator (chosen by the finding's id family) proposes steps in the change
vocabulary of podcheck.changes, naming people, people already in the unit before hires. Every
candidate is applied to a copy of the team and assessed by the same engine; it is kept only if the
findings it claims are gone and no high finding appears (a step may carry its own follow-up: a third
pod comes with a head of integration). Steps are chosen greedily by simulated impact (severity-weighted
findings resolved, stage gained; the cheaper change first among equals) and applied cumulatively.
Findings a roster cannot show (questionnaire answers, backlog figures) become steps without changes.

The search is bounded: candidates are re-assessed lazily (a candidate's last impact is kept until it
could be the best), at most MAX_STEPS structural steps, a few candidates per finding.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .assess import assess
from .catalog import DEFAULT_RUBRIC, ROLES, Rubric, principles, questions
from .changes import (
    Change,
    ChangeError,
    Data,
    add_person,
    edit_person,
    edit_pod,
    move_person,
    set_fact,
    set_role_share,
    split_pod,
    to_items,
)
from .compare import match_findings
from .errors import InputError
from .model import Assessment, Person
from .result import Finding, FindingRef, PlanStep, Projection, Result
from .rules import Registry
from .text import human_list
from .view import PodView, TeamView, team_view

WEIGHT = {"high": 10, "medium": 3, "low": 1}  # a finding resolved (or made) counts this much
STAGE_WEIGHT = 6  # a stage gained counts like more than a medium finding, less than a high one
COST = {"set-role": 1, "edit-person": 1, "edit-pod": 1, "set-fact": 1, "set-answer": 0, "remove-pod": 1,
        "move-person": 2, "add-pod": 3, "split-pod": 3, "remove-person": 4, "add-person": 5}
MAX_STEPS = 20  # structural steps; a plan longer than this is not one a team follows
MAX_FOLLOW_UPS = 2  # new high findings a step may fix within itself
CHANGELESS = ("practice.", "capacity.")  # findings no roster change can show resolved
HIRE_BACKGROUND = {"analyst": "business-analysis", "technologist": "mis", "lead": None}
# A role pairing that raises a dual-role finding; the plan never proposes one.
CLASHES = {"analyst": "technologist", "technologist": "analyst"}

Validate = Callable[[Data], Assessment]


@dataclass(frozen=True)
class Candidate:
    """A proposed step: its changes, the findings it claims to resolve, and how costly it is to do."""

    title: str
    changes: tuple[Change, ...]
    claims: tuple[Finding, ...]

    @property
    def cost(self) -> int:
        """Moves before hires: the sum of each change's cost."""
        return sum(COST[i["do"]] for c in self.changes for i in c.items)

    @property
    def key(self) -> str:
        """The same changes are the same candidate, round after round."""
        return json.dumps(to_items(self.changes), sort_keys=True, default=str)


@dataclass
class State:
    """The team at one point of the plan: file-form data, the model and its assessment."""

    data: Data
    model: Assessment
    result: Result
    hired: frozenset[str] = frozenset()  # people the plan has added so far: hires, not people already there
    _team: TeamView | None = None

    def team(self, rubric: Rubric) -> TeamView:
        """The state's team view, built once."""
        if self._team is None:
            self._team = team_view(self.model, rubric)
        return self._team


@dataclass
class Outcome:
    """A candidate tried on a state: the state it makes, what it resolves and creates, and its gain."""

    candidate: Candidate
    state: State
    resolved: list[Finding]
    gain: float


@dataclass
class Search:
    """A plan and what it took to find: candidate teams assessed, candidates proposed, rounds of the search."""

    steps: list[PlanStep]
    assessed: int = 0
    candidates: int = 0
    rounds: int = 0
    unresolved: list[Finding] = field(default_factory=list)


# ---------------------------------------------------------------- the public entry points


def make_plan(assessment: Assessment, rubric: Rubric | None = None, *, rules: Registry | None = None,
              validate: Validate | None = None, result: Result | None = None) -> list[PlanStep]:
    """The plan for one unit: ordered steps, each verified by assessing the team after it."""
    return search_plan(assessment, rubric, rules=rules, validate=validate, result=result).steps


def with_plan(result: Result, assessment: Assessment, rubric: Rubric | None = None, *,
              rules: Registry | None = None, validate: Validate | None = None) -> Result:
    """`result` (the assessment of `assessment`) with its plan filled in."""
    steps = make_plan(assessment, rubric, rules=rules, validate=validate, result=result)
    return result.model_copy(update={"plan": steps})


def assess_with_plan(assessment: Assessment, rubric: Rubric | None = None, *, rules: Registry | None = None) -> Result:
    """Assess one unit (as podcheck.assess.assess does) and add its plan: the library's and the CLI's result."""
    result = assess(assessment, rubric, rules=rules)
    return with_plan(result, assessment, rubric, rules=rules)


def search_plan(assessment: Assessment, rubric: Rubric | None = None, *, rules: Registry | None = None,
                validate: Validate | None = None, result: Result | None = None) -> Search:
    """The plan and the size of the search behind it (for benchmarks and tests)."""
    return _Planner(rubric or DEFAULT_RUBRIC, rules, validate or Assessment.model_validate).run(assessment, result)


# ---------------------------------------------------------------- the search


class _Planner:
    def __init__(self, rubric: Rubric, rules: Registry | None, validate: Validate) -> None:
        self.rubric = rubric
        self.rules = rules
        self.validate = validate
        self.assessed = 0
        self.generated = 0

    def assess(self, model: Assessment) -> Result:
        self.assessed += 1
        return assess(model, self.rubric, rules=self.rules)

    def run(self, assessment: Assessment, result: Result | None) -> Search:
        data = assessment.to_yaml_dict()
        start = State(data, assessment, result if result is not None else self.assess(assessment))
        state = start
        steps: list[PlanStep] = []
        memo: dict[str, float] = {}
        rounds = 0
        while len(steps) < MAX_STEPS:
            rounds += 1
            best = self._best(state, memo)
            if best is None:
                break
            state = best.state
            steps.append(_step(len(steps) + 1, best, state, self.rubric))
        unresolved = [f for f in state.result.findings if not f.id.startswith(CHANGELESS)]
        steps += _changeless_steps(state, len(steps), self.rubric)
        return Search(steps, self.assessed, self.generated, rounds, unresolved)

    def _best(self, state: State, memo: dict[str, float]) -> Outcome | None:
        """The candidate with the greatest gain on `state`, assessing lazily: a candidate's gain on an
        earlier state (or an optimistic bound) stands in until it could beat the best one assessed."""
        candidates = {c.key: c for c in self.candidates(state)}
        self.generated += len(candidates)
        order = sorted(candidates.values(),
                       key=lambda c: (-memo.get(c.key, _bound(c, self.rubric)), c.cost, c.key))
        best: Outcome | None = None
        for candidate in order:
            if candidate.cost >= COST["add-person"] and all(f.severity == "low" for f in candidate.claims):
                continue  # nobody is hired for a low finding
            estimate = memo.get(candidate.key, _bound(candidate, self.rubric))
            if best is not None and (estimate, -candidate.cost) <= (best.gain, -best.candidate.cost):
                break  # it could at most tie with the best one, which comes first in this order
            outcome = self.verified(state, candidate)
            memo[candidate.key] = outcome.gain if outcome is not None else float("-inf")
            if outcome is None or outcome.gain <= 0:
                continue
            if best is None or (outcome.gain, -candidate.cost) > (best.gain, -best.candidate.cost):
                best = outcome
        return best

    def try_changes(self, state: State, changes: tuple[Change, ...]) -> State | None:
        """The state `changes` make, or None when they cannot be made or leave the unit invalid."""
        data = _copy(state.data)
        try:
            for change in changes:
                change.apply(data)
            model = self.validate(data)
        except (ChangeError, InputError, ValueError):  # pydantic's ValidationError is a ValueError
            return None  # a candidate that cannot be made, or leaves the unit invalid, is simply not a step
        known = {p.name for p in state.model.people}
        hired = state.hired | {p.name for p in model.people if p.name not in known}
        return State(data, model, self.assess(model), frozenset(hired))

    def verified(self, state: State, candidate: Candidate) -> Outcome | None:
        """The candidate's outcome if it resolves what it claims and makes no new high finding, with up to
        MAX_FOLLOW_UPS follow-up changes in the same step for high findings it would otherwise make."""
        after = self.try_changes(state, candidate.changes)
        for _ in range(MAX_FOLLOW_UPS + 1):
            if after is None:
                return None
            pairs, resolved, new = match_findings(state.result.findings, after.result.findings)
            if not _resolves(candidate.claims, resolved):
                return None
            made = _made_high(pairs, new)
            if not made:
                return Outcome(candidate, after, resolved, _gain(state.result, after.result, pairs, resolved, new))
            follow = self._follow_up(after, made[0])
            if follow is None:
                return None
            candidate = Candidate(f"{candidate.title}. {follow.title}", candidate.changes + follow.changes,
                                  candidate.claims)
            after = self.try_changes(state, candidate.changes)
        return None

    def _follow_up(self, after: State, made: Finding) -> Candidate | None:
        """The first candidate that resolves a high finding a step made, tried on the state after the step."""
        for follow in list(_generate(made, after, self.rubric))[:2]:
            fixed = self.try_changes(after, follow.changes)
            if fixed is None:
                continue
            if _resolves((made,), match_findings(after.result.findings, fixed.result.findings)[1]):
                return follow
        return None

    def candidates(self, state: State) -> Iterator[Candidate]:
        """Candidates for every open finding a roster change can resolve."""
        for finding in state.result.findings:
            if not finding.id.startswith(CHANGELESS):
                yield from _generate(finding, state, self.rubric)


def _copy(data: Data) -> Data:
    """A copy of file-form data deep enough for any change to be made on it without touching the original
    (people, pods and their role maps and assignments are copied; the rest is small)."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if k not in ("people", "pods")}
    out["pods"] = [dict(p) for p in data.get("pods", [])]
    people = []
    for person in data.get("people", []):
        person = dict(person)
        if isinstance(person.get("roles"), dict):
            person["roles"] = dict(person["roles"])
        if isinstance(person.get("assignments"), list):
            person["assignments"] = copy.deepcopy(person["assignments"])
        people.append(person)
    out["people"] = people
    return out


def _made_high(pairs: list[tuple[Finding, Finding]], new: list[Finding]) -> list[Finding]:
    """High findings a step makes: new ones, and open ones that became high."""
    return ([f for f in new if f.severity == "high"]
            + [now for old, now in pairs if now.severity == "high" and old.severity != "high"])


def _resolves(claims: tuple[Finding, ...], resolved: list[Finding]) -> bool:
    return all(any(c is r or c == r for r in resolved) for c in claims)


def _gain(before: Result, after: Result, pairs: list[tuple[Finding, Finding]], resolved: list[Finding],
          new: list[Finding]) -> float:
    """Severity-weighted findings resolved less those made (or made worse), and stages gained."""
    gain = sum(WEIGHT[f.severity] for f in resolved) - sum(WEIGHT[f.severity] for f in new)
    gain += sum(WEIGHT[old.severity] - WEIGHT[now.severity] for old, now in pairs)
    return gain + STAGE_WEIGHT * (after.stage.level - before.stage.level)


def _bound(candidate: Candidate, rubric: Rubric) -> float:
    """An optimistic gain for a candidate not yet assessed: what it claims, and a stage more."""
    return sum(WEIGHT[f.severity] for f in candidate.claims) + STAGE_WEIGHT + WEIGHT["medium"]


# ---------------------------------------------------------------- candidate generators, by finding family


Generator = Callable[[Finding, State, TeamView, Rubric], Iterator[Candidate]]
_GENERATORS: dict[str, Generator] = {}


def generates(*prefixes: str) -> Callable[[Generator], Generator]:
    """Register a candidate generator for the findings whose id starts with one of `prefixes`."""

    def register(func: Generator) -> Generator:
        for prefix in prefixes:
            _GENERATORS[prefix] = func
        return func

    return register


def _generate(finding: Finding, state: State, rubric: Rubric) -> Iterator[Candidate]:
    # The longest registered prefix wins: `developer-trap.untrained-technologists` before `developer-trap`.
    prefix = max((p for p in _GENERATORS if finding.id == p or finding.id.startswith(p + ".")
                  or (p.endswith(".") and finding.id.startswith(p))), key=len, default=None)
    if prefix is None:
        return
    yield from _GENERATORS[prefix](finding, state, state.team(rubric), rubric)


def _pod(team: TeamView, name: str | None) -> PodView | None:
    return next((p for p in team.pods if p.name == name), None)


def _spare(person: Person) -> float:
    return round(1 - sum(person.roles.shares().values()), 4)


def _clashes(person: Person, role: str) -> bool:
    """Whether holding `role` too would give the person a dual-role finding."""
    held = set(person.roles.shares())
    return CLASHES.get(role) in held or (held | {role}) >= set(ROLES)


def _fresh_name(model: Assessment, base: str) -> str:
    names = {p.name for p in model.people}
    if base not in names:
        return base
    n = 2
    while f"{base} {n}" in names:
        n += 1
    return f"{base} {n}"


def _reports_to_for(team: TeamView, pod: PodView, role: str) -> str | None:
    """Whom a hire reports to: the head of integration, unless the head leads this very pod (then nobody
    is named, rather than the pod lead managing them)."""
    head = team.head
    if head is None:
        return None
    if role != "lead" and head.name in {p.name for p in pod.holders("lead")}:
        return None
    return head.name


def _hire(team: TeamView, pod: PodView, role: str, share: float = 1.0) -> tuple[Change, str]:
    name = _fresh_name(team.assessment, f"New {role} for {pod.name}")
    change = add_person(name, pod.name, roles={role: share}, background=HIRE_BACKGROUND[role],
                        reports_to=_reports_to_for(team, pod, role),
                        integration_training=True if role == "technologist" else None)
    return change, name


def _cover(team: TeamView, pod: PodView, role: str, *, besides: str | None = None,
           limit: int = 3) -> Iterator[tuple[tuple[Change, ...], str]]:
    """Ways to give `pod` someone in `role`, people already there first: (changes, words), cheapest first.

    `besides` is a person who is giving the role up and so cannot take it."""
    found = 0
    # Someone in the pod with time to spare and no clash.
    for person in sorted(pod.core, key=lambda p: (-_spare(p), p.name)):
        if found >= limit:
            return
        if person.name == besides or role in person.roles.shares() or _clashes(person, role):
            continue
        spare = _spare(person)
        if spare >= 0.2:
            found += 1
            yield ((set_role_share(person.name, role, spare),),
                   f"{person.name} takes the {role} role in {pod.name} ({spare:.0%} of their week)")
    # Someone in the pod who holds a role another core member also holds switches to this one.
    for person in sorted(pod.core, key=lambda p: p.name):
        if found >= limit:
            return
        shares = person.roles.shares()
        if person.name == besides or role in shares or len(shares) != 1:
            continue
        (held, share), = shares.items()
        if any(p.name != person.name and held in p.roles.shares() for p in pod.core):
            found += 1
            yield ((set_role_share(person.name, held, None), set_role_share(person.name, role, share)),
                   f"{person.name} moves from {held} to {role} in {pod.name}")
    # Someone from another pod that has more than one core holder of the role and needs them for nothing else.
    for other in team.pods:
        if other.name == pod.name:
            continue
        holders = other.holders(role)
        if len(holders) < 2:
            continue
        for person in sorted(holders, key=lambda p: (len(p.roles.shares()), -p.roles.shares()[role], p.name)):
            if found >= limit:
                return
            others_cover = all(any(q.name != person.name for q in other.holders(r)) for r in person.roles.shares())
            if person.name != besides and others_cover:
                found += 1
                yield ((move_person(person.name, pod.name),),
                       f"{person.name} moves from {other.name} to {pod.name}")
                break
    change, name = _hire(team, pod, role)
    yield (change,), f"hire {'an' if role[0] in 'aeiou' else 'a'} {role} for {pod.name}"


@generates("roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst")
def _missing_role(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    if pod is None:
        return
    role = finding.id.rsplit("-", 1)[1]
    # A helper who already does the work joins the core.
    for name in finding.people:
        helper = state.model.person(name)
        if helper is not None and role in helper.roles.shares():
            yield Candidate(f"Make {name} a core member of {pod.name} ({role})",
                            (edit_person(name, member="core", owns_deliverables=None),), (finding,))
    for changes, words in _cover(team, pod, role):
        yield Candidate(_sentence(words), changes, (finding,))


@generates("dual-role.analyst-technologist", "dual-role.single-person")
def _dual_role(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    person = state.model.person(finding.people[0]) if finding.people else None
    if pod is None or person is None:
        return
    shares = person.roles.shares()
    # Every dual-role finding about this person in this pod goes with the step: dropping one of analyst and
    # technologist resolves holding both and holding all three at once.
    claims = tuple(f for f in state.result.findings
                   if f.pod == pod.name and f.people == finding.people and f.id.startswith("dual-role."))
    preferred = "analyst" if person.background in ("business-analysis", "business-process") else "technologist"
    for keep in sorted((r for r in ("technologist", "analyst") if r in shares), key=lambda r: r != preferred):
        drop = CLASHES[keep]
        if drop not in shares:
            continue
        # Their time goes to the role they keep; the role they drop needs another holder unless it has one.
        own = (set_role_share(person.name, drop, None),
               set_role_share(person.name, keep, min(1.0, round(shares[keep] + shares[drop], 4))))
        said = f"{person.name} gives up the {drop} role in {pod.name} for more time as {keep}"
        if any(p.name != person.name and drop in p.roles.shares() for p in pod.core):
            yield Candidate(_sentence(f"{said}; the pod's other {drop} covers the rest"), own, claims)
            continue
        for changes, words in _cover(team, pod, drop, besides=person.name, limit=2):
            yield Candidate(_sentence(f"{said}; {words}"), own + changes, claims)


@generates("developer-trap")
def _developer_trap(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    if pod is None:
        return
    untrained = [p.name for p in pod.holders("technologist") if p.integration_training is not True]
    if untrained:
        yield Candidate(_sentence(f"Train {human_list(untrained)} in integration tools and techniques"),
                        tuple(edit_person(n, integration_training=True) for n in untrained), (finding,))


@generates("pod.oversize")
def _oversize(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    if pod is None:
        return
    core, total = len(pod.core), len(pod.core) + len(pod.extended)
    if pod.pod.lead_load == "heavy" and core <= rubric.pod_max_core and total <= pod.total_limit:
        yield Candidate(f"Lighten the load of {pod.name}'s lead so it is normal again",
                        (edit_pod(pod.name, lead_load="normal"),), (finding,))
    if core > pod.core_limit and core >= 4:
        split = _split(team, pod)
        if split is not None:
            yield Candidate(split[1], split[0], (finding,))
    if core <= pod.core_limit and total > pod.total_limit:
        # Too many helpers: the surplus helpers help a pod with room instead.
        surplus = sorted(pod.extended, key=lambda p: p.name)[: total - pod.total_limit]
        rooms = [p for p in team.pods if p.name != pod.name
                 and len(p.core) + len(p.extended) + len(surplus) <= p.total_limit]
        if rooms:
            target = rooms[0].name
            yield Candidate(_sentence(f"{human_list([p.name for p in surplus])} help pod {target} instead"),
                            tuple(move_person(p.name, target) for p in surplus), (finding,))


def _split(team: TeamView, pod: PodView) -> tuple[tuple[Change, ...], str] | None:
    """Split an oversized pod in two whole pods: the second gets one holder of each role the first can spare
    (a hire where it cannot), then people up to half, single-role people first."""
    name = _fresh_pod_name(team, f"{pod.name} 2")
    movers: list[str] = []
    hires: list[Change] = []
    staying = list(pod.core)
    for role in ROLES:
        if any(role in team.assessment.person(m).roles.shares() for m in movers):  # type: ignore[union-attr]
            continue
        holders = [p for p in staying if role in p.roles.shares()]
        spare = [p for p in holders if all(any(q.name != p.name for q in staying if r in q.roles.shares())
                                           for r in p.roles.shares())]
        if spare:
            chosen = sorted(spare, key=lambda p: (len(p.roles.shares()), p.name))[0]
            movers.append(chosen.name)
            staying.remove(chosen)
        else:
            hire = _fresh_name(team.assessment, f"New {role} for {name}")
            hires.append(add_person(hire, name, roles={role: 1.0}, background=HIRE_BACKGROUND[role],
                                    integration_training=True if role == "technologist" else None))
    half = len(pod.core) // 2
    for person in sorted(staying, key=lambda p: (len(p.roles.shares()), p.name)):
        if len(movers) + len(hires) >= half:
            break
        roles = person.roles.shares()
        if all(any(q.name != person.name and r in q.roles.shares() for q in staying) for r in roles):
            movers.append(person.name)
            staying.remove(person)
    if not movers:
        return None
    words = f"Split pod {pod.name}: {human_list(movers)} form pod {name}"
    if hires:
        words += f", with {len(hires)} hire{'s' if len(hires) > 1 else ''} for the roles it lacks"
    projects: tuple[Change, ...] = ()
    if pod.pod.active_projects:
        # The projects are shared out with the people.
        moved = pod.pod.active_projects * (len(movers) + len(hires)) // len(pod.core)
        projects = (edit_pod(pod.name, active_projects=pod.pod.active_projects - moved),
                    edit_pod(name, active_projects=moved))
        words += f"; {moved} of its {pod.pod.active_projects} projects go with them"
    return (split_pod(pod.name, name, movers), *hires, *projects), words


def _fresh_pod_name(team: TeamView, base: str) -> str:
    names = {p.name for p in team.pods}
    n = 2
    name = base
    while name in names:
        n += 1
        name = f"{base.rsplit(' ', 1)[0]} {n}"
    return name


@generates("scaling.no-head-of-integration")
def _no_head(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    # A lead already in the unit first (the one whose pod needs them least: fewest projects, smallest share),
    # then a hire; either way every lead reports to the head from then on.
    leads = sorted(((p, pod) for pod in team.pods for p in pod.holders("lead") if p.name not in state.hired),
                   key=lambda lp: (lp[1].pod.active_projects or 0, -_spare(lp[0]), lp[0].name))
    for lead, pod in leads[:2]:
        yield Candidate(f"Appoint {lead.name} (lead of {pod.name}) head of integration",
                        (set_fact("head_of_integration", lead.name), *_leads_report_to(team, lead.name)), (finding,))
    name = _fresh_name(state.model, "New head of integration")
    yield Candidate(f"Hire a head of integration ({name})",
                    (add_person(name), set_fact("head_of_integration", name), *_leads_report_to(team, name)),
                    (finding,))


def _leads_report_to(team: TeamView, head: str) -> Iterator[Change]:
    for pod in team.pods:
        for lead in pod.holders("lead"):
            if lead.name != head and lead.reports_to not in (None, head):
                yield edit_person(lead.name, reports_to=head)


@generates("scaling.reporting-lines")
def _reporting_lines(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    head = team.head
    if pod is None:
        return
    leads = {p.name for p in pod.holders("lead")}
    if head is None or head.name in leads:
        # Members managed by their own lead, with no head to report to (or the head leads this very pod):
        # a manager outside the pod is needed. Someone already outside every pod first, else a new post.
        movers = [n for n in finding.people if n not in leads]
        if not movers:
            return
        outsiders = sorted(p.name for p in team.assessment.people
                           if p.outside_pods and (head is None or p.name != head.name))
        if outsiders:
            manager, extra = outsiders[0], ()
            title = f"{human_list(movers)} report to {manager}, a manager outside the pod"
        else:
            manager = _fresh_name(team.assessment, f"Line manager for {pod.name}")
            extra = (add_person(manager),)
            title = f"{human_list(movers)} report to a line manager outside pod {pod.name} (a new post)"
        yield Candidate(_sentence(title), (*extra, *(edit_person(n, reports_to=manager) for n in movers)),
                        (finding,))
        return
    changes = tuple(edit_person(n, reports_to=head.name) for n in finding.people if n != head.name)
    if changes:
        yield Candidate(_sentence(f"{human_list(list(finding.people))} report to {head.name}, the head of integration"),
                        changes, (finding,))


@generates("scaling.no-pod-principle")
def _no_principle(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    if finding.pod is not None:
        yield Candidate(f"Organise pod {finding.pod} around a domain and write it down",
                        (edit_pod(finding.pod, focus="domain"),), (finding,))


@generates("lead.too-many-projects")
def _too_many_projects(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    if pod is None or pod.pod.active_projects is None:
        return
    for lead in pod.holders("lead"):
        spare = _spare(lead)
        if spare > 0:
            share = round(lead.roles.shares()["lead"] + spare, 4)
            yield Candidate(f"{lead.name} gives the lead role in {pod.name} {share:.0%} of their week",
                            (set_role_share(lead.name, "lead", share),), (finding,))
    capacity = int(finding.evidence.get("capacity", 0) or 0)
    if capacity > 0:
        yield Candidate(f"Pause projects in {pod.name} down to {capacity} at a time",
                        (edit_pod(pod.name, active_projects=capacity),), (finding,))


@generates("pod.extended-owns-deliverables")
def _helper_owns(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    for name in finding.people:
        yield Candidate(f"Hand {name}'s deliverables in {finding.pod} to a core member",
                        (edit_person(name, owns_deliverables=False),), (finding,))


@generates("roles.thin-coverage")
def _thin(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    pod = _pod(team, finding.pod)
    role = str(finding.evidence.get("role", ""))
    if pod is None or role not in ROLES:
        return
    for person in sorted(pod.holders(role), key=lambda p: (-_spare(p), p.name)):
        share = round(person.roles.shares()[role] + _spare(person), 4)
        if share >= rubric.min_role_share:
            yield Candidate(f"{person.name} gives the {role} role {share:.0%} of their week",
                            (set_role_share(person.name, role, share),), (finding,))
            return


@generates("fundamentals.no-platform")
def _no_platform(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    yield Candidate("Adopt an integration platform (an iPaaS)", (set_fact("context.platform", "ipaas"),), (finding,))


@generates("fundamentals.no-process", "fundamentals.ad-hoc-process")
def _no_process(finding: Finding, state: State, team: TeamView, rubric: Rubric) -> Iterator[Candidate]:
    yield Candidate("Define the integration process: how requests are triaged, built and managed",
                    (set_fact("context.process", "defined"),), (finding,))


# ---------------------------------------------------------------- steps


def _step(number: int, outcome: Outcome, state: State, rubric: Rubric) -> PlanStep:
    """A kept candidate as a plan step: what it resolves, why in plain words, who owns it, the projection."""
    resolved = outcome.resolved
    return PlanStep(
        step=number, title=outcome.candidate.title, why=_why(resolved), owner=_owner(state, resolved, rubric),
        changes=to_items(outcome.candidate.changes), resolves=[_ref(f) for f in resolved],
        projected=_projection(state.result), addresses=[_ref(f) for f in resolved])


def _changeless_steps(state: State, done: int, rubric: Rubric) -> list[PlanStep]:
    """What a roster cannot show: one step per questionnaire or backlog finding, with what to look for."""
    bank = {f"practice.{q.id}": q for q in questions()}
    steps = []
    for finding in state.result.findings:
        if not finding.id.startswith(CHANGELESS):
            continue
        question = bank.get(finding.id)
        look = (f"Ask again: {question.text} A strong answer: {question.high}" if question is not None
                else "Compare the requests added and delivered per quarter again, and the requests still open.")
        steps.append(PlanStep(
            step=done + len(steps) + 1, title=finding.recommendation, why=_why([finding], "No roster change shows"),
            owner=_owner(state, [finding], rubric), changes=[], resolves=[],
            projected=_projection(state.result), addresses=[_ref(finding)], next_time=look))
    return steps


def _why(findings: list[Finding], lead_in: str = "Resolves") -> str:
    titles = principles()
    parts = []
    for f in findings:
        where = f" in pod {f.pod}" if f.pod else ""
        cited = ", ".join(f"{p} {titles.get(p, '')}".strip() for p in f.principles)
        parts.append(f"{f.title}{where} ({f.severity}; {cited})")
    return f"{lead_in}: " + "; ".join(parts) + "." if parts else ""


def _owner(state: State, findings: list[Finding], rubric: Rubric) -> str | None:
    """The lead of the pod the step is about (after it), else the head of integration, else the only lead."""
    team = state.team(rubric)
    pods = {f.pod for f in findings if f.pod}
    for name in sorted(pods):
        pod = _pod(team, name)
        if pod is not None and pod.holders("lead"):
            return max(pod.holders("lead"), key=lambda p: (p.roles.shares()["lead"], p.name)).name
    if team.head is not None:
        return team.head.name
    leads = [p for pod in team.pods for p in pod.holders("lead")]
    return leads[0].name if len(leads) == 1 else None


def _ref(f: Finding) -> FindingRef:
    return FindingRef(id=f.id, pod=f.pod, people=list(f.people))


def _projection(result: Result) -> Projection:
    return Projection(stage=result.stage.id, score=result.score, high=result.count("high"),
                      medium=result.count("medium"), low=result.count("low"))


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


__all__ = ["Search", "assess_with_plan", "make_plan", "search_plan", "with_plan"]
