"""The small formatting helpers the report templates use as Jinja filters and globals.

Each turns one value into text (or a CSS class or style) and nothing else: no rule logic here.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..catalog import SEVERITIES, labels
from ..result import Result

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


def humanise(key: object) -> str:
    """An id or key as words: 'core_limit' → 'core limit', 'software-engineering' → 'software engineering'."""
    text = str(key)
    return labels().words.get(text, text.replace("_", " ").replace("-", " "))


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


# Best band first; a band is a CSS class in report.css, workshop.css and the SVG charts.
BANDS = ("good", "fair", "weak", "poor")
BAND_LABELS = {"good": "good", "fair": "fair", "weak": "weak", "poor": "serious", "na": "not enough facts"}
# The best band a unit may show while a finding of this severity is open: a number alone never
# makes a unit with an open high finding look healthy.
BEST_BAND_WHILE_OPEN = {"high": "poor", "medium": "fair", "low": "good"}


@dataclass(frozen=True)
class Standing:
    """How a score reads: its colour band (a CSS class), the word for it, and why when a finding decided it."""

    band: str
    label: str
    why: str | None = None


def standing(score: int | None, worst: str | None = None) -> Standing:
    """The band and label for a 0..100 score and the worst open severity: the one place that decides them.

    None is 'na' (not enough facts / not assessed). The number gives a band (85+ good, 70+ fair,
    50+ weak, else poor); an open finding lowers it to at most BEST_BAND_WHILE_OPEN[worst].
    """
    if score is None:
        return Standing("na", BAND_LABELS["na"])
    band = "good" if score >= 85 else "fair" if score >= 70 else "weak" if score >= 50 else "poor"
    ceiling = BEST_BAND_WHILE_OPEN.get(worst or "", "good")
    if BANDS.index(ceiling) > BANDS.index(band):
        return Standing(ceiling, BAND_LABELS[ceiling], f"a {worst}-severity finding is open")
    return Standing(band, BAND_LABELS[band])


def score_band(score: int | None, worst: str | None = None) -> str:
    """A CSS class for a 0..100 score and the worst open severity: good, fair, weak, poor (na when not assessed)."""
    return standing(score, worst).band


def score_label(score: int | None, worst: str | None = None) -> str:
    """The word for a score's band, and why when an open finding decided it ("serious: a high-severity ...")."""
    s = standing(score, worst)
    return f"{s.label}: {s.why}" if s.why else s.label


def score_text(score: int | None, of: str = "/100") -> str:
    """A score as a reader sees it: '72/100', or 'not enough facts' when there is none."""
    return BAND_LABELS["na"] if score is None else f"{score}{of}"


def assessed_words(result: Result) -> str:
    """How much stands behind the score, in plain words: '6 of 8 areas assessed, 3 gaps in the facts'."""
    a = result.assessed
    gaps = (f"{a.unknowns} gap{'s' if a.unknowns != 1 else ''} in the facts" if a.unknowns
            else "no gaps in the facts")
    return f"{a.dimensions} of {a.of} areas assessed, {gaps}"


def heat_style(share: float) -> Markup:
    """Inline style for a heat-table cell: darker the larger the share of time."""
    alpha = 0.1 + 0.75 * max(0.0, min(share, 1.0))
    ink = "#fff" if alpha > 0.5 else "#14263d"
    return Markup(f"background-color: rgba(31, 58, 95, {alpha:.2f}); color: {ink};")


def wrap(text: object, width: int = 88, indent: int = 0, hang: int = 0) -> str:
    """Text filled to `width` columns, indented, later lines indented `hang` more."""
    return textwrap.fill(str(text), width=width, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + hang))


def percent(share: float) -> str:
    """A share of time as a whole percentage: 0.5 → '50%'."""
    return f"{share:.0%}"


def signed(n: int) -> str:
    """A change with its sign: +3, -2, ±0."""
    return f"{n:+d}" if n else "±0"


def fte(total: float) -> str:
    """People-equivalents with at most one decimal and no trailing .0: 1.5, 2, 0."""
    return f"{total:.1f}".rstrip("0").rstrip(".") if total else "0"


def severity_counts(result: Result, separator: str) -> str:
    """How many findings of each severity, most serious first: '2 high, 1 medium, 0 low'."""
    return separator.join(f"{result.count(s)} {s}" for s in SEVERITIES)


def bar(score: int | None, width: int = 20) -> str:
    """A score as a bar of `width` characters for a terminal or a code span (blank without a score)."""
    if score is None:
        return " " * width
    filled = round(score / 100 * width)
    return "█" * filled + "·" * (width - filled)


FILTERS = {
    "wrap": wrap, "pct": percent, "md": md_escape, "mdcell": md_cell, "band": score_band, "heat": heat_style,
    "signed": signed, "fte": fte, "humanise": humanise, "plain": plain, "evidence": shown_evidence,
    "counts": severity_counts, "score_label": score_label, "score_text": score_text, "assessed": assessed_words,
}
