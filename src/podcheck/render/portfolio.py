"""The portfolio across units: one HTML overview, plus CSV and JSON for spreadsheets and BI tools.

Public functions:
    write_portfolio(entries, out_dir, failures=())  write portfolio.html/.csv/.json (and findings CSV)
    write_portfolio_with_reports(units, out_dir)    each unit's HTML report, then the portfolio linking them
                                                    (the inputs come from files.results: portfolio_inputs, load_unit)
An entry is a PortfolioEntry: a Result plus links (relative to out_dir) to that unit's reports.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import json
import posixpath
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .. import __version__
from ..catalog import SEVERITIES, STAGE_IDS, StageInfo, dimensions, stages
from ..compare import TrendPoint
from ..files.atomic import neutralise, unique_names, write_atomic
from ..files.locations import templates_dir
from ..result import Finding, Result
from .filters import Standing, standing
from .pdf import html_to_pdf
from .plan import plan_view
from .report import PAPERS, REPORT_FORMATS, write_unit_reports
from .templates import environment

PORTFOLIO_SCHEMA = "podcheck-portfolio/1"
# What a unit's row may link to: its reports, its result, its executed notebook and its input.
LINK_KINDS = (*REPORT_FORMATS, "json", "notebook", "input")


@dataclass(frozen=True)
class PortfolioEntry:
    """One unit in the portfolio: its result and links to its reports.

    `links` maps a format ("html", "pdf", "md", "json") to a path relative to the
    portfolio's folder, e.g. {"html": "payments/payments.html"}. Links must stay inside
    that folder: absolute paths, URLs and ".." are refused (ValueError).
    """

    result: Result
    links: Mapping[str, str] = field(default_factory=dict)
    history: Sequence[TrendPoint] = ()  # the unit's kept assessments (compare.history_points), any dates


@dataclass(frozen=True)
class Failure:
    """A unit that could not be assessed: its name (or file name) and the reason, in a reader's words."""

    unit: str
    reason: str
    source: str | None = None


def _as_failure(item: object) -> Failure:
    """Accept a Failure, a (unit, reason[, source]) tuple, a mapping, or any object with such attributes."""
    if isinstance(item, Failure):
        return item
    if isinstance(item, tuple | list):
        source = str(item[2]) if len(item) > 2 and item[2] is not None else None
        return Failure(str(item[0]), str(item[1]), source)

    def pick(*names: str) -> Any:
        for name in names:
            value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
            if value is not None:
                return value
        return None

    unit, reason = pick("unit", "name"), pick("reason", "error", "message")
    if unit is None or reason is None:
        raise TypeError(f"a failure needs a unit (or name) and a reason (or error): {item!r}")
    source = pick("source", "file", "path")
    return Failure(str(unit), str(reason), str(source) if source is not None else None)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def safe_link(href: str) -> str:
    """A report link checked to stay inside the portfolio folder, percent-encoded for an href.

    Refuses (ValueError) absolute paths, URLs of any scheme, backslashes and '..' segments.
    """
    text = str(href)
    if (not text or text.startswith(("/", "~")) or "\\" in text or _SCHEME.match(text)
            or any(ord(c) < 32 for c in text)):
        raise ValueError(f"report link {text!r} must be a relative path inside the portfolio folder")
    parts = text.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"report link {text!r} must not contain '..', '.' or empty segments")
    normal = posixpath.normpath(text)
    if normal.startswith(".."):
        raise ValueError(f"report link {text!r} leads outside the portfolio folder")
    return quote(normal, safe="/-_.~")


# ---------------------------------------------------------------- the portfolio's data, once, for every output


