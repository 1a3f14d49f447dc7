"""Fonts are part of the product: every PDF embeds the typeface podcheck ships, and nothing else.

A PDF that embeds another font fell back to whatever the machine had (a character the shipped
font lacks, or the shipped font not loading at all), so it would look and break differently from
machine to machine.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from podcheck.files.results import load_previous
from podcheck.render import html_to_pdf, render_html
from podcheck.render.pdf import REPORT_FONT, shipped_fonts

from .conftest import EXAMPLE_NAMES, ROOT, squash
from .test_compare import commerce_six_months_earlier

SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def embedded_fonts(pdf: bytes) -> set[str]:
    """The name of every font embedded in a PDF, without the subset tag (ABCDEF+Arimo-Bold → Arimo-Bold)."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).lstrip("/"))
            for descendant in font.get("/DescendantFonts", []):
                names.add(str(descendant.get_object()["/BaseFont"]).lstrip("/"))
    return {SUBSET_TAG.sub("", name) for name in names}


# WeasyPrint names an embedded font after the @font-face family it was loaded as: podcheck's own
# alias, which only the shipped files carry. A machine's copy of Arimo would embed as plain "Arimo".
SHIPPED = REPORT_FONT.alias.replace(" ", "-")


def foreign(names: set[str]) -> set[str]:
    """The fonts that are not the shipped files: each one is a fallback to a machine font."""
    return {n for n in names if n != SHIPPED and not n.startswith(f"{SHIPPED}-")}


def test_the_shipped_font_files_and_their_licence_are_installed() -> None:
    faces = shipped_fonts()
    assert {face.style for face in faces} == {"normal", "italic"}
    for face in faces:
        assert face.path.is_file() and face.path.stat().st_size > 10_000, face.path
        assert TTFont(face.path)["name"].getDebugName(1) == REPORT_FONT.family
    licence = REPORT_FONT.folder / "LICENSE"
    assert licence.is_file(), "the font package must carry its licence"
    assert "SIL Open Font License" in licence.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_pdfs_embed_only_the_shipped_font(units, name: str) -> None:
    names = embedded_fonts(units[name].pdf)
    assert {SHIPPED, f"{SHIPPED}-Bold"} <= names, names
    assert not foreign(names), f"fell back to machine fonts: {sorted(foreign(names))}"


def test_hostile_names_pdf_embeds_only_the_shipped_font(hostile) -> None:
    assert not foreign(embedded_fonts(hostile.pdf))


def test_pdf_with_what_changed_embeds_only_the_shipped_font(units, tmp_path: Path) -> None:
    # The changes section draws arrows, triangles and a tick: the characters most likely to fall back.
    import yaml

    previous = tmp_path / "commerce-2026-05.yaml"
    previous.write_text(yaml.safe_dump(commerce_six_months_earlier(), allow_unicode=True), encoding="utf-8")
    unit = units["commerce"]
    pdf = html_to_pdf(render_html(unit.result, assessment=unit.assessment, previous=load_previous(previous)))
    assert not foreign(embedded_fonts(pdf))


def report_characters(units, hostile, portfolio_dir: Path) -> set[str]:
    """Every character the HTML reports can show: template text, rule and stage texts, rendered examples."""
    chars: set[str] = set()
    for path in [*(ROOT / "templates" / "html").rglob("*"), *(ROOT / "src" / "podcheck").rglob("*.yaml")]:
        if path.is_file():
            chars.update(path.read_text(encoding="utf-8"))
    pages = [u.html for u in [*units.values(), hostile]]
    pages.append((portfolio_dir / "portfolio.html").read_text(encoding="utf-8"))
    for page in pages:
        chars.update(BeautifulSoup(page, "html.parser").get_text())
    return {c for c in chars if c.isprintable() and not c.isspace()}


def test_the_shipped_font_has_every_character_the_reports_use(units, hostile, portfolio_dir) -> None:
    wanted = report_characters(units, hostile, portfolio_dir)
    for face in shipped_fonts():
        cmap = TTFont(face.path).getBestCmap()
        missing = sorted(f"{c} U+{ord(c):04X}" for c in wanted if ord(c) not in cmap)
        assert not missing, f"{face.path.name} lacks {missing}: use another character or another font"


def test_a_pdf_comes_out_the_same_on_a_machine_without_any_fonts(units, tmp_path: Path) -> None:
    # Fontconfig is told there are no font folders at all: the PDF must not notice.
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                     f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    out = tmp_path / "commerce.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(empty)}
    run = subprocess.run([sys.executable, "-m", "podcheck.cli", "assess", str(ROOT / "assessments" / "examples" /
                          "commerce.yaml"), "--format", "pdf", "-o", str(out)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == f"wrote {out}", "no warnings about the machine's (missing) fonts"
    pdf = out.read_bytes()
    assert not foreign(embedded_fonts(pdf))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(units["commerce"].pdf_reader.pages)
    assert squash(" ".join(p.extract_text() for p in reader.pages)) == units["commerce"].pdf_text
