"""What the file leaves unknown: each fact a check needed and did not get, one line naming the people.

An omitted background or integration training is never guessed (P7 is judged on facts on file): it
is listed here, and when no technologist or analyst has a known background the developer-trap
dimension is "not assessed" rather than scored as if it were clean.
"""

from __future__ import annotations

import copy
from typing import Any

import podcheck
from podcheck.testing import BASE_TEAM


def assess(people: list[dict[str, Any]], **extra: Any) -> podcheck.Result:
    """The base team with these people (and any other top-level keys)."""
    team = copy.deepcopy(BASE_TEAM) | {"people": people} | extra
    return podcheck.assess(podcheck.parse_assessment(team))


LEA = {"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}, "background": "business-process"}


def test_technologists_and_analysts_of_unknown_background_are_named_alike() -> None:
    result = assess([LEA, {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}}])
    lines = [u for u in result.unknowns if u.startswith("Background not given")]
    assert len(lines) == 1, result.unknowns
    assert "Tom (technologist)" in lines[0] and "Ana (analyst)" in lines[0]
    assert not [f for f in result.findings if f.id.startswith("developer-trap")]


def test_omitted_training_is_unknown_never_counted_as_none() -> None:
    result = assess([LEA, {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0},
                           "background": "software-engineering"},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}, "background": "business-analysis"}])
    lines = [u for u in result.unknowns if "training" in u]
    assert len(lines) == 1 and "Tom" in lines[0], result.unknowns
    assert "neither as trained nor as untrained" in lines[0]
    assert not [f for f in result.findings if f.id.startswith("developer-trap")]


def test_recorded_facts_leave_nothing_unknown() -> None:
    result = assess([LEA, {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0},
                           "background": "software-engineering", "integration_training": False},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}, "background": "business-analysis"}])
    assert not [u for u in result.unknowns if "ackground" in u or "training" in u], result.unknowns


def test_developer_trap_not_assessed_without_any_known_background() -> None:
    result = assess([{"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}},
                     {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}, "integration_training": False},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}}])
    skipped = {n.id: n.reason for n in result.not_assessed}
    assert "developer-trap" in skipped, skipped
    assert "background" in skipped["developer-trap"]
    assert "developer-trap" not in {d.id for d in result.dimensions}


def test_developer_trap_assessed_once_one_background_is_known() -> None:
    result = assess([{"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}},
                     {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}, "background": "mis"},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}}])
    assert "developer-trap" in {d.id for d in result.dimensions}


def test_a_questionnaire_answer_still_scores_the_dimension_without_backgrounds() -> None:
    result = assess([{"name": "Lea", "pod": "CRM", "roles": {"lead": 1.0}},
                     {"name": "Tom", "pod": "CRM", "roles": {"technologist": 1.0}},
                     {"name": "Ana", "pod": "CRM", "roles": {"analyst": 1.0}}],
                    answers={"platform-expertise": 4})
    trap = next(d for d in result.dimensions if d.id == "developer-trap")
    assert trap.roster_score is None and trap.answers_score is not None
