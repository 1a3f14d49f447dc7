"""Result → text / JSON / HTML / Markdown / PDF. Views only transform a Result (and, when given, the roster).

Public functions:
    render(result, fmt, assessment=..., previous=..., paper=...)  one report as text or bytes
    render_html / render_markdown / render_pdf                   the same, one format each
    write_unit_reports(result, assessment, out_dir, formats=...)  write a unit's report files
Templates live in templates/ (Jinja2, see environment()); html/ holds the per-unit and
portfolio reports with their shared layout, partials and print stylesheet; md/ the wiki versions.
PDFs: html_to_pdf imports WeasyPrint only when called (without Pango it raises PdfUnavailable,
one line saying what to install) and lays the page out in the shipped font, REPORT_FONT.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .catalog import SEVERITIES, principles, questions, stages
from .errors import InputError, Problem
from .files.locations import templates_dir
from .result import Outlook, Result

FORMATS = ("text", "json", "html", "md", "pdf")
REPORT_FORMATS = ("html", "md", "pdf")  # the report formats a unit can be written in
EXTENSIONS = {"text": "txt", "json": "json", "html": "html", "md": "md", "pdf": "pdf"}
PAPERS = {"a4": "A4", "letter": "letter"}
HORIZONS = (
    ("now", "Now", "Open high-severity problems: start on these this quarter."),
    ("next", "Next", "Medium-severity problems: plan them for the coming quarter or two."),
    ("later", "Later", "Minor problems, and what to put in place before the next stage."),
)


def _autoescape(name: str | None) -> bool:
    # Every template is HTML-escaped whatever its extension, except plain-text ones.
    return not (name or "").endswith((".txt.j2", ".txt"))


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment: autoescaping on, undefined variables are errors."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wrap"] = lambda text, width=88, indent=0, hang=0: textwrap.fill(
        str(text), width=width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hang)
    )
    env.filters["pct"] = lambda share: f"{share:.0%}"
    env.filters["md"] = md_escape
    env.filters["mdcell"] = md_cell
    env.filters["band"] = score_band
    env.filters["heat"] = heat_style
    env.filters["signed"] = lambda n: f"{n:+d}" if n else "±0"
    env.filters["fte"] = lambda total: f"{total:.1f}".rstrip("0").rstrip(".") if total else "0"
    env.filters["humanise"] = humanise
    env.filters["plain"] = plain
    env.filters["evidence"] = shown_evidence
    env.globals["SEVERITIES"] = SEVERITIES
    env.globals["HORIZONS"] = HORIZONS
    return env


# ---------------------------------------------------------------- small helpers the templates use

_MD_BACKSLASH = re.compile(r"([\\`*_\[\]~|#])")


def md_escape(value: object) -> Markup:
    """Text made inert in Markdown: HTML's <, > and & as entities, Markdown's own marks backslashed.

    Returned as Markup so the environment's HTML autoescaping does not escape it twice.
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(_MD_BACKSLASH.sub(r"\\\1", text))


def md_cell(value: object) -> Markup:
    """md_escape for a table cell: also keeps the cell on one line."""
    return md_escape(" ".join(str(value).split()))


_LABELS = {"mis": "MIS", "sme": "subject-matter expert", "qa": "QA", "ipaas": "iPaaS", "embedded-ipaas": "embedded iPaaS"}


def humanise(key: object) -> str:
    """An id or key as words: 'core_limit' → 'core limit', 'software-engineering' → 'software engineering'."""
    text = str(key)
    return _LABELS.get(text, text.replace("_", " ").replace("-", " "))


def plain(value: object) -> str:
    """A value as a reader would write it: lists joined, yes/no for booleans, no trailing .0."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def shown_evidence(finding: Any) -> list[tuple[str, str]]:
    """A finding's evidence as (key, text), leaving out blanks and text the message already quotes."""
    said = f"{finding.message} {finding.recommendation}"
    out = []
    for key, value in sorted(finding.evidence.items()):
        text = plain(value).strip()
        if not text or (len(text) > 3 and text.strip("() ") in said):
            continue
        out.append((key, text))
    return out


def score_band(score: int | None) -> str:
    """A CSS class for a 0..100 score: good, fair, weak, poor (or na when not assessed)."""
    if score is None:
        return "na"
    return "good" if score >= 85 else "fair" if score >= 70 else "weak" if score >= 50 else "poor"


def heat_style(share: float) -> Markup:
    """Inline style for a heat-table cell: darker the larger the share of time."""
    alpha = 0.1 + 0.75 * max(0.0, min(share, 1.0))
    ink = "#fff" if alpha > 0.5 else "#14263d"
    return Markup(f"background-color: rgba(31, 58, 95, {alpha:.2f}); color: {ink};")


def render_text(result: Result) -> str:
    """A readable terminal summary: stage, scores, findings by severity, what to do first."""
    return environment().get_template("text/report.txt.j2").render(r=result, bar=_bar)


