"""The portfolio as an .xlsx workbook for a PMO: one sheet each for units, findings, plan steps, actions and
history, each with a frozen header row and a filter on it. Text a spreadsheet would run as a formula gets a
leading apostrophe, the rule the CSV files follow (files.atomic.neutralise)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..catalog import SEVERITIES
from ..files.atomic import neutralise

if TYPE_CHECKING:
    from .portfolio import Portfolio

SHEETS = ("units", "findings", "plan steps", "actions", "history")


def _sheet(book: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[object]],
           widths: dict[int, int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    count = 1
    for row in rows:
        ws.append([neutralise(c) if c is not None else None for c in row])
        count += 1
    ws.freeze_panes = "A2"  # the header stays in view while scrolling
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def portfolio_xlsx(p: Portfolio) -> bytes:
    """The workbook's bytes: units, findings, plan steps, actions, history."""
    import openpyxl

    from .portfolio import EXTRA_COLUMNS, extra_cells

    book = openpyxl.Workbook()
    book.remove(book.active)
    units_header = ["organization", "unit", "assessed_on", "stage_level", "stage", "score", "standing",
                    *[f"{s}_findings" for s in SEVERITIES], *[f"score_{i}" for i, _ in p.dimensions],
                    *EXTRA_COLUMNS]
    _sheet(book, "units", units_header, (
        [r.result.organization, r.result.unit, r.result.assessed_on, r.result.stage.level, r.result.stage.id,
         r.result.score, r.standing.label, *[r.result.count(s) for s in SEVERITIES],
         *[r.dimension_scores.get(i) for i, _ in p.dimensions], *extra_cells(r)] for r in p.rows),
        {1: 18, 2: 24, 3: 12})
    _sheet(book, "findings", ["organization", "unit", "finding", "severity", "pod", "people", "principles", "title",
                              "accepted_until", "acceptance_expired", "message", "recommendation"], (
        [r.result.organization, r.result.unit, f.id, f.severity, f.pod, "; ".join(f.people), " ".join(f.principles),
         f.title, f.accepted.expires if f.accepted else None, f.accepted.expired if f.accepted else None,
         f.message, f.recommendation] for r in p.rows for f in r.result.findings),
        {2: 24, 3: 30, 8: 40, 11: 60, 12: 60})
    _sheet(book, "plan steps", ["organization", "unit", "step", "title", "owner", "resolves"], (
        [r.result.organization, r.result.unit, _get(s, "step"), _get(s, "title"), _get(s, "owner"),
         "; ".join(f"{_get(x, 'id')}" + (f" (pod {_get(x, 'pod')})" if _get(x, "pod") else "")
                   for x in _get(s, "resolves") or [])]
        for r in p.rows for s in (getattr(r.result, "plan", None) or [])),
        {2: 24, 4: 50, 6: 50})
    _sheet(book, "actions", ["organization", "unit", "title", "owner", "due", "status", "overdue", "from_step",
                             "findings", "findings_gone"], (
        [r.result.organization, r.result.unit, a.title, a.owner, a.due, a.status, a.overdue, a.from_step,
         "; ".join(t.id + (f" (pod {t.pod})" if t.pod else "") for t in a.findings), a.resolved]
        for r in p.rows for a in r.result.actions),
        {2: 24, 3: 40, 9: 40})
    _sheet(book, "history", ["organization", "unit", "assessed_on", "stage_level", "stage", "score",
                             "high_findings", "medium_findings", "low_findings"], (
        [r.result.organization, r.result.unit, h.assessed_on, h.stage.level, h.stage.id, h.score, h.high, h.medium,
         h.low]
        for r in p.rows for h in (*r.history, _now(r))),
        {2: 24, 3: 12})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _get(item: object, key: str) -> Any:
    """A field of a plan step, whether the result holds it as a model or as plain data."""
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _now(row: Any) -> Any:
    from ..compare import history_points

    return history_points([row.result])[0]
