"""Running the units of a batch: a unit whose manifest (input, rubric, podcheck version, formats, playbook)
matches the last run is skipped unless forced; the rest run in parallel. With notebooks, on worker threads
that each keep one kernel of the pool and run every unit through `papermill.execute_notebook` on it; without,
on worker processes, one unit at a time each. A unit past its time limit is stopped (its kernel or worker
killed and replaced); Ctrl-C or SIGTERM stops them all. Every failure is the unit's, with its reason."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing.connection
import multiprocessing.context
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Protocol

from .. import __version__
from ..catalog import Rubric
from ..files import history
from ..files.atomic import safe_name, write_atomic
from ..notebooks.display import RESULT_FILE
from ..plan import assess_with_plan as assess  # the result with its plan, as `podcheck assess` gives it
from ..result import Result
from ..survey import reporting_survey, with_survey
from . import store
from .engine import register_engine
from .kernels import KERNEL_MEMORY, KERNEL_NAME, Kernel, KernelDied, KernelError, KernelPool
from .processes import die_with_parent, exit_description, process_context, usable_cores
from .store import INPUT_FILE, NOTEBOOK_FILE, RUBRIC_FILE
from .units import INTERRUPTED, BatchUnit, UnitOutcome


class Progress(Protocol):
    """Told how a batch advances (in the thread that runs it): how many units, then each unit's outcome as
    it is known, then that the units are over (also when the batch is stopped)."""

    def start(self, total: int) -> None:
        """The batch has this many units."""

    def unit_done(self, outcome: UnitOutcome) -> None:
        """One unit is done: ok, skipped as unchanged, or failed."""

    def close(self) -> None:
        """No more units will be done."""


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
    paper: str = "a4"
    owner: int = dataclasses.field(default_factory=os.getpid)  # the batch's process, named in its temporary folders

    def manifest_key(self, unit: BatchUnit) -> dict[str, Any]:
        """What must be unchanged for a unit to be skipped."""
        return {
            "podcheck_version": __version__,
            "input_sha256": unit.digest,
            "rubric_sha256": hashlib.sha256(self.rubric_text).hexdigest() if self.rubric_text else "default",
            "formats": list(self.formats),
            "notebooks": self.notebooks,
            "playbook_sha256": self.notebook_digest if self.notebooks else None,
            # The report shows the unit's trend: earlier assessments brought in since the last run redo it.
            "history": [d for d in history.dates(self.history_folder(unit))
                        if unit.assessment is None or d != unit.assessment.assessed_on.isoformat()],
            **({"paper": self.paper} if self.paper != "a4" else {}),
        }

    def history_folder(self, unit: BatchUnit) -> Path:
        """Where this unit's results are kept, one per assessment date: beside its folder, never inside it."""
        return self.out / history.HISTORY_DIR / unit.folder

    def earlier(self, unit: BatchUnit) -> list[Result]:
        """The unit's kept results (unreadable files are skipped; they stay on disk)."""
        return history.load_history(self.history_folder(unit))[0]


SURVEY_FILE = "survey.json"  # a unit's survey summed up, for its notebook: anonymous, as result.json holds it


class NotebookIncomplete(Exception):
    """The notebook ran to its end without writing every file the unit needs."""


def took_too_long(timeout: int) -> str:
    """The reason of a unit stopped by its time limit."""
    return f"took longer than {timeout} s and was stopped"


# ---------------------------------------------------------------- one unit


def unchanged(unit: BatchUnit, settings: Settings) -> UnitOutcome | None:
    """The previous outcome of this unit if its manifest matches and all its files are there."""
    previous = store.previous_run(settings.out / unit.folder, settings.manifest_key(unit))
    if previous is None:
        return None
    result, files = previous
    if result.assessed_on not in history.dates(settings.history_folder(unit)):
        history.record(settings.history_folder(unit), result)  # a folder made before history was kept
    return UnitOutcome(unit, "skipped", None, result, {k: f"{unit.folder}/{v}" for k, v in files.items()})


def _new_tmp(unit: BatchUnit, settings: Settings) -> Path:
    assert unit.text is not None
    return store.new_unit_folder(settings.out, unit.folder, settings.owner, unit.text, settings.rubric_text)


def _files_in(folder: Path, written: dict[str, Path]) -> dict[str, str]:
    return {fmt: str(Path(path).resolve().relative_to(folder.resolve())) for fmt, path in written.items()}


