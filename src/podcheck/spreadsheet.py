"""Spreadsheet rosters (.xlsx or .csv) → assessment data, validated by parse_assessment; and back.

A roster has one row per person with a `unit` column; an optional facts sheet (a sheet named
`facts` in the workbook, or for CSV a second file, by default `<roster>-facts.csv`) holds what is
said once per unit (organisation, date, head of integration, context, questionnaire answers) on
rows whose `pod` cell is empty, and what is said once per pod (focus, lead load, active projects)
on rows that name a pod. Column names are case-insensitive; spaces and hyphens count as `_`.

In a workbook only visible sheets are read (a hidden people or facts sheet is an error, not skipped),
only the cells the file really holds are visited (a stray formatted cell at XFD1048576 costs nothing),
and a formula is read through the value the spreadsheet program saved with it: a formula without one
(as scripts write them) or with an error value (#N/A) is an error naming its cell.

Every unit is turned into the same dict an assessment YAML file gives and validated by
`podcheck.parse_assessment`, so the rules and messages stay those of YAML input; only the place
is translated back, to file, sheet, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import questions
from .errors import InputError, Problem
from .files import neutralise, unique_names, unneutralise, write_atomic
from .load import MAX_FILE_BYTES, parse_assessment
from .model import ROLES, SCHEMA, Assessment

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
    "unit": "text", "name": "text", "pod": "text",
    "lead": "number", "technologist": "number", "analyst": "number",
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


def _table(file: str, sheet: str | None, raw_rows: Iterable[tuple[int, dict[int, Any]]]) -> Sheet:
    """Header from the first non-empty row, then one dict per non-empty row; rows come as row number and
    {column index: value} with empty cells left out. Duplicate or blank headers are errors."""
    where = Sheet(file, sheet, [], [])
    rows_iter = ((n, v) for n, v in raw_rows if any(not _blank(x) for x in v.values()))
    first = next(rows_iter, None)
    if first is None:
        raise InputError.single(file, "is empty; the first row must name the columns (unit, name, pod, …)",
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
        name = _column_name(raw) if not _blank(raw) else ""
        if name in columns and name:
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
    return Sheet(file, sheet, [c for c in columns if c], rows, header_number)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path) -> Sheet:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(str(path), f"is not UTF-8 text (bad byte on line {line}); save it as CSV UTF-8") from None
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

    return _table(str(path), None, numbered())


_NOT_REGULAR = "is not a regular file; podcheck reads spreadsheets only from ordinary files"


def _read_bytes(path: Path) -> bytes:
    """The whole file, read only if it is a regular file within the size limit (a FIFO would block
    and /dev/zero never ends), and never more than the limit even if it grows meanwhile."""
    file = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError.single(file, "file not found") from None
    except OSError as exc:
        raise InputError.single(file, f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError.single(file, "is a folder, not a spreadsheet")
    if not stat.S_ISREG(info.st_mode):
        raise InputError.single(file, _NOT_REGULAR)
    if info.st_size > MAX_SPREADSHEET_BYTES:
        raise InputError.single(file, f"is {info.st_size:,} bytes; a roster may be at most {MAX_SPREADSHEET_BYTES:,}")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat, opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError.single(file, _NOT_REGULAR)
            data = handle.read(MAX_SPREADSHEET_BYTES + 1)
    except OSError as exc:
        raise InputError.single(file, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_SPREADSHEET_BYTES:
        raise InputError.single(file, f"is more than {MAX_SPREADSHEET_BYTES:,} bytes; a roster may be at most "
                                      f"{MAX_SPREADSHEET_BYTES:,}")
    return data


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
        raise InputError.single(str(path), f"is not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from None


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


def _read_sheet(path: Path, ws: Any) -> Sheet:
    from zipfile import BadZipFile

    try:
        return _table(str(path), ws.title, _worksheet_rows(ws))
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


def _column_problems(sheet: Sheet, allowed: set[str], required: tuple[str, ...], answers: bool = False) -> list[Problem]:
    problems = []
    known_questions = {q.id for q in questions()}
    for column in sheet.columns:
        if column in allowed:
            continue
        if answers and column.startswith((ANSWER, NOTE)):
            qid = column.split(".", 1)[1]
            if qid in known_questions:
                continue
            close = difflib.get_close_matches(qid, sorted(known_questions), n=1)
            hint = f"; did you mean '{column.split('.')[0]}.{close[0]}'?" if close else " (list them with `podcheck questions`)"
            problems.append(Problem(sheet.file, sheet.where(sheet.header_row, column), f"unknown question id '{qid}'{hint}"))
            continue
        choices = sorted(allowed) + ([f"{ANSWER}<question>", f"{NOTE}<question>"] if answers else [])
        close = difflib.get_close_matches(column, sorted(allowed), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (columns here: {', '.join(choices)})"
        problems.append(Problem(sheet.file, sheet.where(sheet.header_row, column), f"unknown column '{column}'{hint}"))
    for column in required:
        if column not in sheet.columns:
            problems.append(Problem(sheet.file, sheet.where(sheet.header_row), f"needs a column named '{column}'"))
    return problems


# ---------------------------------------------------------------- cells → values


def _number(value: Any) -> Any:
    """A number from a cell: 0.5, '0.5', '0,5' or '50%'; anything else is returned unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).replace(" ", "")
        percent = text.endswith("%")
        text = text.removesuffix("%").replace(",", ".")
        if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
            return value
        number = float(text) / (100 if percent else 1)
    return int(number) if number.is_integer() else number


