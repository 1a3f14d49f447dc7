"""The workshop front end: ipywidgets over a WorkshopState, for a facilitator running podcheck live in JupyterLab.

Every widget edit becomes a `Change`; the state validates, re-assesses and autosaves it; then `sync()`
makes every widget show the state again (traitlets only send what really changed, so this is cheap).
Widgets carry stable `podcheck-*` CSS classes for styling and for the browser tests. The four tabs
live in team.py, questionnaire.py, whatif.py and handout.py; this module puts them on one screen with
the stage banner, the live result and the status line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from ..catalog import Rubric
from ..errors import InputError
from ..render.fragments import fragment
from .controls import as_text, line, lines_html, note, show, style
from .handout import HandoutTab
from .questionnaire import QuestionnaireTab
from .state import Outcome, WorkshopState
from .team import Fields, TeamTab
from .whatif import WhatIfTab

TABS = ("Team", "Questionnaire", "What if…", "Hand-out")


class Workshop(TeamTab, QuestionnaireTab, WhatIfTab, HandoutTab):
    """The whole front end: stage banner, editors in tabs, live results, what-if and hand-out."""

    def __init__(self, state: WorkshopState, output_folder: str | Path = "handouts") -> None:
        self.state = state
        self.output_folder = Path(output_folder)
        self._fields: Fields = {}
        self._fields_for: tuple[int, int] = (-1, -1)  # pod and person rows the cached fields were built for

        self.style = w.HTML(style())
        self.title = w.HTML().add_class("podcheck-title")
        self.stage = w.HTML().add_class("podcheck-stage")
        self.results = w.HTML().add_class("podcheck-results")
        self.status = w.HTML().add_class("podcheck-status")
        self.general_errors = w.HTML().add_class("podcheck-error")
        # Shown while the file has changed on disk under this session: nothing is overwritten until the
        # facilitator chooses (see WorkshopState.conflict).
        self.conflict_message = w.HTML()
        self.reload_button = w.Button(description="Reload the file",
                                      icon="refresh").add_class("podcheck-conflict-reload")
        self.keep_button = w.Button(description="Keep my version", icon="save").add_class("podcheck-conflict-keep")
        self.reload_button.on_click(lambda _: self._resolve(self.state.reload, "Reloaded {file} from disk."))
        self.keep_button.on_click(lambda _: self._resolve(
            self.state.keep_mine, "Kept your version in {file}; the one it replaced is in .history/."))
        self.conflict_box = line([self.conflict_message, self.reload_button,
                                  self.keep_button]).add_class("podcheck-conflict")

        tabs = w.Tab(children=[self._team_tab(), self._questions_tab(), self._whatif_tab(), self._handout_tab()])
        for i, title in enumerate(TABS):
            tabs.set_title(i, title)
        self.tabs = tabs.add_class("podcheck-tabs")
        editor = w.VBox([self.general_errors, self.tabs],
                        layout=w.Layout(flex="2 1 600px", min_width="520px")).add_class("podcheck-editor")
        side = w.VBox([note("Live result", "podcheck-panel-title"), self.results],
                      layout=w.Layout(flex="1 1 340px", min_width="300px", max_height="78vh", overflow="auto",
                                      padding="0 0 0 12px")).add_class("podcheck-side")
        body = w.HBox([editor, side], layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.widget = w.VBox([self.style, self.title, self.stage, self.status, self.conflict_box,
                              body]).add_class("podcheck-workshop")
        self.sync()
        saving = " Changes are saved there as you go." if self.state.valid else ""
        self.say(f"Opened {self.state.file_name}.{saving}")

    def sync(self) -> None:
        """Make every widget show the current state: values, choices, problems, stage and results."""
        self._syncing = True
        try:
            data = self.state.data
            pods = [p for p in data.get("pods", []) if isinstance(p, dict)]
            people = [p for p in data.get("people", []) if isinstance(p, dict)]
            pod_names = [as_text(p.get("name")) for p in pods]
            person_names = [as_text(p.get("name")) for p in people]
            self._sync_team(data, pods, people, pod_names, person_names)
            self._sync_answers(data)
            self._sync_whatif_choices(pod_names, person_names)
            self._show_problems()
            self._show_result()
            conflict = self.state.conflict
            stale = fragment("workshop/note", text=conflict.message, kind="podcheck-stale") if conflict else ""
            show(self.conflict_message, value=stale)
            show(self.conflict_box.layout, display="" if conflict else "none")
        finally:
            self._syncing = False

    def _resolve(self, action: Callable[[], Outcome], done: str) -> None:
        """Reload the file or keep this session's version, after the file changed on disk."""
        outcome = action()
        self.sync()
        if outcome.accepted and not outcome.conflict:
            self.say(done.format(file=self.state.file_name))
        else:
            self.say(outcome.refused or outcome.message, bad=True)

    def _all_fields(self) -> Fields:
        """Every field by its path in the file; rebuilt only when rows come or go."""
        rows = (len(self.pod_rows), len(self.person_rows))
        if rows != self._fields_for:
            self._fields = {**self._team_fields(), **self.answer_fields}
            self._fields_for = rows
        return self._fields

    def _show_problems(self) -> None:
        """Mark each field with a problem in red and say what is wrong beside it."""
        fields = self._all_fields()
        errors = self.state.field_errors(fields)
        rows = self._row_paths()
        for path, (widget, _) in fields.items():
            if path in errors and path not in rows:
                widget.add_class("podcheck-invalid")
            else:
                widget.remove_class("podcheck-invalid")
        self._show_team_problems(errors, fields)
        self._show_answer_problems(errors)
        show(self.general_errors, value=lines_html(errors.get("", [])))

    def _show_result(self) -> None:
        data = self.state.data
        show(self.title, value=fragment("workshop/title", organization=data.get("organization") or "",
                                        unit=data.get("unit") or "", path=self.state.path))
        show(self.stage, value=fragment("stage", result=self.state.result, stale=len(self.state.problems)))
        show(self.results, value=fragment("results", result=self.state.result))
        self._refresh_whatif()


def open_error_html(exc: InputError) -> str:
    """Why a file cannot be opened, one line per problem, and what to do."""
    return fragment("workshop/open_error", problems=exc.problems)


def start(assessment_file: str | Path, output_folder: str | Path = "handouts", *, organization: str | None = None,
          unit: str | None = None, rubric: Rubric | None = None, show: bool = True) -> Workshop | None:
    """Open (or start) an assessment file and show the workshop; reopening resumes where the team stopped."""
    from IPython.display import HTML, display

    try:
        state = WorkshopState.open(Path(os.path.expanduser(str(assessment_file))), organization=organization,
                                   unit=unit, rubric=rubric)
    except InputError as exc:
        display(HTML(open_error_html(exc)))
        return None
    ui = Workshop(state, output_folder)
    if show:
        display(ui.widget)
    return ui
