"""P3, P4, P6, P8, P15, P16: what the roster cannot show, from the questionnaire's weak answers."""

from collections.abc import Iterator

from ..catalog import Rubric, questions
from ..view import TeamView
from . import Hit, RuleMeta, rule


def practice_meta() -> list[RuleMeta]:
    """One finding per question, its words taken from the question bank."""
    return [
        RuleMeta(id=f"practice.{q.id}", title=q.finding.rstrip("."), severity="low", principles=q.principles,
                 dimension=q.dimension,
                 message=q.finding.rstrip(".") + ": the team answered {score} of 5 to “" + q.text + "”{_note}",
                 recommendation=q.recommendation)
        for q in questions()
    ]


@rule(*(f"practice.{q.id}" for q in questions()))
def weak_answers(team: TeamView, rubric: Rubric) -> Iterator[Hit]:
    """A questionnaire answer at or below the rubric's weak mark: the lowest answer is medium, the rest low."""
    for qid, answer in sorted(team.assessment.answers.items()):
        if answer.score <= rubric.weak_answer_max:
            values = {"score": answer.score, "note": answer.note,
                      "_note": f" (note: {answer.note})" if answer.note else ""}
            yield Hit(f"practice.{qid}", None, (), {k: v for k, v in values.items() if v is not None},
                      severity="medium" if answer.score == rubric.answer_scale.lowest else "low")
