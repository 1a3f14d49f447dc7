"""Problems in plain words: pydantic's errors turned into messages a team can act on, and did-you-mean."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Loc, Problem
from ..model import Assessment

LineMap = dict[Loc, int]
"""Each key's and list item's line in a YAML file, by its place in the data."""


def kind_of(value: object) -> str:
    """What a value is, in a user's words: 'mapping', 'list', 'text', 'number'…"""
    return {
        dict: "mapping", list: "list", str: "text", int: "number", float: "number", bool: "true/false",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


def _shown(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _model_at(loc: Loc, root: type[BaseModel] = Assessment) -> type[BaseModel] | None:
    """The input model found at `loc` inside `root` (an Assessment), to list the keys allowed there."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
        elif origin is typing.Annotated or origin is list:
            annotation = args[0]
        else:
            return annotation


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` was most likely meant to be (a typo away), or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" when `word` is a typo away from one of `choices`, else ""."""
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""


def _plain_message(error: Mapping[str, Any], loc: Loc, root: type[BaseModel] = Assessment) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        allowed = _allowed_keys(model) if model else []
        hint = did_you_mean(str(loc[-1]), allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
        return f"unknown key '{loc[-1]}'{hint}"
    if kind == "invalid_key":
        return f"key {_shown(loc[-1])} must be text"
    if kind == "missing":
        return "is required but missing"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"'{value}' is not allowed here; use one of: {expected}"
    if kind in {"greater_than", "less_than_equal", "greater_than_equal", "less_than"}:
        if loc and loc[-1] in ("lead", "technologist", "analyst"):
            return f"must be between 0 and 1 (a share of time; got {value})"
        low, high = ctx.get("gt", ctx.get("ge")), ctx.get("le", ctx.get("lt"))
        if low is not None and kind.startswith("greater"):
            return f"must be {'more than' if 'gt' in ctx else 'at least'} {low} (got {value})"
        return f"must be at most {high} (got {value})"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"must be a whole number (got {_shown(value)})"
    if kind in {"float_parsing", "float_type"}:
        return f"must be a number (got {_shown(value)})"
    if kind in {"string_type"}:
        return f"must be text (got {kind_of(value)})"
    if kind in {"string_too_short"}:
        return "must not be empty"
    if kind in {"string_too_long"}:
        return "is too long"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (got {_shown(value)})"
    if kind in {"list_type"}:
        return f"must be a list (got {kind_of(value)})"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"must be a mapping of keys (got {kind_of(value)})"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"][0].lower() + error["msg"][1:]


# pydantic's error types → the short word a Problem carries as its code.
_CODES = {
    "extra_forbidden": "unknown-key", "invalid_key": "key-type", "missing": "missing", "literal_error": "choice",
    "greater_than": "range", "less_than_equal": "range", "greater_than_equal": "range", "less_than": "range",
    "string_too_short": "empty", "string_too_long": "too-long", "too_short": "empty",
}


def validation_problems(
    exc: ValidationError, file: str, lines: LineMap, root: type[BaseModel] = Assessment
) -> list[Problem]:
    """Turn pydantic's errors (validating `root`) into one plain Problem each, with path and line."""
    problems = []
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        if error["type"] == "invalid_key":
            # The offending key is the last part of loc; the place it sits in is the rest.
            at = (*loc[:-1], str(loc[-1]))
            problems.append(Problem.at(file, loc[:-1], _plain_message(error, loc, root), line_for(lines, at),
                                       code=_code(error)))
            continue
        problems.append(Problem.at(file, loc, _plain_message(error, loc, root), line_for(lines, loc),
                                   code=_code(error)))
    return problems


def _code(error: Mapping[str, Any]) -> str:
    kind = str(error["type"])
    if kind.endswith(("_type", "_parsing", "_from_float")):
        return "type"
    return _CODES.get(kind, "invalid")


def line_for(lines: LineMap, loc: Loc) -> int | None:
    """The line of `loc`, or of the nearest place around it that has one."""
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None

