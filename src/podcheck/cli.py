"""The command line: parses arguments, checks flags, calls the library, prints, maps errors to exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .catalog import SEVERITIES
from .errors import InputError
from .text import printable

if TYPE_CHECKING:
    from .batch import BatchOutcome, UnitOutcome

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podcheck",
        description="Assess a product integration team against the integration-team playbook: "
        "its scaling stage, scores, findings and prioritised recommendations.",
        epilog="Exit codes: 0 success; 1 findings at or above --fail-on, or some batch units failed; "
        "2 bad input or usage. Run `podcheck COMMAND --help` for each command.",
    )
    parser.add_argument("--version", action="version", version=f"podcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("assess", help="assess one unit from its assessment file",
                       description="Assess one unit and print or write the result.")
    p.add_argument("file", metavar="FILE", help="assessment file (YAML, schema podcheck/1)")
    p.add_argument("--format", "-f", choices=("text", "json", "html", "md", "pdf"), default="text",
                   help="text (default): terminal summary; json: the result object; html/md/pdf: the report")
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output (required for pdf)")
    p.add_argument("--rubric", metavar="FILE", help="YAML file overriding thresholds of the default rubric")
    p.add_argument("--fail-on", choices=SEVERITIES, metavar="SEVERITY",
                   help="exit 1 when a finding of this severity or higher is raised (high, medium or low)")
    p.add_argument("--previous", metavar="FILE",
                   help="an earlier result JSON or assessment file of the same unit, to report what changed")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size for pdf (default a4)")
    p.add_argument("--names", choices=("full", "initials", "roles"), default="full",
                   help="people's names as given (full, default), as initials, or as their roles, for a report "
                        "shared widely")

    p = sub.add_parser("batch", help="assess many units: files, folders or a spreadsheet",
                       description="Assess every unit, keep an executed notebook, result and reports per "
                       "unit under --out, and write a portfolio across them.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="assessment files, folders of them, or .xlsx/.csv rosters")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (one subfolder per unit)")
    p.add_argument("--jobs", "-j", type=int, default=None,
                   help="units run in parallel (default: from cores and free memory)")
    p.add_argument("--timeout", type=int, default=300, metavar="SECONDS", help="time limit per unit (default 300)")
    p.add_argument("--force", action="store_true", help="redo units whose input and podcheck version are unchanged")
    p.add_argument("--no-notebooks", action="store_true", help="assess and render in-process; no executed notebooks")
    p.add_argument("--formats", default="html,pdf",
                   help="reports per unit, comma-separated from html,md,pdf (default html,pdf)")
    p.add_argument("--facts", metavar="FILE", help="per-unit facts sheet for a .csv roster")
    p.add_argument("--rubric", metavar="FILE", help="YAML file overriding thresholds of the default rubric")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

    p = sub.add_parser("portfolio", help="compare units from result JSON or assessment files",
                       description="Write the portfolio report (HTML, CSV, JSON) across units.")
    p.add_argument("inputs", nargs="+", metavar="RESULT", help="result JSON files, assessment files, or folders")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--rubric", metavar="FILE", help="rubric for assessment files given directly")

    p = sub.add_parser("import", help="write one assessment YAML per unit from a spreadsheet roster",
                       description="Split a spreadsheet (one row per person, a `unit` column) into assessment files.")
    p.add_argument("spreadsheet", metavar="FILE", help=".xlsx or .csv roster")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the YAML files")
    p.add_argument("--facts", metavar="FILE", help="per-unit facts sheet for a .csv roster")

    p = sub.add_parser("questions", help="list the questionnaire bank")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")

    p = sub.add_parser("schema", help="print the JSON Schema of the assessment file (or, with --result, "
                       "of the result JSON)")
    p.add_argument("--result", action="store_true", help="the result object's schema instead")

    p = sub.add_parser("rules", help="list every rule with its id, severity and principles")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    return parser


def _emit(text: str | bytes, output: str | None) -> None:
    if output:
        from .files.atomic import write_atomic

        write_atomic(output, text)
        print(f"wrote {printable(output)}", file=sys.stderr)
    elif isinstance(text, bytes):
        sys.stdout.buffer.write(text)
    else:
        sys.stdout.write(text)


def _cmd_assess(args: argparse.Namespace) -> int:
    from .assess import assess
    from .files.assessment import load_assessment
    from .files.rubric import load_rubric
    from .render import render

    if args.format == "pdf" and not args.output:
        raise InputError.single("--output", "a PDF needs a file to go to: add -o report.pdf")
    if args.output:
        _refuse_overwriting_inputs(args.output, [args.file, args.rubric, args.previous])
    rubric = load_rubric(args.rubric) if args.rubric else None
    assessment = load_assessment(args.file)
    result = assess(assessment, rubric)
    previous = None
    if args.previous:
        from .files.results import load_previous

        previous = load_previous(args.previous, rubric)
    _emit(render(result, args.format, assessment=assessment, previous=previous, paper=args.paper, names=args.names),
          args.output)
    if args.fail_on:
        worst = SEVERITIES.index(args.fail_on)
        if any(SEVERITIES.index(f.severity) <= worst for f in result.findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _refuse_overwriting_inputs(output: str, inputs: Sequence[str | None]) -> None:
    """-o naming an input (by any path, symlink or hard link) would replace it with the report."""
    from .files.atomic import same_file

    for source in inputs:
        if source and same_file(output, source):
            raise InputError.single(output, f"-o names the input file {source}; writing there would replace it: "
                                    "choose another path")


def _cmd_batch(args: argparse.Namespace) -> int:
    """`podcheck batch INPUT... --out DIR`: exit 1 when any unit failed."""
    from .batch import BatchInterrupted, run_batch

    formats = _report_formats(args.formats)
    if "pdf" in formats:
        from .render import require_pdf

        require_pdf()  # without Pango: one line saying what to install, before any unit runs
    if args.timeout is not None and args.timeout <= 0:
        raise InputError.single("--timeout", "must be a positive number of seconds")
    if args.jobs is not None and args.jobs <= 0:
        raise InputError.single("--jobs", "must be at least 1")
    out = _out_folder(args.out)
    try:
        batch = run_batch(args.inputs, out, jobs=args.jobs, timeout=args.timeout, formats=formats,
                          rubric=args.rubric, facts=args.facts, force=args.force, notebooks=not args.no_notebooks,
                          progress=BatchProgress(quiet=args.quiet))
    except BatchInterrupted as stop:
        print(f"podcheck: batch interrupted; {stop.complete} of {stop.total} units have complete outputs in "
              f"{stop.out}; run the same command again to finish the rest", file=sys.stderr)
        raise
    if not args.quiet:
        print(unit_table(batch))
    print(batch_summary(batch))
    return EXIT_FINDINGS if batch.failed else EXIT_OK


def _out_folder(value: str) -> Path:
    """--out as a path: a folder, or nothing yet (it is made), never a file."""
    out = Path(value)
    if out.exists() and not out.is_dir():
        raise InputError.single(str(out), "is a file; --out needs a folder")
    return out


def _report_formats(text: str) -> tuple[str, ...]:
    """--formats as a tuple of report formats, in the order given, each once."""
    from .render import REPORT_FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in REPORT_FORMATS]
    if unknown:
        raise InputError.single("--formats", f"unknown report format '{unknown[0]}'; use any of "
                                f"{', '.join(REPORT_FORMATS)}, comma-separated")
    return chosen


class BatchProgress:
    """A batch on the terminal: a progress bar (on a terminal, unless quiet) and a line on standard error
    for each unit that fails, as it fails."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None

    def start(self, total: int) -> None:
        """Show the bar for this many units."""
        from tqdm import tqdm

        self.bar = tqdm(total=total, file=sys.stderr, unit="unit", desc="podcheck batch", leave=False,
                        disable=self.quiet or not sys.stderr.isatty(), dynamic_ncols=True)

    def unit_done(self, outcome: UnitOutcome) -> None:
        """Advance the bar; say why a failed unit failed."""
        if outcome.status == "failed":
            reason = outcome.reason or "failed"
            # A load error already starts with the file's name; anything else gets it in front.
            line = (f"podcheck: {reason}" if reason.startswith(outcome.unit.file + ":")
                    else f"podcheck: {outcome.unit.source}: {reason}")
            if self.bar is not None and not self.bar.disable:
                self.bar.write(line, file=sys.stderr)
            else:
                print(line, file=sys.stderr, flush=True)
        if self.bar is not None:
            self.bar.update()

    def close(self) -> None:
        """Take the bar off the terminal."""
        if self.bar is not None:
            self.bar.close()