@dataclass(frozen=True)
class UnitRow:
    """One assessed unit as the portfolio shows it."""

    result: Result
    links: dict[str, str]
    history: tuple[TrendPoint, ...] = ()  # oldest first, the current assessment's date left out

    @property
    def previous(self) -> TrendPoint | None:
        """The unit's assessment before this one, if any is kept."""
        earlier = [p for p in self.history if p.assessed_on < self.result.assessed_on]
        return earlier[-1] if earlier else None

    @property
    def score_change(self) -> int | None:
        """Score now minus score at the previous assessment; None when either has no score or there is none."""
        p = self.previous
        if p is None or p.score is None or self.result.score is None:
            return None
        return self.result.score - p.score

    @property
    def stage_change(self) -> int | None:
        """Stage levels gained (negative: lost) since the previous assessment; None without one."""
        p = self.previous
        return None if p is None else self.result.stage.level - p.stage.level

    @property
    def target_level(self) -> int | None:
        """The level of the unit's target stage, when it has one."""
        t = self.result.target_stage
        return STAGE_IDS.index(t) if t in STAGE_IDS else None

    @property
    def target_gap(self) -> int | None:
        """Stages still to climb to the target (0 when reached or passed); None without a target."""
        t = self.target_level
        return None if t is None else max(0, t - self.result.stage.level)

    @property
    def high_findings(self) -> list[Finding]:
        """The unit's high-severity findings that count (accepted risks left out until they expire)."""
        return [f for f in self.result.findings if f.severity == "high" and f.counts]

    @property
    def plan_length(self) -> int:
        """Steps in the unit's plan."""
        return len(self.result.plan)

    @property
    def plan_reach_stage(self) -> StageInfo | None:
        """The stage the unit's whole plan reaches; None without a plan."""
        if not self.result.plan:
            return None
        reach = plan_view(self.result).reach  # None when every step is a practice: the stage stays
        stage = reach.stage if reach else self.result.stage.id
        return next(s for s in stages() if s.id == stage)

    @property
    def plan_reach(self) -> str | None:
        """The name of the stage the unit's whole plan reaches; None without a plan."""
        reach = self.plan_reach_stage
        return reach.name if reach else None

    @property
    def overdue_actions(self) -> int:
        """Actions still open past their due date."""
        return sum(1 for a in self.result.actions if a.overdue)

    @property
    def standing(self) -> Standing:
        """The unit's band and label: its score and its worst open finding together."""
        return standing(self.result.score, self.result.worst())

    @property
    def dimension_scores(self) -> dict[str, int | None]:
        """Score per dimension id; None where the unit was not assessed on it."""
        scores: dict[str, int | None] = {d.id: None for d in self.result.not_assessed}
        scores.update({d.id: d.score for d in self.result.dimensions})
        return scores


@dataclass(frozen=True)
class CommonFinding:
    """A finding id and the units that have it."""

    id: str
    title: str
    severity: str
    principles: list[str]
    units: list[str]


@dataclass(frozen=True)
class Division:
    """Units of one division rolled up."""

    name: str
    rows: list[UnitRow]

    @property
    def median_score(self) -> float | None:
        """The middle score of the division's units that have one."""
        scores = [r.result.score for r in self.rows if r.result.score is not None]
        return statistics.median(scores) if scores else None

    @property
    def with_high(self) -> int:
        """Units with a high-severity finding that counts."""
        return sum(1 for r in self.rows if r.result.count("high"))

    @property
    def with_target(self) -> int:
        """Units that name a target stage."""
        return sum(1 for r in self.rows if r.target_gap is not None)

    @property
    def at_target(self) -> int:
        """Units at or above their target stage."""
        return sum(1 for r in self.rows if r.target_gap == 0)

    @property
    def stages_to_go(self) -> int:
        """Stages still to climb, summed over the division's units with a target."""
        return sum(r.target_gap or 0 for r in self.rows)


NO_DIVISION = "(no division)"


