"""Spreadsheet tables (.xlsx or .csv) read safely: the people sheet and the facts sheet of a roster.

A roster has one row per person with a `unit` column; an optional facts sheet (a sheet named
`facts` in the workbook, or for CSV a second file, by default `<roster>-facts.csv`) holds what is
said once per unit (organisation, date, head of integration, context, questionnaire answers) on
rows whose `pod` cell is empty, and what is said once per pod (focus, lead load, active projects)
on rows that name a pod. Column names are case-insensitive; spaces and hyphens count as `_`.

In a workbook only visible sheets are read (a hidden people or facts sheet is an error, not skipped),
only the cells the file really holds are visited (a stray formatted cell at XFD1048576 costs nothing),
and a formula is read through the value the spreadsheet program saved with it: a formula without one
(as scripts write them) or with an error value (#N/A) is an error naming its cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import questions
from ..errors import InputError, Problem
from ..model import ROLES
from .atomic import read_bounded
from .problems import closest, did_you_mean
from .safe_yaml import MAX_FILE_BYTES

SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_SPREADSHEET_BYTES = 10 * MAX_FILE_BYTES
# A workbook is a zip file: what it unpacks to is bounded too, or a few kilobytes could hold gigabytes.
MAX_UNPACKED_BYTES = 50 * MAX_FILE_BYTES
PEOPLE_SHEETS = ("people", "roster")
FACTS_SHEET = "facts"

# column → (kind, where it goes). Kinds say how a cell is read; the model then validates the value.
PERSON_COLUMNS: dict[str, str] = {
    "unit": "text", "name": "text", "pod": "text", **dict.fromkeys(ROLES, "number"),
    "background": "choice", "integration_training": "bool", "reports_to": "text",
    "member": "choice", "helps_as": "choice", "owns_deliverables": "bool",
}
UNIT_FACTS: dict[str, str] = {
    "organization": "text", "assessed_on": "date", "head_of_integration": "text",
    "platform": "choice", "process": "choice",
    "backlog_open": "number", "backlog_added_per_quarter": "number", "backlog_delivered_per_quarter": "number",
}
POD_FACTS: dict[str, str] = {"focus": "choice", "lead_load": "choice", "active_projects": "number"}
ALIASES = {"organisation": "organization", "person": "name", "team": "unit", "business_unit": "unit"}
ANSWER, NOTE = "answer.", "note."


# ---------------------------------------------------------------- reading sheets


@dataclass
class Sheet:
    """One table read from a CSV file or a workbook sheet: header and rows with their row numbers."""

    file: str
    name: str | None  # None for a CSV file
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    header_row: int = 1

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """'sheet people, row 5, column analyst' (CSV files have no sheet)."""
        parts = [f"sheet {self.name}"] if self.name else []
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class _Unreadable:
    """A workbook cell whose value cannot be used: a formula never computed, or a formula's error."""

    content: str  # what the cell shows in the file: the formula or the error value
    message: str


def _column_name(raw: object) -> str:
    text = str(raw).strip().lower()
    if text.startswith((ANSWER, NOTE)):
        # Question ids are written with hyphens: answer.overlap-technology.
        prefix, qid = text.split(".", 1)
        qid = re.sub(r"[\s_]+", "-", qid.strip())
        return f"{prefix}.{qid}"
    text = re.sub(r"[\s-]+", "_", text)
    return ALIASES.get(text, text)


def _column_label(sheet: str | None, index: int) -> str:
    """How a user finds column `index` (0-based): its letter in a workbook, its number in a CSV file."""
    if sheet is None:
        return str(index + 1)
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1) if index < 16384 else str(index + 1)


@dataclass(frozen=True)
class TableKind:
    """How a kind of table is read: how a header cell becomes a column name, which columns are kept (the
    others' cells are dropped unread, whatever they hold), and what an empty file is told it lacks."""

    column_name: Callable[[object], str]
    keep: Callable[[str], bool] | None = None
    columns_hint: str = "unit, name, pod, …"


ROSTER_TABLE = TableKind(lambda raw: _column_name(raw))


