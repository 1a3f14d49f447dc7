"""The Questionnaire tab: each question scored on the answer scale, with a note on why the room chose it."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..catalog import DEFAULT_RUBRIC, questions
from ..render.fragments import fragment
from . import changes as ch
from .controls import as_text, lines_html, note, show
from .session import SessionStep
from .tab import Tab

NOT_ANSWERED = 0  # the toggle's value for "not answered": below the scale, and false like a missing answer


class QuestionnaireTab(Tab):
    """One block per question in the catalog: the question, what its two ends mean, a score and a note."""

    def _questions_tab(self) -> w.Widget:
        self.answer_fields: dict[str, tuple[w.Widget, str]] = {}
        self.answer_errors: dict[str, w.HTML] = {}
        self.answer_scores: dict[str, w.ToggleButtons] = {}
        self.answer_notes: dict[str, w.Text] = {}
        self.question_boxes: dict[str, w.Widget] = {}
        scale = DEFAULT_RUBRIC.answer_scale  # fixed by the file format, so every rubric shares it
        points = range(scale.lowest, scale.highest + 1)
        items: list[w.Widget] = [note(
            f"Answer what the team list cannot show, {scale.lowest} (weak) to {scale.highest} (strong); "
            "“not answered” leaves the question out of the scores. A note records why the room chose it.")]
        for q in questions():
            score = w.ToggleButtons(options=[("not answered", NOT_ANSWERED), *((str(p), p) for p in points)],
                                    style={"button_width": "auto"})
            score.add_class("podcheck-answer-score").add_class(f"podcheck-q-{q.id}")
            why = w.Text(placeholder="note (optional)", continuous_update=False,
                         layout=w.Layout(width="95%")).add_class("podcheck-answer-note")
            err = w.HTML().add_class("podcheck-error")
            self.watch(score, lambda v, qid=q.id: ch.set_answer(qid, v or None, self.answer_notes[qid].value))
            self.watch(why, lambda v, qid=q.id: ch.set_answer(qid, self.answer_scores[qid].value or None, v))
            self.answer_scores[q.id], self.answer_notes[q.id], self.answer_errors[q.id] = score, why, err
            self.answer_fields[f"answers.{q.id}"] = (score, "answer")
            self.answer_fields[f"answers.{q.id}.score"] = (score, "score")
            self.answer_fields[f"answers.{q.id}.note"] = (why, "note")
            question = w.HTML(fragment("workshop/question", q=q, scale=scale))
            self.question_boxes[q.id] = w.VBox([question, score, why, err]).add_class("podcheck-question")
            items.append(self.question_boxes[q.id])
        items.append(survey_box())
        return w.VBox(items)

    def _filter_questions(self, step: SessionStep | None) -> None:
        """A guided step with questions of its own shows only those; otherwise every question shows."""
        wanted = set(step.questions) if step is not None and step.questions else None
        for qid, box in self.question_boxes.items():
            show(box.layout, display="" if wanted is None or qid in wanted else "none")

    def _sync_answers(self, data: dict[str, Any]) -> None:
        """Show each question's score and note as the file has them."""
        answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
        scale = DEFAULT_RUBRIC.answer_scale
        points = range(scale.lowest, scale.highest + 1)
        for qid, score in self.answer_scores.items():
            answer = answers.get(qid)
            if isinstance(answer, int) and not isinstance(answer, bool):
                answer = {"score": answer}
            answer = answer if isinstance(answer, dict) else {}
            given = answer.get("score")
            show(score, value=given if given in points else NOT_ANSWERED)
            show(self.answer_notes[qid], value=as_text(answer.get("note")))

    def _show_answer_problems(self, errors: dict[str, list[str]]) -> None:
        """Each question's problems under it."""
        for qid, area in self.answer_errors.items():
            show(area, value=lines_html(m for p, ms in errors.items() if p == f"answers.{qid}" for m in ms))


# ---------------------------------------------------------------- the team's survey, beside the room's answers


def survey_html(path: str) -> str:
    """How the team answered a survey responses file, question by question (HTML), or its problem in one line."""
    from ..errors import InputError
    from ..files.responses import read_responses
    from ..survey import MIN_SHOWN, spread

    try:
        read = read_responses(path)
    except InputError as exc:
        return fragment("workshop/note", text=exc.summary(), kind="podcheck-error")
    bank = {q.id: q for q in questions()}
    scale = DEFAULT_RUBRIC.answer_scale
    points = range(scale.lowest, scale.highest + 1)
    # How many gave each point, only for questions enough people answered (as the reports show them).
    rows = [(bank[qid], s, [answers.count(p) for p in points] if s.shown else [])
            for qid, answers in read.answers.items() for s in [spread(qid, answers)]]
    return fragment("workshop/survey", rows=rows, respondents=read.respondents, file=path, least=MIN_SHOWN,
                    points=points)


def survey_box() -> w.Widget:
    """A path box and a button that show a survey's answers per question (`podcheck survey` writes the form)."""
    path = w.Text(placeholder="survey responses (.xlsx or .csv)", layout=w.Layout(width="60%"))
    path.add_class("podcheck-survey-path")
    button = w.Button(description="Show the survey").add_class("podcheck-survey-load")
    shown = w.HTML().add_class("podcheck-survey")
    button.on_click(lambda _: setattr(shown, "value", survey_html(path.value.strip())) if path.value.strip() else None)
    return w.VBox([note("The team's own answers, given alone: load the responses to see where views differ."),
                   w.HBox([path, button]), shown])
