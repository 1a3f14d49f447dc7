"""Assessment files → typed model, and back: read, parse and cross-check; the one YAML writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import InputError, Loc, Problem, format_loc
from ..model import SCHEMA, Assessment
from ..text import name_problem
from .locations import expand_folders
from .problems import LineMap, did_you_mean, line_for, validation_problems
from .safe_yaml import parse_yaml_mapping, read_yaml_mapping

ASSESSMENT_SUFFIXES = (".yaml", ".yml")

# ---------------------------------------------------------------- cross-checks between parts of a file


def _reference(value: object) -> str | None:
    """A name given to refer to a person or pod, stripped; None when it cannot be one (the model says why)."""
    if not isinstance(value, str) or not value.strip() or name_problem(value.strip()):
        return None
    return value.strip()


def _check_pod(add: Callable[..., None], loc: Loc, pod: str, pod_names: dict[str, int]) -> None:
    """A pod a person names must be one of the file's pods."""
    if _reference(pod) is not None and pod.strip() not in pod_names:
        listed = ", ".join(pod_names) or "none"
        add(loc, f"no pod named '{pod}'{did_you_mean(pod, pod_names)} (pods in this file: {listed})", "not-found")


def _check_assignments(add: Callable[..., None], i: int, assignments: list[Any], pod_names: dict[str, int]) -> None:
    """Each pod of a person in several pods exists, is named once, and gives a core member a role."""
    seen: dict[str, int] = {}
    for j, place in enumerate(assignments):
        if not isinstance(place, dict):
            continue
        loc: Loc = ("people", i, "assignments", j)
        pod = place.get("pod")
        if isinstance(pod, str):
            _check_pod(add, (*loc, "pod"), pod, pod_names)
            name = pod.strip()
            if name in seen:
                add((*loc, "pod"), f"pod '{name}' is already in this person's assignments (assignments[{seen[name]}]); "
                    "give each pod once, with every role held there", "duplicate")
            seen.setdefault(name, j)
        if not place.get("roles") and place.get("member", "core") == "core":
            add((*loc, "roles"), "a core member needs at least one role (lead, technologist or analyst); "
                "mark a part-time helper in this pod with `member: extended`", "missing")


def _cross_check(data: dict[str, Any], file: str, lines: LineMap, question_ids: set[str]) -> list[Problem]:
    """Checks that span keys (pods exist, names unique…), made on the raw data so all are reported."""
    problems: list[Problem] = []

    def add(loc: Loc, message: str, code: str, related: Loc = ()) -> None:
        problems.append(Problem.at(file, loc, message, line_for(lines, loc), code=code, related=related))

    pods = data.get("pods") if isinstance(data.get("pods"), list) else []
    people = data.get("people") if isinstance(data.get("people"), list) else []

    def first_places(items: list[Any], key: str, what: str) -> dict[str, int]:
        """Each name's first index; a name seen again is reported where it repeats."""
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str):
                name = name.strip()
                if name in first:
                    earlier = (key, first[name])
                    add((key, i, "name"), f"{what} '{name}' is listed twice (first at {format_loc(earlier)}); "
                        "names must be unique", "duplicate", earlier)
                first.setdefault(name, i)
        return first

    pod_names = first_places(pods, "pods", "pod")
    person_names = first_places(people, "people", "person")

    head = _reference(data.get("head_of_integration"))
    if head is not None and head not in person_names:
        add(("head_of_integration",), f"no person named '{head}' in people{did_you_mean(head, person_names)}",
            "not-found")

    for i, person in enumerate(people):
        if not isinstance(person, dict):
            continue
        name = person.get("name").strip() if isinstance(person.get("name"), str) else None
        places = person.get("assignments") if isinstance(person.get("assignments"), list) else []
        extended = person.get("member") == "extended" or any(
            isinstance(a, dict) and a.get("member") == "extended" for a in places)
        is_head = name is not None and name == head
        pod = person.get("pod")
        roles = person.get("roles")
        assignments = person.get("assignments")
        if isinstance(pod, str):
            _check_pod(add, ("people", i, "pod"), pod, pod_names)
            if not roles and not extended and not is_head:
                add(("people", i, "roles"), "a core member needs at least one role (lead, technologist or analyst); "
                    "mark a part-time helper with `member: extended`", "missing")
        elif isinstance(assignments, list):
            _check_assignments(add, i, assignments, pod_names)
        elif pod is None and roles and not is_head:
            add(("people", i, "pod"), "is required for anyone holding a role: name their pod, or list their pods "
                "under `assignments` (only people outside every pod, such as line managers, hold no role)",
                "missing")
        elif pod is None and extended:
            add(("people", i, "pod"), "is required: a part-time helper names the pod they help", "missing")
        if person.get("helps_as") is not None and not extended:
            add(("people", i, "helps_as"), "only part-time helpers have this; add `member: extended` or remove it",
                "not-allowed")
        boss = _reference(person.get("reports_to"))
        if boss is not None:
            if boss not in person_names:
                add(("people", i, "reports_to"), f"no person named '{boss}' in people"
                    f"{did_you_mean(boss, person_names)}", "not-found")
            elif boss == name:
                add(("people", i, "reports_to"), "a person cannot report to themselves", "not-allowed")

    answers = data.get("answers")
    if isinstance(answers, dict) and question_ids:
        for qid in answers:
            if str(qid) not in question_ids:
                add(("answers", str(qid)), f"unknown question id{did_you_mean(str(qid), question_ids)} "
                    "(list them with `podcheck questions`)", "unknown-key")
    _check_finding_refs(add, data, pod_names)
    return problems