def render_json(result: Result) -> str:
    """The contract's result object as JSON text."""
    return result.to_json()


def _bar(score: int, width: int = 20) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "·" * (width - filled)


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
        held = [r for r in ("lead", "technologist", "analyst") if r in self.shares]
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
    warned = {name for f in result.findings if f.pod == pod and f.id.startswith("dual-role.") for name in f.people}
    rows = [
        MemberRow(p.name, dict(p.roles.shares()), p.is_core, p.background, p.reports_to, p.helps_as,
                  p.owns_deliverables, p.name in warned)
        for p in assessment.people if p.pod == pod
    ]
    return sorted(rows, key=lambda m: (not m.core, m.name))


def _projection(outlook: Outlook | None, quarters: int = 8) -> list[int]:
    """Open requests at the end of each of the next quarters, if the pace holds (never below 0)."""
    if outlook is None or outlook.open is None:
        return []
    return [max(0, outlook.open + q * outlook.net_per_quarter) for q in range(quarters + 1)]


def _unit_context(result: Result, assessment: Any | None, previous: Result | None, paper: str) -> dict[str, Any]:
    from .compare import compare

    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    members = {p.name: _pod_members(assessment, p.name, result) for p in result.pods} if assessment is not None else {}
    horizons = {h: [r for r in result.recommendations if r.horizon == h] for h, _, _ in HORIZONS}
    return {
        "r": result,
        "a": assessment,
        "version": result.podcheck_version,
        "changes": compare(previous, result) if previous is not None else None,
        "paper": paper,
        "page_size": PAPERS[paper],
        "ladder": stages(),
        "principles": principles(),
        "questions": {q.id: q for q in questions()},
        "members": members,
        "by_severity": {s: [f for f in result.findings if f.severity == s] for s in SEVERITIES},
        "top": result.recommendations[:3],
        "horizons": horizons,
        "projection": _projection(result.outlook),
        "head": getattr(assessment, "head_of_integration", None),
    }


def render_html(result: Result, *, assessment: Any | None = None, previous: Result | None = None,
                paper: str = "a4") -> str:
    """The per-unit report as one self-contained HTML page (inline CSS and SVG, no scripts)."""
    ctx = _unit_context(result, assessment, previous, paper)
    return environment().get_template("html/unit.html.j2").render(**ctx)


def render_markdown(result: Result, *, assessment: Any | None = None, previous: Result | None = None) -> str:
    """The per-unit report as Markdown for a wiki; every name is escaped for Markdown and HTML."""
    ctx = _unit_context(result, assessment, previous, "a4")
    return environment().get_template("md/unit.md.j2").render(**ctx, bar=_bar)


# ---------------------------------------------------------------- PDF: WeasyPrint, loaded only when a PDF is asked for

