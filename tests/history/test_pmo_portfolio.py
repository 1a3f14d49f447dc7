"""The portfolio a PMO uses: change since the previous batch, targets and divisions, the workbook sheet by sheet,
the PDF's text, print CSS, and sorting in a real browser under a strict Content-Security-Policy."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from podcheck.testing import BASE_TEAM

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "podcheck.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def team(unit: str, day: str, *, dual: bool = False, division: str | None = None, target: str | None = None,
         **extra: object) -> dict:
    data = {**BASE_TEAM, "unit": unit, "assessed_on": day, **extra}
    if division:
        data["division"] = division
    if target:
        data["target_stage"] = target
    if dual:
        data["people"] = [{"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}, "background": "business-process"},
                          {"name": "Tom", "pod": "CRM", "roles": {"technologist": 0.5, "analyst": 0.5},
                           "background": "mis"}]
    return data


def write(folder: Path, name: str, data: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three units over two batches: Alpha gets better, Beta worse, a hostile unit stays; letter paper."""
    root = tmp_path_factory.mktemp("pmo")
    inputs, out = root / "in", root / "out"
    write(inputs, "alpha", team("Alpha", "2026-05-01", dual=True, division="EMEA", target="multi-pod"))
    write(inputs, "beta", team("Beta", "2026-05-01", division="Americas", target="minimum-viable"))
    write(inputs, "hostile", team(SCRIPT, "2026-05-01", division=FORMULA, organization=FORMULA,
                                  actions=[{"title": FORMULA, "owner": SCRIPT, "due": "2026-04-01"}]))
    run = cli("batch", inputs, "--out", out, "--no-notebooks", "--formats", "html,pdf", "-q", "--paper", "letter")
    assert run.returncode == 0, run.stderr
    write(inputs, "alpha", team("Alpha", "2026-11-01", division="EMEA", target="multi-pod"))
    write(inputs, "beta", team("Beta", "2026-11-01", dual=True, division="Americas", target="minimum-viable",
                               accepted_risks=[{"id": "dual-role.analyst-technologist", "pod": "CRM",
                                                "reason": "one more quarter", "expires": "2026-10-31"}]))
    run = cli("batch", inputs, "--out", out, "--no-notebooks", "--formats", "html,pdf", "-q", "--paper", "letter")
    assert run.returncode == 0, run.stderr
    return out


def test_portfolio_files_sit_at_the_top_of_out(two_batches: Path) -> None:
    for name in ("portfolio.html", "portfolio.csv", "portfolio.json", "portfolio-findings.csv", "portfolio.xlsx",
                 "portfolio.pdf"):
        assert (two_batches / name).is_file(), name


