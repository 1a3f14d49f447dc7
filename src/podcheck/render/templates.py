"""The one Jinja2 environment over templates/: autoescaping, strict undefined, filters and shared words.

Every template sees the filters of render.filters and these globals, so none retypes a list:
SEVERITIES (most serious first), HORIZONS (soonest first), ROLES (the model's order), labels
(the catalog's words for roles, severities and horizons) bar (a score as a text bar) and
standing (a score's band and label from its number and the worst open severity).
"""

from __future__ import annotations

import functools

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..catalog import HORIZONS, SEVERITIES, labels
from ..files.locations import templates_dir
from ..model import ROLES
from .filters import FILTERS, bar, standing


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
    env.filters.update(FILTERS)
    env.globals.update(SEVERITIES=SEVERITIES, HORIZONS=HORIZONS, ROLES=ROLES, labels=labels(), bar=bar,
                       standing=standing)
    return env
