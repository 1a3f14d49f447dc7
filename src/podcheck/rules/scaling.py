"""P12, P13, P14: several pods need a head of integration, clear reporting lines and a principle."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..text import human_list
from ..view import TeamView
from . import Hit, rule


@rule("scaling.no-head-of-integration")
def no_head(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Several pods and nobody accountable for all of them."""
    pods = len(team.pods)
    if team.head is None and pods >= rubric.head_recommended_pods:
        severity = "high" if pods >= rubric.head_required_pods else "medium"
        yield Hit("scaling.no-head-of-integration", None, (), {"pods": pods}, severity=severity)


@rule("scaling.reporting-lines")
def reporting_lines(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Leads who report elsewhere than to the head; analysts or technologists who report to their own lead."""
    head = team.head
    for pod in team.pods:
        leads = {p.name for p in pod.holders("lead")}
        off_leads = [p for p in pod.holders("lead")
                     if head is not None and p.name != head.name and p.reports_to not in (None, head.name)]
        managed = [p for p in pod.core
                   if p.reports_to in leads and p.name not in leads
                   and ({"analyst", "technologist"} & set(p.roles.shares()))]
        if not off_leads and not managed:
            continue
        problems, advice = [], []
        if off_leads:
            problems.append(f"lead {human_list([p.name for p in off_leads])} "
                            f"{'reports' if len(off_leads) == 1 else 'report'} to "
                            f"{', '.join(sorted({str(p.reports_to) for p in off_leads}))} rather than the head of integration")
            advice.append(f"have {human_list([p.name for p in off_leads])} report to {head.name if head else ''}")
        if managed:
            verb = "reports" if len(managed) == 1 else "report"
            problems.append(f"{human_list([p.name for p in managed])} {verb} to their own pod lead, "
                            "who should enable them rather than manage their pay and careers")
            advice.append(f"have {human_list([p.name for p in managed])} report to a manager outside the pod "
                          f"({'for example ' + head.name if head else 'the head of integration once there is one, or an engineering or product manager'})")
        yield Hit("scaling.reporting-lines", pod.name, tuple(p.name for p in off_leads + managed),
                  {"_problems": "; ".join(problems), "_advice": " and ".join(advice),
                   **({"head": head.name} if head else {})})


@rule("scaling.no-pod-principle")
def no_pod_principle(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Several pods, and a pod organised by no stated principle."""
    if len(team.pods) < 2:
        return
    for pod in team.pods:
        if pod.pod.focus in (None, "none"):
            yield Hit("scaling.no-pod-principle", pod.name, (), {"pods": len(team.pods)})
