"""Spreadsheet rosters: import round trips, the shipped example, and errors that name file, sheet, row, column."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

import podcheck
from podcheck import spreadsheet
from podcheck.errors import InputError

from .conftest import EXAMPLES, podcheck_cli

ALL = [podcheck.load_assessment(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
PEOPLE = "unit,name,pod,lead,technologist,analyst,background\n"
FACTS = "unit,pod,organization,assessed_on\n"


def problems(path: Path, facts: Path | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        spreadsheet.load_roster(path, facts)
    return [str(p) for p in caught.value.problems]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_example_survives_a_round_trip(tmp_path: Path, suffix: str) -> None:
    roster = tmp_path / f"roster.{suffix}"
    if suffix == "csv":
        spreadsheet.write_roster_csv(ALL, roster)
    else:
        spreadsheet.write_roster_xlsx(ALL, roster)
    assert spreadsheet.load_roster(roster) == ALL


def test_import_command_writes_yaml_that_loads_back_the_same(tmp_path: Path) -> None:
    roster = tmp_path / "all.xlsx"
    spreadsheet.write_roster_xlsx(ALL, roster)
    proc = podcheck_cli("import", roster, "--out", tmp_path / "units")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == f"podcheck: wrote 10 assessment files to {tmp_path / 'units'}"
    written = sorted((tmp_path / "units").glob("*.yaml"))
    assert [p.stem for p in written] == sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    for path in written:
        assert path.read_text(encoding="utf-8").startswith("# Imported by `podcheck import` from all.xlsx.\n")
        assert podcheck.load_assessment(path) == podcheck.load_assessment(EXAMPLES / path.name)


def test_shipped_example_roster_is_three_of_the_examples() -> None:
    roster = EXAMPLES.parent / "roster-example.csv"
    loaded = {a.unit: a for a in spreadsheet.load_roster(roster)}
    assert list(loaded) == ["HR Cloud", "Commerce", "Marketplace Apps"]
    for name, file in (("HR Cloud", "hr-cloud"), ("Commerce", "commerce"), ("Marketplace Apps", "marketplace-apps")):
        assert loaded[name] == podcheck.load_assessment(EXAMPLES / f"{file}.yaml")


def test_cells_are_read_as_people_type_them(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", "Unit;Name;Pod;Lead;Technologist;Analyst;Background;Integration Training\n"
                   "Pay;Ann;CRM;100%;;;Business Analysis;\n"
                   "Pay;Bob;CRM;;0,5;0.25;software engineering;Yes\n")
    write(tmp_path / "r-facts.csv", "unit;pod;organisation;assessed_on;platform;focus\n"
          "Pay;;Acme;2026-11-20;iPaaS;\nPay;CRM;;;;Domain\n")
    [unit] = spreadsheet.load_roster(roster)
    ann, bob = unit.people
    assert ann.roles.lead == 1.0 and ann.background == "business-analysis"
    assert bob.roles.technologist == 0.5 and bob.roles.analyst == 0.25 and bob.integration_training is True
    assert unit.organization == "Acme" and unit.context.platform == "ipaas" and unit.pods[0].focus == "domain"


def test_formula_text_is_neutralised_on_export_and_restored_on_import(tmp_path: Path) -> None:
    team = ALL[0].model_copy(deep=True)
    team.people[0].name = "=HYPERLINK(\"http://x\")"
    for person in team.people:
        if person.reports_to == ALL[0].people[0].name:
            person.reports_to = team.people[0].name
    roster, _ = spreadsheet.write_roster_csv([team], tmp_path / "r.csv")
    assert "'=HYPERLINK" in roster.read_text(encoding="utf-8")
    assert spreadsheet.load_roster(roster)[0].people[0].name == team.people[0].name


def test_value_errors_name_file_row_and_column(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", PEOPLE + "Pay,Ann,CRM,1,,,mis\nPay,Bob,CRM,,1.5,,mis\n"
                   "Pay,Cy,CMR,,,1,business-analysis\nPay,Ann,CRM,,,0.5,\nPay,Dee,CRM,,abc,,mis\n")
    facts = write(tmp_path / "r-facts.csv", FACTS + "Pay,,Acme,2026-13-01\nPay,CRM,,\n")
    assert problems(roster) == [
        f"{facts}: row 2, column assessed_on: '2026-13-01' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20",
        f"{roster}: row 3, column technologist: must be between 0 and 1 (a share of time; got 1.5)",
        f"{roster}: row 4, column pod: no pod named 'CMR'; did you mean 'CRM'? (pods in this file: CRM)",
        f"{roster}: row 5, column name: person 'Ann' is listed twice (first at row 2); names must be unique",
        f"{roster}: row 6, column technologist: must be a number (got 'abc')",
    ]


def test_xlsx_errors_name_the_sheet(tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    spreadsheet.write_roster_xlsx(ALL[:2], roster)
    book = openpyxl.load_workbook(roster)
    book["people"]["D3"] = 3
    book["facts"]["D2"] = "soon"
    book.save(roster)
    assert problems(roster) == [
        f"{roster}: sheet facts, row 2, column assessed_on: 'soon' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20",
        f"{roster}: sheet people, row 3, column lead: must be between 0 and 1 (a share of time; got 3)",
    ]


@pytest.mark.parametrize(("people", "facts", "expected"), [
    ("unit,name,pod,analist\nPay,Ann,CRM,1\n", None,
     ["{r}: row 1, column analist: unknown column 'analist'; did you mean 'analyst'?"]),
    ("name,pod,lead\nAnn,CRM,1\n", None, ["{r}: row 1: needs a column named 'unit'"]),
    ("unit,name,pod,lead\n,Ann,CRM,1\n", None, ["{r}: row 2, column unit: is empty; every row names its unit"]),
    ("unit,name,pod,lead,lead\nPay,Ann,CRM,1,1\n", None, ["{r}: row 1: column 'lead' appears twice"]),
    ("unit,name,pod,lead\n", None, ["{r}: has a header but no people"]),
    (PEOPLE + "Pay,Ann,CRM,1,,,mis\n", FACTS + "Pya,,Acme,2026-11-20\n",
     ["{f}: row 2, column unit: unit 'Pya' has facts but nobody in the people sheet; did you mean 'Pay'?"]),
    (PEOPLE + "Pay,Ann,CRM,1,,,mis\n", "unit,pod,organization,assessed_on,focus\nPay,,Acme,2026-11-20,domain\n",
     ["{f}: row 2, column focus: belongs on a pod's row (fill in its pod)"]),
    (PEOPLE + "Pay,Ann,CRM,1,,,mis\n", "unit,pod,answer.overlap-tech\nPay,,3\n",
     ["{f}: row 1, column answer.overlap-tech: unknown question id 'overlap-tech'; "
      "did you mean 'answer.overlap-technology'?"]),
    (PEOPLE + "Pay,Ann,CRM,1,,,mis\n", None,
     [f"{{r}}: row 2, column {key}: is required but missing (there is no facts sheet; add one with unit, "
      "organization and assessed_on columns: a 'facts' sheet in a workbook, <roster>-facts.csv beside a CSV "
      "roster, or --facts FILE)" for key in ("organization", "assessed_on")]),
])
def test_structure_errors(tmp_path: Path, people: str, facts: str | None, expected: list[str]) -> None:
    roster = write(tmp_path / "r.csv", people)
    facts_file = write(tmp_path / "r-facts.csv", facts) if facts else None
    found = problems(roster)
    assert sorted(found) == sorted(e.format(r=roster, f=facts_file) for e in expected)


def test_import_writes_nothing_when_any_unit_is_bad(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", PEOPLE + "Pay,Ann,CRM,1,,,mis\nOps,Bo,Core,2,,,mis\n")
    write(tmp_path / "r-facts.csv", FACTS + "Pay,,Acme,2026-11-20\nOps,,Acme,2026-11-20\n")
    proc = podcheck_cli("import", roster, "--out", tmp_path / "units")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"podcheck: {roster}: row 3, column lead: must be between 0 and 1 (a share of time; got 2)"
    assert not (tmp_path / "units").exists()


def test_facts_option_and_not_a_spreadsheet(tmp_path: Path) -> None:
    roster = write(tmp_path / "people.csv", PEOPLE + "Pay,Ann,CRM,1,,,mis\n")
    facts = write(tmp_path / "unit-facts.csv", FACTS + "Pay,,Acme,2026-11-20\n")
    [unit] = spreadsheet.load_roster(roster, facts)
    assert unit.organization == "Acme"
    proc = podcheck_cli("import", tmp_path / "people.txt", "--out", tmp_path / "units")
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"podcheck: {tmp_path / 'people.txt'}: is not a spreadsheet podcheck reads; use .xlsx or .csv"


NAMES = ["'Ana", "'-Ana", "''Bo", "'=1+1", "'@x", "=HYPERLINK(\"http://x\")", "-Cy", "+Di", "@Ed", "O'Neil", "'"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_names_starting_with_an_apostrophe_or_a_formula_sign_survive_a_round_trip(tmp_path: Path, suffix: str) -> None:
    data = ALL[0].to_yaml_dict()
    renamed = dict(zip((p["name"] for p in data["people"]), NAMES, strict=False))
    for person in data["people"]:
        person["name"] = renamed.get(person["name"], person["name"])
        if "reports_to" in person:
            person["reports_to"] = renamed.get(person["reports_to"], person["reports_to"])
    if data.get("head_of_integration"):
        data["head_of_integration"] = renamed.get(data["head_of_integration"], data["head_of_integration"])
    team = podcheck.parse_assessment(data)
    assert {p.name for p in team.people} >= set(NAMES)
    roster = tmp_path / f"r.{suffix}"
    if suffix == "csv":
        spreadsheet.write_roster_csv([team], roster)
        cells = {row[1] for row in csv.reader(roster.read_text(encoding="utf-8").splitlines())}
        # Every cell a spreadsheet program would run as a formula is quoted.
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    else:
        spreadsheet.write_roster_xlsx([team], roster)
    assert spreadsheet.load_roster(roster) == [team]
