"""The PDF handout: same content as the HTML, page numbers, paper size, a sane length."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from podcheck.render import render_pdf

from .conftest import EXAMPLE_NAMES, advice, squash

A4 = (595, 842)
LETTER = (612, 792)


def page_size(reader: PdfReader, index: int = 0) -> tuple[int, int]:
    box = reader.pages[index].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_pdf_text_matches_the_report(units, name: str) -> None:
    unit = units[name]
    r, text = unit.result, unit.pdf_text
    assert r.unit in text and r.organization in text
    assert f"Stage {r.stage.level}: {r.stage.name}" in text
    for f in r.findings:
        assert squash(f.message) in text, f.id
        assert advice(unit.result, f) in text, f.id
    for person in unit.people():
        assert person in text
    pages = len(unit.pdf_reader.pages)
    assert 3 <= pages <= 16, pages
    assert page_size(unit.pdf_reader) == A4
    first = squash(unit.pdf_reader.pages[0].extract_text())
    assert f"page 1 of {pages}" in first
    assert f"page {pages} of {pages}" in squash(unit.pdf_reader.pages[-1].extract_text())
    # The title block opens the first page.
    assert first.startswith("INTEGRATION TEAM ASSESSMENT") and r.unit in first[:200]


def test_letter_paper(units) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(units["mobile"].result, assessment=units["mobile"].assessment,
                                             paper="letter")))
    assert {page_size(reader, i) for i in range(len(reader.pages))} == {LETTER}


def test_pdf_metadata_names_the_unit(units) -> None:
    unit = units["commerce"]
    assert unit.result.unit in (unit.pdf_reader.metadata.title or "")
