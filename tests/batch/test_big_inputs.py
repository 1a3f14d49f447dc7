"""A huge file, a named pipe or a device among the inputs fails that unit with one line; the rest of the
batch runs, nothing is read that is not a regular file of a sensible size."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from podcheck import batch

from .conftest import EXAMPLES, ROOT


def limited_memory() -> None:
    """Run with 1.5 GiB of address space: reading the 2 GB file whole would fail with MemoryError."""
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**29, 3 * 2**29))


def test_huge_file_pipe_and_device_fail_only_their_units(tmp_path: Path) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(EXAMPLES / "commerce.yaml", folder)
    big = folder / "big.yaml"
    subprocess.run(["truncate", "-s", "2G", str(big)], check=True)  # sparse: costs no disk
    pipe = folder / "pipe.yaml"
    os.mkfifo(pipe)  # nothing ever writes to it: reading it would hang
    pipe_roster = tmp_path / "roster.csv"
    os.mkfifo(pipe_roster)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "podcheck.cli", "batch", str(folder), "/dev/zero", str(pipe_roster),
                           "--out", str(out), "--formats", "html", "--no-notebooks"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=limited_memory)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        f"podcheck: {big}: is 2,147,483,648 bytes; an assessment file may be at most 5,000,000 bytes",
        f"podcheck: {pipe}: is a FIFO (a named pipe), not a regular file",
        "podcheck: /dev/zero: is a device file, not a regular file",
        f"podcheck: {pipe_roster}: is a FIFO (a named pipe), not a file; a roster is a .csv or .xlsx file",
    ]
    assert "1 ok, 4 failed" in proc.stdout
    assert (out / "commerce" / "result.json").is_file()


def test_any_error_loading_a_unit_fails_that_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.parse_assessment

    def fragile(data: dict, file: str = "", lines: object = None) -> object:
        if file.endswith("mobile.yaml"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, file, lines)

    monkeypatch.setattr(batch, "parse_assessment", fragile)
    units = batch.collect_units([str(EXAMPLES / "mobile.yaml"), str(EXAMPLES / "commerce.yaml")])
    assert units[0].error == f"{EXAMPLES / 'mobile.yaml'}: cannot be read: RecursionError: maximum recursion depth exceeded"
    assert units[1].error is None and units[1].assessment is not None
