"""The Plan tab: the verified plan (podcheck.plan) step by step, each step tried beside the team as it is, and kept.

The plan assesses many candidate teams, so it is never worked out on an edit: only when this tab is shown
(or the team changes while it is shown), once per accepted version of the team (WorkshopState.planned).

"Try this step" shows the team now beside the team after steps 1..N, which is what the step's projected
stage and score mean; nothing is saved. "Keep" makes steps 1..N part of the team as one change (one entry
in the undo history, named by the steps' titles); the plan is then worked out again for the new team, where
the kept steps are gone and the rest are numbered from 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as w

from ..catalog import stages
from ..render.fragments import fragment
from ..render.plan import StepView, plan_view
from ..result import FindingRef, Result
from ..rules import registry
from .changes import WorkshopError
from .controls import show
from .state import WhatIf, plan_action, plan_change, plan_steps, steps_words
from .tab import Tab
from .words import plural, pod_words


@dataclass
class PlanRow:
    """One step on screen: its text, its buttons (none for a practice) and, once tried, the comparison."""

    number: int
    practice: bool
    box: w.VBox
    text: w.HTML
    trial: w.HTML
    try_button: w.Button | None = None
    keep: w.Button | None = None
    agree: w.Button | None = None


def _finding_words(title: str, pod: str | None, severity: str) -> str:
    return f"{title}{' in ' + pod_words(pod) if pod else ''} ({severity})"


def _works_on(view: StepView) -> tuple[list[str], bool]:
    """What a step resolves (or works on), in words; and whether those findings come from earlier steps
    (a second pod, say, that then needs a head of integration), so that the current result lacks them."""
    if view.works_on:
        return [_finding_words(f.title, f.pod, f.severity) for f in view.works_on], False
    meta = registry().meta
    refs: list[FindingRef] = view.step.resolves or view.step.addresses
    words = [_finding_words(meta[r.id].title, r.pod, meta[r.id].severity) for r in refs if r.id in meta]
    return words, bool(words)


class PlanTab(Tab):
    """The plan's steps with Try and Keep, and the comparison for the step tried."""

    tabs: w.Tab
    PLAN_TAB: int

    def _plan_tab(self) -> w.Widget:
        self.plan_intro = w.HTML().add_class("podcheck-plan-intro")
        self.plan_steps = w.VBox().add_class("podcheck-plan-steps")
        self.plan_practices = w.HTML().add_class("podcheck-plan-practices-title")
        self.plan_practice_steps = w.VBox().add_class("podcheck-plan-practices")
        self.plan_rows: list[PlanRow] = []
        self.plan_shown: Result | None = None  # the planned result the rows show
        self.plan_tried: int | None = None  # the step whose comparison is open
        self.plan_box = w.VBox([self.plan_intro, self.plan_steps, self.plan_practices,
                                self.plan_practice_steps]).add_class("podcheck-plan")
        return self.plan_box

    @property
    def plan_visible(self) -> bool:
        """The Plan tab is the one on screen."""
        return self.tabs.selected_index == self.PLAN_TAB

    def _sync_plan(self) -> None:
        """Show the plan for the team as it is, if the tab is on screen (otherwise it waits until it is)."""
        if not self.plan_visible:
            return
        planned = self.state.planned()
        if planned is self.plan_shown and planned is not None:
            return
        self.plan_shown, self.plan_tried = planned, None
        self._show_plan(planned)

    def _show_plan(self, planned: Result | None) -> None:
        for row in self.plan_rows:
            row.box.close()
        self.plan_rows = []
        if planned is None:
            show(self.plan_intro, value=fragment("workshop/note", text="Fix the problems marked in red to see the "
                                                 "plan for the team as it is.", kind="podcheck-stale"))
            self.plan_steps.children, self.plan_practice_steps.children = [], []
            show(self.plan_practices, value="")
            return
        view = plan_view(planned)
        names = {s.id: (s.level, s.name) for s in stages()}
        for step in view.steps:
            self.plan_rows.append(self._plan_row(step, names))
        changed = [r for r in self.plan_rows if not r.practice]
        practices = [r for r in self.plan_rows if r.practice]
        show(self.plan_intro, value=fragment("workshop/plan_intro", changed=len(changed), practices=len(practices),
                                             steps=plural(len(changed), "step"),
                                             practice_words=plural(len(practices), "practice")))
        show(self.plan_practices, value=fragment("workshop/note", text="Practices to adopt: no change of the team "
                                                 "shows them, so the room agrees what to look for next time.",
                                                 kind="podcheck-panel-title") if practices else "")
        self.plan_steps.children = [r.box for r in changed]
        self.plan_practice_steps.children = [r.box for r in practices]

    def _plan_row(self, view: StepView, names: dict[str, tuple[int, str]]) -> PlanRow:
        step = view.step
        works_on, earlier = _works_on(view)
        level, name = names[step.projected.stage]
        text = w.HTML(fragment("workshop/plan_step", step=step, changes=view.changes, works_on=works_on,
                               from_earlier=earlier, after=steps_words(step.step) if step.step > 1 else "this step",
                               stage_level=level, stage_name=name)).add_class("podcheck-plan-step-text")
        trial = w.HTML().add_class("podcheck-plan-trial")
        practice = not step.changes
        row = PlanRow(step.step, practice, w.VBox(), text, trial)
        # Agreeing a step writes it into the file's actions, to be reviewed at the next assessment.
        row.agree = w.Button(
            description="Agree as an action", icon="handshake-o", layout=w.Layout(width="auto"),
            tooltip=f"Add “{step.title.rstrip('.')}” to the team's agreed actions, with its owner; the next "
                    "assessment says whether it was done",
        ).add_class("podcheck-plan-agree")
        row.agree.on_click(lambda _, s=step: self.agree_plan_step(s.step))
        if practice:
            row.box.children = [text, w.HBox([row.agree]).add_class("podcheck-plan-buttons")]
        else:
            which = steps_words(step.step)
            row.try_button = w.Button(
                description="Try this step", icon="flask", layout=w.Layout(width="auto"),
                tooltip=f"Show the team now beside the team after {which}; nothing is saved",
            ).add_class("podcheck-plan-try")
            row.keep = w.Button(
                description=f"Keep {which}", icon="check", button_style="success", layout=w.Layout(width="auto"),
                tooltip=f"Make {which} part of the team and save it; Undo takes it back",
            ).add_class("podcheck-plan-keep")
            row.try_button.on_click(lambda _, n=step.step: self.try_plan_step(n))
            row.keep.on_click(lambda _, n=step.step: self.keep_plan_step(n))
            buttons = w.HBox([row.try_button, row.keep, row.agree]).add_class("podcheck-plan-buttons")
            row.box.children = [text, buttons, trial]
        row.box.add_class("podcheck-plan-step")
        row.box.add_class("podcheck-plan-practice" if practice else "podcheck-plan-change")
        return row

    def try_plan_step(self, n: int) -> None:
        """Show the team now beside the team after steps 1..n (again: hide it); the file is untouched."""
        if self.plan_shown is None:
            return
        if self.plan_tried == n:
            self._close_trial()
            self.say(f"Closed the comparison for plan {steps_words(n)}.")
            return
        trial = WhatIf(self.state)
        try:
            for change in plan_steps(self.plan_shown.plan, n):
                outcome = trial.try_change(change)
                if not outcome.accepted:
                    self.say(outcome.refused or outcome.message, bad=True)
                    return
        except WorkshopError as exc:
            self.say(f"Cannot try plan {steps_words(n)}: {exc}.", bad=True)
            return
        self._close_trial()
        self.plan_tried = n
        row = next(r for r in self.plan_rows if r.number == n)
        title = "After this step" if n == 1 else f"After {steps_words(n)}"
        show(row.trial, value=fragment("comparison", cmp=trial.comparison(), after_title=title))
        show(row.try_button, description="Hide the comparison", icon="eye-slash",
             tooltip="Hide the team now beside the team after " + steps_words(n))
        self.say(f"Trying plan {steps_words(n)}: the team now beside the team after it. Nothing is saved; "
                 f"“Keep {steps_words(n)}” makes it part of the team.")

    def _close_trial(self) -> None:
        for row in self.plan_rows:
            if row.number == self.plan_tried and row.try_button is not None:
                show(row.trial, value="")
                which = steps_words(row.number)
                show(row.try_button, description="Try this step", icon="flask",
                     tooltip=f"Show the team now beside the team after {which}; nothing is saved")
        self.plan_tried = None

    def keep_plan_step(self, n: int) -> None:
        """Make steps 1..n part of the team as one change (undoable), then work the plan out again."""
        if self.plan_shown is None:
            return
        try:
            change = plan_change(self.plan_shown.plan, n)
        except WorkshopError as exc:
            self.say(f"Cannot keep plan {steps_words(n)}: {exc}.", bad=True)
            return
        self.change(change)

    def agree_plan_step(self, n: int) -> None:
        """Write step n into the file's agreed actions (one undoable change); the team itself is unchanged."""
        if self.plan_shown is None:
            return
        step = next((s for s in self.plan_shown.plan if s.step == n), None)
        if step is not None:
            self.change(plan_action(step))
