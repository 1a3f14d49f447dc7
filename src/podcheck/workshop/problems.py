"""Problems by field: which field of the workshop shows each problem, and paths named as the room knows them.

A problem names a path in the file (`people[3].roles.analyst`); the workshop shows it beside the
widget for that path, or the nearest enclosing one that has a widget.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Problem, format_loc, parse_loc
from .changes import Data


def field_errors(problems: Iterable[Problem], fields: Iterable[str]) -> dict[str, list[str]]:
    """Each problem's message under the field it belongs to: its own path if a field shows it, else the
    nearest enclosing field that does, else '' (the unit as a whole)."""
    known = set(fields)
    out: dict[str, list[str]] = {}
    for problem in problems:
        parts = problem.loc
        target = ""
        while parts:
            candidate = format_loc(parts)
            if candidate in known:
                target = candidate
                break
            parts = parts[:-1]
        out.setdefault(target, []).append(problem.message)
    return out


def describe_path(data: Data, path: str) -> str:
    """'people[3].roles.analyst' → 'Bo Chen › roles › analyst': people and pods named as the room knows them."""
    parts = parse_loc(path)
    words: list[str] = []
    i = 0
    while i < len(parts):
        part, following = parts[i], parts[i + 1] if i + 1 < len(parts) else None
        if part in ("people", "pods") and isinstance(following, int):
            items = data.get(part) if isinstance(data.get(part), list) else []
            item = items[following] if following < len(items) else None
            name = item.get("name") if isinstance(item, dict) else None
            kind = "person" if part == "people" else "pod"
            if name and kind == "person":
                words.append(str(name))
            else:
                # "pod CRM", but "Pod 1" rather than "pod Pod 1"
                named = str(name) if name and "pod" in str(name).lower().split() else f"pod {name}"
                words.append(named if name else f"{kind} #{following + 1}")
            i += 2
            continue
        words.append(str(part).replace("_", " "))
        i += 1
    return " › ".join(words) or "the unit"
