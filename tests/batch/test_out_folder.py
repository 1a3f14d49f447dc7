"""One batch at a time in an --out folder; clean-up touches only what is provably left over; kernel
connection files never outlive a batch, even one killed outright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from podcheck import batch

from .conftest import EXAMPLES, ROOT, gone, podcheck_cli, start_hanging

INPUTS = [EXAMPLES / "commerce.yaml", EXAMPLES / "mobile.yaml"]


def dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(proc.stdout)


def test_a_second_batch_into_the_same_out_exits_2_and_leaves_the_first_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_hanging("batch", *INPUTS, "--out", out, "--formats", "html", "--no-notebooks", "--jobs", "1",
                          hang="Mobile", tmp=tmp_path)  # one job: Commerce is done when Mobile hangs
    try:
        first.wait_until_hanging()
        temporary = [p.name for p in out.iterdir() if ".tmp-" in p.name]
        assert len(temporary) == 1 and temporary[0].startswith(".mobile.tmp-")  # the hanging unit's, being written
        second = podcheck_cli("batch", EXAMPLES / "payments.yaml", "--out", out, "--formats", "html",
                              "--no-notebooks")
        assert second.returncode == 2
        assert second.stderr.splitlines() == [
            f"podcheck: {out}: another podcheck batch (process {first.proc.pid}) is writing to this folder; "
            "wait for it to finish, or choose another --out"]
        assert [p.name for p in out.iterdir() if ".tmp-" in p.name] == temporary  # not cleaned up under it
        assert not (out / "payments").exists()
        first.interrupt()
        first.proc.communicate(timeout=60)
    finally:
        first.stop()
    # The lock goes with the process, even one killed outright: no stale lock.
    killed = start_hanging("batch", *INPUTS, "--out", out, "--formats", "html", "--no-notebooks",
                           hang="Mobile", tmp=tmp_path)
    try:
        worker = killed.wait_until_hanging()
        killed.proc.kill()  # the batch alone: its worker must not outlive it (nor keep the lock)
        assert gone(worker)
    finally:
        killed.stop()
    after = podcheck_cli("batch", EXAMPLES / "payments.yaml", "--out", out, "--formats", "html", "--no-notebooks")
    assert after.returncode == 0, after.stderr


def test_clean_up_removes_only_what_a_finished_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = dead_pid()
    live = os.getpid()  # this test's own process stands in for another batch still running
    left = [f".commerce.tmp-{dead}-a1b2", f".podcheck-kernels-{dead}-c3d4"]
    kept = [f".mobile.tmp-{live}-e5f6", f".podcheck-kernels-{live}-g7h8", ".notes", ".payments.tmp-old"]
    for name in left + kept:
        (out / name).mkdir()
        (out / name / "x").write_text("x", encoding="utf-8")
    proc = podcheck_cli("batch", EXAMPLES / "commerce.yaml", "--out", out, "--formats", "html", "--no-notebooks")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.iterdir()}
    assert not names & set(left)
    assert set(kept) <= names
    assert (out / kept[0] / "x").read_text(encoding="utf-8") == "x"


def test_tidy_restores_a_folder_caught_mid_swap_only_when_its_run_has_ended(tmp_path: Path) -> None:
    dead, live = dead_pid(), os.getppid()  # the process that started the tests: alive, and not this one
    (tmp_path / f".payments.old-{dead}-2").mkdir()
    (tmp_path / f".payments.old-{dead}-2" / "result.json").write_text("{}", encoding="utf-8")
    (tmp_path / "mobile").mkdir()
    (tmp_path / f".mobile.old-{dead}-4").mkdir()
    (tmp_path / f".commerce.old-{live}-5").mkdir()
    batch.tidy(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".commerce.old-{live}-5", "mobile", "payments"]
    assert (tmp_path / "payments" / "result.json").read_text(encoding="utf-8") == "{}"


def kernels_of(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


def test_kernel_connection_files_do_not_outlive_a_killed_batch(tmp_path: Path) -> None:
    tmp, runtime, out = tmp_path / "tmp", tmp_path / "runtime", tmp_path / "out"
    tmp.mkdir()
    runtime.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "JUPYTER_RUNTIME_DIR": str(runtime)}
    proc = subprocess.Popen([sys.executable, "-m", "podcheck.cli", "batch", *map(str, INPUTS), EXAMPLES / "payments.yaml",
                             "--out", str(out), "--formats", "html", "--jobs", "1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("*/manifest.json")):  # a kernel is up and has run a unit
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        kernels = kernels_of(proc.pid)
        assert kernels
        proc.kill()
        proc.wait(timeout=60)
        psutil.wait_procs(kernels, timeout=60)  # a kernel ends when the batch that started it is gone
    finally:
        if proc.poll() is None:
            proc.kill()
    rerun = subprocess.run([sys.executable, "-m", "podcheck.cli", "batch", *map(str, INPUTS), "--out", str(out),
                            "--formats", "html", "--jobs", "1"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    leftovers = [p for folder in (tmp, runtime) for p in folder.rglob("*")]
    leftovers += [p for p in out.rglob("*") if (p.suffix == ".json" and "kernel" in p.name) or p.name.startswith("tmp")]
    assert leftovers == []
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # the lock file too, once done
