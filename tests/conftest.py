"""Fixtures every test area shares: paths, the CLI runner, and a headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "assessments" / "examples"
CHROMIUM = os.environ.get("PODCHECK_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts and this closed network refuses it.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]



def pytest_configure(config: pytest.Config) -> None:
    """Give Ctrl-C its usual meaning to every process the tests start, however the suite was started.

    A shell starts a background job (`make test &`, some CI runners) with SIGINT ignored, and an ignored
    signal stays ignored in every program started from there, so a batch under test would never see the
    Ctrl-C a test sends it. A handler (unlike "ignore") is reset to the default in each new program.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

@dataclass
class Run:
    """What a CLI run returned."""

    code: int
    out: str
    err: str


@pytest.fixture(scope="session")
def examples() -> list[Path]:
    """The bundled example assessment files."""
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 8
    return files


@pytest.fixture
def run_cli():
    """Run `podcheck ARGS...` in a subprocess, as a user would from a shell."""

    def run(*args: str | Path, cwd: Path | None = None, timeout: float = 300) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "podcheck.cli", *map(str, args)],
            capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright; fails (never skips) when it is missing."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
