"""The playbook's vocabulary as validated data: principles, dimensions, stages, questions, labels, rubric.

Every list lives in a YAML file in this folder and is read, validated and cached on first use;
`terms` holds the few words code branches on (severities, horizons, stage ids).
"""

from .rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from .terms import HORIZON_OF, HORIZONS, SEVERITIES, STAGE_IDS, Horizon, Severity, StageId
from .vocabulary import (
    DimensionInfo,
    Labels,
    Question,
    StageInfo,
    dimensions,
    labels,
    principles,
    question_ids,
    questions,
    stages,
)

__all__ = [
    "DEFAULT_RUBRIC", "HORIZONS", "HORIZON_OF", "SEVERITIES", "STAGE_IDS", "DimensionInfo", "Horizon", "Labels",
    "Question", "Rubric", "Severity", "StageId", "StageInfo", "dimensions", "labels", "load_rubric", "principles",
    "question_ids", "questions", "stages",
]
