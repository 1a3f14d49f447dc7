"""The `podcheck assess` command as a user runs it: output, formats, exit codes, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import podcheck

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "assessments" / "examples"
COMMERCE = EXAMPLES / "commerce.yaml"          # single pod; one high finding and one medium
FINANCE = EXAMPLES / "finance-cloud.yaml"      # program; medium findings only
PAYMENTS = EXAMPLES / "payments.yaml"          # program; no findings


def api_json(path: Path) -> str:
    """What the library says about a file: the reference the CLI must match."""
    return podcheck.assess(podcheck.load_assessment(path)).to_json()


def test_text_output_shows_stage_score_and_findings(run_cli) -> None:
    run = run_cli("assess", COMMERCE)
    assert run.code == 0, run.err
    assert run.err == ""
    result = podcheck.assess(podcheck.load_assessment(COMMERCE))
    out = run.out
    assert "Northwind Software · Commerce" in out
    assert f"Stage {result.stage.level} of 4: {result.stage.name} ({result.stage.id})" in out
    assert f"Overall score: {result.score}/100" in out
    assert result.findings
    for f in result.findings:
        assert f.id in out and f.title in out
    assert "[HIGH] One person is both analyst and technologist · pod Commerce Integrations" in out
    assert "Arjun Mehta" in out
    # Most severe first, as a reader scans it.
    assert out.index("[HIGH]") < out.index("[MEDIUM]")


def test_text_output_of_a_clean_team_says_so(run_cli) -> None:
    run = run_cli("assess", PAYMENTS)
    assert run.code == 0, run.err
    assert "No findings" in run.out
    assert "[HIGH]" not in run.out and "[MEDIUM]" not in run.out


@pytest.mark.parametrize("example", [COMMERCE, FINANCE, EXAMPLES / "field-service.yaml"], ids=lambda p: p.stem)
def test_json_output_equals_the_library_result(example: Path, run_cli) -> None:
    run = run_cli("assess", example, "--format", "json")
    assert run.code == 0, run.err
    assert run.out == api_json(example)
    assert podcheck.Result.from_json(run.out).unit == json.loads(run.out)["unit"]


@pytest.mark.parametrize(("example", "fail_on", "code"), [
    (COMMERCE, "high", 1),      # dual-role.analyst-technologist is high
    (FINANCE, "high", 0),       # only medium findings
    (FINANCE, "medium", 1),
    (PAYMENTS, "low", 0),       # nothing at all
])
def test_fail_on_sets_the_exit_code(example: Path, fail_on: str, code: int, run_cli) -> None:
    run = run_cli("assess", example, "--fail-on", fail_on, "--format", "json")
    assert run.code == code, run.err
    # The result is still written: a CI job needs to show why it failed.
    assert json.loads(run.out)["unit"]
    severities = {f["severity"] for f in json.loads(run.out)["findings"]}
    worse_or_equal = {"high": {"high"}, "medium": {"high", "medium"}, "low": {"high", "medium", "low"}}[fail_on]
    assert bool(severities & worse_or_equal) == (code == 1)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_output_option_writes_the_file(fmt: str, tmp_path: Path, run_cli) -> None:
    target = tmp_path / "out" / f"commerce.{fmt}"
    run = run_cli("assess", COMMERCE, "--format", fmt, "-o", target)
    assert run.code == 0, run.err
    assert run.out == ""
    assert str(target) in run.err
    text = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert text == api_json(COMMERCE)
    else:
        assert "Overall score:" in text
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no half-written leftovers


def test_output_option_replaces_an_existing_file(tmp_path: Path, run_cli) -> None:
    target = tmp_path / "result.json"
    target.write_text("old contents that are longer than nothing at all\n" * 100)
    assert run_cli("assess", PAYMENTS, "--format", "json", "-o", target).code == 0
    assert target.read_text(encoding="utf-8") == api_json(PAYMENTS)


@pytest.mark.parametrize("args", [
    ("assess",),
    ("assess", "x.yaml", "--format", "docx"),
    ("assess", "x.yaml", "--fail-on", "urgent"),
    ("audit", "x.yaml"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], run_cli) -> None:
    run = run_cli(*args)
    assert run.code == 2
    assert run.out == ""
    assert "usage: podcheck" in run.err
    assert "Traceback" not in run.err