def unit_table(batch: BatchOutcome) -> str:
    """A line per unit for the terminal: stage, score, findings by severity, and its main report."""
    rows = []
    for o in sorted(batch.outcomes, key=lambda o: o.unit.folder):
        if o.result is None:
            rows.append((o.unit.folder, "FAILED", "", "", o.reason or ""))
            continue
        r = o.result
        counts = f"{r.count('high')} high, {r.count('medium')} medium, {r.count('low')} low"
        report = o.files.get("html") or o.files.get("pdf") or o.files.get("json", "")
        score = f"{r.score:>3}" if r.score is not None else "not enough facts"
        rows.append((r.unit, f"{r.stage.level} {r.stage.name}", score, counts, str(batch.out / report)))
    width = [max(len(row[i]) for row in rows) for i in range(4)]
    head = ("unit", "stage", "score", "findings", "report")
    lines = [head, *rows]
    return "\n".join("  ".join(cell.ljust(width[i]) if i < 4 else cell for i, cell in enumerate(line))
                     .rstrip() for line in lines)


def batch_summary(batch: BatchOutcome) -> str:
    """One line: units ok (and how many were unchanged), failed, and where the portfolio is."""
    outcomes = batch.outcomes
    ok = sum(1 for o in outcomes if o.status in ("ok", "skipped"))
    skipped = sum(1 for o in outcomes if o.status == "skipped")
    failed = len(outcomes) - ok
    main = batch.portfolio.get("html") or next(iter(batch.portfolio.values()), batch.out)
    parts = [f"{ok} ok" + (f" ({skipped} unchanged, skipped)" if skipped else ""), f"{failed} failed"]
    units = f"{len(outcomes)} unit{'s' if len(outcomes) != 1 else ''}"
    return f"podcheck: {units}: {', '.join(parts)}; portfolio: {main}"


