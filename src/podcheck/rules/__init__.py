"""The rule registry: pure functions over a TeamView, with their metadata kept as validated data.

Each family is a module here (`roles.py`) with a metadata file beside it (`roles.yaml`); the
families are the modules found in this package. A rule function declares the finding ids it can
raise; each id's metadata declares the values its hits carry and the named variants of its
wording. Loading fails loudly when an id has no metadata, metadata has no rule, an id is
duplicated, a severity, principle or dimension is unknown, or a text uses a placeholder that
is neither a declared value nor a variant.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from string import Formatter
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..catalog import SEVERITIES, Rubric, Severity, dimensions, principles
from ..catalog.loader import DataFile, first_error, read_data, read_entries
from ..errors import ConfigError
from ..text import human_list
from ..view import TeamView

ALWAYS_GIVEN = ("pod", "people")  # every finding can name its pod and its people
PLACEHOLDER = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Hit:
    """What a rule function returns: which finding, where, who, the values behind it, the wording to use."""

    id: str
    pod: str | None = None
    people: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # keys starting with "_" are wording only, not evidence
    severity: Severity | None = None  # overrides the metadata's default, e.g. to escalate
    variants: dict[str, str] = field(default_factory=dict)  # each variant slot the wording uses → the one chosen

    @property
    def evidence(self) -> dict[str, Any]:
        """The values a finding reports as its evidence."""
        return {k: v for k, v in self.values.items() if not k.startswith("_")}


def placeholders(text: str) -> Iterator[str]:
    """The names of the {placeholders} in a text, each as written (format specs such as `:.0%` dropped)."""
    for _, name, _, _ in Formatter().parse(text):
        if name is not None:
            yield name


class RuleMeta(BaseModel):
    """What a finding id means: severity, principles, the values it carries and the words shown to a user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z-]*(\.[a-z0-9][a-z0-9-]*)?$")
    title: str
    severity: Severity
    # A rule that raises some hits above its default says how far (`Hit.severity` must stay within).
    escalates_to: Severity | None = None
    principles: list[str] = Field(min_length=1)
    dimension: str
    message: str
    recommendation: str
    # How the wording is put together; `podcheck rules` lists the words, not these.
    values: list[str] = Field(default_factory=list, exclude=True)
    variants: dict[str, dict[str, str]] = Field(default_factory=dict, exclude=True)

    @property
    def severities(self) -> tuple[Severity, ...]:
        """The severities its hits may have, default first: ('medium', 'high') for a rule escalating to high."""
        if self.escalates_to is None:
            return (self.severity,)
        low, high = SEVERITIES.index(self.severity), SEVERITIES.index(self.escalates_to)
        return tuple(reversed(SEVERITIES[high:low + 1]))

    @property
    def severity_range(self) -> str:
        """The severities as a reader sees them: 'high', or 'medium–high' for a rule that escalates."""
        return "–".join(self.severities[::len(self.severities) - 1 or 1])

    @model_validator(mode="after")
    def _escalates_upwards(self) -> RuleMeta:
        if self.escalates_to is not None and SEVERITIES.index(self.escalates_to) >= SEVERITIES.index(self.severity):
            raise ValueError(f"escalates_to must be more serious than the severity {self.severity} "
                             f"(got {self.escalates_to})")
        return self

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

    @model_validator(mode="after")
    def _placeholders_are_provided(self) -> RuleMeta:
        texts = {"title": self.title, "message": self.message, "recommendation": self.recommendation}
        texts |= {f"variants.{slot}.{name}": text for slot, options in self.variants.items()
                  for name, text in options.items()}
        clash = set(self.variants) & {*self.values, *ALWAYS_GIVEN}
        if clash:
            raise ValueError(f"variant slot {sorted(clash)[0]} has the name of a value")
        known = {*self.values, *ALWAYS_GIVEN, *self.variants}
        used: dict[str, set[str]] = {}
        for where, text in texts.items():
            for name in placeholders(text):
                if not PLACEHOLDER.match(name):
                    raise ValueError(f"{where}: placeholder {{{name}}} must be a plain name")
                if name not in known:
                    raise ValueError(f"{where}: placeholder {{{name}}} is neither a value the rule provides "
                                     f"({', '.join(self.values) or 'none'}) nor a variant")
                used.setdefault(where.split(".")[1] if where.startswith("variants.") else where, set()).add(name)
        unused = [slot for slot in self.variants if not any(slot in names for names in used.values())]
        if unused:
            raise ValueError(f"variant slot {unused[0]} is never used")
        _no_cycle(self.variants, used)
        return self

    def wording(self, hit: Hit) -> tuple[str, str, str]:
        """Title, message and recommendation for one hit, its values and chosen variants filled in."""
        fill = _Fill(self, hit)
        return (self.title.format_map(fill), self.message.format_map(fill), self.recommendation.format_map(fill))


