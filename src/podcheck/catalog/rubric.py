"""Thresholds the rules use, declared once in rubric.yaml and validated; users may override them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .loader import DataFile, read_data
from .terms import SEVERITIES

Positive = Annotated[int, Field(ge=1, le=1000)]


class AnswerScale(BaseModel):
    """The whole-number scale questionnaire answers use, lowest (weakest) to highest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lowest: Annotated[int, Field(ge=0, le=100)]
    highest: Annotated[int, Field(ge=1, le=100)]

    @model_validator(mode="after")
    def _ordered(self) -> AnswerScale:
        if self.highest <= self.lowest:
            raise ValueError("highest must be above lowest")
        return self

    def points(self, answer: int) -> float:
        """An answer as points out of 100: the lowest answer is 0, the highest 100."""
        return (answer - self.lowest) * 100 / (self.highest - self.lowest)


class Rubric(BaseModel):
    """The numbers behind every judgement podcheck makes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pod_max_core: Positive
    pod_max_core_heavy_lead: Positive
    pod_max_with_extended: Positive
    minimum_viable_max_core: Positive
    same_background_min_core: Annotated[int, Field(ge=2, le=1000)]
    max_projects_per_lead: Positive
    max_projects_per_lead_heavy: Positive
    min_role_share: Annotated[float, Field(gt=0, le=1)]
    head_recommended_pods: Annotated[int, Field(ge=2, le=1000)]
    head_required_pods: Annotated[int, Field(ge=2, le=1000)]
    backlog_high_ratio: Annotated[float, Field(gt=1, le=100)]
    backlog_max_quarters: Positive
    answer_scale: AnswerScale
    weak_answer_max: int
    severity_penalty: dict[str, Annotated[int, Field(ge=0, le=100)]]
    score_cap: dict[str, Annotated[int, Field(ge=0, le=100)]]
    dimension_weights: dict[str, Annotated[float, Field(ge=0, le=100)]]

    @field_validator("weak_answer_max")
    @classmethod
    def _below_the_top_answer(cls, value: int, info: ValidationInfo) -> int:
        scale = info.data.get("answer_scale")
        if scale is not None and not scale.lowest <= value < scale.highest:
            raise ValueError(f"must be between {scale.lowest} and {scale.highest - 1}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        for name in ("severity_penalty", "score_cap"):
            if set(getattr(self, name)) != set(SEVERITIES):
                raise ValueError(f"{name} needs exactly the keys {', '.join(SEVERITIES)}")
        if self.pod_max_core_heavy_lead > self.pod_max_core:
            raise ValueError("pod_max_core_heavy_lead cannot exceed pod_max_core")
        if self.pod_max_with_extended < self.pod_max_core:
            raise ValueError("pod_max_with_extended cannot be below pod_max_core")
        if self.head_required_pods < self.head_recommended_pods:
            raise ValueError("head_required_pods cannot be below head_recommended_pods")
        return self


def default_rubric_data() -> dict[str, Any]:
    """The packaged rubric.yaml as plain data, for merging a user's overrides into."""
    return read_data(DataFile.packaged(__package__ or "podcheck.catalog", "rubric.yaml"))


DEFAULT_RUBRIC = Rubric.model_validate(default_rubric_data())
