"""The question bank: ideas of the playbook the roster cannot show each have a question, and a question
limited to a situation (`applies_when`) is validated and raises nothing outside it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import podcheck
from podcheck.catalog import Question
from podcheck.rules.practice import SITUATIONS

BANK = {q.id: q for q in podcheck.questions()}


@pytest.mark.parametrize(("qid", "principle", "dimension", "applies_when"), [
    ("leads-coordinate", "P12", "scaling", "several-pods"),   # a scrum of scrums among the leads
    ("pod-authority", "P1", "pods", None),                    # the pod may fix what it finds
    ("rotation", "P14", "scaling", None),                     # people move between pods or kinds of work
    ("analyst-talks-to-customers", "P8", "developer-trap", None),
    ("lead-manages-helpers", "P11", "leadership", "helpers"),  # only where a pod has helpers
])
def test_each_idea_has_a_question_feeding_a_practice_finding(qid: str, principle: str, dimension: str,
                                                            applies_when: str | None) -> None:
    q = BANK[qid]
    assert principle in q.principles and q.dimension == dimension and q.applies_when == applies_when
    assert q.low and q.high and q.finding and q.recommendation
    assert f"practice.{qid}" in podcheck.registry().meta


def test_a_situation_the_rules_do_not_know_is_refused() -> None:
    entry = {**BANK["leads-coordinate"].model_dump(), "applies_when": "stage-4"}
    with pytest.raises(ValidationError, match="applies_when"):
        Question.model_validate(entry)


def test_every_situation_is_defined_and_said_in_the_question() -> None:
    # The person answering reads only the text: it must say when the question applies.
    assert set(SITUATIONS) == {q.applies_when for q in BANK.values() if q.applies_when}
    assert "two or more pods" in BANK["leads-coordinate"].text
    assert "part-time helpers" in BANK["lead-manages-helpers"].text


def test_podcheck_questions_lists_the_new_questions(run_cli) -> None:
    run = run_cli("questions")
    assert run.code == 0
    for qid in ("leads-coordinate", "pod-authority", "rotation", "analyst-talks-to-customers",
                "lead-manages-helpers"):
        assert f"\n{qid}  [" in f"\n{run.out}"
    as_json = run_cli("questions", "--format", "json")
    assert '"applies_when": "several-pods"' in as_json.out


def _scaling(answers: dict[str, int], pods: int) -> tuple[int | None, int]:
    people = []
    for i in range(pods):
        people += [{"name": f"L{i}", "pod": f"P{i}", "roles": {"lead": 1.0}, "background": "business-process"},
                   {"name": f"T{i}", "pod": f"P{i}", "roles": {"technologist": 1.0}, "background": "mis"},
                   {"name": f"A{i}", "pod": f"P{i}", "roles": {"analyst": 1.0}, "background": "business-analysis"}]
    team = podcheck.parse_assessment({"schema": "podcheck/1", "organization": "O", "unit": "U",
                                      "assessed_on": "2026-11-20",
                                      "pods": [{"name": f"P{i}", "focus": "domain"} for i in range(pods)],
                                      "people": people, "answers": answers})
    scaling = next(d for d in podcheck.assess(team).dimensions if d.id == "scaling")
    return scaling.answers_score, scaling.answered


def test_an_answer_to_a_question_that_does_not_apply_scores_nothing() -> None:
    # One pod has no leads to coordinate across pods: its answer neither raises nor scores.
    assert _scaling({"leads-coordinate": 1}, pods=1) == (None, 0)
    # Near miss: with two pods the same answer counts.
    assert _scaling({"leads-coordinate": 1}, pods=2) == (0, 1)
