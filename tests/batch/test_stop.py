"""A unit that hangs is stopped by --timeout, with or without notebooks, and Ctrl-C or SIGTERM stops a
batch at once, even with one job: nothing waits for the hanging unit to finish by itself."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from .conftest import EXAMPLES, gone, start_hanging

INPUTS = [EXAMPLES / "commerce.yaml", EXAMPLES / "mobile.yaml", EXAMPLES / "payments.yaml"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_notebooks_timeout_stops_the_hanging_unit_only(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    run = start_hanging("batch", *INPUTS, "--out", out, "--formats", "html", "--no-notebooks", "--timeout", "5",
                        "--jobs", jobs, hang="Mobile", tmp=tmp_path)
    try:
        stdout, stderr = run.proc.communicate(timeout=120)
    finally:
        run.stop()
    assert run.proc.returncode == 1, stderr
    assert stderr.splitlines() == [f"podcheck: {EXAMPLES / 'mobile.yaml'}: took longer than 5 s and was stopped"]
    assert "2 ok, 1 failed" in stdout
    assert (out / "commerce" / "result.json").is_file() and (out / "payments" / "result.json").is_file()
    assert not (out / "mobile").exists()
    assert gone(int(run.started.read_text(encoding="utf-8")))  # the worker that hung was ended


@pytest.mark.parametrize("notebooks", [False, True], ids=["no-notebooks", "notebooks"])
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_signal_stops_a_one_job_batch_at_once(tmp_path: Path, how: str, notebooks: bool) -> None:
    out = tmp_path / "out"
    run = start_hanging("batch", *INPUTS, "--out", out, "--formats", "html", "--jobs", "1",
                        *([] if notebooks else ["--no-notebooks"]), hang="Mobile", tmp=tmp_path)
    try:
        hanging = run.wait_until_hanging()
        if how == "SIGINT":
            run.interrupt()
        else:
            run.proc.send_signal(signal.SIGTERM)  # as `kill PID` sends it: to the batch alone
        _, stderr = run.proc.communicate(timeout=60)  # the hanging unit would never end by itself
    finally:
        run.stop()
    assert run.proc.returncode == 130, stderr
    assert "podcheck: batch interrupted; 1 of 3 units have complete outputs" in stderr
    assert gone(hanging)  # the worker or kernel running it was ended too
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["commerce", "history"]  # history/: by date
    assert sorted(p.name for p in (out / "history").iterdir()) == ["commerce"]  # only the finished unit's
