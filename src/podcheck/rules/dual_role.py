"""P2, P9: one person doubling as analyst and technologist, or holding every role, is a risk."""

from collections.abc import Iterator

from ..catalog import Rubric
from ..model import ROLES
from ..view import TeamView
from . import Hit, rule


@rule("dual-role.analyst-technologist", "dual-role.single-person")
def dual_roles(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """People who hold analyst and technologist together, or all three roles."""
    for pod in team.pods:
        for person in pod.core:
            shares = person.roles.shares()
            if "analyst" in shares and "technologist" in shares:
                values = {"analyst": shares["analyst"], "technologist": shares["technologist"]}
                yield Hit("dual-role.analyst-technologist", pod.name, (person.name,), values)
            if len(shares) == len(ROLES):
                yield Hit("dual-role.single-person", pod.name, (person.name,),
                          {"lead": shares["lead"], **values})
