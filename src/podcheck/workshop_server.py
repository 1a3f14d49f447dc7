"""`make workshop`: start JupyterLab on the playbook, on this machine only, behind a fresh random token.

The token travels in the JUPYTER_TOKEN environment variable rather than on the command line, so other
users of the machine cannot read it from the process list. The URL printed at the end opens the
workshop notebook directly.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

NOTEBOOK = "00-workshop.ipynb"
HOST = "127.0.0.1"


def playbook_dir() -> Path:
    """playbook/ in a source checkout, or the copy packed into an installed wheel."""
    source = Path(__file__).resolve().parents[2] / "playbook"
    return source if source.is_dir() else Path(__file__).parent / "_data" / "playbook"


def free_port(preferred: int = 8888) -> int:
    """The preferred port if nothing listens there, else any free port on the loopback address."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


# Defaults for this JupyterLab (a person's own settings still win): start the kernel without asking,
# and do not ask about fetching news, so no dialog covers the workshop on the shared screen.
LAB_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


def lab_settings_dir() -> Path:
    """A fresh folder holding the workshop's JupyterLab setting overrides."""
    folder = Path(tempfile.mkdtemp(prefix="podcheck-lab-"))
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


def wait_until_ready(port: int, token: str, process: subprocess.Popen | None = None, timeout: float = 90) -> None:
    """Wait until the server answers /api/status, or fail if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"http://{HOST}:{port}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"JupyterLab stopped while starting (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer on port {port} within {timeout:.0f} s")


def start_lab(root: Path, port: int, token: str, *, env: dict[str, str] | None = None,
              notebook: str = NOTEBOOK, quiet: bool = False) -> subprocess.Popen:
    """Start JupyterLab as a child process (token passed in its environment); the caller stops it."""
    child_env = {**(env if env is not None else os.environ), "JUPYTER_TOKEN": token}
    out = subprocess.DEVNULL if quiet else None
    settings = lab_settings_dir()
    process = subprocess.Popen(lab_command(root, port, notebook, settings), env=child_env, cwd=root, stdout=out, stderr=out)
    process.podcheck_settings = settings  # type: ignore[attr-defined]  # removed by stop_lab
    return process


def stop_lab(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop JupyterLab and its kernels: SIGINT twice is its own clean shutdown; kill if it hangs."""
    settings = getattr(process, "podcheck_settings", None)
    if settings is not None:
        shutil.rmtree(settings, ignore_errors=True)
    if process.poll() is not None:
        return
    for _ in range(2):
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str] | None = None) -> int:
    """Start JupyterLab on the playbook and print the URL to open; Ctrl-C stops it."""
    parser = argparse.ArgumentParser(prog="make workshop", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8888, help="port to use if free (default 8888)")
    parser.add_argument("--root", type=Path, default=None, help="folder JupyterLab serves (default: the playbook)")
    args = parser.parse_args(argv)
    root = (args.root or playbook_dir()).resolve()
    if not (root / NOTEBOOK).is_file():
        print(f"podcheck: {root / NOTEBOOK}: workshop notebook not found", file=sys.stderr)
        return 2
    port = free_port(args.port)
    token = secrets.token_urlsafe(24)
    # A terminated launcher (closed terminal, `kill`) still stops JupyterLab and its kernels.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    process = start_lab(root, port, token, quiet=False)
    try:
        wait_until_ready(port, token, process)
        bar = "=" * 72
        print(f"\n{bar}\npodcheck workshop is running (this machine only). Open:\n\n    {lab_url(port, token)}\n\n"
              f"Stop it with Ctrl-C in this terminal.\n{bar}\n", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"podcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_lab(process)


if __name__ == "__main__":
    sys.exit(main())
