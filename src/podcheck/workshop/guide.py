"""The guided session on screen: the playbook's steps, and for the step chosen the part of the form it needs,
its findings, what to ask the room and a time hint. The facilitator can jump to any step, or leave the
guide ("All of it") to see the whole form.
"""

from __future__ import annotations

import ipywidgets as w

from ..render.fragments import fragment
from .controls import show
from .session import SessionStep, session
from .tab import Tab

ALL = ""  # the guide's value for "no step": the whole form


class GuideBar(Tab):
    """The step chooser, previous and next, and the step's panel."""

    tabs: w.Tab
    team_sections: dict[str, w.Widget]
    TAB_OF: dict[str, int]

    def _guide_bar(self) -> w.Widget:
        steps = session().steps
        self.guide = w.Dropdown(options=[("All of it (no guide)", ALL)]
                                + [(f"{i}. {s.title}", s.id) for i, s in enumerate(steps, 1)],
                                value=ALL, description="Session step", style={"description_width": "initial"},
                                layout=w.Layout(width="330px")).add_class("podcheck-guide-step")
        self.guide_back = w.Button(description="Previous", icon="arrow-left", tooltip="The previous step",
                                   layout=w.Layout(width="auto")).add_class("podcheck-guide-back")
        self.guide_next = w.Button(description="Next step", icon="arrow-right", tooltip="The next step",
                                   layout=w.Layout(width="auto")).add_class("podcheck-guide-next")
        self.guide_panel = w.HTML().add_class("podcheck-guide-panel")
        self.guide.observe(lambda _: self._show_step(), names="value")
        self.guide_back.on_click(lambda _: self._move_step(-1))
        self.guide_next.on_click(lambda _: self._move_step(+1))
        return w.VBox([w.HBox([self.guide, self.guide_back, self.guide_next],
                              layout=w.Layout(flex_flow="row wrap", align_items="center")),
                       self.guide_panel]).add_class("podcheck-guide")

    @property
    def step(self) -> SessionStep | None:
        """The session step chosen, or None when the whole form shows."""
        return session().step(self.guide.value) if self.guide.value else None

    def _move_step(self, by: int) -> None:
        ids = [ALL, *(s.id for s in session().steps)]
        here = ids.index(self.guide.value)
        self.guide.value = ids[max(0, min(len(ids) - 1, here + by))]

    def _show_step(self) -> None:
        """Show the part of the form the step needs, and its panel."""
        step = self.step
        parts = set(step.show) if step else {"facts", "pods", "people"}
        for part, section in self.team_sections.items():
            show(section.layout, display="" if part in parts else "none")
        if step is not None:
            first = next((self.TAB_OF[p] for p in step.show if p in self.TAB_OF), None)
            if first is not None:
                self.tabs.selected_index = first
        self._filter_questions(step)
        ids = [s.id for s in session().steps]
        show(self.guide_back, disabled=step is None)
        show(self.guide_next, disabled=step is not None and step.id == ids[-1])
        self._show_step_panel()

    def _show_step_panel(self) -> None:
        step = self.step
        if step is None:
            show(self.guide_panel, value="")
            return
        result = self.state.result
        findings = [f for f in result.findings if step.covers(f)] if result is not None else []
        number = [s.id for s in session().steps].index(step.id) + 1
        show(self.guide_panel, value=fragment("workshop/guide", step=step, number=number,
                                              of=len(session().steps), findings=findings,
                                              assessed=result is not None))

    def _filter_questions(self, step: SessionStep | None) -> None:
        """Overridden by the questionnaire: show only the step's questions."""
