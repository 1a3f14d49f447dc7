"""A team's own rule: metadata checked like the project's, tested with podcheck.testing's cases."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import podcheck
from podcheck import rules, testing
from podcheck.errors import ConfigError

OWN_RULE = '''
from podcheck.rules import Hit, rule


@rule("mine.lonely-pod")
def lonely_pod(team, rubric):
    """A pod of at most two core members."""
    for pod in team.pods:
        if len(pod.core) <= 2:
            yield Hit("mine.lonely-pod", pod.name, (), {"core": len(pod.core)},
                      variants={"size": "one" if len(pod.core) == 1 else "two"})
'''

OWN_METADATA = '''
- id: mine.lonely-pod
  title: Pod is very small
  severity: low
  principles: [P1]
  dimension: pods
  values: [core]
  message: Pod {pod} has {size}.
  recommendation: Give pod {pod} more people.
  variants:
    size: {one: "one core member", two: "{core} core members"}
'''

OWN_CASES = '''
- name: two-core-is-lonely
  id: mine.lonely-pod
  raises: true
  pod: CRM
  team:
    people:
      - {name: Lea, pod: CRM, roles: {lead: 0.5, analyst: 0.5}}
      - {name: Tom, pod: CRM, roles: {technologist: 1.0}}
- {name: three-core-is-not, id: mine.lonely-pod, raises: false}
'''


def _module(tmp_path: Path) -> ModuleType:
    source = tmp_path / "my_rules.py"
    source.write_text(OWN_RULE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("my_rules", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def own_registry(tmp_path: Path) -> rules.Registry:
    (tmp_path / "my_rules.yaml").write_text(OWN_METADATA, encoding="utf-8")
    metadata = rules.load_metadata(tmp_path / "my_rules.yaml")
    return podcheck.registry().extended(rules.rules_in(_module(tmp_path)), metadata)


def test_a_teams_own_rule_runs_through_the_same_case_harness(tmp_path: Path, own_registry: rules.Registry) -> None:
    (tmp_path / "cases.yaml").write_text(OWN_CASES, encoding="utf-8")
    cases = testing.load_cases(tmp_path / "cases.yaml")
    testing.check_ids(cases, own_registry)
    testing.check_coverage(cases, ["mine.lonely-pod"])
    for case in cases:
        testing.check_case(case, rules=own_registry)
    found = testing.findings_for(cases[0], rules=own_registry)
    assert [f.message for f in found] == ["Pod CRM has 2 core members."]
    assert not testing.findings_for(cases[0]), "the project's registry does not know the team's rule"


def test_a_case_that_fails_says_what_differs(own_registry: rules.Registry) -> None:
    case = testing.RuleCase(name="wrong-pod", id="mine.lonely-pod", raises=True, pod="ERP",
                            team={"people": [{"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}}]})
    with pytest.raises(AssertionError, match="no mine.lonely-pod finding has {'pod': 'ERP'}"):
        testing.check_case(case, rules=own_registry)


def test_a_placeholder_the_rule_does_not_provide_fails_at_load(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(OWN_METADATA.replace("Pod {pod} has {size}.", "Pod {pod} has {sise}."), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mine.lonely-pod: message: placeholder \{sise\}"):
        rules.load_metadata(bad)


def test_every_family_module_has_its_metadata_beside_it() -> None:
    folder = Path(rules.__file__).parent
    assert set(rules.families()) == {p.stem for p in folder.glob("*.yaml")}
    assert {r.family for r in podcheck.registry().rules} == set(rules.families())
