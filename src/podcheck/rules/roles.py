"""P2, P9: every pod needs a lead, a technologist and an analyst among its core members."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import TeamView
from . import Hit, rule
from .leadership import lead_overloaded


@rule("roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst")
def missing_roles(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A pod with no core member holding a role."""
    for pod in team.pods:
        for role in pod.missing_roles:
            helpers = tuple(p.name for p in pod.holders(role, core=False))
            # A pod already at its size limit gets the role from within: adding a person would overfill it.
            room = "full" if len(pod.core) >= pod.core_limit else "room"
            yield Hit(f"roles.missing-{role}", pod.name, helpers, {"role": role, "core": len(pod.core)},
                      variants={} if role == "lead" else {"give": room})


@rule("roles.thin-coverage")
def thin_coverage(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A role that is covered, but by only a small slice of core time."""
    for pod in team.pods:
        for role, share in pod.role_shares.items():
            if role == "lead" and lead_overloaded(pod, rubric):
                continue  # lead.too-many-projects already says this slice is too small; "check it" would contradict
            if 0 < share < rubric.min_role_share:
                holders = tuple(p.name for p in pod.holders(role))
                yield Hit("roles.thin-coverage", pod.name, holders,
                          {"role": role, "share": share, "minimum": rubric.min_role_share})
