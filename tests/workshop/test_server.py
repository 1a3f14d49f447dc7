"""`make workshop`'s launcher: loopback only, token kept off the command line, clear errors, and nothing left
running or lying about however it is stopped (Ctrl-C, SIGTERM, a closed terminal, a hung JupyterLab)."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from podcheck.workshop import launcher as workshop_server


def test_command_binds_loopback_and_keeps_the_token_out_of_the_process_list(tmp_path):
    command = workshop_server.lab_command(tmp_path, 8888)
    assert "--ServerApp.ip=127.0.0.1" in command and "--no-browser" in command
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert "--LabApp.default_url=/lab/tree/00-workshop.ipynb" in command
    assert not any("token" in part.lower() for part in command)
    assert workshop_server.lab_url(8888, "abc") == "http://127.0.0.1:8888/lab/tree/00-workshop.ipynb?token=abc"


def test_the_playbook_holds_the_workshop_notebook():
    assert (workshop_server.playbook_dir() / workshop_server.NOTEBOOK).is_file()


def test_a_folder_without_the_notebook_is_refused(tmp_path, capsys):
    assert workshop_server.main(["--root", str(tmp_path)]) == 2
    assert "workshop notebook not found" in capsys.readouterr().err


def test_a_busy_port_is_left_for_jupyterlab_to_replace():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        # 0 asks JupyterLab for any free port; it binds that itself, so no other program can take it meanwhile.
        assert workshop_server.choose_port(taken) == 0


def test_settings_make_jupyterlab_start_the_kernel_without_a_dialog():
    folder = workshop_server.lab_settings_dir()
    try:
        text = (folder / "overrides.json").read_text(encoding="utf-8")
        assert '"autoStartDefaultKernel": true' in text
    finally:
        for child in folder.iterdir():
            child.unlink()
        Path(folder).rmdir()


# -- The launcher as a user runs it: a process in a terminal that can be closed, killed or hung.

WAIT = 180  # s; JupyterLab's start on a busy 2-core machine can take a while


@dataclass
class Launcher:
    """A running `make workshop` launcher, the JupyterLab it started, and the folders it may write in."""

    process: subprocess.Popen
    lab: psutil.Process
    port: int
    token: str
    home: Path
    tmp: Path

    def start_kernel(self) -> psutil.Process:
        """Start a kernel through the server's REST API, as opening the notebook does; its process."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/kernels", data=b"{}", method="POST",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            kernel_id = json.loads(response.read())["id"]
        kernels = [p for p in self.lab.children(recursive=True) if kernel_id in " ".join(command_line(p))]
        assert len(kernels) == 1, [command_line(p) for p in self.lab.children(recursive=True)]
        return kernels[0]

    def files_holding_the_token(self) -> list[Path]:
        return [p for folder in (self.home, self.tmp) for p in folder.rglob("*")
                if p.is_file() and self.token.encode() in p.read_bytes()]


def command_line(process: psutil.Process) -> list[str]:
    """The process's command line; empty for one that has just ended (JupyterLab runs short helpers too)."""
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def environment(process: psutil.Process) -> dict[str, str]:
    """The process's environment; empty for one that has just ended."""
    try:
        return process.environ()
    except psutil.Error:
        return {}


def wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    """Poll `check()` until it returns something true, and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"{what}: not so after {timeout:.0f} s"
        time.sleep(0.05)
    return value


def running(process: psutil.Process) -> bool:
    """Still running (a process that has exited but not been reaped yet does not count)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Callable[..., Launcher]]:
    """Start `python -m podcheck.workshop` with its home, temporary and Jupyter folders under tmp_path."""
    started: list[psutil.Process] = []

    def launch(*args: str, ready: bool = True) -> Launcher:
        root, home, tmp = tmp_path / "root", tmp_path / "home", tmp_path / "tmp"
        for folder in (root, home, tmp):
            folder.mkdir()
        shutil.copy(workshop_server.playbook_dir() / workshop_server.NOTEBOOK, root)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "IPYTHON"))}
        env.update(HOME=str(home), TMPDIR=str(tmp), JUPYTER_CONFIG_DIR=str(home / "config"),
                   JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                   IPYTHONDIR=str(home / "ipython"), JUPYTER_PLATFORM_DIRS="1")
        log = (tmp_path / "launcher.log").open("w")
        process = subprocess.Popen([sys.executable, "-m", "podcheck.workshop", "--root", str(root), *args],
                                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True,
                                   start_new_session=True)  # its own process group, like a shell's job
        log.close()
        started.append(psutil.Process(process.pid))
        if not ready:  # as soon as JupyterLab runs, with the token in its environment
            lab = wait_until(lambda: next((p for p in psutil.Process(process.pid).children()
                                           if "JUPYTER_TOKEN" in environment(p)), None), "JupyterLab started")
            started.append(lab)
            return Launcher(process, lab, 0, environment(lab)["JUPYTER_TOKEN"], home, tmp)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=lambda: [*map(lines.put, process.stdout), lines.put(None)], daemon=True).start()
        deadline = time.monotonic() + WAIT
        found = None
        with contextlib.suppress(queue.Empty):
            while not found and (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))) is not None:
                found = re.search(r"http://127\.0\.0\.1:(\d+)/\S*\?token=(\S+)", line)
        assert found, f"the launcher printed no URL:\n{(tmp_path / 'launcher.log').read_text()}"
        labs = psutil.Process(process.pid).children()
        assert len(labs) == 1
        started.extend(labs)
        return Launcher(process, labs[0], int(found[1]), found[2], home, tmp)

    yield launch
    for process in started:  # whatever a failed test left running
        with contextlib.suppress(psutil.Error):
            for child in process.children(recursive=True):
                child.kill()
            process.kill()


