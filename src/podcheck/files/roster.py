"""Spreadsheet rosters → assessments: one unit per `unit` value, validated by parse_assessment.

Every unit is turned into the same dict an assessment YAML file gives and validated by
`podcheck.parse_assessment`, so the rules and messages stay those of YAML input; only the place
is translated back, to file, sheet, row and column. The sheets themselves are read by sheets.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Loc, Problem, format_loc
from ..model import ROLES, SCHEMA, Assessment
from .assessment import assessment_yaml, parse_assessment
from .atomic import unique_names, unneutralise, write_atomic
from .problems import did_you_mean
from .sheets import ANSWER, NOTE, PERSON_COLUMNS, POD_FACTS, UNIT_FACTS, Sheet, read_sheets

# ---------------------------------------------------------------- cells → values


def _number(value: Any) -> Any:
    """A number from a cell: 0.5, '0.5', '0,5' or '50%'; anything else is returned unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).replace(" ", "")
        percent = text.endswith("%")
        text = text.removesuffix("%").replace(",", ".")
        if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
            return value
        number = float(text) / (100 if percent else 1)
    return int(number) if number.is_integer() else number


def _cell(kind: str, value: Any) -> Any:
    """A spreadsheet cell as the value an assessment file would hold; unreadable values pass through
    unchanged so that parse_assessment names the problem in its usual words."""
    if isinstance(value, str):
        # A leading apostrophe is how exported rosters keep =, +, - and @ from being run as formulas.
        value = unneutralise(value)
    if kind == "text":
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if kind == "choice":
        return re.sub(r"[\s_]+", "-", value.strip().lower()) if isinstance(value, str) else value
    if kind == "number":
        return _number(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = str(value).strip().lower()
        return {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False,
                "0": False}.get(word, value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time(0) else value
        return value
    raise ValueError(f"unknown column kind {kind}")


# ---------------------------------------------------------------- rows → units


@dataclass
class RosterUnit:
    """One unit's data gathered from the roster, with the sheet place of every value for errors."""

    name: str
    source: str
    data: dict[str, Any]
    places: dict[Loc, tuple[str, str]] = field(default_factory=dict)  # place in the data → (file, place in sheet)
    first_place: tuple[str, str] = ("", "")
    missing_hint: str = ""
    repeated: dict[Loc, str] = field(default_factory=dict)  # a second row for a person and pod → what to say

    def _place(self, loc: Loc) -> tuple[str, str, Loc]:
        """(file, place) of the nearest recorded place around `loc`, and what is left of `loc` below it."""
        for cut in range(len(loc), 0, -1):
            if loc[:cut] in self.places:
                return (*self.places[loc[:cut]], loc[cut:])
        return (*self.first_place, loc)

    def _message(self, problem: Problem) -> str:
        """The message, with another place it names ("first at people[0]") given as its row."""
        if problem.loc in self.repeated and problem.code == "duplicate":
            return self.repeated[problem.loc]
        if not problem.related:
            return problem.message
        named = format_loc(problem.related)
        return problem.message.replace(named, self._place(problem.related)[1] or named)

    def assessment(self) -> Assessment:
        """Validate with parse_assessment; problems are re-addressed to file, sheet, row and column."""
        try:
            return parse_assessment(self.data, file=f"{self.source} (unit {self.name})")
        except InputError as exc:
            problems = []
            for p in exc.problems:
                file, place, rest = self._place(p.loc)
                message = self._message(p)
                if p.loc in (("organization",), ("assessed_on",)) and self.missing_hint and p.code == "missing":
                    message += f" ({self.missing_hint})"
                if len(rest) == 1 and isinstance(rest[0], str) and re.fullmatch(r"[a-z_]+", rest[0]):
                    place, rest = f"{place}, column {rest[0]}", ()
                text = f"{format_loc(rest)}: {message}" if rest else message
                problems.append(Problem(file, place, text, loc=p.loc, code=p.code, related=p.related))
            raise InputError(list(dict.fromkeys(problems))) from None


def _unit_name(sheet: Sheet, number: int, cells: dict[str, Any], problems: list[Problem]) -> str | None:
    unit = cells.get("unit")
    if unit is None:
        problems.append(Problem(sheet.file, sheet.where(number, "unit"), "is empty; every row names its unit"))
        return None
    return str(_cell("text", unit)).strip()


def units_from_sheets(people: Sheet, facts: Sheet | None) -> list[RosterUnit]:
    """Group rows by unit and build each unit's assessment dict (not yet validated)."""
    problems: list[Problem] = []
    units: dict[str, RosterUnit] = {}
    source = people.file

    def unit_for(name: str, sheet: Sheet, number: int) -> RosterUnit:
        if name not in units:
            units[name] = RosterUnit(name, source, {"schema": SCHEMA, "unit": name, "pods": [], "people": []},
                                     first_place=(sheet.file, sheet.where(number)))
            units[name].places[("unit",)] = (sheet.file, sheet.where(number, "unit"))
        return units[name]

    fact_rows: dict[str, tuple[int, dict[str, Any]]] = {}
    pod_rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if facts is not None:
        for number, cells in facts.rows:
            name = _unit_name(facts, number, cells, problems)
            if name is None:
                continue
            unit_for(name, facts, number)
            pod = cells.get("pod")
            if pod is None:
                if name in fact_rows:
                    problems.append(Problem(facts.file, facts.where(number), f"unit '{name}' already has a facts row "
                                            f"(row {fact_rows[name][0]}); give each unit one row with an empty pod"))
                    continue
                wrong = [c for c in cells if c in POD_FACTS]
                problems += [Problem(facts.file, facts.where(number, c), "belongs on a pod's row (fill in its pod)")
                             for c in wrong]
                fact_rows[name] = (number, cells)
            else:
                wrong = [c for c in cells if c in UNIT_FACTS or c.startswith((ANSWER, NOTE))]
                problems += [Problem(facts.file, facts.where(number, c),
                                     "belongs on the unit's row (leave pod empty there)") for c in wrong]
                pod_rows.setdefault(name, []).append((number, cells))

    rows_by_unit: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, cells in people.rows:
        name = _unit_name(people, number, cells, problems)
        if name is None:
            continue
        unit_for(name, people, number)
        rows_by_unit.setdefault(name, []).append((number, cells))
    for name, rows in rows_by_unit.items():
        _add_people(units[name], people, rows, problems)

    staffed = [n for n, u in units.items() if u.data["people"]]
    for name, unit in units.items():
        if not unit.data["people"]:
            hint = did_you_mean(name, staffed)
            problems.append(Problem(*unit.places[("unit",)],
                                    f"unit '{name}' has facts but nobody in the people sheet{hint}"))
            continue
        _add_facts(unit, facts, fact_rows.get(name), pod_rows.get(name, []))
    if problems:
        raise InputError(problems)
    return list(units.values())


# Columns that belong to one pod of a person (a row per person and pod); the rest describe the person.
PLACEMENT_COLUMNS = ("pod", *ROLES, "member")


def _person_key(cells: dict[str, Any]) -> str | None:
    """The name that joins a person's rows (as the file will hold it), or None when there is none to join on."""
    name = cells.get("name")
    if name is None:
        return None
    name = _cell("text", name)
    return name.strip() if isinstance(name, str) else None


def _add_people(unit: RosterUnit, sheet: Sheet, rows: list[tuple[int, dict[str, Any]]],
                problems: list[Problem]) -> None:
    """A person per name: one row is a person in one pod (or none); several rows, one per pod, are a
    person in several pods (`assignments`). A second row for the same pod is an error naming both rows."""
    by_name: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, cells in rows:
        key = _person_key(cells)
        if key is not None:
            by_name.setdefault(key, []).append((number, cells))
    joined: dict[str, _Joined] = {}
    # People are added in row order, so that problems are reported in the order of the rows.
    for number, cells in rows:
        key = _person_key(cells)
        group = by_name.get(key, []) if key is not None else []
        if len(group) < 2:
            _one_row_person(unit, sheet, number, cells)
            continue
        assert key is not None
        if key not in joined:
            joined[key] = _Joined(len(unit.data["people"]), group)
            unit.places[("people", joined[key].index)] = (sheet.file, sheet.where(number))
            unit.places[("people", joined[key].index, "assignments")] = (sheet.file, sheet.where(number, "pod"))
            unit.data["people"].append(joined[key].person)
        joined[key].add(unit, sheet, key, number, cells, problems)


@dataclass
class _Joined:
    """A person with several rows, one per pod, being gathered into one entry with `assignments`."""

    index: int
    group: list[tuple[int, dict[str, Any]]]
    person: dict[str, Any] = field(default_factory=lambda: {"assignments": []})
    given: dict[str, tuple[int, Any]] = field(default_factory=dict)  # a detail → the first row giving it, its value
    pods: dict[str, int] = field(default_factory=dict)  # each pod → its row

    def add(self, unit: RosterUnit, sheet: Sheet, name: str, number: int, cells: dict[str, Any],
            problems: list[Problem]) -> None:
        """One more row of this person: a pod with its roles, and details that must agree with the other rows."""
        pod = _cell("text", cells["pod"]) if cells.get("pod") is not None else None
        pod_name = pod.strip() if isinstance(pod, str) else None
        if not pod_name:
            rows = ", ".join(str(n) for n, _ in self.group)
            problems.append(Problem(sheet.file, sheet.where(number, "pod"),
                                    f"is empty, but '{name}' has several rows (rows {rows}): a person in "
                                    "several pods has one row per pod, each naming its pod"))
            return
        if pod_name in self.pods:
            # Kept as a person of its own, so that it is reported with the unit's other problems, in row order.
            unit.repeated[("people", len(unit.data["people"]), "name")] = (
                f"person '{name}' is listed twice in pod '{pod_name}' (first at row {self.pods[pod_name]}); "
                "give one row per person and pod")
            _one_row_person(unit, sheet, number, cells)
            return
        self.pods[pod_name] = number
        assignments = self.person["assignments"]
        base: Loc = ("people", self.index)
        loc: Loc = (*base, "assignments", len(assignments))
        place: dict[str, Any] = {}
        roles: dict[str, Any] = {}
        unit.places[loc] = (sheet.file, sheet.where(number))
        for column, value in cells.items():
            if column == "unit":
                continue
            converted = _cell(PERSON_COLUMNS[column], value)
            if column in ROLES:
                roles[column] = converted
                unit.places[(*loc, "roles", column)] = (sheet.file, sheet.where(number, column))
            elif column in PLACEMENT_COLUMNS:
                place[column] = converted
                unit.places[(*loc, column)] = (sheet.file, sheet.where(number, column))
            elif column not in self.given:
                self.given[column] = (number, converted)
                self.person[column] = converted
                unit.places[(*base, column)] = (sheet.file, sheet.where(number, column))
            elif self.given[column][1] != converted:
                earlier, there = self.given[column]
                problems.append(Problem(sheet.file, sheet.where(number, column),
                                        f"'{converted}' differs from row {earlier} ('{there}'); a person's "
                                        "details are the same in each of their rows (or left empty)"))
        if roles:
            place["roles"] = roles
            unit.places[(*loc, "roles")] = (sheet.file, sheet.where(number) + ", columns lead, technologist, analyst")
        assignments.append(place)


def _one_row_person(unit: RosterUnit, sheet: Sheet, number: int, cells: dict[str, Any]) -> None:
    index = len(unit.data["people"])
    person: dict[str, Any] = {}
    roles: dict[str, Any] = {}
    base: Loc = ("people", index)
    unit.places[base] = (sheet.file, sheet.where(number))
    for column, value in cells.items():
        if column == "unit":
            continue
        converted = _cell(PERSON_COLUMNS[column], value)
        if column in ROLES:
            roles[column] = converted
            unit.places[(*base, "roles", column)] = (sheet.file, sheet.where(number, column))
        else:
            person[column] = converted
            unit.places[(*base, column)] = (sheet.file, sheet.where(number, column))
    if roles:
        person["roles"] = roles
        unit.places[(*base, "roles")] = (sheet.file, sheet.where(number) + ", columns lead, technologist, analyst")
    unit.data["people"].append(person)


def _add_facts(unit: RosterUnit, facts: Sheet | None, row: tuple[int, dict[str, Any]] | None,
               pods: list[tuple[int, dict[str, Any]]]) -> None:
    data = unit.data
    if row is not None and facts is not None:
        number, cells = row
        context: dict[str, Any] = {}
        backlog: dict[str, Any] = {}
        answers: dict[str, dict[str, Any]] = {}
        for column, value in cells.items():
            place = (facts.file, facts.where(number, column))
            if column in ("unit", "pod") or column in POD_FACTS:
                continue  # a pod fact on the unit's row was reported already
            if column.startswith((ANSWER, NOTE)):
                kind, qid = column.split(".", 1)
                entry = answers.setdefault(qid, {})
                if kind == "answer":
                    entry["score"] = _cell("number", value)
                    unit.places[("answers", qid, "score")] = place
                    unit.places.setdefault(("answers", qid), place)
                else:
                    entry["note"] = str(value)
                    unit.places[("answers", qid, "note")] = place
                continue
            converted = _cell(UNIT_FACTS[column], value)
            if column in ("platform", "process"):
                context[column] = converted
                unit.places[("context", column)] = place
            elif column.startswith("backlog_"):
                key = column.removeprefix("backlog_")
                backlog[key] = converted
                unit.places[("context", "backlog", key)] = place
            else:
                data[column] = converted
                unit.places[(column,)] = place
        if backlog:
            context["backlog"] = backlog
        if context:
            data["context"] = context
        if answers:
            data["answers"] = answers
        unit.first_place = (facts.file, facts.where(number))
        for key in ("organization", "assessed_on"):
            unit.places.setdefault((key,), (facts.file, facts.where(number, key)))
    elif facts is not None:
        unit.missing_hint = f"the facts sheet has no row for unit '{unit.name}' with an empty pod cell"
    else:
        unit.missing_hint = ("there is no facts sheet; add one with unit, organization and assessed_on columns: "
                             "a 'facts' sheet in a workbook, <roster>-facts.csv beside a CSV roster, or --facts FILE")
    named: list[str] = []
    for number, cells in pods:
        index = len(data["pods"])
        pod: dict[str, Any] = {"name": _cell("text", cells["pod"])}
        unit.places[("pods", index)] = (facts.file, facts.where(number)) if facts else unit.first_place
        unit.places[("pods", index, "name")] = (facts.file, facts.where(number, "pod")) if facts else unit.first_place
        for column, value in cells.items():
            if column in POD_FACTS:
                pod[column] = _cell(POD_FACTS[column], value)
                unit.places[("pods", index, column)] = ((facts.file, facts.where(number, column)) if facts
                                                        else unit.first_place)
        data["pods"].append(pod)
        named.append(str(pod["name"]).strip())
    if pods:
        # The facts sheet lists this unit's pods: a pod named only in the people sheet is a typo,
        # which parse_assessment reports with a suggestion.
        return
    # No pods listed in the facts: the pods are those the people sheet names, in order of first mention.
    for i, person in enumerate(data["people"]):
        places = [(("people", i, "pod"), person.get("pod"))] + [
            (("people", i, "assignments", j, "pod"), a.get("pod")) for j, a in enumerate(person.get("assignments", []))]
        for loc, pod_name in places:
            if isinstance(pod_name, str) and pod_name.strip() not in named:
                named.append(pod_name.strip())
                unit.places[("pods", len(data["pods"]))] = unit.places.get(loc, unit.first_place)
                data["pods"].append({"name": pod_name.strip()})


def read_roster(path: str | Path, facts: str | Path | None = None) -> list[RosterUnit]:
    """Every unit in a roster, not yet validated (structural problems raise InputError at once)."""
    people, facts_sheet = read_sheets(path, facts)
    if not people.rows:
        raise InputError.single(people.file, "has a header but no people", people.where())
    return units_from_sheets(people, facts_sheet)


def load_roster(path: str | Path, facts: str | Path | None = None) -> list[Assessment]:
    """Every unit of a roster as a validated Assessment; all problems of all units in one InputError."""
    problems: list[Problem] = []
    out = []
    for unit in read_roster(path, facts):
        try:
            out.append(unit.assessment())
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return out


# ---------------------------------------------------------------- writing YAML (podcheck import)


def roster_yaml(assessment: Assessment, source: str | Path) -> str:
    """An assessment read from a roster, in file form, with a comment naming the roster."""
    return assessment_yaml(assessment, header=f"# Imported by `podcheck import` from {Path(source).name}.\n")


def import_roster(path: str | Path, facts: str | Path | None, out: str | Path) -> list[Path]:
    """`podcheck import`: one assessment file per unit of the roster in folder `out`; returns the files written.

    Nothing is written if any unit is bad (InputError listing every problem).
    """
    assessments = load_roster(path, facts)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError.single(str(out), "is a file; --out needs a folder")
    names = unique_names([a.unit for a in assessments])
    return [write_atomic(out / f"{name}.yaml", roster_yaml(assessment, path))
            for assessment, name in zip(assessments, names, strict=True)]
