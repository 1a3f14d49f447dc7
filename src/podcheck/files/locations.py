"""Where files are: the project's own folders (templates, playbook, examples), and the files a folder holds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError, Problem
from .atomic import file_kind

PACKAGE = Path(__file__).resolve().parents[1]
# The wheel packs these folders under podcheck/_data (pyproject's force-include); a checkout has them at its root.
_FOLDERS = {"templates": "templates", "playbook": "playbook", "examples": "assessments/examples"}


def data_folder(name: str) -> Path:
    """One of the project's folders ('templates', 'playbook', 'examples').

    Running from a source checkout, the folder in the checkout (what a developer edits); installed,
    the copy packed into the wheel.
    """
    source = PACKAGE.parents[1] / _FOLDERS[name]
    if (PACKAGE.parents[1] / "pyproject.toml").is_file() and source.is_dir():
        return source
    return PACKAGE / "_data" / name


def templates_dir() -> Path:
    """The Jinja2 templates (templates/ in a checkout)."""
    return data_folder("templates")


def playbook_dir() -> Path:
    """The playbook notebooks (playbook/ in a checkout)."""
    return data_folder("playbook")


def examples_dir() -> Path:
    """The bundled example assessments (assessments/examples/ in a checkout)."""
    return data_folder("examples")


def files_in(folder: Path, suffixes: tuple[str, ...], *, skip: tuple[str, ...] = ()) -> list[Path]:
    """The entries directly in `folder` whose suffix is one of `suffixes` (any case), sorted by name.

    Names starting with one of `skip` are left out (a portfolio's own output, hidden files). Sub-folders
    are left out; anything else so named (a pipe, a device) is kept, so that reading it fails with a
    line naming it instead of being skipped in silence.
    """
    return sorted(f for f in folder.iterdir()
                  if f.suffix.lower() in suffixes and not f.name.startswith(skip) and not f.is_dir())


def expand_folders(inputs: Iterable[str | Path], suffixes: tuple[str, ...], *, skip: tuple[str, ...] = (),
                   check: str | None = None) -> list[Path]:
    """Files as given and folders replaced by their files (see files_in), in order, without duplicates.

    With `check` (what the folder should hold, e.g. "assessment YAML files"), a path that does not
    exist, is not a regular file, or is a folder without such files is an InputError naming each.
    """
    found: list[Path] = []
    missing: list[Problem] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            inside = files_in(path, suffixes, skip=skip)
            if check and not inside:
                missing.append(Problem(str(path), "", f"folder holds no {check}", code="empty"))
            found += inside
        elif not check or path.is_file():
            found.append(path)
        elif path.exists():
            # A FIFO or a device: reading it would wait for ever or never end.
            missing.append(Problem(str(path), "", f"is {file_kind(path.stat().st_mode)}, not a regular file",
                                   code="not-regular"))
        else:
            missing.append(Problem(str(path), "", "no such file or folder", code="not-found"))
    if missing:
        raise InputError(missing)
    return list(dict.fromkeys(found))
