"""The workshop as a facilitator uses it: JupyterLab in headless Chromium, widgets clicked, file on disk checked.

JupyterLab runs once for this module, on 127.0.0.1 with a token and a free port, serving a temporary
folder that holds a working copy of the workshop notebook and a small unit; its config, data,
runtime and home folders are temporary too, so nothing from the machine leaks in.
Set PODCHECK_SCREENSHOTS=<folder> to keep screenshots of each step.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from podcheck import workshop_server

from .conftest import SMALL_UNIT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "playbook" / "00-workshop.ipynb"
WAIT = 60_000  # ms; the first kernel start on a busy 2-core machine can take a while


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


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A JupyterLab server on the loopback address, with a token, isolated from the machine's settings."""
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "root", base / "home"
    root.mkdir()
    home.mkdir()
    working_copy(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "IPYTHON"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1")
    token = secrets.token_hex(16)
    lab = workshop_server.start_lab(root, 0, token, env=env, quiet=True)
    try:
        workshop_server.wait_until_ready(lab, timeout=120)
        yield {"root": root, "url": lab.url, "file": root / "team.yaml", "port": lab.port, "token": token}
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


def saved(lab: dict) -> dict:
    return yaml.safe_load(lab["file"].read_text(encoding="utf-8"))


def wait_for_file(lab: dict, check: object, timeout: float = 20) -> dict:
    """The assessment file once `check(data)` holds (autosave runs in the kernel, just after the click)."""
    deadline = time.monotonic() + timeout
    data = saved(lab)
    while not check(data):
        if time.monotonic() > deadline:
            raise AssertionError(f"the file never reached the expected state; it holds:\n{yaml.safe_dump(data)}")
        time.sleep(0.1)
        data = saved(lab)
    return data


def kernels(lab: dict) -> list[dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{lab['port']}/api/kernels",
                                     headers={"Authorization": f"token {lab['token']}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        # The server can answer 500 for a moment while a kernel is starting; callers poll again.
        return []


def wait_for_kernel(lab: dict, page: object, timeout: float = 90) -> None:
    """Until the notebook's kernel has started and the page is connected to it (the status starts 'idle'
    before it even connects, so the server's word is needed too)."""
    deadline = time.monotonic() + timeout
    while not any(k["execution_state"] == "idle" and k["connections"] for k in kernels(lab)):
        if time.monotonic() > deadline:
            raise AssertionError(f"no kernel became ready: {kernels(lab)}")
        time.sleep(0.2)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=WAIT)


def run_all(page: object) -> None:
    """Run → Run All Cells, as the notebook tells the facilitator to."""
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']:not(.lm-mod-disabled)")
    page.wait_for_selector(".jp-InputPrompt:text-matches('\\[(\\*|\\d+)\\]')", timeout=WAIT)


def set_share(row: object, role: str, percent: int) -> None:
    """Type a share into a role slider's readout, as a facilitator can instead of dragging."""
    readout = row.locator(f".podcheck-share-{role} .widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.type(str(percent))
    readout.press("Enter")


def test_facilitator_adds_an_analyst_and_the_finding_goes_away(lab, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    shots = Shots(page)
    try:
        page.goto(lab["url"])
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=WAIT)
        wait_for_kernel(lab, page)
        run_all(page)
        stage = page.locator(".podcheck-stage-name")
        stage.wait_for(timeout=WAIT)
        missing = page.locator(".podcheck-results [data-finding='roles.missing-analyst']")
        missing.wait_for(timeout=WAIT)
        assert stage.get_attribute("data-stage") == "ad-hoc"
        page.locator(".podcheck-workshop").scroll_into_view_if_needed()
        shots("opened", ".podcheck-workshop")

        # Add a person through the "Add someone" line: a full-time technologist for now.
        page.fill(".podcheck-new-person-name input", "Cy Diaz")
        page.select_option(".podcheck-new-person-role select", label="Technologist")
        page.click(".podcheck-add-person")
        rows = page.locator(".podcheck-person")
        page.wait_for_function("() => document.querySelectorAll('.podcheck-person').length === 3", timeout=WAIT)
        assert rows.nth(2).locator(".podcheck-person-name input").input_value() == "Cy Diaz"
        data = wait_for_file(lab, lambda d: len(d["people"]) == 3)
        assert data["people"][2] == {"name": "Cy Diaz", "pod": "CRM", "roles": {"technologist": 1.0}}
        assert missing.count() == 1

        # Giving Cy half his week as analyst while he is still full-time technologist is invalid:
        # the row says so in plain words, and the file keeps the last valid team.
        cy = rows.nth(2)
        set_share(cy, "analyst", 50)
        error = cy.locator(".podcheck-error")
        page.wait_for_function(
            "el => el.textContent.includes('add up to 1.5')", arg=error.element_handle(), timeout=WAIT)
        assert "Traceback" not in page.locator(".podcheck-workshop").inner_text()
        assert page.locator(".podcheck-status").inner_text().startswith("Not saved yet")
        assert saved(lab)["people"][2]["roles"] == {"technologist": 1.0}
        assert missing.count() == 1
        shots("invalid-share", ".podcheck-workshop")

        # Halving his technologist share makes it valid: saved, and the missing-analyst finding is gone.
        set_share(cy, "technologist", 50)
        missing.wait_for(state="detached", timeout=WAIT)
        assert error.inner_text().strip() == ""
        data = wait_for_file(lab, lambda d: d["people"][2].get("roles") == {"technologist": 0.5, "analyst": 0.5})
        findings = page.locator(".podcheck-results [data-finding]")
        ids = {findings.nth(i).get_attribute("data-finding") for i in range(findings.count())}
        assert "dual-role.analyst-technologist" in ids and "roles.missing-analyst" not in ids
        assert stage.get_attribute("data-stage") == "minimum-viable"
        shots("valid-share", ".podcheck-workshop")

        # The hand-out: HTML and PDF for the team as it stands, with links that open inside JupyterLab.
        page.click(".podcheck-tabs .lm-TabBar-tab:has-text('Hand-out')")
        page.click(".podcheck-handout-write")
        pdf_link = page.locator(".podcheck-handout-links a:has-text('PDF')")
        pdf_link.wait_for(timeout=WAIT)
        handouts = lab["root"] / "handouts"
        assert (handouts / "connectors.pdf").read_bytes().startswith(b"%PDF")
        assert "Cy Diaz" in (handouts / "connectors.html").read_text(encoding="utf-8")
        shots("handout", ".podcheck-workshop")
        page.click(".podcheck-handout-links a:has-text('HTML')")
        page.wait_for_selector(".lm-DockPanel-tabBar .lm-TabBar-tab:has-text('connectors.html')", timeout=WAIT)
        page.click(".lm-DockPanel-tabBar .lm-TabBar-tab:has-text('00-workshop.ipynb')")

        # A kernel that dies mid-workshop loses nothing: restart it, run again, the team is back.
        page.click(".lm-MenuBar-itemLabel:text-is('Kernel')")
        page.click("li.lm-Menu-item[data-command='kernelmenu:restart-and-clear']")
        page.click(".jp-Dialog-button.jp-mod-accept")
        page.wait_for_selector(".podcheck-workshop", state="detached", timeout=WAIT)
        wait_for_kernel(lab, page)
        run_all(page)
        page.wait_for_function("() => document.querySelectorAll('.podcheck-person').length === 3", timeout=WAIT)
        assert rows.nth(2).locator(".podcheck-person-name input").input_value() == "Cy Diaz"
        assert stage.get_attribute("data-stage") == "minimum-viable"
        assert saved(lab) == data
    except Exception:
        # Leave a picture of what the browser showed, to see why.
        page.screenshot(path=str(lab["root"] / "failure.png"))
        print(f"screenshot of the failure: {lab['root'] / 'failure.png'}")
        raise
    finally:
        context.close()
