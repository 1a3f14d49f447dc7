"""`podcheck batch`: assess many units, keep an executed notebook, the result and reports per unit, then
write the portfolio.

How a run goes:
1. Every input (assessment file, folder of them, or spreadsheet roster) becomes a list of units. Each
   is loaded and validated here first, so a bad file fails at once with the usual one-line message and
   costs no kernel.
2. A unit whose manifest (input hash, rubric hash, podcheck version, formats, playbook hash) matches
   the last run is skipped; `--force` redoes it.
3. The rest run on a pool of worker threads. With notebooks, each worker keeps one Jupyter kernel,
   started once and warmed up (podcheck and pandas imported), and runs every unit through
   `papermill.execute_notebook` in it; between units the kernel's namespace is reset and its working
   directory moved to the next unit's folder, so no state passes from one unit to the next. A kernel
   that fails to start is retried once; a kernel that dies or overruns is replaced.
4. Each unit writes into a hidden temporary folder beside its final one, which is renamed into place
   only when everything (notebook, result.json, reports, manifest) is there. An interrupted run leaves
   at most hidden temporary folders, removed by the next run.
5. The portfolio is written from every unit's result, with the failures and their reasons.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import dataclasses
import functools
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.context
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .assess import assess
from .catalog import Rubric, load_rubric
from .errors import InputError
from .files.assessment import find_assessment_files, parse_assessment, parse_assessment_text
from .files.atomic import safe_name, unique_names, write_atomic
from .files.locations import playbook_dir
from .files.safe_yaml import read_yaml_mapping
from .model import Assessment
from .notebook import RESULT_FILE
from .render import REPORT_FORMATS
from .result import Result

INPUT_FILE = "assessment.yaml"
RUBRIC_FILE = "rubric.yaml"
NOTEBOOK_FILE = "playbook.ipynb"
MANIFEST_FILE = "manifest.json"
FAILED_DIR = "failed"
KERNEL_MEMORY = 400 * 2**20  # a warmed kernel with pandas and WeasyPrint, with room to spare
KERNEL_NAME = "python3"
ENGINE_NAME = "podcheck-kernel-pool"

Status = Literal["ok", "skipped", "failed"]

# Read once, at import (in the main thread): os.umask can only be read by setting it.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


# ---------------------------------------------------------------- units


@dataclasses.dataclass
class Unit:
    """One unit to assess: where it came from, its validated model (or why it has none), its folder."""

    source: str  # what the user gave: a file, or "roster.csv (unit Payments)"
    text: bytes | None  # the assessment as YAML, copied into the unit's folder
    assessment: Assessment | None
    error: str | None = None  # why the input could not be used
    folder: str = ""

    @property
    def digest(self) -> str:
        """SHA-256 of the unit's input."""
        return hashlib.sha256(self.text or b"").hexdigest()


@dataclasses.dataclass
class Outcome:
    """What happened to one unit."""

    unit: Unit
    status: Status
    reason: str | None = None
    result: Result | None = None
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # format → path relative to --out
    seconds: float = 0.0


def _load_file(path: Path) -> Unit:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return Unit(str(path), None, None, f"{path}: file not found")
    except IsADirectoryError:
        return Unit(str(path), None, None, f"{path}: is a folder")
    except OSError as exc:
        return Unit(str(path), None, None, f"{path}: cannot be read: {exc.strerror or exc}")
    try:
        data, lines = read_yaml_mapping(path)
        return Unit(str(path), text, parse_assessment(data, str(path), lines))
    except InputError as exc:
        return Unit(str(path), text, None, exc.summary())


def _load_roster(path: Path, facts: str | None) -> list[Unit]:
    from .files.roster import read_roster, roster_yaml

    try:
        entries = read_roster(path, facts)
    except InputError as exc:
        return [Unit(str(path), None, None, exc.summary())]
    units = []
    for entry in entries:
        source = f"{path} (unit {entry.name})"
        try:
            assessment = entry.assessment()
        except InputError as exc:
            units.append(Unit(source, None, None, exc.summary()))
            continue
        text = roster_yaml(assessment, path).encode("utf-8")
        # The YAML the notebook reads must give back exactly the model validated here.
        units.append(Unit(source, text, parse_assessment_text(text.decode("utf-8"), source)))
    return units


