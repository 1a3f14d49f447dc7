"""A batch stopped midway (Ctrl-C, or killed outright) leaves no half-written unit, and a rerun finishes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, podcheck_cli

UNITS = ["analytics", "commerce", "data-platform", "field-service", "hr-cloud"]


def start_batch(inputs: list[Path], out: Path) -> subprocess.Popen[str]:
    """A batch with one worker, so units finish one after another."""
    return subprocess.Popen([sys.executable, "-m", "podcheck.cli", "batch", *map(str, inputs), "--out", str(out),
                             "--formats", "html", "--jobs", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_first_unit(proc: subprocess.Popen[str], out: Path, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not list(out.glob("*/manifest.json")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no unit finished in time"
        time.sleep(0.05)


def assert_complete_or_absent(out: Path) -> list[str]:
    """Every visible unit folder is complete; returns their names."""
    done = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "history"):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for name in manifest["files"].values():
            assert (folder / name).stat().st_size > 0, f"{folder.name}/{name} is empty"
        json.loads((folder / "result.json").read_text(encoding="utf-8"))
        done.append(folder.name)
    assert not [p for p in out.iterdir() if p.is_file() and p.suffix == ".part"]
    return done


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_interrupted_batch_leaves_whole_units_and_a_rerun_finishes(tmp_path: Path, how: str) -> None:
    inputs = [EXAMPLES / f"{name}.yaml" for name in UNITS]
    out = tmp_path / "reports"
    proc = start_batch(inputs, out)
    wait_for_first_unit(proc, out)
    proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=60)
    if how == "SIGINT":
        assert proc.returncode == 130
        assert "podcheck: batch interrupted;" in err and "run the same command again" in err
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # temporary folders cleaned up
    else:
        assert proc.returncode == -signal.SIGKILL
    done = assert_complete_or_absent(out)
    assert 1 <= len(done) < len(UNITS)
    assert not (out / "portfolio.html").exists()

    rerun = podcheck_cli("batch", *inputs, "--out", out, "--formats", "html", "--jobs", "1")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(UNITS)} ok ({len(done)} unchanged, skipped)" in rerun.stdout
    assert assert_complete_or_absent(out) == UNITS
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert (out / "portfolio.html").is_file()


def test_interrupted_batch_without_notebooks_stops_its_worker_processes(tmp_path: Path) -> None:
    units = tmp_path / "units"
    units.mkdir()
    sources = sorted(EXAMPLES.glob("*.yaml"))
    for i in range(300):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (units / f"u{i:03d}.yaml").write_text(text.replace("\nunit: ", f"\nunit: U{i:03d} "), encoding="utf-8")
    out = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-m", "podcheck.cli", "batch", str(units), "--out", str(out),
                             "--formats", "html", "--no-notebooks", "--jobs", "2"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/manifest.json"))) < 20:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    done = assert_complete_or_absent(out)
    assert 20 <= len(done) < 300
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
    rerun = podcheck_cli("batch", units, "--out", out, "--formats", "html", "--no-notebooks")
    assert rerun.returncode == 0 and f"300 ok ({len(done)} unchanged, skipped)" in rerun.stdout
