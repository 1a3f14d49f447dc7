"""The Hand-out tab: the report for the team as it stands, as an HTML page and a PDF, with links to them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as w

from ..errors import InputError
from ..render.fragments import fragment
from .controls import note
from .tab import Tab


def _status(*, written: str | None = None, problem: str | None = None, no_pdf: str | None = None) -> str:
    """The status line: when the hand-out was written, what stopped it, or why it has no PDF."""
    return fragment("workshop/handout_status", written=written, problem=problem, no_pdf=no_pdf)


class HandoutTab(Tab):
    """Where to write, which formats, and the links to what was written."""

    output_folder: Path

    def _handout_tab(self) -> w.Widget:
        self.handout_folder = w.Text(value=str(self.output_folder), description="Folder",
                                     layout=w.Layout(width="460px")).add_class("podcheck-handout-folder")
        self.handout_html = w.Checkbox(value=True, description="HTML page", indent=False)
        self.handout_pdf = w.Checkbox(value=True, description="PDF to print or mail", indent=False)
        # For a hand-out that goes beyond the room: nobody named, the report otherwise the same.
        self.handout_names = w.Dropdown(options=[("as given", "full"), ("initials only (B.C.)", "initials"),
                                                 ("roles only (Technologist 2)", "roles")],
                                        value="full", description="People's names",
                                        style={"description_width": "initial"},
                                        layout=w.Layout(width="360px")).add_class("podcheck-handout-names")
        write = w.Button(description="Write the hand-out", icon="file", button_style="primary",
                         layout=w.Layout(width="auto")).add_class("podcheck-handout-write")
        write.on_click(lambda _: self.write_handout())
        self.handout_links = w.Output().add_class("podcheck-handout-links")
        self.handout_status = w.HTML().add_class("podcheck-handout-status")
        return w.VBox([
            note("Writes the report for the team as it stands now, to hand out at the end."),
            self.handout_folder, w.HBox([self.handout_html, self.handout_pdf]), self.handout_names,
            note("Hide names when the hand-out goes further than the people in the room."), write,
            self.handout_status,
            self.handout_links,
        ])

    def _handout_problem(self, problem: str) -> dict[str, Path]:
        """Say why nothing was written; returns what was written: nothing."""
        self.handout_status.value = _status(problem=problem)
        return {}

    def write_handout(self) -> dict[str, Path]:
        """Write the HTML and/or PDF report for the current team and show links to them."""
        from IPython.display import HTML

        from .. import render

        formats = tuple(f for f, box in (("html", self.handout_html), ("pdf", self.handout_pdf)) if box.value)
        if self.state.result is None or self.state.model is None or not self.state.valid:
            return self._handout_problem("Fix the problems marked in red first.")
        if not formats:
            return self._handout_problem("Tick at least one format.")
        self.handout_status.value = "Writing…"
        no_pdf = None
        if "pdf" in formats:
            try:
                render.require_pdf()
            except render.PdfUnavailable as exc:
                # Without Pango (or the report font) the rest of the hand-out is still written.
                formats = tuple(f for f in formats if f != "pdf")
                no_pdf = exc.problems[0].message
                if not formats:
                    self.handout_status.value = _status(no_pdf=no_pdf)
                    return {}
        try:
            written: dict[str, Path] = render.write_unit_reports(self.state.result, self.state.model,
                                                                 Path(self.handout_folder.value), formats=formats,
                                                                 names=self.handout_names.value)
        except (OSError, InputError) as exc:
            return self._handout_problem(f"Could not write the hand-out: {exc}")
        here = Path.cwd().resolve()
        links = []
        for fmt, path in written.items():
            path = Path(path).resolve()
            # A relative link inside the notebook's folder opens in JupyterLab itself.
            href = path.relative_to(here).as_posix() if path.is_relative_to(here) else None
            links.append({"format": fmt, "path": path, "href": href})
        self.handout_links.outputs = ()
        self.handout_links.append_display_data(HTML(fragment("workshop/handout_links", links=links)))
        self.handout_status.value = _status(written=f"{dt.datetime.now():%H:%M:%S}", no_pdf=no_pdf)
        return written
