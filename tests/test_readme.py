"""The README's table of allowed values says exactly what the model accepts."""

from __future__ import annotations

import re
from pathlib import Path

from podcheck import model
from podcheck.catalog import ROLES

README = Path(__file__).resolve().parents[1] / "README.md"


def allowed_values() -> dict[str, list[str]]:
    """The README's 'Allowed values' table: field → the values in backquotes (without '(default)' notes)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Allowed values", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in section.splitlines()[2:]:
        field, values = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[field] = re.findall(r"`([^`]+)`", values.split("(extended members only)")[0].split(", each")[0])
    return rows


def test_every_choice_field_lists_exactly_the_values_the_model_accepts() -> None:
    rows = allowed_values()
    assert rows["`context.platform`"] == list(model.PLATFORMS)
    assert rows["`context.process`"] == list(model.PROCESSES)
    assert rows["`pods[].focus`"] == list(model.FOCUS)
    assert rows["`pods[].lead_load`"] == list(model.LEAD_LOAD)
    assert rows["`people[].background`"] == list(model.BACKGROUNDS)
    assert rows["`people[].member`, `assignments[].member`"] == list(model.MEMBERSHIP)
    assert rows["`people[].helps_as`"] == list(model.HELPS_AS)
    assert rows["`roles` keys"] == list(ROLES)
