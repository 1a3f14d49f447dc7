"""Pieces of HTML that notebooks and the workshop show inside Jupyter, from templates/fragments/.

A headline, a stage banner, finding cards, a before/after comparison: each is a Jinja template rendered
by the reports' own environment, so every name from a file is escaped the same way, by autoescape.
Every fragment can use the scaling ladder (`ladder`), the principles and the labels of roles.
"""

from __future__ import annotations

from typing import Any

from .catalog import labels, principles, stages
from .render import environment

FOLDER = "fragments"


def fragment(name: str, **context: Any) -> str:
    """The fragment templates/fragments/<name>.html.j2 rendered with `context`, without surrounding blanks."""
    catalog = {"ladder": stages(), "principles": principles(), "role_labels": labels().roles}
    return environment().get_template(f"{FOLDER}/{name}.html.j2").render(**catalog, **context).strip()
