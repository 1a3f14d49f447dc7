"""The notebook the batch runs for each unit: the playbook's numbered notebooks assembled into one, so that a
unit costs one kernel run; its digest, so that an edited playbook reruns the units."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError
from ..files.locations import playbook_dir


def numbered_notebooks(folder: Path | None = None) -> list[Path]:
    """The playbook's reading path, 01-… to 06-… (00-workshop is interactive and not run by the batch)."""
    folder = folder or playbook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


def combined_notebook(folder: Path | None = None) -> dict[str, Any]:
    """The numbered notebooks as one (a plain nbformat-4 dict), for one kernel start per unit: the first
    one's parameters and check cells stay, the later ones' are dropped (papermill injects parameters
    after the first tagged cell, and a later one would undo them)."""
    parts = numbered_notebooks(folder)
    if not parts:
        raise InputError.single(str(folder or playbook_dir()), "holds no playbook notebooks (01-….ipynb)")
    combined: dict[str, Any] = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    # Plain JSON rather than nbformat: importing nbformat costs a second, and a rerun that skips
    # every unit needs only this digest.
    for index, path in enumerate(parts):
        part = json.loads(path.read_text(encoding="utf-8"))
        if index == 0:
            combined["metadata"] = part.get("metadata", {})
        for cell in part["cells"]:
            tags = cell.get("metadata", {}).get("tags", [])
            if index > 0 and ("parameters" in tags or "validate-parameters" in tags):
                continue
            cell = copy.deepcopy(cell)
            if cell["cell_type"] == "code":
                cell["outputs"] = []
                cell["execution_count"] = None
            combined["cells"].append(cell)
    return combined


def notebook_digest(nb: dict[str, Any]) -> str:
    """SHA-256 of the notebook's cells (sources and tags), so an edited playbook reruns the units."""
    cells = [[c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
              c.get("metadata", {}).get("tags", [])] for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


@functools.cache
def playbook_label() -> str:
    """What the executed notebooks name as their source."""
    parts = ", ".join(p.name for p in numbered_notebooks())
    return f"podcheck {__version__} playbook ({parts}), run as one notebook"
