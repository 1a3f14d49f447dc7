"""P6, P7, P8: integration handed to software developers alone, without the training or the analyst.

Each technologist is judged on their own facts. Only `integration_training: false` on a software
engineer is known-untrained; a training or background the file omits is unknown (the result lists
it under unknowns) and never raises anything by itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog import Rubric
from ..model import Person
from ..view import PodView, TeamView
from . import Hit, rule

ENGINEERING = "software-engineering"


def known_untrained(person: Person) -> bool:
    """A software engineer whose file says they have had no integration training."""
    return person.background == ENGINEERING and person.integration_training is False


def _untrained_engineers(pod: PodView) -> list[Person]:
    return [p for p in pod.holders("technologist") if known_untrained(p)]


def _developers_alone(pod: PodView) -> bool:
    """The trap of P7 as the file shows it: developers without preparation and no analyst to balance them.

    A high finding speaks for the pod's whole technologist work, so it needs facts on file for each
    of its two legs, and none against:
    - the building: every technologist is a known software engineer, nobody is recorded as trained,
      and at least one is recorded as untrained (a training left blank neither clears nor condemns;
      the blank is listed as unknown, and the finding names only the recorded ones);
    - the balance: no analyst comes from a known non-engineering background, and no analyst's
      background is missing (an analyst of unknown background may be the business voice P7 asks for,
      so the pod is not called "developers alone" on a guess).
    Where a leg is not shown, the known-untrained engineers are still named, at medium.
    """
    techs = pod.holders("technologist")
    building = (bool(techs) and all(p.background == ENGINEERING for p in techs)
                and not any(p.integration_training is True for p in techs)
                and any(p.integration_training is False for p in techs))
    return building and all(p.background == ENGINEERING for p in pod.holders("analyst"))


def _balance(pod: PodView) -> str:
    """How the trap's advice brings in the business view: add an analyst, swap a place when full, or leave
    it to roles.missing-analyst when the pod has no analyst at all."""
    if not pod.holders("analyst"):
        return "missing"
    return "full" if len(pod.core) >= pod.core_limit else "add"


@rule("developer-trap", "developer-trap.untrained-technologists")
def developer_trap(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Known-untrained developers doing technologist work: high when they are the pod's only builders, unbalanced."""
    for pod in team.pods:
        untrained = _untrained_engineers(pod)
        if not untrained:
            continue
        names = tuple(p.name for p in untrained)
        values = {"technologists": len(names)}
        n = "one" if len(names) == 1 else "several"
        builders = "one" if len(pod.holders("technologist")) == 1 else "several"
        if _developers_alone(pod):
            yield Hit("developer-trap", pod.name, names, values,
                      variants={"engineers": builders, "have": n, "developers": builders,
                                "balance": _balance(pod)})
        else:
            yield Hit("developer-trap.untrained-technologists", pod.name, names, values,
                      variants={"engineers": n, "technologist": n})


@rule("developer-trap.engineer-analysts")
def engineer_analysts(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """Every analyst of a pod comes from software engineering (unless the high trap already says so)."""
    for pod in team.pods:
        analysts = pod.holders("analyst")
        if analysts and all(p.background == ENGINEERING for p in analysts) and not _developers_alone(pod):
            n = "one" if len(analysts) == 1 else "several"
            yield Hit("developer-trap.engineer-analysts", pod.name, tuple(p.name for p in analysts),
                      variants={"analysts": n, "paired": n})
