"""Inputs that would hang or exhaust the machine are refused before they are read in full.

The CLI runs here with a memory ceiling and a deadline: a regression shows up as a failed test,
never as a machine brought down.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import podcheck
from podcheck.errors import InputError
from podcheck.files.results import load_result_json
from podcheck.files.safe_yaml import MAX_VALUES, parse_yaml_mapping

ROOT = Path(__file__).resolve().parents[1]
COMMERCE = ROOT / "assessments" / "examples" / "commerce.yaml"
MEMORY_CEILING = 2 << 30  # far above what podcheck needs for any of these


def run_limited(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `podcheck ARGS...` with at most MEMORY_CEILING bytes of address space and a deadline."""

    def ceiling() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))

    return subprocess.run([sys.executable, "-m", "podcheck.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, preexec_fn=ceiling)


def one_line(proc: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The single error line of a run that ended with `code` and no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if not line.startswith("wrote ")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe nobody writes to: reading it would wait for ever."""
    path = tmp_path / "team.yaml"
    os.mkfifo(path)
    return path


def test_assessing_a_fifo_is_refused_at_once(fifo: Path) -> None:
    assert one_line(run_limited("assess", fifo)) == f"podcheck: {fifo}: is a FIFO (a named pipe), not a regular file"


def test_assessing_dev_zero_is_refused_without_reading_it() -> None:
    line = one_line(run_limited("assess", "/dev/zero"))
    assert line == "podcheck: /dev/zero: is a device file, not a regular file"


@pytest.mark.parametrize("option", ["--rubric", "--previous"])
def test_every_file_assess_reads_must_be_regular(option: str, fifo: Path) -> None:
    line = one_line(run_limited("assess", COMMERCE, option, fifo))
    assert line == f"podcheck: {fifo}: is a FIFO (a named pipe), not a regular file"


def test_portfolio_refuses_a_fifo_among_its_inputs(fifo: Path, tmp_path: Path) -> None:
    proc = run_limited("portfolio", fifo, "--out", tmp_path / "out")
    assert one_line(proc) == f"podcheck: {fifo}: is a FIFO (a named pipe), not a regular file"


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(3 << 30)  # 3 GB, sparse: reading it would take more memory than the ceiling allows
    assert one_line(run_limited("assess", path)) == (
        f"podcheck: {path}: is 3,221,225,472 bytes; an assessment file may be at most 5,000,000 bytes")


def test_the_value_budget_stops_parsing_early() -> None:
    # 1 MB of tiny values: building the whole tree first would take hundreds of MB.
    text = "schema: podcheck/1\nnotes: [" + "1," * 500_000 + "1]\n"
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            parse_yaml_mapping(text, "many.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [str(p) for p in caught.value.problems] == [
        f"many.yaml: holds more than {MAX_VALUES:,} values (YAML aliases expanded); "
        "an assessment of one unit is far smaller"]
    assert peak < 40 * 2**20, f"parsing took {peak / 2**20:.0f} MB before the budget stopped it"


# ---------------------------------------------------------------- result JSON read back


def _result_json(tmp_path: Path, change: object) -> Path:
    data = podcheck.assess(podcheck.load_assessment(COMMERCE)).to_dict()
    change(data)
    path = tmp_path / "commerce.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_portfolio_refuses_a_pod_of_a_trillion(tmp_path: Path) -> None:
    path = _result_json(tmp_path, lambda d: d["pods"][0].update(core=10**12))
    proc = run_limited("portfolio", path, "--out", tmp_path / "out")
    line = one_line(proc, code=1)  # one input failed; the portfolio is still written
    assert line.startswith(f"podcheck: {path}: pods[0].core: must be between 0 and ")
    assert "1000000000000" in line
    portfolio = json.loads((tmp_path / "out" / "portfolio.json").read_text(encoding="utf-8"))
    assert [f["unit"] for f in portfolio["failures"]] == ["commerce.json"]


@pytest.mark.parametrize(("field", "change"), [
    ("pods[0].extended", lambda d: d["pods"][0].update(extended=10**9)),
    ("pods[0].core_limit", lambda d: d["pods"][0].update(core_limit=-1)),
    ("pods[0].role_shares.lead", lambda d: d["pods"][0]["role_shares"].update(lead=1e300)),
    ("pods[0].active_projects", lambda d: d["pods"][0].update(active_projects=10**15)),
    ("dimensions[0].answered", lambda d: d["dimensions"][0].update(answered=-3)),
    ("recommendations[0].rank", lambda d: d["recommendations"][0].update(rank=10**18)),
    ("outlook.open", lambda d: d.update(outlook={"open": 10**20, "added_per_quarter": 1, "delivered_per_quarter": 1,
                                                 "net_per_quarter": 0, "quarters_to_clear": None,
                                                 "extra_delivery_to_stabilise": 0, "trend": "steady"})),
])
def test_result_json_numbers_are_bounded(field: str, change: object, tmp_path: Path) -> None:
    path = _result_json(tmp_path, change)
    with pytest.raises(InputError) as caught:
        load_result_json(path)
    assert [p.path for p in caught.value.problems] == [field]
    assert "must be between" in caught.value.problems[0].message


def test_result_json_names_are_plain_text(tmp_path: Path) -> None:
    path = _result_json(tmp_path, lambda d: d.update(unit="Commerce\x1b[2J"))
    with pytest.raises(InputError) as caught:
        load_result_json(path)
    assert [(p.path, "control character \\x1b" in p.message) for p in caught.value.problems] == [("unit", True)]


def test_a_result_json_as_written_reads_back(tmp_path: Path) -> None:
    path = _result_json(tmp_path, lambda d: None)
    assert load_result_json(path) == podcheck.assess(podcheck.load_assessment(COMMERCE))
