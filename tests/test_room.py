"""Starting an assessment and material for the room: `podcheck init` (template, roster, blank roster), the
questionnaire handout, role cards, the facilitator guide, and the workshop's view of a survey."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import jsonschema
import openpyxl
import pytest
import yaml

from podcheck.catalog import dimensions, questions, role_cards
from podcheck.model import BACKGROUNDS, FOCUS, HELPS_AS, LEAD_LOAD, MEMBERSHIP, PLATFORMS, PROCESSES, ROLES

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "playbook" / "facilitator-guide.md"
SCRIPT = "<script>alert(1)</script>"


def pdf_ready() -> None:
    from podcheck.render.pdf import PdfUnavailable, require_pdf

    try:
        require_pdf()
    except PdfUnavailable:
        pytest.skip("no Pango here")


# ---------------------------------------------------------------- podcheck init: the template


def test_the_template_is_valid_and_assesses_to_not_enough_facts(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "new.yaml"
    run = run_cli("init", target)
    assert run.code == 0, run.err
    result = run_cli("assess", target, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["score"] is None and data["stage"]["id"] == "ad-hoc"
    assert "TODO" in target.read_text(encoding="utf-8")


def test_the_template_points_editors_at_the_schema_and_validates_against_it(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "new.yaml"
    assert run_cli("init", target).code == 0
    text = target.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=file://(\S+)", first)
    assert match, first
    schema_file = Path(match.group(1))
    printed = run_cli("schema").out
    assert schema_file.name == "assessment.schema.json"
    assert json.loads(schema_file.read_text(encoding="utf-8")) == json.loads(printed)
    data = yaml.safe_load(text)
    data["assessed_on"] = str(data["assessed_on"])
    jsonschema.validate(data, json.loads(printed))


def test_the_template_lists_every_field_and_allowed_value(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "new.yaml"
    assert run_cli("init", target).code == 0
    text = target.read_text(encoding="utf-8")
    for choices in (PLATFORMS, PROCESSES, FOCUS, LEAD_LOAD, BACKGROUNDS, MEMBERSHIP, HELPS_AS):
        assert "one of: " + " | ".join(choices) in text
    for field in ("head_of_integration", "context", "platform", "process", "backlog", "pods", "focus",
                  "lead_load", "active_projects", "people", "pod", "roles", "assignments", "background",
                  "reports_to", "integration_training", "member", "helps_as", "owns_deliverables", "answers",
                  "responses", *ROLES):
        assert re.search(rf"\b{field}\b", text), field
    for q in questions():
        assert f"{q.id}:" in text


def test_init_never_replaces_a_file_unless_forced(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("precious", encoding="utf-8")
    run = run_cli("init", target)
    assert run.code == 2
    assert run.err.strip() == f"podcheck: {target}: already exists; choose another name, or add --force to replace it"
    assert target.read_text(encoding="utf-8") == "precious"
    assert run_cli("init", target, "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server:")


def test_init_wants_a_yaml_name(tmp_path: Path, run_cli) -> None:
    run = run_cli("init", tmp_path / "new.txt")
    assert run.code == 2 and "name it with .yaml" in run.err


# ---------------------------------------------------------------- blank roster and --from


def test_blank_roster_has_the_readers_columns_and_the_models_lists(tmp_path: Path, run_cli) -> None:
    from podcheck.files.sheets import PERSON_COLUMNS, POD_FACTS, UNIT_FACTS

    target = tmp_path / "roster.xlsx"
    run = run_cli("init", target, "--roster")
    assert run.code == 0, run.err
    book = openpyxl.load_workbook(target)
    people, facts = book["people"], book["facts"]
    assert [c.value for c in people[1]] == list(PERSON_COLUMNS)
    assert [c.value for c in facts[1]] == ["unit", "pod", *UNIT_FACTS, *POD_FACTS]
    lists = {}
    for sheet in (people, facts):
        for check in sheet.data_validations.dataValidation:
            column = sheet.cell(row=1, column=openpyxl.utils.column_index_from_string(str(check.sqref)[0])).value
            lists[column] = (check.type, check.formula1)
    assert lists["background"] == ("list", '"' + ",".join(BACKGROUNDS) + '"')
    assert lists["platform"] == ("list", '"' + ",".join(PLATFORMS) + '"')
    assert lists["focus"] == ("list", '"' + ",".join(FOCUS) + '"')
    assert lists["helps_as"] == ("list", '"' + ",".join(HELPS_AS) + '"')
    assert all(lists[role][0] == "decimal" for role in ROLES)
    assert run_cli("init", target, "--roster").code == 2  # not replaced


def fill_roster(path: Path, units: tuple[str, ...] = ("Payments",)) -> None:
    book = openpyxl.load_workbook(path)
    for name in units:
        book["people"].append([name, "Ana", "CRM", 1, None, None, "mis"])
        book["people"].append([name, "Bo", "CRM", None, 1, None, "mis"])
        book["people"].append([name, "Cy", "CRM", None, None, 1, "business-analysis"])
        book["facts"].append([name, None, "Acme", "2026-11-20"])
    book.save(path)


def test_a_filled_in_blank_roster_becomes_an_assessment_file(tmp_path: Path, run_cli) -> None:
    roster = tmp_path / "roster.xlsx"
    assert run_cli("init", roster, "--roster").code == 0
    fill_roster(roster)
    target = tmp_path / "payments.yaml"
    run = run_cli("init", target, "--from", roster)
    assert run.code == 0, run.err
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    result = json.loads(run_cli("assess", target, "--format", "json").out)
    assert result["unit"] == "Payments" and result["stage"]["id"] == "minimum-viable"
    imported = run_cli("import", roster, "--out", tmp_path / "units")
    assert imported.code == 0, imported.err


def test_init_from_a_roster_of_several_units_points_to_import(tmp_path: Path, run_cli) -> None:
    roster = tmp_path / "roster.xlsx"
    assert run_cli("init", roster, "--roster").code == 0
    fill_roster(roster, ("North", "South"))
    run = run_cli("init", tmp_path / "x.yaml", "--from", roster)
    assert run.code == 2 and "holds 2 units (North, South)" in run.err and "podcheck import" in run.err
    assert not (tmp_path / "x.yaml").exists()


def test_init_from_a_bad_roster_names_its_cell(tmp_path: Path, run_cli) -> None:
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["unit", "name", "pod", "lead"], ["P", "Ana", "CRM", "2"]])
    (tmp_path / "roster-facts.csv").write_text("unit,organization,assessed_on\nP,Acme,2026-11-20\n", encoding="utf-8")
    run = run_cli("init", tmp_path / "p.yaml", "--from", roster)
    assert run.code == 2 and "row 2, column lead" in run.err and "Traceback" not in run.err


# ---------------------------------------------------------------- handouts


def test_questions_handout_markdown_and_html(run_cli) -> None:
    md = run_cli("questions", "--format", "md")
    assert md.code == 0, md.err
    html = run_cli("questions", "--format", "html")
    assert html.code == 0, html.err
    for q in questions():
        assert f"`{q.id}`" in md.out and q.low in md.out
        assert q.id in html.out
    for dim in {q.dimension for q in questions()}:
        assert f"## {dimensions()[dim].name}" in md.out
    assert "Content-Security-Policy" in html.out and "<script" not in html.out
    assert "only where the unit runs two or more pods" in md.out


def test_role_cards_in_each_format(tmp_path: Path, run_cli) -> None:
    md = run_cli("role-cards")
    assert md.code == 0, md.err
    html = run_cli("role-cards", "--format", "html", "-o", tmp_path / "cards.html")
    assert html.code == 0, html.err
    page = (tmp_path / "cards.html").read_text(encoding="utf-8")
    for card in role_cards():
        assert f"## {card.title}" in md.out and card.title in page
        assert card.purpose in md.out
    assert [c.role for c in role_cards()] == list(ROLES)


def test_handouts_as_pdf(tmp_path: Path, run_cli) -> None:
    pdf_ready()
    for command in (("questions", "--format", "pdf"), ("role-cards", "--format", "pdf", "--paper", "letter")):
        run = run_cli(*command, "-o", tmp_path / "x.pdf")
        assert run.code == 0, run.err
        assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")


def test_a_pdf_handout_needs_an_output_file(run_cli) -> None:
    run = run_cli("role-cards", "--format", "pdf")
    assert run.code == 2 and "-o" in run.err


def test_the_facilitator_guide_names_every_dimension_and_step(run_cli) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for dim in dimensions().values():
        assert f"**{dim.name}**" in guide, dim.name
    steps = re.findall(r"^### (\d+)\. (.+?) \((\d+) min\)$", guide, flags=re.M)
    assert [int(n) for n, _, _ in steps] == list(range(1, 9))
    agenda = re.findall(r"^\| \d:\d\d \| (\d+)\. (.+?) \| (\d+) \|$", guide, flags=re.M)
    assert [(n, t, m) for n, t, m in agenda] == steps  # the agenda and the steps agree, timings included
    commands = set(re.findall(r"`podcheck ([a-z-]+)", guide))
    helps = run_cli("--help").out
    assert commands and all(c in helps for c in commands)


def _domain() -> str:
    found = next((p for p in (ROOT.parent / "shared" / "domain.md", Path("/work/shared/domain.md")) if p.is_file()),
                 None)
    if found is None:
        pytest.skip("shared/domain.md is not beside the repository")
    return found.read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["cards", "guide"])
def test_room_material_is_in_our_own_words(text: str) -> None:
    domain = re.findall(r"[a-z0-9']+", _domain().lower())
    runs = {tuple(domain[i:i + 7]) for i in range(len(domain) - 6)}
    if text == "cards":
        prose = " ".join(" ".join([c.purpose, *c.does, *c.not_, *c.asks]) for c in role_cards())
    else:
        prose = GUIDE.read_text(encoding="utf-8")
    mine = re.findall(r"[a-z0-9']+", prose.lower())
    shared = [" ".join(mine[i:i + 7]) for i in range(len(mine) - 6) if tuple(mine[i:i + 7]) in runs]
    assert not shared


# ---------------------------------------------------------------- the workshop's view of a survey


def test_workshop_shows_each_questions_distribution(tmp_path: Path) -> None:
    from podcheck.workshop.questionnaire import survey_box, survey_html

    path = tmp_path / "r.csv"
    path.write_text(f"name,overlap-technology,pod-authority\n{SCRIPT},1,2\nB,4,\nC,5,\nD,4,3\n", encoding="utf-8")
    html = survey_html(str(path))
    assert "4 people answered" in html
    assert "The team disagrees: answers run from 1 to 5." in html
    counts = re.findall(r"title='(\d) answered (\d)'", html)
    assert counts == [("1", "1"), ("0", "2"), ("0", "3"), ("2", "4"), ("1", "5")]
    assert "not shown: 2 answers" in html  # pod-authority: anonymity threshold
    assert SCRIPT not in html and "alert" not in html
    bad = tmp_path / "bad.csv"
    bad.write_text("overlap-technology\n7\n", encoding="utf-8")
    assert "podcheck-error" in survey_html(str(bad)) and "row 2, column overlap-technology" in survey_html(str(bad))
    box = survey_box()
    path_box, button = box.children[1].children
    path_box.value = str(path)
    button.click()
    assert "4 people answered" in box.children[2].value
