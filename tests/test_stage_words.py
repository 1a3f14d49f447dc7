"""Stage words agree with the findings, and the top stage still looks forward."""

from __future__ import annotations

import copy

import podcheck
from podcheck.render.report import render_text
from podcheck.testing import BASE_TEAM


def _assess(**changes: object) -> podcheck.Result:
    team = copy.deepcopy(BASE_TEAM)
    team.update(changes)
    return podcheck.assess(podcheck.parse_assessment(team))


def _two_pods(head: str | None) -> podcheck.Result:
    team = copy.deepcopy(BASE_TEAM)
    team["pods"].append({"name": "ERP", "focus": "domain"})
    team["people"] += [{**p, "name": f"{p['name']} 2", "pod": "ERP"} for p in BASE_TEAM["people"]]
    if head:
        team["head_of_integration"] = head
    return podcheck.assess(podcheck.parse_assessment(team))


def test_one_person_in_every_role_is_not_called_a_proper_team() -> None:
    result = _assess(people=[{"name": "Solo", "pod": "CRM", "roles": {"lead": 0.2, "analyst": 0.4,
                                                                       "technologist": 0.4}}])
    assert result.stage.id == "minimum-viable"
    assert "dual-role.single-person" in {f.id for f in result.findings}
    assert "once each role is a different person's" in result.stage.summary


def test_the_program_stage_looks_forward() -> None:
    result = _two_pods(head="Lea")
    assert result.stage.id == "program" and result.stage.next is None
    assert result.stage.ahead
    later = [r.text for r in result.recommendations if r.horizon == "later"]
    assert any(text.startswith("To keep the integration program improving:") for text in later)
    assert "The top of the ladder; to keep the integration program improving:" in render_text(result)


def test_below_the_top_the_next_stage_says_what_comes() -> None:
    result = _two_pods(head=None)
    assert result.stage.id == "multi-pod"
    assert result.stage.next is not None and result.stage.ahead == []


def _program_with(answers: dict[str, int]) -> podcheck.Result:
    team = copy.deepcopy(BASE_TEAM)
    team["pods"].append({"name": "ERP", "focus": "domain"})
    team["people"] += [{**p, "name": f"{p['name']} 2", "pod": "ERP"} for p in BASE_TEAM["people"]]
    team["head_of_integration"] = "Lea"
    team["answers"] = answers
    return podcheck.assess(podcheck.parse_assessment(team))


def test_what_the_team_already_does_well_is_not_advised_again() -> None:
    meet = "Have the leads meet regularly"
    assert not any(item.startswith(meet) for item in _program_with({"leads-coordinate": 4}).stage.ahead)
    # Near miss: a middling answer keeps the advice.
    assert any(item.startswith(meet) for item in _program_with({"leads-coordinate": 3}).stage.ahead)


def test_the_top_of_the_ladder_never_runs_out_of_advice() -> None:
    best = {q.id: 5 for q in podcheck.questions()}
    assert _program_with(best).stage.ahead
