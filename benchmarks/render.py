"""What one report costs, format by format, side by side in one run.

    .venv/bin/python benchmarks/render.py            # 100 reports per text format, 20 PDFs
    .venv/bin/python benchmarks/render.py --reports 200 --pdfs 40

Every bundled example is assessed once; the reports are then rendered round-robin over
the examples, so each format sees the same mix of small and large units. Times are
per report (median and mean) and as a ratio to the plain-text summary. The first render
of each format (template compilation, WeasyPrint's font setup) is measured separately.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import podcheck  # noqa: E402
from podcheck.render import html_to_pdf, render_html, render_markdown, render_text  # noqa: E402


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100, help="reports per text format (default 100)")
    parser.add_argument("--pdfs", type=int, default=20, help="PDFs to render (default 20)")
    args = parser.parse_args()

    units = []
    for path in sorted((ROOT / "assessments" / "examples").glob("*.yaml")):
        a = podcheck.load_assessment(path)
        units.append((a, podcheck.assess(a)))

    formats: dict[str, Callable[[podcheck.Assessment, podcheck.Result], object]] = {
        "text": lambda a, r: render_text(r),
        "md": lambda a, r: render_markdown(r, assessment=a),
        "html": lambda a, r: render_html(r, assessment=a),
        "pdf (html + WeasyPrint)": lambda a, r: html_to_pdf(render_html(r, assessment=a)),
    }
    first: dict[str, float] = {}
    samples: dict[str, list[float]] = {}
    for name, fn in formats.items():
        a, r = units[0]
        first[name] = timed(lambda fn=fn, a=a, r=r: fn(a, r))
        count = args.pdfs if name.startswith("pdf") else args.reports
        samples[name] = [timed(lambda fn=fn, a=a, r=r: fn(a, r))
                         for a, r in itertools.islice(itertools.cycle(units), count)]

    sizes = {"html": statistics.mean(len(render_html(r, assessment=a)) for a, r in units),
             "pdf": statistics.mean(len(html_to_pdf(render_html(r, assessment=a))) for a, r in units[:3])}
    base = statistics.median(samples["text"])
    print(f"{len(units)} example units; first render (compile/setup) then steady state per report\n")
    print(f"{'format':<26}{'n':>5}{'first ms':>10}{'median ms':>11}{'mean ms':>9}{'max ms':>9}{'× text':>9}")
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"{name:<26}{len(values):>5}{first[name] * 1000:>10.1f}{med * 1000:>11.2f}"
              f"{statistics.mean(values) * 1000:>9.2f}{max(values) * 1000:>9.1f}{med / base:>9.0f}")
    html_med = statistics.median(samples["html"])
    pdf_med = statistics.median(samples["pdf (html + WeasyPrint)"])
    print(f"\nPDF / HTML: {pdf_med / html_med:.0f}×  ·  {args.reports} HTML reports: "
          f"{sum(samples['html']):.2f} s in all  ·  mean sizes: html {sizes['html'] / 1024:.0f} KiB, "
          f"pdf {sizes['pdf'] / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
