"""The rule registry: pure functions over a TeamView, with their metadata kept as validated data.

Each family is a module here (`roles.py`) with a metadata file beside it (`roles.yaml`). A rule
function declares the finding ids it can raise; loading fails loudly when an id has no metadata,
metadata has no rule, an id is duplicated, or a severity, principle or dimension is unknown.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..catalog import SEVERITIES, Rubric, Severity, dimensions, principles
from ..errors import ConfigError
from ..view import TeamView

FAMILIES = (
    "roles", "dual_role", "developer_trap", "pods", "leadership", "scaling", "capacity",
    "fundamentals", "practice",
)


class RuleMeta(BaseModel):
    """What a finding id means: severity, principles, and the words shown to a user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z-]*(\.[a-z0-9][a-z0-9-]*)?$")
    title: str
    severity: Severity
    principles: list[str] = Field(min_length=1)
    dimension: str
    message: str
    recommendation: str

    @field_validator("principles")
    @classmethod
    def _known_principles(cls, value: list[str]) -> list[str]:
        unknown = [p for p in value if p not in principles()]
        if unknown:
            raise ValueError(f"unknown principle {unknown[0]}")
        return value

    @field_validator("dimension")
    @classmethod
    def _known_dimension(cls, value: str) -> str:
        if value not in dimensions():
            raise ValueError(f"unknown dimension {value}")
        return value


@dataclass(frozen=True)
class Hit:
    """What a rule function returns: which finding, where, who, and the values behind it."""

    id: str
    pod: str | None = None
    people: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # keys starting with "_" are wording only, not evidence
    severity: Severity | None = None  # overrides the metadata's default, e.g. to escalate


RuleFunction = Callable[[TeamView, Rubric], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered rule function and the finding ids it may raise."""

    family: str
    function: RuleFunction
    ids: tuple[str, ...]


_REGISTERED: list[Rule] = []


def rule(*ids: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function as the source of these finding ids."""

    def register(function: RuleFunction) -> RuleFunction:
        family = function.__module__.rsplit(".", 1)[-1]
        _REGISTERED.append(Rule(family, function, ids))
        return function

    return register


@dataclass(frozen=True)
class Registry:
    """All rules and their metadata, checked against each other."""

    rules: tuple[Rule, ...]
    meta: dict[str, RuleMeta]

    def run(self, team: TeamView, rubric: Rubric) -> list[tuple[Hit, RuleMeta]]:
        """Apply every rule; each hit is paired with its metadata, and an undeclared id is a bug."""
        out = []
        for r in self.rules:
            for hit in r.function(team, rubric):
                if hit.id not in r.ids:
                    raise ConfigError(f"rule {r.function.__name__} raised undeclared id {hit.id}")
                if hit.severity is not None and hit.severity not in SEVERITIES:
                    raise ConfigError(f"{hit.id}: unknown severity {hit.severity}")
                out.append((hit, self.meta[hit.id]))
        return out


def _load_meta(family: str) -> list[RuleMeta]:
    name = f"{family}.yaml"
    resource = files(__name__).joinpath(name)
    if not resource.is_file():
        return []
    raw = yaml.safe_load(resource.read_text(encoding="utf-8")) or []
    metas = []
    for index, entry in enumerate(raw):
        try:
            metas.append(RuleMeta.model_validate(entry))
        except ValidationError as exc:
            where = entry.get("id", f"entry {index}") if isinstance(entry, dict) else f"entry {index}"
            raise ConfigError(f"rules/{name}: {where}: {exc.errors()[0]['msg']}") from None
    return metas


def build_registry(rules: Iterable[Rule], metas: Iterable[RuleMeta]) -> Registry:
    """Cross-check rule functions against metadata; raise ConfigError on any mismatch."""
    meta: dict[str, RuleMeta] = {}
    for m in metas:
        if m.id in meta:
            raise ConfigError(f"rule id {m.id} has metadata twice")
        meta[m.id] = m
    declared: dict[str, str] = {}
    rules = tuple(rules)
    for r in rules:
        for rid in r.ids:
            if rid in declared:
                raise ConfigError(f"rule id {rid} is raised by two functions ({declared[rid]}, {r.function.__name__})")
            declared[rid] = r.function.__name__
            if rid not in meta:
                raise ConfigError(f"rule id {rid} ({r.function.__name__}) has no metadata")
    orphans = set(meta) - set(declared)
    if orphans:
        raise ConfigError(f"metadata for {sorted(orphans)[0]} has no rule function")
    return Registry(rules, meta)


@functools.cache
def registry() -> Registry:
    """The project's registry, built once."""
    from .practice import practice_meta

    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    metas = [m for family in FAMILIES for m in _load_meta(family)] + practice_meta()
    return build_registry(_REGISTERED, metas)