PANGO_INSTALL = ("Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                 "macOS: brew install pango; conda: conda install -c conda-forge pango")


class PdfUnavailable(InputError):
    """A PDF was asked for but cannot be made here (Pango, WeasyPrint or the report font missing): exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("PDF reports", "", message)])


@dataclass(frozen=True)
class ReportFont:
    """The typeface of every report, shipped as a Python package so no PDF depends on the machine's fonts.

    Arimo is metric-compatible with Liberation Sans and Arial, the faces the stylesheet was drawn
    for, and covers Latin (with Vietnamese), Greek, Cyrillic and Hebrew names. The stylesheet names
    `alias` first: only PDFs define it, from the shipped files, so a PDF never picks up a copy
    of the typeface the machine happens to have.
    """

    family: str  # the family name inside the font files
    package: str  # the Python package that ships them (files/ and metadata.json, OFL licence in LICENSE)
    distribution: str  # what pip installs
    alias: str

    @property
    def folder(self) -> Path:
        """The installed package's folder (raises PdfUnavailable when it is not installed)."""
        import importlib.resources

        try:
            return Path(str(importlib.resources.files(self.package)))
        except ModuleNotFoundError:
            raise PdfUnavailable(f"need the report font, which is not installed: pip install {self.distribution}") from None


REPORT_FONT = ReportFont("Arimo", "fontpkg_arimo", "fontpkg-arimo", "podcheck Arimo")


@dataclass(frozen=True)
class FontFace:
    """One shipped font file: its style and the weights it serves (a variable font serves a range)."""

    path: Path
    style: str
    weights: tuple[int, int]


@functools.cache
def shipped_fonts() -> tuple[FontFace, ...]:
    """The report font's files, as the font package lists them in its metadata.json."""
    import json

    folder = REPORT_FONT.folder
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    axis = next((a for a in meta.get("axes", []) if a.get("tag") == "wght"), None)
    faces = []
    for entry in meta["files"]:
        if entry.get("variable") and axis:
            weights = (int(axis["min"]), int(axis["max"]))
        else:
            weights = (int(entry.get("weight") or 400),) * 2
        faces.append(FontFace((folder / entry["path"]).resolve(), entry.get("style", "normal"), weights))
    return tuple(faces)


def font_face_css() -> str:
    """@font-face rules that load the shipped files under REPORT_FONT.alias (for WeasyPrint only)."""
    rules = []
    for face in shipped_fonts():
        low, high = face.weights
        rules.append(f'@font-face {{ font-family: "{REPORT_FONT.alias}"; src: url("{face.path.as_uri()}") '
                     f'format("truetype"); font-style: {face.style}; font-weight: {low} {high}; }}')
    return "\n".join(rules)


def allowed_url(url: str) -> bool:
    """Whether a PDF may load this URL: data: URLs and the shipped font files, nothing else.

    Reports are self-contained; a PDF must never read other local files or reach the network,
    whatever HTML it is given.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return False
    try:
        path = _file_url_path(url).resolve()
    except (OSError, ValueError):
        return False
    return path in {face.path for face in shipped_fonts()}


def _file_url_path(url: str) -> Path:
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    return Path(url2pathname(unquote(urlsplit(url).path)))


def _load_weasyprint() -> Any:
    """The weasyprint module, or PdfUnavailable saying what to install."""
    import contextlib
    import io
    import warnings

    try:
        # WeasyPrint prints a page of installation help to standard output when a library is
        # missing: the user gets one line from us instead. It also warns when the machine has no
        # fonts at all, which does not matter here: reports bring their own.
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*FontConfig.*Expect ugly output", category=UserWarning)
            import weasyprint
            import weasyprint.text.fonts  # noqa: F401 - the font check runs on import: inside the filter
    except OSError as exc:
        missing = re.search(r"cannot load library '([^']+)'", str(exc))
        why = f"{missing.group(1)} not found" if missing else str(exc).splitlines()[0][:120]
        raise PdfUnavailable(f"need the Pango library, which could not be loaded ({why}); "
                             f"install it: {PANGO_INSTALL}") from None
    except ImportError as exc:
        raise PdfUnavailable(f"need WeasyPrint, which could not be imported ({exc}); "
                             "install it: pip install weasyprint") from None
    return weasyprint


def require_pdf() -> None:
    """Raise PdfUnavailable (one line: what to install) unless PDFs can be made here."""
    _load_weasyprint()
    shipped_fonts()


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ShippedFontsOnly(URLFetcher):
        """Fetches the shipped font files and data: URLs; refuses every other URL (logged, not loaded)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_url(url):
                raise ValueError(f"podcheck reports do not load external resources ({url[:60]})")
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            body = _file_url_path(url).read_bytes()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "font/ttf"})

    return ShippedFontsOnly


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from one of podcheck's HTML reports, laid out by WeasyPrint in the shipped font."""
    import logging

    weasyprint = _load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint warns about each CSS property it ignores (screen-only ones like box-shadow);
    # keep the command line quiet unless the caller configured that logger themselves.
    logger = logging.getLogger("weasyprint")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)
    fetcher = _fetcher_class()()
    fonts = FontConfiguration()
    faces = weasyprint.CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    return document.write_pdf(stylesheets=[faces], font_config=fonts)


def render_pdf(result: Result, *, assessment: Any | None = None, previous: Result | None = None,
               paper: str = "a4") -> bytes:
    """The per-unit report as a PDF handout (A4 or letter), with page numbers and a title block."""
    return html_to_pdf(render_html(result, assessment=assessment, previous=previous, paper=paper))


def render(
    result: Result,
    fmt: str,
    *,
    assessment: object | None = None,
    previous: Result | None = None,
    paper: str = "a4",
) -> str | bytes:
    """Render a result in one of FORMATS; pdf gives bytes, the others text.

    `assessment` (the model the result came from) adds the people × roles matrix and the
    inputs appendix; `previous` (an earlier Result of the unit) opens the report with what
    changed; `paper` is "a4" or "letter" and applies to pdf (and to printing the html).
    """
    if fmt == "text":
        return render_text(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "html":
        return render_html(result, assessment=assessment, previous=previous, paper=paper)
    if fmt == "md":
        return render_markdown(result, assessment=assessment, previous=previous)
    if fmt == "pdf":
        return render_pdf(result, assessment=assessment, previous=previous, paper=paper)
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
) -> dict[str, Path]:
    """Write one unit's reports into out_dir, atomically; returns {format: path}.

    Files are named `<stem>.<ext>` (html, pdf, md, txt for text, json), where stem
    defaults to files.safe_name(result.unit), so a unit name can never lead outside
    out_dir. The HTML is rendered once and reused for the PDF. `assessment` may be None
    (for a result read back from JSON): the report then leaves out the roster sections.
    """
    from .files.atomic import safe_name, write_atomic

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
                html = render_html(result, assessment=assessment, previous=previous, paper=paper)
            data: str | bytes = html if fmt == "html" else html_to_pdf(html)
        else:
            data = render(result, fmt, assessment=assessment, previous=previous, paper=paper)
        written[fmt] = write_atomic(out / f"{base}.{EXTENSIONS[fmt]}", data)
    return written
