"""The team's own answers (contract 5.5): a survey's responses summed up per question, and how they are scored.

Rules, in one place:
- Anonymity: a question fewer than MIN_SHOWN people answered is not shown (no median, min or max) and
  scores nothing, so no single answer can be traced back to a person.
- The median is the lower middle answer when the count is even: always an answer someone gave, and a
  split team is never rounded up.
- Disagreement: answers WIDE_SPREAD or more points apart (max - min >= 3, e.g. a 1 and a 4) mark the
  question `disagree: true`, and the reports say the team disagrees. It is a note on the question, not a
  finding: the median is still scored, and the spread is shown beside it, never averaged away.
- Scoring: the file's answer (the room's consensus) wins where it gives one; where the file is silent, the
  survey's median of a shown question is scored as if the file gave it, with a note saying where it came
  from. Each question records which was used (`used: file | survey`).
"""

from __future__ import annotations

import statistics

from .catalog import DEFAULT_RUBRIC, Question, Rubric, questions
from .model import Answer, Assessment
from .plan import assess_with_plan
from .result import Result, Survey, SurveyQuestion
from .rules.practice import applies
from .view import team_view

MIN_SHOWN = 3
WIDE_SPREAD = 3


def summarise(answers: dict[str, list[int]], respondents: int, assessment: Assessment,
              rubric: Rubric | None = None) -> Survey:
    """Each question's count, median and spread, beside the file's own answer; hidden below MIN_SHOWN."""
    team = team_view(assessment, rubric or DEFAULT_RUBRIC)
    bank = {q.id: q for q in questions()}
    out = []
    for qid, given in answers.items():
        q = spread(qid, given)
        file_answer = assessment.answers.get(qid)
        meaningful = qid not in bank or applies(bank[qid], team)
        used = ("file" if file_answer is not None else "survey" if q.shown else None) if meaningful else None
        out.append(q.model_copy(update={"answer": file_answer.score if file_answer is not None else None,
                                        "used": used}))
    return Survey(respondents=respondents, questions=out)


def spread(qid: str, given: list[int]) -> SurveyQuestion:
    """One question's answers summed up: count, and (from MIN_SHOWN answers on) median, range, disagreement."""
    if len(given) < MIN_SHOWN:
        return SurveyQuestion(id=qid, n=len(given), median=None, min=None, max=None, shown=False)
    low, high = min(given), max(given)
    return SurveyQuestion(id=qid, n=len(given), median=statistics.median_low(given), min=low, max=high, shown=True,
                          disagree=high - low >= WIDE_SPREAD)


def survey_questions(assessment: Assessment, rubric: Rubric | None = None) -> list[Question]:
    """The questions this unit's members are asked: the bank, less those that do not apply to the unit (a
    question about coordinating pods, in a unit of one pod)."""
    team = team_view(assessment, rubric or DEFAULT_RUBRIC)
    return [q for q in questions() if applies(q, team)]


def survey_note(q: SurveyQuestion) -> str:
    """Where a scored survey answer came from, in a line a report can show beside it."""
    note = f"Survey: the middle answer of {q.n}, which ranged from {q.min} to {q.max}"
    return note + ("; the team disagrees" if q.disagree else "")


def with_survey(assessment: Assessment, survey: Survey | None) -> Assessment:
    """The assessment with each shown survey median filled in where the file gives no answer of its own."""
    if survey is None:
        return assessment
    added = {q.id: Answer(score=q.median, note=survey_note(q))
             for q in survey.questions if q.shown and q.median is not None and q.id not in assessment.answers}
    if not added:
        return assessment
    return assessment.model_copy(update={"answers": {**assessment.answers, **added}})


def reporting_survey(result: Result, survey: Survey | None) -> Result:
    """The result of `with_survey(...)`'s assessment, reporting the survey it was given."""
    return result if survey is None else result.model_copy(update={"survey": survey})


def assess_with_survey(assessment: Assessment, survey: Survey | None, rubric: Rubric | None = None) -> Result:
    """Assess the unit with its survey's answers (when there is one), plan from there (so that the plan's
    projections count the same answers), and report the survey in the result."""
    return reporting_survey(assess_with_plan(with_survey(assessment, survey), rubric), survey)
