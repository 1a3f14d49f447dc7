"""The one loader for podcheck's own YAML data (catalog, rule metadata): validated, loud on any error."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import ConfigError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class DataFile:
    """A YAML data file and the name errors call it by (`catalog/stages.yaml`)."""

    path: Traversable
    label: str

    @classmethod
    def packaged(cls, package: str, name: str) -> DataFile:
        """A file shipped inside a podcheck package, named by its folder and file name."""
        return cls(files(package).joinpath(name), f"{package.rsplit('.', 1)[-1]}/{name}")

    @classmethod
    def local(cls, path: str | Path) -> DataFile:
        """A file of the user's own (a team's rule metadata), named by its path."""
        return cls(Path(path), str(path))


def read_data(file: DataFile) -> Any:
    """The parsed YAML of a data file."""
    try:
        return yaml.safe_load(file.path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{file.label}: cannot be read: {exc}") from None


def first_error(exc: ValidationError) -> str:
    """Pydantic's first complaint as one line: `field.path: message`."""
    error = exc.errors(include_url=False)[0]
    loc = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def read_entries(file: DataFile, model: type[M], key: str = "id") -> tuple[M, ...]:
    """Every entry of a data file that lists `model`s, in file order; a `key` (id) used twice is an error."""
    raw = read_data(file)
    if not isinstance(raw, list):
        raise ConfigError(f"{file.label}: must be a list of entries")
    entries: list[M] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        label = item.get(key, f"entry {index}") if isinstance(item, dict) else f"entry {index}"
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            raise ConfigError(f"{file.label}: {label}: {first_error(exc)}") from None
        name = str(getattr(entry, key))
        if name in seen:
            raise ConfigError(f"{file.label}: {key} '{name}' appears twice")
        seen.add(name)
        entries.append(entry)
    return tuple(entries)


def read_mapping(file: DataFile, model: type[M]) -> M:
    """A data file that is one mapping, validated as `model`."""
    try:
        return model.model_validate(read_data(file))
    except ValidationError as exc:
        raise ConfigError(f"{file.label}: {first_error(exc)}") from None


def check_known(file: str, owner: str, kind: str, given: Iterable[str], known: Container[str]) -> None:
    """Fail loudly when `owner` in `file` names a `kind` (principle, dimension…) the catalog does not have."""
    for item in given:
        if item not in known:
            raise ConfigError(f"{file}: {owner}: unknown {kind} '{item}'")
