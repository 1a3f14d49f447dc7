"""P5, P16: a best-practice platform and a best-practice process, together."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import TeamView
from . import Hit, rule


@rule("fundamentals.no-platform", "fundamentals.no-process", "fundamentals.ad-hoc-process")
def fundamentals(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """No integration platform, or no (or only an ad-hoc) process to triage, build and manage."""
    context = team.assessment.context
    if context.platform == "none":
        yield Hit("fundamentals.no-platform", None, (), {"process": context.process or "unknown"})
    if context.process == "none":
        owner = "several" if len(team.pods) > 1 else "one"
        yield Hit("fundamentals.no-process", None, (), {"platform": context.platform or "unknown"},
                  variants={"owner": owner})
    elif context.process == "ad-hoc":
        yield Hit("fundamentals.ad-hoc-process", None, (), {})
