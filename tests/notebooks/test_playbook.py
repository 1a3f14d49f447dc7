"""The playbook notebooks: their shape, what they show for non-default parameters (through papermill),
their parameter errors, and the escaping of names in what they display."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

import podcheck
from podcheck.notebooks import display as nb
from podcheck.notebooks import tables

from .refresh_playbook import PLAYBOOK, numbered_notebooks

ROOT = PLAYBOOK.parent
EXAMPLES = ROOT / "assessments" / "examples"
NOTEBOOKS = numbered_notebooks()
SCRIPT = "<script>alert(1)</script>"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def run(name: str, out: Path, **parameters: object) -> nbformat.NotebookNode:
    """Execute one playbook notebook headless with papermill, as a user of papermill would."""
    return papermill.execute_notebook(str(PLAYBOOK / name), str(out), parameters=parameters, kernel_name="python3",
                                      progress_bar=False, cwd=str(PLAYBOOK))


def shown(executed: nbformat.NotebookNode) -> str:
    """Everything the notebook displayed, as text and HTML."""
    parts = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(v) for v in output.get("data", {}).values()]
    return "\n".join(parts)


# ---------------------------------------------------------------- the committed notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_parameters_cell_then_a_check_cell(path: Path) -> None:
    code = [c for c in read(path).cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    for name in ("assessment_file = None", "output_dir = None", "rubric_file = None", "formats = ["):
        assert name in code[0].source
    assert code[1].metadata.get("tags") == ["validate-parameters"]
    assert "nb.open_unit(assessment_file, output_dir, rubric_file, formats" in code[1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_hold_no_rule_logic(path: Path) -> None:
    """Code cells only call podcheck and display: no loops, conditions, functions or arithmetic on findings."""
    for cell in read(path).cells[1:]:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        body = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("#"))
        assert not re.search(r"\b(for|while|if|def|lambda|class)\b", body), body
        assert not re.search(r"(result|assessment)\.(findings|people|pods)\b|\.(severity|roles)\b", body), body


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_are_clean_and_present(path: Path) -> None:
    notebook = read(path)
    assert set(notebook.metadata) == {"kernelspec", "language_info"}
    assert notebook.metadata.language_info == {"name": "python"}
    text = json.dumps(notebook)
    assert not re.search(r"/(work|tmp|home|root|Users)/", text), "absolute path in a committed notebook"
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", text), "timestamp in a committed notebook"
    assert '"papermill":' not in text
    for cell in notebook.cells:
        assert "execution" not in cell.metadata
        if cell.cell_type == "code" and cell.source.startswith("# NBVAL_CHECK_OUTPUT"):
            assert cell.outputs, f"cell {cell.id} is checked by nbval but has no stored output"
            assert not [o for o in cell.outputs if o.output_type == "error"]


def test_each_notebook_explains_its_principles_in_its_own_words() -> None:
    # shared/ sits beside the repository (in CI too, beside the fresh clone).
    domain = next((p for p in (ROOT.parent / "shared" / "domain.md", Path("/work/shared/domain.md")) if p.is_file()),
                  None)
    if domain is None:
        pytest.skip("shared/domain.md is not beside the repository")
    text = re.sub(r"\s+", " ", domain.read_text(encoding="utf-8"))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s", text) if len(s.strip()) > 40]
    assert len(sentences) > 30
    words = re.findall(r"[a-z0-9']+", text.lower())
    runs = {tuple(words[i:i + 7]) for i in range(len(words) - 6)}
    for path in NOTEBOOKS:
        prose = re.sub(r"\s+", " ", " ".join(c.source for c in read(path).cells if c.cell_type == "markdown"))
        assert re.search(r"\(P\d+\)", prose) or path.stem.startswith("06"), f"{path.name} cites no principle"
        for sentence in sentences:
            assert sentence not in prose, f"{path.name} copies domain.md: {sentence[:60]}…"
        mine = re.findall(r"[a-z0-9']+", prose.lower())
        shared = [" ".join(mine[i:i + 7]) for i in range(len(mine) - 6) if tuple(mine[i:i + 7]) in runs]
        assert not shared, f"{path.name} repeats domain.md word for word: {shared}"


# ---------------------------------------------------------------- headless runs with other parameters


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Three papermill runs shared by the tests below (a kernel start each)."""
    folder = tmp_path_factory.mktemp("papermill")
    out = folder / "reports"
    done: dict[str, object] = {"out": out}
    done["recommendations"] = run("06-recommendations.ipynb", folder / "06.ipynb",
                                  assessment_file=str(EXAMPLES / "payments.yaml"), output_dir=str(out),
                                  formats=["html", "md"])
    done["trap"] = run("04-developer-trap.ipynb", folder / "04.ipynb", assessment_file=str(EXAMPLES / "commerce.yaml"))
    try:
        run("01-model.ipynb", folder / "01.ipynb", assessment_file=str(folder / "missing.yaml"),
            output_dir=str(folder / "out.txt"), formats=["html", "docx"])
    except PapermillExecutionError as exc:
        done["error"] = exc
    done["error_notebook"] = read(folder / "01.ipynb")
    (folder / "out.txt").write_text("", encoding="utf-8")
    return done


