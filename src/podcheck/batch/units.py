"""The units of a batch: every input (assessment file, folder of them, spreadsheet roster) becomes a list of
units, each loaded and validated here first, so a bad file fails at once with the usual one-line message and
costs no kernel; only regular files of a sensible size are read (a pipe or a device fails its unit). Each
unit gets a folder of its own, never one another unit or the batch itself uses."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..files.assessment import ASSESSMENT_SUFFIXES, parse_assessment, parse_assessment_text
from ..files.atomic import file_kind, read_bounded, unique_names
from ..files.locations import files_in
from ..files.responses import load_survey
from ..files.safe_yaml import MAX_FILE_BYTES, read_yaml_mapping
from ..model import Assessment
from ..result import Result, Survey
from .processes import process_context
from .store import RESERVED_NAMES

Status = Literal["ok", "skipped", "failed"]

INTERRUPTED = "the batch was interrupted"  # the reason of every unit a stopped batch did not finish

# Below this many files, starting worker processes to read them costs more than it saves.
PARALLEL_LOAD_MIN = 64


@dataclasses.dataclass
class BatchUnit:
    """One unit to assess: where it came from, its validated model (or why it has none), its folder."""

    source: str  # what the user gave: a file, or "roster.csv (unit Payments)"
    text: bytes | None  # the assessment as YAML, copied into the unit's folder
    assessment: Assessment | None
    error: str | None = None  # why the input could not be used
    folder: str = ""
    survey: Survey | None = None  # the survey its `responses:` names, summed up (anonymous) when read

    @property
    def digest(self) -> str:
        """SHA-256 of the unit's input (with its survey, so that new responses rerun the unit)."""
        data = (self.text or b"") + (self.survey.model_dump_json().encode() if self.survey is not None else b"")
        return hashlib.sha256(data).hexdigest()

    @property
    def file(self) -> str:
        """The file the unit came from (for a roster's unit, the roster)."""
        return self.source.split(" (unit ")[0]


@dataclasses.dataclass
class UnitOutcome:
    """What happened to one unit of a batch."""

    unit: BatchUnit
    status: Status
    reason: str | None = None
    result: Result | None = None
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # format → path relative to --out
    seconds: float = 0.0


def _failed(source: str | Path, exc: Exception) -> BatchUnit:
    """A unit whose input could not be read, for a reason that is not bad input."""
    return BatchUnit(str(source), None, None, f"{source}: cannot be read: {exc.__class__.__name__}: {exc}".rstrip(": "))


def _load_file(path: Path) -> BatchUnit:
    """One input file as a unit; whatever goes wrong reading or validating it is that unit's failure."""
    try:
        text = read_bounded(path, MAX_FILE_BYTES, what="an assessment file")
        data, lines = read_yaml_mapping(path)
        assessment = parse_assessment(data, str(path), lines)
        # `responses:` is relative to the unit's own file: read here, where that file is.
        return BatchUnit(str(path), text, assessment, survey=load_survey(assessment, path))
    except InputError as exc:
        return BatchUnit(str(path), None, None, exc.summary())
    except Exception as exc:  # noqa: BLE001 - one unreadable input must not stop the others
        return _failed(path, exc)


def _load_roster(path: Path, facts: str | Path | None) -> list[BatchUnit]:
    """A roster's units, each validated; an unreadable roster is one failed unit."""
    from ..files.roster import read_roster, roster_yaml

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise InputError.single(str(path), f"is {file_kind(mode)}, not a file; a roster is a .csv or .xlsx file")
        entries = read_roster(path, facts)
    except FileNotFoundError:
        return [BatchUnit(str(path), None, None, f"{path}: file not found")]
    except InputError as exc:
        return [BatchUnit(str(path), None, None, exc.summary())]
    except Exception as exc:  # noqa: BLE001 - an unreadable roster fails its units, not the batch
        return [_failed(path, exc)]
    units = []
    for entry in entries:
        source = f"{path} (unit {entry.name})"
        try:
            assessment = entry.assessment()
        except InputError as exc:
            units.append(BatchUnit(source, None, None, exc.summary()))
            continue
        except Exception as exc:  # noqa: BLE001 - as above, for one unit of the roster
            units.append(BatchUnit(source, None, None, f"{source}: {exc.__class__.__name__}: {exc}".rstrip(": ")))
            continue
        text = roster_yaml(assessment, path).encode("utf-8")
        # The YAML the notebook reads must give back exactly the model validated here.
        units.append(BatchUnit(source, text, parse_assessment_text(text.decode("utf-8"), source)))
    return units


def _load_files(paths: list[Path], jobs: int) -> list[BatchUnit]:
    """Read and validate files; many of them on worker processes (YAML parsing is pure Python and slow)."""
    if jobs <= 1 or len(paths) < PARALLEL_LOAD_MIN:
        return [_load_file(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=process_context()) as pool:
        return list(pool.map(_load_file, paths, chunksize=max(1, len(paths) // (jobs * 8))))


def collect_units(inputs: Sequence[str | Path], facts: str | Path | None = None, jobs: int = 1) -> list[BatchUnit]:
    """Expand the inputs into units, each loaded and validated (or carrying its error), with folder names."""
    from ..files.sheets import is_spreadsheet

    plan: list[BatchUnit | Path | list[BatchUnit]] = []  # in input order: a file to load, or units already made
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = files_in(path, ASSESSMENT_SUFFIXES)
            if not found:
                plan.append(BatchUnit(str(path), None, None, f"{path}: folder holds no .yaml or .yml assessment files"))
            plan += found
        elif is_spreadsheet(path):
            plan.append(_load_roster(path, facts))
        else:
            plan.append(path)
    loaded = iter(_load_files([p for p in plan if isinstance(p, Path)], jobs))
    units: list[BatchUnit] = []
    for entry in plan:
        if isinstance(entry, Path):
            units.append(next(loaded))
        elif isinstance(entry, list):
            units += entry
        else:
            units.append(entry)
    names = unique_names([u.assessment.unit if u.assessment else Path(u.file).stem for u in units],
                         reserved=RESERVED_NAMES)
    for unit, name in zip(units, names, strict=True):
        unit.folder = name
    return units