def _cell(kind: str, value: Any) -> Any:
    """A spreadsheet cell as the value an assessment file would hold; unreadable values pass through
    unchanged so that parse_assessment names the problem in its usual words."""
    if isinstance(value, str):
        # A leading apostrophe is how exported rosters keep =, +, - and @ from being run as formulas.
        value = unneutralise(value)
    if kind == "text":
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if kind == "choice":
        return re.sub(r"[\s_]+", "-", value.strip().lower()) if isinstance(value, str) else value
    if kind == "number":
        return _number(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        word = str(value).strip().lower()
        return {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False,
                "0": False}.get(word, value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time(0) else value
        return value
    raise ValueError(f"unknown column kind {kind}")


# ---------------------------------------------------------------- rows → units


@dataclass
class RosterUnit:
    """One unit's data gathered from the roster, with the sheet place of every value for errors."""

    name: str
    source: str
    data: dict[str, Any]
    places: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (file, place)
    first_place: tuple[str, str] = ("", "")
    missing_hint: str = ""

    def _place(self, path: str) -> tuple[str, str, str]:
        """(file, place) of the nearest recorded path, and what is left of `path` below it."""
        rest: list[str] = []
        while path:
            if path in self.places:
                return (*self.places[path], ".".join(reversed(rest)))
            cut = re.search(r"(\.[^.\[\]]+|\[\d+\])$", path)
            if cut is None:
                break
            rest.append(cut.group(0).lstrip("."))
            path = path[: cut.start()]
        if path:
            rest.append(path)
        return (*self.first_place, ".".join(reversed(rest)))

    def _message(self, text: str) -> str:
        def row_of(match: re.Match[str]) -> str:
            return self._place(match.group(0))[1] or match.group(0)

        return re.sub(r"(people|pods)\[\d+\]", row_of, text)

    def assessment(self) -> Assessment:
        """Validate with parse_assessment; problems are re-addressed to file, sheet, row and column."""
        try:
            return parse_assessment(self.data, file=f"{self.source} (unit {self.name})")
        except InputError as exc:
            problems = []
            for p in exc.problems:
                file, place, rest = self._place(p.path)
                message = self._message(p.message)
                if p.path in ("organization", "assessed_on") and self.missing_hint and "missing" in message:
                    message += f" ({self.missing_hint})"
                if re.fullmatch(r"[a-z_]+", rest):
                    place, rest = f"{place}, column {rest}", ""
                problems.append(Problem(file, place, f"{rest}: {message}" if rest else message))
            raise InputError(list(dict.fromkeys(problems))) from None


def _unit_name(sheet: Sheet, number: int, cells: dict[str, Any], problems: list[Problem]) -> str | None:
    unit = cells.get("unit")
    if unit is None:
        problems.append(Problem(sheet.file, sheet.where(number, "unit"), "is empty; every row names its unit"))
        return None
    return str(_cell("text", unit)).strip()


def units_from_sheets(people: Sheet, facts: Sheet | None) -> list[RosterUnit]:
    """Group rows by unit and build each unit's assessment dict (not yet validated)."""
    problems: list[Problem] = []
    units: dict[str, RosterUnit] = {}
    source = people.file

    def unit_for(name: str, sheet: Sheet, number: int) -> RosterUnit:
        if name not in units:
            units[name] = RosterUnit(name, source, {"schema": SCHEMA, "unit": name, "pods": [], "people": []},
                                     first_place=(sheet.file, sheet.where(number)))
            units[name].places["unit"] = (sheet.file, sheet.where(number, "unit"))
        return units[name]

    fact_rows: dict[str, tuple[int, dict[str, Any]]] = {}
    pod_rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    if facts is not None:
        for number, cells in facts.rows:
            name = _unit_name(facts, number, cells, problems)
            if name is None:
                continue
            unit_for(name, facts, number)
            pod = cells.get("pod")
            if pod is None:
                if name in fact_rows:
                    problems.append(Problem(facts.file, facts.where(number), f"unit '{name}' already has a facts row "
                                            f"(row {fact_rows[name][0]}); give each unit one row with an empty pod"))
                    continue
                wrong = [c for c in cells if c in POD_FACTS]
                problems += [Problem(facts.file, facts.where(number, c), "belongs on a pod's row (fill in its pod)")
                             for c in wrong]
                fact_rows[name] = (number, cells)
            else:
                wrong = [c for c in cells if c in UNIT_FACTS or c.startswith((ANSWER, NOTE))]
                problems += [Problem(facts.file, facts.where(number, c), "belongs on the unit's row (leave pod empty there)")
                             for c in wrong]
                pod_rows.setdefault(name, []).append((number, cells))

    for number, cells in people.rows:
        name = _unit_name(people, number, cells, problems)
        if name is None:
            continue
        unit = unit_for(name, people, number)
        index = len(unit.data["people"])
        person: dict[str, Any] = {}
        roles: dict[str, Any] = {}
        base = f"people[{index}]"
        unit.places[base] = (people.file, people.where(number))
        for column, value in cells.items():
            if column == "unit":
                continue
            converted = _cell(PERSON_COLUMNS[column], value)
            if column in ROLES:
                roles[column] = converted
                unit.places[f"{base}.roles.{column}"] = (people.file, people.where(number, column))
            else:
                person[column] = converted
                unit.places[f"{base}.{column}"] = (people.file, people.where(number, column))
        if roles:
            person["roles"] = roles
            unit.places[f"{base}.roles"] = (people.file, people.where(number) + ", columns lead, technologist, analyst")
        unit.data["people"].append(person)

    staffed = [n for n, u in units.items() if u.data["people"]]
    for name, unit in units.items():
        if not unit.data["people"]:
            close = difflib.get_close_matches(name, staffed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(*unit.places["unit"], f"unit '{name}' has facts but nobody in the people sheet{hint}"))
            continue
        _add_facts(unit, facts, fact_rows.get(name), pod_rows.get(name, []))
    if problems:
        raise InputError(problems)
    return list(units.values())


def _add_facts(unit: RosterUnit, facts: Sheet | None, row: tuple[int, dict[str, Any]] | None,
               pods: list[tuple[int, dict[str, Any]]]) -> None:
    data = unit.data
    if row is not None and facts is not None:
        number, cells = row
        context: dict[str, Any] = {}
        backlog: dict[str, Any] = {}
        answers: dict[str, dict[str, Any]] = {}
        for column, value in cells.items():
            place = (facts.file, facts.where(number, column))
            if column in ("unit", "pod") or column in POD_FACTS:
                continue  # a pod fact on the unit's row was reported already
            if column.startswith((ANSWER, NOTE)):
                kind, qid = column.split(".", 1)
                entry = answers.setdefault(qid, {})
                if kind == "answer":
                    entry["score"] = _cell("number", value)
                    unit.places[f"answers.{qid}.score"] = place
                    unit.places.setdefault(f"answers.{qid}", place)
                else:
                    entry["note"] = str(value)
                    unit.places[f"answers.{qid}.note"] = place
                continue
            converted = _cell(UNIT_FACTS[column], value)
            if column in ("platform", "process"):
                context[column] = converted
                unit.places[f"context.{column}"] = place
            elif column.startswith("backlog_"):
                key = column.removeprefix("backlog_")
                backlog[key] = converted
                unit.places[f"context.backlog.{key}"] = place
            else:
                data[column] = converted
                unit.places[column] = place
        if backlog:
            context["backlog"] = backlog
        if context:
            data["context"] = context
        if answers:
            data["answers"] = answers
        unit.first_place = (facts.file, facts.where(number))
        for key in ("organization", "assessed_on"):
            unit.places.setdefault(key, (facts.file, facts.where(number, key)))
    elif facts is not None:
        unit.missing_hint = f"the facts sheet has no row for unit '{unit.name}' with an empty pod cell"
    else:
        unit.missing_hint = ("there is no facts sheet; add one with unit, organization and assessed_on columns: "
                             "a 'facts' sheet in a workbook, <roster>-facts.csv beside a CSV roster, or --facts FILE")
    named: list[str] = []
    for number, cells in pods:
        index = len(data["pods"])
        pod: dict[str, Any] = {"name": _cell("text", cells["pod"])}
        unit.places[f"pods[{index}]"] = (facts.file, facts.where(number)) if facts else unit.first_place
        unit.places[f"pods[{index}].name"] = (facts.file, facts.where(number, "pod")) if facts else unit.first_place
        for column, value in cells.items():
            if column in POD_FACTS:
                pod[column] = _cell(POD_FACTS[column], value)
                unit.places[f"pods[{index}].{column}"] = (facts.file, facts.where(number, column)) if facts else unit.first_place
        data["pods"].append(pod)
        named.append(str(pod["name"]).strip())
    if pods:
        # The facts sheet lists this unit's pods: a pod named only in the people sheet is a typo,
        # which parse_assessment reports with a suggestion.
        return
    # No pods listed in the facts: the pods are those the people sheet names, in order of first mention.
    for i, person in enumerate(data["people"]):
        pod_name = person.get("pod")
        if isinstance(pod_name, str) and pod_name.strip() not in named:
            named.append(pod_name.strip())
            unit.places[f"pods[{len(data['pods'])}]"] = unit.places.get(f"people[{i}].pod", unit.first_place)
            data["pods"].append({"name": pod_name.strip()})


def read_roster(path: str | Path, facts: str | Path | None = None) -> list[RosterUnit]:
    """Every unit in a roster, not yet validated (structural problems raise InputError at once)."""
    people, facts_sheet = read_sheets(path, facts)
    if not people.rows:
        raise InputError.single(people.file, "has a header but no people", people.where())
    return units_from_sheets(people, facts_sheet)


def load_roster(path: str | Path, facts: str | Path | None = None) -> list[Assessment]:
    """Every unit of a roster as a validated Assessment; all problems of all units in one InputError."""
    problems: list[Problem] = []
    out = []
    for unit in read_roster(path, facts):
        try:
            out.append(unit.assessment())
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return out


def is_spreadsheet(path: str | Path) -> bool:
    """True for the file types a roster can be (.csv, .xlsx)."""
    return Path(path).suffix.lower() in SPREADSHEET_SUFFIXES


# ---------------------------------------------------------------- writing YAML (podcheck import)


def assessment_yaml(assessment: Assessment, source: str | None = None) -> str:
    """The assessment as YAML text in file form (yaml.safe_dump), with a comment naming its source."""
    header = f"# Imported by `podcheck import` from {Path(source).name}.\n" if source else ""
    body = yaml.safe_dump(assessment.to_yaml_dict(), sort_keys=False, allow_unicode=True, width=100)
    return header + body


def import_command(args: Any) -> int:
    """`podcheck import ROSTER --out DIR`: one YAML file per unit; nothing is written if any unit is bad."""
    import sys

    assessments = load_roster(args.spreadsheet, args.facts)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError.single(str(out), "is a file; --out needs a folder")
    names = unique_names([a.unit for a in assessments])
    for assessment, name in zip(assessments, names, strict=True):
        write_atomic(out / f"{name}.yaml", assessment_yaml(assessment, args.spreadsheet))
    print(f"podcheck: wrote {len(assessments)} assessment file{'s' if len(assessments) != 1 else ''} to {out}",
          file=sys.stderr)
    return 0


# ---------------------------------------------------------------- assessments → roster (export)


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
        for p in a.people:
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
    sheets = ((book.active, "people", people_rows, PEOPLE_ORDER), (book.create_sheet(), "facts", fact_rows, _facts_order()))
    for ws, title, rows, order in sheets:
        ws.title = title
        columns = _columns(rows, order)
        ws.append(columns)
        for row in rows:
            ws.append([neutralise(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomic(path, buffer.getvalue())
