"""The workshop front end: ipywidgets over a WorkshopState, for a facilitator running podcheck live in JupyterLab.

Every widget edit becomes a `Change`; the state validates, re-assesses and autosaves it; then `sync()`
makes every widget show the state again (traitlets only send what really changed, so this is cheap).
Widgets carry stable `podcheck-*` CSS classes for styling and for the browser tests.

The screen, as a room sees it on a projector: a headline (stage, score or "not enough facts", high
findings), the status line with undo and redo, the guided session's step, then the editor (tabs from
team.py, questionnaire.py, whatif.py, plantab.py, handout.py) beside the live result, which stays in view while the
editor scrolls (templates/workshop/workshop.css; stacked on a narrow screen, where the headline stays).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from ..catalog import Rubric
from ..errors import InputError
from ..render.fragments import fragment
from .controls import as_text, lines_html, show, style
from .guide import GuideBar
from .handout import HandoutTab
from .history import HistoryBar
from .plantab import PlanTab
from .questionnaire import QuestionnaireTab
from .state import Outcome, WorkshopState
from .team import Fields, TeamTab
from .whatif import WhatIfTab
from .words import plain

# The editor's tabs, in order.
TABS = ("Team", "Questionnaire", "What if…", "Plan", "Hand-out")


class Workshop(TeamTab, QuestionnaireTab, WhatIfTab, PlanTab, HandoutTab, HistoryBar, GuideBar):
    """The whole front end: headline, status with undo, guided step, editors in tabs beside the live result."""

    TAB_OF = {"facts": 0, "pods": 0, "people": 0, "questionnaire": 1, "whatif": 2, "plan": 3, "handout": 4}
    PLAN_TAB = TAB_OF["plan"]

    def __init__(self, state: WorkshopState, output_folder: str | Path = "handouts") -> None:
        self.state = state
        self.output_folder = Path(output_folder)
        self._fields: Fields = {}
        self._fields_for: tuple[int, int] = (-1, -1)  # pod and person rows the cached fields were built for

        self.style = w.HTML(style())
        self.title = w.HTML().add_class("podcheck-title")
        self.headline = w.HTML().add_class("podcheck-headline")
        self.stage = w.HTML().add_class("podcheck-stage")
        self.results = w.HTML().add_class("podcheck-results")
        self.status = w.HTML().add_class("podcheck-status")
        self.status.add_class("podcheck-live")  # announced by screen readers as it changes (see workshop.css)
        self.general_errors = w.HTML().add_class("podcheck-error")
        self.large = w.ToggleButton(description="Large type", icon="text-height", value=False,
                                    tooltip="Larger text and controls, for a projector",
                                    layout=w.Layout(width="auto")).add_class("podcheck-large-toggle")
        self.large.observe(lambda change: self._large_type(change["new"]), names="value")
        # Shown while the file has changed on disk under this session: nothing is overwritten until the
        # facilitator chooses (see WorkshopState.conflict).
        self.conflict_message = w.HTML()
        self.reload_button = w.Button(description="Reload the file",
                                      icon="refresh").add_class("podcheck-conflict-reload")
        self.keep_button = w.Button(description="Keep my version", icon="save").add_class("podcheck-conflict-keep")
        self.reload_button.on_click(lambda _: self._resolve(self.state.reload, "Reloaded {file} from disk."))
        self.keep_button.on_click(lambda _: self._resolve(
            self.state.keep_mine, "Kept your version in {file}; the one it replaced is in .history/."))
        self.conflict_box = w.HBox([self.conflict_message, self.reload_button, self.keep_button],
                                   layout=w.Layout(flex_flow="row wrap",
                                                   align_items="center")).add_class("podcheck-conflict")

        tabs = w.Tab(children=[self._team_tab(), self._questions_tab(), self._whatif_tab(), self._plan_tab(),
                               self._handout_tab()])
        for i, title in enumerate(TABS):
            tabs.set_title(i, title)
        self.tabs = tabs.add_class("podcheck-tabs")
        # The plan is worked out when its tab is shown, never on an edit elsewhere (see plantab.py).
        self.tabs.observe(lambda _: self._sync_plan(), names="selected_index")
        history = self._history_bar()
        guide = self._guide_bar()
        editor = w.VBox([self.general_errors, self.tabs]).add_class("podcheck-editor")
        side = w.VBox([self.stage, self.results]).add_class("podcheck-side")
        body = w.HBox([editor, side]).add_class("podcheck-body")
        top = w.HBox([self.title, self.large]).add_class("podcheck-top")
        status = w.HBox([self.status, history]).add_class("podcheck-status-bar")
        # Kept at the top of the screen while the form scrolls: the status line with Undo, and on a narrow
        # screen the headline too.
        pinned = w.VBox([status, self.headline]).add_class("podcheck-pinned")
        self.widget = w.VBox([self.style, top, pinned, self.conflict_box, self.versions_box, guide,
                              body]).add_class("podcheck-workshop")
        self.sync()
        self._show_step()
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
            self._sync_history()
            conflict = self.state.conflict
            stale = fragment("workshop/note", text=conflict.message, kind="podcheck-stale") if conflict else ""
            show(self.conflict_message, value=stale)
            show(self.conflict_box.layout, display="" if conflict else "none")
        finally:
            self._syncing = False

    def _large_type(self, on: bool) -> None:
        if on:
            self.widget.add_class("podcheck-large")
        else:
            self.widget.remove_class("podcheck-large")

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
        """Mark each field with a problem in red and say what is wrong beside it, in the room's words."""
        fields = self._all_fields()
        errors = {path: [plain(m) for m in messages]
                  for path, messages in self.state.field_errors(fields).items()}
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
        result = self.state.result
        show(self.title, value=fragment("workshop/title", organization=data.get("organization") or "",
                                        unit=data.get("unit") or "", path=self.state.path))
        stale = len(self.state.problems)
        show(self.headline, value=fragment("workshop/headline", result=result, stale=stale))
        show(self.stage, value=fragment("stage", result=result, stale=stale))
        show(self.results, value=plain(fragment("results", result=result)))
        self._refresh_whatif()
        self._sync_plan()
        self._show_step_panel()


