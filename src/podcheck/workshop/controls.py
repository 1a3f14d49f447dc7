"""What every tab of the workshop builds with: dropdown choices, quiet updates, rows that wrap, HTML pieces.

Choices come from the model's lists (podcheck.model) and labels from the catalog, never retyped here.
HTML comes from templates/fragments/ through podcheck.render.fragments, escaped there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import ipywidgets as w

from ..catalog import labels
from ..model import MEMBERSHIP, ROLES
from ..render.fragments import fragment

BLANK = "—"
# How the workshop names a membership: the room speaks of part-time helpers, the file of extended members.
MEMBER_WORDS = dict(zip(MEMBERSHIP, ("core member", "part-time helper"), strict=True))
TRAINING = {"": "— integration training? —", "yes": "has integration training", "no": "no integration training"}
OWNS = {"": "— owns deliverables? —", "yes": "owns deliverables", "no": "contributes, does not own"}
FLAG = {"": None, "yes": True, "no": False}


def role_options() -> list[tuple[str, str]]:
    """The roles as dropdown options, lead first, in the catalog's words."""
    return [(labels().roles[r], r) for r in ROLES]


def flag_options(words: dict[str, str]) -> list[tuple[str, str]]:
    """A yes/no/unknown dropdown's options from its words."""
    return [(label, key) for key, label in words.items()]


def flag_value(flag: Any) -> str:
    """True/False/unknown from the file as the dropdown's value."""
    return {True: "yes", False: "no"}.get(flag, "") if isinstance(flag, bool) or flag is None else ""


def options(values: Iterable[str], current: Any, blank: str | None = BLANK,
            words: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Dropdown options as (label, value); '' stands for 'not given', and an unknown current value stays listed."""
    values = tuple(values)
    opts = [(blank, "")] if blank is not None else []
    opts += [((words or {}).get(v, v), v) for v in values]
    if current not in (None, "") and str(current) not in values:
        opts.append((f"{current} (not in the list)", str(current)))
    return opts


def show(widget: w.Widget, **traits: Any) -> None:
    """Set traits only where they differ, so an unchanged widget sends nothing to the browser."""
    for name, value in traits.items():
        if isinstance(value, list):
            value = tuple(value)  # ipywidgets stores options as tuples; a list would never compare equal
        if getattr(widget, name) != value:
            setattr(widget, name, value)


def as_text(value: Any) -> str:
    """A value from the file as a text box shows it: '' for not given."""
    return "" if value is None else str(value)


def as_count(typed: str) -> int | str | None:
    """A count typed into a text box: a whole number, None for unknown, else the text (the check names it)."""
    typed = typed.strip()
    if not typed:
        return None
    try:
        return int(typed)
    except ValueError:
        return typed


def percent(share: Any) -> int:
    """A share of time from the file (0..1) as a slider's percentage."""
    try:
        return max(0, min(100, round(float(share) * 100)))
    except (TypeError, ValueError):
        return 0


def label(words: str, width: str = "110px") -> w.Label:
    """A fixed-width label in front of a field."""
    return w.Label(words, layout=w.Layout(width=width))


def word(words: str) -> w.Label:
    """A short label that takes the width of its words."""
    return w.Label(words, layout=w.Layout(width="auto", margin="0 6px 0 2px"))


def line(children: list[w.Widget]) -> w.HBox:
    """A line of fields that wraps on a narrow screen instead of cutting fields off."""
    return w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center"))


def note(words: str, kind: str = "pc-small") -> w.HTML:
    """A line of plain text styled as a hint (pc-small) or a panel title (podcheck-panel-title)."""
    return w.HTML(fragment("workshop/note", text=words, kind=kind))


def lines_html(lines: Iterable[str]) -> str:
    """Problem messages under a field, one per line."""
    return fragment("workshop/lines", lines=[str(line) for line in lines])


@functools.cache
def style() -> str:
    """The workshop's stylesheet (templates/workshop/workshop.css) in a <style> element, read once."""
    return fragment("workshop/style")
