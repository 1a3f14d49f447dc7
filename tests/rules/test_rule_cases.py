"""Rule tests as data: every case in cases/*.yaml is one small team and one finding id.

The cases and how they are checked are podcheck.testing's (its docstring describes a case);
this file runs them for the project's own rules.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import podcheck
from podcheck.testing import (
    BASE_TEAM,
    RuleCase,
    build_team,
    check_case,
    check_coverage,
    check_ids,
    findings_for,
    load_cases,
)

CASES = load_cases(Path(__file__).parent / "cases")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: RuleCase) -> None:
    check_case(case)


def test_cases_are_well_formed() -> None:
    # Names unique, keys known and near misses free of expectations are checked as the cases load.
    check_ids(CASES, podcheck.registry())


def test_every_rule_id_has_a_raising_and_a_near_miss_case() -> None:
    # A new rule cannot land without cases: both directions, for every id the registry knows.
    check_coverage(CASES, podcheck.registry().meta)


def test_contract_ids_are_registered() -> None:
    contract = {
        "roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst",
        "dual-role.analyst-technologist", "dual-role.single-person", "developer-trap", "pod.oversize",
        "pod.extended-owns-deliverables", "scaling.no-head-of-integration", "scaling.reporting-lines",
        "scaling.no-pod-principle", "capacity.backlog-growing", "fundamentals.no-platform",
        "fundamentals.no-process",
    }
    assert contract <= set(podcheck.registry().meta)


def test_base_team_raises_nothing() -> None:
    # Near misses only mean something if the base they start from is clean.
    result = podcheck.assess(podcheck.parse_assessment(copy.deepcopy(BASE_TEAM)))
    assert result.findings == []
    assert result.stage.id == "minimum-viable"


RUBRIC_TEAM = RuleCase(name="nine-core", id="pod.oversize", raises=True, file="rubric",
                       add=[{"pod": "CRM", "count": 6, "roles": {"technologist": 1.0}}])


def test_rubric_file_changes_a_threshold(tmp_path: Path) -> None:
    assert findings_for(RUBRIC_TEAM), "a nine-person pod is oversize under the default rubric"
    rubric_file = tmp_path / "roomy.yaml"
    rubric_file.write_text("pod_max_core: 10\npod_max_with_extended: 12\n")
    rubric = podcheck.load_rubric(rubric_file)
    assert (rubric.pod_max_core, rubric.pod_max_core_heavy_lead) == (
        10, podcheck.DEFAULT_RUBRIC.pod_max_core_heavy_lead)
    team = podcheck.parse_assessment(build_team(RUBRIC_TEAM))
    assert not [f for f in podcheck.assess(team, rubric).findings if f.id == "pod.oversize"]


def test_rubric_override_through_the_cli(tmp_path: Path, run_cli) -> None:
    team_file = tmp_path / "team.yaml"
    team_file.write_text(yaml.safe_dump(build_team(RUBRIC_TEAM)))
    rubric_file = tmp_path / "roomy.yaml"
    rubric_file.write_text("pod_max_core: 10\n")
    default = run_cli("assess", team_file, "--format", "json")
    roomy = run_cli("assess", team_file, "--format", "json", "--rubric", rubric_file)
    assert (default.code, roomy.code) == (0, 0), default.err + roomy.err
    assert "pod.oversize" in default.out
    assert "pod.oversize" not in roomy.out


@pytest.mark.parametrize(("text", "key", "words"), [
    ("pod_max_core: 0\n", "pod_max_core", "must be at least 1"),
    ("pod_max_core: eight\n", "pod_max_core", "must be a whole number"),
    ("pod_max_size: 8\n", "pod_max_size", "unknown key 'pod_max_size'"),
    ("score_cap: {high: 170}\n", "score_cap.high", "must be at most 100"),
    ("dimension_weights: {rolez: 2}\n", "dimension_weights", "unknown dimension 'rolez'"),
])
def test_bad_rubric_is_an_input_error_naming_file_and_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    rubric_file = tmp_path / "bad-rubric.yaml"
    rubric_file.write_text(text)
    with pytest.raises(podcheck.InputError) as caught:
        podcheck.load_rubric(rubric_file)
    problems = caught.value.problems
    assert len(problems) == 1
    assert (problems[0].file, problems[0].path) == (str(rubric_file), key)
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"{rubric_file}: {key}: ")
