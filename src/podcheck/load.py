"""Assessment files → typed model. The only place that reads input; every error names file and path."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .files import read_bounded
from .model import SCHEMA, Assessment
from .text import describe_char, name_problem

MAX_FILE_BYTES = 5_000_000
Loc = tuple[str | int, ...]
LineMap = dict[Loc, int]


# ---------------------------------------------------------------- YAML, safely, with line numbers


# libyaml's parser when PyYAML was built with it (several times faster); the safe constructor either way.
_BaseSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLineLoader(_BaseSafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (no Python objects, ever); duplicate keys are caught by _tree_problems."""


def _construct_mapping(loader: _SafeLineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    # Keys written twice were reported before construction; here only merged keys (`<<: *base`)
    # can repeat, and for those the key written in the mapping itself wins, as YAML intends.
    loader.flatten_mapping(node)
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            ) from None
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: _SafeLineLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        # 2026-13-45 looks like a date to YAML but is none: keep the text so the model can name the place.
        return loader.construct_scalar(node)


_SafeLineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

# Far beyond any real unit, and it stops aliases that expand exponentially ("billion laughs").
MAX_VALUES = 200_000


class _TooManyValues(Exception):
    pass


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _tree_problems(root: yaml.Node, file: str) -> list[Problem]:
    """Check the parsed tree before building any value: tags, duplicate keys, aliases that loop or explode."""
    problems: list[Problem] = []
    known_tags = {*_SafeLineLoader.yaml_constructors, _MERGE_TAG}  # `<<: *base` is plain YAML
    count = 0

    def add(loc: Loc, node: yaml.Node, message: str) -> None:
        problems.append(Problem(file, format_loc(loc), message, node.start_mark.line + 1))

    def visit(node: yaml.Node, loc: Loc, open_nodes: frozenset[int]) -> None:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise _TooManyValues
        if id(node) in open_nodes:
            add(loc, node, "refers to itself through a YAML alias (*name inside its own &name)")
            return
        if node.tag not in known_tags:
            add(loc, node, f"uses the YAML tag {_short_tag(node.tag)}, which podcheck refuses to load (plain YAML only)")
            return
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG):
            surprise = _surprising_number(node)
            if surprise:
                add(loc, node, surprise)
                return
        inner = open_nodes | {id(node)}
        if isinstance(node, yaml.MappingNode):
            first_line: dict[tuple[str, str], int] = {}
            for key_node, value_node in node.value:
                key = (key_node.tag, str(key_node.value))
                child = (*loc, str(key_node.value))
                if not isinstance(key_node, yaml.ScalarNode) or (
                        key_node.tag in known_tags and key_node.tag not in (_STR_TAG, _MERGE_TAG)):
                    # Reported where the key sits, with its line (pydantic would know neither).
                    add(loc, key_node, _key_problem(key_node))
                    continue
                if key_node.tag != _MERGE_TAG:
                    if key in first_line:
                        add(child, key_node, f"key '{key_node.value}' appears twice (first on line {first_line[key]})")
                    first_line.setdefault(key, key_node.start_mark.line + 1)
                visit(key_node, child, inner)
                visit(value_node, child, inner)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                visit(item, (*loc, index), inner)

    try:
        visit(root, (), frozenset())
    except _TooManyValues:
        return [_too_many(file)]
    return problems


_STR_TAG, _INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_KEY_KINDS = {
    _INT_TAG: "a number", _FLOAT_TAG: "a number", "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "null (nothing)", "tag:yaml.org,2002:timestamp": "a date",
}


