"""History and portfolio at scale: 1,000 units with four assessments each.

    .venv/bin/python benchmarks/history.py                    # 1,000 units x 4 assessments
    .venv/bin/python benchmarks/history.py --units 200 --pdf  # also the portfolio PDF, timed apart

Setup (not timed): the ten bundled examples are assessed on four dates, each result copied under 1,000 unit names
into OUT/history/<unit>/<assessed_on>.json, as batches keep them. Then, timed, what a batch does with history once
its units are assessed:
(a) history: every unit's kept results read back and its trend computed (load_history + compare.trend);
(b) reports: every unit's HTML report drawn with its trend section;
(c) portfolio: portfolio.html, .csv, .json and .xlsx across all units, each with its change since the previous
    assessment (what batch writes at the top of --out, PDF aside);
(d) with --pdf, the portfolio PDF.
Peak memory is the process's peak resident size (getrusage), printed with the size before the timed part.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import podcheck  # noqa: E402
from podcheck.compare import history_points, trend  # noqa: E402
from podcheck.files.history import load_history, record  # noqa: E402
from podcheck.render import render_html  # noqa: E402
from podcheck.render.portfolio import PortfolioEntry, write_portfolio  # noqa: E402

DATES = ("2025-05-01", "2025-11-01", "2026-05-01", "2026-11-01")


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(out: Path, units: int) -> list[str]:
    """Write `units` history folders of four results each; returns the unit folder names."""
    examples = sorted((ROOT / "assessments" / "examples").glob("*.yaml"))
    base = []
    for path in examples:
        a = podcheck.load_assessment(path)
        for day in DATES:
            base.append(podcheck.assess(a.model_copy(update={"assessed_on": a.assessed_on.fromisoformat(day)})))
    names = []
    for i in range(units):
        name = f"unit-{i:04d}"
        names.append(name)
        picks = [base[(i % len(examples)) * len(DATES) + d] for d in range(len(DATES))]
        for r in picks:
            record(out / "history" / name, r.model_copy(update={"unit": f"Unit {i:04d}"}))
    return names


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--pdf", action="store_true", help="also lay out the portfolio PDF (timed apart)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        names = setup(out, args.units)
        print(f"setup: {args.units} units x {len(DATES)} results written in {time.perf_counter() - started:.1f} s")
        before = peak_mib()

        t0 = time.perf_counter()
        entries, trends = [], 0
        reports = out / "reports"
        reports.mkdir()
        html_seconds = 0.0
        for name in names:
            kept, problems = load_history(out / "history" / name)
            assert not problems and len(kept) == len(DATES)
            latest, earlier = kept[-1], kept[:-1]
            trends += trend(kept) is not None
            h0 = time.perf_counter()
            (reports / f"{name}.html").write_text(render_html(latest, history=earlier), encoding="utf-8")
            html_seconds += time.perf_counter() - h0
            entries.append(PortfolioEntry(latest, history=history_points(earlier)))
        t1 = time.perf_counter()
        files = write_portfolio(entries, out, formats=("html", "csv", "json", "xlsx"))
        t2 = time.perf_counter()
        history_seconds = (t1 - t0) - html_seconds
        print(f"(a) history read + trends for {args.units} units ({trends} with a trend): {history_seconds:.1f} s")
        print(f"(b) unit HTML reports with the trend section: {html_seconds:.1f} s "
              f"({html_seconds / args.units * 1000:.1f} ms each)")
        sizes = {k: files[k].stat().st_size / 1024 for k in ("xlsx", "html")}
        print(f"(c) portfolio html/csv/json/xlsx: {t2 - t1:.1f} s "
              f"(xlsx {sizes['xlsx']:.0f} KiB, html {sizes['html']:.0f} KiB)")
        print(f"total (a)+(b)+(c): {t2 - t0:.1f} s; peak memory {peak_mib():.0f} MiB (before the timed part "
              f"{before:.0f} MiB)")
        if args.pdf:
            from podcheck.render.pdf import html_to_pdf

            t3 = time.perf_counter()
            pdf = html_to_pdf(files["html"].read_text(encoding="utf-8"))
            print(f"(d) portfolio PDF: {time.perf_counter() - t3:.1f} s, {len(pdf) / 1024:.0f} KiB; "
                  f"peak memory now {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
