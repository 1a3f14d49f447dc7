"""The start screen: continue the last assessment, open another, or start a new one (blank or from a roster).

What `make workshop` shows first, so nobody edits code in front of the room. Assessments live in one
folder; the last one worked on is the file saved most recently there (every edit saves, so no list of
recent files needs keeping). A roster spreadsheet (.xlsx or .csv, as `podcheck import` reads it) becomes
one assessment file per unit in that folder.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w

from ..errors import InputError
from ..files.atomic import write_atomic
from ..files.roster import load_roster
from ..files.safe_yaml import read_yaml_mapping
from ..render.fragments import fragment
from .controls import note, style
from .state import WorkshopState, to_yaml

SUFFIXES = (".yaml", ".yml")


def assessment_files(folder: Path) -> list[Path]:
    """The assessment files in `folder`, the most recently saved first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def describe_file(path: Path) -> str:
    """'Northwind · Order Integration (orders.yaml, saved 27 Nov 10:02)': a file as the start screen lists it."""
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%d %b %H:%M")
    try:
        data, _ = read_yaml_mapping(path)
        title = " · ".join(str(data[k]) for k in ("organization", "unit") if data.get(k))
    except (InputError, OSError):
        title = ""
    return f"{title or path.stem} ({path.name}, saved {saved})"


def free_file(folder: Path, name: str) -> Path:
    """A new file in `folder` named after `name` ('Order Integration' → order-integration.yaml, -2 if taken)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "assessment"
    path, n = folder / f"{slug}.yaml", 1
    while path.exists():
        n += 1
        path = folder / f"{slug}-{n}.yaml"
    return path


class StartScreen:
    """Choose the assessment to work on; `opened(state)` is called with it (the notebook then shows the workshop)."""

    def __init__(self, folder: str | Path, opened: Callable[[WorkshopState], None]) -> None:
        self.folder = Path(folder)
        self.opened = opened
        lay = w.Layout
        self.message = w.HTML().add_class("podcheck-start-message")
        self.continue_button = w.Button(description="Continue", icon="play", button_style="primary",
                                        tooltip="Continue the assessment saved last",
                                        layout=lay(width="auto")).add_class("podcheck-start-continue")
        self.continue_text = w.HTML().add_class("podcheck-start-last")
        self.files = w.Dropdown(description="Assessment", style={"description_width": "initial"},
                                layout=lay(width="520px")).add_class("podcheck-start-files")
        self.open_button = w.Button(description="Open", icon="folder-open", tooltip="Open the assessment chosen",
                                    layout=lay(width="auto")).add_class("podcheck-start-open")
        self.organization = w.Text(description="Organisation", placeholder="Our company",
                                   style={"description_width": "110px"},
                                   layout=lay(width="420px")).add_class("podcheck-start-organization")
        self.unit = w.Text(description="Unit or team", placeholder="Our integration team",
                           style={"description_width": "110px"},
                           layout=lay(width="420px")).add_class("podcheck-start-unit")
        self.new_button = w.Button(description="Start a new assessment", icon="plus", button_style="primary",
                                   tooltip="Start a blank assessment for this unit",
                                   layout=lay(width="auto", align_self="flex-start")).add_class("podcheck-start-new")
        self.roster = w.FileUpload(accept=".xlsx,.csv", multiple=True, description="From a roster spreadsheet",
                                   tooltip="Import a roster spreadsheet (.xlsx or .csv)",
                                   layout=lay(width="auto", align_self="flex-start")).add_class("podcheck-start-roster")
        self.continue_button.on_click(lambda _: self._continue())
        self.open_button.on_click(lambda _: self._open(self.files.value))
        self.new_button.on_click(lambda _: self._new())
        self.roster.observe(lambda _: self._import(), names="value")
        self.continue_line = w.HBox([self.continue_button, self.continue_text],
                                    layout=lay(align_items="center")).add_class("podcheck-start-continue-line")
        self.open_line = w.HBox([self.files, self.open_button]).add_class("podcheck-start-open-line")
        self.widget = w.VBox([
            w.HTML(style()),
            w.HTML(fragment("workshop/start_title", folder=self.folder)),
            note("Continue where you left off", "podcheck-panel-title"), self.continue_line,
            note("Open another assessment", "podcheck-panel-title"), self.open_line,
            note("Start a new assessment", "podcheck-panel-title"),
            self.organization, self.unit, self.new_button,
            note("Or start from a roster spreadsheet, as podcheck import reads it: a workbook (.xlsx), or a .csv "
                 "chosen together with its -facts.csv. Each unit in it becomes an assessment.", "pc-small"),
            self.roster,
            self.message,
        ]).add_class("podcheck-start").add_class("podcheck-workshop")
        self.refresh()

    def refresh(self) -> None:
        """List the assessments in the folder again."""
        files = assessment_files(self.folder)
        self.files.options = [(describe_file(p), str(p)) for p in files] or [("— none yet —", "")]
        self.files.value = str(files[0]) if files else ""
        self.open_button.disabled = not files
        self.continue_line.layout.display = "" if files else "none"
        if files:
            self.continue_text.value = fragment("workshop/note", text=describe_file(files[0]), kind="")

    def _say(self, text: str) -> None:
        self.message.value = fragment("workshop/note", text=text, kind="podcheck-error")

    def _continue(self) -> None:
        files = assessment_files(self.folder)
        if files:
            self._open(str(files[0]))

    def _open(self, path: str) -> None:
        if not path:
            return
        try:
            state = WorkshopState.open(Path(path))
        except InputError as exc:
            self._say(f"Cannot open {Path(path).name}: {exc.problems[0].message}")
            return
        self.opened(state)

    def _new(self) -> None:
        organization = self.organization.value.strip() or "Our company"
        unit = self.unit.value.strip() or "Our integration team"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            state = WorkshopState.open(free_file(self.folder, unit), organization=organization, unit=unit)
        except (OSError, InputError) as exc:
            self._say(f"Cannot start the assessment in {self.folder}: {exc}")
            return
        self.opened(state)

    def _import(self) -> None:
        uploads = self.roster.value
        if not uploads:
            return
        # A CSV roster comes with its facts file (<roster>-facts.csv), chosen together; a workbook has both.
        named = {Path(str(u["name"])).name: bytes(u["content"]) for u in uploads}
        people = [n for n in named if not n.lower().endswith("-facts.csv")] or list(named)
        upload = {"name": people[0]}
        try:
            with tempfile.TemporaryDirectory(prefix="podcheck-roster-") as tmp:
                for name, content in named.items():
                    (Path(tmp) / name).write_bytes(content)
                sheet = Path(tmp) / people[0]
                units = load_roster(sheet)
            self.folder.mkdir(parents=True, exist_ok=True)
            written = []
            for unit in units:
                path = free_file(self.folder, unit.unit)
                write_atomic(path, to_yaml(unit).encode("utf-8"))
                written.append(path)
        except InputError as exc:
            self._say(f"Cannot import {upload['name']}: {str(exc.problems[0]).replace(tmp + '/', '')}")
            return
        except OSError as exc:
            self._say(f"Cannot import {upload['name']}: {exc}")
            return
        self.refresh()
        self._open(str(written[0]))
