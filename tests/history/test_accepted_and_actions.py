"""Accepted risks (out of the score until they expire, then back and flagged) and actions (reviewed next time)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import podcheck
from podcheck.errors import InputError
from podcheck.render import render
from podcheck.render.filters import standing
from podcheck.testing import BASE_TEAM

# Tom does both technologist and analyst work in CRM: a high dual-role finding.
DUAL = [
    {"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}, "background": "business-process"},
    {"name": "Tom", "pod": "CRM", "roles": {"technologist": 0.5, "analyst": 0.5}, "background": "mis"},
]
RISK = {"id": "dual-role.analyst-technologist", "pod": "CRM", "reason": "hiring freeze until spring",
        "expires": "2027-03-31"}


def team(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE_TEAM)
    data.update(people=copy.deepcopy(DUAL), **changes)
    return data


def result(**changes: Any) -> podcheck.Result:
    return podcheck.assess(podcheck.parse_assessment(team(**changes)))


def dual(r: podcheck.Result) -> podcheck.Finding:
    return next(f for f in r.findings if f.id == "dual-role.analyst-technologist")


def test_without_acceptance_the_high_finding_caps_the_score_and_makes_it_serious() -> None:
    r = result(assessed_on="2027-03-31")
    assert dual(r).severity == "high" and dual(r).accepted is None
    assert r.score is not None and r.score <= 70
    assert standing(r.score, r.worst()).label == "serious"


@pytest.mark.parametrize("day", ["2027-01-10", "2027-03-31"], ids=["well before", "on the expiry day"])
def test_an_accepted_risk_costs_nothing_until_it_expires(day: str) -> None:
    plain = result(assessed_on=day)
    r = result(assessed_on=day, accepted_risks=[RISK])
    f = dual(r)
    assert f.accepted is not None and not f.accepted.expired and f.accepted.reason == RISK["reason"]
    assert r.count("high") == 0 and r.worst() != "high"
    assert r.score is not None and plain.score is not None and r.score > plain.score
    assert "capped" not in r.score_reason
    assert standing(r.score, r.worst()).label != "serious"
    html = render(r, "html")
    assert "Accepted risks" in html and "hiring freeze until spring" in html and "until 2027-03-31" in html


def test_the_day_after_expiry_the_finding_comes_back_flagged() -> None:
    plain = result(assessed_on="2027-04-01")
    r = result(assessed_on="2027-04-01", accepted_risks=[RISK])
    f = dual(r)
    assert f.accepted is not None and f.accepted.expired
    assert r.score == plain.score and r.count("high") == 1 and r.worst() == "high"
    assert standing(r.score, r.worst()).label == "serious"
    for fmt in ("html", "md", "text"):
        text = str(render(r, fmt))
        assert "acceptance expired on 2027-03-31" in text, fmt


def test_an_acceptance_for_another_pod_does_not_cover_the_finding() -> None:
    data = team(accepted_risks=[{**RISK, "pod": "ERP"}])
    data["pods"].append({"name": "ERP", "focus": "domain"})
    r = podcheck.assess(podcheck.parse_assessment(data))
    assert dual(r).accepted is None


def test_actions_are_reviewed_done_overdue_and_whether_their_findings_are_gone() -> None:
    actions = [
        {"title": "Hire an analyst for CRM", "owner": "Lea", "due": "2027-01-01",
         "findings": [{"id": "dual-role.analyst-technologist", "pod": "CRM"}]},
        {"title": "Write the triage process", "owner": "Lea", "due": "2027-06-01", "status": "done",
         "findings": ["fundamentals.no-process"], "from_step": 2},
        {"title": "Later", "due": "2027-09-01"},
    ]
    r = result(assessed_on="2027-02-01", actions=actions)
    hire, process, later = r.actions
    assert hire.overdue and hire.resolved is False and hire.findings[0].open
    assert not process.overdue and process.status == "done" and process.resolved is True
    assert process.from_step == 2
    assert not later.overdue and later.resolved is None
    html = str(render(r, "html"))
    assert "overdue" in html and "Hire an analyst for CRM" in html and "still open" in html
    md = str(render(r, "md"))
    assert "Hire an analyst for CRM" in md and "overdue" in md


@pytest.mark.parametrize("key,item,message", [
    ("actions", {"title": "x", "status": "finished"}, "actions[0].status: 'finished' is not allowed here"),
    ("actions", {"title": "x", "due": "soon"}, "actions[0].due: 'soon' is not a date"),
    ("actions", {"title": "x", "findings": ["dual-role.analyst-technologogist"]},
     "actions[0].findings[0].id: no finding id 'dual-role.analyst-technologogist'; did you mean"),
    ("actions", {"title": "x", "findings": [{"id": "developer-trap", "pod": "CMR"}]},
     "actions[0].findings[0].pod: no pod named 'CMR'"),
    ("accepted_risks", {"id": "developer-trap", "reason": "r"}, "accepted_risks[0].expires:"),
    ("accepted_risks", {"id": "developer-trap", "reason": "", "expires": "2027-01-01"},
     "accepted_risks[0].reason: must not be empty"),
    ("target_stage", "multipod", "target_stage: 'multipod' is not allowed here"),
])
def test_bad_actions_and_acceptances_are_one_line_each(key: str, item: Any, message: str) -> None:
    data = team(**{key: [item] if key != "target_stage" else item})
    with pytest.raises(InputError) as caught:
        podcheck.parse_assessment(data, "t.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(f"t.yaml: {message}") for line in lines), lines
    assert all("\n" not in line for line in lines)


def test_the_new_fields_round_trip_through_the_file_form() -> None:
    data = team(target_stage="multi-pod", division="EMEA", accepted_risks=[RISK],
                actions=[{"title": "Hire", "due": "2027-01-01", "findings": ["developer-trap"]}])
    a = podcheck.parse_assessment(data)
    again = podcheck.parse_assessment(a.to_yaml_dict())
    assert again == a
    r = podcheck.assess(a)
    assert r.target_stage == "multi-pod" and r.division == "EMEA"
