"""Rule tests as data: YAML cases, each one small team and one finding id, checked the same way for any rule.

A case file is a list of cases. A case names a finding `id` and says whether it `raises`. Its
`team` is merged onto a base team (mappings merge key by key, lists replace), `add` appends
people (a `count` makes that many alike, named after their pod and first role; people in several pods
are given with `assignments`, as in a file), `copies` adds
more pods shaped like the base pod, and `rubric` overrides thresholds. A raising case may also
pin `pod` (null for organisation-wide), `people`, `severity` and `count`, and list words the finding
`says` and `never_says` (in its message or recommendation); `why` is a note.

The base team, pod CRM with Lea (lead), Tom (technologist) and Ana (analyst), raises nothing, so
a near miss (`raises: false`) means what it says. Testing a team's own rule with pytest:

    from podcheck import rules, testing
    import my_rules

    MINE = rules.registry().extended(rules.rules_in(my_rules), rules.load_metadata("my_rules.yaml"))
    CASES = testing.load_cases("tests/my_cases")

    @pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
    def test_my_rule(case):
        testing.check_case(case, rules=MINE)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from .assess import assess
from .catalog import DEFAULT_RUBRIC, Rubric, Severity
from .catalog.loader import DataFile, read_entries
from .errors import ConfigError
from .files.assessment import parse_assessment
from .result import Finding
from .rules import Registry

BASE_TEAM: dict[str, Any] = yaml.safe_load("""
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

EXPECTATIONS = ("pod", "people", "severity", "count", "says", "never_says")


class RuleCase(BaseModel):
    """One case: a team built from the base, the finding id it is about, and what should happen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    id: str
    raises: StrictBool
    why: str | None = None
    team: dict[str, Any] = Field(default_factory=dict)
    add: list[dict[str, Any]] = Field(default_factory=list)
    copies: int = Field(0, ge=0)
    rubric: dict[str, Any] = Field(default_factory=dict)
    pod: str | None = None
    people: list[str] | None = None
    severity: Severity | None = None
    count: int | None = Field(None, ge=1)
    says: list[str] | None = None  # each appears in the message or recommendation of the matching finding
    never_says: list[str] | None = None  # none appears in them
    file: str = Field("", exclude=True)  # the case file it came from, for messages

    @model_validator(mode="after")
    def _near_miss_pins_nothing(self) -> RuleCase:
        if not self.raises and self.pinned():
            raise ValueError("a near miss (raises: false) cannot expect a pod, people, severity or count")
        return self

    def pinned(self) -> dict[str, Any]:
        """What a raising case expects of its findings (a pod given as null counts: organisation-wide)."""
        return {k: getattr(self, k) for k in EXPECTATIONS if k in self.model_fields_set}


def load_cases(*paths: str | Path) -> tuple[RuleCase, ...]:
    """The cases in these YAML files, or in every *.yaml of these folders; a case name used twice is an error."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    cases = [case.model_copy(update={"file": file.name})
             for file in files for case in read_entries(DataFile.local(file), RuleCase, key="name")]
    names = [c.name for c in cases]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"case name '{repeated[0]}' appears in more than one case")
    return tuple(cases)


def _merge(base: Any, overlay: Any) -> Any:
    """Overlay onto base: mappings merge key by key, anything else (lists too) replaces."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return copy.deepcopy(overlay)


def _first_place(person: dict[str, Any]) -> dict[str, Any]:
    # A person in several pods (`assignments`) is named after their first pod and role there.
    places = person.get("assignments") or [{}]
    return person if "pod" in person or not isinstance(places[0], dict) else places[0]


def _label(person: dict[str, Any]) -> str:
    roles = _first_place(person).get("roles") or {}
    return next(iter(roles), None) or person.get("helps_as") or "member"


def build_team(case: RuleCase, base: dict[str, Any] = BASE_TEAM) -> dict[str, Any]:
    """The assessment data a case describes: base, then team overlay, copies and added people."""
    team = _merge(copy.deepcopy(base), case.team)
    for n in range(2, 2 + case.copies):
        pod = f"Pod {n}"
        team["pods"].append({"name": pod, "focus": "domain"})
        for person in base["people"]:
            team["people"].append({**copy.deepcopy(person), "name": f"{person['name']} {n}", "pod": pod})
    for group in case.add:
        group = dict(group)
        count = group.pop("count", None)
        if count is None:
            team["people"].append(group)
            continue
        for i in range(1, count + 1):
            person = {"background": "mis", **copy.deepcopy(group)}
            person["name"] = f"{_first_place(person).get('pod')} {_label(person)} {i}"
            team["people"].append(person)
    return team


def findings_for(case: RuleCase, *, rules: Registry | None = None, base: dict[str, Any] = BASE_TEAM) -> list[Finding]:
    """Assess the case's team (with its rubric overrides) and keep the findings of its id."""
    assessment = parse_assessment(build_team(case, base), file=f"{case.file}:{case.name}")
    rubric = Rubric.model_validate({**DEFAULT_RUBRIC.model_dump(), **case.rubric}) if case.rubric else None
    return [f for f in assess(assessment, rubric, rules=rules).findings if f.id == case.id]


def _check(condition: bool, message: object) -> None:
    # Not `assert`: a harness must check even when Python runs with -O.
    if not condition:
        raise AssertionError(message)


def check_case(case: RuleCase, *, rules: Registry | None = None, base: dict[str, Any] = BASE_TEAM) -> None:
    """Assess the case and raise AssertionError, saying what differs, unless it comes out as the case says."""
    found = findings_for(case, rules=rules, base=base)
    if not case.raises:
        _check(not found, f"{case.id} raised, but this case expects it not to: {[f.message for f in found]}")
        return
    _check(bool(found), f"{case.id} was not raised")
    wanted = case.pinned()
    count = wanted.pop("count", None)
    says, never_says = wanted.pop("says", None) or [], wanted.pop("never_says", None) or []
    if count is not None:
        _check(len(found) == count, [f.message for f in found])
    matching = [f for f in found if all(getattr(f, k) == v for k, v in wanted.items())]
    _check(bool(matching), f"no {case.id} finding has {wanted}; got " + str(
        [{k: getattr(f, k) for k in wanted} for f in found]))
    for f in matching:
        # The words a user reads are filled in, never left as {placeholders}.
        _check("{" not in f.message + f.recommendation + f.title, f)
    words = [f.message + " " + f.recommendation for f in matching]
    for text in says:
        _check(any(text in w for w in words), f"{case.id} never says {text!r}: {words}")
    for text in never_says:
        _check(not any(text in w for w in words), f"{case.id} says {text!r}: {words}")


def check_ids(cases: Iterable[RuleCase], rules: Registry) -> None:
    """Every case is about a finding id the registry knows."""
    for case in cases:
        _check(case.id in rules.meta, f"{case.name}: unknown finding id {case.id}")


def check_coverage(cases: Iterable[RuleCase], ids: Iterable[str]) -> None:
    """Every one of these finding ids has a raising case and a near miss."""
    cases, ids = tuple(cases), set(ids)
    missing = {
        "raising": sorted(ids - {c.id for c in cases if c.raises}),
        "near-miss": sorted(ids - {c.id for c in cases if not c.raises}),
    }
    _check(missing == {"raising": [], "near-miss": []}, missing)
