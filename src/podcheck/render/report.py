"""One unit's report: Result → text / JSON / HTML / Markdown / PDF, and the unit's report files.

Views only transform a Result (and, when given, the roster). Public functions:
    render(result, fmt, assessment=..., previous=..., paper=...)  one report as text or bytes
    render_html / render_markdown / render_pdf                   the same, one format each
    write_unit_reports(result, assessment, out_dir, formats=...)  write a unit's report files
Templates live in templates/ (see render.templates): html/ holds the per-unit and portfolio
reports with their shared layout, partials and print stylesheet; md/ the wiki versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import SEVERITIES, principles, questions, stages
from ..model import ROLES
from ..result import Outlook, Result
from .names import Names, hide_names
from .pdf import html_to_pdf
from .plan import plan_view
from .templates import environment

FORMATS = ("text", "json", "html", "md", "pdf")
REPORT_FORMATS = ("html", "md", "pdf")  # the report formats a unit can be written in
EXTENSIONS = {"text": "txt", "json": "json", "html": "html", "md": "md", "pdf": "pdf"}
PAPERS = {"a4": "A4", "letter": "letter"}


def render_text(result: Result, history: Sequence[Result] = ()) -> str:
    """A readable terminal summary: stage, scores, findings by severity, the plan (and the trend, with
    earlier results of the unit in `history`)."""
    from ..compare import trend

    return environment().get_template("text/report.txt.j2").render(
        r=result, plan=plan_view(result), trend=trend([*history, result]),
        accepted=[f for f in result.findings if not f.counts])


def render_json(result: Result) -> str:
    """The contract's result object as JSON text."""
    return result.to_json()


# ---------------------------------------------------------------- what the report templates are given


@dataclass(frozen=True)
class MemberRow:
    """One person in a pod's people × roles matrix."""

    name: str
    shares: dict[str, float]
    core: bool
    background: str | None
    reports_to: str | None
    helps_as: str | None
    owns_deliverables: bool | None
    warned: bool = False  # named in one of the pod's dual-role findings

    @property
    def dual(self) -> str | None:
        """'all three', 'analyst + technologist' (the pairing P9 warns about), another pair, or None."""
        held = [r for r in ROLES if r in self.shares]
        if len(held) == 3:
            return "all three roles"
        if len(held) == 2:
            return " + ".join(sorted(held))
        return None

    @property
    def total(self) -> float:
        """This person's total share of time across roles."""
        return round(sum(self.shares.values()), 4)


def _pod_members(assessment: Any, pod: str, result: Result) -> list[MemberRow]:
    # Which dual roles to warn about is the rules' call: mark whoever a dual-role finding names.
    warned = {name for f in result.findings if f.pod == pod and f.id.startswith("dual-role.")
              for name in f.people}
    rows = [
        MemberRow(p.name, dict(p.roles.shares()), p.is_core, p.background, p.reports_to, p.helps_as,
                  p.owns_deliverables, p.name in warned)
        for p in assessment.members(pod)
    ]
    return sorted(rows, key=lambda m: (not m.core, m.name))


def _projection(outlook: Outlook | None, quarters: int = 8) -> list[int]:
    """Open requests at the end of each of the next quarters, if the pace holds (never below 0)."""
    if outlook is None or outlook.open is None:
        return []
    return [max(0, outlook.open + q * outlook.net_per_quarter) for q in range(quarters + 1)]


@dataclass(frozen=True)
class TrendChart:
    """Where the trend chart draws each assessment: x, the score's y (None without a score) and the stage's y."""

    width: int
    points: list[tuple[float, float | None, float]]
    segments: list[str]  # polyline point lists: a missing score breaks the line


def trend_chart(trend: Any, width: int = 640) -> TrendChart:
    """Coordinates for the trend chart (score 0..100 above, stage 0..4 below), computed once for every view."""
    left, span = 48, width - 48 - 24
    n = len(trend.points)
    step = span / (n - 1) if n > 1 else 0
    points, segments, run = [], [], []
    for i, p in enumerate(trend.points):
        x = round(left + i * step, 1)
        y = None if p.score is None else round(12 + 120 * (1 - p.score / 100), 1)
        points.append((x, y, round(172 + 64 * (1 - p.stage.level / 4), 1)))
        if y is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
        else:
            run.append(f"{x},{y}")
    if len(run) > 1:
        segments.append(" ".join(run))
    return TrendChart(width, points, segments)


