"""The team's own answers (contract 5.5): the survey form, responses read anonymously, the anonymity threshold,
disagreement, how survey and file answers combine, and bad responses files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from podcheck.catalog import questions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "assessments" / "examples"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def unit(folder: Path, name: str = "unit.yaml", *, helpers: bool = True, **extra: object) -> Path:
    """The commerce example (one pod, one part-time helper, no answers) with extra top-level keys."""
    data = yaml.safe_load((EXAMPLES / "commerce.yaml").read_text(encoding="utf-8"))
    if not helpers:
        data["people"] = [p for p in data["people"] if p.get("member") != "extended"]
    data.update(extra)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def result_of(run_cli, *args: object) -> dict:
    run = run_cli("assess", *args, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def survey_entry(result: dict, qid: str) -> dict:
    return next(q for q in result["survey"]["questions"] if q["id"] == qid)


def answered(result: dict, dimension: str) -> int:
    return next(d["answered"] for d in result["dimensions"] if d["id"] == dimension)


# ---------------------------------------------------------------- the form


def test_survey_form_workbook_and_printable_form(tmp_path: Path, run_cli) -> None:
    run = run_cli("survey", unit(tmp_path, helpers=False), "--out", tmp_path / "form", "--formats", "xlsx,html")
    assert run.code == 0, run.err
    book = openpyxl.load_workbook(tmp_path / "form" / "commerce-survey.xlsx")
    assert book.sheetnames == ["Instructions", "Responses"]
    assert "anonymous" in " ".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    sheet = book["Responses"]
    headers = [c.value for c in sheet[1]][1:]
    bank = {q.id: q for q in questions()}
    asked = [h.split("\n")[0] for h in headers]
    # One pod and no part-time helpers: the questions about coordinating pods and managing helpers are left out.
    assert asked == [q.id for q in questions() if q.applies_when is None]
    assert "lead-manages-helpers" not in asked and "leads-coordinate" not in asked
    for cell, qid in zip(list(sheet[1])[1:], asked, strict=True):
        assert bank[qid].text in cell.value
        assert bank[qid].low in cell.comment.text and bank[qid].high in cell.comment.text
    (check,) = sheet.data_validations.dataValidation
    assert (check.type, check.operator, check.formula1, check.formula2) == ("whole", "between", "1", "5")
    assert str(check.sqref).startswith("B2:")
    html = (tmp_path / "form" / "commerce-survey.html").read_text(encoding="utf-8")
    assert all(bank[qid].text.replace("'", "&#39;") in html for qid in asked)
    assert "without your name" in html


def test_a_unit_with_pods_and_helpers_is_asked_every_question(tmp_path: Path, run_cli) -> None:
    from podcheck import load_assessment
    from podcheck.survey import survey_questions

    several = [(EXAMPLES / name) for name in ("payments.yaml", "partner-ecosystem.yaml", "analytics.yaml")]
    asked = [{q.id for q in survey_questions(load_assessment(path))} for path in several]
    assert any(ids == {q.id for q in questions()} for ids in asked)
    # A helper but one pod: asked about helpers, not about coordinating pods.
    commerce = {q.id for q in survey_questions(load_assessment(EXAMPLES / "commerce.yaml"))}
    assert "lead-manages-helpers" in commerce and "leads-coordinate" not in commerce


def test_survey_form_names_are_escaped_and_not_formulas(tmp_path: Path, run_cli) -> None:
    path = unit(tmp_path, unit=FORMULA, organization=SCRIPT)
    run = run_cli("survey", path, "--out", tmp_path / "form", "--formats", "xlsx,html")
    assert run.code == 0, run.err
    (xlsx,) = (tmp_path / "form").glob("*.xlsx")
    values = [c.value for c in openpyxl.load_workbook(xlsx)["Instructions"]["A"] if c.value]
    assert not any(str(v).startswith("=") for v in values)
    (html,) = (tmp_path / "form").glob("*.html")
    assert SCRIPT not in html.read_text(encoding="utf-8")


def test_survey_form_pdf(tmp_path: Path, run_cli) -> None:
    pytest.importorskip("weasyprint")
    from podcheck.render.pdf import PdfUnavailable, require_pdf

    try:
        require_pdf()
    except PdfUnavailable:
        pytest.skip("no Pango here")
    run = run_cli("survey", unit(tmp_path), "--out", tmp_path / "form", "--formats", "pdf")
    assert run.code == 0, run.err
    assert (tmp_path / "form" / "commerce-survey.pdf").read_bytes().startswith(b"%PDF")


def test_survey_refuses_an_unknown_format(tmp_path: Path, run_cli) -> None:
    run = run_cli("survey", unit(tmp_path), "--out", tmp_path / "form", "--formats", "docx")
    assert run.code == 2 and "--formats" in run.err and "Traceback" not in run.err


# ---------------------------------------------------------------- round trip


def test_round_trip_five_people_fill_in_the_form(tmp_path: Path, run_cli) -> None:
    """Form written, filled in by five people (as openpyxl), read back, aggregated into the result."""
    path = unit(tmp_path, helpers=False)
    assert run_cli("survey", path, "--out", tmp_path, "--formats", "xlsx").code == 0
    form = tmp_path / "commerce-survey.xlsx"
    book = openpyxl.load_workbook(form)
    sheet = book["Responses"]
    column = {str(c.value).split("\n")[0]: c.column for c in sheet[1]}
    people = [  # one row each, as five people would fill in the shared form
        {"overlap-technology": 4, "pod-authority": 2, "platform-expertise": 1},
        {"overlap-technology": 4, "pod-authority": 3, "platform-expertise": 5},
        {"overlap-technology": 5, "pod-authority": 2},
        {"overlap-technology": 3, "pod-authority": 2, "lead-shields-pod": 4},
        {"overlap-technology": 4, "lead-shields-pod": 5},
    ]
    for row, answers in enumerate(people, start=2):
        for qid, score in answers.items():
            sheet.cell(row=row, column=column[qid], value=score)
    book.save(form)

    result = result_of(run_cli, path, "--responses", form)
    survey = result["survey"]
    assert survey["respondents"] == 5
    assert [q["id"] for q in survey["questions"]] == [q.id for q in questions() if q.applies_when is None]
    assert survey_entry(result, "overlap-technology") == {
        "id": "overlap-technology", "n": 5, "median": 4, "min": 3, "max": 5, "shown": True, "disagree": False,
        "answer": None, "used": "survey"}
    assert survey_entry(result, "pod-authority") | {} == {
        "id": "pod-authority", "n": 4, "median": 2, "min": 2, "max": 3, "shown": True, "disagree": False,
        "answer": None, "used": "survey"}
    # Two answers only: hidden, and not scored.
    assert survey_entry(result, "platform-expertise") == {
        "id": "platform-expertise", "n": 2, "median": None, "min": None, "max": None, "shown": False,
        "disagree": False, "answer": None, "used": None}
    assert survey_entry(result, "lead-shields-pod")["shown"] is False
    assert survey_entry(result, "overlap-requirements")["n"] == 0
    # Scored: the two shown medians count as answers of their dimensions; the hidden ones do not.
    assert answered(result, "roles") == 1 and answered(result, "pods") == 1
    assert answered(result, "developer-trap") == 0 and answered(result, "leadership") == 0
    # A median of 2 is a weak answer: it raises the practice finding, saying where it came from.
    finding = next(f for f in result["findings"] if f["id"] == "practice.pod-authority")
    assert "Survey" in finding["message"]


# ---------------------------------------------------------------- anonymity and disagreement


def test_anonymity_threshold_two_hidden_three_shown(tmp_path: Path, run_cli) -> None:
    path = unit(tmp_path)
    two = write_csv(tmp_path / "two.csv", [{"platform-expertise": 1}, {"platform-expertise": 2}])
    three = write_csv(tmp_path / "three.csv", [{"platform-expertise": v} for v in (1, 2, 2)])
    hidden = result_of(run_cli, path, "--responses", two)
    assert survey_entry(hidden, "platform-expertise") == {
        "id": "platform-expertise", "n": 2, "median": None, "min": None, "max": None, "shown": False,
        "disagree": False, "answer": None, "used": None}
    assert answered(hidden, "developer-trap") == 0
    assert not [f for f in hidden["findings"] if f["id"] == "practice.platform-expertise"]
    for fmt in ("text", "md", "html"):
        report = run_cli("assess", path, "--responses", two, "--format", fmt).out
        assert "not shown" in report
    shown = result_of(run_cli, path, "--responses", three)
    assert survey_entry(shown, "platform-expertise") | {} == {
        "id": "platform-expertise", "n": 3, "median": 2, "min": 1, "max": 2, "shown": True,
        "disagree": False, "answer": None, "used": "survey"}
    assert answered(shown, "developer-trap") == 1


def test_the_median_of_an_even_count_is_an_answer_someone_gave(tmp_path: Path, run_cli) -> None:
    split = write_csv(tmp_path / "r.csv", [{"overlap-technology": v} for v in (2, 2, 4, 4)])
    result = result_of(run_cli, unit(tmp_path), "--responses", split)
    assert survey_entry(result, "overlap-technology")["median"] == 2


def test_a_wide_spread_is_reported_as_disagreement(tmp_path: Path, run_cli) -> None:
    path = unit(tmp_path)
    wide = write_csv(tmp_path / "wide.csv", [{"overlap-technology": v, "pod-authority": w}
                                             for v, w in ((1, 3), (4, 3), (5, 5))])
    result = result_of(run_cli, path, "--responses", wide)
    assert survey_entry(result, "overlap-technology")["disagree"] is True
    assert survey_entry(result, "overlap-technology")["median"] == 4  # shown beside the spread, not instead
    assert survey_entry(result, "pod-authority")["disagree"] is False  # 3 to 5 is a spread of 2
    for fmt, note in (("text", "the team disagrees"), ("md", "The team disagrees: answers run from 1 to 5"),
                      ("html", "The team disagrees: answers run from 1 to 5")):
        report = run_cli("assess", path, "--responses", wide, "--format", fmt).out
        assert note in report
        assert report.count("isagrees") == 1


def test_a_spread_of_two_hidden_answers_is_never_reported(tmp_path: Path, run_cli) -> None:
    wide = write_csv(tmp_path / "r.csv", [{"overlap-technology": 1}, {"overlap-technology": 5}])
    result = result_of(run_cli, unit(tmp_path), "--responses", wide)
    assert survey_entry(result, "overlap-technology")["disagree"] is False


def test_the_rooms_answer_wins_and_is_shown_beside_the_survey(tmp_path: Path, run_cli) -> None:
    path = unit(tmp_path, answers={"overlap-technology": 5})
    low = write_csv(tmp_path / "r.csv", [{"overlap-technology": v} for v in (1, 1, 2)])
    result = result_of(run_cli, path, "--responses", low)
    entry = survey_entry(result, "overlap-technology")
    assert (entry["median"], entry["answer"], entry["used"]) == (1, 5, "file")
    roles = next(d for d in result["dimensions"] if d["id"] == "roles")
    assert roles["answered"] == 1 and roles["answers_average"] == 5
    assert not [f for f in result["findings"] if f["id"] == "practice.overlap-technology"]
    md = run_cli("assess", path, "--responses", low, "--format", "md").out
    assert "| 1/5 | 1–2 | 5/5 | the room's answer |" in md


# ---------------------------------------------------------------- anonymity of the rows and hostile cells


def test_names_and_other_columns_never_reach_any_output(tmp_path: Path, run_cli) -> None:
    path = unit(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Responses"
    sheet.append(["name", "comment", "overlap-technology", "pod-authority"])
    sheet.append([SCRIPT, "Ana Secretname", 4, 3])
    sheet.append([FORMULA, f"<img src=x> {FORMULA}", 3, 3])  # a formula without a saved value
    sheet.append(["Bo Hiddenperson", "=1+1", 5, 4])
    sheet["A5"] = "=HYPERLINK(\"http://x\", A2)"
    book.save(tmp_path / "r.xlsx")
    for fmt in ("json", "text", "md", "html"):
        run = run_cli("assess", path, "--responses", tmp_path / "r.xlsx", "--format", fmt)
        assert run.code == 0, run.err
        for secret in ("Secretname", "Hiddenperson", "HYPERLINK", "evil.example", SCRIPT, "<img src=x>", "=1+1"):
            assert secret not in run.out and secret not in run.err
    result = result_of(run_cli, path, "--responses", tmp_path / "r.xlsx")
    assert result["survey"]["respondents"] == 3


def test_a_formula_in_a_question_cell_is_an_error_naming_its_cell(tmp_path: Path, run_cli) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["overlap-technology"])
    sheet.append([FORMULA])
    book.save(tmp_path / "r.xlsx")
    run = run_cli("assess", unit(tmp_path), "--responses", tmp_path / "r.xlsx")
    assert run.code == 2 and "Traceback" not in run.err
    assert "r.xlsx: sheet Sheet, row 2, column overlap-technology:" in run.err


# ---------------------------------------------------------------- bad responses files


@pytest.mark.parametrize(("content", "where", "words"), [
    ("overlap-tecnology,name\n3,x\n", "row 1, column overlap-tecnology", "did you mean 'overlap-technology'"),
    ("overlap-technology\n6\n", "row 2, column overlap-technology", "whole number from 1 to 5, or blank (got 6)"),
    ("overlap-technology\n0\n", "row 2, column overlap-technology", "(got 0)"),
    ("name,overlap-technology\nA,3\nB,2.5\n", "row 3, column overlap-technology", "(got 2.5)"),
    ("overlap-technology\nfour\n", "row 2, column overlap-technology", "(got text)"),
    ("overlap-technology\nTRUE\n", "row 2, column overlap-technology", "(got text)"),
    ("", "", "is empty"),
    ("name,comment\nAna,hi\n", "row 1", "has no question columns"),
    ("overlap-technology,pod-authority\n", "", "holds no answers yet"),
])
def test_bad_responses_are_one_line_naming_file_row_and_column(tmp_path: Path, run_cli, content: str, where: str,
                                                               words: str) -> None:
    (tmp_path / "r.csv").write_text(content, encoding="utf-8")
    run = run_cli("assess", unit(tmp_path), "--responses", tmp_path / "r.csv")
    assert run.code == 2
    assert "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith(f"podcheck: {tmp_path / 'r.csv'}: ")
    assert where in lines[0] and words in lines[0]


def test_a_responses_file_of_another_kind_is_refused(tmp_path: Path, run_cli) -> None:
    (tmp_path / "r.json").write_text("{}", encoding="utf-8")
    run = run_cli("assess", unit(tmp_path), "--responses", tmp_path / "r.json")
    assert run.code == 2 and "use .xlsx or .csv" in run.err


# ---------------------------------------------------------------- responses: in the assessment file


def test_responses_named_in_the_file_resolve_against_it(tmp_path: Path, run_cli) -> None:
    (tmp_path / "team" / "survey").mkdir(parents=True)
    write_csv(tmp_path / "team" / "survey" / "r.csv", [{"overlap-technology": v} for v in (3, 4, 4)])
    path = unit(tmp_path / "team", responses="survey/r.csv")
    run = run_cli("assess", path, "--format", "json", cwd=tmp_path)  # not the file's folder
    assert run.code == 0, run.err
    assert json.loads(run.out)["survey"]["respondents"] == 3
    inside = unit(tmp_path / "team", "abs.yaml", responses=str(tmp_path / "team" / "survey" / "r.csv"))
    assert result_of(run_cli, inside)["survey"]["respondents"] == 3


@pytest.mark.parametrize("given", ["../r.csv", "survey/../../r.csv", "/etc/passwd", "ABSOLUTE"])
def test_responses_outside_the_files_folder_are_refused(tmp_path: Path, run_cli, given: str) -> None:
    write_csv(tmp_path / "r.csv", [{"overlap-technology": v} for v in (3, 4, 4)])
    given = str(tmp_path / "r.csv") if given == "ABSOLUTE" else given
    path = unit(tmp_path / "team" if (tmp_path / "team").mkdir() is None else tmp_path, responses=given)
    run = run_cli("assess", path)
    assert run.code == 2
    assert run.err.strip() == (f"podcheck: {path}: responses: '{given}' is outside this file's folder; keep the "
                               "responses file beside the assessment file (or in a folder below it) and name it "
                               "relative to it")


def test_responses_through_a_link_leading_out_are_refused(tmp_path: Path, run_cli) -> None:
    write_csv(tmp_path / "r.csv", [{"overlap-technology": v} for v in (3, 4, 4)])
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "r.csv").symlink_to(tmp_path / "r.csv")
    run = run_cli("assess", unit(tmp_path / "team", responses="r.csv"))
    assert run.code == 2 and "outside this file's folder" in run.err


def test_the_flag_overrides_the_files_responses(tmp_path: Path, run_cli) -> None:
    write_csv(tmp_path / "a.csv", [{"overlap-technology": 1}] * 3)
    write_csv(tmp_path / "b.csv", [{"overlap-technology": 5}] * 4)
    path = unit(tmp_path, responses="a.csv")
    assert result_of(run_cli, path)["survey"]["respondents"] == 3
    assert result_of(run_cli, path, "--responses", tmp_path / "b.csv")["survey"]["respondents"] == 4


def test_without_responses_the_result_has_no_survey(run_cli) -> None:
    assert result_of(run_cli, EXAMPLES / "commerce.yaml")["survey"] is None


def test_a_missing_responses_file_is_one_line(tmp_path: Path, run_cli) -> None:
    run = run_cli("assess", unit(tmp_path, responses="nowhere.csv"))
    assert run.code == 2 and "nowhere.csv" in run.err and "Traceback" not in run.err


# ---------------------------------------------------------------- batch and portfolio


def test_batch_reads_each_units_responses_relative_to_its_file(tmp_path: Path, run_cli) -> None:
    for name, values in (("north", (4, 4, 5)), ("south", (1, 2, 5, 5))):
        folder = tmp_path / "in" / name
        folder.mkdir(parents=True)
        write_csv(folder / "answers.csv", [{"overlap-technology": v, "name": f"Q Secretperson{v}"} for v in values])
        unit(folder, f"{name}.yaml", unit=name.title(), responses="answers.csv")
    run = run_cli("batch", tmp_path / "in" / "north", tmp_path / "in" / "south", "--out", tmp_path / "out",
                  "--no-notebooks", "--formats", "md", "-q", cwd=tmp_path)
    assert run.code == 0, run.err
    north = json.loads((tmp_path / "out" / "north" / "result.json").read_text(encoding="utf-8"))["survey"]
    south = json.loads((tmp_path / "out" / "south" / "result.json").read_text(encoding="utf-8"))["survey"]
    assert (north["respondents"], south["respondents"]) == (3, 4)
    assert south["questions"][0]["disagree"] is True
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert "Secretperson" not in path.read_text(encoding="utf-8", errors="replace")
    # New answers in the responses file rerun the unit; unchanged ones are skipped.
    write_csv(tmp_path / "in" / "north" / "answers.csv", [{"overlap-technology": v} for v in (1, 1, 1, 1)])
    again = run_cli("batch", tmp_path / "in" / "north", tmp_path / "in" / "south", "--out", tmp_path / "out",
                    "--no-notebooks", "--formats", "md", cwd=tmp_path)
    assert "1 unchanged" in again.out
    north = json.loads((tmp_path / "out" / "north" / "result.json").read_text(encoding="utf-8"))["survey"]
    assert north["respondents"] == 4


def test_batch_fails_only_the_unit_with_bad_responses(tmp_path: Path, run_cli) -> None:
    good, bad = tmp_path / "in" / "good", tmp_path / "in" / "bad"
    good.mkdir(parents=True)
    bad.mkdir(parents=True)
    unit(good, "good.yaml", unit="Good")
    (bad / "r.csv").write_text("overlap-technology\n9\n", encoding="utf-8")
    unit(bad, "bad.yaml", unit="Bad", responses="r.csv")
    run = run_cli("batch", good, bad, "--out", tmp_path / "out", "--no-notebooks", "--formats", "md", "-q")
    assert run.code == 1
    # The unit's file first, then the responses file's row and column.
    assert f"podcheck: {bad / 'bad.yaml'}: {bad / 'r.csv'}: row 2, column overlap-technology:" in run.err
    assert (tmp_path / "out" / "good" / "result.json").is_file()


def test_batch_with_notebooks_carries_the_survey(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "r.csv", [{"overlap-technology": v, "name": "Ana Secretname"} for v in (1, 4, 4)])
    unit(folder, "north.yaml", unit="North", responses="r.csv")
    run = run_cli("batch", folder, "--out", tmp_path / "out", "--formats", "html", "-q", "-j", "1")
    assert run.code == 0, run.err
    result = json.loads((tmp_path / "out" / "north" / "result.json").read_text(encoding="utf-8"))
    assert result["survey"]["respondents"] == 3 and result["survey"]["questions"][0]["disagree"] is True
    assert "The team disagrees" in (tmp_path / "out" / "north" / "north.html").read_text(encoding="utf-8")
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert "Secretname" not in path.read_text(encoding="utf-8", errors="replace")


def test_portfolio_from_assessment_files_reads_their_responses(tmp_path: Path, run_cli) -> None:
    write_csv(tmp_path / "r.csv", [{"overlap-technology": v} for v in (2, 2, 2)])
    path = unit(tmp_path, responses="r.csv")
    run = run_cli("portfolio", path, "--out", tmp_path / "out")
    assert run.code == 0, run.err
    data = json.loads((tmp_path / "out" / "portfolio.json").read_text(encoding="utf-8"))
    assert "practice.overlap-technology" in json.dumps(data)