def _node_text(node: yaml.Node, limit: int = 40) -> str:
    """A node as it might be written in flow style, for quoting a key in a message."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value) or "(empty)"
    elif isinstance(node, yaml.SequenceNode):
        text = "[" + ", ".join(_node_text(item, limit) for item in node.value) + "]"
    else:
        text = "{" + ", ".join(f"{_node_text(k, limit)}: {_node_text(v, limit)}" for k, v in node.value) + "}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key_problem(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return f"key {_node_text(node)} must be text, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}"
    if node.value == "":
        return "a key is missing (nothing before the ':')"
    kind = _KEY_KINDS.get(node.tag, _short_tag(node.tag))
    return f"key {_node_text(node)} must be text, but YAML reads it as {kind}: put it in quotes (\"{node.value}\")"


_PLAIN_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9_]*)")


def _surprising_number(node: yaml.ScalarNode) -> str | None:
    """Why a YAML 1.1 number is not what its writer meant ('1:30' is 90, '0x10' is 16, '010' is 8), or None."""
    text = str(node.value)
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    value: float
    try:
        if ":" in digits:
            kind, value = "a base-60", 0
            for part in digits.split(":"):
                value = value * 60 + (float(part) if node.tag == _FLOAT_TAG else int(part))
        elif node.tag == _FLOAT_TAG or _PLAIN_INTEGER.fullmatch(text):
            return None
        elif digits[:2] in ("0x", "0X"):
            kind, value = "a hexadecimal", int(digits[2:], 16)
        elif digits[:2] in ("0b", "0B"):
            kind, value = "a binary", int(digits[2:], 2)
        else:
            kind, value = "an octal", int(digits, 8)
    except ValueError:
        return None  # not a number at all (`!!int twelve`): building the value reports it
    shown = f"{sign * value:g}" if isinstance(value, float) else str(sign * value)
    return (f"'{text}' is {kind} number to YAML ({shown}); write a plain decimal number, "
            "or put it in quotes if you mean text")


def _line_map(node: yaml.Node | None, loc: Loc = ()) -> LineMap:
    """Each key's and list item's line number, by its path in the document."""
    lines: LineMap = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*loc, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            lines.update(_line_map(value_node, child))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            lines[child] = item.start_mark.line + 1
            lines.update(_line_map(item, child))
    return lines


def _yaml_problem(file: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
        tag = problem.split("tag", 1)[1].strip().strip("'")
        return Problem(file, "", f"uses the YAML tag {tag}, which podcheck refuses to load (plain YAML only)", line)
    if "nesting depth" in problem:  # libyaml's own guard against deep nesting
        return Problem(file, "", "is nested too deeply to be an assessment file", line)
    return Problem(file, "", f"is not valid YAML: {problem}", line)


def read_yaml_mapping(path: str | Path, *, what: str = "an assessment file") -> tuple[dict[str, Any], LineMap]:
    """Read a YAML file whose top level is a mapping; returns the data and a line map for errors.

    Only a regular file of at most MAX_FILE_BYTES is read; `what` names it in the size message.
    """
    path = Path(path)
    file = str(path)
    if path.is_dir():
        raise InputError.single(file, "is a folder, not a file (pass the .yaml files in it, or use `podcheck batch`)")
    raw = read_bounded(path, MAX_FILE_BYTES, what=what)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(file, f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8", line=line) from None
    return parse_yaml_mapping(text, file)


def _check_characters(text: str, file: str) -> None:
    """Refuse what YAML cannot hold, saying on which line (YAML's own error gives an offset)."""
    bad = _UNREADABLE.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    char = bad.group()
    if char == "\x00":
        raise InputError.single(file, "holds a NUL byte, which text never does (saved as UTF-16, or not a text file?); "
                                "save it as UTF-8 text", line=line)
    raise InputError.single(file, f"holds {describe_char(char)}, which YAML does not allow: delete it", line=line)


# What YAML 1.1 refuses in a stream: C0 controls but tab, line feed and carriage return; DEL, C1
# controls but NEL; surrogates; U+FFFE/U+FFFF. libyaml reports these by offset, not line.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _check_size(text: str, file: str) -> None:
    """Stop at the value budget while reading, before a tree of millions of nodes is built.

    Counts parser events (every scalar, alias, list and mapping), which cost no tree; the
    budget on values expanded through aliases is checked after composing, in _tree_problems.
    """
    if len(text) <= MAX_VALUES:
        # Values take about a character each at the very least: the tree of a text this short is
        # cheap to build, and _tree_problems applies the budget to it.
        return
    loader = _SafeLineLoader(text)
    count = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, _VALUE_EVENTS):
                count += 1
                if count > MAX_VALUES:
                    raise InputError([_too_many(file)])
            elif isinstance(event, yaml.StreamEndEvent):
                break
    except yaml.YAMLError:
        return  # composing the file reports the error, with its line
    finally:
        loader.dispose()


