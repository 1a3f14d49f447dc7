"""Workbooks podcheck hands out to be filled in: a unit's survey form and a blank roster.

Both are read back by podcheck as they are (the survey by files.responses, the roster by files.roster), so
the columns here are those readers' columns, and every list of allowed values comes from the model. Text
podcheck did not write itself (a unit's name) is written quoted if a spreadsheet would run it as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..catalog import DEFAULT_RUBRIC, Question
from ..model import BACKGROUNDS, FOCUS, HELPS_AS, LEAD_LOAD, MEMBERSHIP, PLATFORMS, PROCESSES, ROLES
from .atomic import neutralise, write_atomic
from .responses import RESPONSES_SHEET
from .sheets import FACTS_SHEET, PERSON_COLUMNS, POD_FACTS, UNIT_FACTS

SURVEY_ROWS = 40  # respondents the form has numbered, validated rows for (more can be added below)
RESPONDENT_COLUMN = "respondent"  # the form's first column: a row number, never a name; not read back


def _bytes(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(cell: Any, size: int | None = None) -> None:
    from openpyxl.styles import Font

    cell.font = Font(bold=True, size=size) if size else Font(bold=True)


def survey_workbook(organization: str, unit: str, bank: Sequence[Question], rows: int = SURVEY_ROWS) -> bytes:
    """The survey form as .xlsx bytes: an instructions sheet, then a responses sheet with one numbered row
    per respondent and one column per question (id and words in the header, the two ends in its comment),
    each answer cell limited to whole numbers on the answer scale."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    scale = DEFAULT_RUBRIC.answer_scale
    book = Workbook()
    intro = book.active
    intro.title = "Instructions"
    lines = [
        f"Team survey: {unit} ({organization})",
        "",
        "Answer on your own, without talking it over first: the point is to see where views differ.",
        "Take one empty row on the Responses sheet and give each question a whole number from "
        f"{scale.lowest} (weak) to {scale.highest} (strong). Leave a cell blank if you cannot judge.",
        "Do not write your name anywhere: answers are anonymous. A question that fewer than 3 people "
        "answer is left out of the results, so no answer can be traced back to anyone.",
        "The column headers hold each question; hover over a header to see what the ends of the scale mean, "
        "or read them below.",
        "",
    ]
    for number, text in enumerate(lines, start=1):
        intro.cell(row=number, column=1, value=neutralise(text))
    _bold(intro.cell(row=1, column=1), 14)
    header = len(lines) + 1
    for column, title in enumerate(("Question id", "Question", f"{scale.lowest} means", f"{scale.highest} means"),
                                   start=1):
        _bold(intro.cell(row=header, column=column, value=title))
    for offset, q in enumerate(bank, start=1):
        for column, value in enumerate((q.id, q.text, q.low, q.high), start=1):
            cell = intro.cell(row=header + offset, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCD", (24, 60, 40, 40), strict=True):
        intro.column_dimensions[column].width = width

    sheet = book.create_sheet(RESPONSES_SHEET.capitalize())
    sheet.cell(row=1, column=1, value=RESPONDENT_COLUMN)
    _bold(sheet.cell(row=1, column=1))
    for column, q in enumerate(bank, start=2):
        cell = sheet.cell(row=1, column=column, value=f"{q.id}\n{q.text}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(f"{scale.lowest} = {q.low}\n{scale.highest} = {q.high}", "podcheck",
                               width=320, height=160)
        _bold(cell)
        sheet.column_dimensions[get_column_letter(column)].width = 28
    sheet.row_dimensions[1].height = 150
    sheet.column_dimensions["A"].width = 12
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=1, value=row - 1)
    if bank:
        last = get_column_letter(len(bank) + 1)
        check = DataValidation(type="whole", operator="between", formula1=str(scale.lowest),
                               formula2=str(scale.highest), allow_blank=True, showErrorMessage=True,
                               errorTitle="Answer", error=f"A whole number from {scale.lowest} to {scale.highest}, "
                                                          "or leave it blank.")
        check.add(f"B2:{last}{rows + 1}")
        sheet.add_data_validation(check)
    sheet.freeze_panes = "B2"
    book.active = 0
    return _bytes(book)


def write_survey_workbook(path: str | Path, organization: str, unit: str, bank: Sequence[Question]) -> Path:
    """Write the survey form atomically; returns the path."""
    return write_atomic(path, survey_workbook(organization, unit, bank))


# ---------------------------------------------------------------- a blank roster


def _choices(column: str) -> tuple[str, ...] | None:
    """The allowed values of a roster column, from the model's own lists."""
    return {"background": BACKGROUNDS, "member": MEMBERSHIP, "helps_as": HELPS_AS, "platform": PLATFORMS,
            "process": PROCESSES, "focus": FOCUS, "lead_load": LEAD_LOAD,
            "integration_training": ("yes", "no"), "owns_deliverables": ("yes", "no")}.get(column)


def _validated_sheet(sheet: Any, columns: Sequence[str], rows: int) -> None:
    """A header of `columns`, with a drop-down list on every column that allows only some values."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(columns, start=1):
        _bold(sheet.cell(row=1, column=index, value=column))
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 4)
        allowed = _choices(column)
        area = f"{letter}2:{letter}{rows + 1}"
        if allowed is not None:
            check = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True,
                                   showErrorMessage=True, errorTitle=column,
                                   error=f"One of: {', '.join(allowed)}")
        elif column in ROLES:
            check = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                                   showErrorMessage=True, errorTitle=column,
                                   error="A share of the person's week, from 0 to 1 (0.5 is half)")
        else:
            continue
        check.add(area)
        sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"


def blank_roster(rows: int = 200) -> bytes:
    """A roster workbook with no one in it yet: a people sheet and a facts sheet in the columns `podcheck
    import` and `podcheck batch` read, drop-down lists where a column allows only some values, and notes."""
    from openpyxl import Workbook

    book = Workbook()
    people = book.active
    people.title = "people"
    _validated_sheet(people, list(PERSON_COLUMNS), rows)
    facts = book.create_sheet(FACTS_SHEET)
    _validated_sheet(facts, ["unit", "pod", *UNIT_FACTS, *POD_FACTS], rows)
    notes = book.create_sheet("notes")
    for number, text in enumerate((
        "people: one row per person and pod (a person in two pods has two rows). Roles are shares of the week, "
        "0 to 1. A person with no pod and no roles is outside every pod (a manager, a sponsor).",
        "facts: for each unit one row with the pod cell empty (organization, assessed_on as YYYY-MM-DD, "
        "head_of_integration, platform, process, backlog figures), and one row per pod (focus, lead_load, "
        "active_projects).",
        "Questionnaire answers go on a unit's facts row in columns answer.<question id> (1 to 5) and "
        "note.<question id>; list the ids with `podcheck questions`.",
        "Then: podcheck import THIS.xlsx --out assessments/   or   podcheck batch THIS.xlsx --out reports/",
    ), start=1):
        notes.cell(row=number, column=1, value=text)
    notes.column_dimensions["A"].width = 120
    return _bytes(book)
