"""The workshop as a facilitator uses it: JupyterLab in headless Chromium, widgets clicked, file on disk checked.

JupyterLab runs once for this module, on 127.0.0.1 with a token and a port it picks itself, serving a
temporary folder that holds a working copy of the workshop notebook and a small unit; its config, data,
runtime, IPython and home folders are temporary too, so nothing from the machine leaks in.

Nothing here waits a fixed time: every step waits for what a facilitator would see (Playwright's
auto-retrying `expect`), for what the server reports (kernel idle and connected), or for the file on disk,
each with a deadline generous enough for a busy 2-core machine.
Set PODCHECK_SCREENSHOTS=<folder> to keep screenshots of each step.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from podcheck.workshop import launcher as workshop_server

from .conftest import SMALL_UNIT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "playbook" / "00-workshop.ipynb"
# Deadlines, not delays: each wait ends as soon as its condition holds. A kernel start or a PDF written
# while two other processes keep both cores busy can take a minute.
WAIT = 180_000  # ms, for the browser
WAIT_S = WAIT / 1000  # the same in seconds, for the server and the disk


def working_copy(folder: Path) -> None:
    """The workshop notebook with its parameters pointed at files inside `folder`."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    params = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    source = "".join(params["source"])
    assert "assessment_file = " in source and "output_folder = " in source
    lines = [("assessment_file = 'team.yaml'" if line.startswith("assessment_file =") else line)
             for line in source.splitlines()]
    params["source"] = "\n".join(lines)
    (folder / NOTEBOOK.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (folder / "team.yaml").write_text(SMALL_UNIT, encoding="utf-8")


@dataclass
class Served:
    """The running JupyterLab and the folder it serves."""

    lab: workshop_server.Lab
    root: Path

    @property
    def file(self) -> Path:
        return self.root / "team.yaml"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A JupyterLab server on the loopback address, with a token, isolated from the machine's settings."""
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "root", base / "home"
    root.mkdir()
    home.mkdir()
    working_copy(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "IPYTHON"))}
    # start_lab gives JupyterLab (and so its kernels) a private runtime folder of its own on top of these.
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1")
    # Port 0: JupyterLab binds a free port itself and says which, so two test runs never race for one.
    lab = workshop_server.start_lab(root, 0, secrets.token_hex(16), env=env, quiet=True)
    try:
        workshop_server.wait_until_ready(lab, timeout=WAIT_S)
        yield Served(lab, root)
    finally:
        workshop_server.stop_lab(lab)


class Shots:
    """Screenshots of each step, kept only when PODCHECK_SCREENSHOTS names a folder."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.folder = Path(os.environ["PODCHECK_SCREENSHOTS"]) if os.environ.get("PODCHECK_SCREENSHOTS") else None
        self.n = 0

    def __call__(self, name: str, selector: str | None = None) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.n += 1
        target = self.page.locator(selector).first if selector else self.page
        target.screenshot(path=str(self.folder / f"{self.n:02d}-{name}.png"))


def saved(lab: Served) -> dict:
    return yaml.safe_load(lab.file.read_text(encoding="utf-8"))


def wait_until(check: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
    """Poll `check()` until it returns something true, and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not so after {timeout:.0f} s")
        time.sleep(0.1)
    return value


def wait_for_file(lab: Served, check: Callable[[dict], bool], timeout: float = WAIT_S) -> dict:
    """The assessment file once `check(data)` holds (autosave runs in the kernel, just after the click)."""
    deadline = time.monotonic() + timeout
    while not check(data := saved(lab)):
        if time.monotonic() > deadline:
            raise AssertionError(f"the file never reached the expected state; it holds:\n{yaml.safe_dump(data)}")
        time.sleep(0.1)
    return data


def wait_for_kernel(lab: Served, page: Page) -> None:
    """Until the notebook's kernel is idle as the server sees it, with the page connected to it, and the page
    shows it idle too (the page's indicator says 'idle' before it even connects, so the server's word counts)."""
    wait_until(lambda: any(k["execution_state"] == "idle" and k["connections"] for k in lab.lab.kernels()),
               "a kernel idle with the page connected")
    expect(page.locator(".jp-Notebook-ExecutionIndicator")).to_have_attribute("data-status", "idle", timeout=WAIT)


def run_all(page: Page) -> None:
    """Run → Run All Cells, as the notebook tells the facilitator to; returns once the cells are running."""
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']:not(.lm-mod-disabled)")
    # The notebook's code cells keep their source hidden, so no input prompt shows "[*]": wait for the
    # first cell's output instead (the start screen or the workshop), or for the kernel to finish.
    expect(page.locator(".podcheck-workshop, .jp-Notebook-ExecutionIndicator[data-status='busy']").first
           ).to_be_attached(timeout=WAIT)