@dataclass(frozen=True)
class Portfolio:
    """Everything the portfolio outputs show, computed once."""

    rows: list[UnitRow]
    failures: list[Failure]
    dimensions: list[tuple[str, str]]
    common: list[CommonFinding]

    @property
    def divisions(self) -> list[Division]:
        """Units rolled up by division, named ones first (A–Z); empty when no unit names a division."""
        if not any(r.result.division for r in self.rows):
            return []
        groups: dict[str, list[UnitRow]] = {}
        for r in self.rows:
            groups.setdefault(r.result.division or NO_DIVISION, []).append(r)
        names = sorted((n for n in groups if n != NO_DIVISION), key=str.casefold)
        names += [NO_DIVISION] if NO_DIVISION in groups else []
        return [Division(n, groups[n]) for n in names]

    @property
    def has_targets(self) -> bool:
        """Whether any unit names a target stage."""
        return any(r.target_gap is not None for r in self.rows)

    @property
    def has_plans(self) -> bool:
        """Whether any unit's result carries a plan (until then the plan column is left out)."""
        return any(r.plan_length for r in self.rows)

    @property
    def has_history(self) -> bool:
        """Whether any unit has an earlier assessment kept."""
        return any(r.previous is not None for r in self.rows)

    @property
    def organizations(self) -> list[str]:
        """The organisations the units belong to, in first-seen order."""
        return list(dict.fromkeys(r.result.organization for r in self.rows))

    @property
    def stage_counts(self) -> dict[str, int]:
        """Units per stage id."""
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.result.stage.id] = counts.get(r.result.stage.id, 0) + 1
        return counts

    @property
    def median_score(self) -> float | None:
        """The middle overall score of the units that have one, or None when none has."""
        scores = [r.result.score for r in self.rows if r.result.score is not None]
        return statistics.median(scores) if scores else None

    @property
    def unscored(self) -> int:
        """How many units gave too little to judge, so have no score."""
        return sum(1 for r in self.rows if r.result.score is None)

    @property
    def units_with_high(self) -> int:
        """How many units have at least one high-severity finding."""
        return sum(1 for r in self.rows if r.result.count("high"))

    @property
    def dates(self) -> tuple[str, str] | None:
        """The earliest and latest assessment dates."""
        days = sorted(r.result.assessed_on for r in self.rows)
        return (days[0], days[-1]) if days else None


def build_portfolio(entries: Iterable[PortfolioEntry | Result], failures: Iterable[object] = ()) -> Portfolio:
    """Gather units, dimension columns and the most common findings; links are checked here."""
    rows = []
    for entry in entries:
        if isinstance(entry, Result):
            entry = PortfolioEntry(entry)
        unknown = [k for k in entry.links if k not in LINK_KINDS]
        if unknown:
            raise ValueError(f"unknown report format {unknown[0]!r} in links of unit {entry.result.unit!r}")
        links = {fmt: safe_link(entry.links[fmt]) for fmt in LINK_KINDS if entry.links.get(fmt)}
        kept = tuple(sorted((h for h in entry.history if h.assessed_on != entry.result.assessed_on),
                            key=lambda h: h.assessed_on))
        rows.append(UnitRow(entry.result, links, kept))
    rows.sort(key=lambda r: (r.result.organization.casefold(), r.result.unit.casefold(), r.result.assessed_on))
    seen_dims = {d.id: d.name for r in rows for d in [*r.result.dimensions, *r.result.not_assessed]}
    dims = [(i, d.name) for i, d in dimensions().items() if i in seen_dims]
    dims += [(i, n) for i, n in seen_dims.items() if i not in dimensions()]
    by_id: dict[str, dict[str, Any]] = {}
    for r in rows:
        for f in r.result.findings:
            item = by_id.setdefault(f.id, {"title": f.title, "severity": f.severity,
                                           "principles": f.principles, "units": []})
            if SEVERITIES.index(f.severity) < SEVERITIES.index(item["severity"]):
                item["severity"] = f.severity
            if r.result.unit not in item["units"]:
                item["units"].append(r.result.unit)
    common = [CommonFinding(i, v["title"], v["severity"], v["principles"], v["units"]) for i, v in by_id.items()]
    common.sort(key=lambda c: (-len(c.units), SEVERITIES.index(c.severity), c.id))
    return Portfolio(rows, [_as_failure(f) for f in failures], dims, common)


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise("" if c is None else c) for c in row])
    # The byte-order mark makes Excel read the file as UTF-8 (names like Wójcik stay intact).
    return "\ufeff" + buffer.getvalue()


# Added after the original columns, so that spreadsheets reading them by position keep working.
EXTRA_COLUMNS = ("division", "target_stage", "target_gap", "previous_assessed_on", "score_change", "stage_change",
                 "assessments", "high_finding_titles", "plan_steps", "actions", "actions_overdue", "accepted_risks",
                 "plan_reaches")