def open_error_html(exc: InputError) -> str:
    """Why a file cannot be opened, one line per problem, and what to do."""
    return fragment("workshop/open_error", problems=exc.problems)


def start(assessment_file: str | Path | None = None, output_folder: str | Path = "handouts", *,
          organization: str | None = None, unit: str | None = None, rubric: Rubric | None = None,
          show: bool = True, folder: str | Path = "assessments") -> Workshop | None:
    """Open (or start) an assessment file and show the workshop; reopening resumes where the team stopped.

    Without a file, the start screen shows first (continue, open, new blank or from a roster, in `folder`),
    and the workshop replaces it once one is chosen; the Workshop is then `start.last`."""
    from IPython.display import HTML, display

    if assessment_file is None:
        screen = start_screen(folder, output_folder, rubric=rubric)
        if show:
            display(screen.holder)
        return None
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


class Launch:
    """The start screen in a box that the workshop replaces once an assessment is chosen."""

    def __init__(self, folder: str | Path, output_folder: str | Path, rubric: Rubric | None = None) -> None:
        from .startscreen import StartScreen

        self.output_folder = output_folder
        self.rubric = rubric
        self.workshop: Workshop | None = None
        self.screen = StartScreen(Path(os.path.expanduser(str(folder))), self._opened)
        self.holder = w.VBox([self.screen.widget]).add_class("podcheck-launch")

    def _opened(self, state: WorkshopState) -> None:
        if self.rubric is not None:
            state.rubric = self.rubric
            state._validate()
        self.workshop = Workshop(state, self.output_folder)
        self.holder.children = [self.workshop.widget]


def start_screen(folder: str | Path = "assessments", output_folder: str | Path = "handouts", *,
                 rubric: Rubric | None = None) -> Launch:
    """The start screen (not yet shown): its `holder` widget shows the workshop once an assessment is chosen."""
    return Launch(folder, output_folder, rubric)
