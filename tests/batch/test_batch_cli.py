"""`podcheck batch` as a user runs it: outputs per unit, failures, the portfolio, reruns."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import nbformat
import pytest

import podcheck
from podcheck.files.atomic import safe_name

from .conftest import EXAMPLES, IMG, SCRIPT, BatchRun, podcheck_cli

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def unit_folders(run: BatchRun) -> dict[str, Path]:
    """Unit name → its folder, read from each folder's manifest."""
    found = {}
    for manifest in run.folder.glob("*/manifest.json"):
        found[json.loads(manifest.read_text(encoding="utf-8"))["unit"]] = manifest.parent
    return found


def test_exit_code_and_summary_name_the_failure_and_the_portfolio(example_batch: BatchRun) -> None:
    assert example_batch.code == 1, example_batch.err
    last = example_batch.out.strip().splitlines()[-1]
    assert last == (f"podcheck: 12 units: 11 ok, 1 failed; portfolio: {example_batch.folder / 'portfolio.html'}")
    assert (example_batch.folder / "portfolio.html").is_file()


def test_broken_unit_is_one_line_on_stderr_with_file_place_and_reason(example_batch: BatchRun,
                                                                        odd_inputs: dict[str, Path]) -> None:
    lines = [line for line in example_batch.err.splitlines() if line.strip()]
    assert lines == [f"podcheck: {odd_inputs['broken']}: people[0].roles.analyst: must be between 0 and 1 "
                     "(a share of time; got 1.5) (line 7)"]
    assert not (example_batch.folder / "broken").exists()


def test_portfolio_lists_the_failure_with_its_reason(example_batch: BatchRun) -> None:
    portfolio = json.loads((example_batch.folder / "portfolio.json").read_text(encoding="utf-8"))
    [failure] = portfolio["failures"]
    assert failure["unit"] == "broken" and "must be between 0 and 1" in failure["reason"]
    units = {u["unit"]: u for u in portfolio["units"]}
    assert len(units) == 11 and "Broken" not in units
    assert units["Commerce"]["reports"]["html"] == "commerce/commerce.html"
    assert units["Commerce"]["reports"]["json"] == "commerce/result.json"
    html = (example_batch.folder / "portfolio.html").read_text(encoding="utf-8")
    assert "must be between 0 and 1" in html


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_every_good_unit_has_notebook_result_and_reports(example_batch: BatchRun, path: Path) -> None:
    assessment = podcheck.load_assessment(path)
    folder = unit_folders(example_batch)[assessment.unit]
    stem = safe_name(assessment.unit)
    names = {p.name for p in folder.iterdir()}
    assert names == {"assessment.yaml", "manifest.json", "playbook.ipynb", "result.json", f"{stem}.html", f"{stem}.md"}
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask  # not left private like a temporary folder
    # The result of the notebook run is byte for byte what `podcheck assess --format json` prints.
    assert (folder / "result.json").read_text(encoding="utf-8") == podcheck.assess(assessment).to_json()
    assert (folder / "assessment.yaml").read_bytes() == path.read_bytes()
    assert "<title>" in (folder / f"{stem}.html").read_text(encoding="utf-8")
    assert assessment.unit in (folder / f"{stem}.md").read_text(encoding="utf-8")


def test_result_equals_the_assess_command_output(example_batch: BatchRun) -> None:
    proc = podcheck_cli("assess", EXAMPLES / "commerce.yaml", "--format", "json")
    assert proc.returncode == 0
    assert (example_batch.folder / "commerce" / "result.json").read_text(encoding="utf-8") == proc.stdout


