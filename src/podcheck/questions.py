"""The questionnaire bank (questions.yaml), validated at load time."""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError
from .principles import PRINCIPLES


class Question(BaseModel):
    """One question the roster cannot answer, scored 1..5."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    dimension: str
    principles: list[str]
    text: str
    low: str
    high: str
    finding: str
    recommendation: str


@functools.cache
def questions() -> tuple[Question, ...]:
    """Every question in the bank, in order."""
    from .dimensions import DIMENSIONS

    raw = yaml.safe_load(files("podcheck").joinpath("questions.yaml").read_text(encoding="utf-8"))
    try:
        bank = tuple(Question.model_validate(item) for item in raw)
    except ValidationError as exc:
        raise ConfigError(f"questions.yaml: {exc}") from None
    seen: set[str] = set()
    for q in bank:
        if q.id in seen:
            raise ConfigError(f"questions.yaml: question id '{q.id}' appears twice")
        seen.add(q.id)
        if q.dimension not in DIMENSIONS:
            raise ConfigError(f"questions.yaml: {q.id}: unknown dimension '{q.dimension}'")
        for p in q.principles:
            if p not in PRINCIPLES:
                raise ConfigError(f"questions.yaml: {q.id}: unknown principle '{p}'")
    return bank


def question_ids() -> set[str]:
    """The ids an assessment's `answers` may use."""
    return {q.id for q in questions()}
