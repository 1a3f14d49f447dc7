"""`podcheck batch`: assess many units, keep an executed notebook, the result and reports per unit, then
write the portfolio.

How a run goes:
1. Every input (assessment file, folder of them, or spreadsheet roster) becomes a list of units. Each
   is loaded and validated here first, so a bad file fails at once with the usual one-line message and
   costs no kernel; only regular files of a sensible size are read (a pipe or a device fails its unit).
   Each unit gets a folder of its own, never one another unit or the batch itself uses.
2. The batch takes a lock on --out (a second batch into the same folder exits 2 at once).
3. A unit whose manifest (input hash, rubric hash, podcheck version, formats, playbook hash) matches
   the last run is skipped; `--force` redoes it.
4. The rest run in parallel. With notebooks, on worker threads that each keep one Jupyter kernel,
   launched before papermill is imported and warmed up once (podcheck and pandas imported), running
   every unit through `papermill.execute_notebook` in it; between units the kernel's namespace is reset
   and its working directory moved to the next unit's folder, so no state passes from one unit to the
   next. A kernel that fails to start is retried once; a kernel that dies or overruns is replaced.
   Without notebooks, on worker processes, one unit at a time each; one that overruns is killed.
5. Each unit writes into a hidden temporary folder beside its final one, named with the batch's process
   id, which is renamed into place only when everything (notebook, result.json, reports, manifest) is
   there. An interrupted run leaves at most such folders, removed by the next run once that process is
   gone; kernel connection files live in a folder of the same kind.
6. The portfolio is written from every unit's result, with the failures and their reasons.
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
import multiprocessing.connection
import multiprocessing.context
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .assess import assess
from .catalog import Rubric
from .errors import InputError
from .files.assessment import ASSESSMENT_SUFFIXES, parse_assessment, parse_assessment_text
from .files.atomic import file_kind, read_bounded, safe_name, unique_names, write_atomic
from .files.locations import files_in, playbook_dir
from .files.rubric import load_rubric
from .files.safe_yaml import MAX_FILE_BYTES, read_yaml_mapping
from .model import Assessment
from .notebooks.display import RESULT_FILE
from .render import REPORT_FORMATS
from .result import Result

INPUT_FILE = "assessment.yaml"
RUBRIC_FILE = "rubric.yaml"
NOTEBOOK_FILE = "playbook.ipynb"
MANIFEST_FILE = "manifest.json"
FAILED_DIR = "failed"
# Names a unit's folder may never take, whatever the unit is called: what the batch writes at the top of
# --out (failed/, the portfolio's files) and names kept for it. Hidden names need no entry: a unit's
# folder name never starts with a dot.
RESERVED_NAMES = frozenset({FAILED_DIR, "history", "portfolio", "portfolio-findings"})
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


def _read_input(path: Path) -> bytes:
    """An input file's bytes, read only when it is a regular file no bigger than an assessment may be."""
    return read_bounded(path, MAX_FILE_BYTES, what="an assessment file")


def _load_file(path: Path) -> Unit:
    """One input file as a unit; whatever goes wrong reading or validating it is that unit's failure."""
    try:
        text = _read_input(path)
        data, lines = read_yaml_mapping(path)
        return Unit(str(path), text, parse_assessment(data, str(path), lines))
    except InputError as exc:
        return Unit(str(path), None, None, exc.summary())
    except Exception as exc:  # noqa: BLE001 - one unreadable input must not stop the others
        return Unit(str(path), None, None, f"{path}: cannot be read: {exc.__class__.__name__}: {exc}".rstrip(": "))


