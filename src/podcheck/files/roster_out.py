"""Assessments → roster (podcheck's export): a people sheet and a facts sheet, as CSV files or one workbook.

What it writes, read_roster reads back to the same assessments; cells a spreadsheet would run as
formulas are written quoted (see neutralise).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..catalog import questions
from ..model import ROLES, Assessment
from .atomic import neutralise, write_atomic
from .sheets import ANSWER, NOTE, POD_FACTS, UNIT_FACTS, facts_path_for


def roster_tables(assessments: Iterable[Assessment]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """People rows and facts rows for these assessments, in the columns read_roster expects."""
    people_rows: list[dict[str, Any]] = []
    fact_rows: list[dict[str, Any]] = []
    for a in assessments:
        backlog = a.context.backlog
        unit_row: dict[str, Any] = {
            "unit": a.unit, "organization": a.organization, "assessed_on": a.assessed_on.isoformat(),
            "head_of_integration": a.head_of_integration, "platform": a.context.platform,
            "process": a.context.process,
            "backlog_open": backlog.open if backlog else None,
            "backlog_added_per_quarter": backlog.added_per_quarter if backlog else None,
            "backlog_delivered_per_quarter": backlog.delivered_per_quarter if backlog else None,
        }
        for qid, answer in a.answers.items():
            unit_row[f"{ANSWER}{qid}"] = answer.score
            if answer.note is not None:
                unit_row[f"{NOTE}{qid}"] = answer.note
        fact_rows.append(unit_row)
        for pod in a.pods:
            fact_rows.append({"unit": a.unit, "pod": pod.name, "focus": pod.focus,
                              "lead_load": pod.lead_load if pod.lead_load != "normal" else None,
                              "active_projects": pod.active_projects})
        # One row per person and pod: a person in several pods has a row for each, their details repeated.
        for p in a.placed_people():
            shares = p.roles.shares()
            people_rows.append({
                "unit": a.unit, "name": p.name, "pod": p.pod, **{r: shares.get(r) for r in ROLES},
                "background": p.background, "integration_training": p.integration_training,
                "reports_to": p.reports_to, "member": p.member if p.member != "core" else None,
                "helps_as": p.helps_as, "owns_deliverables": p.owns_deliverables,
            })
    return people_rows, fact_rows


def _columns(rows: list[dict[str, Any]], first: Sequence[str]) -> list[str]:
    seen = dict.fromkeys(first)
    for row in rows:
        seen.update(dict.fromkeys(k for k, v in row.items() if v is not None))
    return [c for c in seen if any(r.get(c) is not None for r in rows) or c in ("unit", "name", "pod")]


def _csv_text(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _bool_word(neutralise(row.get(c))) for c in columns])
    return buffer.getvalue()


def _bool_word(value: Any) -> Any:
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


PEOPLE_ORDER = ("unit", "name", "pod", *ROLES, "background", "integration_training", "reports_to", "member",
                "helps_as", "owns_deliverables")
FACTS_ORDER = ("unit", "pod", *UNIT_FACTS, *POD_FACTS)


def _facts_order() -> tuple[str, ...]:
    answers = [f"{kind}{q.id}" for q in questions() for kind in (ANSWER, NOTE)]
    return (*FACTS_ORDER, *answers)


def write_roster_csv(assessments: Iterable[Assessment], path: str | Path) -> tuple[Path, Path]:
    """Write a CSV roster and its facts file (<stem>-facts.csv); returns both paths."""
    people_rows, fact_rows = roster_tables(assessments)
    path = Path(path)
    write_atomic(path, _csv_text(people_rows, _columns(people_rows, PEOPLE_ORDER)))
    facts = facts_path_for(path)
    write_atomic(facts, _csv_text(fact_rows, _columns(fact_rows, _facts_order())))
    return path, facts


def write_roster_xlsx(assessments: Iterable[Assessment], path: str | Path) -> Path:
    """Write an .xlsx roster with a 'people' and a 'facts' sheet."""
    import openpyxl

    people_rows, fact_rows = roster_tables(assessments)
    book = openpyxl.Workbook()
    sheets = ((book.active, "people", people_rows, PEOPLE_ORDER),
              (book.create_sheet(), "facts", fact_rows, _facts_order()))
    for ws, title, rows, order in sheets:
        ws.title = title
        columns = _columns(rows, order)
        ws.append(columns)
        for row in rows:
            ws.append([neutralise(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomic(path, buffer.getvalue())
