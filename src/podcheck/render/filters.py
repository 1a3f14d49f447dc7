"""The small formatting helpers the report templates use as Jinja filters and globals.

Each turns one value into text (or a CSS class or style) and nothing else: no rule logic here.
"""

from __future__ import annotations

import re
import textwrap
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


def bar(score: int, width: int = 20) -> str:
    """A score as a bar of `width` characters for a terminal or a code span."""
    filled = round(score / 100 * width)
    return "█" * filled + "·" * (width - filled)


FILTERS = {
    "wrap": wrap, "pct": percent, "md": md_escape, "mdcell": md_cell, "band": score_band, "heat": heat_style,
    "signed": signed, "fte": fte, "humanise": humanise, "plain": plain, "evidence": shown_evidence,
    "counts": severity_counts,
}
