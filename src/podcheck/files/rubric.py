"""A user's rubric file: the packaged thresholds with the keys it sets replaced, validated."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..catalog import Rubric, dimensions
from ..catalog.rubric import default_rubric_data
from ..errors import InputError
from .problems import validation_problems
from .safe_yaml import read_yaml_mapping


def load_rubric(path: str | Path) -> Rubric:
    """The default rubric with the keys set in `path` replaced; errors name the file and key."""
    path = Path(path)
    overrides, lines = read_yaml_mapping(path, what="a rubric file")
    merged = default_rubric_data()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    if "answer_scale" in overrides and merged["answer_scale"] != default_rubric_data()["answer_scale"]:
        # Assessment files are validated against the default scale, so scoring must use it too.
        raise InputError.single(str(path), "is the scale of the assessment file's answers and cannot be changed",
                                "answer_scale", lines.get(("answer_scale",)))
    try:
        rubric = Rubric.model_validate(merged)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, str(path), lines, root=Rubric)) from None
    unknown = set(rubric.dimension_weights) - set(dimensions())
    if unknown:
        raise InputError.single(str(path), f"unknown dimension '{sorted(unknown)[0]}'", "dimension_weights")
    if not any(rubric.dimension_weights.values()):
        # The overall score is a weighted mean: with nothing to weigh, every unit would silently score 0.
        raise InputError.single(str(path), "every weight is 0, so every unit would score 0: give at least one "
                                "dimension a weight above 0", "dimension_weights", lines.get(("dimension_weights",)))
    return rubric
