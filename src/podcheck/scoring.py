"""Findings → scores: each dimension's score and why, the overall score, ranked recommendations, unknowns.

Outcome first, score second: the rules state facts, this module weighs them. A dimension the input
says nothing about is "not assessed", never 0.
"""

from __future__ import annotations

from collections import defaultdict

from .catalog import HORIZON_OF, HORIZONS, SEVERITIES, Rubric, dimensions, questions
from .model import Assessment
from .result import Dimension, Finding, NotAssessed, Recommendation, Stage
from .rules.practice import applies
from .text import human_list
from .view import TeamView, team_view

# The dimensions judged from the people and their pods; the others come from `context`.
_FROM_CONTEXT = ("fundamentals", "value")


def too_little_to_judge(team: TeamView) -> str | None:
    """Why the file gives too little to score the unit, in plain words, or None when it can be scored.

    Too little means no core member of any pod holds a role: there is no team yet, so every
    shape check would pass for want of anyone to check, and a number would only mislead.
    """
    if any(share > 0 for pod in team.pods for share in pod.role_shares.values()):
        return None
    return ("no core member of any pod holds a role, so there is no team to judge yet. "
            "Add each pod's people with their roles (lead, technologist, analyst, as shares of their week) "
            "to get a score")


def _assessable_from_roster(dim: str, a: Assessment, team: TeamView, judgeable: bool) -> str | None:
    """None if the roster speaks to this dimension, else the reason it does not."""
    if not judgeable and dim not in _FROM_CONTEXT:
        return "no core member of any pod holds a role yet, so the team's shape cannot be judged"
    if dim == "developer-trap":
        builders = [p for pod in team.pods for role in ("technologist", "analyst") for p in pod.holders(role)]
        if not any(p.background is not None for p in builders):
            # Every check of this dimension reads a technologist's or analyst's background; with none
            # on file, "no problems found" would be a guess.
            return ("the file gives no background for any technologist or analyst "
                    "(people[].background), so the developer trap cannot be judged")
    if dim == "fundamentals" and a.context.platform is None and a.context.process is None:
        return "the file does not say which platform or process the unit uses (context.platform, context.process)"
    if dim == "value":
        b = a.context.backlog
        if b is None or b.added_per_quarter is None or b.delivered_per_quarter is None:
            return "the file gives no backlog figures (context.backlog.added_per_quarter and delivered_per_quarter)"
    return None


def dimension_scores(
    a: Assessment, findings: list[Finding], rubric: Rubric, team: TeamView | None = None
) -> tuple[list[Dimension], list[NotAssessed]]:
    """Each dimension's score from the roster's findings and the questionnaire, or why it was not assessed."""
    team = team or team_view(a, rubric)
    judgeable = too_little_to_judge(team) is None
    by_dim: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if not f.id.startswith("practice.") and f.counts:  # an accepted risk costs nothing until it expires
            by_dim[f.dimension].append(f)
    answers: dict[str, list[int]] = defaultdict(list)
    for q in questions():
        # An answer to a question that does not apply here (leads coordinating across pods, in a
        # unit of one pod) says nothing about this team, so it scores nothing either.
        if q.id in a.answers and applies(q, team):
            answers[q.dimension].append(a.answers[q.id].score)
    scored, skipped = [], []
    for dim in dimensions().values():
        reason = _assessable_from_roster(dim.id, a, team, judgeable)
        roster = None
        if reason is None:
            roster = max(0, 100 - sum(rubric.severity_penalty[f.severity] for f in by_dim[dim.id]))
        given = answers[dim.id]
        from_answers = round(sum(rubric.answer_scale.points(s) for s in given) / len(given)) if given else None
        parts = [p for p in (roster, from_answers) if p is not None]
        if not parts:
            skipped.append(NotAssessed(id=dim.id, name=dim.name, reason=reason or "nothing in the file speaks to it"))
            continue
        score = round(sum(parts) / len(parts))
        found = by_dim[dim.id] if roster is not None else []
        scored.append(Dimension(
            id=dim.id, name=dim.name, score=score, principles=list(dim.principles),
            summary=_dimension_summary(found, roster, given, rubric),
            roster_score=roster, answers_score=from_answers,
            answers_average=round(sum(given) / len(given), 1) if given else None, answered=len(given),
            findings=len(by_dim[dim.id]),
        ))
    return scored, skipped


def _dimension_summary(found: list[Finding], roster: int | None, given: list[int], rubric: Rubric) -> str:
    if roster is None:
        parts = ["Assessed from the questionnaire only"]
    elif not found:
        parts = ["No problems found in the team's shape"]
    else:
        counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
        listed = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        parts = [f"{len(found)} finding{'s' if len(found) != 1 else ''} ({listed}): {found[0].title.lower()}"
                 + (" and more" if len(found) > 1 else "")]
    if given:
        # People answered on the questionnaire's own scale; say it on that scale, not as points of 100.
        top = rubric.answer_scale.highest
        if len(given) == 1:
            parts.append(f"1 questionnaire answer, {given[0]} of {top}")
        else:
            mean = f"{sum(given) / len(given):.1f}".removesuffix(".0")
            parts.append(f"{len(given)} questionnaire answers, average {mean} of {top}")
    return "; ".join(parts) + "."