def test_executed_notebook_is_a_readable_self_contained_audit_trail(example_batch: BatchRun) -> None:
    nb = nbformat.read(example_batch.folder / "commerce" / "playbook.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    injected = [c for c in code if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'assessment_file = "assessment.yaml"' in injected[0].source and 'output_dir = "."' in injected[0].source
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # a fresh session per unit
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    text = json.dumps(nb)
    assert "Commerce" in text and "Arjun Mehta" in text
    # Every section of the reading path is in it, each once.
    titles = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert [t.split(" ")[1] for t in titles] == ["1", "2", "3", "4", "5", "6"]
    # Self-contained: papermill's record names the playbook and the file, not the temporary folder.
    assert ".tmp-" not in text and str(example_batch.folder) not in text
    assert nb.metadata.papermill.output_path == "playbook.ipynb"
    # Nothing from another unit leaks in (kernels are reused between units).
    assert "Payments" not in text and "Partner Ecosystem" not in text


def test_hostile_names_stay_inside_the_folder_and_are_escaped(example_batch: BatchRun) -> None:
    folders = unit_folders(example_batch)
    folder = folders[f"../../{SCRIPT}"]
    assert folder.parent == example_batch.folder and folder.name == "script-alert-1-script"
    nb = nbformat.read(folder / "playbook.ipynb", as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            assert "<script>" not in html and "<img" not in html, html[:300]
    assert "&lt;script&gt;" in json.dumps(nb)
    for page in (folder.glob("*.html"), [example_batch.folder / "portfolio.html"]):
        for path in page:
            text = path.read_text(encoding="utf-8")
            assert SCRIPT not in text and IMG not in text


def test_rerun_skips_unchanged_units_and_redoes_a_changed_one(example_batch: BatchRun, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(EXAMPLES, inputs)
    out = tmp_path / "reports"
    shutil.copytree(example_batch.folder, out)
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/manifest.json")}
    proc = podcheck_cli("batch", inputs, "--out", out, "--formats", "html,md")
    assert proc.returncode == 0, proc.stderr
    assert "10 ok (10 unchanged, skipped)" in proc.stdout
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())

    changed = inputs / "hr-cloud.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("open: 27", "open: 30"), encoding="utf-8")
    proc = podcheck_cli("batch", inputs, "--out", out, "--formats", "html,md")
    assert proc.returncode == 0, proc.stderr
    assert "10 ok (9 unchanged, skipped)" in proc.stdout
    result = json.loads((out / "hr-cloud" / "result.json").read_text(encoding="utf-8"))
    assert result["outlook"]["open"] == 30
    assert (out / "hr-cloud" / "assessment.yaml").read_bytes() == changed.read_bytes()
    assert (out / "commerce" / "manifest.json").stat().st_mtime_ns == before[out / "commerce" / "manifest.json"]


def test_other_formats_or_force_redo_units(example_batch: BatchRun, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    shutil.copytree(example_batch.folder, out)
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", "--out", out, "--formats", "html,md", "--no-notebooks")
    assert "1 ok, 0 failed" in proc.stdout  # made with notebooks before: not the same outputs
    assert not (out / "mobile" / "playbook.ipynb").exists()
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", "--out", out, "--formats", "html,md", "--no-notebooks")
    assert "1 ok (1 unchanged, skipped)" in proc.stdout
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", "--out", out, "--formats", "html,md", "--no-notebooks",
                        "--force")
    assert "1 ok, 0 failed" in proc.stdout


def test_no_notebooks_gives_the_same_results(example_batch: BatchRun, tmp_path: Path) -> None:
    proc = podcheck_cli("batch", EXAMPLES, "--out", tmp_path, "--formats", "html,md", "--no-notebooks", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"podcheck: 10 units: 10 ok, 0 failed; portfolio: {tmp_path / 'portfolio.html'}"
    for path in EXAMPLE_FILES:
        name = safe_name(podcheck.load_assessment(path).unit)
        assert ((tmp_path / name / "result.json").read_bytes()
                == (example_batch.folder / name / "result.json").read_bytes())
        assert not (tmp_path / name / "playbook.ipynb").exists()


def test_roster_batch_gives_the_results_of_the_yaml_files(tmp_path: Path) -> None:
    roster = EXAMPLES.parent / "roster-example.csv"
    proc = podcheck_cli("batch", roster, "--out", tmp_path, "--formats", "", "--no-notebooks")
    assert proc.returncode == 0, proc.stderr
    for name in ("hr-cloud", "commerce", "marketplace-apps"):
        expected = podcheck.assess(podcheck.load_assessment(EXAMPLES / f"{name}.yaml")).to_json()
        assert (tmp_path / name / "result.json").read_text(encoding="utf-8") == expected
        # The unit's input is kept as YAML, so a later `podcheck assess` on it gives the same result.
        assert podcheck.load_assessment(tmp_path / name / "assessment.yaml") == podcheck.load_assessment(
            EXAMPLES / f"{name}.yaml")


def test_roster_with_one_bad_unit_fails_only_that_unit(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    text = (EXAMPLES.parent / "roster-example.csv").read_text(encoding="utf-8")
    roster.write_text(text.replace("Commerce,Arjun Mehta,Commerce Integrations,,0.5,0.5",
                                   "Commerce,Arjun Mehta,Commerce Integrations,,0.5,0.9"), encoding="utf-8")
    shutil.copy(EXAMPLES.parent / "roster-example-facts.csv", tmp_path / "roster-facts.csv")
    proc = podcheck_cli("batch", roster, "--out", tmp_path / "out", "--formats", "html", "--no-notebooks")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"podcheck: {roster}: row 7, columns lead, technologist, analyst: "
                                   "role shares add up to 1.4; one person's shares must total at most 1")
    assert "2 ok, 1 failed" in proc.stdout
    # history/ keeps each unit's results by date (and nothing of the bad unit)
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_dir()) == ["history", "hr-cloud",
                                                                                 "marketplace-apps"]
    assert sorted(p.name for p in (tmp_path / "out" / "history").iterdir()) == ["hr-cloud", "marketplace-apps"]


@pytest.mark.parametrize(("args", "message"), [
    (["--formats", "html,docx"], "podcheck: --formats: unknown report format 'docx'"),
    (["--jobs", "0"], "podcheck: --jobs: must be at least 1"),
    (["--timeout", "0"], "podcheck: --timeout: must be a positive number of seconds"),
])
def test_bad_options_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", "--out", tmp_path / "out", *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith(message) and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file_and_missing_inputs(tmp_path: Path) -> None:
    afile = tmp_path / "taken"
    afile.write_text("x", encoding="utf-8")
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", "--out", afile)
    assert proc.returncode == 2 and proc.stderr.strip() == f"podcheck: {afile}: is a file; --out needs a folder"
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", tmp_path / "nope.yaml", empty, "--out", tmp_path / "o",
                        "--no-notebooks", "--formats", "html")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"podcheck: {tmp_path / 'nope.yaml'}: file not found",
                                        f"podcheck: {empty}: folder holds no .yaml or .yml assessment files"]
    assert "1 ok, 2 failed" in proc.stdout


