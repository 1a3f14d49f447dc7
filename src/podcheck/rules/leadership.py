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
        capacity = per_lead * len(leads)
        if projects > capacity:
            yield Hit("lead.too-many-projects", pod.name, tuple(p.name for p in leads),
                      {"projects": projects, "capacity": capacity, "per_lead": per_lead, "excess": projects - capacity})


@rule("lead.several-leads")
def several_leads(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """More than one core member holds the lead role in one pod."""
    for pod in team.pods:
        leads = pod.holders("lead")
        if len(leads) > 1:
            yield Hit("lead.several-leads", pod.name, tuple(p.name for p in leads), {"leads": len(leads)})
