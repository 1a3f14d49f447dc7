"""Shared inputs for the workshop tests: a small unit whose only pod has no analyst."""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_UNIT = """\
schema: podcheck/1
organization: Testing Co
unit: Connectors
assessed_on: 2026-11-20
context:
  platform: ipaas
  process: defined
pods:
  - name: CRM
    focus: domain
    active_projects: 2
people:
  - name: Ana Ruiz
    pod: CRM
    roles: {lead: 1.0}
    background: business-analysis
  - name: Bo Chen
    pod: CRM
    roles: {technologist: 1.0}
    background: mis
    integration_training: true
"""


@pytest.fixture
def unit_file(tmp_path: Path) -> Path:
    """A one-pod unit with a lead and a technologist but no analyst, in a fresh folder."""
    path = tmp_path / "team.yaml"
    path.write_text(SMALL_UNIT, encoding="utf-8")
    return path