def extra_cells(row: UnitRow) -> list[object]:
    """The cells of EXTRA_COLUMNS for one unit."""
    r, prev = row.result, row.previous
    return [r.division or "", r.target_stage or "", row.target_gap, prev.assessed_on if prev else "",
            row.score_change, row.stage_change, len(row.history) + 1,
            "; ".join(f.title + (f" (pod {f.pod})" if f.pod else "") for f in row.high_findings),
            row.plan_length, len(r.actions), row.overdue_actions, sum(1 for f in r.findings if not f.counts),
            row.plan_reach or ""]


def portfolio_csv(p: Portfolio) -> str:
    """One row per unit (failed units included, with their reason), for a spreadsheet."""
    header = ["organization", "unit", "assessed_on", "status", "stage_level", "stage", "score", "standing",
              "assessed_dimensions", "assessed_of", "unknowns",
              *[f"{s}_findings" for s in SEVERITIES],
              *[f"score_{i}" for i, _ in p.dimensions], "reason", *[f"report_{f}" for f in LINK_KINDS],
              *EXTRA_COLUMNS]
    out: list[list[object]] = [header]
    for row in p.rows:
        r, scores = row.result, row.dimension_scores
        out.append([r.organization, r.unit, r.assessed_on, "assessed", r.stage.level, r.stage.id, r.score,
                    row.standing.label, r.assessed.dimensions, r.assessed.of, r.assessed.unknowns,
                    *[r.count(s) for s in SEVERITIES], *[scores.get(i) for i, _ in p.dimensions],
                    "", *[row.links.get(f, "") for f in LINK_KINDS], *extra_cells(row)])
    for f in p.failures:
        blank = ["" for _ in range(len(header) - 4 - len(LINK_KINDS) - 1 - len(EXTRA_COLUMNS))]
        out.append(["", f.unit, "", "failed", *blank, f.reason, *["" for _ in LINK_KINDS],
                    *["" for _ in EXTRA_COLUMNS]])
    return _csv(out)


def findings_csv(p: Portfolio) -> str:
    """One row per finding per unit, for pivoting in a spreadsheet or BI tool."""
    out: list[list[object]] = [["organization", "unit", "finding", "severity", "pod", "people",
                                "principles", "title", "message", "recommendation"]]
    for row in p.rows:
        r = row.result
        for f in r.findings:
            out.append([r.organization, r.unit, f.id, f.severity, f.pod or "", "; ".join(f.people),
                        " ".join(f.principles), f.title, f.message, f.recommendation])
    return _csv(out)


