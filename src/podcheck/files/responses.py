"""Survey responses (.csv or .xlsx) → each question's answers, anonymously: one row per respondent, a
column per question id, whole numbers on the answer scale or blank.

Only question columns are read. Any other column (a name, a comment) is dropped before its cells are
looked at, so nothing in it can reach a result or a report, whatever it holds (a formula, markup). A
header that is a typo away from a question id is an error, not an ignored column: a misspelt question
must not quietly go unanswered. In a workbook the sheet named `responses` is read (the one `podcheck
survey` writes), else the first visible sheet; a header cell's first line is the column's name, so the
form's headers can carry the question's words below its id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog import DEFAULT_RUBRIC, Rubric, questions
from ..errors import InputError, Problem
from ..model import Assessment
from .problems import closest
from .sheets import Sheet, TableKind, read_table

if TYPE_CHECKING:
    from ..result import Survey

RESPONSES_SHEET = "responses"


@dataclass(frozen=True)
class Responses:
    """The answers each question got, one per respondent who answered it, in the file's row order."""

    file: str
    respondents: int  # rows with at least one answer
    answers: dict[str, list[int]]  # question id → answers, for every question the file has a column for


def _question_column(raw: object) -> str:
    """A header cell as a question id: its first line, lower case, spaces and underscores as hyphens."""
    first = str(raw).strip().split("\n", 1)[0].strip().lower()
    return re.sub(r"[\s_]+", "-", first)


def _known() -> list[str]:
    return [q.id for q in questions()]


def _kind() -> TableKind:
    known = _known()

    def keep(name: str) -> bool:
        # A near miss of a question id is kept, to be reported; anything else is not a question.
        return name in known or closest(name, known) is not None

    return TableKind(_question_column, keep, "one column per question id, as `podcheck survey` writes them")


def _score(value: Any) -> int | None:
    """A cell as a whole number, or None when it is not one (text, 3.5, true)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+(\.0*)?", value.strip()):
        return int(float(value.strip()))
    return None


def _shown(value: Any) -> str:
    # Numbers are quoted back; text is not (it may be a formula or markup nobody should see echoed).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    if isinstance(value, str) and re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", value.strip()):
        return value.strip()
    return "text" if isinstance(value, str) else type(value).__name__


def read_responses(path: str | Path) -> Responses:
    """Read a responses file; InputError naming the file, row and column of every bad cell."""
    sheet = read_table(path, _kind(), (RESPONSES_SHEET,))
    return _answers(sheet)


def _answers(sheet: Sheet) -> Responses:
    known = _known()
    scale = DEFAULT_RUBRIC.answer_scale
    problems: list[Problem] = []
    for column in sheet.columns:
        if column not in known:
            problems.append(Problem(sheet.file, sheet.where(sheet.header_row, column),
                                    f"unknown question id '{column}'; did you mean '{closest(column, known)}'?",
                                    code="unknown-key"))
    if not sheet.columns:
        raise InputError.single(sheet.file, "has no question columns: the first row must name questions by "
                                "their ids (`podcheck questions`), as the form from `podcheck survey` does",
                                sheet.where(sheet.header_row))
    columns = [c for c in sheet.columns if c in known]
    answers: dict[str, list[int]] = {c: [] for c in columns}
    respondents = 0
    for number, cells in sheet.rows:
        answered = False
        for column in columns:
            if column not in cells:
                continue
            value = cells[column]
            score = _score(value)
            if score is None or not scale.lowest <= score <= scale.highest:
                problems.append(Problem(sheet.file, sheet.where(number, column),
                                        f"must be a whole number from {scale.lowest} to {scale.highest}, or blank "
                                        f"(got {_shown(value)})", code="range"))
                continue
            answers[column].append(score)
            answered = True
        respondents += answered
    if problems:
        raise InputError(problems)
    if respondents == 0:
        raise InputError.single(sheet.file, "holds no answers yet: one row per respondent below the header row",
                                sheet.where())
    order = [q for q in known if q in answers]
    return Responses(sheet.file, respondents, {q: answers[q] for q in order})


def responses_path(given: str, assessment_file: str | Path) -> Path:
    """Where `responses:` in an assessment file points: relative to that file, and never outside its folder."""
    folder = Path(assessment_file).parent.resolve()
    try:
        named = Path(given)
        target = (named if named.is_absolute() else folder / named).resolve()
    except (ValueError, OSError) as exc:  # a NUL byte, a loop of links
        raise InputError.single(str(assessment_file), f"is not a usable path ({exc})", "responses") from None
    if not target.is_relative_to(folder):
        raise InputError.single(str(assessment_file), f"'{given}' is outside this file's folder; keep the responses "
                                "file beside the assessment file (or in a folder below it) and name it relative "
                                "to it", "responses", code="not-allowed")
    return target


def load_survey(assessment: Assessment, file: str | Path | None, responses: str | Path | None = None,
                rubric: Rubric | None = None) -> Survey | None:
    """The unit's survey: from `responses` (a path as the user gave it), else from the file's `responses:`
    (relative to `file`, inside its folder), else None."""
    from ..survey import summarise

    if responses is not None:
        path = Path(responses)
    elif assessment.responses is not None and file is not None:
        path = responses_path(assessment.responses, file)
    else:
        return None
    read = read_responses(path)
    return summarise(read.answers, read.respondents, assessment, rubric)