def _table(file: str, sheet: str | None, raw_rows: Iterable[tuple[int, dict[int, Any]]],
           kind: TableKind = ROSTER_TABLE) -> Sheet:
    """Header from the first non-empty row, then one dict per non-empty row; rows come as row number and
    {column index: value} with empty cells left out. Duplicate or blank headers are errors."""
    where = Sheet(file, sheet, [], [])
    rows_iter = ((n, v) for n, v in raw_rows if any(not _blank(x) for x in v.values()))
    first = next(rows_iter, None)
    if first is None:
        raise InputError.single(file, f"is empty; the first row must name the columns ({kind.columns_hint})",
                                where.where())
    header_number, header = first
    width = max(header) + 1
    if width > MAX_COLUMNS:
        raise InputError.single(file, f"has {width:,} columns in its header row; a roster has at most {MAX_COLUMNS}",
                                where.where(header_number))
    columns: list[str] = []
    problems: list[Problem] = []
    for index in range(width):
        raw = header.get(index)
        if isinstance(raw, _Unreadable):
            problems.append(Problem(file, where.where(header_number, _column_label(sheet, index)), raw.message))
            raw = None
        name = kind.column_name(raw) if not _blank(raw) else ""
        if name and kind.keep is not None and not kind.keep(name):
            name = _IGNORED
        if name in columns and name and name != _IGNORED:
            problems.append(Problem(file, where.where(header_number), f"column '{name}' appears twice"))
        columns.append(name)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows_iter:
        if len(rows) >= MAX_ROWS:
            raise InputError.single(file, f"has more than {MAX_ROWS:,} rows; split the roster", where.where())
        cells = {}
        for index, value in sorted(values.items()):
            if isinstance(value, str):
                value = value.strip()
            if _blank(value):
                continue
            name = columns[index] if index < len(columns) else ""
            if name == _IGNORED or (not name and kind.keep is not None):
                continue  # a column the caller does not read (a respondent's name): never looked at
            if not name:
                shown = value.content if isinstance(value, _Unreadable) else value
                problems.append(Problem(file, where.where(number), f"a value ({str(shown)[:40]!r}) in column "
                                        f"{_column_label(sheet, index)}, which has no name in the header row"))
                continue
            if isinstance(value, _Unreadable):
                problems.append(Problem(file, where.where(number, name), value.message))
                continue
            cells[name] = value
        if cells:
            rows.append((number, cells))
    if problems:
        raise InputError(problems)
    return Sheet(file, sheet, [c for c in columns if c and c != _IGNORED], rows, header_number)


_IGNORED = "\x00ignored"  # a column name no header can give: the column is skipped


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path, kind: TableKind = ROSTER_TABLE) -> Sheet:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(str(path), f"is not UTF-8 text (bad byte on line {line}); save it as CSV UTF-8",
                                code="encoding") from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheet programs in many locales write ';' between cells; take what the header uses.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterable[tuple[int, dict[int, Any]]]:
        start = 1
        try:
            for values in reader:
                yield start, {i: v for i, v in enumerate(values) if v.strip()}
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError.single(str(path), f"is not valid CSV: {exc}", f"row {start}") from None

    return _table(str(path), None, numbered(), kind)


def _read_bytes(path: Path) -> bytes:
    """The whole file, read only if it is a regular file within the size limit (see read_bounded)."""
    return read_bounded(path, MAX_SPREADSHEET_BYTES, what="a roster", folder="is a folder, not a spreadsheet",
                        not_regular="is not a regular file; podcheck reads spreadsheets only from ordinary files",
                        size_unit="")


def _open_workbook(path: Path) -> Any:
    """An .xlsx file as an openpyxl workbook in read-only mode, after checking what it unpacks to."""
    from zipfile import BadZipFile, ZipFile

    import openpyxl

    data = _read_bytes(path)
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            # zipfile stops at each member's declared size, so the declared sizes bound what is read.
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError.single(str(path), f"unpacks to {unpacked:,} bytes; a roster workbook may unpack to "
                                               f"at most {MAX_UNPACKED_BYTES:,}")
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError, SyntaxError) as exc:
        raise InputError.single(str(path), f"is not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})",
                                code="unreadable") from None