def stopped_cleanly(run: Launcher, kernel: psutil.Process | None = None) -> None:
    """The launcher has ended, JupyterLab and its kernel with it, and no file it made is left behind."""
    assert run.process.wait(timeout=WAIT) == 0
    assert not running(run.lab), "JupyterLab is still serving"
    if kernel is not None:
        assert not running(kernel), "the kernel is still running"
    assert run.files_holding_the_token() == []
    assert list(run.tmp.iterdir()) == []
    assert list(run.home.rglob("kernel-*.json")) == [], "kernel connection files were left behind"


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_terminating_the_launcher_stops_jupyterlab_and_removes_its_files(launcher, sig):
    run = launcher("--port", "0")
    kernel = run.start_kernel()
    assert run.files_holding_the_token(), "the server's own file should hold the token while it runs"
    run.process.send_signal(getattr(signal, sig))
    stopped_cleanly(run, kernel)


@pytest.mark.slow
def test_sighup_stops_jupyterlab_too(launcher):
    run = launcher("--port", "0")
    kernel = run.start_kernel()
    run.process.send_signal(signal.SIGHUP)
    stopped_cleanly(run, kernel)


@pytest.mark.slow
def test_a_closed_terminal_stops_jupyterlab_and_removes_its_files(launcher):
    # A closing terminal sends SIGHUP to the whole foreground process group, not just the launcher.
    run = launcher("--port", "0")
    kernel = run.start_kernel()
    os.killpg(run.process.pid, signal.SIGHUP)
    stopped_cleanly(run, kernel)


@pytest.mark.slow
def test_a_hung_jupyterlab_is_killed_and_its_token_file_still_removed(launcher):
    run = launcher("--port", "0", "--stop-timeout", "5")
    kernel = run.start_kernel()
    run.lab.suspend()  # SIGSTOP: JupyterLab can no longer answer SIGTERM
    run.process.send_signal(signal.SIGTERM)
    stopped_cleanly(run, kernel)


@pytest.mark.slow
def test_a_second_signal_skips_the_grace_period(launcher):
    # Ctrl-C, then `kill`: a facilitator who does not want to wait for a stuck JupyterLab need not. (Two
    # signals of one kind sent at once can reach Python as one, as two presses of Ctrl-C far apart never do.)
    run = launcher("--port", "0", "--stop-timeout", "3600")
    run.lab.suspend()
    run.process.send_signal(signal.SIGINT)
    run.process.send_signal(signal.SIGTERM)
    stopped_cleanly(run)  # within WAIT, far less than the hour JupyterLab would otherwise get


@pytest.mark.slow
def test_stopping_while_jupyterlab_starts_leaves_nothing_behind(launcher):
    run = launcher("--port", "0", ready=False)
    run.process.send_signal(signal.SIGTERM)
    stopped_cleanly(run)


@pytest.mark.slow
def test_a_busy_port_gets_a_free_one_that_serves(launcher):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        run = launcher("--port", str(taken))
        assert run.port != taken
        with urllib.request.urlopen(f"http://127.0.0.1:{run.port}/api/status?token={run.token}", timeout=WAIT) as r:
            assert r.status == 200
        run.process.send_signal(signal.SIGTERM)
        stopped_cleanly(run)
