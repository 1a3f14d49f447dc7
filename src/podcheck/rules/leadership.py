"""P4, P10: one lead per pod, coordinating no more projects than a lead can manage."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import TeamView
from . import Hit, rule


@rule("lead.too-many-projects")
def too_many_projects(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """More active projects than the pod's leads can coordinate."""
    for pod in team.pods:
        leads = pod.holders("lead")
        projects = pod.pod.active_projects
        if not leads or projects is None:
            continue
        per_lead = rubric.max_projects_per_lead_heavy if pod.pod.lead_load == "heavy" else rubric.max_projects_per_lead
        fte = round(pod.role_shares.get("lead", 0.0), 2)  # time, not heads: two 10% leads are a fifth of one lead
        capacity = max(1, int(per_lead * fte + 0.5))  # rounded; any lead can keep one project moving
        if projects > capacity:
            yield Hit("lead.too-many-projects", pod.name, tuple(p.name for p in leads),
                      {"projects": projects, "capacity": capacity, "per_lead": per_lead, "excess": projects - capacity,
                       "lead_fte": fte, "_lead_time": _time(fte)},
                      variants={"who": "one" if len(leads) == 1 else "several",
                                "load": "heavy" if pod.pod.lead_load == "heavy" else "normal",
                                # more of someone's week only while some lead gives the role less than all of theirs
                                "more_time": "possible" if any((p.roles.lead or 0) < 1 for p in leads) else "full"})


def _time(fte: float) -> str:
    return "a full week" if fte == 1 else f"{fte:.0%} of a week" if fte < 1 else f"{fte:g} full weeks"


@rule("lead.several-leads")
def several_leads(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """More than one core member holds the lead role in one pod."""
    for pod in team.pods:
        leads = pod.holders("lead")
        if len(leads) > 1:
            yield Hit("lead.several-leads", pod.name, tuple(p.name for p in leads), {"leads": len(leads)})
