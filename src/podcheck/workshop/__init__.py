"""The live workshop: a facilitator and a team edit their assessment together in JupyterLab.

`start(path)` shows the front end (ipywidgets) in a notebook; `WorkshopState` is the same logic without
widgets: edits as `Change`s, validation by field, autosave with history, conflicts, what-if.
`python -m podcheck.workshop` (what `make workshop` runs) starts JupyterLab on the playbook.

The front end is imported only when asked for, so the state and the launcher load without ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .changes import (
    Change,
    WorkshopError,
    add_person,
    add_pod,
    combine,
    edit_person,
    edit_pod,
    give_role,
    move_person,
    remove_person,
    remove_pod,
    set_answer,
    set_fact,
    set_role_share,
    split_pod,
)
from .problems import describe_path, field_errors
from .state import Comparison, Conflict, Outcome, Version, WhatIf, WorkshopState, blank, team_summary, to_yaml

if TYPE_CHECKING:
    from .app import Workshop, open_error_html, start, start_screen

# The names the front end provides, loaded on first use (see __getattr__).
_FRONT_END = ("Workshop", "open_error_html", "start", "start_screen")

__all__ = [
    "Change", "Comparison", "Conflict", "Outcome", "Version", "WhatIf", "Workshop", "WorkshopError", "WorkshopState",
    "add_person", "add_pod", "blank", "combine", "describe_path", "edit_person", "edit_pod", "field_errors",
    "give_role", "move_person", "open_error_html", "remove_person", "remove_pod", "set_answer", "set_fact",
    "set_role_share", "split_pod", "start", "start_screen", "team_summary", "to_yaml",
]


def __getattr__(name: str) -> Any:
    """The front end's names, imported with ipywidgets only when first asked for."""
    if name in _FRONT_END:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
