"""Shared fixtures for the batch tests: one notebook batch over the examples (plus a broken and a
hostile unit), run once per session through the CLI, as a user would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assessments" / "examples"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

HOSTILE = {
    "schema": "podcheck/1",
    "organization": IMG,
    "unit": f"../../{SCRIPT}",
    "assessed_on": "2026-11-20",
    "pods": [{"name": f"Pod {SCRIPT}", "active_projects": 2}],
    "people": [
        {"name": SCRIPT, "pod": f"Pod {SCRIPT}", "roles": {"analyst": 0.5, "technologist": 0.5},
         "background": "software-engineering"},
        {"name": IMG, "pod": f"Pod {SCRIPT}", "roles": {"lead": 1.0}, "background": "mis"},
    ],
}
BROKEN = """schema: podcheck/1
organization: Acme
unit: Broken
assessed_on: 2026-11-20
pods: [{name: CRM}]
people:
  - {name: Ann, pod: CRM, roles: {analyst: 1.5}}
"""


@dataclass
class BatchRun:
    """A finished `podcheck batch` run: exit code, output streams and the output folder."""

    code: int
    out: str
    err: str
    folder: Path


def podcheck_cli(*args: str | Path, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`podcheck ARGS...` in a subprocess, from the repo root."""
    return subprocess.run([sys.executable, "-m", "podcheck.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


@pytest.fixture(scope="session")
def odd_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A unit file that fails validation and one whose names are HTML and path tricks."""
    folder = tmp_path_factory.mktemp("odd")
    broken = folder / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    hostile = folder / "hostile.yaml"
    hostile.write_text(yaml.safe_dump(HOSTILE, allow_unicode=True), encoding="utf-8")
    return {"broken": broken, "hostile": hostile}


@pytest.fixture(scope="session")
def example_batch(tmp_path_factory: pytest.TempPathFactory, odd_inputs: dict[str, Path]) -> BatchRun:
    """The examples, the broken and the hostile unit through `podcheck batch` with notebooks, once."""
    out = tmp_path_factory.mktemp("batch") / "reports"
    proc = podcheck_cli("batch", EXAMPLES, odd_inputs["broken"], odd_inputs["hostile"], "--out", out,
                        "--formats", "html,md", "--jobs", "2")
    return BatchRun(proc.returncode, proc.stdout, proc.stderr, out)


def gone(pid: int, limit: float = 60) -> bool:
    """True once no process runs with this id (an ended one not yet reaped counts as gone), polled up
    to a generous deadline."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


HANGING_CLI = Path(__file__).with_name("hanging_cli.py")


@dataclass
class Hanging:
    """A `podcheck batch` running in the background in which one unit never finishes by itself."""

    proc: subprocess.Popen[str]
    started: Path  # holds the process id running the hanging unit, once it runs

    def wait_until_hanging(self, limit: float = 120) -> int:
        """Wait until the hanging unit runs; returns the id of the process running it."""
        deadline = time.monotonic() + limit
        while not (self.started.is_file() and self.started.read_text(encoding="utf-8").strip()):
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.monotonic() < deadline, "the hanging unit never started"
            time.sleep(0.05)
        return int(self.started.read_text(encoding="utf-8"))

    def interrupt(self) -> None:
        """Ctrl-C as a terminal sends it: SIGINT to every process of the batch's group."""
        os.killpg(self.proc.pid, signal.SIGINT)

    def stop(self) -> None:
        """Kill it and every process of its group, if a test left any running."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.communicate(timeout=60)


def start_hanging(*args: str | Path, hang: str, tmp: Path, env: dict[str, str] | None = None) -> Hanging:
    """`podcheck ARGS...` in the background, with the unit named `hang` hanging."""
    started = tmp / f"started-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, str(HANGING_CLI), *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, **(env or {}), "PODCHECK_TEST_HANG": hang,
                                 "PODCHECK_TEST_STARTED": str(started)})
    return Hanging(proc, started)
