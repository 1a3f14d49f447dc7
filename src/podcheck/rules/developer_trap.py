"""P6, P7, P8: integration handed to software developers alone, without the training or the analyst."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..view import PodView, TeamView
from . import Hit, rule

ENGINEERING = "software-engineering"


def _untrained_engineers(pod: PodView) -> bool:
    techs = pod.holders("technologist")
    return bool(techs) and all(p.background == ENGINEERING and p.integration_training is not True for p in techs)


def _analysts_not_engineers(pod: PodView) -> list[str]:
    # An analyst whose background is not given is unknown, not assumed to be an engineer.
    return [p.name for p in pod.holders("analyst") if p.background != ENGINEERING]


@rule("developer-trap", "developer-trap.untrained-technologists")
def developer_trap(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Technologist work only by developers with no recorded integration training."""
    for pod in team.pods:
        if not _untrained_engineers(pod):
            continue
        techs = tuple(p.name for p in pod.holders("technologist"))
        values = {"technologists": len(techs)}
        n = "one" if len(techs) == 1 else "several"
        if _analysts_not_engineers(pod):
            yield Hit("developer-trap.untrained-technologists", pod.name, techs, values,
                      variants={"engineers": n, "technologist": n})
        else:
            yield Hit("developer-trap", pod.name, techs, values, variants={"engineers": n, "developers": n})


@rule("developer-trap.engineer-analysts")
def engineer_analysts(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Every analyst of a pod comes from software engineering."""
    for pod in team.pods:
        analysts = pod.holders("analyst")
        if analysts and all(p.background == ENGINEERING for p in analysts) and not _untrained_engineers(pod):
            n = "one" if len(analysts) == 1 else "several"
            yield Hit("developer-trap.engineer-analysts", pod.name, tuple(p.name for p in analysts),
                      variants={"analysts": n, "paired": n})