_VALUE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _too_many(file: str) -> Problem:
    return Problem(file, "", f"holds more than {MAX_VALUES:,} values (YAML aliases expanded); "
                   "an assessment of one unit is far smaller")


def parse_yaml_mapping(text: str, file: str = "<text>") -> tuple[dict[str, Any], LineMap]:
    """Parse YAML text whose top level must be a mapping; errors name `file`."""
    if not text.strip():
        raise InputError.single(file, "file is empty; an assessment starts with `schema: podcheck/1`")
    _check_characters(text, file)
    _check_size(text, file)
    loader = _SafeLineLoader(text)
    try:
        node = loader.get_single_node()
        problems = _tree_problems(node, file) if node is not None else []
        if problems:
            raise InputError(problems)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise InputError([_yaml_problem(file, exc)]) from None
    except RecursionError:
        raise InputError.single(file, "is nested too deeply to be an assessment file") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # An explicit tag on a value that does not fit it, like `!!int twelve`.
        raise InputError.single(file, f"is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError.single(file, "file holds no data; an assessment starts with `schema: podcheck/1`")
    if not isinstance(data, dict):
        raise InputError.single(file, f"the top level must be a mapping of keys (schema, organization, unit…), not a {_kind(data)}", line=1)
    return data, _line_map(node)


# ---------------------------------------------------------------- pydantic errors in plain words


def format_loc(loc: Iterable[str | int]) -> str:
    """('people', 3, 'roles', 'analyst') → 'people[3].roles.analyst'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _kind(value: object) -> str:
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


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _plain_message(error: Mapping[str, Any], loc: Loc, root: type[BaseModel] = Assessment) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        allowed = _allowed_keys(model) if model else []
        hint = _suggest(str(loc[-1]), allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
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
        return f"must be text (got {_kind(value)})"
    if kind in {"string_too_short"}:
        return "must not be empty"
    if kind in {"string_too_long"}:
        return "is too long"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (got {_shown(value)})"
    if kind in {"list_type"}:
        return f"must be a list (got {_kind(value)})"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"must be a mapping of keys (got {_kind(value)})"
    if kind == "too_short":
        return "needs at least one entry"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"][0].lower() + error["msg"][1:]


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
            problems.append(Problem(file, format_loc(loc[:-1]), _plain_message(error, loc, root), _line_for(lines, at)))
            continue
        problems.append(Problem(file, format_loc(loc), _plain_message(error, loc, root), _line_for(lines, loc)))
    return problems


def _line_for(lines: LineMap, loc: Loc) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


# ---------------------------------------------------------------- cross-checks between parts of a file


def _reference(value: object) -> str | None:
    """A name given to refer to a person or pod, stripped; None when it cannot be one (the model says why)."""
    if not isinstance(value, str) or not value.strip() or name_problem(value.strip()):
        return None
    return value.strip()



def _cross_check(data: dict[str, Any], file: str, lines: LineMap, question_ids: set[str]) -> list[Problem]:
    """Checks that span keys (pods exist, names unique…), made on the raw data so all are reported."""
    problems: list[Problem] = []

    def add(loc: Loc, message: str) -> None:
        problems.append(Problem(file, format_loc(loc), message, _line_for(lines, loc)))

    pods = data.get("pods") if isinstance(data.get("pods"), list) else []
    people = data.get("people") if isinstance(data.get("people"), list) else []
    def first_places(items: list[Any], key: str, what: str) -> dict[str, int]:
        """Each name's first index; a name seen again is reported where it repeats."""
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str):
                name = name.strip()
                if name in first:
                    add((key, i, "name"), f"{what} '{name}' is listed twice (first at {key}[{first[name]}]); names must be unique")
                first.setdefault(name, i)
        return first

    pod_names = first_places(pods, "pods", "pod")
    person_names = first_places(people, "people", "person")

    head = _reference(data.get("head_of_integration"))
    if head is not None and head not in person_names:
        add(("head_of_integration",), f"no person named '{head}' in people{_suggest(head, person_names)}")

    for i, person in enumerate(people):
        if not isinstance(person, dict):
            continue
        name = person.get("name").strip() if isinstance(person.get("name"), str) else None
        extended = person.get("member") == "extended"
        is_head = name is not None and name == head
        pod = person.get("pod")
        if isinstance(pod, str):
            if _reference(pod) is not None and pod.strip() not in pod_names:
                listed = ", ".join(pod_names) or "none"
                add(("people", i, "pod"), f"no pod named '{pod}'{_suggest(pod, pod_names)} (pods in this file: {listed})")
        elif pod is None and not is_head:
            add(("people", i, "pod"), "is required: every pod member names their pod (only the head of integration may omit it)")
        roles = person.get("roles")
        if not roles and not extended and not is_head:
            add(("people", i, "roles"), "a core member needs at least one role (lead, technologist or analyst); mark a part-time helper with `member: extended`")
        if person.get("helps_as") is not None and not extended:
            add(("people", i, "helps_as"), "only part-time helpers have this; add `member: extended` or remove it")
        boss = _reference(person.get("reports_to"))
        if boss is not None:
            if boss not in person_names:
                add(("people", i, "reports_to"), f"no person named '{boss}' in people{_suggest(boss, person_names)}")
            elif boss == name:
                add(("people", i, "reports_to"), "a person cannot report to themselves")

    answers = data.get("answers")
    if isinstance(answers, dict) and question_ids:
        for qid in answers:
            if str(qid) not in question_ids:
                add(("answers", str(qid)), f"unknown question id{_suggest(str(qid), question_ids)} (list them with `podcheck questions`)")
    return problems


