"""The one loader for the project's own YAML data (catalog and rule metadata): validated, loud on errors."""

from __future__ import annotations

from collections.abc import Container, Iterable
from importlib.resources import files
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def read_data(package: str, name: str) -> Any:
    """The parsed YAML of the data file `name` shipped in `package`."""
    try:
        return yaml.safe_load(files(package).joinpath(name).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{where(package, name)}: cannot be read: {exc}") from None


def where(package: str, name: str) -> str:
    """How errors name a data file: its folder inside podcheck and its name (`catalog/stages.yaml`)."""
    return f"{package.rsplit('.', 1)[-1]}/{name}"


def first_error(exc: ValidationError) -> str:
    """Pydantic's first complaint as one line: `field.path: message`."""
    error = exc.errors(include_url=False)[0]
    loc = ".".join(str(part) for part in error["loc"])
    return f"{loc}: {error['msg']}" if loc else error["msg"]


def read_entries(package: str, name: str, model: type[M]) -> tuple[M, ...]:
    """Every entry of a data file that is a list of `model`s, in file order; an id used twice is an error."""
    raw = read_data(package, name)
    if not isinstance(raw, list):
        raise ConfigError(f"{where(package, name)}: must be a list of entries")
    entries: list[M] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        label = item.get("id", f"entry {index}") if isinstance(item, dict) else f"entry {index}"
        try:
            entry = model.model_validate(item)
        except ValidationError as exc:
            raise ConfigError(f"{where(package, name)}: {label}: {first_error(exc)}") from None
        key = str(entry.id)  # type: ignore[attr-defined]  # every catalog entry has an id
        if key in seen:
            raise ConfigError(f"{where(package, name)}: id '{key}' appears twice")
        seen.add(key)
        entries.append(entry)
    return tuple(entries)


def read_mapping(package: str, name: str, model: type[M]) -> M:
    """A data file that is one mapping, validated as `model`."""
    try:
        return model.model_validate(read_data(package, name))
    except ValidationError as exc:
        raise ConfigError(f"{where(package, name)}: {first_error(exc)}") from None


def check_known(file: str, owner: str, kind: str, given: Iterable[str], known: Container[str]) -> None:
    """Fail loudly when `owner` in `file` names a `kind` (principle, dimension…) the catalog does not have."""
    for item in given:
        if item not in known:
            raise ConfigError(f"{file}: {owner}: unknown {kind} '{item}'")