def test_last_notebook_writes_the_same_result_as_assess_and_the_reports(runs: dict) -> None:
    out: Path = runs["out"]
    proc = subprocess.run([sys.executable, "-m", "podcheck.cli", "assess", str(EXAMPLES / "payments.yaml"),
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert (out / "result.json").read_text(encoding="utf-8") == proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["payments.html", "payments.md", "result.json"]
    text = shown(runs["recommendations"])
    # What was written is listed relative to output_dir.
    assert "Payments" in text and "json: result.json" in text and "html: payments.html" in text
    assert str(out) not in text


def test_non_default_unit_is_shown(runs: dict) -> None:
    text = shown(runs["trap"])
    assert "Commerce" in text and "Arjun Mehta (software-engineering, trained)" in text
    assert "No findings of this kind for this unit." in text
    assert "bundled example" not in text and "Partner Ecosystem" not in text


def test_bad_parameters_stop_in_the_check_cell_with_plain_lines(runs: dict) -> None:
    exc = runs["error"]
    assert exc.ename == "NotebookError"
    assert "assessment_file: no such file" in exc.evalue and "formats: unknown report format 'docx'" in exc.evalue
    executed = runs["error_notebook"]
    check = next(c for c in executed.cells if "validate-parameters" in c.metadata.get("tags", []))
    [error] = [o for o in check.outputs if o.output_type == "error"]
    assert [line.split(": ", 1)[1] for line in error.traceback] == [
        f"assessment_file: no such file: {runs['out'].parent / 'missing.yaml'}",
        "formats: unknown report format 'docx'; use any of html, md, pdf",
    ]


# ---------------------------------------------------------------- helpers the notebooks call (no kernel)


@pytest.fixture(scope="module")
def hostile() -> nb.Unit:
    data = {
        "schema": "podcheck/1", "organization": "<b>Org</b>", "unit": SCRIPT, "assessed_on": "2026-11-20",
        "pods": [{"name": f"Pod {SCRIPT}"}],
        "people": [{"name": "<img src=x onerror=alert(1)>", "pod": f"Pod {SCRIPT}",
                    "roles": {"analyst": 0.5, "technologist": 0.5}, "background": "software-engineering"}],
    }
    assessment = podcheck.parse_assessment(data)
    return nb.Unit(Path("hostile.yaml"), assessment, podcheck.assess(assessment))


def test_html_helpers_escape_every_name(hostile: nb.Unit) -> None:
    pieces = [nb.headline(hostile), nb.finding_notes(hostile, ["dual-role", "roles"]),
              nb.bullet_list([SCRIPT]), nb.principle_list(["P9"])]
    frames = [tables.people(hostile.assessment), tables.role_coverage(hostile.assessment, hostile.result),
              tables.dual_roles(hostile.assessment, hostile.result),
              tables.builders(hostile.assessment, hostile.result),
              tables.findings(hostile.result), tables.pods(hostile.result), tables.recommendations(hostile.result)]
    for markup in [p._repr_html_() for p in pieces] + [f._repr_html_() for f in frames]:
        assert "<script>" not in markup and "<img" not in markup and "<b>Org" not in markup
    assert "&lt;script&gt;" in nb.headline(hostile)._repr_html_()
    assert SCRIPT in repr(nb.headline(hostile))  # the plain-text form shows the name as typed


def test_tables_show_what_the_result_says() -> None:
    unit = nb.open_unit(example_name="partner-ecosystem.yaml")
    coverage = tables.role_coverage(unit.assessment, unit.result)
    assert coverage.loc[1, "Lead"] == "missing" and coverage.loc[1, "Analyst"] == "missing"
    assert coverage.loc[1, "Technologist"].startswith("2.3 FTE: Dmitri Volkov (100%)")
    assert list(tables.builders(unit.assessment, unit.result)["Finding"]) == ["developer-trap"]
    assert list(tables.stages(unit.result)["This unit"]) == ["◀ here", "", "", "", ""]
    mobile = nb.open_unit(example_name="mobile.yaml")
    dual = tables.dual_roles(mobile.assessment, mobile.result)
    assert list(dual["Finding"]) == ["dual-role.analyst-technologist, dual-role.single-person"]
    commerce = nb.open_unit(example_name="commerce.yaml")
    assert list(tables.recommendations(commerce.result, "now")["Because of"]) == ["dual-role.analyst-technologist"]
    assert list(tables.findings(commerce.result, ["scaling"])["Id"]) == ["scaling.reporting-lines"]


def test_open_unit_reports_every_bad_parameter(tmp_path: Path) -> None:
    with pytest.raises(nb.NotebookError) as caught:
        nb.open_unit(42, tmp_path / "missing-dir-is-fine", tmp_path / "no-rubric.yaml", "html,pdf,xls")
    assert caught.value.lines == [
        "assessment_file must be a file or folder path as text (got int 42)",
        f"rubric_file: no such file: {tmp_path / 'no-rubric.yaml'}",
        "formats: unknown report format 'xls'; use any of html, md, pdf",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: podcheck/1\n", encoding="utf-8")
    with pytest.raises(nb.NotebookError) as caught:
        nb.open_unit(str(bad))
    assert caught.value.lines[0].startswith(f"{bad}: ")
