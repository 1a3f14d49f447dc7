"""The kernel pool: one Jupyter kernel per worker thread, launched before papermill is imported and warmed
up once (podcheck and pandas imported), then running unit after unit. Between units the kernel's namespace
is reset and its working directory moved to the next unit's folder, so no state passes from one unit to the
next. A kernel that fails to start is retried once; one that dies or overruns is replaced."""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .processes import exit_description
from .store import new_kernels_folder
from .units import INTERRUPTED

KERNEL_MEMORY = 400 * 2**20  # a warmed kernel with pandas and WeasyPrint, with room to spare
KERNEL_NAME = "python3"

# gc.freeze(): what the imports made is kept out of the full collection that reset() runs after every
# unit, which would otherwise walk all of pandas each time (about 60 ms a unit).
_WARM_UP = ("import gc, pandas, podcheck, podcheck.notebooks.display, podcheck.notebooks.tables, podcheck.render{pdf}\n"
            "gc.freeze()\n")
# Move first: the last unit's folder may be gone, and reset() needs a working directory that exists.
_RESET = ("import os as _os\n_os.chdir({cwd!r})\ndel _os\n"
          "get_ipython().reset(new_session=True, aggressive=False)\n")


class KernelError(Exception):
    """The notebook kernel could not run a unit; the message says why, as the unit's failure reason."""


class KernelStartFailed(KernelError):
    """The kernel did not start, on the first try nor on the second."""


class KernelDied(KernelError):
    """The kernel's process ended by itself (out of memory, a crash in a library, a cell that killed it)."""

    def __init__(self, how: str) -> None:
        super().__init__(f"the notebook kernel died ({how})")
        self.how = how


class KernelTimedOut(KernelError):
    """The kernel did not answer in time."""


class KernelStopped(KernelError):
    """The batch stopped the kernel: Ctrl-C, SIGTERM, the time guard, or clean-up."""


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
                raise KernelStopped(INTERRUPTED)
            self.killed.clear()  # the clean-up of a failed attempt kills its process; this one is new
            try:
                self._start_once(cwd)
                return
            except Exception as exc:  # noqa: BLE001 - any failure to start is retried once, then reported
                last = exc
                self.stop()
        raise KernelStartFailed(f"the notebook kernel did not start (tried twice): {self._why(last)}")

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
                raise KernelStopped("the notebook kernel was stopped")
            if (died := self.died()) is not None:
                raise KernelDied(died)
            if time.monotonic() > deadline:
                raise KernelTimedOut(f"the notebook kernel did not answer within {timeout:g} s")
            try:
                reply = get_reply(timeout=0.2)
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            content = reply["content"]
            raise KernelError(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")

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
        return exit_description(code)

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


class KernelPool:
    """The kernels of one batch: one per worker thread, taken from those launched ahead when there are any,
    all stopped together."""

    def __init__(self, out: Path, owner: int, warm_pdf: bool) -> None:
        self.out = out
        self.owner = owner  # the batch's process, named in its kernels' folder
        self.warm_pdf = warm_pdf
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
                self._runtime = new_kernels_folder(self.out, self.owner)
            return self._runtime

    def _new_kernel(self) -> Kernel:
        kernel = Kernel(warm_pdf=self.warm_pdf, cancelled=self.cancelled, runtime=self.runtime)
        with self.lock:
            self.kernels.append(kernel)
        return kernel

    def launch(self, count: int) -> None:
        """Start `count` kernel processes now: they boot while papermill is imported and the first units
        are prepared. A launch that fails is retried when a unit needs the kernel."""
        for _ in range(count):
            kernel = self._new_kernel()
            try:
                kernel.launch(str(self.out.resolve()))
            except Exception:  # noqa: BLE001 - retried, and reported, by Kernel.start
                kernel.stop()
            with self.lock:
                self.spare.append(kernel)

    def kernel(self) -> Kernel:
        """The calling worker thread's kernel."""
        kernel = getattr(self.local, "kernel", None)
        if kernel is None:
            with self.lock:
                kernel = self.spare.pop() if self.spare else None
            kernel = kernel or self._new_kernel()
            self.local.kernel = kernel
        return kernel

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
