"""The playbook's vocabulary as validated data: principles, dimensions, stages, questions, labels, rubric.

Every list lives in a YAML file in this folder and is read, validated and cached on first use;
`terms` holds the few words code branches on (severities, horizons, stage ids).
"""

from .rubric import DEFAULT_RUBRIC, Rubric
from .terms import HORIZON_OF, HORIZONS, ROLES, SEVERITIES, STAGE_IDS, Horizon, RoleName, Severity, StageId
from .vocabulary import (
    DimensionInfo,
    Labels,
    Question,
    RoleCard,
    StageInfo,
    dimensions,
    labels,
    principles,
    question_ids,
    questions,
    role_cards,
    stages,
)

__all__ = [
    "DEFAULT_RUBRIC", "HORIZONS", "HORIZON_OF", "ROLES", "SEVERITIES", "STAGE_IDS", "DimensionInfo", "Horizon",
    "Labels", "Question", "RoleCard", "RoleName", "Rubric", "Severity", "StageId", "StageInfo", "dimensions", "labels",
    "principles", "question_ids", "questions", "role_cards", "stages",
]
