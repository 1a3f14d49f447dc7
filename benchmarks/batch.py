"""Batch speed, side by side in one run, on the same synthetic units.

    .venv/bin/python benchmarks/batch.py                # 12 units; 1,000 for --no-notebooks
    .venv/bin/python benchmarks/batch.py --units 24 --many 2000
    .venv/bin/python benchmarks/batch.py --examples     # `make report`'s batch (HTML only) vs papermill

--examples: the ten bundled examples as `make report` runs them, HTML only, against the papermill loop
over the same notebook and parameters; the two alternate, --repeat times (default 3), and the ratio of
the medians is the figure.

(a) a shell loop calling the `papermill` command once per unit on the notebook the batch runs
    (the six playbook notebooks combined), writing result.json and the HTML report;
(b) `podcheck batch` (notebooks, parallel units on reused kernels), same outputs;
(c) `podcheck batch --no-notebooks`, same outputs;
then PDFs timed apart, and (c) on --many units with its peak memory (/usr/bin/time -v, or
getrusage of the children where that tool is missing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "assessments" / "examples"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from podcheck import batch  # noqa: E402
from podcheck.files.safe_yaml import read_yaml_mapping  # noqa: E402


def scaled(data: dict, copies: int, index: int) -> dict:
    """One example with its pods (and their people) repeated `copies` times: a bigger unit of the same shape."""
    out = json.loads(json.dumps(data, default=str))
    out["unit"] = f"{data['unit']} {index:04d}"
    if copies == 1:
        return out
    pods, people = [], []
    for n in range(copies):
        suffix = "" if n == 0 else f" {n + 1}"
        pods += [{**pod, "name": pod["name"] + suffix} for pod in data["pods"]]
        for person in data["people"]:
            copy = {**person, "name": person["name"] + suffix}
            if "pod" in person:
                copy["pod"] = person["pod"] + suffix
            if "reports_to" in person:
                copy["reports_to"] = person["reports_to"] + suffix
            if n and person["name"] == data.get("head_of_integration"):
                continue  # one head for the whole unit
            if n and data.get("head_of_integration") and person.get("reports_to") == data["head_of_integration"]:
                copy["reports_to"] = person["reports_to"]
            people.append(copy)
    out["pods"], out["people"] = pods, people
    return out


def make_units(folder: Path, count: int) -> list[Path]:
    """`count` unit files cycling through the examples at sizes ×1, ×2 and ×3."""
    folder.mkdir(parents=True, exist_ok=True)
    examples = [read_yaml_mapping(p)[0] for p in sorted(EXAMPLES.glob("*.yaml"))]
    files = []
    for i in range(count):
        data = scaled(examples[i % len(examples)], 1 + i % 3, i)
        path = folder / f"unit-{i:04d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files.append(path)
    return files


def tree_rss(root: psutil.Process) -> int:
    """Resident memory of a process and all its descendants (kernels, workers), summed."""
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def timed(command: list[str] | str, shell: bool = False) -> tuple[float, int, int]:
    """Wall time of a command; peak memory of its largest process (/usr/bin/time -v) and of all its
    processes together (sampled every 50 ms; shared pages of forked workers count once per process)."""
    if shutil.which("/usr/bin/time") and not shell:
        command = ["/usr/bin/time", "-v", *command]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, shell=shell, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True,
                                executable="/bin/bash" if shell else None)
        root, tree = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            tree = max(tree, tree_rss(root))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {str(command)[:200]}\n{stderr[-3000:]}")
    largest = 0
    for line in stderr.splitlines():
        if "Maximum resident set size" in line:
            largest = int(line.split(":")[1]) * 1024
    if not largest:
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return seconds, largest, max(tree, largest)


def check_outputs(out: Path, units: int, notebooks: bool, formats: tuple[str, ...] = ("html",)) -> None:
    """Every unit has its result.json and reports (and notebook): the runs did the same work."""
    folders = [p for p in out.iterdir() if p.is_dir() and (p / "result.json").is_file()]
    assert len(folders) == units, f"{out}: {len(folders)} of {units} units"
    for folder in folders:
        names = {p.suffix for p in folder.iterdir()}
        assert all(f".{fmt}" in names for fmt in formats), folder
        assert (".ipynb" in names) == notebooks, folder


def papermill_loop(files: list[Path], notebook: Path, out: Path) -> str:
    """(a): the shell loop a user would write, one papermill command per unit."""
    lines = ["set -e"]
    for path in files:
        unit_out = out / path.stem
        lines.append(f"mkdir -p {unit_out} && {BIN / 'papermill'} --log-level ERROR --no-progress-bar {notebook} "
                     f"{unit_out / 'playbook.ipynb'} -p assessment_file {path} -p output_dir {unit_out} "
                     f"-y 'formats: [html]' --cwd {unit_out}")
    return "\n".join(lines)


def examples(repeat: int) -> int:
    """`make report`'s batch on the ten bundled examples (HTML only) against the papermill loop, alternating."""
    files = sorted(EXAMPLES.glob("*.yaml"))
    work = Path(tempfile.mkdtemp(prefix="podcheck-bench-"))
    loop, batch_runs = [], []
    try:
        notebook = work / "playbook-combined.ipynb"
        notebook.write_text(json.dumps(batch.combined_notebook()), encoding="utf-8")
        for n in range(repeat):
            out = work / f"a{n}"
            loop.append(timed(papermill_loop(files, notebook, out), shell=True)[0])
            check_outputs(out, len(files), notebooks=True)
            out = work / f"b{n}"
            # The command `make report` runs, with --formats html.
            batch_runs.append(timed([str(BIN / "podcheck"), "batch", "assessments/examples", "--out", str(out),
                                     "--formats", "html", "-q"])[0])
            check_outputs(out, len(files), notebooks=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(files)
    print(f"{n} bundled examples, HTML only, {repeat} runs of each, alternating; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| run | units | seconds (each run) | median s | s per unit |\n| --- | ---: | --- | ---: | ---: |")
    for name, runs in (("(a) shell loop, papermill per unit", loop), ("(b) podcheck batch (make report)", batch_runs)):
        print(f"| {name} | {n} | {', '.join(f'{t:.2f}' for t in runs)} | {statistics.median(runs):.2f} | "
              f"{statistics.median(runs) / n:.3f} |")
    ratios = [a / b for a, b in zip(loop, batch_runs, strict=True)]
    print(f"\n(a)/(b): podcheck batch is {statistics.median(loop) / statistics.median(batch_runs):.1f}× faster than "
          f"the papermill loop (each pair: {', '.join(f'{r:.1f}×' for r in ratios)}; target ≥ 5×)")
    return 0


def main() -> int:
    """Run the comparison and print a table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=12, help="units for (a), (b), (c) (default 12)")
    parser.add_argument("--many", type=int, default=1000, help="units for the large --no-notebooks run")
    parser.add_argument("--examples", action="store_true", help="only the ten bundled examples, as make report")
    parser.add_argument("--repeat", type=int, default=3, help="with --examples: runs of each (default 3)")
    args = parser.parse_args()
    if args.examples:
        return examples(args.repeat)
    work = Path(tempfile.mkdtemp(prefix="podcheck-bench-"))
    try:
        files = make_units(work / "units", args.units)
        podcheck = [str(BIN / "podcheck"), "batch", str(work / "units"), "-q"]
        notebook = work / "playbook-combined.ipynb"
        notebook.write_text(json.dumps(batch.combined_notebook()), encoding="utf-8")

        rows = []
        measured = timed(papermill_loop(files, notebook, work / "a"), shell=True)
        check_outputs(work / "a", len(files), notebooks=True)
        rows.append(("(a) shell loop, papermill per unit", *measured))
        measured = timed([*podcheck, "--out", str(work / "b"), "--formats", "html"])
        check_outputs(work / "b", len(files), notebooks=True)
        rows.append(("(b) podcheck batch", *measured))
        measured = timed([*podcheck, "--out", str(work / "c"), "--formats", "html", "--no-notebooks"])
        check_outputs(work / "c", len(files), notebooks=False)
        rows.append(("(c) podcheck batch --no-notebooks", *measured))
        measured = timed([*podcheck, "--out", str(work / "d"), "--formats", "html,pdf"])
        check_outputs(work / "d", len(files), notebooks=True, formats=("html", "pdf"))
        rows.append(("(b) with PDF: --formats html,pdf", *measured))
        measured = timed([*podcheck, "--out", str(work / "e"), "--formats", "html,pdf", "--no-notebooks"])
        check_outputs(work / "e", len(files), notebooks=False, formats=("html", "pdf"))
        rows.append(("(c) with PDF: --formats html,pdf --no-notebooks", *measured))

        shutil.rmtree(work / "units")
        make_units(work / "many", args.many)
        measured = timed([str(BIN / "podcheck"), "batch", str(work / "many"), "-q", "--out", str(work / "f"),
                          "--formats", "html", "--no-notebooks"])
        check_outputs(work / "f", args.many, notebooks=False)
        many = (f"(c) {args.many} units --no-notebooks", *measured)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = len(files)
    print(f"{n} units (examples at sizes ×1–×3), {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}\n")
    mb = 2**20
    print("| run | units | seconds | s per unit | peak MB, largest process | peak MB, all processes |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, seconds, largest, tree in rows:
        print(f"| {name} | {n} | {seconds:.2f} | {seconds / n:.3f} | {largest / mb:.0f} | {tree / mb:.0f} |")
    print(f"| {many[0]} | {args.many} | {many[1]:.2f} | {many[1] / args.many:.4f} | {many[2] / mb:.0f} | "
          f"{many[3] / mb:.0f} |")
    a, b, c = rows[0][1], rows[1][1], rows[2][1]
    print(f"\n(a)/(b): podcheck batch is {a / b:.1f}× faster than the papermill loop (target ≥ 5×)")
    print(f"(a)/(c) per unit: --no-notebooks is {a / c:.0f}× faster on {n} units, "
          f"{(a / n) / (many[1] / args.many):.0f}× per unit on {args.many} (target ≥ 200×)")
    print(f"{args.many} units --no-notebooks: {many[1]:.1f} s (target < 60 s), peak {many[3] / mb:.0f} MB for all "
          "its processes together (target < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
