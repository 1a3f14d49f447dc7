"""P15: the backlog outgrows any team; triage it, and scale when inflow keeps outrunning delivery."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import TeamView
from . import Hit, rule


@rule("capacity.backlog-growing", "capacity.backlog-over-a-year")
def backlog(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Requests arriving faster than integrations ship, or a year or more of work waiting."""
    context = team.assessment.context
    b = context.backlog
    if b is None or b.added_per_quarter is None or b.delivered_per_quarter is None:
        return
    added, delivered = b.added_per_quarter, b.delivered_per_quarter
    if added > delivered:
        severity = "high" if added >= rubric.backlog_high_ratio * max(delivered, 1) else None
        room = any(len(pod.core) < pod.core_limit for pod in team.pods)
        yield Hit("capacity.backlog-growing", None, (),
                  {"added": added, "delivered": delivered, "gap": added - delivered}, severity=severity,
                  variants={"grow": "room" if room else "full"})
    elif b.open is not None and delivered > 0 and b.open > rubric.backlog_max_quarters * delivered:
        yield Hit("capacity.backlog-over-a-year", None, (),
                  {"open": b.open, "delivered": delivered, "quarters": round(b.open / max(delivered - added, 1), 1)
                   if delivered > added else "many"})
