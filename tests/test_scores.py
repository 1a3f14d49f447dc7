"""Scores that never mislead: no score without enough facts, how much was assessed, bands that follow severity."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

import podcheck
from podcheck.render import render
from podcheck.render.filters import standing
from podcheck.render.portfolio import write_portfolio
from podcheck.result import Result
from podcheck.testing import BASE_TEAM

NOT_ENOUGH = "not enough facts"


def team(**changes: Any) -> dict[str, Any]:
    """The rule cases' base team (one complete pod), with top-level keys replaced."""
    data = copy.deepcopy(BASE_TEAM)
    data.update(changes)
    return data


def result_of(data: dict[str, Any]) -> Result:
    return podcheck.assess(podcheck.parse_assessment(data))


EMPTY = team(unit="Empty", people=[])
HELPERS_ONLY = team(unit="Helpers", people=[
    {"name": n, "pod": "CRM", "member": "extended", "helps_as": "qa"} for n in ("Ann", "Ben", "Cid")])
BARE = team(unit="Bare", people=[
    {"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}},
    {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}},
    {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}},
])
ONE_ROLE = team(unit="One role", people=[{"name": "Lea", "pod": "CRM", "roles": {"lead": 0.2}}])


# ---------------------------------------------------------------- the engine


@pytest.mark.parametrize("data", [EMPTY, HELPERS_ONLY], ids=["empty team", "helpers only"])
def test_no_core_member_with_a_role_gets_no_score(data: dict[str, Any]) -> None:
    r = result_of(data)
    assert r.score is None
    assert r.score_reason.startswith("Not enough facts:")
    assert "role" in r.score_reason and "lead" in r.score_reason  # says what to add
    # The team's shape cannot be judged: no roster dimension pretends to a score.
    assert r.dimensions == []
    assert r.assessed.dimensions == 0
    # What is missing is still said: the pod needs its three roles.
    assert {f.id for f in r.findings} >= {"roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst"}
    assert r.to_dict()["score"] is None


def test_near_miss_one_core_member_with_a_role_is_scored() -> None:
    r = result_of(ONE_ROLE)
    assert r.score is not None
    assert r.assessed.dimensions >= 1


def test_answers_alone_are_shown_but_give_no_overall_score() -> None:
    q = podcheck.questions()[0]
    r = result_of({**EMPTY, "answers": {q.id: 4}})
    assert r.score is None
    assert [d.id for d in r.dimensions] == [q.dimension]  # what the team said still counts
    assert r.assessed.dimensions == 1


def test_bare_roster_never_reads_as_matching_the_playbook() -> None:
    r = result_of(BARE)
    assert r.score is not None
    # Nobody's background is known: the developer trap cannot be judged, so it is not assessed.
    assert "developer-trap" in {n.id for n in r.not_assessed}
    assert r.assessed.dimensions < r.assessed.of
    assert r.assessed.unknowns == len(r.unknowns) > 0
    text = render(r, "text")
    assert "matches the playbook" not in text
    assert f"{r.assessed.dimensions} of {r.assessed.of} areas assessed" in text


def test_assessed_counts_dimensions_and_unknowns() -> None:
    r = result_of(team())
    assert r.assessed.of == len(r.dimensions) + len(r.not_assessed) == 8
    assert r.assessed.dimensions == len(r.dimensions)
    assert r.assessed.unknowns == len(r.unknowns)
    assert r.to_dict()["assessed"] == {"dimensions": r.assessed.dimensions, "of": 8, "unknowns": len(r.unknowns)}


def test_questionnaire_answers_are_described_on_their_own_scale() -> None:
    q = [q for q in podcheck.questions() if q.dimension == "leadership"][:2]
    r = result_of(team(answers={q[0].id: 1, q[1].id: 2}))
    summary = next(d.summary for d in r.dimensions if d.id == "leadership")
    assert "2 questionnaire answers, average 1.5 of 5" in summary
    assert "/100" not in summary


# ---------------------------------------------------------------- bands follow the worst open severity


def test_band_follows_an_open_high_finding_whatever_the_score() -> None:
    assert standing(70, "high").band == "poor"
    assert standing(70, "high").label == "serious"
    assert standing(95, "high").band == "poor"


def test_band_near_miss_medium_keeps_its_numeric_band() -> None:
    assert standing(70, "medium").band == "fair"
    assert standing(70, None).band == "fair"
    assert standing(90, "medium").band == "fair"  # a medium finding keeps a unit out of 'good'
    assert standing(90, "low").band == "good"
    assert standing(None, "high").band == "na"
    assert standing(None, None).label == NOT_ENOUGH


def _capped_high() -> Result:
    # One pod missing its analyst's background trap aside: a single high finding caps the score at 70.
    r = result_of(team(context={"platform": "ipaas", "process": "defined"}, people=[
        *BASE_TEAM["people"][:2], {"name": "Ana", "pod": "CRM", "roles": {"analyst": 0.5, "technologist": 0.5},
                                   "background": "business-analysis"}]))
    assert r.count("high") and r.score == 70
    return r


def test_report_colour_follows_the_open_high_finding() -> None:
    r = _capped_high()
    soup = BeautifulSoup(render(r, "html"), "html.parser")
    ring = soup.select_one(".score-box circle:nth-of-type(2)")
    assert ring["stroke"] == "#b42318"  # the 'poor' red, not the 'fair' olive a 70 alone would get
    assert "serious" in soup.select_one(".score-caption").get_text()