def _check_finding_refs(add: Callable[..., None], data: dict[str, Any], pod_names: dict[str, int]) -> None:
    """Findings named by actions and accepted risks are ids podcheck raises, about pods of this file."""
    refs: list[tuple[Loc, Any]] = []
    for key in ("actions", "accepted_risks"):
        items = data.get(key) if isinstance(data.get(key), list) else []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if key == "accepted_risks":
                refs.append(((key, i), item))
            elif isinstance(item.get("findings"), list):
                refs += [((key, i, "findings", j), ref) for j, ref in enumerate(item["findings"])]
    if not refs:
        return
    from ..rules import registry

    known = set(registry().meta)
    for loc, ref in refs:
        ref = {"id": ref} if isinstance(ref, str) else ref
        if not isinstance(ref, dict):
            continue
        rule = ref.get("id")
        if isinstance(rule, str) and rule.strip() and rule.strip() not in known:
            at = (*loc, "id") if loc[0] == "accepted_risks" or isinstance(ref, dict) else loc
            add(at, f"no finding id '{rule}'{did_you_mean(rule, known)} (list them with `podcheck rules`)",
                "not-found")
        pod = ref.get("pod")
        if isinstance(pod, str):
            _check_pod(add, (*loc, "pod"), pod, pod_names)


# ---------------------------------------------------------------- public entry points


def parse_assessment(data: Mapping[str, Any], file: str = "<assessment>",
                     lines: LineMap | None = None) -> Assessment:
    """Validate already-parsed data (a dict from YAML, a spreadsheet or the workshop) into a model."""
    from ..catalog import question_ids

    lines = lines or {}
    data = dict(data)
    problems: list[Problem] = []
    schema = data.get("schema")
    if schema is not None and schema != SCHEMA:
        problems.append(Problem.at(file, ("schema",), f"'{schema}' is not a format this podcheck reads; "
                                   f"use `schema: {SCHEMA}`", line_for(lines, ("schema",)), code="schema"))
        data["schema"] = SCHEMA  # report the rest of the file's problems too
    try:
        model = Assessment.model_validate(data)
    except ValidationError as exc:
        model = None
        problems += validation_problems(exc, file, lines)
    problems += _cross_check(data, file, lines, question_ids())
    if problems:
        unique = list(dict.fromkeys(problems))
        raise InputError(sorted(unique, key=lambda p: (p.line or 0, p.path)))
    assert model is not None
    return model


def load_assessment(path: str | Path) -> Assessment:
    """Read and validate one assessment file; raises InputError listing every problem found."""
    data, lines = read_yaml_mapping(path)
    return parse_assessment(data, str(path), lines)


def parse_assessment_text(text: str, file: str = "<text>") -> Assessment:
    """Validate an assessment given as YAML text."""
    data, lines = parse_yaml_mapping(text, file)
    return parse_assessment(data, file, lines)


def find_assessment_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the assessment files they hold, sorted, without duplicates."""
    return expand_folders(inputs, ASSESSMENT_SUFFIXES)


# ---------------------------------------------------------------- writing


def assessment_yaml(assessment: Assessment, *, header: str = "") -> str:
    """The assessment in file form, as `podcheck assess` reads it, after `header` (comment lines, if any)."""
    data = assessment.to_yaml_dict()
    data["assessed_on"] = assessment.assessed_on  # a bare date in YAML, as people write it, not a quoted string
    # libyaml's dumper when PyYAML has it: about ten times faster, and the workshop writes on every edit.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return header + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
