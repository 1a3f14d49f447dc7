"""Rule tests as data: every case in cases/*.yaml is one small team and one finding id.

A case names a finding id and says whether it `raises`. Its `team` is merged onto the shared
base team below (mappings merge key by key, lists replace), `add` appends people (a `count`
makes that many alike), and `copies` adds more pods shaped like the base pod. A raising case
may also pin `pod` (null for organisation-wide), `people`, `severity` and `count`.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import podcheck
from podcheck.result import Finding

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {"name", "id", "raises", "why", "team", "add", "copies", "rubric", "pod", "people", "severity", "count"}

BASE: dict[str, Any] = yaml.safe_load("""
schema: podcheck/1
organization: Acme Corp
unit: Rule cases
assessed_on: 2026-11-20
pods:
  - {name: CRM, focus: domain}
people:
  - {name: Lea, pod: CRM, roles: {lead: 1.0}, background: business-process}
  - {name: Tom, pod: CRM, roles: {technologist: 1.0}, background: mis}
  - {name: Ana, pod: CRM, roles: {analyst: 1.0}, background: business-analysis}
""")


@cache
def all_cases() -> tuple[dict[str, Any], ...]:
    """Every case from every family file, each tagged with the file it came from."""
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append({**case, "_file": path.name})
    return tuple(cases)


def merge(base: Any, overlay: Any) -> Any:
    """Overlay onto base: mappings merge key by key, anything else (lists too) replaces."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    return copy.deepcopy(overlay)


def _label(person: dict[str, Any]) -> str:
    roles = person.get("roles") or {}
    return next(iter(roles), None) or person.get("helps_as") or "member"


def build_team(case: dict[str, Any]) -> dict[str, Any]:
    """The assessment data a case describes: base, then team overlay, copies and added people."""
    team = merge(copy.deepcopy(BASE), case.get("team") or {})
    for n in range(2, 2 + case.get("copies", 0)):
        pod = f"Pod {n}"
        team["pods"].append({"name": pod, "focus": "domain"})
        for person in BASE["people"]:
            team["people"].append({**copy.deepcopy(person), "name": f"{person['name']} {n}", "pod": pod})
    for group in case.get("add") or []:
        group = dict(group)
        count = group.pop("count", None)
        if count is None:
            team["people"].append(group)
            continue
        for i in range(1, count + 1):
            person = {"background": "mis", **copy.deepcopy(group)}
            person["name"] = f"{person['pod']} {_label(person)} {i}"
            team["people"].append(person)
    return team


def findings_for(case: dict[str, Any]) -> list[Finding]:
    """Assess the case's team (with its rubric overrides) and keep the findings of its id."""
    data = build_team(case)
    assessment = podcheck.parse_assessment(data, file=f"{case['_file']}:{case['name']}")
    rubric = None
    if case.get("rubric"):
        rubric = podcheck.Rubric.model_validate({**podcheck.DEFAULT_RUBRIC.model_dump(), **case["rubric"]})
    result = podcheck.assess(assessment, rubric)
    return [f for f in result.findings if f.id == case["id"]]


CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case: dict[str, Any]) -> None:
    found = findings_for(case)
    if not case["raises"]:
        assert not found, f"{case['id']} raised, but this case expects it not to: {[f.message for f in found]}"
        return
    assert found, f"{case['id']} was not raised"
    if "count" in case:
        assert len(found) == case["count"], [f.message for f in found]
    wanted = {k: case[k] for k in ("pod", "people", "severity") if k in case}
    matching = [f for f in found if all(getattr(f, k) == v for k, v in wanted.items())]
    assert matching, f"no {case['id']} finding has {wanted}; got " + str(
        [{k: getattr(f, k) for k in wanted} for f in found])
    for f in matching:
        # The words a user reads are filled in, never left as {placeholders}.
        assert "{" not in f.message + f.recommendation + f.title, f


def test_cases_are_well_formed() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    ids = set(podcheck.registry().meta)
    for case in CASES:
        assert set(case) - {"_file"} <= CASE_KEYS, (case["name"], set(case) - CASE_KEYS - {"_file"})
        assert case["id"] in ids, f"{case['name']}: unknown finding id {case['id']}"
        assert isinstance(case["raises"], bool), case["name"]
        if not case["raises"]:
            assert not set(case) & {"pod", "people", "severity", "count"}, f"{case['name']}: expectations on a near miss"


def test_every_rule_id_has_a_raising_and_a_near_miss_case() -> None:
    # A new rule cannot land without cases: both directions, for every id the registry knows.
    ids = set(podcheck.registry().meta)
    raising = {c["id"] for c in CASES if c["raises"]}
    missing = {
        "raising": sorted(ids - raising),
        "near-miss": sorted(ids - {c["id"] for c in CASES if not c["raises"]}),
    }
    assert missing == {"raising": [], "near-miss": []}


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
    result = podcheck.assess(podcheck.parse_assessment(copy.deepcopy(BASE)))
    assert result.findings == []
    assert result.stage.id == "minimum-viable"


RUBRIC_TEAM = {"name": "nine-core", "id": "pod.oversize", "_file": "rubric",
               "add": [{"pod": "CRM", "count": 6, "roles": {"technologist": 1.0}}]}


def test_rubric_file_changes_a_threshold(tmp_path: Path) -> None:
    assert findings_for(RUBRIC_TEAM), "a nine-person pod is oversize under the default rubric"
    rubric_file = tmp_path / "roomy.yaml"
    rubric_file.write_text("pod_max_core: 10\npod_max_with_extended: 12\n")
    rubric = podcheck.load_rubric(rubric_file)
    assert (rubric.pod_max_core, rubric.pod_max_core_heavy_lead) == (10, podcheck.DEFAULT_RUBRIC.pod_max_core_heavy_lead)
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
