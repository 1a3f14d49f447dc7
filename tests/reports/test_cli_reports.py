"""`podcheck assess --format html|md|pdf` and the write_unit_reports API the batch builds on."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from podcheck.render import render, write_unit_reports

from .conftest import EXAMPLES, SCRIPT


def test_html_to_a_file(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "mobile.html"
    run = run_cli("assess", EXAMPLES / "mobile.yaml", "--format", "html", "-o", out)
    assert run.code == 0, run.err
    assert run.out == "" and f"wrote {out}" in run.err
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text(strip=True) == "Mobile"


def test_markdown_to_standard_output(run_cli) -> None:
    run = run_cli("assess", EXAMPLES / "hr-cloud.yaml", "--format", "md")
    assert run.code == 0, run.err
    assert run.out.startswith("# HR Cloud: integration team assessment")


def test_pdf_needs_a_file_and_takes_letter_paper(run_cli, tmp_path: Path) -> None:
    run = run_cli("assess", EXAMPLES / "hr-cloud.yaml", "--format", "pdf")
    assert run.code == 2 and "-o" in run.err and "Traceback" not in run.err
    out = tmp_path / "hr.pdf"
    run = run_cli("assess", EXAMPLES / "hr-cloud.yaml", "--format", "pdf", "--paper", "letter", "-o", out)
    assert run.code == 0, run.err
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "HR Cloud" in reader.pages[0].extract_text()


def test_write_unit_reports_names_files_safely(tmp_path: Path, hostile) -> None:
    files = write_unit_reports(hostile.result, hostile.assessment, tmp_path / "unit",
                               formats=("html", "md", "pdf", "json", "text"))
    assert set(files) == {"html", "md", "pdf", "json", "text"}
    assert {p.name for p in files.values()} == {"script-alert-1-script.html", "script-alert-1-script.md",
                                                "script-alert-1-script.pdf", "script-alert-1-script.json",
                                                "script-alert-1-script.txt"}
    for path in files.values():
        assert path.parent == tmp_path / "unit" and path.stat().st_size > 0
    assert not [p for p in (tmp_path / "unit").iterdir() if p.name.startswith(".")]  # no temp files left
    assert SCRIPT in PdfReader(io.BytesIO(files["pdf"].read_bytes())).pages[0].extract_text()
    assert files["html"].read_text(encoding="utf-8") == render(hostile.result, "html", assessment=hostile.assessment)


def test_write_unit_reports_refuses_unknown_formats(tmp_path: Path, units) -> None:
    with pytest.raises(ValueError, match="docx"):
        write_unit_reports(units["mobile"].result, None, tmp_path, formats=("html", "docx"))
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="docx"):
        render(units["mobile"].result, "docx")
