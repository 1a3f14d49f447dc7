"""The per-unit HTML report, read with a real HTML parser: what a reader relies on is there."""

from __future__ import annotations

import pytest

import podcheck
from podcheck.render import render_html

from .conftest import EXAMPLE_NAMES, advice, squash


def section(unit, name: str) -> str:
    """The visible text of one section of the report."""
    found = unit.soup.find(id=name)
    assert found is not None, f"section #{name} missing"
    return squash(found.get_text(" "))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_report_shows_unit_stage_findings_and_people(units, name: str) -> None:
    unit = units[name]
    r, soup = unit.result, unit.soup
    assert squash(soup.h1.get_text()) == r.unit
    assert r.organization in squash(soup.find("header").get_text(" "))
    summary = section(unit, "summary")
    assert f"Stage {r.stage.level}: {r.stage.name}" in summary
    assert r.stage.summary in summary
    findings = section(unit, "findings")
    for f in r.findings:
        assert squash(f.message) in findings, f.id
        assert advice(r, f) in findings, f.id
        for p in f.principles:
            assert p in findings
    if not r.findings:
        assert "No findings" in findings
    matrix_names = {squash(td.get_text()) for td in soup.select("#pods table.matrix td.name")}
    assert set(unit.people()) <= matrix_names
    assert not soup.find_all("script")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_summary_gives_score_next_stage_and_top_three(units, name: str) -> None:
    unit = units[name]
    r = unit.result
    summary = section(unit, "summary")
    assert str(r.score) in unit.soup.select_one("#summary svg").get_text()
    if r.stage.next:
        for item in r.stage.next.prepare:
            assert squash(item) in summary
    # Page one starts the plan: its first three steps, each linking to the step in full.
    top = unit.soup.select("#summary ol.top-recs > li")
    assert len(top) == min(3, len(r.plan))
    for li, step in zip(top, r.plan, strict=False):
        assert squash(li.get_text(" ")).startswith(squash(step.title))
        assert li.a["href"] == f"#step-{step.step}" and unit.soup.find(id=f"step-{step.step}") is not None
    changed = [s for s in r.plan if s.changes]
    if changed:
        assert f"score {changed[-1].projected.score}/100" in summary or changed[-1].projected.score is None
    # The ladder draws all five stages and marks the team's own.
    ladder = unit.soup.select("#summary svg")[1].get_text(" ")
    assert "YOU ARE HERE" in ladder
    for stage in ("Ad hoc", "Single pod", "Multiple pods"):
        assert stage in squash(ladder)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_plan_is_grouped_now_next_later_and_each_step_said_once(units, name: str) -> None:
    unit = units[name]
    r = unit.result
    blocks = unit.soup.select("#plan .horizon")
    assert [squash(b.select_one(".when b").get_text()) for b in blocks] == ["Now", "Next", "Later"]
    shown = [int(li["value"]) for b in blocks for li in b.select("ol.steps > li")]
    assert sorted(shown) == [s.step for s in r.plan]  # every step, once
    for b in blocks:
        numbers = [int(li["value"]) for li in b.select("ol.steps > li")]
        assert numbers == sorted(numbers)  # the plan's order within a group
    text = squash(unit.soup.get_text(" "))
    for step in r.plan:
        # The step's title: once in the plan, at most once more on page one; never elsewhere.
        assert text.count(squash(step.title)) <= (2 if step.step <= 3 else 1) + sum(
            1 for f in r.findings if squash(step.title.rstrip(".")) in advice(r, f)), step.title


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_finding_points_to_its_step_or_says_its_own_advice(units, name: str) -> None:
    unit = units[name]
    r = unit.result
    cards = unit.soup.select("#findings article.card")
    assert len(cards) == len(r.findings)
    anchors = [card["id"] for card in cards]
    assert len(set(anchors)) == len(anchors)  # one rule in two pods still gets two anchors
    for card, f in zip(cards, [f for sev in ("high", "medium", "low") for f in r.findings if f.severity == sev],
                       strict=True):
        link = card.select_one(".advice a")
        if link is not None:
            step = unit.soup.find(id=link["href"][1:])
            assert step is not None and step.name == "li"
            # The step links back to the finding it works on.
            assert f"#{card['id']}" in [a["href"] for a in step.select("a")]
            # The finding's own advice is not said beside the step's (a practice step is that advice).
            if squash(f.recommendation) not in squash(step.get_text(" ")):
                assert squash(f.recommendation) not in squash(unit.soup.get_text(" "))
        else:
            assert squash(f.recommendation) in squash(card.get_text(" "))
            # ...and the plan says no step could be checked for it, linking to the card.
            assert f"#{card['id']}" in [a["href"] for a in unit.soup.select("#plan a")]


