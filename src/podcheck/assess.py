"""Model + rubric → Result: the stage and the sorted findings here, scores from scoring.py, assembled."""

from __future__ import annotations

from . import __version__
from .catalog import DEFAULT_RUBRIC, SEVERITIES, Rubric, stages
from .model import ROLES, Assessment
from .result import (
    Acceptance,
    ActionReview,
    Assessed,
    Finding,
    NextStage,
    Outlook,
    PodSummary,
    Result,
    Stage,
    TargetRef,
)
from .rules import Hit, Registry, RuleMeta, registry
from .scoring import dimension_scores, overall_score, recommendations, too_little_to_judge, unknowns
from .view import TeamView, team_view


def stage_level(team: TeamView, rubric: Rubric) -> int:
    """Where the team stands on the ladder; health problems never lower it."""
    if not team.complete_pods:
        return 0
    if len(team.pods) >= 2:
        return 4 if team.head is not None else 3
    only = team.pods[0]
    return 1 if len(only.core) <= rubric.minimum_viable_max_core else 2


def _stage(level: int, assessment: Assessment, rubric: Rubric) -> Stage:
    ladder = stages()
    current = ladder[level]
    # What the team already does well (a strong answer to the item's question) is not advice any more.
    strong = rubric.answer_scale.highest - 1
    prepare = [item.text for item in current.prepare
               if item.done_when is None or (a := assessment.answers.get(item.done_when)) is None or a.score < strong]
    if level + 1 < len(ladder):
        nxt = ladder[level + 1]
        upcoming = NextStage(level=nxt.level, id=nxt.id, name=nxt.name, prepare=prepare)
        return Stage(level=level, id=current.id, name=current.name, summary=current.summary, next=upcoming)
    # The top of the ladder is not the end: its list says what keeps the program improving.
    return Stage(level=level, id=current.id, name=current.name, summary=current.summary, ahead=prepare)


def _finding(hit: Hit, meta: RuleMeta) -> Finding:
    title, message, recommendation = meta.wording(hit)
    return Finding(
        id=hit.id,
        severity=hit.severity or meta.severity,
        pod=hit.pod,
        people=list(hit.people),
        principles=meta.principles,
        title=title,
        message=message,
        recommendation=recommendation,
        dimension=meta.dimension,
        evidence=hit.evidence,
    )


def sort_key(f: Finding) -> tuple:
    """Contract order: severity, then pod (organisation-wide first), then id; people break ties."""
    return (SEVERITIES.index(f.severity), f.pod is not None, f.pod or "", f.id, f.people)


def _pods(team: TeamView) -> list[PodSummary]:
    return [
        PodSummary(name=p.name, focus=p.pod.focus, lead_load=p.pod.lead_load, active_projects=p.pod.active_projects,
                   core=len(p.core), extended=len(p.extended), core_limit=p.core_limit, total_limit=p.total_limit,
                   role_shares={r: p.role_shares[r] for r in ROLES}, complete=p.complete)
        for p in team.pods
    ]


def backlog_outlook(a: Assessment) -> Outlook | None:
    """Quarters until the backlog clears, or how fast it grows, from the figures given."""
    b = a.context.backlog
    if b is None or b.added_per_quarter is None or b.delivered_per_quarter is None:
        return None
    net = b.added_per_quarter - b.delivered_per_quarter
    clear = None
    if net < 0 and b.open is not None:
        clear = round(b.open / -net, 1)
    trend = "growing" if net > 0 else "shrinking" if net < 0 else "steady"
    return Outlook(open=b.open, added_per_quarter=b.added_per_quarter, delivered_per_quarter=b.delivered_per_quarter,
                   net_per_quarter=net, quarters_to_clear=clear, extra_delivery_to_stabilise=max(net, 0), trend=trend)


def accept_risks(findings: list[Finding], a: Assessment) -> list[Finding]:
    """Mark the findings the file accepts as risks; an acceptance past its expiry (relative to assessed_on) is kept,
    flagged as expired, and the finding counts again."""
    if not a.accepted_risks:
        return findings
    marked = []
    for f in findings:
        risk = next((r for r in a.accepted_risks if r.covers(f.id, f.pod)), None)
        if risk is not None:
            f = f.model_copy(update={"accepted": Acceptance(
                reason=risk.reason, expires=risk.expires.isoformat(), expired=a.assessed_on > risk.expires)})
        marked.append(f)
    return marked


def review_actions(a: Assessment, findings: list[Finding]) -> list[ActionReview]:
    """Each action of the file as this assessment finds it: overdue when still open past its due date, and
    whether the findings it targets are still raised."""
    reviews = []
    for action in a.actions:
        targets = [TargetRef(id=ref.id, pod=ref.pod,
                             open=any(f.id == ref.id and (ref.pod is None or f.pod == ref.pod) for f in findings))
                   for ref in action.findings]
        reviews.append(ActionReview(
            title=action.title, owner=action.owner, due=action.due.isoformat() if action.due else None,
            status=action.status, overdue=action.status == "open" and action.due is not None
            and action.due < a.assessed_on, from_step=action.from_step, findings=targets,
            resolved=not any(t.open for t in targets) if targets else None))
    return reviews


def assess(assessment: Assessment, rubric: Rubric | None = None, *, rules: Registry | None = None) -> Result:
    """Assess one unit against the playbook (or `rules`, e.g. extended with a team's own); pure."""
    rubric = rubric or DEFAULT_RUBRIC
    team = team_view(assessment, rubric)
    findings = sorted((_finding(h, m) for h, m in (rules or registry()).run(team, rubric)), key=sort_key)
    findings = accept_risks(findings, assessment)
    stage = _stage(stage_level(team, rubric), assessment, rubric)
    scored, not_assessed = dimension_scores(assessment, findings, rubric, team)
    overall, reason = overall_score(scored, findings, rubric, too_little_to_judge(team))
    gaps = unknowns(assessment, team)
    return Result(
        podcheck_version=__version__,
        organization=assessment.organization,
        unit=assessment.unit,
        assessed_on=assessment.assessed_on.isoformat(),
        stage=stage,
        score=overall,
        score_reason=reason,
        assessed=Assessed(dimensions=len(scored), of=len(scored) + len(not_assessed), unknowns=len(gaps)),
        dimensions=scored,
        not_assessed=not_assessed,
        findings=findings,
        recommendations=recommendations(findings, stage),
        pods=_pods(team),
        outlook=backlog_outlook(assessment),
        unknowns=gaps,
        target_stage=assessment.target_stage,
        division=assessment.division,
        actions=review_actions(assessment, findings),
    )