# ---------------------------------------------------------------- every view of a null score


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_reports_say_not_enough_facts(fmt: str) -> None:
    r = result_of(EMPTY)
    out = render(r, fmt)
    assert NOT_ENOUGH in out.lower()
    assert "None" not in out.replace("none", "")
    assert "0 of 8 areas assessed" in BeautifulSoup(out, "html.parser").get_text(" ") if fmt == "html" else out


def test_json_score_is_null_on_the_command_line(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "empty.yaml"
    path.write_text(yaml.safe_dump(EMPTY), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "podcheck.cli", "assess", str(path), "--format", "json",
                           "--fail-on", "high"], capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr  # --fail-on still sees the high findings
    data = json.loads(done.stdout)
    assert data["score"] is None
    assert data["assessed"]["dimensions"] == 0


def test_portfolio_with_a_unit_without_a_score(tmp_path: Path) -> None:
    empty, bare, capped = result_of(EMPTY), result_of(BARE), _capped_high()
    files = write_portfolio([empty, bare, capped], tmp_path)
    soup = BeautifulSoup(files["html"].read_text(encoding="utf-8"), "html.parser")
    rows = {r.select_one("td.name b").get_text(strip=True): r.find_all("td") for r in soup.select("#units tbody tr")}
    assert NOT_ENOUGH in rows["Empty"][2].get_text(" ").lower()
    assert "na" in rows["Empty"][2]["class"]
    assert "poor" in rows[capped.unit][2]["class"]
    with files["csv"].open(encoding="utf-8-sig", newline="") as handle:
        by_unit = {row["unit"]: row for row in csv.DictReader(handle)}
    assert by_unit["Empty"]["score"] == ""
    assert by_unit["Empty"]["assessed_dimensions"] == "0"
    assert by_unit["Bare"]["score"] == str(bare.score)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    units = {u["unit"]: u for u in data["units"]}
    assert units["Empty"]["score"] is None
    assert units["Empty"]["assessed"]["dimensions"] == 0
    assert units[capped.unit]["standing"] == {"band": "poor", "label": "serious"}


def test_previous_without_a_score_compares_without_arithmetic() -> None:
    before, after = result_of(EMPTY), result_of(team())
    for fmt in ("md", "html"):
        out = render(after, fmt, previous=before)
        assert NOT_ENOUGH in out.lower()
        out = render(before, fmt, previous=after)
        assert NOT_ENOUGH in out.lower()


def test_notebook_headline_and_workshop_banner_say_not_enough_facts() -> None:
    from podcheck.notebooks.display import Unit, headline
    from podcheck.render.fragments import fragment

    a = podcheck.parse_assessment(EMPTY)
    r = podcheck.assess(a)
    assert NOT_ENOUGH in repr(headline(Unit(Path("empty.yaml"), a, r))).lower()
    banner = fragment("stage", result=r, stale=0)
    assert NOT_ENOUGH in banner.lower()
    assert "0 of 8 areas assessed" in banner


# ---------------------------------------------------------------- declared severity ranges


ESCALATING = ["capacity.backlog-growing", "scaling.no-head-of-integration"]


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "podcheck.cli", *args], capture_output=True, text=True, check=False)


def test_rules_lists_the_severity_range_of_escalating_rules() -> None:
    done = _run_cli("rules")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "medium–high" in lines["capacity.backlog-growing"]
    assert "medium–high" in lines["scaling.no-head-of-integration"]
    assert "–" not in lines["dual-role.single-person"].split()[1]  # a fixed severity shows alone
    practice = next(i for i in lines if i.startswith("practice."))
    assert "low–medium" in lines[practice]
    data = {r["id"]: r for r in json.loads(_run_cli("rules", "--format", "json").stdout)}
    assert data["capacity.backlog-growing"]["severities"] == ["medium", "high"]
    assert data["capacity.backlog-growing"]["escalates_to"] == "high"
    assert data["dual-role.single-person"]["severities"] == ["high"]
    assert data["dual-role.single-person"]["escalates_to"] is None


def test_every_rule_that_sets_a_severity_declares_its_range() -> None:
    # The rules that escalate (capacity, scaling, practice) say so in their metadata.
    meta = podcheck.registry().meta
    for rid in ESCALATING:
        assert meta[rid].severities == ("medium", "high")
    assert all(m.severities == ("low", "medium") for i, m in meta.items() if i.startswith("practice."))


def test_escalation_outside_the_declared_range_is_a_config_error() -> None:
    from podcheck.errors import ConfigError
    from podcheck.rules import Hit, RuleMeta, build_registry, rule

    @rule("mine.loud")
    def loud(team, rubric):  # type: ignore[no-untyped-def]
        yield Hit("mine.loud", None, (), severity="high")

    def registry_with(**extra: Any):  # type: ignore[no-untyped-def]
        meta = RuleMeta(id="mine.loud", title="Loud", severity="low", principles=["P1"], dimension="pods",
                        message="m", recommendation="r", **extra)
        return build_registry([loud], [meta])

    a = podcheck.parse_assessment(team())
    with pytest.raises(ConfigError, match="mine.loud: severity high is outside the declared range low"):
        podcheck.assess(a, rules=registry_with())
    with pytest.raises(ConfigError, match="outside the declared range low–medium"):
        podcheck.assess(a, rules=registry_with(escalates_to="medium"))
    # Near miss: declared up to high, the hit is within range.
    assert podcheck.assess(a, rules=registry_with(escalates_to="high")).count("high") >= 1


def test_escalation_must_be_more_serious_than_the_default() -> None:
    from pydantic import ValidationError

    from podcheck.rules import RuleMeta

    with pytest.raises(ValidationError, match="escalates_to must be more serious"):
        RuleMeta(id="mine.x", title="X", severity="high", principles=["P1"], dimension="pods",
                 message="m", recommendation="r", escalates_to="low")
