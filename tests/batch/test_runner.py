"""The batch machinery through its Python API: cell errors, time-outs, kernel start retries, isolation
between units on a reused kernel, and the folder swap that keeps outputs whole."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from podcheck import batch

from .conftest import EXAMPLES

PROBE = """# a probe cell added by the tests
import os, time
assert "leftover" not in globals(), "state leaked from the previous unit"
leftover = unit.result.unit
print("pid", os.getpid(), "cwd", os.path.basename(os.getcwd()))
if unit.result.unit == "Mobile":
    raise ValueError("no <b>mobile</b> today")
if unit.result.unit == "HR Cloud":
    time.sleep(120)
"""


def probe_notebook() -> dict:
    nb = batch.combined_notebook()
    at = next(i for i, c in enumerate(nb["cells"]) if "validate-parameters" in c["metadata"].get("tags", []))
    cell = {"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {}, "outputs": [],
            "source": PROBE}
    nb["cells"].insert(at + 1, cell)
    return nb


def settings_for(out: Path, nb: dict, timeout: int = 60) -> batch.Settings:
    out.mkdir(parents=True, exist_ok=True)
    return batch.Settings(out, ("html",), None, None, True, timeout, nb, batch.notebook_digest(nb))


def printed(folder: Path) -> str:
    nb = nbformat.read(folder / "playbook.ipynb", as_version=4)
    probe = next(c for c in nb.cells if c.get("id") == "probe")
    return "".join(o.text for o in probe.outputs if o.output_type == "stream")


def test_cell_error_and_time_out_fail_their_unit_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["commerce", "mobile", "payments", "hr-cloud", "analytics"]
    units = batch.collect_units([str(EXAMPLES / f"{n}.yaml") for n in names])
    settings = settings_for(tmp_path, probe_notebook(), timeout=5)
    outcomes = batch.execute(units, settings, jobs=1)
    assert [o.status for o in outcomes] == ["ok", "failed", "ok", "failed", "ok"]
    assert outcomes[1].reason == "cell [4] failed: ValueError: no <b>mobile</b> today"
    assert outcomes[3].reason == "took longer than 5 s and was stopped"
    err = capsys.readouterr().err.splitlines()
    assert err == [f"podcheck: {EXAMPLES / 'mobile.yaml'}: cell [4] failed: ValueError: no <b>mobile</b> today",
                   f"podcheck: {EXAMPLES / 'hr-cloud.yaml'}: took longer than 5 s and was stopped"]
    # The failed notebook is kept to show the error; the unit has no half-made folder.
    assert (tmp_path / "failed" / "mobile.ipynb").is_file() and not (tmp_path / "mobile").exists()
    assert not (tmp_path / "hr-cloud").exists()
    # One kernel ran commerce, mobile and payments (reused, namespace reset); the time-out replaced it.
    pids = {n: printed(tmp_path / n).split()[1] for n in ("commerce", "payments", "analytics")}
    assert pids["commerce"] == pids["payments"] != pids["analytics"]
    assert "cwd .payments.tmp-" in printed(tmp_path / "payments")  # each unit runs in its own folder
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_kernel_that_fails_to_start_is_retried_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.Kernel._start_once
    calls: list[str] = []

    def flaky(self: batch.Kernel, cwd: str) -> None:
        calls.append(cwd)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        real(self, cwd)

    monkeypatch.setattr(batch.Kernel, "_start_once", flaky)
    units = batch.collect_units([str(EXAMPLES / "commerce.yaml")])
    [outcome] = batch.execute(units, settings_for(tmp_path, batch.combined_notebook()), jobs=1)
    assert outcome.status == "ok" and len(calls) == 2


def test_kernel_whose_start_fails_midway_is_retried_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.Kernel._start_once
    calls: list[str] = []

    def flaky(self: batch.Kernel, cwd: str) -> None:
        calls.append(cwd)
        real(self, cwd)  # the kernel process runs: the failed attempt must be cleaned up before the retry
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(batch.Kernel, "_start_once", flaky)
    units = batch.collect_units([str(EXAMPLES / "commerce.yaml")])
    [outcome] = batch.execute(units, settings_for(tmp_path, batch.combined_notebook()), jobs=1)
    assert (outcome.status, outcome.reason, len(calls)) == ("ok", None, 2)


DYING = """# a probe cell added by the tests
import os, signal
if unit.result.unit == "Mobile":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_kernel_that_dies_is_reported_as_died_not_as_a_time_out(tmp_path: Path) -> None:
    nb = probe_notebook()
    next(c for c in nb["cells"] if c.get("id") == "probe")["source"] = DYING
    units = batch.collect_units([str(EXAMPLES / f"{n}.yaml") for n in ("commerce", "mobile", "payments")])
    outcomes = batch.execute(units, settings_for(tmp_path, nb, timeout=300), jobs=1)
    assert [o.status for o in outcomes] == ["ok", "failed", "ok"]  # the next unit gets a new kernel
    assert outcomes[1].reason == "the notebook kernel died (killed by signal SIGKILL)"


def test_kernel_that_never_starts_fails_the_unit_with_the_reason(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: batch.Kernel, cwd: str) -> None:
        raise RuntimeError("no ports left")

    monkeypatch.setattr(batch.Kernel, "_start_once", broken)
    units = batch.collect_units([str(EXAMPLES / "commerce.yaml")])
    [outcome] = batch.execute(units, settings_for(tmp_path, batch.combined_notebook()), jobs=1)
    assert outcome.status == "failed"
    assert outcome.reason == "the notebook kernel did not start (tried twice): no ports left"


def test_combined_notebook_keeps_one_parameters_cell_and_every_section() -> None:
    nb = batch.combined_notebook()
    tags = [c["metadata"].get("tags", []) for c in nb["cells"]]
    assert sum("parameters" in t for t in tags) == 1 and sum("validate-parameters" in t for t in tags) == 1
    assert tags.index(["parameters"]) < tags.index(["validate-parameters"])
    assert sum("save" in t for t in tags) == 1 and "save" in tags[-1]
    assert all(c.get("outputs", []) == [] for c in nb["cells"])
    assert len({c["id"] for c in nb["cells"]}) == len(nb["cells"])
    parts = batch.numbered_notebooks()
    assert [p.name[:2] for p in parts] == ["01", "02", "03", "04", "05", "06"]
    changed = copy.deepcopy(nb)
    changed["cells"][-1]["source"] += "\n"
    assert batch.notebook_digest(changed) != batch.notebook_digest(nb)


def test_default_jobs_follow_cores_memory_and_units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(batch, "_available_memory", lambda: 3 * batch.KERNEL_MEMORY)
    assert batch.default_jobs(10, notebooks=True) == 3
    assert batch.default_jobs(10, notebooks=False) == 4
    assert batch.default_jobs(2, notebooks=True) == 2
    monkeypatch.setattr(batch, "_available_memory", lambda: 0)
    assert batch.default_jobs(10, notebooks=True) == 1


def test_units_get_unique_safe_folders(tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text((EXAMPLES / "commerce.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "Bad Name!.yaml"
    bad.write_text("schema: [", encoding="utf-8")
    units = batch.collect_units([str(EXAMPLES / "commerce.yaml"), str(twin), str(bad)])
    assert [u.folder for u in units] == ["commerce", "commerce-2", "bad-name"]
    assert units[2].error is not None and units[2].error.startswith(f"{bad}: ")
