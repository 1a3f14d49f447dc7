"""The workshop as a facilitator runs it in front of a room: JupyterLab + Chromium at 1280×720, 12 people.

Start screen to workshop without code, the live result in view while rows at the top, middle and end are
edited, remove then Undo, and a guided step changing what the screen shows. Waits only on what the page
or the file shows (see test_browser.py); PODCHECK_SCREENSHOTS=<folder> keeps a screenshot of each step.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from podcheck.workshop import launcher as workshop_server

from .test_browser import NOTEBOOK, WAIT, WAIT_S, Served, Shots, run_all, set_share, wait_for_kernel, wait_until
from .test_facilitator_widgets import contrast

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TWELVE = Path(__file__).with_name("twelve.yaml")
VIEW = {"width": 1280, "height": 720}


@pytest.fixture
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """JupyterLab serving the shipped workshop notebook, with the twelve-person unit in its assessments folder;
    one per test, so each starts from the notebook as it ships."""
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "root", base / "home"
    (root / "playbook").mkdir(parents=True)
    home.mkdir()
    shutil.copy(NOTEBOOK, root / "playbook" / NOTEBOOK.name)
    folder = root / "assessments" / "workshops"
    folder.mkdir(parents=True)
    shutil.copy(TWELVE, folder / "team.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "IPYTHON"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1")
    lab = workshop_server.start_lab(root, 0, secrets.token_hex(16), env=env, quiet=True,
                                    notebook=f"playbook/{NOTEBOOK.name}")
    try:
        workshop_server.wait_until_ready(lab, timeout=WAIT_S)
        yield Served(lab, folder)
    finally:
        workshop_server.stop_lab(lab)


def open_start_screen(lab: Served, page: Page) -> None:
    page.goto(lab.lab.url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    wait_for_kernel(lab, page)
    run_all(page)
    expect(page.locator(".podcheck-start")).to_be_visible(timeout=WAIT)


def in_view(page: Page, locator: Locator) -> bool:
    """The element's box overlaps the browser's window (what the room sees)."""
    box = locator.bounding_box()
    return box is not None and box["y"] < VIEW["height"] and box["y"] + box["height"] > 0 and box["height"] > 20


def hex_colour(css: str) -> str:
    """'rgb(46, 125, 50)' as '#2e7d32'."""
    return "#" + "".join(f"{int(c):02x}" for c in re.findall(r"\d+", css)[:3])


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def page(lab: Served, browser: object) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEW)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    try:
        yield page
    except Exception:
        page.screenshot(path=str(lab.root / "failure.png"))
        raise
    finally:
        context.close()


def test_continue_edit_rows_with_the_result_in_view_remove_undo_and_guided_step(lab, page):
    shots = Shots(page)
    team = lab.root / "team.yaml"
    open_start_screen(lab, page)
    page.locator(".podcheck-start").scroll_into_view_if_needed()
    shots("start-screen")
    expect(page.locator(".podcheck-start-last")).to_contain_text("Order Integration")
    page.click(".podcheck-start-continue")
    rows = page.locator(".podcheck-person")
    expect(rows).to_have_count(12, timeout=WAIT)
    results = page.locator(".podcheck-side")
    status = page.locator(".podcheck-status")
    shots("opened")

    # Edit the first, a middle and the last row: each time the live result is on screen with the row.
    for n, role in ((1, "lead"), (6, "lead"), (11, "technologist")):
        row = rows.nth(n)
        set_share(row, role, 50)
        name = load(team)["people"][n]["name"]
        expect(status).to_contain_text(f"{name}: 50% {role}", timeout=WAIT)
        assert in_view(page, row.locator(f".podcheck-share-{role}")), f"row {n} is not on screen"
        assert in_view(page, results), f"the live result is off screen while row {n} is edited"
        shots(f"row-{n}-edited")
    wait_until(lambda: load(team)["people"][11]["roles"] == {"technologist": 0.5}, "the last edit in the file")

    # Remove Bo Chen, then Undo: he is back on screen and in the file, and focus is on Undo, not a trash button.
    rows.nth(2).locator(".podcheck-remove-person").click()
    expect(status).to_contain_text("Removed Bo Chen", timeout=WAIT)
    expect(rows).to_have_count(11, timeout=WAIT)
    wait_until(lambda: "Bo Chen" not in [p["name"] for p in load(team)["people"]], "Bo Chen gone from the file")
    undo = page.locator(".podcheck-undo")
    expect(undo).to_be_focused(timeout=WAIT)
    shots("removed")
    page.keyboard.press("Enter")  # the focused Undo button
    expect(rows).to_have_count(12, timeout=WAIT)
    expect(rows.nth(2).locator(".podcheck-person-name input")).to_have_value("Bo Chen", timeout=WAIT)
    expect(status).to_contain_text("Undone: remove Bo Chen", timeout=WAIT)
    wait_until(lambda: load(team)["people"][2]["name"] == "Bo Chen", "Bo Chen back in the file")
    assert load(team)["people"][2]["integration_training"] is True
    shots("undone")

    # A guided step: dual roles shows the people, what to ask the room, and only that step's findings.
    page.select_option(".podcheck-guide-step select", label="4. Dual roles")
    panel = page.locator(".podcheck-guide-panel")
    expect(panel.locator(".podcheck-step")).to_have_attribute("data-step", "dual-roles", timeout=WAIT)
    expect(panel).to_contain_text("Ask the room")
    expect(panel.locator("[data-finding]")).not_to_have_count(0, timeout=WAIT)
    for finding in panel.locator("[data-finding]").all():
        assert finding.get_attribute("data-finding").startswith("dual-role.")
    expect(page.locator(".podcheck-section-facts")).to_be_hidden()
    expect(page.locator(".podcheck-section-people")).to_be_visible()
    shots("step-dual-roles")
    page.click(".podcheck-guide-next")  # developer trap, then on to the questionnaire
    page.click(".podcheck-guide-next")
    page.click(".podcheck-guide-next")
    expect(panel.locator(".podcheck-step")).to_have_attribute("data-step", "questionnaire", timeout=WAIT)
    expect(page.locator(".podcheck-question").first).to_be_visible(timeout=WAIT)
    expect(page.locator(".podcheck-section-people")).to_be_hidden()
    shots("step-questionnaire")

    # Large type for the projector: 18 px text.
    page.click(".podcheck-large-toggle")
    workshop = page.locator(".podcheck-workshop")
    expect(workshop).to_have_class(re.compile(r"podcheck-large"), timeout=WAIT)
    assert workshop.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    shots("large-type")
    page.click(".podcheck-large-toggle")

    # A narrow screen: editor and result stacked, the headline pinned on screen with the last row.
    page.select_option(".podcheck-guide-step select", label="All of it (no guide)")
    page.click(".podcheck-tabs .lm-TabBar-tab:has-text('Team')")
    expect(rows.nth(11)).to_be_visible(timeout=WAIT)
    page.set_viewport_size({"width": 820, "height": 720})
    rows.nth(11).scroll_into_view_if_needed()
    headline = page.locator(".podcheck-headline")
    expect(headline).to_contain_text("Stage 4", timeout=WAIT)
    expect(headline).to_contain_text("high:")
    assert in_view(page, headline) and in_view(page, rows.nth(11))
    # Stacked: the result comes after the whole editor, not over it.
    editor = page.locator(".podcheck-editor").bounding_box()
    assert page.locator(".podcheck-side").bounding_box()["y"] >= editor["y"] + editor["height"] - 1
    shots("narrow")
    assert "Traceback" not in workshop.inner_text()
    assert not re.search(r"people\[\d+\]|finding\(s\)|\bpod Pod\b", workshop.inner_text())


def test_a_new_assessment_from_the_start_screen_without_typing_code(lab, page):
    shots = Shots(page)
    open_start_screen(lab, page)
    page.fill(".podcheck-start-organization input", "Contoso")
    page.fill(".podcheck-start-unit input", "Field Apps")
    shots("new-assessment")
    page.click(".podcheck-start-new")
    expect(page.locator(".podcheck-workshop .podcheck-tabs")).to_be_visible(timeout=WAIT)
    created = lab.root / "field-apps.yaml"
    wait_until(created.is_file, "the new assessment's file")
    assert load(created)["organization"] == "Contoso" and load(created)["unit"] == "Field Apps"
    expect(page.locator(".podcheck-title")).to_contain_text("Contoso · Field Apps")
    expect(page.locator(".podcheck-stage")).to_contain_text("not enough facts", timeout=WAIT)
    shots("new-assessment-opened")
    assert load(created)["people"] == []


def test_a_plan_step_tried_then_kept_and_undone(lab, page):
    shots = Shots(page)
    team = lab.root / "team.yaml"
    open_start_screen(lab, page)
    page.click(".podcheck-start-continue")
    expect(page.locator(".podcheck-person")).to_have_count(12, timeout=WAIT)
    before = team.read_bytes()

    def ivy() -> dict:
        return next(p for p in load(team)["people"] if p["name"] == "Ivy Jones")["roles"]

    # The guided step for the plan opens the Plan tab, which works the plan out as it is shown.
    page.select_option(".podcheck-guide-step select", label="8. Plan and what-if")
    steps = page.locator(".podcheck-plan-change")
    expect(steps).to_have_count(2, timeout=WAIT)
    first = steps.nth(0)
    expect(first).to_contain_text("Ivy Jones stops acting as analyst")
    expect(first).to_contain_text("Owner: Flo Gray")
    expect(first).to_contain_text("After this step: stage 4")
    shots("plan")

    # Try step 1: the team now beside the team after it, under the step; the file is untouched.
    first.locator(".podcheck-plan-try").click()
    trial = first.locator(".podcheck-plan-trial")
    expect(trial).to_contain_text("After this step", timeout=WAIT)
    expect(trial).to_contain_text("score 70 → 90")
    expect(first.locator(".podcheck-plan-try")).to_have_text("Hide the comparison")
    # The room sees the step, its buttons and the comparison's summary together.
    first.locator(".podcheck-plan-buttons").evaluate("e => e.scrollIntoView({block: 'center'})")
    assert in_view(page, first.locator(".podcheck-plan-title")) and in_view(page, trial)
    shots("plan-step-tried")
    assert team.read_bytes() == before
    keep = first.locator(".podcheck-plan-keep")
    text_colour, back = (hex_colour(keep.evaluate(f"e => getComputedStyle(e).{p}"))
                         for p in ("color", "backgroundColor"))
    assert contrast(text_colour, back) >= 4.5, f"Keep: {text_colour} on {back}"

    # Keep it, by keyboard from the Try button: one change, saved, in the room's words; the plan is worked out
    # again for the new team.
    expect(first.locator(".podcheck-plan-try")).to_be_focused()
    page.keyboard.press("Tab")
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")
    status = page.locator(".podcheck-status")
    expect(status).to_contain_text("Plan step 1: Ivy Jones gives up the analyst role", timeout=WAIT)
    wait_until(lambda: ivy() == {"technologist": 1.0}, "step 1 in the file")
    expect(steps).to_have_count(1, timeout=WAIT)
    expect(steps.nth(0)).to_contain_text("Train Gus Hall")
    expect(page.locator(".podcheck-stage .podcheck-score")).to_have_text("90", timeout=WAIT)
    shots("plan-step-kept")

    # Undo takes the whole step back, on screen and in the file.
    page.click(".podcheck-undo")
    expect(status).to_contain_text("Undone: plan step 1", timeout=WAIT)
    wait_until(lambda: ivy() == {"analyst": 0.5, "technologist": 0.5}, "step 1 undone in the file")
    expect(steps).to_have_count(2, timeout=WAIT)
    shots("plan-step-undone")

    # Five tabs, in large type too: every tab's title is shown in full, not cut off.
    labels = page.locator(".podcheck-tabs .lm-TabBar-tabLabel")
    expect(labels).to_have_count(5)
    for large in (False, True):
        if large:
            page.click(".podcheck-large-toggle")
            expect(page.locator(".podcheck-workshop")).to_have_class(re.compile(r"podcheck-large"), timeout=WAIT)
            labels.first.scroll_into_view_if_needed()
            shots("plan-large-type")
        for label in labels.all():
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth"), f"tab title cut: {label.inner_text()}"
    text = page.locator(".podcheck-workshop").inner_text()
    assert "Traceback" not in text and not re.search(r"dual-role\.|set-role|people\[\d+\]", text)
