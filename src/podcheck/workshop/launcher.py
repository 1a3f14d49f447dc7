"""`make workshop`: start JupyterLab on the playbook, on this machine only, behind a fresh random token.

The token travels in the JUPYTER_TOKEN environment variable rather than on the command line, so other
users of the machine cannot read it from the process list. The URL printed at the end opens the
workshop notebook directly. However the launcher is stopped (Ctrl-C, `kill`, a closed terminal), it
stops JupyterLab and its kernels and removes the files they wrote, the one holding the token included.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files.locations import playbook_dir

NOTEBOOK = "00-workshop.ipynb"
HOST = "127.0.0.1"


def choose_port(preferred: int = 8888) -> int:
    """The preferred port if nothing listens there now, else 0: JupyterLab then binds a free port itself.

    Asking for 0 rather than a port found free a moment earlier leaves no gap in which another
    program can take it; wait_until_ready reads back the port JupyterLab got.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, preferred))
        except OSError:
            return 0
    return preferred


# Defaults for this JupyterLab (a person's own settings still win): start the kernel without asking,
# and do not ask about fetching news, so no dialog covers the workshop on the shared screen.
LAB_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


def lab_settings_dir(folder: Path | None = None) -> Path:
    """A folder (`folder`, or a fresh temporary one) holding the workshop's JupyterLab setting overrides."""
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="podcheck-lab-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=2), encoding="utf-8")
    return folder


def lab_command(root: Path, port: int, notebook: str = NOTEBOOK, settings: Path | None = None) -> list[str]:
    """The JupyterLab command line: loopback only, no browser, opening on the workshop notebook."""
    return [
        sys.executable, "-m", "jupyter", "lab",
        f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}", "--no-browser",
        f"--LabApp.default_url=/lab/tree/{notebook}",
        # A workshop needs no extension store and no update checks (and a closed network has neither).
        "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        *([f"--LabApp.app_settings_dir={settings}"] if settings else []),
        # Containers and CI run as root; JupyterLab refuses that unless told it is intended.
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]


def lab_url(port: int, token: str, notebook: str = NOTEBOOK) -> str:
    """The address to open in a browser, token included."""
    return f"http://{HOST}:{port}/lab/tree/{notebook}?token={token}"


