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

    .venv/bin/python benchmarks/workshop.py [--edits 200] [--people 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import comm
import yaml
from comm.base_comm import BaseComm

import podcheck
from podcheck import workshop_state as ws

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


def timed(fn: object, n: int) -> list[float]:
    """Milliseconds per call over n calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--people", type=int, default=50)
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
    rows.append(("state.apply", timed(lambda: memory.apply(ws.set_role_share(2, "technologist", next(share))), args.edits)))
    state = ws.WorkshopState.open(path, history_keep=20)
    rows.append(("state.apply+save", timed(lambda: state.apply(ws.set_role_share(2, "technologist", next(share))), args.edits)))

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

    base = statistics.median(rows[0][1])
    print(f"{args.people} people in {len(model.pods)} pods; {args.edits} edits each; "
          f"result has {len(podcheck.assess(model).findings)} findings\n")
    print("| step | median ms | p90 ms | × assess |\n| --- | ---: | ---: | ---: |")
    for name, ms in rows:
        p90 = statistics.quantiles(ms, n=10)[-1]
        print(f"| {name} | {statistics.median(ms):.2f} | {p90:.2f} | {statistics.median(ms) / base:.1f} |")
    print(f"\nbuilding the UI: {build_ms:.0f} ms, {widgets} messages; "
          f"each edit sends {per_edit:.1f} messages to the browser; last cycle as the UI timed it: {cycle_ms:.1f} ms")


if __name__ == "__main__":
    main()
