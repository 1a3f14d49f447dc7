"""The What if… tab: move someone, hand a role over, hire, or split a pod, and compare now with after.

Changes tried here go to a `WhatIf` (state.py) on top of the saved team; the file is untouched until the
facilitator presses "Keep these changes".
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..model import BACKGROUNDS
from ..render.fragments import fragment
from . import changes as ch
from .controls import line, note, options, role_options, show, word
from .state import WhatIf
from .tab import Tab


def _chosen(*values: str) -> None:
    """Refuse a what-if whose dropdowns are still on '— choose —'."""
    if not all(str(v).strip() for v in values):
        raise ch.WorkshopError("choose everything in that line first")


class WhatIfTab(Tab):
    """One line per kind of change, each with its Try button; the changes tried; keep, undo or discard."""

    whatif: WhatIf | None = None

    def _whatif_tab(self) -> w.Widget:
        lay = w.Layout

        def drop(cls: str) -> w.Dropdown:
            return w.Dropdown(options=[("— choose —", "")], layout=lay(width="170px")).add_class(cls)

        def button(cls: str, make: Callable[[], ch.Change]) -> w.Button:
            b = w.Button(description="Try", icon="flask", layout=lay(width="auto")).add_class(cls)
            b.on_click(lambda _: self._try(make))
            return b

        self.move_who, self.move_to = drop("podcheck-whatif-move-person"), drop("podcheck-whatif-move-pod")
        self.give_role_name = w.Dropdown(options=role_options(),
                                         layout=lay(width="130px")).add_class("podcheck-whatif-role")
        self.give_to, self.give_from = drop("podcheck-whatif-give-to"), drop("podcheck-whatif-give-from")
        self.give_from.options = [("— nobody —", "")]
        self.give_share = w.IntSlider(value=100, min=5, max=100, step=5, description="% time", continuous_update=False,
                                      style={"description_width": "55px"},
                                      layout=lay(width="220px")).add_class("podcheck-whatif-share")
        self.hire_name = w.Text(value="New hire", layout=lay(width="150px")).add_class("podcheck-whatif-hire-name")
        self.hire_pod = drop("podcheck-whatif-hire-pod")
        self.hire_role = w.Dropdown(options=role_options(), value="analyst",
                                    layout=lay(width="130px")).add_class("podcheck-whatif-hire-role")
        self.hire_background = w.Dropdown(options=options(BACKGROUNDS, None, blank="— background? —"),
                                          layout=lay(width="185px"))
        self.split_pod = drop("podcheck-whatif-split-pod")
        self.split_name = w.Text(placeholder="new pod name",
                                 layout=lay(width="150px")).add_class("podcheck-whatif-split-name")
        self.split_people = w.SelectMultiple(rows=4,
                                             layout=lay(width="220px")).add_class("podcheck-whatif-split-people")
        self.whatif_people = [self.move_who, self.give_to]
        self.whatif_pods = [self.move_to, self.hire_pod, self.split_pod]
        self.give_to.observe(lambda _: self._sync_givers(), names="value")
        self.give_role_name.observe(lambda _: self._sync_givers(), names="value")

        def move() -> ch.Change:
            _chosen(self.move_who.value, self.move_to.value)
            return ch.move_person(self.move_who.value, self.move_to.value)

        def give() -> ch.Change:
            _chosen(self.give_to.value)
            return ch.give_role(self.give_role_name.value, self.give_to.value, self.give_share.value / 100,
                                from_=self.give_from.value or None)

        def hire() -> ch.Change:
            _chosen(self.hire_name.value, self.hire_pod.value)
            return ch.add_person(self.hire_name.value, self.hire_pod.value or None, roles={self.hire_role.value: 1.0},
                                 background=self.hire_background.value or None)

        def split() -> ch.Change:
            _chosen(self.split_pod.value, self.split_name.value, *self.split_people.value)
            return ch.split_pod(self.split_pod.value, self.split_name.value, list(self.split_people.value))

        lines = [
            note("Try changes without touching the saved team: the result below shows now and after, "
                 "side by side. Nothing is saved until you press “Keep these changes”."),
            line([word("Move"), self.move_who, word("to pod"), self.move_to, button("podcheck-whatif-move", move)]),
            line([word("Give the"), self.give_role_name, word("role to"), self.give_to, word("taking it from"),
                  self.give_from, self.give_share, button("podcheck-whatif-give", give)]),
            line([word("Hire"), self.hire_name, word("into pod"), self.hire_pod, word("as"), self.hire_role,
                  self.hire_background, button("podcheck-whatif-hire", hire)]),
            line([word("Split pod"), self.split_pod, word(": a new pod"), self.split_name, word("takes"),
                  self.split_people, button("podcheck-whatif-split", split)]),
        ]
        self.whatif_changes = w.HTML().add_class("podcheck-whatif-changes")
        self.whatif_result = w.HTML().add_class("podcheck-whatif-result")
        keep = w.Button(description="Keep these changes", icon="check", button_style="success",
                        layout=lay(width="auto")).add_class("podcheck-whatif-keep")
        discard = w.Button(description="Discard", icon="times",
                           button_style="warning").add_class("podcheck-whatif-discard")
        undo = w.Button(description="Undo last", icon="undo").add_class("podcheck-whatif-undo")
        keep.on_click(lambda _: self._keep())
        discard.on_click(lambda _: self._discard())
        undo.on_click(lambda _: self._undo())
        return w.VBox([*lines, self.whatif_changes, w.HBox([keep, undo, discard]), self.whatif_result])

    def _sync_whatif_choices(self, pods: list[str], people: list[str]) -> None:
        """The current pods and people in the what-if dropdowns."""
        for dropdown in self.whatif_people:
            show(dropdown, options=[("— choose —", "")] + [(p, p) for p in people if p])
        for dropdown in self.whatif_pods:
            show(dropdown, options=[("— choose —", "")] + [(p, p) for p in pods if p])
        show(self.split_people, options=[p for p in people if p])

    def _sync_givers(self) -> None:
        role = self.give_role_name.value
        holders = [p.get("name") for p in self.state.data.get("people", [])
                   if isinstance(p, dict) and isinstance(p.get("roles"), dict) and p["roles"].get(role)
                   and p.get("name") != self.give_to.value]
        show(self.give_from, options=[("— nobody —", "")] + [(str(h), str(h)) for h in holders])

    def _try(self, make: Callable[[], ch.Change]) -> None:
        try:
            if self.whatif is None:
                self.whatif = self.state.what_if()
            outcome = self.whatif.try_change(make())
        except ch.WorkshopError as exc:
            self.say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", bad=True)
            return
        if outcome.accepted:
            self.say(f"What-if: {self.whatif.changes[-1].description}. "
                     "Not saved; keep or discard it on the What if… tab.")
        else:
            self.say(outcome.refused or outcome.message, bad=True)
        self._show_whatif()

    def _show_whatif(self) -> None:
        tried = self.whatif.changes if self.whatif is not None else []
        show(self.whatif_changes, value=fragment("workshop/changes_tried", changes=tried))
        show(self.whatif_result, value=fragment("comparison", cmp=self.whatif.comparison()) if tried else "")

    def _refresh_whatif(self) -> None:
        """Recompute the what-if on top of the team as it is now (it may have been edited meanwhile)."""
        if self.whatif is not None:
            self.whatif.refresh()
            self._show_whatif()

    def _keep(self) -> None:
        if self.whatif is None or not self.whatif.changes:
            self.say("No what-if changes to keep.")
            return
        n = len(self.whatif.changes)
        outcome = self.whatif.keep()
        self.whatif = None
        self.sync()
        self._show_whatif()
        if outcome.accepted and not outcome.conflict:
            self.say(f"Kept {n} what-if change{'s' if n != 1 else ''}; the team is saved.")
        else:
            self.say(outcome.refused or outcome.message, bad=True)

    def _discard(self) -> None:
        self.whatif = None
        self._show_whatif()
        self.say("What-if discarded; the saved team is unchanged.")

    def _undo(self) -> None:
        if self.whatif is not None:
            self.whatif.undo()
        self._show_whatif()