@dataclass
class Lab:
    """A JupyterLab started by start_lab: its process, token and private folder; `port` once it is ready."""

    process: subprocess.Popen
    token: str
    folder: Path
    notebook: str = NOTEBOOK
    port: int = 0

    @property
    def runtime_dir(self) -> Path:
        """Where this JupyterLab keeps its server file (which holds the token) and kernel connection files."""
        return self.folder / "runtime"

    @property
    def url(self) -> str:
        """The address to open in a browser, token included."""
        return lab_url(self.port, self.token, self.notebook)

    def api(self, path: str, timeout: float = 10) -> Any:
        """GET /api/<path> from this server with the token, decoded from JSON."""
        request = urllib.request.Request(f"http://{HOST}:{self.port}/api/{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def kernels(self) -> list[dict[str, Any]]:
        """The server's kernels (id, execution_state, connections...); empty while it cannot answer."""
        try:
            return self.api("kernels")
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            return []  # a server busy starting a kernel can answer 500 or time out for a moment

    def served_port(self) -> int:
        """The port named in the server's own file, or 0 while that file is not (fully) written."""
        for info in self.runtime_dir.glob("jpserver-*.json"):
            try:
                return int(json.loads(info.read_text(encoding="utf-8"))["port"])
            except (OSError, ValueError, KeyError, TypeError):
                pass  # written in several steps: read it again on the next round
        return 0


def wait_until_ready(lab: Lab, timeout: float = 90, cancelled: Callable[[], bool] | None = None) -> bool:
    """Wait until the server answers /api/status (then lab.port is set): True, or False if `cancelled()`.

    Fails if JupyterLab exits or the time runs out.
    """
    deadline = time.monotonic() + timeout
    while True:
        if lab.process.poll() is not None:
            raise RuntimeError(f"JupyterLab stopped while starting (exit code {lab.process.returncode})")
        if cancelled is not None and cancelled():
            return False
        lab.port = lab.port or lab.served_port()
        if lab.port:
            try:
                lab.api("status", timeout=5)
                return True
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass  # listening but not answering yet
        if time.monotonic() > deadline:
            raise TimeoutError(f"JupyterLab did not answer within {timeout:.0f} s")
        time.sleep(0.25)


def start_lab(root: Path, port: int, token: str, *, env: dict[str, str] | None = None,
              notebook: str = NOTEBOOK, quiet: bool = False) -> Lab:
    """Start JupyterLab as a child process on `port` (0: any free port); the caller stops it with stop_lab.

    The token goes in its environment. Its settings and runtime files (the server file holding the
    token, kernel connection files) live in one private temporary folder that stop_lab removes, so
    nothing is left behind even when JupyterLab has to be killed.
    """
    folder = Path(tempfile.mkdtemp(prefix="podcheck-lab-"))  # mode 0700: the token file inside stays private
    try:
        settings = lab_settings_dir(folder / "settings")
        (folder / "runtime").mkdir(mode=0o700)
        child_env = {**(env if env is not None else os.environ), "JUPYTER_TOKEN": token,
                     "JUPYTER_RUNTIME_DIR": str(folder / "runtime")}
        out = subprocess.DEVNULL if quiet else None
        # A session of its own: a closing terminal's SIGHUP or a Ctrl-C reaches only the launcher, which then
        # stops JupyterLab in order (SIGTERM), instead of JupyterLab dying mid-way and leaving its files.
        process = subprocess.Popen(lab_command(root, port, notebook, settings), env=child_env, cwd=root,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Lab(process, token, folder, notebook)


def stop_lab(lab: Lab, timeout: float = 15, hurry: Callable[[], bool] | None = None) -> None:
    """Stop JupyterLab and its kernels, then remove its folder (token file included).

    SIGTERM is JupyterLab's own clean shutdown: it stops its kernels and removes their files. Only if
    it has not ended after `timeout` seconds (or `hurry()` turns true) are it and its kernels killed.
    """
    process = lab.process
    try:
        if process.poll() is None:
            process.terminate()
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline and not (hurry is not None and hurry()):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=0.2)
            if process.poll() is None:
                _kill_with_kernels(process)
    finally:
        shutil.rmtree(lab.folder, ignore_errors=True)


def _kill_with_kernels(process: subprocess.Popen) -> None:
    """Kill a JupyterLab that did not stop, and the kernels it started (each runs in a session of its own)."""
    try:
        import psutil  # installed with ipykernel
    except ImportError:  # the kernels still end on their own once they see JupyterLab gone
        process.kill()
        process.wait()
        return
    try:
        kernels = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        kernels = []
    # JupyterLab first: while it lives, it would restart a kernel that dies.
    process.kill()
    process.wait()
    for kernel in kernels:
        with contextlib.suppress(psutil.Error):
            kernel.kill()
    # Until each is gone; a zombie counts as gone (its new parent, not we, must reap it).
    deadline = time.monotonic() + 10
    for kernel in kernels:
        with contextlib.suppress(psutil.Error):
            while kernel.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
                time.sleep(0.05)


class StopSignals:
    """SIGINT, SIGTERM and SIGHUP all ask the launcher to stop; noted here rather than raised as exceptions,
    so no signal can cut the clean-up short. A second one hurries it (no grace period for JupyterLab)."""

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.received: list[int] = []
        self._before: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for name in self.NAMES:
            if hasattr(signal, name):  # Windows has no SIGHUP
                number = getattr(signal, name)
                self._before[number] = signal.signal(number, self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._before.items():
            signal.signal(number, handler)

    def _note(self, number: int, frame: object) -> None:
        self.received.append(number)

    def stop(self) -> bool:
        """True once a stop signal has arrived."""
        return bool(self.received)

    def hurry(self) -> bool:
        """True once a second stop signal has arrived."""
        return len(self.received) > 1


def main(argv: list[str] | None = None) -> int:
    """Start JupyterLab on the playbook and print the URL to open; Ctrl-C (or SIGTERM, SIGHUP) stops it."""
    parser = argparse.ArgumentParser(prog="make workshop", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8888, help="port to use if free (default 8888)")
    parser.add_argument("--root", type=Path, default=None, help="folder JupyterLab serves (default: the playbook)")
    parser.add_argument("--stop-timeout", type=float, default=15, metavar="SECONDS",
                        help="time JupyterLab gets to shut its kernels down when stopped, before it is killed "
                             "(default 15)")
    args = parser.parse_args(argv)
    root = (args.root or playbook_dir()).resolve()
    if not (root / NOTEBOOK).is_file():
        print(f"podcheck: {root / NOTEBOOK}: workshop notebook not found", file=sys.stderr)
        return 2
    # A closed terminal (SIGHUP), `kill` (SIGTERM) and Ctrl-C (SIGINT) all stop JupyterLab and its kernels.
    with StopSignals() as signals:
        lab = start_lab(root, choose_port(args.port), secrets.token_urlsafe(24), quiet=False)
        try:
            if not wait_until_ready(lab, cancelled=signals.stop):
                return 0
            bar = "=" * 72
            print(f"\n{bar}\npodcheck workshop is running (this machine only). Open:\n\n    {lab.url}\n\n"
                  f"Stop it with Ctrl-C in this terminal.\n{bar}\n", flush=True)
            while lab.process.poll() is None and not signals.stop():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    lab.process.wait(timeout=0.5)
            return 0 if signals.stop() else lab.process.returncode
        except (RuntimeError, TimeoutError) as exc:
            print(f"podcheck: {exc}", file=sys.stderr)
            return 1
        finally:
            stop_lab(lab, args.stop_timeout, hurry=signals.hurry)


if __name__ == "__main__":
    sys.exit(main())