def _unit_context(result: Result, assessment: Any | None, previous: Result | None, paper: str,
                  history: Sequence[Result] = ()) -> dict[str, Any]:
    from ..compare import compare, trend

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    members = ({p.name: _pod_members(assessment, p.name, result) for p in result.pods}
               if assessment is not None else {})
    over_time = trend([*history, result])
    return {
        "trend": over_time,
        "trend_chart": trend_chart(over_time) if over_time is not None else None,
        "accepted": [f for f in result.findings if not f.counts],
        "r": result,
        "a": assessment,
        "version": result.podcheck_version,
        "changes": compare(previous, result) if previous is not None else None,
        "paper": paper,
        "page_size": PAPERS[paper],
        "ladder": stages(),
        "ladder_names": {s.id: s.name for s in stages()},
        "principles": principles(),
        "questions": {q.id: q for q in questions()},
        "members": members,
        "by_severity": {s: [f for f in result.findings if f.severity == s and f.counts] for s in SEVERITIES},
        "plan": plan_view(result),
        "projection": _projection(result.outlook),
        "head": getattr(assessment, "head_of_integration", None),
    }


def render_html(result: Result, *, assessment: Any | None = None, previous: Result | None = None,
                paper: str = "a4", history: Sequence[Result] = ()) -> str:
    """The per-unit report as one self-contained HTML page (inline CSS and SVG, no scripts); earlier results of
    the unit in `history` add the trend section."""
    ctx = _unit_context(result, assessment, previous, paper, history)
    return environment().get_template("html/unit.html.j2").render(**ctx)


def render_markdown(result: Result, *, assessment: Any | None = None, previous: Result | None = None,
                    history: Sequence[Result] = ()) -> str:
    """The per-unit report as Markdown for a wiki; every name is escaped for Markdown and HTML."""
    ctx = _unit_context(result, assessment, previous, "a4", history)
    return environment().get_template("md/unit.md.j2").render(**ctx)


def render_pdf(result: Result, *, assessment: Any | None = None, previous: Result | None = None,
               paper: str = "a4", history: Sequence[Result] = ()) -> bytes:
    """The per-unit report as a PDF handout (A4 or letter), with page numbers and a title block."""
    return html_to_pdf(render_html(result, assessment=assessment, previous=previous, paper=paper, history=history))


def render(
    result: Result,
    fmt: str,
    *,
    assessment: object | None = None,
    previous: Result | None = None,
    paper: str = "a4",
    history: Sequence[Result] = (),
    names: Names = "full",
) -> str | bytes:
    """Render a result in one of FORMATS; pdf gives bytes, the others text.

    `assessment` (the model the result came from) adds the people × roles matrix and the
    inputs appendix; `previous` (an earlier Result of the unit) opens the report with what
    changed; `paper` is "a4" or "letter" and applies to pdf (and to printing the html); `history` (earlier
    Results of the unit, any order) adds the trend over time once there are two assessment dates.
    `names` "initials" or "roles" replaces people's names everywhere (needs `assessment`).
    """
    result, assessment, previous = hide_names(result, assessment, names, previous)  # type: ignore[arg-type]
    if fmt == "text":
        return render_text(result, history)
    if fmt == "json":
        return render_json(result)
    if fmt == "html":
        return render_html(result, assessment=assessment, previous=previous, paper=paper, history=history)
    if fmt == "md":
        return render_markdown(result, assessment=assessment, previous=previous, history=history)
    if fmt == "pdf":
        return render_pdf(result, assessment=assessment, previous=previous, paper=paper, history=history)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write_unit_reports(
    result: Result,
    assessment: object | None,
    out_dir: str | Path,
    formats: Iterable[str] = ("html", "pdf"),
    previous: Result | None = None,
    *,
    paper: str = "a4",
    stem: str | None = None,
    history: Sequence[Result] = (),
    names: Names = "full",
) -> dict[str, Path]:
    """Write one unit's reports into out_dir, atomically; returns {format: path}.

    Files are named `<stem>.<ext>` (html, pdf, md, txt for text, json), where stem
    defaults to files.safe_name(result.unit), so a unit name can never lead outside
    out_dir. The HTML is rendered once and reused for the PDF. `assessment` may be None
    (for a result read back from JSON): the report then leaves out the roster sections.
    `names` "initials" or "roles" hides people's names, for a hand-out shared widely.
    """
    from ..files.atomic import safe_name, write_atomic

    result, assessment, previous = hide_names(result, assessment, names, previous)  # type: ignore[arg-type]

    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    base = safe_name(stem if stem is not None else result.unit)
    out = Path(out_dir)
    written: dict[str, Path] = {}
    html: str | None = None
    for fmt in wanted:
        if fmt in ("html", "pdf"):
            if html is None:
                html = render_html(result, assessment=assessment, previous=previous, paper=paper, history=history)
            data: str | bytes = html if fmt == "html" else html_to_pdf(html)
        else:
            data = render(result, fmt, assessment=assessment, previous=previous, paper=paper, history=history)
        written[fmt] = write_atomic(out / f"{base}.{EXTENSIONS[fmt]}", data)
    return written