def test_change_targets_divisions_and_high_findings(two_batches: Path) -> None:
    data = json.loads((two_batches / "portfolio.json").read_text(encoding="utf-8"))
    units = {u["unit"]: u for u in data["units"]}
    assert units["Alpha"]["change"]["score"] > 0 and units["Beta"]["change"]["score"] < 0
    assert units["Alpha"]["target_gap"] == 2 and units["Beta"]["target_gap"] == 0
    # Beta's acceptance expired the day before: the finding is back, listed and counted.
    assert [f["id"] for f in units["Beta"]["high_findings"]] == ["dual-role.analyst-technologist"]
    beta = json.loads((two_batches / "beta" / "result.json").read_text(encoding="utf-8"))
    assert units["Beta"]["plan_steps"] == len(beta["plan"]) >= 1  # the expired risk is back in the plan too
    assert units["Beta"]["plan_reaches"]
    assert {d["division"] for d in data["divisions"]} == {"EMEA", "Americas", FORMULA}
    page = BeautifulSoup((two_batches / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    rows = {r["data-unit"]: r for r in page.select("#units-table tbody tr")}
    assert "▲" in rows["Alpha"].get_text() and "▼" in rows["Beta"].get_text()
    assert "One person is both analyst and technologist" in rows["Beta"].get_text() or \
        rows["Beta"]["data-high"] == "1"
    assert page.find(id="divisions") is not None


def test_print_css_keeps_colours_and_drops_the_link_lists(two_batches: Path) -> None:
    html = (two_batches / "portfolio.html").read_text(encoding="utf-8")
    css = html[html.index("@media print"):]
    assert "print-color-adjust: exact" in css
    assert re.search(r"\.links[^{]*\{\s*display:\s*none", css)


def test_the_workbook_sheet_by_sheet(two_batches: Path) -> None:
    book = openpyxl.load_workbook(two_batches / "portfolio.xlsx")
    assert book.sheetnames == ["units", "findings", "plan steps", "actions", "history"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)  # never a formula
    units = book["units"]
    header = [c.value for c in units[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in units.iter_rows(min_row=2)]
    by_unit = {r["unit"]: r for r in rows}
    assert set(by_unit) == {"Alpha", "Beta", SCRIPT}
    assert by_unit["Alpha"]["division"] == "EMEA" and by_unit["Alpha"]["target_gap"] == 2
    assert by_unit[SCRIPT]["division"] == "'" + FORMULA  # formula-safe, as in the CSV files
    findings = book["findings"]
    assert any(r[2] == "dual-role.analyst-technologist" and r[1] == "Beta"
               for r in findings.iter_rows(min_row=2, values_only=True))
    data = json.loads((two_batches / "portfolio.json").read_text(encoding="utf-8"))
    assert book["plan steps"].max_row == 1 + sum(u["plan_steps"] or 0 for u in data["units"])
    actions = list(book["actions"].iter_rows(min_row=2, values_only=True))
    assert actions and actions[0][2] == "'" + FORMULA and actions[0][6] is True  # overdue
    history = [r for r in book["history"].iter_rows(min_row=2, values_only=True) if r[1] == "Alpha"]
    assert [r[2] for r in history] == ["2026-05-01", "2026-11-01"]


def test_the_portfolio_pdf_reads_right_on_letter_paper(two_batches: Path) -> None:
    pdf = two_batches / "portfolio.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("Integration portfolio", "Alpha", "Beta", "By division", "EMEA"):
        assert words in text, words
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert SCRIPT in re.sub(r"\s+", "", plain)  # a narrow column wraps the hostile name: shown as text
    assert "Report" not in text.split("Units at a glance")[1].split("The most common")[0]  # no link lists
    box = PdfReader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US letter
    unit_pdf = PdfReader(two_batches / "alpha" / "alpha.pdf").pages[0].mediabox
    assert round(float(unit_pdf.width)) == 612


def test_hostile_names_are_inert_in_the_portfolio(two_batches: Path) -> None:
    html = (two_batches / "portfolio.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert html.count("<script>") == 1  # the one sorting script, nothing from a name


@pytest.mark.browser
def test_sorting_works_in_chromium_and_the_policy_logs_no_violation(two_batches: Path, browser) -> None:
    page = browser.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(str(e)))
    page.goto((two_batches / "portfolio.html").as_uri())

    def units() -> list[str]:
        return page.eval_on_selector_all("#units-table tbody tr", "rows => rows.map(r => r.dataset.unit)")

    assert page.is_visible("button[data-sort=score]")  # shown by the script: it ran
    page.click("button[data-sort=score]")
    page.wait_for_selector("#units-table[data-sorted-by=score]")
    scores = page.eval_on_selector_all("#units-table tbody tr", "rows => rows.map(r => Number(r.dataset.score))")
    assert scores == sorted(scores, reverse=True)
    page.click("button[data-sort=change]")
    page.wait_for_selector("#units-table[data-sorted-by=change]")
    assert units()[0] == "Alpha" and units()[1] == "Beta"  # the unit without a change goes last
    page.click("button[data-sort=change]")
    page.wait_for_function("document.querySelector('#units-table th[aria-sort]').getAttribute('aria-sort') "
                           "=== 'ascending'")
    assert units()[0] == "Beta"
    page.click("button[data-sort=high]")
    page.wait_for_selector("#units-table[data-sorted-by=high]")
    assert page.eval_on_selector("#units-table tbody tr", "r => r.dataset.high") == "1"
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m], messages
    page.close()

    # The same page with its script changed by one character: the policy refuses it, the buttons stay hidden,
    # and the violation is logged, which is what the check above would have caught.
    html = (two_batches / "portfolio.html").read_text(encoding="utf-8").replace('"use strict";', '"use strict"; ')
    tampered = two_batches / "tampered.html"
    tampered.write_text(html, encoding="utf-8")
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text))
    page.goto(tampered.as_uri())
    page.wait_for_load_state("load")
    assert not page.is_visible("button[data-sort=score]")
    assert any("Content Security Policy" in m for m in refused), refused
    page.close()
    tampered.unlink()