def _load_roster(path: Path, facts: str | None) -> list[Unit]:
    from .files.roster import read_roster, roster_yaml

    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise InputError.single(str(path), f"is {file_kind(mode)}, not a file; a roster is a .csv or .xlsx file")
        entries = read_roster(path, facts)
    except FileNotFoundError:
        return [Unit(str(path), None, None, f"{path}: file not found")]
    except InputError as exc:
        return [Unit(str(path), None, None, exc.summary())]
    except Exception as exc:  # noqa: BLE001 - an unreadable roster fails its units, not the batch
        return [Unit(str(path), None, None, f"{path}: cannot be read: {exc.__class__.__name__}: {exc}".rstrip(": "))]
    units = []
    for entry in entries:
        source = f"{path} (unit {entry.name})"
        try:
            assessment = entry.assessment()
        except InputError as exc:
            units.append(Unit(source, None, None, exc.summary()))
            continue
        except Exception as exc:  # noqa: BLE001 - as above, for one unit of the roster
            units.append(Unit(source, None, None, f"{source}: {exc.__class__.__name__}: {exc}".rstrip(": ")))
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
            found = files_in(path, ASSESSMENT_SUFFIXES)
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
                          for u in units], reserved=RESERVED_NAMES)
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


# gc.freeze(): what the imports made is kept out of the full collection that reset() runs after every
# unit, which would otherwise walk all of pandas each time (about 60 ms a unit).
_WARM_UP = ("import gc, pandas, podcheck, podcheck.notebooks.display, podcheck.notebooks.tables, podcheck.render{pdf}\n"
            "gc.freeze()\n")
# Move first: the last unit's folder may be gone, and reset() needs a working directory that exists.
_RESET = ("import os as _os\n_os.chdir({cwd!r})\ndel _os\n"
          "get_ipython().reset(new_session=True, aggressive=False)\n")


def _exit_description(code: int) -> str:
    """A process's exit status in words: 'exit code 1', 'killed by signal SIGKILL'."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by signal {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit code {code}"


class Kernel:
    """One Jupyter kernel that runs unit after unit, with a clean namespace for each."""

    def __init__(self, warm_pdf: bool, cancelled: threading.Event, runtime: Callable[[], Path],
                 startup_timeout: float = 60) -> None:
        self.warm_pdf = warm_pdf
        self.cancelled = cancelled  # set when the whole batch stops
        self.runtime = runtime  # the batch's own folder for connection files
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.log: Any = None
        self.killed = threading.Event()  # we ended the process (time guard, Ctrl-C, clean-up)
        self.timed_out = threading.Event()  # the time guard did

    def launch(self, cwd: str) -> None:
        """Start the kernel process without waiting for it, so it boots while the batch does other work."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.log = tempfile.TemporaryFile()
        # The connection file (ports and the key) goes to a folder of this batch, which the next run
        # removes if this one is killed; it is removed as soon as the kernel has read it.
        km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                connection_file=str(self.runtime() / f"kernel-{uuid.uuid4().hex}.json"))
        self.km = km
        # History in memory: kernels running side by side would otherwise queue on one SQLite file.
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  stdout=subprocess.DEVNULL, stderr=self.log)

    def _start_once(self, cwd: str) -> None:
        from jupyter_core.utils import run_sync

        if self.km is None:
            self.launch(cwd)
        kc = self.km.client()
        kc.start_channels()
        self.kc = kc
        run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        with contextlib.suppress(Exception):
            self.km.cleanup_connection_file()
        kc.allow_stdin = False
        self._run(_WARM_UP.format(pdf=", weasyprint" if self.warm_pdf else ""), self.startup_timeout)

    def start(self, cwd: str) -> None:
        """Start the kernel (or finish starting one launched earlier); one retry, since a start can fail for
        passing reasons (ports, load)."""
        last: Exception | None = None
        for _ in range(2):
            if self.cancelled.is_set():
                raise KernelFailed("the batch was interrupted")
            self.killed.clear()  # the clean-up of a failed attempt kills its process; this one is new
            try:
                self._start_once(cwd)
                return
            except Exception as exc:  # noqa: BLE001 - any failure to start is retried once, then reported
                last = exc
                self.stop()
        raise KernelFailed(f"the notebook kernel did not start (tried twice): {self._why(last)}")

    def _why(self, exc: Exception | None) -> str:
        text = (str(exc) or exc.__class__.__name__) if exc else "unknown reason"
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
            if self.killed.is_set() or self.cancelled.is_set():
                raise KernelFailed("the notebook kernel was stopped")
            if (died := self.died()) is not None:
                raise KernelFailed(f"the notebook kernel died ({died})")
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
    def process(self) -> Any:
        """The kernel's Popen, while it has one."""
        return getattr(getattr(self.km, "provisioner", None), "process", None)

    @property
    def alive(self) -> bool:
        """True while the kernel process runs."""
        process = self.process
        return process is not None and process.poll() is None

    def died(self) -> str | None:
        """How the kernel process ended, if it ended by itself (not killed by us); else None."""
        process = self.process
        code = process.poll() if process is not None else None
        if code is None or self.killed.is_set():
            return None
        return _exit_description(code)

    def prepare(self, cwd: str) -> None:
        """Ready the kernel for the next unit: start it if needed, clear its namespace, move to `cwd`."""
        self.killed.clear()
        self.timed_out.clear()
        if self.kc is None or not self.alive:
            if not self.alive:
                self.stop()  # one that died since the last unit (a kernel launched ahead is kept)
            self.start(cwd)
        self._run(_RESET.format(cwd=cwd), 30)

    def kill(self) -> None:
        """Stop the kernel process at once (Ctrl-C, clean-up); the running unit then fails."""
        self.killed.set()
        process = self.process
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()

    def time_out(self) -> None:
        """The time guard: the running unit took too long."""
        self.timed_out.set()
        self.kill()

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


