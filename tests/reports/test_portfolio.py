"""The portfolio: heat table, common findings, failures, CSV/JSON for spreadsheets, links that stay inside."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import podcheck
from podcheck.catalog import StageInfo, stages
from podcheck.render.portfolio import Failure, PortfolioEntry, safe_link, write_portfolio

from .conftest import EXAMPLES, SCRIPT, squash


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def plan_reach(r: podcheck.Result) -> StageInfo:
    changed = [s for s in r.plan if s.changes]
    stage = changed[-1].projected.stage if changed else r.stage.id
    return next(s for s in stages() if s.id == stage)


def test_portfolio_table_has_every_unit(portfolio_dir: Path, units) -> None:
    soup = BeautifulSoup((portfolio_dir / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.select("#units table tbody tr")
    assert len(rows) == len(units) + 1  # the examples and the hostile unit
    by_unit = {squash(r.select_one("td.name b").get_text()): r for r in rows}
    for unit in units.values():
        r = unit.result
        cells = [squash(td.get_text(" ")) for td in by_unit[r.unit].find_all("td")]
        assert r.stage.name in cells[1]
        assert cells[2] == f"{r.score} {r.assessed.dimensions}/{r.assessed.of} areas"
        assert cells[-3] == str(r.count("high"))
        # The plan: its length and the stage it reaches.
        plan_cell = by_unit[r.unit].find_all("td")[-2]
        assert cells[-2] == (f"{len(r.plan)} → {plan_reach(r).level}" if r.plan else "–")
        if r.plan:
            assert f"stage {plan_reach(r).level}, {plan_reach(r).name}" in plan_cell.span["title"]
        scored = {d.id: d.score for d in r.dimensions}
        shown = cells[3:-3]
        assert len(shown) == 8
        assert sum(1 for c in shown if c == "n/a") == len(r.not_assessed)
        assert [int(c) for c in shown if c != "n/a"] == [scored[i] for i in scored]
        # The heat colouring follows the score and the worst open finding.
        score_cell = by_unit[r.unit].find_all("td")[2]
        assert set(score_cell["class"]) & {"good", "fair", "weak", "poor"}
        if r.count("high"):
            assert "poor" in score_cell["class"]


def test_links_lead_to_each_units_report(portfolio_dir: Path, units) -> None:
    soup = BeautifulSoup((portfolio_dir / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.select("#units td.name a")]
    assert len(links) == len(units) + 1
    for href in links:
        target = (portfolio_dir / href).resolve()
        assert target.is_file() and target.is_relative_to(portfolio_dir.resolve())
        report = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert report.h1 is not None


def test_most_common_findings_and_failures(portfolio_dir: Path, units, hostile) -> None:
    soup = BeautifulSoup((portfolio_dir / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    common = soup.select("#common-findings tbody tr")
    having: dict[str, set[str]] = {}
    for unit in [*units.values(), hostile]:
        for f in unit.result.findings:
            having.setdefault(f.id, set()).add(unit.result.unit)
    most = max(len(v) for v in having.values())
    top = squash(common[0].get_text(" "))
    assert f"{most} of {len(units) + 1}" in top
    top_id = squash(common[0].select_one(".id").get_text())
    assert len(having[top_id]) == most
    assert set(squash(common[0].select("td")[-1].get_text()).split(", ")) >= {
        u for u in having[top_id] if "," not in u}
    shown = [len(having[squash(tr.select_one(".id").get_text())]) for tr in common]
    assert shown == sorted(shown, reverse=True)
    failures = squash(soup.find(id="failures").get_text(" "))
    assert "Broken Unit" in failures and "must be between 0 and 1" in failures


def test_csv_and_json_carry_the_same_units(portfolio_dir: Path, units) -> None:
    rows = read_csv(portfolio_dir / "portfolio.csv")
    assessed = {r["unit"]: r for r in rows if r["status"] == "assessed"}
    for unit in units.values():
        r = unit.result
        row = assessed[r.unit]
        assert int(row["score"]) == r.score and row["stage"] == r.stage.id
        assert int(row["high_findings"]) == r.count("high")
        for d in r.dimensions:
            assert int(row[f"score_{d.id}"]) == d.score
        for d in r.not_assessed:
            assert row[f"score_{d.id}"] == ""
    failed = [r for r in rows if r["status"] == "failed"]
    assert [(r["unit"], r["reason"].split(":")[0]) for r in failed] == [("Broken Unit", "broken.yaml")]
    data = json.loads((portfolio_dir / "portfolio.json").read_text(encoding="utf-8"))
    assert data["schema"] == "podcheck-portfolio/1"
    assert {u["unit"] for u in data["units"]} == {u.result.unit for u in units.values()} | {SCRIPT}
    assert data["failures"][0]["unit"] == "Broken Unit"
    findings = read_csv(portfolio_dir / "portfolio-findings.csv")
    assert len(findings) == sum(len(u.result.findings) for u in units.values()) + 4  # hostile unit's four
    assert data["common_findings"][0]["units"]


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path, units) -> None:
    base = units["commerce"].result
    nasty = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]
    entries = [base.model_copy(update={"unit": name, "organization": "=cmd|' /C calc'!A0"}) for name in nasty]
    write_portfolio(entries, tmp_path, failures=[("=1+2", "@bad input")])
    for name in ("portfolio.csv", "portfolio-findings.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig", newline="") as handle:
            cells = [c for row in csv.reader(handle) for c in row]
        assert cells
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@")), (name, cell)
    units_col = [r["unit"] for r in read_csv(tmp_path / "portfolio.csv")]
    assert units_col == ["'" + n for n in sorted(nasty)] + ["'=1+2"]
    # JSON is data, not a sheet: names stay exactly as given.
    data = json.loads((tmp_path / "portfolio.json").read_text(encoding="utf-8"))
    assert sorted(u["unit"] for u in data["units"]) == sorted(nasty)


@pytest.mark.parametrize("href", ["../../etc/passwd", "/etc/passwd", "a/../../x.html", "javascript:alert(1)",
                                  "https://evil.example/x.html", "..\\..\\x.html", "~/x.html", "a//b.html", "./x.html"])
def test_links_outside_the_folder_are_refused(tmp_path: Path, units, href: str) -> None:
    entry = PortfolioEntry(units["mobile"].result, {"html": href})
    with pytest.raises(ValueError):
        write_portfolio([entry], tmp_path)
    assert not (tmp_path / "portfolio.html").exists()


def test_safe_link_encodes_what_it_keeps() -> None:
    assert safe_link("north wind/report.html") == "north%20wind/report.html"
    assert safe_link("payments/payments.html") == "payments/payments.html"


def test_failures_accept_plain_shapes(tmp_path: Path) -> None:
    class Failed:
        name = "Obj Unit"
        error = "timed out after 300 s"
        file = "obj.yaml"

    write_portfolio([], tmp_path, failures=[Failure("A", "bad"), ("B", "worse", "b.yaml"),
                                            {"unit": "C", "reason": "worst"}, Failed()])
    rows = read_csv(tmp_path / "portfolio.csv")
    assert [(r["unit"], r["reason"]) for r in rows] == [("A", "bad"), ("B", "worse"), ("C", "worst"),
                                                        ("Obj Unit", "timed out after 300 s")]
    soup = BeautifulSoup((tmp_path / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    assert "No unit could be assessed" in soup.get_text()


def test_portfolio_command_with_escaping_unit_names(run_cli, tmp_path: Path) -> None:
    team = podcheck.load_assessment(EXAMPLES / "mobile.yaml").to_yaml_dict()
    inputs = tmp_path / "in"
    inputs.mkdir()
    import yaml

    for i, unit in enumerate(["../../etc", "..", "/abs/path", "Mobile"]):
        (inputs / f"unit{i}.yaml").write_text(yaml.safe_dump({**team, "unit": unit}, allow_unicode=True),
                                              encoding="utf-8")
    out = tmp_path / "out" / "portfolio"
    run = run_cli("portfolio", inputs, "--out", out)
    assert run.code == 0, run.err
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(out.resolve()) for p in written)
    assert not list(tmp_path.glob("etc*")) and not (tmp_path / "abs").exists()
    soup = BeautifulSoup((out / "portfolio.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.select("#units td.name a")]
    assert len(hrefs) == 4 and len(set(hrefs)) == 4
    for href in hrefs:
        assert ".." not in href and not href.startswith("/")
        assert (out / href).resolve().is_file()


def test_portfolio_command_mixes_results_and_assessments(run_cli, tmp_path: Path) -> None:
    result_json = tmp_path / "commerce.json"
    assert run_cli("assess", EXAMPLES / "commerce.yaml", "--format", "json", "-o", result_json).code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: podcheck/1\norganization: X\nunit: Broken\nassessed_on: 2026-11-01\n"
                      "pods: []\npeople: []\n", encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("portfolio", result_json, EXAMPLES / "payments.yaml", broken, "--out", out)
    assert run.code == 1  # one input failed: listed, and the rest still reported
    assert "broken.yaml" in run.err and "Traceback" not in run.err
    rows = read_csv(out / "portfolio.csv")
    assert [(r["unit"], r["status"]) for r in rows] == [("Commerce", "assessed"), ("Payments", "assessed"),
                                                        ("broken.yaml", "failed")]
    commerce = BeautifulSoup((out / rows[0]["report_html"]).read_text(encoding="utf-8"), "html.parser")
    assert "made from a result file" in commerce.get_text()
    missing = run_cli("portfolio", tmp_path / "nothing-here", "--out", out)
    assert missing.code == 2 and "nothing-here" in missing.err and "Traceback" not in missing.err
