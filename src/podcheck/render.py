"""Result → text / JSON (and, through templates/, the other formats). Views only transform a Result."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .result import SEVERITIES, Result

FORMATS = ("text", "json", "html", "md", "pdf")


def templates_dir() -> Path:
    """templates/ in a source checkout, or the copy packed into an installed wheel."""
    packed = Path(__file__).parent / "_data" / "templates"
    return packed if packed.is_dir() else Path(__file__).resolve().parents[2] / "templates"


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
    env.globals["SEVERITIES"] = SEVERITIES
    return env


def render_text(result: Result) -> str:
    """A readable terminal summary: stage, scores, findings by severity, what to do first."""
    return environment().get_template("text/report.txt.j2").render(r=result, bar=_bar)


def render_json(result: Result) -> str:
    """The contract's result object as JSON text."""
    return result.to_json()


def _bar(score: int, width: int = 20) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "·" * (width - filled)


def render(
    result: Result,
    fmt: str,
    *,
    assessment: object | None = None,
    previous: Result | None = None,
    paper: str = "a4",
) -> str | bytes:
    """Render a result in one of FORMATS; pdf gives bytes, the others text."""
    if fmt == "text":
        return render_text(result)
    if fmt == "json":
        return render_json(result)
    raise NotImplementedError(f"format {fmt} is not available yet")
