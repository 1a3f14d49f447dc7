"""P1, P10, P11: pods stay small and mixed; part-time helpers contribute but do not own."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import TeamView
from . import Hit, rule


@rule("pod.oversize")
def oversize(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Too many core members for the lead's load, or too many people with helpers counted."""
    for pod in team.pods:
        core, total = len(pod.core), len(pod.core) + len(pod.extended)
        if core <= pod.core_limit and total <= pod.total_limit:
            continue
        heavy = pod.pod.lead_load == "heavy"
        if core > pod.core_limit:
            size = "core-heavy-lead" if heavy else "core"
            if heavy and core <= rubric.pod_max_core:
                remedy = "lighten-lead"  # a normal load restores the larger limit; splitting is the fallback
            else:
                remedy = "two-pods" if core >= 4 else "fewer-helpers"  # two pods of at least two core members each
        else:
            size, remedy = "with-helpers", "fewer-helpers"  # the core is within its limit: never split it
        values = {"core": core, "total": total, "core_limit": pod.core_limit, "total_limit": pod.total_limit,
                  "_half": (core + 1) // 2, "_normal_limit": rubric.pod_max_core,
                  "_helpers": max(pod.total_limit - core, 0)}
        yield Hit("pod.oversize", pod.name, (), values, variants={"size": size, "remedy": remedy})


@rule("pod.extended-owns-deliverables")
def helpers_own_deliverables(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A part-time helper marked as owning the pod's deliverables."""
    for pod in team.pods:
        for person in pod.extended:
            if person.owns_deliverables:
                yield Hit("pod.extended-owns-deliverables", pod.name, (person.name,),
                          {"helps_as": person.helps_as or "helper"})


@rule("pod.helper-holds-role")
def helpers_hold_roles(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A part-time helper given a share of a core role."""
    for pod in team.pods:
        for person in pod.extended:
            roles = person.roles.shares()
            if roles:
                yield Hit("pod.helper-holds-role", pod.name, (person.name,), {"roles": " and ".join(roles)})


@rule("pod.same-background")
def same_background(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A pod of the rubric's size or more whose core members all share one background."""
    for pod in team.pods:
        backgrounds = {p.background for p in pod.core}
        if len(pod.core) >= rubric.same_background_min_core and len(backgrounds) == 1 and None not in backgrounds:
            background = str(backgrounds.pop()).replace("-", " ")
            yield Hit("pod.same-background", pod.name, (), {"background": background, "core": len(pod.core)})
