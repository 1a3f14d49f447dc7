"""P12, P13, P14: several pods need a head of integration, clear reporting lines and a principle."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..model import Person
from ..text import human_list
from ..view import TeamView
from . import Hit, rule


@rule("scaling.no-head-of-integration")
def no_head(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Several pods and nobody accountable for all of them."""
    pods = len(team.pods)
    if team.head is None and pods >= rubric.head_recommended_pods:
        needed = pods >= rubric.head_required_pods
        need = "needed" if needed else "consider"
        yield Hit("scaling.no-head-of-integration", None, (), {"pods": pods}, severity="high" if needed else "medium",
                  variants={"need": need, "appoint": need})


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
        which = "both" if off_leads and managed else "leads" if off_leads else "managed"
        values: dict[str, str] = {"head": head.name} if head else {}
        variants = {"problems": which, "advice": which}
        if off_leads:
            values |= {"_leads": human_list([p.name for p in off_leads]),
                       "_managers": ", ".join(sorted({str(p.reports_to) for p in off_leads}))}
            variants |= {"leads_problem": _one_or_several(off_leads), "leads_advice": "to-head"}
        if managed:
            values["_managed"] = human_list([p.name for p in managed])
            advice = "no-head" if head is None else "head-leads-pod" if head.name in leads else "to-head"
            variants |= {"managed_problem": _one_or_several(managed), "managed_advice": advice}
        yield Hit("scaling.reporting-lines", pod.name, tuple(p.name for p in off_leads + managed), values,
                  variants=variants)


def _one_or_several(people: list[Person]) -> str:
    return "one" if len(people) == 1 else "several"


@rule("scaling.no-pod-principle")
def no_pod_principle(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Several pods, and a pod organised by no stated principle."""
    if len(team.pods) < 2:
        return
    for pod in team.pods:
        if pod.pod.focus in (None, "none"):
            yield Hit("scaling.no-pod-principle", pod.name, (), {"pods": len(team.pods)})
