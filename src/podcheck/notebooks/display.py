"""What the playbook notebooks call: check their parameters, open a unit, show headlines, save outputs.

The notebooks stay thin: one call here turns the `parameters` cell into an assessed unit (or one clear
error), tables come from podcheck.notebooks.tables, and `Unit.save()` writes the result JSON and the reports
exactly as `podcheck assess` and `podcheck batch` do. HTML comes from templates/fragments/, escaped there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import Rubric
from ..errors import InputError
from ..files.assessment import load_assessment
from ..files.atomic import write_atomic
from ..files.locations import examples_dir
from ..files.responses import load_survey
from ..files.rubric import load_rubric
from ..model import Assessment
from ..render import REPORT_FORMATS
from ..render.fragments import fragment
from ..result import Result, Survey
from ..survey import assess_with_survey

RESULT_FILE = "result.json"


class NotebookError(Exception):
    """A bad notebook parameter or input file; shown in the notebook as plain lines, not a traceback."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        super().__init__("; ".join(self.lines))

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a Python traceback (papermill still records the error).
        return [f"podcheck: {line}" for line in self.lines]


def example(name: str) -> Path:
    """One bundled example assessment file by name, e.g. 'commerce.yaml'."""
    path = examples_dir() / name
    if not path.is_file():
        raise NotebookError([f"no bundled example named '{name}' in {examples_dir()}"])
    return path


@dataclass
class Unit:
    """One assessed unit as a notebook sees it: its file, its model, its result and where to save."""

    source: Path
    assessment: Assessment
    result: Result
    output_dir: Path | None = None
    formats: tuple[str, ...] = ("html",)
    rubric: Rubric | None = None
    is_example: bool = False
    written: dict[str, Path] = field(default_factory=dict)

    def save(self) -> dict[str, Path]:
        """Write result.json and the reports into output_dir (atomically); nothing when it is None."""
        if self.output_dir is None:
            return {}
        self.output_dir.mkdir(parents=True, exist_ok=True)
        written = {"json": write_atomic(self.output_dir / RESULT_FILE, self.result.to_json())}
        if self.formats:
            from ..render import write_unit_reports

            written.update(write_unit_reports(self.result, self.assessment, self.output_dir, formats=self.formats))
        self.written = written
        return written


def _text_or_path(name: str, value: object, problems: list[str]) -> Path | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str | Path):
        problems.append(f"{name} must be a file or folder path as text (got {type(value).__name__} {value!r})")
        return None
    return Path(value).expanduser()


def check_parameters(
    assessment_file: object = None,
    output_dir: object = None,
    rubric_file: object = None,
    formats: object = ("html",),
) -> tuple[Path | None, Path | None, Path | None, tuple[str, ...]]:
    """Validate the notebook parameters; raises NotebookError naming each bad one."""
    problems: list[str] = []
    source = _text_or_path("assessment_file", assessment_file, problems)
    if source is not None and not source.is_file():
        problems.append(f"assessment_file: no such file: {source}" if not source.exists()
                        else f"assessment_file: {source} is a folder; give one .yaml file")
    out = _text_or_path("output_dir", output_dir, problems)
    if out is not None and out.exists() and not out.is_dir():
        problems.append(f"output_dir: {out} is a file; give a folder (it is created if missing)")
    rubric = _text_or_path("rubric_file", rubric_file, problems)
    if rubric is not None and not rubric.is_file():
        problems.append(f"rubric_file: no such file: {rubric}")
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    chosen: tuple[str, ...] = ()
    if not isinstance(formats, Iterable) or not all(isinstance(f, str) for f in formats):
        problems.append(f"formats must be a list of report formats such as ['html', 'pdf'] (got {formats!r})")
    else:
        chosen = tuple(dict.fromkeys(formats))
        unknown = [f for f in chosen if f not in REPORT_FORMATS]
        if unknown:
            problems.append(f"formats: unknown report format '{unknown[0]}'; use any of {', '.join(REPORT_FORMATS)}")
    if problems:
        raise NotebookError(problems)
    return source, out, rubric, chosen


def open_unit(
    assessment_file: object = None,
    output_dir: object = None,
    rubric_file: object = None,
    formats: object = ("html",),
    *,
    survey_file: object = None,
    example_name: str = "commerce.yaml",
) -> Unit:
    """Check the parameters, then load and assess the unit (the bundled example when no file is given).

    The unit's survey is `survey_file` (the summary `podcheck batch` writes beside the unit's copy, whose
    `responses:` would not resolve there) or else the responses file the assessment file names."""
    source, out, rubric_path, chosen = check_parameters(assessment_file, output_dir, rubric_file, formats)
    problems: list[str] = []
    survey_path = _text_or_path("survey_file", survey_file, problems)
    if problems or (survey_path is not None and not survey_path.is_file()):
        raise NotebookError(problems or [f"survey_file: no such file: {survey_path}"])
    import pandas as pd

    # The tables hold whole sentences (recommendations, findings); pandas would cut them at 50 characters.
    pd.set_option("display.max_colwidth", None)
    is_example = source is None
    source = source if source is not None else example(example_name)
    try:
        rubric = load_rubric(rubric_path) if rubric_path else None
        assessment = load_assessment(source)
        if survey_path is not None:
            survey: Survey | None = Survey.model_validate_json(survey_path.read_text(encoding="utf-8"))
        else:
            survey = load_survey(assessment, source, rubric=rubric)
    except InputError as exc:
        raise NotebookError([str(p) for p in exc.problems]) from None
    return Unit(source, assessment, assess_with_survey(assessment, survey, rubric), out, chosen, rubric, is_example)


# ---------------------------------------------------------------- small HTML pieces (templates/fragments/)


class Html:
    """A rendered fragment (escaped by its template) that Jupyter displays as HTML."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        # Plain-text fallback for consoles: the same words without tags.
        text = re.sub(r"<br>|<p>|</p>|</li>|</div>", "\n", self.markup)
        text = re.sub(r"<li>", "- ", text)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        return re.sub(r"\n{2,}", "\n", text).strip()


def headline(unit: Unit) -> Html:
    """Unit, organisation, date, stage and score in one box."""
    return Html(fragment("headline", unit=unit))


def principle_list(ids: Iterable[str]) -> Html:
    """The principles with these ids as a short list: id and title."""
    return Html(fragment("principles", ids=list(ids)))


def finding_notes(unit: Unit, prefixes: Iterable[str]) -> Html:
    """Each matching finding's message and recommendation, or a line saying there are none."""
    from .tables import select

    return Html(fragment("finding_notes", findings=select(unit.result.findings, tuple(prefixes))))


def bullet_list(items: Iterable[Any], empty: str = "Nothing to list.") -> Html:
    """A plain bulleted list of texts (escaped)."""
    return Html(fragment("bullets", items=list(items), empty=empty))


def saved(unit: Unit) -> Html:
    """What save() wrote, relative to the output folder, or why nothing was written."""
    if unit.output_dir is None:
        return Html(fragment("not_saved"))
    names = [f"{fmt}: {path.relative_to(unit.output_dir) if path.is_relative_to(unit.output_dir) else path}"
             for fmt, path in unit.written.items()]
    return bullet_list(names, "Nothing was written.")