def test_not_assessed_dimensions_are_not_zero(units) -> None:
    unit = units["field-service"]  # no context at all: platform, process and backlog unknown
    assert unit.result.not_assessed
    rows = {squash(tr.td.get_text()): squash(tr.get_text(" ")) for tr in unit.soup.select("#dimensions table tbody tr")}
    for d in unit.result.not_assessed:
        assert "not assessed" in rows[d.name]
        assert " 0 " not in f" {rows[d.name]} "
    chart = squash(unit.soup.select_one("#dimensions svg").get_text(" "))
    assert chart.count("not assessed") == len(unit.result.not_assessed)
    for text in unit.result.unknowns:
        assert squash(text) in section(unit, "dimensions")


def test_dual_roles_are_marked_in_the_matrix(units) -> None:
    mobile = units["mobile"]   # one person holds all three roles
    commerce = units["commerce"]  # one person is analyst and technologist
    assert "dual role: all three roles" in section(mobile, "pods")
    warned = commerce.soup.select("#pods table.matrix .chip.warn")
    assert any("analyst + technologist" in chip.get_text() for chip in warned)
    dual = next(f for f in commerce.result.findings if f.id == "dual-role.analyst-technologist")
    row = next(tr for tr in commerce.soup.select("#pods table.matrix tr") if tr.find("td", class_="name")
               and squash(tr.find("td", class_="name").get_text()) == dual.people[0])
    assert row.select(".chip.warn")
    # Shares of time are the cells' text, shaded by size.
    cells = [td for td in row.select("td.role") if "empty" not in td.get("class", [])]
    assert len(cells) == 2 and all(td.get("style", "").startswith("background-color") for td in cells)


def test_pod_sizes_are_shown_against_their_limits(units) -> None:
    unit = units["analytics"]  # a pod of ten core members
    pods = section(unit, "pods")
    for pod in unit.result.pods:
        assert f"{pod.core} core member" in pods
        assert f"limit of {pod.core_limit}" in pods
        assert f"against {pod.total_limit}" in pods


def test_backlog_outlook_appears_only_with_figures(units) -> None:
    growing = units["partner-ecosystem"].result.outlook
    assert growing is not None and growing.trend == "growing"
    text = section(units["partner-ecosystem"], "backlog")
    assert f"growing by {growing.net_per_quarter}" in text
    assert f"{growing.extra_delivery_to_stabilise} more per quarter" in text
    shrinking = units["payments"].result.outlook
    assert shrinking is not None and shrinking.trend == "shrinking"
    assert f"{shrinking.quarters_to_clear} quarters" in section(units["payments"], "backlog")
    assert units["field-service"].result.outlook is None
    assert units["field-service"].soup.find(id="backlog") is None


def test_appendix_lists_the_inputs(units) -> None:
    unit = units["payments"]
    appendix = section(unit, "appendix")
    for person in unit.assessment.people:
        assert person.name in appendix
    for answer in unit.assessment.answers.values():
        if answer.note:
            assert squash(answer.note) in appendix


def test_report_from_a_result_file_leaves_out_the_roster(units) -> None:
    from bs4 import BeautifulSoup

    result = podcheck.Result.from_json(units["commerce"].result.to_json())
    soup = BeautifulSoup(render_html(result), "html.parser")
    assert squash(soup.h1.get_text()) == result.unit
    assert "made from a result file" in squash(soup.get_text(" "))
    assert not soup.select("#pods td.name")
    for f in result.findings:
        assert squash(f.message) in squash(soup.find(id="findings").get_text(" "))


def test_unknown_paper_is_refused(units) -> None:
    with pytest.raises(ValueError, match="paper"):
        render_html(units["mobile"].result, paper="a5")