def _worksheet_rows(ws: Any) -> Iterator[tuple[int, dict[int, Any]]]:
    """The rows of a read-only worksheet as they are stored: row number and {column index: value}.

    openpyxl's own iterators pad every row to the sheet's width and fill every gap between stored rows,
    so one formatted cell at XFD1048576 (or a forged size or row number) would mean billions of empty
    cells. Its sheet parser yields only the cells the file holds; a small subclass also notes formulas
    that were never computed (openpyxl writes those, and data_only then reads them as empty).
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            formula = element.find(FORMULA_TAG)
            if formula is not None and cell["value"] is None and cell["data_type"] == "n":
                text = f"={formula.text}" if formula.text else "a formula"
                shown = f" ({text})" if formula.text else ""
                cell["value"] = _Unreadable(text, f"has a formula{shown} but no saved value; open the file in a "
                                                  "spreadsheet program and save it again, or type the value")
            elif cell["data_type"] == "e" and cell["value"] is not None:
                cell["value"] = _Unreadable(str(cell["value"]), f"shows the spreadsheet error {cell['value']}; "
                                                                "fix the formula or type the value")
            return cell

    book = ws.parent
    with ws._get_source() as source:
        parser = Parser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            values = {c["column"] - 1: c["value"] for c in cells if c["value"] is not None}
            if values:
                yield number, values


def _read_sheet(path: Path, ws: Any, kind: TableKind = ROSTER_TABLE) -> Sheet:
    from zipfile import BadZipFile

    try:
        return _table(str(path), ws.title, _worksheet_rows(ws), kind)
    except (BadZipFile, OSError, KeyError, ValueError, SyntaxError, EOFError) as exc:
        raise InputError.single(str(path), f"is not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})",
                                f"sheet {ws.title}") from None


def _hidden(file: str, ws: Any) -> InputError:
    return InputError.single(file, f"sheet {ws.title} is hidden, and podcheck reads only visible sheets: "
                                   "unhide it (or delete it)")


def _read_workbook(path: Path, *, people: bool = True, facts: bool = True) -> tuple[Sheet | None, Sheet | None]:
    """The people sheet and the facts sheet of an .xlsx workbook (each only if asked for; facts None if absent).

    Hidden sheets are never read: they are often stale copies nobody sees. The people sheet is the visible
    one named 'people' or 'roster', else the first visible sheet other than 'facts'; a people or facts
    sheet that is hidden is an error rather than silently skipped.
    """
    book = _open_workbook(path)
    try:
        sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
        visible = {name: ws for name, ws in sheets.items() if ws.sheet_state == "visible"}
        people_sheet: Sheet | None = None
        if people:
            named = next((sheets[n] for n in PEOPLE_SHEETS if n in sheets and n in visible), None)
            named = named or next((sheets[n] for n in PEOPLE_SHEETS if n in sheets), None)
            if named is not None and named.sheet_state != "visible":
                raise _hidden(str(path), named)
            chosen = named or next((ws for n, ws in visible.items() if n != FACTS_SHEET), None)
            if chosen is None:
                hidden = [ws.title for n, ws in sheets.items() if n not in visible and n != FACTS_SHEET]
                if hidden:
                    raise InputError.single(str(path), f"has no visible sheet of people (hidden: {', '.join(hidden)}); "
                                                       "unhide the people sheet")
                raise InputError.single(str(path), "has no sheet of people (name it 'people', or put it first)")
            people_sheet = _read_sheet(path, chosen)
        if not facts:
            return people_sheet, None
        facts_ws = sheets.get(FACTS_SHEET)
        if facts_ws is None and not people:
            facts_ws = next(iter(visible.values()), None)  # a workbook given for the facts alone: its first sheet
        if facts_ws is not None and facts_ws.sheet_state != "visible":
            raise _hidden(str(path), facts_ws)
        return people_sheet, _read_sheet(path, facts_ws) if facts_ws is not None else None
    finally:
        book.close()


def facts_path_for(roster: Path) -> Path:
    """Where a CSV roster's facts are looked for when --facts is not given: <stem>-facts.csv beside it."""
    return roster.with_name(f"{roster.stem}-facts{roster.suffix}")


