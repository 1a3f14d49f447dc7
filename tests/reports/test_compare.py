"""Since last time: the diff (podcheck.compare) and how the reports open with it."""

from __future__ import annotations

import copy

import pytest
import yaml
from bs4 import BeautifulSoup

import podcheck
from podcheck.compare import compare
from podcheck.files.results import load_previous

from .conftest import EXAMPLES, squash

COMMERCE = EXAMPLES / "commerce.yaml"


def commerce_six_months_earlier() -> dict:
    """Commerce before it grew: three people, no platform, a growing backlog, no reporting lines recorded."""
    data = yaml.safe_load(COMMERCE.read_text(encoding="utf-8"))
    earlier = copy.deepcopy(data)
    earlier["assessed_on"] = "2026-05-10"
    earlier["context"] = {"platform": "none", "process": "defined",
                          "backlog": {"open": 10, "added_per_quarter": 9, "delivered_per_quarter": 5}}
    keep = {"Chloé Dubois", "Arjun Mehta", "Björn Halvorsen"}
    earlier["people"] = [{k: v for k, v in p.items() if k != "reports_to"} for p in data["people"] if p["name"] in keep]
    return earlier


@pytest.fixture(scope="module")
def previous_file(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("previous") / "commerce-2026-05.yaml"
    path.write_text(yaml.safe_dump(commerce_six_months_earlier(), allow_unicode=True), encoding="utf-8")
    return path


def test_compare_finds_stage_change_resolved_and_new(previous_file) -> None:
    before = load_previous(previous_file)
    now = podcheck.assess(podcheck.load_assessment(COMMERCE))
    changes = compare(before, now)
    assert (changes.stage_before.id, changes.stage_after.id) == ("minimum-viable", "single-pod")
    assert changes.stage_direction == "up"
    # Nomvula Dlamini (business analysis) joined since, so the analysts are no longer all engineers.
    assert {f.id for f in changes.resolved} == {
        "fundamentals.no-platform", "capacity.backlog-growing", "developer-trap.engineer-analysts"}
    assert {f.id for f in changes.new} == {"scaling.reporting-lines"}
    assert {f.id for f in changes.still_open} == {"dual-role.analyst-technologist"}
    assert changes.score.before == before.score and changes.score.after == now.score
    moved = {d.id: d for d in changes.changed_dimensions}
    assert moved["fundamentals"].direction == "up" and moved["scaling"].direction == "down"
    assert not changes.nothing_changed and changes.same_unit


def test_same_problem_with_other_people_is_still_open(units) -> None:
    now = units["commerce"].result
    finding = next(f for f in now.findings if f.id == "scaling.reporting-lines")
    before = now.model_copy(update={"findings": [
        f.model_copy(update={"people": ["Someone Else"], "severity": "high"}) if f is finding else f
        for f in now.findings]})
    changes = compare(before, now)
    assert not changes.resolved and not changes.new
    assert [(s.finding.id, s.before, s.direction) for s in changes.severity_changed] == [
        ("scaling.reporting-lines", "high", "down")]


def test_identical_assessments_report_nothing_changed(units) -> None:
    result = units["payments"].result
    changes = compare(result, result)
    assert changes.nothing_changed
    assert not changes.changed_dimensions


def test_html_report_opens_with_what_changed(run_cli, previous_file, tmp_path) -> None:
    out = tmp_path / "commerce.html"
    run = run_cli("assess", COMMERCE, "--previous", previous_file, "--format", "html", "-o", out)
    assert run.code == 0, run.err
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    block = soup.find(id="since-last-time")
    assert block is not None
    sections = [s.get("id") for s in soup.main.find_all("section", recursive=False)]
    assert sections[0] == "since-last-time" and sections[1] == "summary"
    text = squash(block.get_text(" "))
    assert "2026-05-10" in text
    assert "2 · Single pod" in text and "was 1 · Minimum viable team" in text
    assert "▲" in text
    resolved = squash(block.find("h3", string="Resolved").find_next("ul").get_text(" "))
    assert "No integration platform" in resolved and "The backlog keeps growing" in resolved
    new = squash(block.find("h3", string="New").find_next("ul").get_text(" "))
    assert "Reporting lines work against the pod" in new
    assert "3 resolved · 1 new" in text


def test_markdown_from_a_previous_result_json(run_cli, previous_file, tmp_path) -> None:
    earlier = tmp_path / "earlier.json"
    run = run_cli("assess", previous_file, "--format", "json", "-o", earlier)
    assert run.code == 0, run.err
    run = run_cli("assess", COMMERCE, "--previous", earlier, "--format", "md")
    assert run.code == 0, run.err
    md = run.out
    assert "## Since the previous assessment" in md
    assert "up from 1, Minimum viable team to 2, Single pod" in md
    assert "✓ No integration platform" in md
    assert md.index("## Since the previous assessment") < md.index("## Executive summary")


def test_bad_previous_file_is_one_clear_line(run_cli, tmp_path) -> None:
    bad = tmp_path / "old.json"
    bad.write_text('{"unit": "Commerce"}', encoding="utf-8")
    run = run_cli("assess", COMMERCE, "--previous", bad, "--format", "md")
    assert run.code == 2
    assert "Traceback" not in run.err
    assert run.err.startswith(f"podcheck: {bad}:")
    missing = run_cli("assess", COMMERCE, "--previous", tmp_path / "nope.yaml")
    assert missing.code == 2 and "nope.yaml" in missing.err and "Traceback" not in missing.err


def test_pdf_opens_with_what_changed(units, previous_file) -> None:
    import io

    from pypdf import PdfReader

    from podcheck.render import render_pdf

    unit = units["commerce"]
    pdf = render_pdf(unit.result, assessment=unit.assessment, previous=load_previous(previous_file))
    pages = [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    # Content and order, not page breaks: the first page is the title block, then what changed
    # (whole: resolved and new findings), and the rest of the report follows it.
    first = pages[0]
    assert first.startswith("INTEGRATION TEAM ASSESSMENT")
    assert first.index(unit.result.unit) < first.index("Since the previous assessment")
    for title in ("No integration platform", "The backlog keeps growing", "Reporting lines work against the pod"):
        assert title in first
    text = " ".join(pages)
    order = ["Since the previous assessment", "Resolved", "New", "Executive summary", "Scores by dimension"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
