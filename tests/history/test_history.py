"""History across runs: every assessment kept per unit, the trend in the unit's report, one unit's failure never
touching another's history, and the same for one unit outside a batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

import podcheck
from podcheck.changes import parse_changes
from podcheck.compare import trend
from podcheck.render import render
from podcheck.testing import BASE_TEAM

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assessments" / "examples"
SCRIPT = "<script>alert(1)</script>"


def cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "podcheck.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def write_team(path: Path, day: str, unit: str = "Payments", dual: bool = True, **extra: object) -> None:
    data = {**BASE_TEAM, "unit": unit, "assessed_on": day, **extra}
    if dual:  # Tom doubles as analyst: a high finding, closed when an analyst joins
        data["people"] = [{"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}, "background": "business-process"},
                          {"name": "Tom", "pod": "CRM", "roles": {"technologist": 0.5, "analyst": 0.5},
                           "background": "mis"}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def batch(inputs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("batch", inputs, "--out", out, "--no-notebooks", "--formats", "html,md", "--quiet", *extra)


def test_one_unit_assessed_three_times_keeps_all_three_and_shows_them(tmp_path: Path) -> None:
    team, out = tmp_path / "in" / "payments.yaml", tmp_path / "out"
    team.parent.mkdir()
    write_team(team, "2026-05-10")
    assert batch(team.parent, out).returncode == 0
    write_team(team, "2026-11-10", dual=False)  # the analyst joined: the dual-role finding is closed
    assert batch(team.parent, out).returncode == 0
    write_team(team, "2027-05-10", dual=False, context={"process": "none"})
    run = batch(team.parent, out)
    assert run.returncode == 0, run.stderr

    kept = sorted(p.name for p in (out / "history" / "payments").iterdir())
    assert kept == ["2026-05-10.json", "2026-11-10.json", "2027-05-10.json"]
    first = json.loads((out / "history" / "payments" / "2026-05-10.json").read_text(encoding="utf-8"))
    assert any(f["id"] == "dual-role.analyst-technologist" for f in first["findings"])  # untouched by later runs

    page = BeautifulSoup((out / "payments" / "payments.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find(id="over-time")
    assert section is not None
    text = " ".join(section.get_text(" ").split())
    for day in ("2026-05-10", "2026-11-10", "2027-05-10"):
        assert day in text
    assert "Closed since the first assessment" in text and "Opened since the first assessment" in text
    # The first plan's steps: how many are done (their findings gone) by now.
    planned = [s for s in first["plan"] if s["changes"] and s["resolves"]]
    assert planned and f"Steps of the first plan done {len(planned)} of {len(planned)}" in text
    assert section.find("svg") is not None and section.find("polyline") is not None
    md = (out / "payments" / "payments.md").read_text(encoding="utf-8")
    assert "## Over time" in md and "2026-05-10" in md and "2027-05-10" in md

    portfolio = json.loads((out / "portfolio.json").read_text(encoding="utf-8"))
    unit = portfolio["units"][0]
    assert unit["change"]["since"] == "2026-11-10"
    assert [h["assessed_on"] for h in unit["history"]] == ["2026-05-10", "2026-11-10"]


def test_the_same_date_again_replaces_only_itself(tmp_path: Path) -> None:
    team, out = tmp_path / "in" / "payments.yaml", tmp_path / "out"
    team.parent.mkdir()
    write_team(team, "2026-05-10")
    batch(team.parent, out)
    write_team(team, "2026-11-10")
    batch(team.parent, out)
    before = (out / "history" / "payments" / "2026-05-10.json").read_bytes()
    write_team(team, "2026-11-10", dual=False)  # a correction to the latest assessment, same date
    assert batch(team.parent, out).returncode == 0
    folder = out / "history" / "payments"
    assert sorted(p.name for p in folder.iterdir()) == ["2026-05-10.json", "2026-11-10.json"]
    assert (folder / "2026-05-10.json").read_bytes() == before
    latest = json.loads((folder / "2026-11-10.json").read_text(encoding="utf-8"))
    assert not any(f["id"] == "dual-role.analyst-technologist" for f in latest["findings"])


def test_a_failing_unit_never_removes_history_its_own_or_another(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    write_team(inputs / "a.yaml", "2026-05-10", unit="Alpha")
    write_team(inputs / "b.yaml", "2026-05-10", unit="Beta")
    assert batch(inputs, out).returncode == 0
    write_team(inputs / "a.yaml", "2026-11-10", unit="Alpha")
    (inputs / "b.yaml").write_text((inputs / "b.yaml").read_text().replace("assessed_on: '2026-05-10'",
                                                                           "assessed_on: 2026-13-40"))
    run = batch(inputs, out)
    assert run.returncode == 1 and "b.yaml" in run.stderr
    assert sorted(p.name for p in (out / "history" / "alpha").iterdir()) == ["2026-05-10.json", "2026-11-10.json"]
    assert sorted(p.name for p in (out / "history" / "beta").iterdir()) == ["2026-05-10.json"]


def test_trend_handles_a_missing_score_and_needs_two_dates() -> None:
    scored = podcheck.assess(podcheck.parse_assessment({**BASE_TEAM, "assessed_on": "2026-01-01"}))
    empty = podcheck.assess(podcheck.parse_assessment({**BASE_TEAM, "assessed_on": "2026-06-01", "people": []}))
    latest = podcheck.assess(podcheck.parse_assessment({**BASE_TEAM, "assessed_on": "2026-12-01"}))
    assert empty.score is None
    assert trend([scored]) is None and trend([scored, scored]) is None
    t = trend([latest, empty, scored])  # any order
    assert t is not None and [p.assessed_on for p in t.points] == ["2026-01-01", "2026-06-01", "2026-12-01"]
    html = str(render(latest, "html", history=[scored, empty]))
    section = BeautifulSoup(html, "html.parser").find(id="over-time")
    assert "not enough facts" in section.get_text(" ")
    assert section.find("polyline") is None  # no line is drawn through a missing score
    assert "Over time (3 assessments)" in str(render(latest, "text", history=[scored, empty]))


def test_assess_with_history_keeps_each_result_and_shows_the_trend(tmp_path: Path) -> None:
    team, history = tmp_path / "payments.yaml", tmp_path / "history"
    write_team(team, "2026-05-10")
    assert cli("assess", team, "--history", history, "-f", "json").returncode == 0
    write_team(team, "2026-11-10", dual=False)
    run = cli("assess", team, "--history", history, "-f", "html", "-o", tmp_path / "r.html")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in history.iterdir()) == ["2026-05-10.json", "2026-11-10.json"]
    page = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    assert "2026-05-10" in page.find(id="over-time").get_text()

    other = tmp_path / "other.yaml"
    write_team(other, "2027-01-01", unit="Another unit")
    run = cli("assess", other, "--history", history)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "keeps results of unit 'Payments'" in run.stderr
    assert "Traceback" not in run.stderr


def test_history_import_brings_earlier_results_in(tmp_path: Path) -> None:
    history = tmp_path / "out" / "history" / "payments"
    results = []
    for day in ("2025-11-01", "2026-05-01"):
        team = tmp_path / f"{day}.yaml"
        write_team(team, day)
        path = tmp_path / f"{day}.json"
        path.write_text(cli("assess", team, "-f", "json").stdout, encoding="utf-8")
        results.append(path)
    run = cli("history", "import", *results, "--history", history)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in history.iterdir()) == ["2025-11-01.json", "2026-05-01.json"]
    # A batch into the same --out picks them up: the unit's report shows three assessments.
    team = tmp_path / "in" / "payments.yaml"
    team.parent.mkdir()
    write_team(team, "2026-11-01")
    assert batch(team.parent, tmp_path / "out").returncode == 0
    text = BeautifulSoup((tmp_path / "out" / "payments" / "payments.html").read_text(encoding="utf-8"),
                         "html.parser").find(id="over-time").get_text()
    assert "2025-11-01" in text and "2026-05-01" in text and "2026-11-01" in text

    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    run = cli("history", "import", bad, "--history", history)
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr.startswith("podcheck: ")


def test_hostile_unit_names_are_escaped_in_the_trend(tmp_path: Path) -> None:
    data = {**BASE_TEAM, "unit": SCRIPT, "organization": SCRIPT}
    old = podcheck.assess(podcheck.parse_assessment({**data, "assessed_on": "2026-01-01"}))
    new = podcheck.assess(podcheck.parse_assessment({**data, "assessed_on": "2026-06-01", "context": {
        "process": "none"}}))
    html = str(render(new, "html", history=[old]))
    assert SCRIPT not in html and "&lt;script&gt;" in html
    md = str(render(new, "md", history=[old]))
    assert SCRIPT not in md


def test_action_add_writes_a_valid_action_and_refuses_a_bad_one(tmp_path: Path) -> None:
    team = tmp_path / "payments.yaml"
    write_team(team, "2026-05-10")
    team.write_text("# our team\n" + team.read_text(), encoding="utf-8")
    run = cli("action", "add", team, "--title", "Hire an analyst", "--owner", "Lea", "--due", "2026-09-01",
              "--finding", "dual-role.analyst-technologist@CRM", "--from-step", "1")
    assert run.returncode == 0, run.stderr
    text = team.read_text(encoding="utf-8")
    assert text.startswith("# our team\n")  # the file's own comments stay
    a = podcheck.load_assessment(team)
    assert a.actions[0].title == "Hire an analyst" and a.actions[0].from_step == 1
    assert a.actions[0].findings[0].pod == "CRM"
    before = team.read_bytes()
    run = cli("action", "add", team, "--title", "x", "--finding", "dual-role.analyst-technologist@CMR")
    assert run.returncode == 2 and "actions[1].findings[0].pod: no pod named 'CMR'" in run.stderr
    assert team.read_bytes() == before


def test_a_plan_step_is_accepted_as_an_action_and_reviewed_next_time(tmp_path: Path) -> None:
    team = tmp_path / "commerce.yaml"
    team.write_bytes((EXAMPLES / "commerce.yaml").read_bytes())
    step = podcheck.assess(podcheck.load_assessment(team)).plan[0]
    run = cli("action", "add", team, "--step", "1", "--owner", "Chloé Dubois", "--due", "2027-01-15")
    assert run.returncode == 0, run.stderr
    action = podcheck.load_assessment(team).actions[0]
    assert action.title == step.title.rstrip(".") and action.from_step == 1
    assert {(f.id, f.pod) for f in action.findings} == {(f.id, f.pod) for f in step.addresses}
    # Nothing done yet: its findings are still open. Once the step's changes are made, they are gone.
    assert podcheck.assess(podcheck.load_assessment(team)).actions[0].resolved is False
    data = podcheck.load_assessment(team).to_yaml_dict()
    for change in parse_changes(step.changes, "plan"):
        change.apply(data)
    assert podcheck.assess(podcheck.parse_assessment(data)).actions[0].resolved is True
    # Near miss: a step the plan does not have is one line, and the file is untouched.
    before = team.read_bytes()
    run = cli("action", "add", team, "--step", "99")
    assert run.returncode == 2 and "has steps 1 to" in run.stderr and "not step 99" in run.stderr
    assert team.read_bytes() == before
