"""How long one workshop edit takes for a 50-person unit, from assess() alone up to the full widget cycle.

Compared side by side in one run:
  assess            podcheck.assess(model) alone
  parse+assess      validating the file-form dict, then assessing (what every edit needs)
  state.apply       a WorkshopState edit: copy, validate, assess; no saving
  to_yaml           the file text autosave writes (YAML dump)
  state.apply+save  the same with autosave (atomic write + fsync, history copy)
  widget cycle      a role-share slider moved in the Workshop UI: handler, apply, save, sync of every
                    widget, results HTML; every message the kernel would send to the browser is
                    JSON-encoded, as the real comm would
  … guided step     the same with a session step chosen (its panel re-rendered with its findings)
  remove + undo     a person removed with the trash button, then Undo pressed: two full cycles
  plan …            the plan (podcheck.plan.with_plan) for the tidy unit and for an untidy one (dual roles,
                    untrained technologists, lines not reported); the workshop works it out only when its
                    Plan tab is shown, never on an edit
  Plan tab …        an edit on the Team tab, then the Plan tab shown: the edit's cycle, the plan, its rows

  browser           (--browser) the same slider edit typed in JupyterLab in headless Chromium, timed
                    from the key press until the page shows the change: websocket, kernel and DOM

    .venv/bin/python benchmarks/workshop.py [--edits 200] [--people 50] [--browser]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import comm
import yaml
from comm.base_comm import BaseComm

import podcheck
from podcheck import workshop as ws

BACKGROUNDS = ["mis", "business-analysis", "software-engineering", "business-process", "solution-engineering"]


class JsonComm(BaseComm):
    """A comm with no browser behind it that still pays for encoding each message, and counts them."""

    sent = 0
    bytes = 0

    def publish_msg(self, msg_type: str, data: dict | None = None, metadata: dict | None = None,
                    buffers: list | None = None, **keys: object) -> None:
        JsonComm.sent += 1
        JsonComm.bytes += len(json.dumps(data or {}, default=str))


def unit(people: int) -> dict:
    """A program-stage unit of `people` people: a head, then pods of seven (lead, 3 technologists, 3 analysts)."""
    pods, staff = [], [{"name": "Head Person"}]
    n_pods = max(1, (people - 1) // 7)
    for p in range(n_pods):
        pod = f"Pod {p + 1}"
        pods.append({"name": pod, "focus": "domain", "active_projects": 3})
        for i in range(7):
            if len(staff) >= people:
                break
            role = "lead" if i == 0 else "technologist" if i <= 3 else "analyst"
            staff.append({"name": f"Person {p + 1}-{i + 1}", "pod": pod, "roles": {role: 1.0},
                          "background": BACKGROUNDS[i % len(BACKGROUNDS)], "reports_to": "Head Person",
                          **({"integration_training": True} if role == "technologist" else {})})
    while len(staff) < people:  # fill up the last pod with analysts
        staff.append({"name": f"Extra {len(staff)}", "pod": pods[-1]["name"], "roles": {"analyst": 1.0},
                      "background": "mis"})
    return {"schema": "podcheck/1", "organization": "Bench Co", "unit": "Fifty", "assessed_on": "2026-11-27",
            "head_of_integration": "Head Person", "context": {"platform": "ipaas", "process": "defined"},
            "pods": pods, "people": staff}


def untidy(data: dict) -> dict:
    """The same unit with findings for the plan to work on: in every pod one person holds two roles, and in
    every other pod the technologists have no integration training and nobody says whom they report to."""
    out = json.loads(json.dumps(data))
    for i, person in enumerate(out["people"][1:]):
        pod = int(person["name"].split()[1].split("-")[0]) if person["name"].startswith("Person") else 0
        if i % 7 == 4:
            person["roles"] = {"analyst": 0.5, "technologist": 0.5}
        if pod % 2:
            person.pop("integration_training", None)
            person.pop("reports_to", None)
    return out


def timed(fn: object, n: int) -> list[float]:
    """Milliseconds per call over n calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def browser_round_trips(data: dict, edits: int) -> tuple[float, list[float]]:
    """Seconds until 50 rows show after Run All, and ms per slider edit from key press to updated page."""
    from playwright.sync_api import sync_playwright

    from podcheck.workshop import launcher as server

    base = Path(tempfile.mkdtemp(prefix="podcheck-bench-lab-"))
    root = base / "root"
    root.mkdir()
    notebook = json.loads((Path(__file__).resolve().parents[1] / "playbook" / server.NOTEBOOK).read_text())
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = "assessment_file = 'team.yaml'\noutput_folder = 'handouts'\norganization = unit = None"
    (root / server.NOTEBOOK).write_text(json.dumps(notebook))
    (root / "team.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "HOME": str(base), "JUPYTER_CONFIG_DIR": str(base / "config"),
           "JUPYTER_DATA_DIR": str(base / "data"), "JUPYTER_RUNTIME_DIR": str(base / "runtime")}
    lab = server.start_lab(root, 0, "bench", env=env, quiet=True)
    try:
        server.wait_until_ready(lab)
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=os.environ.get("PODCHECK_CHROMIUM", "/usr/bin/chromium"),
                                          args=["--headless=new", "--no-sandbox", "--disable-gpu",
                                                "--disable-dev-shm-usage",
                                                "--disable-background-networking", "--disable-component-update",
                                                "--disable-sync", "--no-first-run"])
            page = chromium.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(lab.url)
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
            # Run All only once the kernel is up and the page connected to it, as the server reports.
            deadline = time.monotonic() + 180
            while not any(k["execution_state"] == "idle" and k["connections"] for k in lab.kernels()):
                if time.monotonic() > deadline:
                    raise TimeoutError("the notebook's kernel did not start")
                time.sleep(0.1)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            started = time.perf_counter()
            page.click("li.lm-Menu-item[data-command='runmenu:run-all']:not(.lm-mod-disabled)")
            shown = f"document.querySelectorAll('.podcheck-person').length === {len(data['people'])}"
            page.wait_for_function(f"() => {shown}", timeout=120_000)
            shown_s = time.perf_counter() - started
            readout = page.locator(".podcheck-person").nth(2).locator(".podcheck-share-technologist .widget-readout")
            trips = []
            for value in [50, 100] * (edits // 2):
                readout.click()
                readout.press("Control+a")
                readout.type(str(value))
                started = time.perf_counter()
                readout.press("Enter")
                page.wait_for_function(
                    f"() => document.querySelector('.podcheck-status').textContent.includes('{value}% technologist')",
                    polling=5, timeout=10_000)
                trips.append((time.perf_counter() - started) * 1000)
            chromium.close()
    finally:
        server.stop_lab(lab)
        shutil.rmtree(base, ignore_errors=True)
    return shown_s, trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--browser", action="store_true", help="also time edits in JupyterLab + headless Chromium")
    args = parser.parse_args()

    data = unit(args.people)
    model = podcheck.parse_assessment(data)
    assert len(model.people) == args.people
    folder = Path(tempfile.mkdtemp(prefix="podcheck-bench-"))
    path = folder / "fifty.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    rows: list[tuple[str, list[float]]] = []
    rows.append(("assess", timed(lambda: podcheck.assess(model), args.edits)))
    rows.append(("parse+assess", timed(lambda: podcheck.assess(podcheck.parse_assessment(data)), args.edits)))

    rows.append(("to_yaml (file text)", timed(lambda: ws.to_yaml(model), args.edits)))
    share = iter([0.5, 1.0] * (args.edits + 2))
    memory = ws.WorkshopState(None, data)
    rows.append(("state.apply",
                 timed(lambda: memory.apply(ws.set_role_share(2, "technologist", next(share))), args.edits)))
    state = ws.WorkshopState.open(path, history_keep=20)
    rows.append(("state.apply+save",
                 timed(lambda: state.apply(ws.set_role_share(2, "technologist", next(share))), args.edits)))

    comm.create_comm = JsonComm  # every widget's messages are now encoded and counted
    from podcheck import workshop

    started = time.perf_counter()
    ui = workshop.Workshop(ws.WorkshopState.open(path, history_keep=20))
    build_ms = (time.perf_counter() - started) * 1000
    widgets = JsonComm.sent
    slider = ui.person_rows[2].shares["technologist"]
    values = iter([50, 100] * (args.edits + 2))
    before = JsonComm.sent

    def move_slider() -> None:
        slider.value = next(values)
        assert ui.state.valid

    rows.append(("widget cycle", timed(move_slider, args.edits)))
    per_edit = (JsonComm.sent - before) / (args.edits + 1)
    cycle_ms = ui.last_cycle_ms
    ui.guide.value = "roles"
    rows.append(("widget cycle, guided step", timed(move_slider, args.edits)))
    ui.guide.value = ""

    rows_in_turn = iter(range(10**6))

    def remove_and_undo() -> None:
        # A different row each time: the same row twice in a moment counts as one double click.
        ui.person_rows[5 + next(rows_in_turn) % 20].remove.click()
        assert len(ui.state.data["people"]) == args.people - 1
        ui.undo_button.click()
        assert len(ui.state.data["people"]) == args.people

    rows.append(("remove + undo (2 cycles)", timed(remove_and_undo, max(10, args.edits // 4))))

    from podcheck.plan import with_plan

    messy = untidy(data)
    messy_model = podcheck.parse_assessment(messy)
    messy_result = podcheck.assess(messy_model)
    steps = len(with_plan(messy_result, messy_model).plan)
    plans = max(5, args.edits // 10)
    rows.append(("plan, tidy unit (no steps)", timed(lambda: with_plan(podcheck.assess(model), model), plans)))
    rows.append((f"plan, untidy unit ({steps} steps)",
                 timed(lambda: with_plan(messy_result, messy_model), plans)))
    messy_path = folder / "untidy.yaml"
    messy_path.write_text(yaml.safe_dump(messy, sort_keys=False), encoding="utf-8")
    planner = workshop.Workshop(ws.WorkshopState.open(messy_path, history_keep=20))
    messy_slider = planner.person_rows[2].shares["technologist"]
    messy_values = iter([50, 100] * (plans + 2))

    def edit_then_show_plan() -> None:
        planner.tabs.selected_index = 0
        messy_slider.value = next(messy_values)
        planner.tabs.selected_index = planner.PLAN_TAB
        assert len(planner.plan_rows) >= steps

    rows.append(("Plan tab shown after an edit", timed(edit_then_show_plan, plans)))

    base = statistics.median(rows[0][1])
    print(f"{args.people} people in {len(model.pods)} pods; {args.edits} edits each; "
          f"result has {len(podcheck.assess(model).findings)} findings\n")
    print("| step | median ms | p90 ms | × assess |\n| --- | ---: | ---: | ---: |")
    # Timings move with the machine; the ratios to assess() alone are what compare across runs.
    for name, ms in rows:
        p90 = statistics.quantiles(ms, n=10)[-1]
        print(f"| {name} | {statistics.median(ms):.2f} | {p90:.2f} | {statistics.median(ms) / base:.1f} |")
    if args.browser:
        shown_s, trips = browser_round_trips(data, min(args.edits, 30))
        print(f"| browser round trip | {statistics.median(trips):.0f} | {statistics.quantiles(trips, n=10)[-1]:.0f} | "
              f"{statistics.median(trips) / base:.0f} |")
        print(f"\nbrowser: {len(trips)} edits; Run All to {args.people} rows on screen: {shown_s:.1f} s")
    print(f"\nbuilding the UI: {build_ms:.0f} ms, {widgets} messages; "
          f"each edit sends {per_edit:.1f} messages to the browser; last cycle as the UI timed it: {cycle_ms:.1f} ms")


if __name__ == "__main__":
    main()