def _no_cycle(variants: dict[str, dict[str, str]], used: dict[str, set[str]]) -> None:
    """A variant may use another variant, but never (through others) itself."""

    def visit(slot: str, path: tuple[str, ...]) -> None:
        if slot in path:
            raise ValueError(f"variant slot {slot} uses itself ({' → '.join((*path, slot))})")
        for inner in used.get(slot, set()) & set(variants):
            visit(inner, (*path, slot))

    for slot in variants:
        visit(slot, ())


class _Fill(dict[str, Any]):
    """A hit's values for str.format_map; a variant slot is filled, when a text uses it, with the chosen text."""

    def __init__(self, meta: RuleMeta, hit: Hit) -> None:
        super().__init__({**hit.values, "pod": hit.pod or "", "people": human_list(hit.people)})
        self.meta, self.hit = meta, hit

    def __missing__(self, slot: str) -> str:
        choice = self.hit.variants.get(slot)
        if choice is None:
            raise ConfigError(f"{self.hit.id}: the wording uses variant slot {slot}, but the rule chose none")
        return self.meta.variants[slot][choice].format_map(self)


RuleFunction = Callable[[TeamView, Rubric], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule function, the family (module) it belongs to and the finding ids it may raise."""

    family: str
    function: RuleFunction
    ids: tuple[str, ...]

    def __call__(self, team: TeamView, rubric: Rubric) -> Iterable[Hit]:
        """The rule's hits for this team."""
        return self.function(team, rubric)


def rule(*ids: str) -> Callable[[RuleFunction], Rule]:
    """Make a function the rule that raises these finding ids; the registry finds it in its module."""

    def register(function: RuleFunction) -> Rule:
        return Rule(function.__module__.rsplit(".", 1)[-1], function, ids)

    return register


def rules_in(module: ModuleType) -> tuple[Rule, ...]:
    """The rules a module defines, in the order it defines them."""
    return tuple(v for v in vars(module).values() if isinstance(v, Rule) and v.function.__module__ == module.__name__)


@dataclass(frozen=True)
class Registry:
    """All rules and their metadata, checked against each other."""

    rules: tuple[Rule, ...]
    meta: dict[str, RuleMeta]

    def run(self, team: TeamView, rubric: Rubric) -> list[tuple[Hit, RuleMeta]]:
        """Apply every rule; each hit is paired with its metadata, and anything it did not declare is a bug."""
        out = []
        for r in self.rules:
            for hit in r(team, rubric):
                if hit.id not in r.ids:
                    raise ConfigError(f"rule {r.function.__name__} raised undeclared id {hit.id}")
                meta = self.meta[hit.id]
                if hit.severity is not None and hit.severity not in SEVERITIES:
                    raise ConfigError(f"{hit.id}: unknown severity {hit.severity}")
                if hit.severity is not None and hit.severity not in meta.severities:
                    # An escalation the metadata does not declare would surprise whoever reads `podcheck rules`.
                    raise ConfigError(f"{hit.id}: severity {hit.severity} is outside the declared range "
                                      f"{meta.severity_range} (declare escalates_to in its metadata)")
                undeclared = set(hit.values) - set(meta.values)
                if undeclared:
                    raise ConfigError(f"{hit.id}: value {sorted(undeclared)[0]} is not among the rule's values")
                for slot, choice in hit.variants.items():
                    if choice not in meta.variants.get(slot, {}):
                        raise ConfigError(f"{hit.id}: no variant {choice!r} of {slot}")
                out.append((hit, meta))
        return out

    def extended(self, rules: Iterable[Rule], metas: Iterable[RuleMeta]) -> Registry:
        """This registry with more rules and their metadata (a team's own), checked like the project's."""
        return build_registry([*self.rules, *rules], [*self.meta.values(), *metas])


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


def load_metadata(path: str | Path) -> tuple[RuleMeta, ...]:
    """The rule metadata in a YAML file of your own, validated like the project's."""
    return read_entries(DataFile.local(path), RuleMeta)


def families() -> tuple[str, ...]:
    """The rule families: the modules of this package, each with its metadata file of the same name."""
    return tuple(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def _family_metadata(module: ModuleType, file: DataFile) -> tuple[RuleMeta, ...]:
    # A family whose metadata is derived from other data (practice: the question bank) shapes it itself.
    derive: Callable[[Any], Iterable[RuleMeta]] | None = getattr(module, "metadata", None)
    if derive is None:
        return read_entries(file, RuleMeta)
    try:
        return tuple(derive(read_data(file)))
    except ValidationError as exc:
        raise ConfigError(f"{file.label}: {first_error(exc)}") from None


@functools.cache
def registry() -> Registry:
    """The project's registry, built once from every family module and its metadata file."""
    names = families()
    metadata_files = {p.name for p in files(__name__).iterdir() if p.name.endswith(".yaml")}
    strays = metadata_files - {f"{name}.yaml" for name in names}
    if strays:
        raise ConfigError(f"rules/{sorted(strays)[0]} has no rule module beside it")
    rules: list[Rule] = []
    metas: list[RuleMeta] = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        rules += rules_in(module)
        metas += _family_metadata(module, DataFile.packaged(__name__, f"{name}.yaml"))
    return build_registry(rules, metas)
