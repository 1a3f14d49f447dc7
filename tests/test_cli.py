"""The `podcheck assess` command as a user runs it: output, formats, exit codes, files."""

from __future__ import annotations

import errno
import json
import os
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


# ------------------------------------------------------------ -o never replaces an input; failed writes are one line


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


@pytest.mark.parametrize("how", ["same-path", "other-path", "symlink", "hard-link"])
def test_output_naming_the_input_is_refused(how: str, tmp_path: Path, run_cli) -> None:
    source = _copy(COMMERCE, tmp_path / "commerce.yaml")
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    target = {
        "same-path": lambda: source,
        "other-path": lambda: tmp_path / "sub" / ".." / "commerce.yaml",
        "symlink": lambda: (tmp_path / "link.yaml").symlink_to(source) or tmp_path / "link.yaml",
        "hard-link": lambda: (tmp_path / "hard.yaml").hardlink_to(source) or tmp_path / "hard.yaml",
    }[how]()
    names = sorted(p.name for p in tmp_path.iterdir())
    run = run_cli("assess", source, "--format", "json", "-o", target)
    assert run.code == 2, run
    assert run.out == "" and "Traceback" not in run.err
    assert run.err.splitlines() == [
        f"podcheck: {target}: -o names the input file {source}; writing there would replace it: choose another path"]
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # nothing written beside it either


@pytest.mark.parametrize("option", ["--rubric", "--previous"])
def test_output_naming_another_input_is_refused(option: str, tmp_path: Path, run_cli) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("pod_max_core: 8\n" if option == "--rubric" else COMMERCE.read_text(encoding="utf-8"))
    before = other.read_bytes()
    run = run_cli("assess", COMMERCE, option, other, "-o", other)
    assert run.code == 2, run
    assert run.err.startswith(f"podcheck: {other}: -o names the input file {other}")
    assert other.read_bytes() == before


def _unwritable(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """An -o target that cannot be written, and the reason a user should read."""
    if kind == "folder":
        (tmp_path / "reports").mkdir()
        return tmp_path / "reports", "it is a folder"
    if kind == "under-a-file":
        (tmp_path / "notes.txt").write_text("x")
        return tmp_path / "notes.txt" / "out.json", f"{tmp_path / 'notes.txt'} is a file, not a folder"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    return fifo, "it is a FIFO (a named pipe), not a regular file"


@pytest.mark.parametrize("kind", ["folder", "under-a-file", "fifo"])
def test_failed_write_is_one_line_and_exit_2(kind: str, tmp_path: Path, run_cli) -> None:
    target, reason = _unwritable(tmp_path, kind)
    run = run_cli("assess", COMMERCE, "--format", "json", "-o", target, timeout=120)
    assert run.code == 2, run
    assert run.out == "" and "Traceback" not in run.err
    assert run.err.splitlines() == [f"podcheck: {target}: cannot write: {reason}"]
    assert not list(tmp_path.rglob("*.part"))


def test_failed_write_under_a_file_for_every_command(tmp_path: Path, run_cli) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    out = blocker / "out"
    result = tmp_path / "commerce.json"
    result.write_text(api_json(COMMERCE))
    for args in (("portfolio", result, "--out", out),
                 ("import", ROOT / "assessments" / "roster-example.csv", "--out", out),
                 ("batch", COMMERCE, "--out", out, "--no-notebooks", "--formats", "html", "--quiet")):
        run = run_cli(*args)
        assert run.code == 2, (args[0], run)
        assert "Traceback" not in run.err, run.err
        lines = run.err.splitlines()
        assert len(lines) == 1, run.err
        assert lines[0].startswith(f"podcheck: {out}")
        assert f"cannot write: {blocker} is a file, not a folder" in lines[0]
    assert blocker.read_text() == "x"


def _main_in_process(capsys, *args: str | Path) -> tuple[int, str, str]:
    from podcheck.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("error", "words"), [
    (errno.ENOSPC, "the disk is full"),
    (errno.EDQUOT, "the disk quota is used up"),
    (errno.EROFS, "the file system is read-only"),
])
def test_disk_full_is_one_line_and_leaves_nothing(error: int, words: str, tmp_path: Path, capsys, monkeypatch) -> None:
    target = tmp_path / "new" / "deeper" / "commerce.json"

    def full(fd: int) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = _main_in_process(capsys, "assess", COMMERCE, "--format", "json", "-o", target)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [f"podcheck: {target}: cannot write: {words}"]
    assert list(tmp_path.iterdir()) == []  # no temporary file, and the folders made for it are gone


def test_read_only_folder_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    # Simulated: the tests may run as root, whom a read-only folder does not stop.
    import tempfile

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    target = tmp_path / "commerce.json"
    code, out, err = _main_in_process(capsys, "assess", COMMERCE, "--format", "json", "-o", target)
    assert code == 2
    assert err.splitlines() == [f"podcheck: {target}: cannot write: permission denied"]
    assert list(tmp_path.iterdir()) == []