_URI_GRAMMAR = "rfc3987_syntax"


def _defer_uri_grammar() -> None:
    """Import papermill without building rfc3987-syntax's IRI grammar: jsonschema (nbformat's validator)
    imports it for its optional "iri" format check, which costs about 0.75 s of the 1 s papermill takes to
    import, for a check the notebook schema never makes. A stand-in loads the real module on first use."""
    if _URI_GRAMMAR in sys.modules or "jsonschema" in sys.modules:
        return
    import importlib
    import importlib.util
    import types

    if importlib.util.find_spec(_URI_GRAMMAR) is None:
        return
    stand_in = types.ModuleType(_URI_GRAMMAR)

    def is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get(_URI_GRAMMAR) is stand_in:
            del sys.modules[_URI_GRAMMAR]
        return importlib.import_module(_URI_GRAMMAR).is_valid_syntax(*args, **kwargs)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[_URI_GRAMMAR] = stand_in


def _register_engine() -> None:
    """A papermill engine that runs on a kernel (and client) we already hold instead of starting one."""
    _defer_uri_grammar()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class KernelPoolEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            kernel: Kernel = kwargs.pop("kernel")
            kwargs.pop("input_path", None)
            # Name the notebook's source and place in papermill's record plainly, before papermill writes
            # it: it would store the whole input notebook (given as an object) and the temporary path.
            record = nb_man.nb.metadata.get("papermill")
            if isinstance(record, dict):
                record["input_path"] = _playbook_label()
                record["output_path"] = NOTEBOOK_FILE
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
    owner: int = dataclasses.field(default_factory=os.getpid)  # the batch's process, named in its temporary folders

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


# What runs leave in --out, each named with the id of the process that owns it: a unit being written,
# a unit folder being swapped, kernel connection files.
_TMP_DIR = re.compile(r"\.(?P<folder>[^.]+)\.tmp-(?P<pid>\d+)-[^.]*")
_OLD_DIR = re.compile(r"\.(?P<folder>[^.]+)\.old-(?P<pid>\d+)-\d+")
KERNELS_PREFIX = ".podcheck-kernels-"
_KERNELS_DIR = re.compile(re.escape(KERNELS_PREFIX) + r"(?P<pid>\d+)-[^.]*")


