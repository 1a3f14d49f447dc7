"""Pieces of HTML that notebooks and the workshop show inside Jupyter, from templates/fragments/.

A headline, a stage banner, finding cards, a before/after comparison: each is a Jinja template rendered
by the reports' own environment, so every name from a file is escaped the same way, by autoescape.
Every fragment can use the scaling ladder (`ladder`) and the principles, beside what the environment
gives every template (SEVERITIES, ROLES, labels...).
"""

from __future__ import annotations

from typing import Any

from ..catalog import principles, stages
from .templates import environment

FOLDER = "fragments"


def fragment(name: str, **context: Any) -> str:
    """The fragment templates/fragments/<name>.html.j2 rendered with `context`, without surrounding blanks."""
    catalog = {"ladder": stages(), "principles": principles()}
    return environment().get_template(f"{FOLDER}/{name}.html.j2").render(**catalog, **context).strip()
