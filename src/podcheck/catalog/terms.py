"""The fixed words code branches on: the three roles, severities, when to act on them, and the stage ids."""

from __future__ import annotations

from typing import Literal, get_args

RoleName = Literal["lead", "technologist", "analyst"]
ROLES: tuple[RoleName, ...] = get_args(RoleName)  # every pod needs all three (P2)

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)  # most serious first: the order findings sort in

Horizon = Literal["now", "next", "later"]
HORIZONS: tuple[Horizon, ...] = get_args(Horizon)  # soonest first: the order recommendations sort in

# A finding's severity says when to act on it: high now, medium next, low later.
HORIZON_OF: dict[Severity, Horizon] = dict(zip(SEVERITIES, HORIZONS, strict=True))

StageId = Literal["ad-hoc", "minimum-viable", "single-pod", "multi-pod", "program"]
STAGE_IDS: tuple[StageId, ...] = get_args(StageId)  # the scaling ladder, level 0 first