# ---------------------------------------------------------------- public entry points


def parse_assessment(data: Mapping[str, Any], file: str = "<assessment>", lines: LineMap | None = None) -> Assessment:
    """Validate already-parsed data (a dict from YAML, a spreadsheet or the workshop) into a model."""
    from .catalog import question_ids

    lines = lines or {}
    data = dict(data)
    problems: list[Problem] = []
    schema = data.get("schema")
    if schema is not None and schema != SCHEMA:
        problems.append(Problem(file, "schema", f"'{schema}' is not a format this podcheck reads; use `schema: {SCHEMA}`", _line_for(lines, ("schema",))))
        data["schema"] = SCHEMA  # report the rest of the file's problems too
    try:
        model = Assessment.model_validate(data)
    except ValidationError as exc:
        model = None
        problems += validation_problems(exc, file, lines)
    problems += _cross_check(data, file, lines, question_ids())
    if problems:
        unique = list(dict.fromkeys(problems))
        raise InputError(sorted(unique, key=lambda p: (p.line or 0, p.path)))
    assert model is not None
    return model


def load_assessment(path: str | Path) -> Assessment:
    """Read and validate one assessment file; raises InputError listing every problem found."""
    data, lines = read_yaml_mapping(path)
    return parse_assessment(data, str(path), lines)


def parse_assessment_text(text: str, file: str = "<text>") -> Assessment:
    """Validate an assessment given as YAML text."""
    data, lines = parse_yaml_mapping(text, file)
    return parse_assessment(data, file, lines)


def find_assessment_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the assessment files they hold, sorted, without duplicates."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            found.append(path)
    return list(dict.fromkeys(found))