def _finish(unit: BatchUnit, settings: Settings, tmp: Path, files: dict[str, str], started: float,
            rendered: bool = True) -> UnitOutcome:
    """Write the unit's manifest, move its folder into place, and keep its result in the unit's history.

    `rendered` False (the notebook wrote the reports): they are drawn again here when the unit has a history
    to show or another paper size, which the notebook knows nothing of."""
    result = Result.from_json((tmp / RESULT_FILE).read_text(encoding="utf-8"))
    if not rendered and settings.formats:
        earlier = settings.earlier(unit)
        if settings.paper != "a4" or any(r.assessed_on != result.assessed_on for r in earlier):
            from ..render import write_unit_reports

            write_unit_reports(result, unit.assessment, tmp, formats=settings.formats, history=earlier,
                               paper=settings.paper)
    seconds = round(time.monotonic() - started, 3)
    manifest = {"key": settings.manifest_key(unit), "source": unit.source, "unit": result.unit,
                "files": files, "seconds": seconds}
    store.commit(tmp, settings.out / unit.folder, manifest)
    # After the folder is in place: a unit that failed before this point leaves its history as it was.
    history.record(settings.history_folder(unit), result)
    return UnitOutcome(unit, "ok", None, result, {k: f"{unit.folder}/{v}" for k, v in files.items()}, seconds)


def run_in_process(unit: BatchUnit, settings: Settings) -> UnitOutcome:
    """Without notebooks: assess and render here, no kernel."""
    from ..render import write_unit_reports

    started = time.monotonic()
    assert unit.assessment is not None
    tmp = _new_tmp(unit, settings)
    try:
        result = reporting_survey(assess(with_survey(unit.assessment, unit.survey), settings.rubric), unit.survey)
        written = {"json": write_atomic(tmp / RESULT_FILE, result.to_json())}
        if settings.formats:
            written.update(write_unit_reports(result, unit.assessment, tmp, formats=settings.formats,
                                              history=settings.earlier(unit), paper=settings.paper))
        written["input"] = tmp / INPUT_FILE
        return _finish(unit, settings, tmp, _files_in(tmp, written), started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def assess_unit(unit: BatchUnit, settings: Settings) -> UnitOutcome:
    """One unit without a notebook, any error reported as its failure (runs in a thread or a process)."""
    try:
        return run_in_process(unit, settings)
    except Exception as exc:  # noqa: BLE001 - reported as this unit's failure
        return UnitOutcome(unit, "failed", f"{exc.__class__.__name__}: {exc}")


def _expected_files(unit: BatchUnit, settings: Settings) -> dict[str, str]:
    """What the notebook must have written: the result, the reports (named as render names them)."""
    from ..render import EXTENSIONS

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


def _kernel_failure(exc: Exception, kernel: Kernel, died: str | None, timeout: int) -> str:
    """Why a unit failed on its kernel, truthfully: the batch stopped, the time limit, the kernel died, or
    the error itself."""
    if kernel.cancelled.is_set():
        return INTERRUPTED
    if kernel.timed_out.is_set() or isinstance(exc, TimeoutError):  # the guard, or nbclient's own
        return took_too_long(timeout)
    if died is not None:
        return str(KernelDied(died))
    if isinstance(exc, KernelError | NotebookIncomplete):
        return str(exc)
    return f"{exc.__class__.__name__}: {exc}".rstrip(": ")


def run_notebook(unit: BatchUnit, settings: Settings, kernel: Kernel) -> UnitOutcome:
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
        if unit.survey is not None:
            # The copy's `responses:` names a file beside the original; the kernel gets the summary instead.
            write_atomic(tmp / SURVEY_FILE, unit.survey.model_dump_json())
            parameters["survey_file"] = SURVEY_FILE
        guard.start()
        try:
            papermill.execute_notebook(
                nbformat.from_dict(settings.notebook), str(tmp / NOTEBOOK_FILE), parameters=parameters,
                engine_name=register_engine(), kernel_name=KERNEL_NAME, progress_bar=False,
                request_save_on_cell_execute=False, execution_timeout=settings.timeout, kernel=kernel,
            )
        except PapermillExecutionError as exc:
            store.keep_failed_notebook(settings.out, unit.folder, tmp)
            return UnitOutcome(unit, "failed", _cell_failure(exc), seconds=time.monotonic() - started)
        finally:
            guard.cancel()
        files = _expected_files(unit, settings)
        missing = [name for name in files.values() if not (tmp / name).is_file()]
        if missing:
            raise NotebookIncomplete(f"the notebook did not write {', '.join(missing)}")
        return _finish(unit, settings, tmp, files, started, rendered=False)
    except Exception as exc:  # noqa: BLE001 - any failure of one unit is reported, the batch goes on
        died = kernel.died()  # before stop(), which kills it
        kernel.stop()  # its state is unknown now; the next unit gets a fresh kernel
        reason = _kernel_failure(exc, kernel, died, settings.timeout)
        return UnitOutcome(unit, "failed", reason, seconds=time.monotonic() - started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- units without notebooks, on worker processes


def _worker_main(conn: Any, others: list[Any], settings: Settings, parent: int) -> None:
    """A worker without notebooks: assess the units it is sent, one at a time, until told to stop."""
    die_with_parent(parent)
    # Ctrl-C reaches every process of the terminal's group: the batch ends its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for other in others:  # the batch's ends of the pipes, inherited by a fork: EOF must mean the batch is gone
        with contextlib.suppress(OSError):
            other.close()
    store.release_inherited_lock()
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
            conn.send(UnitOutcome(unit, "failed", f"{exc.__class__.__name__}: {exc}"))


class _Worker:
    """A worker process and what it is doing: a unit and its deadline."""

    def __init__(self, context: multiprocessing.context.BaseContext, settings: Settings, others: list[Any]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, [*others, self.conn], settings, os.getpid()),
                                       name="podcheck-unit", daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, BatchUnit] | None = None
        self.deadline = 0.0

    def give(self, index: int, unit: BatchUnit, timeout: float) -> None:
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
        return exit_description(code) if code is not None else "stopped"


def run_in_workers(todo: list[tuple[int, BatchUnit]], settings: Settings, jobs: int,
                   done: Callable[[int, UnitOutcome], None]) -> None:
    """Without notebooks: assess units on `jobs` worker processes; `done(index, outcome)` as each ends.

    Processes rather than threads: the work is pure Python (threads would queue on the GIL), and a
    process can be ended: a unit past its time limit is killed with its worker, which is replaced, and
    Ctrl-C or SIGTERM ends every worker at once."""
    context = process_context()
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
                        outcome = UnitOutcome(unit, "failed", f"its worker process ended unexpectedly ({how})")
                        workers[slot] = _Worker(context, settings, [w.conn for w in workers if w is not worker])
                    done(index, outcome)
                elif time.monotonic() >= worker.deadline:
                    worker.end()
                    workers[slot] = _Worker(context, settings, [w.conn for w in workers if w is not worker])
                    done(index, UnitOutcome(unit, "failed", took_too_long(settings.timeout)))
    finally:
        for worker in workers:
            worker.end()


# ---------------------------------------------------------------- units with notebooks, on the kernel pool


def _run_on_kernel(unit: BatchUnit, settings: Settings, pool: KernelPool) -> UnitOutcome:
    """Run one unit on the calling worker thread's kernel."""
    if pool.cancelled.is_set():
        return UnitOutcome(unit, "failed", INTERRUPTED)
    return run_notebook(unit, settings, pool.kernel())


def run_on_kernels(todo: list[tuple[int, BatchUnit]], settings: Settings, jobs: int,
                   done: Callable[[int, UnitOutcome], None]) -> None:
    """Notebook units on worker threads, each with its own kernel; the kernels boot while papermill loads."""
    pool = KernelPool(settings.out, settings.owner, warm_pdf="pdf" in settings.formats)
    workers = max(1, min(jobs, len(todo)))
    threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="podcheck-unit")
    try:
        pool.launch(workers)
        register_engine()  # imports papermill, about a second, while the kernels start
        pending: dict[Future[UnitOutcome], int] = {
            threads.submit(_run_on_kernel, unit, settings, pool): i for i, unit in todo}
        for future in as_completed(pending):
            done(pending[future], future.result())
    except BaseException:
        # Ctrl-C or kill: stop the kernels so running units end now; their temporary folders are
        # removed by them or by store.tidy() afterwards.
        pool.kill_all()
        threads.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        threads.shutdown(wait=True)
        pool.close()