# Below this many files, starting worker processes to read them costs more than it saves.
PARALLEL_LOAD_MIN = 64


def _load_files(paths: list[Path], jobs: int) -> list[Unit]:
    """Read and validate files; many of them on worker processes (YAML parsing is pure Python and slow)."""
    if jobs <= 1 or len(paths) < PARALLEL_LOAD_MIN:
        return [_load_file(p) for p in paths]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_process_context()) as pool:
        return list(pool.map(_load_file, paths, chunksize=max(1, len(paths) // (jobs * 8))))


def collect_units(inputs: Sequence[str], facts: str | None = None, jobs: int = 1) -> list[Unit]:
    """Expand the inputs into units, each loaded and validated (or carrying its error), with folder names."""
    from .files.sheets import is_spreadsheet

    plan: list[Unit | Path | list[Unit]] = []  # in input order: a file to load, or units already made
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = find_assessment_files([path])
            if not found:
                plan.append(Unit(str(path), None, None, f"{path}: folder holds no .yaml or .yml assessment files"))
            plan += found
        elif is_spreadsheet(path):
            plan.append(_load_roster(path, facts))
        else:
            plan.append(path)
    loaded = iter(_load_files([p for p in plan if isinstance(p, Path)], jobs))
    units: list[Unit] = []
    for entry in plan:
        if isinstance(entry, Path):
            units.append(next(loaded))
        elif isinstance(entry, list):
            units += entry
        else:
            units.append(entry)
    names = unique_names([u.assessment.unit if u.assessment else Path(u.source.split(" (unit ")[0]).stem
                          for u in units])
    for unit, name in zip(units, names, strict=True):
        unit.folder = name
    return units


# ---------------------------------------------------------------- the playbook notebook the batch runs


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


# ---------------------------------------------------------------- kernels kept per worker thread


class KernelFailed(Exception):
    """The kernel could not be started, died, or was stopped by the time guard."""


_WARM_UP = "import pandas, podcheck, podcheck.notebook, podcheck.tables, podcheck.render{pdf}\n"
# Move first: the last unit's folder may be gone, and reset() needs a working directory that exists.
_RESET = ("import os as _os\n_os.chdir({cwd!r})\ndel _os\n"
          "get_ipython().reset(new_session=True, aggressive=False)\n")


class Kernel:
    """One Jupyter kernel that runs unit after unit, with a clean namespace for each."""

    def __init__(self, warm_pdf: bool, cancelled: threading.Event, startup_timeout: float = 60) -> None:
        self.warm_pdf = warm_pdf
        self.cancelled = cancelled  # set when the whole batch stops
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.log: Any = None
        self.killed = threading.Event()

    def _start_once(self, cwd: str) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.log = tempfile.TemporaryFile()
        km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        self.km = km
        # History in memory: kernels running side by side would otherwise queue on one SQLite file.
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  stdout=subprocess.DEVNULL, stderr=self.log)
        kc = km.client()
        kc.start_channels()
        self.kc = kc
        run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        kc.allow_stdin = False
        self._run(_WARM_UP.format(pdf=", weasyprint" if self.warm_pdf else ""), self.startup_timeout)

    def start(self, cwd: str) -> None:
        """Start the kernel; one retry, since a start can fail for passing reasons (ports, load)."""
        last: Exception | None = None
        for _ in range(2):
            try:
                self._start_once(cwd)
                return
            except Exception as exc:  # noqa: BLE001 - any failure to start is retried once, then reported
                last = exc
                self.stop()
        raise KernelFailed(f"the notebook kernel did not start (tried twice): {self._why(last)}")

    def _why(self, exc: Exception | None) -> str:
        text = str(exc) or exc.__class__.__name__ if exc else "unknown reason"
        if self.log is not None:
            with contextlib.suppress(OSError, ValueError):
                self.log.seek(0)
                tail = [line for line in self.log.read().decode("utf-8", "replace").splitlines() if line.strip()]
                if tail:
                    text += f" (kernel said: {tail[-1][:200]})"
        return text

    def _run(self, code: str, timeout: float) -> None:
        """Run setup code silently, waiting for its reply in short steps so a stopped kernel is noticed."""
        from jupyter_core.utils import run_sync

        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        get_reply = run_sync(self.kc.get_shell_msg)
        while True:
            if self.killed.is_set() or self.cancelled.is_set() or not self.alive:
                raise KernelFailed("the notebook kernel stopped")
            if time.monotonic() > deadline:
                raise KernelFailed(f"the notebook kernel did not answer within {timeout:g} s")
            try:
                reply = get_reply(timeout=0.2)
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            content = reply["content"]
            raise KernelFailed(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")

    @property
    def alive(self) -> bool:
        """True while the kernel process runs."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() is None

    def prepare(self, cwd: str) -> None:
        """Ready the kernel for the next unit: start it if needed, clear its namespace, move to `cwd`."""
        self.killed.clear()
        if self.km is None or not self.alive:
            self.stop()
            self.start(cwd)
        self._run(_RESET.format(cwd=cwd), 30)

    def kill(self) -> None:
        """Stop the kernel process at once (time guard, Ctrl-C); the running unit then fails."""
        self.killed.set()
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()

    def stop(self) -> None:
        """Shut the kernel down and release its sockets and files."""
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            with contextlib.suppress(Exception):
                self.kill()
                run_sync(self.km.shutdown_kernel)(now=True)
            with contextlib.suppress(Exception):
                run_sync(self.km.cleanup_resources)()
            self.km = None
        if self.log is not None:
            with contextlib.suppress(OSError):
                self.log.close()
            self.log = None


# nbclient logs each failure it then raises; the batch reports failures itself, one line per unit.
_QUIET = logging.getLogger("podcheck.batch.nbclient")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _register_engine() -> None:
    """A papermill engine that runs on a kernel (and client) we already hold instead of starting one."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class KernelPoolEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            kernel: Kernel = kwargs.pop("kernel")
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man, km=kernel.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=_QUIET, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file, record_timing=True,
            )
            client.kc = kernel.kc
            return client.execute()

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, KernelPoolEngine)


# ---------------------------------------------------------------- running units


@dataclasses.dataclass
class Settings:
    """What every unit of one batch shares."""

    out: Path
    formats: tuple[str, ...]
    rubric: Rubric | None
    rubric_text: bytes | None
    notebooks: bool
    timeout: int
    notebook: Any = None
    notebook_digest: str = ""

    def manifest_key(self, unit: Unit) -> dict[str, Any]:
        """What must be unchanged for a unit to be skipped."""
        return {
            "podcheck_version": __version__,
            "input_sha256": unit.digest,
            "rubric_sha256": hashlib.sha256(self.rubric_text).hexdigest() if self.rubric_text else "default",
            "formats": list(self.formats),
            "notebooks": self.notebooks,
            "playbook_sha256": self.notebook_digest if self.notebooks else None,
        }


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def unchanged(unit: Unit, settings: Settings) -> Outcome | None:
    """The previous outcome of this unit if its manifest matches and all its files are there."""
    folder = settings.out / unit.folder
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("key") != settings.manifest_key(unit):
        return None
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not all((folder / str(name)).is_file() for name in files.values()):
        return None
    try:
        result = Result.from_json((folder / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Outcome(unit, "skipped", None, result, {k: f"{unit.folder}/{v}" for k, v in files.items()})


def _install(tmp: Path, final: Path) -> None:
    """Put a finished unit folder in place of the old one; readers see the old folder or the new one."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{threading.get_ident()}")
        os.rename(final, old)
    os.rename(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def tidy(out: Path) -> None:
    """Remove what an interrupted run left: temporary unit folders; restore a folder caught mid-swap."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        name = entry.name
        if not name.startswith(".") or not entry.is_dir():
            continue
        if ".tmp-" in name:
            shutil.rmtree(entry, ignore_errors=True)
        elif ".old-" in name:
            final = out / name[1:].split(".old-")[0]
            if final.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.rename(entry, final)


def _files_in(folder: Path, written: dict[str, Path]) -> dict[str, str]:
    return {fmt: str(Path(path).resolve().relative_to(folder.resolve())) for fmt, path in written.items()}


def _finish(unit: Unit, settings: Settings, tmp: Path, files: dict[str, str], started: float) -> Outcome:
    """Check the unit's outputs, write its manifest and move the folder into place."""
    missing = [name for name in files.values() if not (tmp / name).is_file()]
    if missing:
        raise KernelFailed(f"the notebook did not write {', '.join(missing)}")
    result = Result.from_json((tmp / RESULT_FILE).read_text(encoding="utf-8"))
    seconds = round(time.monotonic() - started, 3)
    manifest = {"key": settings.manifest_key(unit), "source": unit.source, "unit": result.unit,
                "files": files, "seconds": seconds}
    write_atomic(tmp / MANIFEST_FILE, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    _install(tmp, settings.out / unit.folder)
    return Outcome(unit, "ok", None, result, {k: f"{unit.folder}/{v}" for k, v in files.items()}, seconds)


def _new_tmp(unit: Unit, settings: Settings) -> Path:
    # Absolute: a kernel reused across units moves from one unit's folder to the next.
    tmp = Path(tempfile.mkdtemp(prefix=f".{unit.folder}.tmp-", dir=settings.out)).resolve()
    tmp.chmod(0o777 & ~_UMASK)  # mkdtemp makes it private; the finished folder is as readable as any other
    assert unit.text is not None
    (tmp / INPUT_FILE).write_bytes(unit.text)
    if settings.rubric_text is not None:
        (tmp / RUBRIC_FILE).write_bytes(settings.rubric_text)
    return tmp


def run_in_process(unit: Unit, settings: Settings) -> Outcome:
    """--no-notebooks: assess and render here, no kernel."""
    from .render import write_unit_reports

    started = time.monotonic()
    assert unit.assessment is not None
    tmp = _new_tmp(unit, settings)
    try:
        result = assess(unit.assessment, settings.rubric)
        written = {"json": write_atomic(tmp / RESULT_FILE, result.to_json())}
        if settings.formats:
            written.update(write_unit_reports(result, unit.assessment, tmp, formats=settings.formats))
        written["input"] = tmp / INPUT_FILE
        return _finish(unit, settings, tmp, _files_in(tmp, written), started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def assess_unit(unit: Unit, settings: Settings) -> Outcome:
    """One unit without a notebook, any error reported as its failure (runs in a thread or a process)."""
    try:
        return run_in_process(unit, settings)
    except Exception as exc:  # noqa: BLE001 - reported as this unit's failure
        return Outcome(unit, "failed", f"{exc.__class__.__name__}: {exc}")


def _process_context() -> multiprocessing.context.BaseContext:
    # fork starts a worker in milliseconds with podcheck already imported; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _expected_files(unit: Unit, settings: Settings) -> dict[str, str]:
    """What the notebook must have written: the result, the reports (named as render names them)."""
    from .render import EXTENSIONS

    assert unit.assessment is not None
    files = {"json": RESULT_FILE, "notebook": NOTEBOOK_FILE, "input": INPUT_FILE}
    stem = safe_name(unit.assessment.unit)
    files.update({fmt: f"{stem}.{EXTENSIONS[fmt]}" for fmt in settings.formats})
    return files


def _cell_failure(exc: Exception) -> str:
    ename = getattr(exc, "ename", exc.__class__.__name__)
    evalue = str(getattr(exc, "evalue", "") or "").strip()
    cell = getattr(exc, "exec_count", None)
    where = f"cell [{cell}] " if cell else "a cell "
    return f"{where}failed: {ename}: {evalue}" if evalue else f"{where}failed: {ename}"


def run_notebook(unit: Unit, settings: Settings, kernel: Kernel) -> Outcome:
    """Run the playbook for one unit through papermill on this worker's kernel."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    tmp = _new_tmp(unit, settings)
    guard = threading.Timer(settings.timeout, kernel.kill)
    try:
        kernel.prepare(str(tmp))
        parameters = {"assessment_file": INPUT_FILE, "output_dir": ".", "formats": list(settings.formats),
                      "rubric_file": RUBRIC_FILE if settings.rubric_text is not None else None}
        guard.start()
        try:
            papermill.execute_notebook(
                nbformat.from_dict(copy.deepcopy(settings.notebook)), str(tmp / NOTEBOOK_FILE), parameters=parameters,
                engine_name=ENGINE_NAME, kernel_name=KERNEL_NAME, progress_bar=False,
                request_save_on_cell_execute=False, execution_timeout=settings.timeout, kernel=kernel,
            )
        except PapermillExecutionError as exc:
            _tidy_notebook(tmp / NOTEBOOK_FILE)
            _keep_failed_notebook(unit, settings, tmp)
            return Outcome(unit, "failed", _cell_failure(exc), seconds=time.monotonic() - started)
        finally:
            guard.cancel()
        _tidy_notebook(tmp / NOTEBOOK_FILE)
        return _finish(unit, settings, tmp, _expected_files(unit, settings), started)
    except Exception as exc:  # noqa: BLE001 - any failure of one unit is reported, the batch goes on
        killed = kernel.killed.is_set()
        kernel.stop()  # its state is unknown now; the next unit gets a fresh kernel
        if killed or isinstance(exc, TimeoutError):
            reason = f"took longer than {settings.timeout} s and was stopped"
        elif isinstance(exc, KernelFailed):
            reason = str(exc)
        else:
            reason = f"{exc.__class__.__name__}: {exc}".rstrip(": ")
        return Outcome(unit, "failed", reason, seconds=time.monotonic() - started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _tidy_notebook(path: Path) -> None:
    """Name the notebook's source and place in papermill's record plainly: papermill would store the
    whole input notebook (it is given as an object) and the temporary folder's path."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    record = data.get("metadata", {}).get("papermill")
    if isinstance(record, dict):
        parts = ", ".join(p.name for p in numbered_notebooks())
        record["input_path"] = f"podcheck {__version__} playbook ({parts}), run as one notebook"
        record["output_path"] = NOTEBOOK_FILE
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _keep_failed_notebook(unit: Unit, settings: Settings, tmp: Path) -> None:
    """Keep the executed notebook of a failed unit (it shows the error) under failed/."""
    executed = tmp / NOTEBOOK_FILE
    if executed.is_file():
        write_atomic(settings.out / FAILED_DIR / f"{unit.folder}.ipynb", executed.read_bytes())


# ---------------------------------------------------------------- the batch


def default_jobs(units: int, notebooks: bool) -> int:
    """Parallel units: one per core, fewer when free memory would not hold that many kernels."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = cores
    if notebooks:
        jobs = min(jobs, max(1, _available_memory() // KERNEL_MEMORY))
    return max(1, min(jobs, units))


def _available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return KERNEL_MEMORY * (os.cpu_count() or 1)


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in REPORT_FORMATS]
    if unknown:
        raise InputError.single("--formats", f"unknown report format '{unknown[0]}'; use any of "
                                f"{', '.join(REPORT_FORMATS)}, comma-separated")
    return chosen


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (kill) like Ctrl-C, so that kernels and temporary folders are cleaned up."""
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Runner:
    """Runs units on worker threads, each worker with its own kernel when notebooks are on."""

    def __init__(self, settings: Settings, jobs: int) -> None:
        self.settings = settings
        self.jobs = jobs
        self.local = threading.local()
        self.kernels: list[Kernel] = []
        self.lock = threading.Lock()
        self.cancelled = threading.Event()

    def _kernel(self) -> Kernel:
        kernel = getattr(self.local, "kernel", None)
        if kernel is None:
            _register_engine()  # papermill is imported only when a unit needs a notebook run
            kernel = Kernel(warm_pdf="pdf" in self.settings.formats, cancelled=self.cancelled)
            self.local.kernel = kernel
            with self.lock:
                self.kernels.append(kernel)
        return kernel

    def run_one(self, unit: Unit) -> Outcome:
        """Run one unit here (a worker thread)."""
        if self.cancelled.is_set():
            return Outcome(unit, "failed", "the batch was interrupted")
        if self.settings.notebooks:
            return run_notebook(unit, self.settings, self._kernel())
        return assess_unit(unit, self.settings)

    def kill_all(self) -> None:
        """Stop every kernel at once (Ctrl-C)."""
        self.cancelled.set()
        with self.lock:
            for kernel in self.kernels:
                kernel.kill()

    def close(self) -> None:
        """Shut every kernel down."""
        with self.lock:
            for kernel in self.kernels:
                kernel.stop()
            self.kernels.clear()


def _report_failure(outcome: Outcome, bar: Any) -> None:
    reason = outcome.reason or "failed"
    source = outcome.unit.source
    # A load error already starts with the file's name; anything else gets it in front.
    line = f"podcheck: {reason}" if reason.startswith(source.split(" (unit ")[0] + ":") else f"podcheck: {source}: {reason}"
    if bar is not None and not bar.disable:
        bar.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr, flush=True)


def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="unit", desc="podcheck batch", leave=False,
                disable=quiet or not sys.stderr.isatty(), dynamic_ncols=True)


def execute(units: list[Unit], settings: Settings, jobs: int, force: bool = False, quiet: bool = True,
            ) -> list[Outcome]:
    """Run every unit (skipping unchanged ones unless `force`); outcomes in input order."""
    outcomes: dict[int, Outcome] = {}
    bar = _progress(len(units), quiet)
    todo: list[tuple[int, Unit]] = []
    for index, unit in enumerate(units):
        if unit.error is not None or unit.assessment is None:
            outcomes[index] = Outcome(unit, "failed", unit.error or "could not be read")
            _report_failure(outcomes[index], bar)
            bar.update()
            continue
        previous = None if force else unchanged(unit, settings)
        if previous is not None:
            outcomes[index] = previous
            bar.update()
            continue
        todo.append((index, unit))
    runner = Runner(settings, jobs)
    workers = max(1, min(jobs, len(todo) or 1))
    pool: Executor
    if settings.notebooks or workers == 1:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="podcheck-unit")
        submit = functools.partial(pool.submit, runner.run_one)
    else:
        # Without notebooks the work is pure Python (and WeasyPrint for PDFs): threads would queue on the
        # GIL, so units go to worker processes (see benchmarks/README.md for what that gains).
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context())
        submit = functools.partial(pool.submit, assess_unit, settings=settings)
    try:
        pending: dict[Future[Outcome], int] = {submit(unit): i for i, unit in todo}
        for future in as_completed(pending):
            index = pending[future]
            outcomes[index] = future.result()
            if outcomes[index].status == "failed":
                _report_failure(outcomes[index], bar)
            bar.update()
    except BaseException:
        # Ctrl-C or kill: stop the kernels (or worker processes) so running units end now; their
        # temporary folders are removed by them or by tidy() afterwards.
        runner.kill_all()
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True)
        runner.close()
        bar.close()
    return [outcomes[i] for i in range(len(units))]


