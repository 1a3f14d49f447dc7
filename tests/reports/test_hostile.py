"""Names that are HTML or script stay text in every format, and no script ever runs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from podcheck.render.portfolio import sort_script

from .conftest import IMG, ODD_POD, SCRIPT, squash


def test_html_escapes_every_name(hostile) -> None:
    soup = hostile.soup
    assert not soup.find_all("script")
    assert not soup.find_all("img")
    assert not soup.find_all(attrs={"onerror": True})
    assert squash(soup.h1.get_text()) == SCRIPT
    assert soup.title.get_text().startswith(SCRIPT)
    text = soup.get_text(" ")
    for name in (SCRIPT, IMG, ODD_POD):
        assert name in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.html
    # Names also reach SVG labels, attributes and finding messages: still text there.
    findings = squash(soup.find(id="findings").get_text(" "))
    assert f"pod {ODD_POD}" in findings
    assert soup.find("header")["data-running"].startswith(IMG)


def test_pdf_shows_names_as_text(hostile) -> None:
    text = hostile.pdf_text
    for name in (SCRIPT, IMG, ODD_POD):
        assert name in text


def test_portfolio_escapes_names(portfolio_dir) -> None:
    html = (portfolio_dir / "portfolio.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    # The one script is the portfolio's own sorting script, allowed by its hash; nothing from a name.
    assert [s.string for s in soup.find_all("script")] == [sort_script()[0]]
    assert not soup.find_all("img")
    text = soup.get_text(" ")
    assert SCRIPT in text and IMG in text


@pytest.mark.browser
@pytest.mark.parametrize("which", ["unit", "portfolio"])
def test_no_script_runs_in_a_browser(browser, written, portfolio_dir, which: str) -> None:
    path = written["hostile"] if which == "unit" else portfolio_dir / "portfolio.html"
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        # One more turn of the page's event loop, so anything queued while loading has run (no fixed wait).
        page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
        assert dialogs == []
        assert errors == []
        own = 1 if which == "portfolio" else 0  # the portfolio's sorting script, allowed by its hash
        assert page.evaluate("document.querySelectorAll('script, img').length") == own
        for name in (SCRIPT, IMG):
            locator = page.get_by_text(name, exact=False).first
            assert locator.is_visible(), name
        if which == "unit":
            assert page.locator("h1").inner_text() == SCRIPT
    finally:
        page.close()


# HTML that asks WeasyPrint for local files, a machine font and the network. Reports never contain
# such references (every name is escaped), but html_to_pdf must refuse them whatever it is given.
EXTERNAL = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="file:///etc/passwd">
<style>
@import url("http://127.0.0.1:9/evil.css");
@font-face { font-family: Machine; src: url("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); }
p { font-family: Machine, "podcheck Arimo"; background: url("file:///etc/hostname"); }
</style></head>
<body><p>Only text here</p><img src="file:///etc/hostname" alt=""><img src="http://127.0.0.1:9/x.png" alt=""></body></html>
"""  # noqa: E501 - one line of HTML, as a page would have it


def test_pdf_loads_nothing_but_the_shipped_fonts(monkeypatch) -> None:
    import io

    from pypdf import PdfReader

    from podcheck.render import pdf as render

    asked: list[tuple[str, bool]] = []
    allowed = render.allowed_url
    monkeypatch.setattr(render, "allowed_url", lambda url: asked.append((url, allowed(url))) or allowed(url))
    pdf = render.html_to_pdf(EXTERNAL)
    shipped = {face.path.as_uri() for face in render.shipped_fonts()}
    assert {url for url, ok in asked if ok} == shipped
    refused = {url for url, ok in asked if not ok}
    assert {"file:///etc/passwd", "http://127.0.0.1:9/evil.css", "file:///etc/hostname",
            "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "http://127.0.0.1:9/x.png"} <= refused
    reader = PdfReader(io.BytesIO(pdf))
    assert "Only text here" in reader.pages[0].extract_text()
    resources = reader.pages[0]["/Resources"]
    assert "/XObject" not in resources or not any(
        x.get_object()["/Subtype"] == "/Image" for x in resources["/XObject"].values())
    fonts = {str(f.get_object()["/BaseFont"]) for f in resources["/Font"].values()}
    assert all("podcheck-Arimo" in name for name in fonts), fonts


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/font.ttf",
    "https://example.invalid/Arimo.ttf",
    "ftp://127.0.0.1/x",
    "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "{folder}/LICENSE",
    "{folder}/__init__.py",
    "{font}/../../__init__.py",
    "{font}?x=1",
    "file://otherhost{path}",
])
def test_url_check_allows_only_the_shipped_font_files(url: str) -> None:
    from podcheck.render.pdf import REPORT_FONT, allowed_url, shipped_fonts

    font = shipped_fonts()[0].path
    url = url.format(folder=REPORT_FONT.folder.as_uri(), font=font.as_uri(), path=font.as_posix())
    assert not allowed_url(url)
    assert allowed_url(font.as_uri())