def set_share(row: Locator, role: str, percent: int) -> None:
    """Type a share into a role slider's readout, as a facilitator can instead of dragging."""
    readout = row.locator(f".podcheck-share-{role} .widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.type(str(percent))
    expect(readout).to_have_text(str(percent), timeout=WAIT)  # every key arrived before Enter sends it
    readout.press("Enter")


def test_facilitator_adds_an_analyst_and_the_finding_goes_away(lab, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(WAIT)  # every click, fill and wait_for below
    page = context.new_page()
    shots = Shots(page)
    try:
        page.goto(lab.lab.url)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        wait_for_kernel(lab, page)
        run_all(page)
        stage = page.locator(".podcheck-stage-name")
        status = page.locator(".podcheck-status")
        finding = page.locator(".podcheck-results [data-finding]")
        missing = finding.and_(page.locator("[data-finding='roles.missing-analyst']"))
        expect(stage).to_have_attribute("data-stage", "ad-hoc", timeout=WAIT)
        expect(missing).to_have_count(1, timeout=WAIT)
        page.locator(".podcheck-workshop").scroll_into_view_if_needed()
        shots("opened", ".podcheck-workshop")

        # Add a person through the "Add someone" line: a full-time technologist for now. The status line is
        # the last thing an edit updates, so once it tells of the edit the whole page has caught up.
        page.fill(".podcheck-new-person-name input", "Cy Diaz")
        page.select_option(".podcheck-new-person-role select", label="Technologist")
        page.click(".podcheck-add-person")
        expect(status).to_contain_text("Add Cy Diaz", timeout=WAIT)
        rows = page.locator(".podcheck-person")
        expect(rows).to_have_count(3, timeout=WAIT)
        expect(rows.nth(2).locator(".podcheck-person-name input")).to_have_value("Cy Diaz", timeout=WAIT)
        data = wait_for_file(lab, lambda d: len(d["people"]) == 3)
        assert data["people"][2] == {"name": "Cy Diaz", "pod": "CRM", "roles": {"technologist": 1.0}}
        expect(missing).to_have_count(1, timeout=WAIT)

        # Giving Cy half his week as analyst while he is still full-time technologist is invalid:
        # the row says so in plain words, and the file keeps the last valid team.
        cy = rows.nth(2)
        set_share(cy, "analyst", 50)
        expect(status).to_have_text(re.compile(r"^\s*Not saved yet"), timeout=WAIT)
        error = cy.locator(".podcheck-error")
        expect(error).to_contain_text("add up to 150%", timeout=WAIT)
        assert "Traceback" not in page.locator(".podcheck-workshop").inner_text()
        assert saved(lab)["people"][2]["roles"] == {"technologist": 1.0}
        expect(missing).to_have_count(1, timeout=WAIT)
        shots("invalid-share", ".podcheck-workshop")

        # Halving his technologist share makes it valid: saved, and the missing-analyst finding is gone.
        set_share(cy, "technologist", 50)
        expect(status).to_contain_text("50% technologist", timeout=WAIT)
        expect(missing).to_have_count(0, timeout=WAIT)
        expect(error).to_have_text(re.compile(r"^\s*$"), timeout=WAIT)
        data = wait_for_file(lab, lambda d: d["people"][2].get("roles") == {"technologist": 0.5, "analyst": 0.5})
        expect(finding.and_(page.locator("[data-finding='dual-role.analyst-technologist']"))).to_have_count(
            1, timeout=WAIT)
        expect(stage).to_have_attribute("data-stage", "minimum-viable", timeout=WAIT)
        shots("valid-share", ".podcheck-workshop")

        # The hand-out: HTML and PDF for the team as it stands, with links that open inside JupyterLab.
        page.click(".podcheck-tabs .lm-TabBar-tab:has-text('Hand-out')")
        page.click(".podcheck-handout-write")
        expect(page.locator(".podcheck-handout-status")).to_contain_text("Written", timeout=WAIT)
        expect(page.locator(".podcheck-handout-links a:has-text('PDF')")).to_be_visible(timeout=WAIT)
        handouts = lab.root / "handouts"
        wait_until(lambda: (handouts / "connectors.pdf").is_file(), "the PDF hand-out on disk")
        assert (handouts / "connectors.pdf").read_bytes().startswith(b"%PDF")
        assert "Cy Diaz" in (handouts / "connectors.html").read_text(encoding="utf-8")
        shots("handout", ".podcheck-workshop")
        page.click(".podcheck-handout-links a:has-text('HTML')")
        expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab:has-text('connectors.html')")).to_be_visible(
            timeout=WAIT)
        page.click(".lm-DockPanel-tabBar .lm-TabBar-tab:has-text('00-workshop.ipynb')")

        # A kernel that dies mid-workshop loses nothing: restart it, run again, the team is back.
        page.click(".lm-MenuBar-itemLabel:text-is('Kernel')")
        page.click("li.lm-Menu-item[data-command='kernelmenu:restart-and-clear']")
        page.click(".jp-Dialog-button.jp-mod-accept")
        # Outputs are cleared once the new kernel answers; the page then reconnects and shows it idle.
        expect(page.locator(".podcheck-workshop")).to_have_count(0, timeout=WAIT)
        wait_for_kernel(lab, page)
        run_all(page)
        expect(rows).to_have_count(3, timeout=WAIT)
        expect(rows.nth(2).locator(".podcheck-person-name input")).to_have_value("Cy Diaz", timeout=WAIT)
        expect(stage).to_have_attribute("data-stage", "minimum-viable", timeout=WAIT)
        assert saved(lab) == data
    except Exception:
        # Leave a picture of what the browser showed, to see why.
        page.screenshot(path=str(lab.root / "failure.png"))
        print(f"screenshot of the failure: {lab.root / 'failure.png'}")
        raise
    finally:
        context.close()
