"""Spreadsheet rosters: import round trips, the shipped example, and errors that name file, sheet, row, column."""

from __future__ import annotations

import csv
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import openpyxl.styles
import pytest

import podcheck
from podcheck.errors import InputError
from podcheck.files import sheets
from podcheck.files.roster import load_roster
from podcheck.files.roster_out import write_roster_csv, write_roster_xlsx

from .conftest import EXAMPLES, podcheck_cli

ALL = [podcheck.load_assessment(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
PEOPLE = "unit,name,pod,lead,technologist,analyst,background\n"
FACTS = "unit,pod,organization,assessed_on\n"


def problems(path: Path, facts: Path | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_roster(path, facts)
    return [str(p) for p in caught.value.problems]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_example_survives_a_round_trip(tmp_path: Path, suffix: str) -> None:
    roster = tmp_path / f"roster.{suffix}"
    if suffix == "csv":
        write_roster_csv(ALL, roster)
    else:
        write_roster_xlsx(ALL, roster)
    assert load_roster(roster) == ALL


def test_import_command_writes_yaml_that_loads_back_the_same(tmp_path: Path) -> None:
    roster = tmp_path / "all.xlsx"
    write_roster_xlsx(ALL, roster)
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
    loaded = {a.unit: a for a in load_roster(roster)}
    assert list(loaded) == ["HR Cloud", "Commerce", "Marketplace Apps"]
    for name, file in (("HR Cloud", "hr-cloud"), ("Commerce", "commerce"), ("Marketplace Apps", "marketplace-apps")):
        assert loaded[name] == podcheck.load_assessment(EXAMPLES / f"{file}.yaml")


def test_cells_are_read_as_people_type_them(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", "Unit;Name;Pod;Lead;Technologist;Analyst;Background;Integration Training\n"
                   "Pay;Ann;CRM;100%;;;Business Analysis;\n"
                   "Pay;Bob;CRM;;0,5;0.25;software engineering;Yes\n")
    write(tmp_path / "r-facts.csv", "unit;pod;organisation;assessed_on;platform;focus\n"
          "Pay;;Acme;2026-11-20;iPaaS;\nPay;CRM;;;;Domain\n")
    [unit] = load_roster(roster)
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
    roster, _ = write_roster_csv([team], tmp_path / "r.csv")
    assert "'=HYPERLINK" in roster.read_text(encoding="utf-8")
    assert load_roster(roster)[0].people[0].name == team.people[0].name


def test_value_errors_name_file_row_and_column(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", PEOPLE + "Pay,Ann,CRM,1,,,mis\nPay,Bob,CRM,,1.5,,mis\n"
                   "Pay,Cy,CMR,,,1,business-analysis\nPay,Ann,CRM,,,0.5,\nPay,Dee,CRM,,abc,,mis\n")
    facts = write(tmp_path / "r-facts.csv", FACTS + "Pay,,Acme,2026-13-01\nPay,CRM,,\n")
    assert problems(roster) == [
        f"{facts}: row 2, column assessed_on: '2026-13-01' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20",
        f"{roster}: row 3, column technologist: must be between 0 and 1 (a share of time; got 1.5)",
        f"{roster}: row 4, column pod: no pod named 'CMR'; did you mean 'CRM'? (pods in this file: CRM)",
        f"{roster}: row 5, column name: person 'Ann' is listed twice in pod 'CRM' (first at row 2); "
        "give one row per person and pod",
        f"{roster}: row 6, column technologist: must be a number (got 'abc')",
    ]


def test_xlsx_errors_name_the_sheet(tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    write_roster_xlsx(ALL[:2], roster)
    book = openpyxl.load_workbook(roster)
    book["people"]["D3"] = 3
    book["facts"]["D2"] = "soon"
    book.save(roster)
    assert problems(roster) == [
        f"{roster}: sheet facts, row 2, column assessed_on: 'soon' is not a date; "
        "write it as YYYY-MM-DD, e.g. 2026-11-20",
        f"{roster}: sheet people, row 3, column lead: must be between 0 and 1 (a share of time; got 3)",
    ]


@pytest.mark.parametrize(("people", "facts", "expected"), [
    ("unit,name,pod,analist\nPay,Ann,CRM,1\n", None,
     ["{r}: row 1, column analist: unknown column 'analist'; did you mean 'analyst'?"]),
    ("name,pod,lead\nAnn,CRM,1\n", None, ["{r}: row 1: needs a column named 'unit'"]),
    ("\n,,\nname,pod,lead\nAnn,CRM,1\n", None, ["{r}: row 3: needs a column named 'unit'"]),
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
    assert proc.stderr.strip() == (f"podcheck: {roster}: row 3, column lead: "
                                   "must be between 0 and 1 (a share of time; got 2)")
    assert not (tmp_path / "units").exists()


def test_facts_option_and_not_a_spreadsheet(tmp_path: Path) -> None:
    roster = write(tmp_path / "people.csv", PEOPLE + "Pay,Ann,CRM,1,,,mis\n")
    facts = write(tmp_path / "unit-facts.csv", FACTS + "Pay,,Acme,2026-11-20\n")
    [unit] = load_roster(roster, facts)
    assert unit.organization == "Acme"
    proc = podcheck_cli("import", tmp_path / "people.txt", "--out", tmp_path / "units")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"podcheck: {tmp_path / 'people.txt'}: "
                                   "is not a spreadsheet podcheck reads; use .xlsx or .csv")


# ---------------------------------------------------------------- hostile and unusual workbooks


def rewrite_sheet(path: Path, sheet: str, edit: Callable[[str], str]) -> None:
    """Edit one worksheet's XML inside an .xlsx, as a hand-made or generated workbook might have it."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    target = f"xl/worksheets/{sheet}.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, edit(data.decode("utf-8")).encode("utf-8") if info.filename == target else data)


def two_units(tmp_path: Path) -> Path:
    roster = tmp_path / "r.xlsx"
    write_roster_xlsx(ALL[:2], roster)
    return roster


def test_a_formatted_cell_at_the_last_cell_of_the_sheet_does_not_make_it_huge(tmp_path: Path) -> None:
    # One formatted (empty) cell at XFD1048576: the sheet claims 17 billion cells; only the data is read.
    roster = two_units(tmp_path)
    book = openpyxl.load_workbook(roster)
    book["people"]["XFD1048576"].font = openpyxl.styles.Font(bold=True)
    book["facts"]["XFD1048576"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    book.save(roster)
    assert openpyxl.load_workbook(roster, read_only=True)["people"].max_column == 16384
    assert load_roster(roster) == ALL[:2]
    proc = podcheck_cli("import", roster, "--out", tmp_path / "units")
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "units").glob("*.yaml"))) == 2


def test_a_forged_dimension_and_row_number_do_not_make_the_sheet_huge(tmp_path: Path) -> None:
    roster = two_units(tmp_path)
    rewrite_sheet(roster, "sheet1", lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
                  .replace("</sheetData>", '<row r="999999999999"><c r="XFD999999999999" s="0"/></row></sheetData>'))
    assert openpyxl.load_workbook(roster, read_only=True)["people"].max_row == 1048576
    assert load_roster(roster) == ALL[:2]


def test_a_stray_value_far_from_the_data_is_named_where_it_is(tmp_path: Path) -> None:
    roster = two_units(tmp_path)
    book = openpyxl.load_workbook(roster)
    book["people"]["XFD1048576"] = "x"
    book.save(roster)
    assert problems(roster) == [f"{roster}: sheet people, row 1048576: a value ('x') in column XFD, "
                                "which has no name in the header row"]


def test_a_formula_without_a_saved_value_is_an_error_naming_its_cell(tmp_path: Path) -> None:
    roster = two_units(tmp_path)
    book = openpyxl.load_workbook(roster)
    book["people"]["D2"] = "=0.5+0.5"  # openpyxl writes formulas without computing them
    book["people"]["F3"] = "=0.5"
    book.save(roster)
    assert problems(roster) == [
        f"{roster}: sheet people, row 2, column lead: has a formula (=0.5+0.5) but no saved value; "
        "open the file in a spreadsheet program and save it again, or type the value",
        f"{roster}: sheet people, row 3, column analyst: has a formula (=0.5) but no saved value; "
        "open the file in a spreadsheet program and save it again, or type the value",
    ]
    # Saved by a spreadsheet program, the same formula carries its value, and that value is read.
    rewrite_sheet(roster, "sheet1", lambda xml: xml.replace("<f>0.5+0.5</f><v />", "<f>0.5+0.5</f><v>1</v>")
                  .replace("<f>0.5</f><v />", '<f>0.5</f><v></v>'))
    assert problems(roster) == [
        f"{roster}: sheet people, row 3, column analyst: has a formula (=0.5) but no saved value; "
        "open the file in a spreadsheet program and save it again, or type the value",
    ]
    rewrite_sheet(roster, "sheet1", lambda xml: xml.replace("<f>0.5</f><v></v>", ""))
    assert load_roster(roster) == ALL[:2]


def test_a_formula_whose_saved_value_is_an_error_is_named(tmp_path: Path) -> None:
    roster = two_units(tmp_path)
    rewrite_sheet(roster, "sheet1", lambda xml: re.sub(r'<c r="B2"[^>]*>.*?</c>',
                                                       '<c r="B2" t="e"><f>VLOOKUP(1,Z:Z,2)</f><v>#N/A</v></c>', xml))
    assert problems(roster) == [f"{roster}: sheet people, row 2, column name: shows the spreadsheet error #N/A; "
                                "fix the formula or type the value"]


def hide(roster: Path, *sheets: str, state: str = "hidden") -> None:
    book = openpyxl.load_workbook(roster)
    for name in sheets:
        book[name].sheet_state = state
    book.save(roster)


def test_hidden_sheets_are_not_read_as_data(tmp_path: Path) -> None:
    roster = two_units(tmp_path)
    book = openpyxl.load_workbook(roster)
    book["people"].title = "roster"
    # A hidden stale copy, first in the workbook and under the name podcheck looks for first.
    stale = book.copy_worksheet(book["roster"])
    stale.title = "people"
    stale["B2"] = "Someone who left"
    stale.sheet_state = "veryHidden"
    book.move_sheet(stale, offset=-2)
    book.save(roster)
    assert openpyxl.load_workbook(roster).sheetnames == ["people", "roster", "facts"]
    assert load_roster(roster) == ALL[:2]


@pytest.mark.parametrize(("hidden", "expected"), [
    (("people",), "sheet people is hidden, and podcheck reads only visible sheets: unhide it (or delete it)"),
    (("facts",), "sheet facts is hidden, and podcheck reads only visible sheets: unhide it (or delete it)"),
    (("people", "facts"), "sheet people is hidden, and podcheck reads only visible sheets: unhide it (or delete it)"),
])
def test_a_hidden_people_or_facts_sheet_is_a_clear_error(tmp_path: Path, hidden: tuple[str, ...],
                                                         expected: str) -> None:
    roster = two_units(tmp_path)
    book = openpyxl.load_workbook(roster)
    book.create_sheet("Notes")["A1"] = "remember to ask about the backlog"
    book.save(roster)
    hide(roster, *hidden)
    assert problems(roster) == [f"{roster}: {expected}"]


def test_a_workbook_whose_only_people_sheet_is_hidden_says_so(tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Team"
    book.active.append(["unit", "name", "pod", "lead"])
    book.active.append(["Pay", "Ann", "CRM", 1])
    book.create_sheet("facts").append(["unit", "organization", "assessed_on"])
    book["facts"].append(["Pay", "Acme", "2026-11-20"])
    book.active = 1
    book["Team"].sheet_state = "hidden"
    book.save(roster)
    assert problems(roster) == [f"{roster}: has no visible sheet of people (hidden: Team); unhide the people sheet"]


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
        write_roster_csv([team], roster)
        cells = {row[1] for row in csv.reader(roster.read_text(encoding="utf-8").splitlines())}
        # Every cell a spreadsheet program would run as a formula is quoted.
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    else:
        write_roster_xlsx([team], roster)
    assert load_roster(roster) == [team]


def test_a_fifo_or_a_device_is_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would wait forever
    assert problems(fifo) == [f"{fifo}: is not a regular file; podcheck reads spreadsheets only from ordinary files"]
    device = tmp_path / "zero.xlsx"
    device.symlink_to("/dev/zero")  # endless: reading it whole would exhaust memory
    assert problems(device) == [
        f"{device}: is not a regular file; podcheck reads spreadsheets only from ordinary files"]
    proc = podcheck_cli("import", fifo, "--out", tmp_path / "units")
    assert (proc.returncode, proc.stderr) == (2, f"podcheck: {fifo}: is not a regular file; "
                                                 "podcheck reads spreadsheets only from ordinary files\n")


def test_a_roster_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    roster = tmp_path / "huge.csv"
    with roster.open("wb") as handle:
        handle.truncate(sheets.MAX_SPREADSHEET_BYTES + 1)  # sparse: no disk space used
    assert problems(roster) == [f"{roster}: is {sheets.MAX_SPREADSHEET_BYTES + 1:,} bytes; "
                                f"a roster may be at most {sheets.MAX_SPREADSHEET_BYTES:,}"]


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 5_000_000)  # the real limit, 250 MB, is slow to build
    roster = two_units(tmp_path)
    with zipfile.ZipFile(roster, "a", zipfile.ZIP_DEFLATED) as book, book.open("xl/padding.bin", "w") as pad:
        for _ in range(6):
            pad.write(bytes(1 << 20))  # zeros: a few kilobytes packed
    assert roster.stat().st_size < 100_000
    [message] = problems(roster)
    assert message.startswith(f"{roster}: unpacks to 6,") and message.endswith(
        " bytes; a roster workbook may unpack to at most 5,000,000")


# Contract 5.1: one row per person and pod; an empty pod cell is someone outside every pod.
TWO_PODS = (PEOPLE.replace("background\n", "background,reports_to\n")
            + "Pay,Ann,CRM,1,,,business-analysis,Hal\n"
              "Pay,Dana,CRM,,0.5,,mis,Max\n"
              "Pay,Ed,ERP,1,,,business-process,Hal\n"
              "Pay,Dana,ERP,,0.5,,,\n"
              "Pay,Max,,,,,software-engineering,\n"
              "Pay,Hal,ERP,,,0.5,business-process,\n")
TWO_PODS_FACTS = "unit,pod,organization,assessed_on,head_of_integration\nPay,,Acme,2026-11-20,Hal\n"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_rows_per_person_and_pod_become_assignments_and_survive_a_round_trip(tmp_path: Path, suffix: str) -> None:
    roster = write(tmp_path / "r.csv", TWO_PODS)
    write(tmp_path / "r-facts.csv", TWO_PODS_FACTS)
    [unit] = load_roster(roster)
    dana, max_ = unit.person("Dana"), unit.person("Max")
    assert dana is not None and dana.pod is None and dana.background == "mis" and dana.reports_to == "Max"
    assert [(a.pod, a.roles.shares()) for a in dana.assignments or []] == [
        ("CRM", {"technologist": 0.5}), ("ERP", {"technologist": 0.5})]
    assert max_ is not None and max_.outside_pods
    assert [p.name for p in unit.pods] == ["CRM", "ERP"]
    assert {p.name: p.core for p in podcheck.assess(unit).pods} == {"CRM": 2, "ERP": 3}

    again = tmp_path / f"again.{suffix}"
    if suffix == "csv":
        write_roster_csv([unit], again)
        assert again.read_text(encoding="utf-8").count("\nPay,Dana,") == 2
    else:
        write_roster_xlsx([unit], again)
    assert load_roster(again) == [unit]


def test_a_person_twice_in_one_pod_is_an_error_naming_both_rows(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", TWO_PODS + "Pay,Dana,CRM,,,0.2,mis,\n")
    write(tmp_path / "r-facts.csv", TWO_PODS_FACTS)
    assert problems(roster) == [
        f"{roster}: row 8, column name: person 'Dana' is listed twice in pod 'CRM' (first at row 3); "
        "give one row per person and pod"]


def test_a_persons_rows_must_agree_on_their_details_and_each_name_a_pod(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", TWO_PODS.replace("Pay,Dana,ERP,,0.5,,,", "Pay,Dana,ERP,,0.5,,other,")
                   + "Pay,Dana,,,,0.1,,\n")
    write(tmp_path / "r-facts.csv", TWO_PODS_FACTS)
    assert problems(roster) == [
        f"{roster}: row 5, column background: 'other' differs from row 3 ('mis'); a person's details are the "
        "same in each of their rows (or left empty)",
        f"{roster}: row 8, column pod: is empty, but 'Dana' has several rows (rows 3, 5, 8): a person in several "
        "pods has one row per pod, each naming its pod"]


def test_shares_across_a_persons_rows_past_one_name_the_person(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", TWO_PODS.replace("Pay,Dana,ERP,,0.5,", "Pay,Dana,ERP,,0.75,"))
    write(tmp_path / "r-facts.csv", TWO_PODS_FACTS)
    [line] = problems(roster)
    assert line.startswith(f"{roster}: row 3: Dana's role shares across assignments add up to 1.25"), line
