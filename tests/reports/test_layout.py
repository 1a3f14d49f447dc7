"""Layout in headless Chromium: nothing spills past the page at desktop width or at A4 print width.

Screenshots go to $PODCHECK_SCREENSHOTS when set (to look at them), else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EXAMPLE_NAMES

pytestmark = pytest.mark.browser

MODES = {
    "screen-1280": {"width": 1280, "media": "screen"},
    # A4 at 96 dpi is 794 px wide: what a browser lays out when the report is printed.
    "print-a4": {"width": 794, "media": "print"},
}

# Elements whose right edge passes the viewport, or whose content is wider than their own box.
OVERFLOW_JS = """
() => {
  const limit = document.documentElement.clientWidth + 1;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const label = el.tagName.toLowerCase()
                  + (el.className && el.className.baseVal === undefined ? '.' + el.className : '')
                  + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
    if (box.right > limit || box.left < -1) out.push('outside the page: ' + label);
    const style = getComputedStyle(el);
    if (!(el instanceof SVGElement) && style.display !== 'inline' && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + 1 && style.overflowX === 'visible') {
      out.push('content wider than its box: ' + label);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth, bad: out};
}
"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PODCHECK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", [*EXAMPLE_NAMES, "hostile", "portfolio"])
def test_nothing_overflows(browser, written, portfolio_dir, shots: Path, name: str, mode: str) -> None:
    path = portfolio_dir / "portfolio.html" if name == "portfolio" else written[name]
    setup = MODES[mode]
    page = browser.new_page(viewport={"width": setup["width"], "height": 1000})
    try:
        page.emulate_media(media=setup["media"])
        page.goto(path.as_uri())
        report = page.evaluate(OVERFLOW_JS)
        page.screenshot(path=str(shots / f"{name}-{mode}.png"), full_page=True)
    finally:
        page.close()
    assert report["scroll"] <= report["width"], report
    assert report["bad"] == [], report["bad"][:10]
