"""Without Pango (macOS or Windows before `brew install pango` or the conda route), podcheck still works.

Everything but PDFs runs; a PDF asked for is one line saying what to install, exit code 2. The
missing library is simulated: `import weasyprint` fails the way it does when Pango cannot be loaded.
"""

from __future__ import annotations

import importlib.abc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from podcheck import cli

from .conftest import EXAMPLES, ROOT

COMMERCE = EXAMPLES / "commerce.yaml"
# What cffi raises when the library is not there; WeasyPrint also prints a page of help to stdout first.
DLOPEN_ERROR = ("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file: "
                "No such file or directory")
WEASYPRINT_HELP = "WeasyPrint could not import some external libraries. Please carefully follow the steps"
INSTALL = ("sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0", "brew install pango",
           "conda install -c conda-forge pango")


class NoPango(importlib.abc.MetaPathFinder):
    """Makes `import weasyprint` fail as it does on a machine without Pango."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "weasyprint" or name.startswith("weasyprint."):
            print(WEASYPRINT_HELP)
            raise OSError(DLOPEN_ERROR)


@pytest.fixture
def no_pango(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process cannot import WeasyPrint until the test ends."""
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [NoPango(), *sys.meta_path])


@pytest.fixture
def no_pango_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python processes (and their kernels and workers) cannot import WeasyPrint."""
    shadow = tmp_path / "no-pango"
    (shadow / "weasyprint").mkdir(parents=True)
    (shadow / "weasyprint" / "__init__.py").write_text(
        f"print({WEASYPRINT_HELP!r})\nraise OSError({DLOPEN_ERROR!r})\n", encoding="utf-8")
    path = os.pathsep.join(p for p in (str(shadow), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def assert_one_line_saying_what_to_install(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("podcheck: PDF reports: need the Pango library"), lines[0]
    assert "libpango-1.0-0 not found" in lines[0]
    for command in INSTALL:
        assert command in lines[0]
    assert "Traceback" not in err


def test_pdf_without_pango_is_one_line_and_exit_2(no_pango, capsys, tmp_path: Path) -> None:
    out = tmp_path / "commerce.pdf"
    code = cli.main(["assess", str(COMMERCE), "--format", "pdf", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert_one_line_saying_what_to_install(captured.err)
    assert captured.out == "", "WeasyPrint's own help page stays out of the output"
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["text", "json", "html", "md"])
def test_other_formats_work_without_pango(no_pango, capsys, fmt: str) -> None:
    assert cli.main(["assess", str(COMMERCE), "--format", fmt]) == 0
    assert "Commerce" in capsys.readouterr().out


def test_importing_podcheck_never_loads_weasyprint(no_pango_env) -> None:
    # A fresh interpreter: what `import podcheck`, the CLI, batch and the workshop load at start-up.
    code = ("import sys, podcheck, podcheck.cli, podcheck.render, podcheck.batch, podcheck.render.portfolio, "
            "podcheck.notebooks.display, podcheck.notebooks.tables, podcheck.workshop.app, podcheck.workshop.launcher\n"
            "print(sorted(m for m in sys.modules if m.startswith('weasyprint')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=no_pango_env,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_batch_without_pdf_works_without_pango(no_pango_env, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "podcheck.cli", "batch", str(COMMERCE), "--out", str(out),
                          "--formats", "html,md", "--quiet"],
                         capture_output=True, text=True, env=no_pango_env, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    manifest = json.loads((out / "commerce" / "manifest.json").read_text(encoding="utf-8"))
    assert (out / "commerce" / "commerce.html").is_file() and (out / "commerce" / "commerce.md").is_file()
    assert manifest, "the unit finished"
    assert (out / "portfolio.html").is_file()


def test_batch_asking_for_pdf_without_pango_says_what_to_install(no_pango_env, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, "-m", "podcheck.cli", "batch", str(COMMERCE), "--out", str(out),
                          "--no-notebooks", "--quiet"],
                         capture_output=True, text=True, env=no_pango_env, cwd=ROOT, timeout=300)
    assert run.returncode == 2, run.stderr
    assert_one_line_saying_what_to_install(run.stderr)
    assert not (out / "commerce").exists(), "nothing is assessed when the asked-for reports cannot be made"


def test_workshop_hand_out_without_pango_writes_the_html_and_says_what_to_install(
        no_pango, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from podcheck import workshop

    team = tmp_path / "commerce.yaml"
    team.write_bytes(COMMERCE.read_bytes())
    monkeypatch.chdir(tmp_path)
    ui = workshop.start(team, "handouts", show=False)
    assert ui.handout_html.value and ui.handout_pdf.value
    written = ui.write_handout()
    assert set(written) == {"html"}
    assert (tmp_path / "handouts" / "commerce.html").is_file()
    assert not (tmp_path / "handouts" / "commerce.pdf").exists()
    status = ui.handout_status.value
    assert "No PDF" in status and "Pango" in status
    for command in INSTALL:
        assert command in status
    assert "href='handouts/commerce.html'" in ui.handout_links.outputs[0]["data"]["text/html"]


def test_pdf_without_the_font_package_says_what_to_install(monkeypatch, capsys, tmp_path: Path) -> None:
    # Installed without its dependencies (pip --no-deps): no silent fallback to the machine's fonts.
    from podcheck.render import pdf as render

    monkeypatch.setattr(render, "REPORT_FONT", render.ReportFont("Arimo", "no_such_font_package", "fontpkg-arimo",
                                                                 "podcheck Arimo"))
    render.shipped_fonts.cache_clear()
    try:
        out = tmp_path / "commerce.pdf"
        code = cli.main(["assess", str(COMMERCE), "--format", "pdf", "-o", str(out)])
    finally:
        monkeypatch.undo()
        render.shipped_fonts.cache_clear()
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert err.strip() == ("podcheck: PDF reports: need the report font, which is not installed: "
                           "pip install fontpkg-arimo")
