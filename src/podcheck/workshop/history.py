"""Undo, redo and earlier versions on screen: buttons beside the status line and a list to step back to.

Every accepted change can be undone (WorkshopState keeps the steps; the file's replaced versions are in
.history/). After a removal the keyboard focus goes to Undo, so a second click or key press never lands
on the next row's remove button and "undo" is one key away.
"""

from __future__ import annotations

import ipywidgets as w

from ..render.fragments import fragment
from .controls import show
from .state import Outcome, Version
from .tab import Tab
from .words import reword

VERSIONS_SHOWN = 15  # the newest ones; older versions stay in .history/


class HistoryBar(Tab):
    """Undo and redo buttons, and the list of earlier versions (shown on demand)."""

    def _history_bar(self) -> w.Widget:
        self.undo_button = w.Button(description="Undo", icon="undo", tooltip="Undo the last change",
                                    layout=w.Layout(width="auto")).add_class("podcheck-undo")
        self.redo_button = w.Button(description="Redo", icon="repeat", tooltip="Redo the change undone last",
                                    layout=w.Layout(width="auto")).add_class("podcheck-redo")
        self.versions_button = w.ToggleButton(description="Earlier versions", icon="history", value=False,
                                              tooltip="Show the earlier versions of the file, to go back to one",
                                              layout=w.Layout(width="auto")).add_class("podcheck-versions-toggle")
        self.undo_button.on_click(lambda _: self.undo())
        self.redo_button.on_click(lambda _: self.redo())
        self.versions_button.observe(lambda _: self._show_versions(), names="value")
        self.versions_box = w.VBox(layout=w.Layout(display="none")).add_class("podcheck-versions")
        return w.HBox([self.undo_button, self.redo_button, self.versions_button]).add_class("podcheck-history-bar")

    def _sync_history(self) -> None:
        undo, redo = self.state.undo_description, self.state.redo_description
        show(self.undo_button, disabled=not self.state.can_undo,
             tooltip=f"Undo: {reword(undo)}" if undo else "Nothing to undo")
        show(self.redo_button, disabled=not self.state.can_redo,
             tooltip=f"Redo: {reword(redo)}" if redo else "Nothing to redo")
        if self.versions_button.value:
            self._show_versions()

    def _after_history(self, outcome: Outcome, done: str) -> Outcome:
        self.sync()
        if outcome.accepted and not outcome.conflict:
            when = self.state.saved_at.strftime("%H:%M:%S") if self.state.saved_at else ""
            self.say(f"{done}. Saved {when}.")
        else:
            self.say(outcome.refused or outcome.message, bad=True)
        return outcome

    def undo(self) -> Outcome:
        """Take back the last change, on screen and in the file."""
        what = self.state.undo_description
        outcome = self.state.undo()
        return self._after_history(outcome, f"Undone: {what}")

    def redo(self) -> Outcome:
        """Make the last undone change again."""
        what = self.state.redo_description
        return self._after_history(self.state.redo(), f"Redone: {what}")

    def go_back(self, version: Version) -> Outcome:
        """Make an earlier version of the file the current team (undo returns to where it was)."""
        when = f"{version.replaced_at:%H:%M:%S}" if version.replaced_at else "an earlier time"
        return self._after_history(self.state.restore(version), f"Back to the team as it was at {when}")

    def _show_versions(self) -> None:
        shown = self.versions_button.value
        show(self.versions_box.layout, display="" if shown else "none")
        if not shown:
            return
        versions = self.state.versions()[:VERSIONS_SHOWN]
        rows: list[w.Widget] = []
        for version in versions:
            when = f"{version.replaced_at:%H:%M:%S}" if version.replaced_at else "earlier"
            text = w.HTML(fragment("workshop/version", when=when, summary=version.summary,
                                   then=reword(version.replaced_by) if version.replaced_by else None))
            back = w.Button(description="Go back", icon="history", tooltip=f"Go back to the team as it was at {when}",
                            layout=w.Layout(width="auto")).add_class("podcheck-go-back")
            back.on_click(lambda _, v=version: self.go_back(v))
            rows.append(w.HBox([back, text]).add_class("podcheck-version"))
        if not rows:
            rows = [w.HTML(fragment("workshop/note", text="No earlier versions yet: every saved change adds one.",
                                    kind="pc-small"))]
        for old in self.versions_box.children:
            old.close()
        self.versions_box.children = rows