# ---------------------------------------------------------------- all units


def execute(units: list[BatchUnit], settings: Settings, jobs: int, force: bool = False,
            progress: Progress | None = None) -> list[UnitOutcome]:
    """Run every unit (skipping unchanged ones unless `force`); outcomes in input order."""
    outcomes: dict[int, UnitOutcome] = {}
    if progress is not None:
        progress.start(len(units))

    def done(index: int, outcome: UnitOutcome) -> None:
        outcomes[index] = outcome
        if progress is not None:
            progress.unit_done(outcome)

    try:
        todo: list[tuple[int, BatchUnit]] = []
        for index, unit in enumerate(units):
            if unit.error is not None or unit.assessment is None:
                done(index, UnitOutcome(unit, "failed", unit.error or "could not be read"))
                continue
            previous = None if force else unchanged(unit, settings)
            if previous is not None:
                done(index, previous)
                continue
            todo.append((index, unit))
        if todo and settings.notebooks:
            run_on_kernels(todo, settings, jobs, done)
        elif todo:
            run_in_workers(todo, settings, jobs, done)
    finally:
        if progress is not None:
            progress.close()
    return [outcomes[i] for i in range(len(units))]


def default_jobs(units: int, notebooks: bool) -> int:
    """Parallel units: one per core, fewer when free memory would not hold that many kernels."""
    jobs = usable_cores()
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


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
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
