"""Thresholds the rules use, declared once in rubric.yaml and validated; users may override them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputError
from .loader import read_data
from .terms import SEVERITIES
from .vocabulary import dimensions

Positive = Annotated[int, Field(ge=1, le=1000)]


class Rubric(BaseModel):
    """The numbers behind every judgement podcheck makes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pod_max_core: Positive
    pod_max_core_heavy_lead: Positive
    pod_max_with_extended: Positive
    minimum_viable_max_core: Positive
    max_projects_per_lead: Positive
    max_projects_per_lead_heavy: Positive
    min_role_share: Annotated[float, Field(gt=0, le=1)]
    head_recommended_pods: Annotated[int, Field(ge=2, le=1000)]
    head_required_pods: Annotated[int, Field(ge=2, le=1000)]
    weak_answer_max: Annotated[int, Field(ge=1, le=4)]
    severity_penalty: dict[str, Annotated[int, Field(ge=0, le=100)]]
    score_cap: dict[str, Annotated[int, Field(ge=0, le=100)]]
    dimension_weights: dict[str, Annotated[float, Field(ge=0, le=100)]]

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


def _defaults() -> dict[str, Any]:
    return read_data(__package__ or "podcheck.catalog", "rubric.yaml")


DEFAULT_RUBRIC = Rubric.model_validate(_defaults())


def load_rubric(path: str | Path) -> Rubric:
    """The default rubric with the keys set in `path` replaced; errors name the file and key."""
    from ..load import read_yaml_mapping, validation_problems

    path = Path(path)
    overrides, lines = read_yaml_mapping(path)
    merged = _defaults()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    try:
        rubric = Rubric.model_validate(merged)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, str(path), lines, root=Rubric)) from None
    unknown = set(rubric.dimension_weights) - set(dimensions())
    if unknown:
        raise InputError.single(str(path), f"unknown dimension '{sorted(unknown)[0]}'", "dimension_weights")
    return rubric
