"""The playbook's vocabulary read from this folder's YAML: principles, dimensions, stages, questions, labels.

Each file is validated when first read; a duplicate id, or a principle or dimension nobody declared,
is a ConfigError naming the file and the entry.
"""

from __future__ import annotations

import functools
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import ConfigError
from .loader import DataFile, check_known, read_entries, read_mapping
from .terms import HORIZONS, ROLES, SEVERITIES, STAGE_IDS, Horizon, RoleName, Severity, StageId


class Entry(BaseModel):
    """Base for catalog entries: fixed fields, read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Principle(Entry):
    """One principle of the playbook: its id (P1…) and a short title."""

    id: Annotated[str, Field(pattern=r"^P[0-9]+$")]
    title: str


class DimensionInfo(Entry):
    """A dimension's id, display name and the principles it covers."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z-]*$")]
    name: str
    principles: tuple[str, ...]


class PrepareItem(Entry):
    """One thing to put in place at a stage; `done_when` names the question whose strong answer shows it done."""

    text: str
    done_when: str | None = None


class StageInfo(Entry):
    """One step of the scaling ladder and what to prepare before moving up from it."""

    level: Annotated[int, Field(ge=0)]
    id: StageId
    name: str
    summary: str
    prepare: list[PrepareItem]

    @field_validator("prepare", mode="before")
    @classmethod
    def _plain_text_items(cls, value: object) -> object:
        # Most items are plain text; `{text, done_when}` only where a question shows the item done.
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value


# The situations a question may be limited to (the question bank's `applies_when`); the rules
# decide what each means for a team (rules/practice.py).
AppliesWhen = Literal["several-pods", "helpers"]
APPLIES_WHEN: tuple[AppliesWhen, ...] = get_args(AppliesWhen)


class Question(Entry):
    """One question the roster cannot answer, scored on the rubric's answer scale."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    dimension: str
    principles: list[str]
    text: str
    low: str
    high: str
    finding: str
    recommendation: str
    applies_when: AppliesWhen | None = None  # None: always; otherwise only in that situation


class HorizonLabel(Entry):
    """How a report names one horizon, and the line that explains it."""

    name: str
    hint: str


class Labels(Entry):
    """The words shown for roles, severities and horizons, and for choice values that are not plain words."""

    roles: dict[str, str]
    severities: dict[Severity, str]
    horizons: dict[Horizon, HorizonLabel]
    words: dict[str, str]


PACKAGE = __package__ or "podcheck.catalog"


def _file(name: str) -> DataFile:
    return DataFile.packaged(PACKAGE, name)


@functools.cache
def principles() -> dict[str, str]:
    """The playbook's principles: id → short title, P1 first."""
    return {p.id: p.title for p in read_entries(_file("principles.yaml"), Principle)}


@functools.cache
def dimensions() -> dict[str, DimensionInfo]:
    """The scored areas by id, in the order a result lists them."""
    found = read_entries(_file("dimensions.yaml"), DimensionInfo)
    for d in found:
        check_known("catalog/dimensions.yaml", d.id, "principle", d.principles, principles())
    return {d.id: d for d in found}


@functools.cache
def stages() -> tuple[StageInfo, ...]:
    """The scaling ladder, level 0 to 4."""
    ladder = tuple(sorted(read_entries(_file("stages.yaml"), StageInfo), key=lambda s: s.level))
    if tuple(s.id for s in ladder) != STAGE_IDS or [s.level for s in ladder] != list(range(len(ladder))):
        raise ConfigError(f"catalog/stages.yaml: the ladder must be {', '.join(STAGE_IDS)} at levels 0 and up")
    for s in ladder:
        shown_by = [item.done_when for item in s.prepare if item.done_when is not None]
        check_known("catalog/stages.yaml", s.id, "question", shown_by, question_ids())
    return ladder


@functools.cache
def questions() -> tuple[Question, ...]:
    """Every question in the bank, in order."""
    bank = read_entries(_file("questions.yaml"), Question)
    for q in bank:
        check_known("catalog/questions.yaml", q.id, "dimension", [q.dimension], dimensions())
        check_known("catalog/questions.yaml", q.id, "principle", q.principles, principles())
    return bank


def question_ids() -> set[str]:
    """The ids an assessment's `answers` may use."""
    return {q.id for q in questions()}


class RoleCard(Entry):
    """What one role of a pod does, for the cards handed out in the assessment workshop."""

    role: RoleName
    title: str
    principles: tuple[str, ...]
    purpose: str
    does: tuple[str, ...]
    not_: tuple[str, ...] = Field(default=(), alias="not")
    asks: tuple[str, ...]


@functools.cache
def role_cards() -> tuple[RoleCard, ...]:
    """One card per role, in the model's order of roles."""
    cards = read_entries(_file("role_cards.yaml"), RoleCard, key="role")
    if tuple(c.role for c in cards) != ROLES:
        raise ConfigError(f"catalog/role_cards.yaml: one card per role, in the order {', '.join(ROLES)}")
    for c in cards:
        check_known("catalog/role_cards.yaml", c.role, "principle", c.principles, principles())
    return cards


@functools.cache
def labels() -> Labels:
    """The one table of words for roles, severities, horizons and choice values."""
    table = read_mapping(_file("labels.yaml"), Labels)
    for kind, keys, wanted in (("roles", table.roles, ROLES), ("severities", table.severities, SEVERITIES),
                               ("horizons", table.horizons, HORIZONS)):
        if tuple(keys) != tuple(wanted):
            raise ConfigError(f"catalog/labels.yaml: {kind} must be {', '.join(wanted)}, in that order")
    return table
