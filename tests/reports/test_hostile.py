"""Names that are HTML or script stay text in every format, and no script ever runs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

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
    assert not soup.find_all(["script", "img"])
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
        assert page.evaluate("document.querySelectorAll('script, img').length") == 0
        for name in (SCRIPT, IMG):
            locator = page.get_by_text(name, exact=False).first
            assert locator.is_visible(), name
        if which == "unit":
            assert page.locator("h1").inner_text() == SCRIPT
    finally:
        page.close()
