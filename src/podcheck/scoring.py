"""Findings → scores: each dimension's score and why, the overall score, ranked recommendations, unknowns.

Outcome first, score second: the rules state facts, this module weighs them. A dimension the input
says nothing about is "not assessed", never 0.
"""

from __future__ import annotations

from collections import defaultdict

from .catalog import HORIZON_OF, HORIZONS, SEVERITIES, Rubric, dimensions, questions
from .model import Assessment
from .result import Dimension, Finding, NotAssessed, Recommendation, Stage
from .text import human_list
from .view import TeamView


def _assessable_from_roster(dim: str, a: Assessment) -> str | None:
    """None if the roster speaks to this dimension, else the reason it does not."""
    if dim == "fundamentals" and a.context.platform is None and a.context.process is None:
        return "the file does not say which platform or process the unit uses (context.platform, context.process)"
    if dim == "developer-trap" and not any(
            p.background is not None for p in a.people
            if p.is_core and ({"technologist", "analyst"} & set(p.roles.shares()))):
        # Every check of this dimension reads a technologist's or analyst's background; with none
        # on file, "no problems found" would be a guess.
        return ("the file gives no background for any technologist or analyst "
                "(people[].background), so the developer trap cannot be judged")
    if dim == "value":
        b = a.context.backlog
        if b is None or b.added_per_quarter is None or b.delivered_per_quarter is None:
            return "the file gives no backlog figures (context.backlog.added_per_quarter and delivered_per_quarter)"
    return None


def dimension_scores(
    a: Assessment, findings: list[Finding], rubric: Rubric
) -> tuple[list[Dimension], list[NotAssessed]]:
    """Each dimension's score from the roster's findings and the questionnaire, or why it was not assessed."""
    by_dim: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if not f.id.startswith("practice."):
            by_dim[f.dimension].append(f)
    answers: dict[str, list[int]] = defaultdict(list)
    for q in questions():
        if q.id in a.answers:
            answers[q.dimension].append(a.answers[q.id].score)
    scored, skipped = [], []
    for dim in dimensions().values():
        reason = _assessable_from_roster(dim.id, a)
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
        scored.append(Dimension(
            id=dim.id, name=dim.name, score=score, principles=list(dim.principles),
            summary=_dimension_summary(by_dim[dim.id], roster, from_answers, len(given)),
            roster_score=roster, answers_score=from_answers, answered=len(given), findings=len(by_dim[dim.id]),
        ))
    return scored, skipped


def _dimension_summary(found: list[Finding], roster: int | None, from_answers: int | None, answered: int) -> str:
    if roster is None:
        parts = ["Assessed from the questionnaire only"]
    elif not found:
        parts = ["No problems found in the team's shape"]
    else:
        counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
        listed = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        parts = [f"{len(found)} finding{'s' if len(found) != 1 else ''} ({listed}): {found[0].title.lower()}"
                 + (" and more" if len(found) > 1 else "")]
    if from_answers is not None:
        parts.append(f"{answered} questionnaire answer{'s' if answered != 1 else ''} average {from_answers}/100")
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
        silent = [p.name for pod in team.pods for p in pod.holders("lead") if p.reports_to is None and p != team.head]
        if silent:
            notes.append(f"Reporting lines not given for lead{'s' if len(silent) > 1 else ''} {human_list(silent)}.")
    missing_projects = [p.name for p in team.pods if p.pod.active_projects is None]
    if missing_projects:
        notes.append(f"Active projects not given for pod{'s' if len(missing_projects) > 1 else ''} "
                     f"{human_list(missing_projects)}; the lead workload check was skipped there.")
    if not a.answers:
        notes.append("No questionnaire answers: practices the roster cannot show were not assessed.")
    return notes


def overall_score(dimensions: list[Dimension], findings: list[Finding], rubric: Rubric) -> tuple[int, str]:
    """Weighted mean of the assessed dimensions, capped while serious findings stay open."""
    weights = rubric.dimension_weights
    total_weight = sum(weights.get(d.id, 1) for d in dimensions)
    mean = round(sum(d.score * weights.get(d.id, 1) for d in dimensions) / total_weight) if total_weight else 0
    reason = f"Weighted mean of {len(dimensions)} assessed dimensions"
    for severity in SEVERITIES:
        cap = rubric.score_cap[severity]
        if mean > cap and any(f.severity == severity for f in findings):
            return cap, f"{reason} ({mean}), capped at {cap} while a {severity}-severity finding is open"
    return mean, f"{reason}."