def _over(pid: int) -> bool:
    """True when the run that owns a folder is this process or a process that is gone."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no safe way to ask here (os.kill would end the process): keep the folder
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def tidy(out: Path) -> None:
    """Remove what runs that are over (this one, or one whose process is gone) left in --out: temporary
    unit folders and kernel folders; restore a unit folder caught mid-swap. What belongs to a live
    process, or is not named the way a batch names things, is left alone."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        name = entry.name
        if not name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        if (match := _TMP_DIR.fullmatch(name) or _KERNELS_DIR.fullmatch(name)) and _over(int(match["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
        elif (match := _OLD_DIR.fullmatch(name)) and _over(int(match["pid"])):
            final = out / match["folder"]
            if final.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.rename(entry, final)


LOCK_FILE = ".podcheck-batch.lock"
_lock_fd: int | None = None  # closed in forked workers, so that only the batch itself holds the lock


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold --out for this batch alone, or fail at once (exit 2) naming the batch that holds it.

    Failing rather than waiting: a batch can run for many minutes, and a second command that sits
    silently looks hung; two runs into one folder are almost always a mistake (the same make target
    started twice). flock goes with the process, so a killed batch leaves no stale lock (at most the
    file, which the next run takes over); a finished run removes the file."""
    global _lock_fd
    try:
        import fcntl
    except ImportError:  # Windows: no flock; the folders named by process id still keep runs apart
        yield
        return
    path = out / LOCK_FILE
    held = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise InputError.single(str(out), f"another podcheck batch{who} is writing to this folder; "
                                    "wait for it to finish, or choose another --out") from None
        except OSError:
            break  # a file system without locks (some network mounts): run unlocked, as before
        # A batch that just finished may have removed the file after we opened it: then lock the new one.
        with contextlib.suppress(FileNotFoundError):
            mine, there = os.fstat(fd), os.stat(path)
            if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
                held = True
                break
        os.close(fd)
    try:
        if held:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            _lock_fd = fd
        yield
    finally:
        _lock_fd = None
        if held:
            with contextlib.suppress(OSError):
                path.unlink()  # while still locked: a batch that opened it meanwhile sees it gone, takes a new one
        os.close(fd)


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
    tmp = Path(tempfile.mkdtemp(prefix=f".{unit.folder}.tmp-{settings.owner}-", dir=settings.out)).resolve()
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
    guard = threading.Timer(settings.timeout, kernel.time_out)
    try:
        kernel.prepare(str(tmp))
        parameters = {"assessment_file": INPUT_FILE, "output_dir": ".", "formats": list(settings.formats),
                      "rubric_file": RUBRIC_FILE if settings.rubric_text is not None else None}
        guard.start()
        try:
            papermill.execute_notebook(
                nbformat.from_dict(settings.notebook), str(tmp / NOTEBOOK_FILE), parameters=parameters,
                engine_name=ENGINE_NAME, kernel_name=KERNEL_NAME, progress_bar=False,
                request_save_on_cell_execute=False, execution_timeout=settings.timeout, kernel=kernel,
            )
        except PapermillExecutionError as exc:
            _keep_failed_notebook(unit, settings, tmp)
            return Outcome(unit, "failed", _cell_failure(exc), seconds=time.monotonic() - started)
        finally:
            guard.cancel()
        return _finish(unit, settings, tmp, _expected_files(unit, settings), started)
    except Exception as exc:  # noqa: BLE001 - any failure of one unit is reported, the batch goes on
        timed_out = kernel.timed_out.is_set() or isinstance(exc, TimeoutError)  # the guard, or nbclient's own
        died = kernel.died()
        kernel.stop()  # its state is unknown now; the next unit gets a fresh kernel
        if kernel.cancelled.is_set():
            reason = "the batch was interrupted"
        elif timed_out:
            reason = f"took longer than {settings.timeout} s and was stopped"
        elif died is not None:
            reason = f"the notebook kernel died ({died})"
        elif isinstance(exc, KernelFailed):
            reason = str(exc)
        else:
            reason = f"{exc.__class__.__name__}: {exc}".rstrip(": ")
        return Outcome(unit, "failed", reason, seconds=time.monotonic() - started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@functools.cache
def _playbook_label() -> str:
    """What the executed notebooks name as their source."""
    parts = ", ".join(p.name for p in numbered_notebooks())
    return f"podcheck {__version__} playbook ({parts}), run as one notebook"


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
    """Runs notebook units on worker threads, each worker with its own kernel."""

    def __init__(self, settings: Settings, jobs: int) -> None:
        self.settings = settings
        self.jobs = jobs
        self.local = threading.local()
        self.kernels: list[Kernel] = []
        self.spare: list[Kernel] = []  # launched ahead, not yet taken by a worker
        self.lock = threading.Lock()
        self.cancelled = threading.Event()
        self._runtime: Path | None = None

    def runtime(self) -> Path:
        """This batch's folder for kernel connection files (private; named with its process id, so the
        next run removes it if this one is killed)."""
        with self.lock:
            if self._runtime is None:
                self._runtime = Path(tempfile.mkdtemp(prefix=f"{KERNELS_PREFIX}{self.settings.owner}-",
                                                      dir=self.settings.out))
            return self._runtime

    def _new_kernel(self) -> Kernel:
        kernel = Kernel(warm_pdf="pdf" in self.settings.formats, cancelled=self.cancelled, runtime=self.runtime)
        with self.lock:
            self.kernels.append(kernel)
        return kernel

    def launch(self, count: int) -> None:
        """Start `count` kernel processes now: they boot while papermill is imported and the first units
        are prepared. A launch that fails is retried when a unit needs the kernel."""
        for _ in range(count):
            kernel = self._new_kernel()
            try:
                kernel.launch(str(self.settings.out.resolve()))
            except Exception:  # noqa: BLE001 - retried, and reported, by Kernel.start
                kernel.stop()
            with self.lock:
                self.spare.append(kernel)

    def _kernel(self) -> Kernel:
        kernel = getattr(self.local, "kernel", None)
        if kernel is None:
            with self.lock:
                kernel = self.spare.pop() if self.spare else None
            kernel = kernel or self._new_kernel()
            self.local.kernel = kernel
        return kernel

    def run_one(self, unit: Unit) -> Outcome:
        """Run one unit here (a worker thread)."""
        if self.cancelled.is_set():
            return Outcome(unit, "failed", "the batch was interrupted")
        return run_notebook(unit, self.settings, self._kernel())

    def kill_all(self) -> None:
        """Stop every kernel at once (Ctrl-C)."""
        self.cancelled.set()
        with self.lock:
            for kernel in self.kernels:
                kernel.kill()

    def close(self) -> None:
        """Shut every kernel down (all killed first, then each cleaned up: no waiting on one after another)
        and remove the connection files' folder."""
        with self.lock:
            kernels, self.kernels, self.spare = self.kernels, [], []
            runtime, self._runtime = self._runtime, None
        for kernel in kernels:
            kernel.kill()
        for kernel in kernels:
            kernel.stop()
        if runtime is not None:
            shutil.rmtree(runtime, ignore_errors=True)


# ---------------------------------------------------------------- units without notebooks, on worker processes


def _die_with_parent(parent: int) -> None:
    """End this worker when the batch ends, even killed outright (Linux); elsewhere a worker ends when it
    next finds its pipe closed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the batch was gone before that took hold
        os._exit(0)


def _worker_main(conn: Any, others: list[Any], settings: Settings, parent: int) -> None:
    """A --no-notebooks worker: assess the units it is sent, one at a time, until told to stop."""
    _die_with_parent(parent)
    # Ctrl-C reaches every process of the terminal's group: the batch ends its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for other in others:  # the batch's ends of the pipes, inherited by a fork: EOF must mean the batch is gone
        with contextlib.suppress(OSError):
            other.close()
    if _lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(_lock_fd)
    while True:
        try:
            unit = conn.recv()
        except (EOFError, OSError):
            return
        if unit is None:
            return
        outcome = assess_unit(unit, settings)
        try:
            conn.send(outcome)
        except (OSError, ValueError):
            return
        except Exception as exc:  # noqa: BLE001 - an outcome that cannot be sent back is this unit's failure
            conn.send(Outcome(unit, "failed", f"{exc.__class__.__name__}: {exc}"))


class _Worker:
    """A worker process and what it is doing: a unit and its deadline."""

    def __init__(self, context: multiprocessing.context.BaseContext, settings: Settings, others: list[Any]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, [*others, self.conn], settings, os.getpid()),
                                       name="podcheck-unit", daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, Unit] | None = None
        self.deadline = 0.0

    def give(self, index: int, unit: Unit, timeout: float) -> None:
        """Send it a unit to assess."""
        self.conn.send(unit)
        self.task = (index, unit)
        self.deadline = time.monotonic() + timeout

    def end(self) -> str:
        """Kill it at once; returns how it had ended, if it ended by itself."""
        code = self.process.exitcode
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(10)
        self.conn.close()
        return _exit_description(code) if code is not None else "stopped"


def run_in_workers(todo: list[tuple[int, Unit]], settings: Settings, jobs: int,
                   done: Callable[[int, Outcome], None]) -> None:
    """--no-notebooks: assess units on `jobs` worker processes; `done(index, outcome)` as each ends.

    Processes rather than threads: the work is pure Python (threads would queue on the GIL), and a
    process can be ended: a unit past --timeout is killed with its worker, which is replaced, and
    Ctrl-C or SIGTERM ends every worker at once."""
    context = _process_context()
    waiting = list(reversed(todo))
    workers: list[_Worker] = []
    try:
        for _ in range(max(1, min(jobs, len(todo)))):
            workers.append(_Worker(context, settings, [w.conn for w in workers]))
        while True:
            for worker in workers:
                if worker.task is None and waiting:
                    worker.give(*waiting.pop(), settings.timeout)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait)
            for slot, worker in enumerate(workers):
                if worker.task is None:
                    continue
                index, unit = worker.task
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                        worker.task = None
                    except (EOFError, OSError):  # it died (out of memory, a crash in a library)
                        how = worker.end()
                        outcome = Outcome(unit, "failed", f"its worker process ended unexpectedly ({how})")
                        workers[slot] = _Worker(context, settings, [w.conn for w in workers if w is not worker])
                    done(index, outcome)
                elif time.monotonic() >= worker.deadline:
                    worker.end()
                    workers[slot] = _Worker(context, settings, [w.conn for w in workers if w is not worker])
                    done(index, Outcome(unit, "failed", f"took longer than {settings.timeout} s and was stopped"))
    finally:
        for worker in workers:
            worker.end()


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

    def done(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if outcome.status == "failed":
            _report_failure(outcome, bar)
        bar.update()

    todo: list[tuple[int, Unit]] = []
    for index, unit in enumerate(units):
        if unit.error is not None or unit.assessment is None:
            done(index, Outcome(unit, "failed", unit.error or "could not be read"))
            continue
        previous = None if force else unchanged(unit, settings)
        if previous is not None:
            done(index, previous)
            continue
        todo.append((index, unit))
    try:
        if todo and settings.notebooks:
            _run_on_kernels(todo, settings, jobs, done)
        elif todo:
            run_in_workers(todo, settings, jobs, done)
    finally:
        bar.close()
    return [outcomes[i] for i in range(len(units))]


def _run_on_kernels(todo: list[tuple[int, Unit]], settings: Settings, jobs: int,
                    done: Callable[[int, Outcome], None]) -> None:
    """Notebook units on worker threads, each with its own kernel; the kernels boot while papermill loads."""
    runner = Runner(settings, jobs)
    workers = max(1, min(jobs, len(todo)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="podcheck-unit")
    try:
        runner.launch(workers)
        _register_engine()  # imports papermill, about a second, while the kernels start
        pending: dict[Future[Outcome], int] = {pool.submit(runner.run_one, unit): i for i, unit in todo}
        for future in as_completed(pending):
            done(pending[future], future.result())
    except BaseException:
        # Ctrl-C or kill: stop the kernels so running units end now; their temporary folders are
        # removed by them or by tidy() afterwards.
        runner.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        runner.close()


def _portfolio(outcomes: list[Outcome], out: Path) -> dict[str, Path]:
    from .render.portfolio import LINK_KINDS as LINKED
    from .render.portfolio import Failure, PortfolioEntry, write_portfolio

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
    with locked(out):
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
        tidy(out)  # what a unit stopped by --timeout left
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

