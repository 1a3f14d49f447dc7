"""How long the plan takes against unit size: 5 to 200 people, in one run, with the size of the search.

Each unit is built the same way at every size: pods of seven, cycling through the problems a plan has to
solve (one person as analyst and technologist, a pod without an analyst whose developers are untrained, a
pod without a lead, an oversized pod under a heavy-loaded lead, a healthy pod), no head of integration,
no platform and an ad-hoc process, and two weak questionnaire answers. Timed: `search_plan` on the
validated model, after one warm-up; the assessment of the unit itself is timed apart as the unit of cost.

    .venv/bin/python benchmarks/plan.py [--sizes 5,10,25,50,100,200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import podcheck
from podcheck.assess import assess  # the engine alone; podcheck.assess adds the plan
from podcheck.plan import search_plan

KINDS = ("dual-role", "no-analyst", "no-lead", "oversize", "healthy")


def _pod(index: int, size: int) -> tuple[dict, list[dict]]:
    """One pod of `size` people with the problem its index gives it."""
    kind = KINDS[index % len(KINDS)]
    name = f"Pod {index + 1}"
    pod: dict = {"name": name, "focus": "domain", "active_projects": 3}
    roles = ["lead", "technologist", "analyst"] + ["technologist", "analyst"] * size
    people = []
    for i in range(size):
        role = roles[i]
        person: dict = {"name": f"P{index + 1}-{i + 1}", "pod": name, "roles": {role: 1.0},
                        "background": "mis" if role == "technologist" else "business-analysis",
                        "integration_training": True}
        people.append(person)
    if kind == "dual-role" and size >= 3:
        people[1]["roles"] = {"technologist": 0.5, "analyst": 0.5}
    elif kind == "no-analyst":
        for person in people:
            if "analyst" in person["roles"]:
                person["roles"] = {"technologist": 1.0}
            person["background"] = "software-engineering"
            person.pop("integration_training")
    elif kind == "no-lead":
        people[0]["roles"] = {"technologist": 0.5}
    elif kind == "oversize":
        pod["lead_load"] = "heavy"
    return pod, people


def unit(people: int) -> podcheck.Assessment:
    """A unit of `people` people in pods of seven (the last takes the rest), with the problems above."""
    sizes = [7] * (people // 7) + ([people % 7] if people % 7 else [])
    if len(sizes) > 1 and sizes[-1] < 3:  # a last pod of one or two joins the one before
        sizes[-2] += sizes.pop()
    pods, staff = [], []
    for index, size in enumerate(sizes):
        pod, members = _pod(index, size)
        pods.append(pod)
        staff += members
    return podcheck.parse_assessment({
        "schema": "podcheck/1", "organization": "Bench Co", "unit": f"{people} people", "assessed_on": "2026-11-27",
        "context": {"platform": "none", "process": "ad-hoc"}, "pods": pods, "people": staff,
        "answers": {"overlap-technology": 2, "lead-shields-pod": 1},
    })


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Milliseconds per call over n calls, after one warm-up call."""
    fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    """Plan each size, print a table of medians, ratios and the search size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,10,25,50,100,200")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        model = unit(size)
        result = assess(model)
        plan_ms = statistics.median(timed(lambda m=model, r=result: search_plan(m, result=r), args.repeat))
        assess_ms = statistics.median(timed(lambda m=model: assess(m), args.repeat))
        search = search_plan(model, result=result)
        structural = sum(1 for s in search.steps if s.changes)
        last = search.steps[structural - 1].projected if structural else None
        rows.append((size, len(model.pods), len(result.findings), plan_ms, assess_ms, search, structural, last))
    base = rows[0][3]
    print(f"{'people':>6} {'pods':>4} {'findings':>8} {'plan ms':>8} {'x first':>7} {'assess ms':>9} "
          f"{'x assess':>8} {'assessed':>8} {'candidates':>10} {'steps':>5} {'high left':>9}")
    for size, pods, findings, plan_ms, assess_ms, search, structural, last in rows:
        print(f"{size:>6} {pods:>4} {findings:>8} {plan_ms:>8.1f} {plan_ms / base:>7.1f} {assess_ms:>9.2f} "
              f"{plan_ms / assess_ms:>8.0f} {search.assessed:>8} {search.candidates:>10} {structural:>5} "
              f"{last.high if last else '-':>9}")


if __name__ == "__main__":
    main()