def test_relative_out_folder_as_make_report_uses_it(tmp_path: Path) -> None:
    proc = podcheck_cli("batch", EXAMPLES / "mobile.yaml", EXAMPLES / "commerce.yaml", "--out", "reports",
                        "--formats", "html", "--jobs", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "podcheck: 2 units: 2 ok, 0 failed; portfolio: reports/portfolio.html"
    # A line per unit with its stage, score and report, relative to where the user stands.
    assert lines[1].split()[:4] == ["Commerce", "2", "Single", "pod"]
    assert lines[1].endswith("reports/commerce/commerce.html")
    assert lines[2].startswith("Mobile") and "Minimum viable team" in lines[2]
    assert (tmp_path / "reports" / "commerce" / "commerce.html").is_file()
    assert (tmp_path / "reports" / "mobile" / "playbook.ipynb").is_file()


def test_rubric_reaches_the_notebook_and_a_changed_rubric_reruns(tmp_path: Path) -> None:
    rubric = tmp_path / "strict.yaml"
    rubric.write_text("pod_max_core: 4\npod_max_core_heavy_lead: 4\n", encoding="utf-8")
    out = tmp_path / "reports"
    proc = podcheck_cli("batch", EXAMPLES / "commerce.yaml", "--out", out, "--formats", "", "--rubric", rubric)
    assert proc.returncode == 0, proc.stderr
    expected = podcheck_cli("assess", EXAMPLES / "commerce.yaml", "--format", "json", "--rubric", rubric).stdout
    assert (out / "commerce" / "result.json").read_text(encoding="utf-8") == expected
    assert "pod.oversize" in expected  # five core members are too many under this rubric
    assert (out / "commerce" / "rubric.yaml").read_bytes() == rubric.read_bytes()  # kept with the audit trail
    rubric.write_text("pod_max_core: 5\npod_max_core_heavy_lead: 4\n", encoding="utf-8")
    proc = podcheck_cli("batch", EXAMPLES / "commerce.yaml", "--out", out, "--formats", "", "--rubric", rubric,
                        "--no-notebooks")
    assert "1 ok, 0 failed" in proc.stdout
    assert "pod.oversize" not in (out / "commerce" / "result.json").read_text(encoding="utf-8")
