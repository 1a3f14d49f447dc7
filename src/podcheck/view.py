"""A derived, read-only view of an assessment that the rules and the stage share."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Rubric
from .model import ROLES, Assessment, Person, Pod, RoleName


@dataclass(frozen=True)
class PodView:
    """One pod with its members sorted by name and its role coverage summed.

    A member is a Person as they are in this pod: for someone in several pods, `pod`, `roles` and
    `member` are those of their assignment here, so rules read `p.roles` without knowing about assignments.
    """

    pod: Pod
    core: tuple[Person, ...]
    extended: tuple[Person, ...]
    core_limit: int
    total_limit: int
    role_shares: dict[RoleName, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The pod's name."""
        return self.pod.name

    def holders(self, role: RoleName, *, core: bool = True) -> list[Person]:
        """Members (core by default) who give some of their time to `role`."""
        members = self.core if core else self.extended
        return [p for p in members if role in p.roles.shares()]

    @property
    def missing_roles(self) -> list[RoleName]:
        """Roles no core member of this pod holds."""
        return [r for r in ROLES if not self.holders(r)]

    @property
    def complete(self) -> bool:
        """All three roles are covered by core members."""
        return not self.missing_roles


@dataclass(frozen=True)
class TeamView:
    """The whole unit: the model plus its pods as PodViews, in a stable (name) order."""

    assessment: Assessment
    pods: tuple[PodView, ...]

    @property
    def head(self) -> Person | None:
        """The head of integration, if the unit has one."""
        name = self.assessment.head_of_integration
        return self.assessment.person(name) if name else None

    @property
    def complete_pods(self) -> list[PodView]:
        """Pods with all three roles covered."""
        return [p for p in self.pods if p.complete]


def team_view(assessment: Assessment, rubric: Rubric) -> TeamView:
    """Build the view; members and pods are sorted so that input order never changes a result."""
    pods = []
    for pod in sorted(assessment.pods, key=lambda p: p.name):
        # Each member as they are in this pod: a person in several pods counts once in each, with the roles
        # and membership of that pod's assignment; people outside every pod are in none.
        members = sorted(assessment.members(pod.name), key=lambda p: p.name)
        core = tuple(p for p in members if p.is_core)
        extended = tuple(p for p in members if not p.is_core)
        shares = {r: round(sum(p.roles.shares().get(r, 0.0) for p in core), 4) for r in ROLES}
        limit = rubric.pod_max_core_heavy_lead if pod.lead_load == "heavy" else rubric.pod_max_core
        pods.append(PodView(pod, core, extended, limit, rubric.pod_max_with_extended, shares))
    return TeamView(assessment, tuple(pods))
