"""Adding an action to an assessment file from the command line (or from a plan step): validated first, then written
atomically; nothing is written when the file with the action added would not be valid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .assessment import assessment_yaml, parse_assessment
from .atomic import read_bounded, write_atomic
from .safe_yaml import MAX_FILE_BYTES, read_yaml_mapping


def add_action(path: Path, action: dict[str, Any]) -> int:
    """Append `action` to the file's `actions:` and return its index; InputError (naming the file and
    `actions[N]`) when the result would not be a valid assessment.

    A file without `actions:` gets the list appended as text, so its comments and layout stay as they were; a file
    that has one is written again in podcheck's own layout (its comments are not kept)."""
    data, lines = read_yaml_mapping(path)
    existing = data.get("actions")
    listed = list(existing) if isinstance(existing, list) else []
    index = len(listed)
    updated = {**data, "actions": [*listed, action]}
    model = parse_assessment(updated, str(path), lines)
    if "actions" not in data:
        text = read_bounded(path, MAX_FILE_BYTES, what="an assessment file").decode("utf-8")
        block = yaml.safe_dump({"actions": [action]}, sort_keys=False, allow_unicode=True, width=100,
                               default_flow_style=False)
        write_atomic(path, text + ("" if text.endswith("\n") else "\n") + block)
    else:
        write_atomic(path, assessment_yaml(model))
    return index
