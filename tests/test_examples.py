"""The bundled examples: together they show every stage and every contract finding, and they
say truthfully (in their header comments and in their README) what podcheck raises."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

import podcheck
from podcheck.result import Result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT / "assessments" / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "examples.yaml").read_text(encoding="utf-8"))
STAGES = ["ad-hoc", "minimum-viable", "single-pod", "multi-pod", "program"]
CONTRACT_IDS = {
    "roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst",
    "dual-role.analyst-technologist", "dual-role.single-person", "developer-trap", "pod.oversize",
    "pod.extended-owns-deliverables", "scaling.no-head-of-integration", "scaling.reporting-lines",
    "scaling.no-pod-principle", "capacity.backlog-growing", "fundamentals.no-platform", "fundamentals.no-process",
}


@cache
def result_of(path: Path) -> Result:
    """The assessment of one example file (computed once per test session)."""
    return podcheck.assess(podcheck.load_assessment(path))


def ids_named_in(text: str) -> set[str]:
    """Registered finding ids written in a piece of prose, whole ids only."""
    return {rid for rid in podcheck.registry().meta
            if re.search(rf"(?<![\w.-]){re.escape(rid)}(?![\w-]|\.\w)", text)}


def test_examples_cover_every_stage_and_every_contract_finding() -> None:
    stages = {result_of(p).stage.id for p in EXAMPLES}
    assert stages == set(STAGES)
    raised = {f.id for p in EXAMPLES for f in result_of(p).findings}
    assert CONTRACT_IDS - raised == set()


def test_golden_file_lists_every_example() -> None:
    assert sorted(GOLDEN) == [p.stem for p in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_stage_and_findings_match_the_reviewed_golden_file(example: Path) -> None:
    result = result_of(example)
    got = {"stage": result.stage.id, "findings": sorted({f.id for f in result.findings})}
    assert got == GOLDEN[example.stem]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_header_comment_names_what_is_raised(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.split("schema:", 1)[0].splitlines() if line.startswith("#"))
    result = result_of(example)
    raised = {f.id for f in result.findings}
    assert f"Stage {result.stage.id}" in header
    # Questionnaire findings may be summarised; every finding about the team's shape is named.
    assert {i for i in raised if not i.startswith("practice.")} <= ids_named_in(header)
    assert ids_named_in(header) <= raised, "the comment promises a finding podcheck does not raise"


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_readme_row_names_what_is_raised(example: Path) -> None:
    readme = (EXAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith(f"| [{example.name}]")]
    assert len(rows) == 1, f"README.md needs one table row for {example.name}"
    stage_cell = rows[0].split("|")[2].strip()
    result = result_of(example)
    assert stage_cell == result.stage.id
    raised = {f.id for f in result.findings}
    assert {i for i in raised if not i.startswith("practice.")} <= ids_named_in(rows[0])
    assert ids_named_in(rows[0]) <= raised