def read_sheets(path: str | Path, facts: str | Path | None = None) -> tuple[Sheet, Sheet | None]:
    """The people sheet and the facts sheet (or None) of a roster, checked for unknown columns."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputError.single(str(path), "is not a spreadsheet podcheck reads; use .xlsx or .csv")
    facts_sheet: Sheet | None = None
    if suffix == ".xlsx":
        # With --facts, the workbook's own facts sheet is not read (nor refused if hidden).
        people_sheet, facts_sheet = _read_workbook(path, facts=facts is None)
        assert people_sheet is not None
        people = people_sheet
    else:
        people = _read_csv(path)
    if facts is not None:
        facts_file = Path(facts)
        if facts_file.suffix.lower() == ".xlsx":
            _, facts_sheet = _read_workbook(facts_file, people=False)
        else:
            facts_sheet = _read_csv(facts_file)
    elif suffix == ".csv" and facts_path_for(path).is_file():
        facts_sheet = _read_csv(facts_path_for(path))
    problems = _column_problems(people, set(PERSON_COLUMNS), required=("unit", "name"))
    if facts_sheet is not None:
        problems += _column_problems(facts_sheet, {"unit", "pod", *UNIT_FACTS, *POD_FACTS}, required=("unit",),
                                     answers=True)
    if problems:
        raise InputError(problems)
    return people, facts_sheet


def _column_problems(sheet: Sheet, allowed: set[str], required: tuple[str, ...],
                     answers: bool = False) -> list[Problem]:
    problems = []
    known_questions = {q.id for q in questions()}
    for column in sheet.columns:
        if column in allowed:
            continue
        if answers and column.startswith((ANSWER, NOTE)):
            qid = column.split(".", 1)[1]
            if qid in known_questions:
                continue
            close = closest(qid, sorted(known_questions))
            hint = (f"; did you mean '{column.split('.')[0]}.{close}'?" if close
                    else " (list them with `podcheck questions`)")
            problems.append(Problem(sheet.file, sheet.where(sheet.header_row, column),
                                    f"unknown question id '{qid}'{hint}", code="unknown-key"))
            continue
        choices = sorted(allowed) + ([f"{ANSWER}<question>", f"{NOTE}<question>"] if answers else [])
        hint = did_you_mean(column, sorted(allowed)) or f" (columns here: {', '.join(choices)})"
        problems.append(Problem(sheet.file, sheet.where(sheet.header_row, column), f"unknown column '{column}'{hint}"))
    for column in required:
        if column not in sheet.columns:
            problems.append(Problem(sheet.file, sheet.where(sheet.header_row), f"needs a column named '{column}'"))
    return problems


def is_spreadsheet(path: str | Path) -> bool:
    """True for the file types a roster can be (.csv, .xlsx)."""
    return Path(path).suffix.lower() in SPREADSHEET_SUFFIXES


def read_table(path: str | Path, kind: TableKind, sheet_names: tuple[str, ...] = ()) -> Sheet:
    """One table from a .csv file or an .xlsx workbook, read as `kind` says: in a workbook, the visible sheet
    with one of `sheet_names` (any case), else the first visible sheet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        raise InputError.single(str(path), "is not a spreadsheet podcheck reads; use .xlsx or .csv")
    if suffix == ".csv":
        return _read_csv(path, kind)
    book = _open_workbook(path)
    try:
        visible = {ws.title.strip().lower(): ws for ws in book.worksheets if ws.sheet_state == "visible"}
        chosen = next((visible[n] for n in sheet_names if n in visible), None) or next(iter(visible.values()), None)
        if chosen is None:
            raise InputError.single(str(path), "has no visible sheet")
        return _read_sheet(path, chosen, kind)
    finally:
        book.close()
