"""P1, P3, P4, P6, P8, P11, P12, P14, P15, P16: what the roster cannot show, from the questionnaire's weak answers."""

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..catalog import Question, Rubric, Severity, questions
from ..catalog.vocabulary import APPLIES_WHEN, AppliesWhen
from ..errors import ConfigError
from ..view import TeamView
from . import Hit, RuleMeta, rule

# What each `applies_when` of the question bank means for a team. A scrum of scrums needs pods to
# coordinate (P12); managing helpers needs helpers (P4, P11).
SITUATIONS: dict[AppliesWhen, Callable[[TeamView], bool]] = {
    "several-pods": lambda team: len(team.pods) >= 2,
    "helpers": lambda team: any(pod.extended for pod in team.pods),
}
if set(SITUATIONS) != set(APPLIES_WHEN):  # a situation the bank may name must mean something here
    raise ConfigError(f"rules/practice.py: applies_when must cover exactly {', '.join(APPLIES_WHEN)}")


def applies(question: Question, team: TeamView) -> bool:
    """Whether a question means something for this team (always, unless its `applies_when` says otherwise)."""
    return question.applies_when is None or SITUATIONS[question.applies_when](team)


class PracticeWording(BaseModel):
    """practice.yaml: the severity, values and message every practice finding shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity
    escalates_to: Severity | None = None
    values: list[str]
    message: str
    variants: dict[str, dict[str, str]]


def _literal(text: str) -> str:
    # A question's words go into a template: braces in them are text, not placeholders.
    return text.replace("{", "{{").replace("}", "}}")


def metadata(raw: Any) -> list[RuleMeta]:
    """One finding per question, its words taken from the question bank and practice.yaml."""
    shared = PracticeWording.model_validate(raw)
    return [
        RuleMeta(id=f"practice.{q.id}", title=q.finding.rstrip("."), severity=shared.severity,
                 escalates_to=shared.escalates_to,
                 principles=q.principles, dimension=q.dimension, values=shared.values, variants=shared.variants,
                 message=shared.message.replace("{finding}", _literal(q.finding.rstrip(".")))
                                       .replace("{question}", _literal(q.text)),
                 recommendation=q.recommendation)
        for q in questions()
    ]


@rule(*(f"practice.{q.id}" for q in questions()))
def weak_answers(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A questionnaire answer at or below the rubric's weak mark: the lowest answer is medium, the rest low.

    An answer to a question that does not apply to this team (a scrum of scrums with one pod) raises nothing.
    """
    bank = {q.id: q for q in questions()}
    for qid, answer in sorted(team.assessment.answers.items()):
        question = bank.get(qid)  # an id the bank lacks still reaches the registry, which refuses it
        if answer.score <= rubric.weak_answer_max and (question is None or applies(question, team)):
            values = {"score": answer.score, "note": answer.note, "_highest": rubric.answer_scale.highest}
            yield Hit(f"practice.{qid}", None, (), {k: v for k, v in values.items() if v is not None},
                      severity="medium" if answer.score == rubric.answer_scale.lowest else "low",
                      variants={"with_note": "given" if answer.note else "none"})
