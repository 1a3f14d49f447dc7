"""What every tab of the workshop shares: the state, the status line, and widget edits turned into changes.

Each tab (team.py, questionnaire.py, whatif.py, handout.py) is a part of the one `Workshop` object
(app.py), which mixes them together and shows the state in all of them at once with `sync()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..render.fragments import fragment
from .changes import Change
from .state import Outcome, WorkshopState
from .words import plain, reword


class Tab:
    """The plumbing each tab relies on; the Workshop sets the state and the status line up."""

    state: WorkshopState
    status: w.HTML
    _syncing: bool = False
    last_cycle_ms: float | None = None

    def sync(self) -> None:
        """Make every widget show the current state (the Workshop does it for every tab at once)."""
        raise NotImplementedError

    def watch(self, widget: w.Widget, make: Callable[[Any], Change]) -> None:
        """Turn a widget's new value into a change, unless the UI itself is showing the state."""

        def handler(event: dict[str, Any]) -> None:
            if not self._syncing:
                self.change(make(event["new"]))

        widget.observe(handler, names="value")

    def change(self, change: Change) -> Outcome:
        """Apply one edit: validate, re-assess, autosave, and update every widget in place."""
        started = time.perf_counter()
        outcome = self.state.apply(change)
        self.sync()
        if outcome.refused:
            self.say(plain(outcome.refused), bad=True)
        elif outcome.problems or outcome.conflict:
            self.say(outcome.message, bad=True)
        else:
            when = self.state.saved_at.strftime("%H:%M:%S") if self.state.saved_at else ""
            self.say(f"{reword(change.description)}. Saved {when}.")
        self.last_cycle_ms = (time.perf_counter() - started) * 1000
        return outcome

    def say(self, text: str, bad: bool = False) -> None:
        """One line in the status bar; `bad` shows it in red."""
        self.status.value = fragment("workshop/status", text=text)
        if bad:
            self.status.add_class("pc-status-bad")
        else:
            self.status.remove_class("pc-status-bad")