def recommendations(findings: list[Finding], stage: Stage) -> list[Recommendation]:
    """One per finding, most urgent first, then what to prepare for the next stage."""
    recs: list[Recommendation] = []
    seen: set[str] = set()
    for f in findings:
        if f.recommendation in seen:
            continue
        seen.add(f.recommendation)
        recs.append(Recommendation(rank=0, horizon=HORIZON_OF[f.severity], text=f.recommendation, finding=f.id,
                                   pod=f.pod, severity=f.severity, principles=f.principles))
    if stage.next is not None:
        for item in stage.next.prepare:
            recs.append(Recommendation(rank=0, horizon=HORIZONS[-1],
                                       text=f"Before becoming “{stage.next.name}”: {item}",
                                       finding=None, pod=None, severity=None, principles=[]))
    for item in stage.ahead:
        recs.append(Recommendation(rank=0, horizon=HORIZONS[-1],
                                   text=f"To keep the {stage.name.lower()} improving: {item}",
                                   finding=None, pod=None, severity=None, principles=[]))
    recs.sort(key=lambda r: HORIZONS.index(r.horizon))  # stable: keeps finding order within a horizon
    return [r.model_copy(update={"rank": i}) for i, r in enumerate(recs, start=1)]


def unknowns(a: Assessment, team: TeamView) -> list[str]:
    """Facts the file leaves unknown that some checks needed: one line each, naming the people."""
    notes = []
    # Everyone in a role whose background is missing, technologists and analysts alike, each once
    # (a person may hold roles in more than one pod) with the roles they hold.
    roles_of: dict[str, list[str]] = {}
    for pod in team.pods:
        for p in pod.core:
            if p.background is None:
                held = roles_of.setdefault(p.name, [])
                held += [r for r in p.roles.shares() if r not in held]
    roles_of = {name: held for name, held in roles_of.items() if held}
    if roles_of:
        named = human_list([f"{name} ({', '.join(held)})" for name, held in roles_of.items()])
        notes.append(f"Background not given for {named}: the developer trap and pod mix checks "
                     "leave them out rather than guess.")
    # Only `integration_training: false` is known-untrained; a blank is neither trained nor untrained.
    unrecorded = list(dict.fromkeys(
        p.name for pod in team.pods for p in pod.holders("technologist")
        if p.background == "software-engineering" and p.integration_training is None))
    if unrecorded:
        who = (f"{unrecorded[0]}, a software engineer doing technologist work" if len(unrecorded) == 1
               else f"{human_list(unrecorded)}, software engineers doing technologist work")
        notes.append(f"Integration training not given for {who}: the developer trap checks count "
                     f"{'them' if len(unrecorded) > 1 else 'this person'} neither as trained nor as untrained.")
    if len(team.pods) >= 2:
        head = team.head.name if team.head else None
        silent = list(dict.fromkeys(p.name for pod in team.pods for p in pod.holders("lead")
                                    if p.reports_to is None and p.name != head))
        if silent:
            notes.append(f"Reporting lines not given for lead{'s' if len(silent) > 1 else ''} {human_list(silent)}.")
    missing_projects = [p.name for p in team.pods if p.pod.active_projects is None]
    if missing_projects:
        notes.append(f"Active projects not given for pod{'s' if len(missing_projects) > 1 else ''} "
                     f"{human_list(missing_projects)}; the lead workload check was skipped there.")
    if not a.answers:
        notes.append("No questionnaire answers: practices the roster cannot show were not assessed.")
    return notes


def overall_score(
    dimensions: list[Dimension], findings: list[Finding], rubric: Rubric, too_little: str | None = None
) -> tuple[int | None, str]:
    """Weighted mean of the assessed dimensions, capped while serious findings are open; None if too little to judge."""
    if too_little is not None:
        return None, f"Not enough facts: {too_little}."
    weights = rubric.dimension_weights
    total_weight = sum(weights.get(d.id, 1) for d in dimensions)
    if not total_weight:
        return None, "Not enough facts: no dimension of the playbook could be assessed from the file."
    mean = round(sum(d.score * weights.get(d.id, 1) for d in dimensions) / total_weight)
    reason = f"Weighted mean of {len(dimensions)} assessed dimension{'s' if len(dimensions) != 1 else ''}"
    for severity in SEVERITIES:
        cap = rubric.score_cap[severity]
        if mean > cap and any(f.severity == severity and f.counts for f in findings):
            return cap, f"{reason} ({mean}), capped at {cap} while a {severity}-severity finding is open."
    return mean, f"{reason}."
