"""YAML read safely: plain data only, a value budget, a line for every key, problems in plain words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Loc, Problem
from ..text import describe_char
from .atomic import read_bounded
from .problems import LineMap, kind_of

MAX_FILE_BYTES = 5_000_000


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

    def add(loc: Loc, node: yaml.Node, message: str, code: str) -> None:
        problems.append(Problem.at(file, loc, message, node.start_mark.line + 1, code=code))

    def visit(node: yaml.Node, loc: Loc, open_nodes: frozenset[int]) -> None:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise _TooManyValues
        if id(node) in open_nodes:
            add(loc, node, "refers to itself through a YAML alias (*name inside its own &name)", "alias-loop")
            return
        if node.tag not in known_tags:
            add(loc, node, f"uses the YAML tag {_short_tag(node.tag)}, which podcheck refuses to load "
                "(plain YAML only)", "tag")
            return
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG):
            surprise = _surprising_number(node)
            if surprise:
                add(loc, node, surprise, "number")
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
                    add(loc, key_node, _key_problem(key_node), "key-type")
                    continue
                if key_node.tag != _MERGE_TAG:
                    if key in first_line:
                        add(child, key_node, f"key '{key_node.value}' appears twice "
                            f"(first on line {first_line[key]})", "duplicate")
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
        kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
        return f"key {_node_text(node)} must be text, not a {kind}"
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
        return Problem(file, "", f"uses the YAML tag {tag}, which podcheck refuses to load (plain YAML only)", line,
                       code="tag")
    if "nesting depth" in problem:  # libyaml's own guard against deep nesting
        return Problem(file, "", "is nested too deeply to be an assessment file", line, code="too-deep")
    return Problem(file, "", f"is not valid YAML: {problem}", line, code="yaml")


def read_yaml_mapping(path: str | Path, *, what: str = "an assessment file") -> tuple[dict[str, Any], LineMap]:
    """Read a YAML file whose top level is a mapping; returns the data and a line map for errors.

    Only a regular file of at most MAX_FILE_BYTES is read; `what` names it in the size message.
    """
    return parse_yaml_mapping(_read_text(path, what), str(path))


def read_yaml_list(path: str | Path, *, what: str, first: str) -> tuple[list[Any], LineMap]:
    """Read a YAML file whose top level is a list (`first` shows what an item looks like), as safely as an
    assessment file: plain data only, the same size and value bounds, problems in plain words."""
    file = str(path)
    empty = f"file holds no data; it should be a list, each item starting {first}"
    data, lines = _parse_yaml(_read_text(path, what), file, empty)
    if not isinstance(data, list):
        raise InputError.single(file, f"the top level must be a list (each item starting {first}), "
                                f"not a {kind_of(data)}", line=1, code="type")
    return data, lines


def _read_text(path: str | Path, what: str) -> str:
    path = Path(path)
    file = str(path)
    if path.is_dir():
        raise InputError.single(file, "is a folder, not a file (pass the .yaml files in it, or use `podcheck batch`)",
                                code="folder")
    raw = read_bounded(path, MAX_FILE_BYTES, what=what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(file, f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8",
                                line=line, code="encoding") from None


def _check_characters(text: str, file: str) -> None:
    """Refuse what YAML cannot hold, saying on which line (YAML's own error gives an offset)."""
    bad = _UNREADABLE.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    char = bad.group()
    if char == "\x00":
        raise InputError.single(file, "holds a NUL byte, which text never does (saved as UTF-16, or not a text file?); "
                                "save it as UTF-8 text", line=line, code="encoding")
    raise InputError.single(file, f"holds {describe_char(char)}, which YAML does not allow: delete it", line=line,
                            code="encoding")


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
                   "an assessment of one unit is far smaller", code="too-large")


def parse_yaml_mapping(text: str, file: str = "<text>") -> tuple[dict[str, Any], LineMap]:
    """Parse YAML text whose top level must be a mapping; errors name `file`."""
    data, lines = _parse_yaml(text, file, "file holds no data; an assessment starts with `schema: podcheck/1`")
    if not isinstance(data, dict):
        raise InputError.single(file, "the top level must be a mapping of keys (schema, organization, unit…), "
                                f"not a {kind_of(data)}", line=1, code="type")
    return data, lines


def _parse_yaml(text: str, file: str, empty: str) -> tuple[Any, LineMap]:
    """Parse YAML text safely into plain data (never None: `empty` says what an empty file should hold)."""
    if not text.strip():
        raise InputError.single(file, "file is empty; " + empty.split("; ", 1)[-1], code="empty")
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
        raise InputError.single(file, "is nested too deeply to be an assessment file",
                                code="too-deep") from None
    except (ValueError, TypeError, OverflowError) as exc:
        # An explicit tag on a value that does not fit it, like `!!int twelve`.
        raise InputError.single(file, f"is not valid YAML: {exc}", code="yaml") from None
    finally:
        loader.dispose()
    if data is None:
        raise InputError.single(file, empty, code="empty")
    return data, _line_map(node)