def _cmd_portfolio(args: argparse.Namespace) -> int:
    from .files.results import load_unit, portfolio_inputs
    from .files.rubric import load_rubric
    from .render.portfolio import Failure, write_portfolio_with_reports

    rubric = load_rubric(args.rubric) if args.rubric else None
    paths = portfolio_inputs(args.inputs)
    out = _out_folder(args.out)
    loaded = []
    failures: list[Failure] = []
    for path in paths:
        try:
            loaded.append(load_unit(path, rubric))
        except InputError as exc:
            for problem in exc.problems:
                print(f"podcheck: {problem}", file=sys.stderr)
            failures.append(Failure(path.name, exc.summary(), str(path)))
    files = write_portfolio_with_reports(loaded, out, failures)
    units = len(loaded)
    print(f"wrote {files['html']} ({units} unit{'s' if units != 1 else ''}"
          f"{f', {len(failures)} failed' if failures else ''}), {files['csv'].name}, {files['json'].name}",
          file=sys.stderr)
    return EXIT_FINDINGS if failures else EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    """`podcheck import ROSTER --out DIR`: one YAML file per unit; nothing is written if any unit is bad."""
    from .files.roster import import_roster

    written = import_roster(args.spreadsheet, args.facts, args.out)
    print(f"podcheck: wrote {len(written)} assessment file{'s' if len(written) != 1 else ''} to {Path(args.out)}",
          file=sys.stderr)
    return 0


def _cmd_questions(args: argparse.Namespace) -> int:
    from .catalog import questions

    bank = questions()
    if args.format == "json":
        print(json.dumps([q.model_dump() for q in bank], indent=2, ensure_ascii=False))
        return EXIT_OK
    for q in bank:
        print(f"{q.id}  [{q.dimension}; {', '.join(q.principles)}]\n  {q.text}\n"
              f"  1 = {q.low}\n  5 = {q.high}\n")
    print("Answer in the assessment file under `answers:`, e.g.  overlap-technology: {score: 4, note: \"...\"}")
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from .rules import registry

    metas = sorted(registry().meta.values(), key=lambda m: m.id)
    if args.format == "json":
        print(json.dumps([{**m.model_dump(), "severities": list(m.severities)} for m in metas],
                         indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max(len(m.id) for m in metas)
    # The severity column shows a range ("medium–high") for a rule that escalates some of its findings.
    sev = max(len(m.severity_range) for m in metas)
    for m in metas:
        print(f"{m.id:<{width}}  {m.severity_range:<{sev}}  {','.join(m.principles):<10}  {m.title}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema import assessment_schema_text, schema_text

    sys.stdout.write(schema_text() if args.result else assessment_schema_text())
    return EXIT_OK


COMMANDS = {
    "assess": _cmd_assess, "batch": _cmd_batch, "portfolio": _cmd_portfolio, "import": _cmd_import,
    "questions": _cmd_questions, "rules": _cmd_rules, "schema": _cmd_schema,
}


def _quiet_broken_pipe() -> int:
    # Output piped into `head` and the like: stop quietly.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def _os_error_line(exc: OSError) -> str:
    """A failed write as `PATH: cannot write: reason`.

    Input files are read through files.read_bounded, which raises InputError; an OSError that
    gets this far comes from writing: a folder that cannot be made, a disk that filled.
    """
    from .files.atomic import WriteError, plain_reason

    if isinstance(exc, WriteError):
        return str(exc)
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}cannot write: {plain_reason(exc)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `podcheck` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        for problem in exc.problems:
            print(f"podcheck: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return _quiet_broken_pipe()
        print(f"podcheck: {printable(_os_error_line(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("podcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