def portfolio_json(p: Portfolio) -> str:
    """The portfolio as JSON: units, most common findings and failures.

    Values are kept exactly as given (JSON is data, not a sheet: a BI tool imports it as
    text); the formula neutralising applies to the CSV files, where it matters.
    """
    data = {
        "schema": PORTFOLIO_SCHEMA,
        "podcheck_version": __version__,
        "units": [
            {
                "organization": row.result.organization,
                "unit": row.result.unit,
                "assessed_on": row.result.assessed_on,
                "stage": {"level": row.result.stage.level, "id": row.result.stage.id,
                          "name": row.result.stage.name},
                "score": row.result.score,
                "standing": {"band": row.standing.band, "label": row.standing.label},
                "assessed": row.result.assessed.model_dump(mode="json"),
                "dimensions": {i: row.dimension_scores.get(i) for i, _ in p.dimensions},
                "findings": {s: row.result.count(s) for s in SEVERITIES},
                "finding_ids": sorted({f.id for f in row.result.findings}),
                "reports": row.links,
                "division": row.result.division,
                "target_stage": row.result.target_stage,
                "target_gap": row.target_gap,
                "change": {"since": row.previous.assessed_on if row.previous else None,
                           "score": row.score_change, "stage": row.stage_change},
                "history": [{"assessed_on": h.assessed_on, "stage": h.stage.level, "score": h.score}
                            for h in row.history],
                "high_findings": [{"id": f.id, "pod": f.pod, "title": f.title} for f in row.high_findings],
                "plan_steps": row.plan_length,
                "plan_reaches": row.plan_reach,
                "actions": {"total": len(row.result.actions), "overdue": row.overdue_actions,
                            "done": sum(1 for a in row.result.actions if a.status == "done")},
            }
            for row in p.rows
        ],
        "divisions": [
            {"division": d.name, "units": len(d.rows), "median_score": d.median_score, "with_high": d.with_high,
             "with_target": d.with_target, "at_target": d.at_target, "stages_to_go": d.stages_to_go}
            for d in p.divisions
        ],
        "common_findings": [
            {"id": c.id, "title": c.title, "severity": c.severity, "principles": c.principles, "units": c.units}
            for c in p.common
        ],
        "failures": [{"unit": f.unit, "reason": f.reason, "source": f.source} for f in p.failures],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


SORT_SCRIPT = "html/portfolio-sort.js"  # under templates/


@functools.cache
def sort_script() -> tuple[str, str]:
    """The portfolio's one inline script (sorting the units table) and its CSP hash source ('sha256-…')."""
    text = (templates_dir() / SORT_SCRIPT).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def portfolio_html(p: Portfolio, *, paper: str = "a4") -> str:
    """The portfolio report: units × stage, score and dimensions as a heat table (sortable in a browser, under a
    Content-Security-Policy that allows only its own script), divisions, common findings, failures."""
    script, script_hash = sort_script()
    return environment().get_template("html/portfolio.html.j2").render(
        p=p, ladder=stages(), version=__version__, page_size=PAPERS[paper], script=Markup(script),
        script_hash=script_hash,
    )


PORTFOLIO_FORMATS = ("html", "csv", "json", "xlsx", "pdf")


def write_portfolio(
    entries: Iterable[PortfolioEntry | Result],
    out_dir: str | Path,
    failures: Iterable[object] = (),
    *,
    paper: str = "a4",
    formats: Iterable[str] = ("html", "csv", "json"),
) -> dict[str, Path]:
    """Write portfolio.html, portfolio.csv, portfolio.json and portfolio-findings.csv into out_dir, and with
    `formats` naming them, portfolio.xlsx (sheets units, findings, plan steps, actions, history) and
    portfolio.pdf (the HTML laid out on `paper`).

    `entries`: PortfolioEntry (a Result plus links to its reports, relative to out_dir)
    or bare Results (no links). `failures`: units that could not be assessed, each a
    Failure, a (unit, reason[, source]) tuple, or a mapping/object with unit (or name),
    reason (or error) and optionally source (or file); they are listed with their reason.
    Returns {"html"|"csv"|"json"|"findings_csv": path}. Every file is written atomically.
    Raises ValueError for a link that would lead outside out_dir.
    """

    wanted = set(formats) | {"html", "csv", "json"}
    unknown = wanted - set(PORTFOLIO_FORMATS)
    if unknown:
        raise ValueError(f"unknown portfolio format(s) {', '.join(sorted(unknown))}")
    p = build_portfolio(entries, failures)
    out = Path(out_dir)
    html = portfolio_html(p, paper=paper)
    written = {
        "html": write_atomic(out / "portfolio.html", html),
        "csv": write_atomic(out / "portfolio.csv", portfolio_csv(p)),
        "json": write_atomic(out / "portfolio.json", portfolio_json(p)),
        "findings_csv": write_atomic(out / "portfolio-findings.csv", findings_csv(p)),
    }
    if "xlsx" in wanted:
        from .workbook import portfolio_xlsx

        written["xlsx"] = write_atomic(out / "portfolio.xlsx", portfolio_xlsx(p))
    if "pdf" in wanted:
        written["pdf"] = write_atomic(out / "portfolio.pdf", html_to_pdf(html))
    return written


# ---------------------------------------------------------------- the steps of `podcheck portfolio`


def write_portfolio_with_reports(
    units: Sequence[tuple[Result, Any]], out: Path, failures: Iterable[Failure] = (), *, paper: str = "a4",
) -> dict[str, Path]:
    """Each unit's HTML report in a subfolder of out named after it, then the portfolio linking to them.

    `units` are (result, assessment or None) pairs as files.results.load_unit gives them; returns
    write_portfolio's files.
    """
    entries = []
    for (result, assessment), name in zip(units, unique_names([r.unit for r, _ in units]), strict=True):
        written = write_unit_reports(result, assessment, out / name, formats=("html",), stem=name)
        entries.append(PortfolioEntry(result, {fmt: f"{name}/{path.name}" for fmt, path in written.items()}))
    return write_portfolio(entries, out, failures, paper=paper)
