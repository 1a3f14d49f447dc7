"""P4, P10: one lead per pod, coordinating no more projects than a lead can manage."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import PodView, TeamView
from . import Hit, rule


def lead_capacity(pod: PodView, rubric: Rubric) -> int | None:
    """How many projects the pod's lead time can coordinate, or None when the pod has no lead."""
    if not pod.holders("lead"):
        return None
    per_lead = rubric.max_projects_per_lead_heavy if pod.pod.lead_load == "heavy" else rubric.max_projects_per_lead
    fte = round(pod.role_shares.get("lead", 0.0), 2)  # time, not heads: two 10% leads are a fifth of one lead
    return max(1, int(per_lead * fte + 0.5))  # rounded; any lead can keep one project moving


def lead_overloaded(pod: PodView, rubric: Rubric) -> bool:
    """The pod runs more projects than its lead time can coordinate (known projects only)."""
    capacity = lead_capacity(pod, rubric)
    return capacity is not None and pod.pod.active_projects is not None and pod.pod.active_projects > capacity


@rule("lead.too-many-projects")
def too_many_projects(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """More active projects than the pod's leads can coordinate."""
    for pod in team.pods:
        capacity = lead_capacity(pod, rubric)
        projects = pod.pod.active_projects
        if capacity is None or projects is None or projects <= capacity:
            continue
        leads = pod.holders("lead")
        per_lead = rubric.max_projects_per_lead_heavy if pod.pod.lead_load == "heavy" else rubric.max_projects_per_lead
        fte = round(pod.role_shares.get("lead", 0.0), 2)
        # More of someone's week only while some lead gives the role less than all of theirs; a second
        # pod only when there is more than one person: a pod of one needs a real team first
        # (dual-role.single-person), not a sister pod.
        more_time = any((p.roles.lead or 0) < 1 for p in leads)
        second_pod = len(pod.core) > 1
        options = {(True, True): "time_or_pod", (True, False): "time", (False, True): "pod", (False, False): "none"}
        yield Hit("lead.too-many-projects", pod.name, tuple(p.name for p in leads),
                  {"projects": projects, "capacity": capacity, "per_lead": per_lead, "excess": projects - capacity,
                   "lead_fte": fte, "_lead_time": _time(fte)},
                  variants={"who": "one" if len(leads) == 1 else "several",
                            "load": "heavy" if pod.pod.lead_load == "heavy" else "normal",
                            "or_else": options[(more_time, second_pod)]})


def _time(fte: float) -> str:
    return "a full week" if fte == 1 else f"{fte:.0%} of a week" if fte < 1 else f"{fte:g} full weeks"


@rule("lead.several-leads")
def several_leads(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """More than one core member holds the lead role in one pod."""
    for pod in team.pods:
        leads = pod.holders("lead")
        if len(leads) > 1:
            yield Hit("lead.several-leads", pod.name, tuple(p.name for p in leads), {"leads": len(leads)})