def _stop_workers(pool: Executor) -> None:
    """Cancel queued units and end running ones at once."""
    # ProcessPoolExecutor keeps its workers in _processes; Python offers no public way to end them before 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.join(timeout=10)
    pool.shutdown(wait=True)


def _portfolio(outcomes: list[Outcome], out: Path) -> dict[str, Path]:
    from .portfolio import LINK_KINDS as LINKED
    from .portfolio import Failure, PortfolioEntry, write_portfolio

    entries = [PortfolioEntry(o.result, {k: v for k, v in o.files.items() if k in LINKED})
               for o in outcomes if o.result is not None]
    failures = [Failure(o.unit.assessment.unit if o.unit.assessment else o.unit.folder, o.reason or "failed",
                        o.unit.source) for o in outcomes if o.status == "failed"]
    return write_portfolio(entries, out, failures=failures)


def run_batch(args: argparse.Namespace) -> int:
    """`podcheck batch INPUT... --out DIR`; returns the exit code (1 when any unit failed)."""
    formats = _formats(args.formats)
    if "pdf" in formats:
        from .render import require_pdf

        require_pdf()  # without Pango: one line saying what to install, before any unit runs
    if args.timeout is not None and args.timeout <= 0:
        raise InputError.single("--timeout", "must be a positive number of seconds")
    if args.jobs is not None and args.jobs <= 0:
        raise InputError.single("--jobs", "must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError.single(str(out), "is a file; --out needs a folder")
    rubric_text = Path(args.rubric).read_bytes() if args.rubric and Path(args.rubric).is_file() else None
    rubric = load_rubric(args.rubric) if args.rubric else None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    units = collect_units(args.inputs, args.facts, jobs=args.jobs or cores)
    if not units:
        raise InputError.single(" ".join(args.inputs), "no units to assess")
    settings = Settings(out, formats, rubric, rubric_text, notebooks=not args.no_notebooks, timeout=args.timeout)
    if settings.notebooks:
        settings.notebook = combined_notebook()
        settings.notebook_digest = notebook_digest(settings.notebook)
    out.mkdir(parents=True, exist_ok=True)
    tidy(out)
    jobs = args.jobs or default_jobs(len(units), settings.notebooks)
    with _terminate_as_interrupt():
        try:
            outcomes = execute(units, settings, jobs, force=args.force, quiet=args.quiet)
        except KeyboardInterrupt:
            tidy(out)
            done = sum(1 for u in units if (out / u.folder / MANIFEST_FILE).is_file())
            print(f"podcheck: batch interrupted; {done} of {len(units)} units have complete outputs in {out}; "
                  "run the same command again to finish the rest", file=sys.stderr)
            raise
    portfolio = _portfolio(outcomes, out)
    if not args.quiet:
        print(unit_table(outcomes, out))
    print(summary(outcomes, portfolio, out))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def unit_table(outcomes: list[Outcome], out: Path) -> str:
    """A line per unit for the terminal: stage, score, findings by severity, and its main report."""
    rows = []
    for o in sorted(outcomes, key=lambda o: o.unit.folder):
        if o.result is None:
            rows.append((o.unit.folder, "FAILED", "", "", o.reason or ""))
            continue
        r = o.result
        counts = f"{r.count('high')} high, {r.count('medium')} medium, {r.count('low')} low"
        report = o.files.get("html") or o.files.get("pdf") or o.files.get("json", "")
        rows.append((r.unit, f"{r.stage.level} {r.stage.name}", f"{r.score:>3}", counts, str(out / report)))
    width = [max(len(row[i]) for row in rows) for i in range(4)]
    head = ("unit", "stage", "score", "findings", "report")
    lines = [head, *rows]
    return "\n".join("  ".join(cell.ljust(width[i]) if i < 4 else cell for i, cell in enumerate(line))
                     .rstrip() for line in lines)


def summary(outcomes: list[Outcome], portfolio: dict[str, Path], out: Path) -> str:
    """One line: units ok (and how many were unchanged), failed, and where the portfolio is."""
    ok = sum(1 for o in outcomes if o.status in ("ok", "skipped"))
    skipped = sum(1 for o in outcomes if o.status == "skipped")
    failed = len(outcomes) - ok
    main = portfolio.get("html") or next(iter(portfolio.values()), out)
    parts = [f"{ok} ok" + (f" ({skipped} unchanged, skipped)" if skipped else ""), f"{failed} failed"]
    return f"podcheck: {len(outcomes)} unit{'s' if len(outcomes) != 1 else ''}: {', '.join(parts)}; portfolio: {main}"

