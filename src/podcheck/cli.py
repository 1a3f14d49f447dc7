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
    _report_flags(p)
    p.add_argument("--fail-on", choices=SEVERITIES, metavar="SEVERITY",
                   help="exit 1 when a finding of this severity or higher is raised (high, medium or low)")
    p.add_argument("--previous", metavar="FILE",
                   help="an earlier result JSON or assessment file of the same unit, to report what changed")
    p.add_argument("--history", metavar="DIR",
                   help="a folder keeping this unit's results, one per assessment date: the report shows the trend "
                   "over them, and this result is kept there too")

    p.add_argument("--names", choices=("full", "initials", "roles"), default="full",
                   help="people's names as given (full, default), as initials, or as their roles, for a report "
                        "shared widely")

    _survey_flags(p)

    p = sub.add_parser("what-if", help="assess a unit as it would be after a list of changes (the file is untouched)",
                       description="Apply the changes in CHANGES (a YAML list, e.g. `- {do: move-person, person: "
                       "Bo Chen, pod: ERP}`) in order to a copy of FILE and print the assessment of the result. "
                       "FILE is never written.")
    p.add_argument("file", metavar="FILE", help="assessment file (YAML, schema podcheck/1)")
    p.add_argument("changes", metavar="CHANGES", help="YAML list of changes (do: add-person, move-person, set-role…)")
    p.add_argument("--format", "-f", choices=("text", "json", "html", "md", "pdf"), default="text",
                   help="as for assess: text (default), json (the result object), html/md/pdf (the report)")
    _report_flags(p)

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
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="paper size for the PDFs, the units' and the portfolio's (default a4)")

    p = sub.add_parser("portfolio", help="compare units from result JSON or assessment files",
                       description="Write the portfolio report (HTML, CSV, JSON) across units.")
    p.add_argument("inputs", nargs="+", metavar="RESULT", help="result JSON files, assessment files, or folders")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--rubric", metavar="FILE", help="rubric for assessment files given directly")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size for printing (default a4)")

    p = sub.add_parser("import", help="write one assessment YAML per unit from a spreadsheet roster",
                       description="Split a spreadsheet (one row per person, a `unit` column) into assessment files.")
    p.add_argument("spreadsheet", metavar="FILE", help=".xlsx or .csv roster")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the YAML files")
    p.add_argument("--facts", metavar="FILE", help="per-unit facts sheet for a .csv roster")

    p = sub.add_parser("history", help="bring earlier result JSON files into a unit's history folder",
                       description="Keep earlier results of one unit in a history folder, one file per assessment "
                       "date (OUT/history/<unit folder> in a batch's --out, or the folder given to assess --history).")
    hist = p.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    h = hist.add_parser("import", help="copy result JSON files into the history folder, each under its date")
    h.add_argument("results", nargs="+", metavar="RESULT", help="result JSON files of one unit")
    h.add_argument("--history", required=True, metavar="DIR", help="the unit's history folder")

    p = sub.add_parser("action", help="add an action to an assessment file",
                       description="Add an action (what the team agreed to do, with owner, due date and the "
                       "findings it should resolve) to the assessment file's `actions:`.")
    act = p.add_subparsers(dest="action_command", metavar="ACTION", required=True)
    a = act.add_parser("add", help="add one action")
    a.add_argument("file", metavar="FILE", help="assessment file (YAML)")
    a.add_argument("--title", help="what will be done, in a line (required unless --step gives it)")
    a.add_argument("--owner", help="who sees it done")
    a.add_argument("--due", metavar="YYYY-MM-DD", help="when it should be done by")
    a.add_argument("--status", choices=("open", "done", "dropped"), default="open")
    a.add_argument("--finding", action="append", default=[], metavar="ID[@POD]",
                   help="a finding it should resolve, e.g. dual-role.analyst-technologist@CRM (repeatable)")
    a.add_argument("--from-step", type=int, metavar="N", help="the plan step it was accepted from")
    a.add_argument("--step", type=int, metavar="N",
                   help="accept step N of the unit's plan as it stands: its title and the findings it works on "
                   "become the action's (--title and --finding override them)")

    p = sub.add_parser("questions", help="list the questionnaire bank, or print it as a handout (md, html, pdf)")
    p.add_argument("--format", "-f", choices=("text", "json", "md", "html", "pdf"), default="text",
                   help="text (default) or json: the bank; md, html or pdf: a handout for the room")
    _handout_flags(p)

    p = sub.add_parser("schema", help="print the JSON Schema of the assessment file (or, with --result, "
                       "of the result JSON)")
    p.add_argument("--result", action="store_true", help="the result object's schema instead")

    p = sub.add_parser("rules", help="list every rule with its id, severity and principles")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text")
    _room_commands(sub)
    return parser


def _handout_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output (required for pdf)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size for html and pdf (default a4)")


def _room_commands(sub: Any) -> None:
    """The commands that prepare an assessment and its workshop: survey, role-cards, init."""
    p = sub.add_parser("survey", help="write a unit's survey form for its members to fill in alone",
                       description="Write the unit's questionnaire as a workbook (one row per respondent) and a "
                       "printable form. Fill it in, then: podcheck assess FILE --responses WORKBOOK.")
    p.add_argument("file", metavar="FILE", help="the unit's assessment file")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the form (made if missing)")
    p.add_argument("--formats", default="xlsx,html,pdf",
                   help="comma-separated from xlsx,html,pdf (default all three)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size of the printable form")

    p = sub.add_parser("role-cards", help="print a card per role (lead, technologist, analyst) for the workshop")
    p.add_argument("--format", "-f", choices=("md", "html", "pdf"), default="md")
    _handout_flags(p)

    p = sub.add_parser("init", help="start a new assessment file from a commented template, or from a roster",
                       description="Write a commented assessment template that lists every field and its "
                       "allowed values (it assesses as is, to 'not enough facts'), or convert a one-unit roster "
                       "with --from; with --roster, write a blank roster workbook instead.")
    p.add_argument("file", metavar="FILE", help="the file to write (.yaml; .xlsx with --roster)")
    p.add_argument("--from", dest="roster", metavar="ROSTER", help="a roster (.xlsx or .csv) of one unit to convert")
    p.add_argument("--roster", dest="blank_roster", action="store_true",
                   help="write a blank roster workbook (people and facts sheets, drop-down lists) at FILE")
    p.add_argument("--facts", metavar="FILE", help="per-unit facts sheet for a .csv roster given with --from")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")


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
    from .files.assessment import load_assessment
    from .files.rubric import load_rubric
    from .render import render

    if args.format == "pdf" and not args.output:
        raise InputError.single("--output", "a PDF needs a file to go to: add -o report.pdf")
    if args.output:
        _refuse_overwriting_inputs(args.output, [args.file, args.rubric, args.previous, args.responses])
    rubric = load_rubric(args.rubric) if args.rubric else None
    assessment = load_assessment(args.file)
    result = _assess_with_responses(args, assessment, rubric)
    previous = None
    if args.previous:
        from .files.results import load_previous

        previous = load_previous(args.previous, rubric)
    earlier: list[Any] = []
    if args.history:
        earlier = _load_history(Path(args.history), result.unit)
    _emit(render(result, args.format, assessment=assessment, previous=previous, paper=args.paper, history=earlier,
                 names=args.names),
          args.output)
    if args.history:
        from .files.history import record

        record(Path(args.history), result)
    if args.fail_on:
        worst = SEVERITIES.index(args.fail_on)
        if any(SEVERITIES.index(f.severity) <= worst for f in result.findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _cmd_what_if(args: argparse.Namespace) -> int:
    """`podcheck what-if FILE CHANGES`: the assessment after the changes, said to be a what-if."""
    from .assess import assess
    from .files.changes import what_if
    from .files.rubric import load_rubric
    from .plan import assess_with_plan
    from .render import render

    if args.format == "pdf" and not args.output:
        raise InputError.single("--output", "a PDF needs a file to go to: add -o report.pdf")
    if args.output:
        _refuse_overwriting_inputs(args.output, [args.file, args.changes, args.rubric])
    rubric = load_rubric(args.rubric) if args.rubric else None
    scenario = what_if(args.file, args.changes)
    before = assess(scenario.before, rubric)
    after = assess_with_plan(scenario.after, rubric)
    # A PDF is laid out from the HTML report, so the what-if is framed in the HTML first.
    shown = "html" if args.format == "pdf" else args.format
    report = render(after, shown, assessment=scenario.after, paper=args.paper)
    if args.format != "json":  # the JSON stays the contract's result object, nothing added
        report = _framed_as_what_if(str(report), shown, args.file, args.changes,
                                    [c.description for c in scenario.changes], before, after)
    if args.format == "pdf":
        from .render import html_to_pdf

        report = html_to_pdf(str(report))
    _emit(report, args.output)
    return EXIT_OK


def _framed_as_what_if(report: str, fmt: str, file: str, changes_file: str, changes: list[str],
                       before: Any, after: Any) -> str:
    """The report opened by what it is: a what-if, the changes tried, FILE unchanged, before and after."""
    from markupsafe import escape

    def counts(r: Any) -> str:
        return ", ".join(f"{r.count(s)} {s}" for s in SEVERITIES)

    def score(r: Any) -> str:
        return "not scored" if r.score is None else f"score {r.score}"

    head = f"What if: {file} after {len(changes)} change{'s' if len(changes) != 1 else ''} from {changes_file}"
    unchanged = f"{file} is unchanged: this is the unit as it would be, not as it is."
    compared = (f"Before: stage {before.stage.level} ({before.stage.name}), {score(before)}, {counts(before)}. "
                f"After: stage {after.stage.level} ({after.stage.name}), {score(after)}, {counts(after)}.")
    if fmt == "text":
        listed = "".join(f"  {i}. {printable(c)}\n" for i, c in enumerate(changes, 1)) or "  (no changes)\n"
        return f"{printable(head)}\n{listed}{printable(unchanged)}\n{compared}\n\n{report}"
    if fmt == "md":
        from .render.filters import md_escape as md

        listed = "".join(f"{i}. {md(c)}\n" for i, c in enumerate(changes, 1)) or "No changes.\n"
        block = f"\n## {md(head)}\n\n{listed}\n{md(unchanged)} {md(compared)}\n"
        title_end = report.find("\n", report.find("# ")) + 1 if "# " in report else 0
        return report[:title_end] + block + report[title_end:]
    # html and pdf: a section at the top of the report's main part, in the style of a comparison.
    listed = "".join(f"<li>{escape(c)}</li>" for c in changes) or "<li>No changes.</li>"
    section = (f'<section class="changes" id="what-if"><h2>{escape(head)}</h2><ol>{listed}</ol>'
               f"<p><b>{escape(unchanged)}</b> {escape(compared)}</p></section>\n")
    import re

    # At the top of the report's main part (or of its body, should a template have no <main>).
    opening = re.search(r"<main\b[^>]*>\n?", report) or re.search(r"<body\b[^>]*>\n?", report)
    at = opening.end() if opening else 0
    return (report[:at] + section + report[at:]).replace("<title>", "<title>What if: ", 1)


def _load_history(folder: Path, unit: str) -> list[Any]:
    """A unit's kept results for --history (a file that cannot be read is named on standard error and skipped);
    exit 2 when the folder is a file or keeps another unit's results."""
    from .files.history import load_history

    if folder.exists() and not folder.is_dir():
        raise InputError.single(str(folder), "is a file; --history needs a folder (it is made if missing)")
    kept, problems = load_history(folder)
    for problem in problems:
        print(f"podcheck: {problem}; skipped", file=sys.stderr)
    others = sorted({r.unit for r in kept if r.unit != unit})
    if others:
        raise InputError.single(str(folder), f"keeps results of unit {others[0]!r}, not {unit!r}; give each unit "
                                "its own history folder", code="history")
    return kept


def _cmd_history(args: argparse.Namespace) -> int:
    """`podcheck history import RESULT... --history DIR`."""
    from .files.history import import_results

    folder = Path(args.history)
    if folder.exists() and not folder.is_dir():
        raise InputError.single(str(folder), "is a file; --history needs a folder (it is made if missing)")
    written = import_results(args.results, folder)
    print(f"podcheck: kept {len(written)} result{'s' if len(written) != 1 else ''} in {printable(folder)}: "
          f"{', '.join(p.stem for p in written)}", file=sys.stderr)
    return EXIT_OK


def _cmd_action(args: argparse.Namespace) -> int:
    """`podcheck action add FILE --title ...`: the file is validated with the action added, then rewritten."""
    from .files.actions import add_action

    title, from_step, refs = args.title, args.from_step, []
    if args.step is not None:
        step = _plan_step(args.file, args.step)
        title = title or step.title.rstrip(".")
        from_step = args.step
        refs = [{"id": f.id, **({"pod": f.pod} if f.pod else {})} for f in (step.addresses or step.resolves)]
    if not title:
        raise InputError.single("--title", "an action needs a title: give --title, or --step N to take a plan step's")
    action: dict[str, Any] = {"title": title, "owner": args.owner, "due": args.due,
                              "status": None if args.status == "open" else args.status, "from_step": from_step}
    if args.finding:
        refs = []
        for text in args.finding:
            rule, _, pod = text.partition("@")
            refs.append({"id": rule.strip(), **({"pod": pod.strip()} if pod.strip() else {})})
    action["findings"] = list({(r["id"], r.get("pod")): r for r in refs}.values())
    index = add_action(Path(args.file), {k: v for k, v in action.items() if v not in (None, [])})
    print(f"podcheck: {printable(args.file)}: added actions[{index}]", file=sys.stderr)
    return EXIT_OK


def _plan_step(file: str, number: int) -> Any:
    """Step `number` of the unit's plan as podcheck assess gives it now, or one line saying which steps exist."""
    from .files.assessment import load_assessment
    from .plan import assess_with_plan

    plan = assess_with_plan(load_assessment(file)).plan
    found = next((s for s in plan if s.step == number), None)
    if found is None:
        have = f"steps 1 to {len(plan)}" if plan else "no steps"
        raise InputError.single("--step", f"the plan of {printable(file)} has {have}, not step {number}")
    return found


def _report_flags(p: argparse.ArgumentParser) -> None:
    """Where a unit's report goes, which rubric it is judged by and its paper: `assess` and `what-if` alike."""
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output (required for pdf)")
    p.add_argument("--rubric", metavar="FILE", help="YAML file overriding thresholds of the default rubric")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size for pdf (default a4)")


def _survey_flags(p: argparse.ArgumentParser) -> None:
    """`assess --responses FILE`: the team's survey answers (contract 5.5)."""
    p.add_argument("--responses", metavar="FILE",
                   help="survey responses (.csv or .xlsx, one anonymous row per respondent) to add to the file's "
                        "answers; overrides `responses:` in the assessment file")


def _assess_with_responses(args: argparse.Namespace, assessment: Any, rubric: Any) -> Any:
    """The unit assessed with its survey: --responses, else the file's `responses:`, else none."""
    from .files.responses import load_survey
    from .survey import assess_with_survey

    survey = load_survey(assessment, args.file, args.responses, rubric)
    return assess_with_survey(assessment, survey, rubric)


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
                          progress=BatchProgress(quiet=args.quiet), paper=args.paper)
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
    files = write_portfolio_with_reports(loaded, out, failures, paper=args.paper)
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

    if args.format in ("md", "html", "pdf"):
        from .render.worksheets import questions_handout

        return _write_handout(args, lambda fmt: questions_handout(fmt, args.paper))
    bank = questions()
    if args.format == "json":
        print(json.dumps([q.model_dump() for q in bank], indent=2, ensure_ascii=False))
        return EXIT_OK
    for q in bank:
        print(f"{q.id}  [{q.dimension}; {', '.join(q.principles)}]\n  {q.text}\n"
              f"  1 = {q.low}\n  5 = {q.high}\n")
    print("Answer in the assessment file under `answers:`, e.g.  overlap-technology: {score: 4, note: \"...\"}")
    return EXIT_OK


def _write_handout(args: argparse.Namespace, make: Any) -> int:
    """A handout in args.format to -o or standard output (a PDF needs -o)."""
    if args.format == "pdf" and not args.output:
        raise InputError.single("--output", "a PDF needs a file to go to: add -o handout.pdf")
    if args.format == "pdf":
        from .render import require_pdf

        require_pdf()
    _emit(make(args.format), args.output)
    return EXIT_OK


def _cmd_role_cards(args: argparse.Namespace) -> int:
    from .render.worksheets import role_cards_handout

    return _write_handout(args, lambda fmt: role_cards_handout(fmt, args.paper))


SURVEY_FORMATS = ("xlsx", "html", "pdf")


def _cmd_survey(args: argparse.Namespace) -> int:
    """`podcheck survey FILE --out DIR`: the unit's survey workbook and printable form."""
    from .files.assessment import load_assessment
    from .files.atomic import safe_name, write_atomic
    from .files.workbooks import write_survey_workbook
    from .render.worksheets import survey_form
    from .survey import survey_questions

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in args.formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in SURVEY_FORMATS]
    if unknown or not chosen:
        raise InputError.single("--formats", f"unknown form format '{unknown[0] if unknown else ''}'; use any of "
                                f"{', '.join(SURVEY_FORMATS)}, comma-separated")
    if "pdf" in chosen:
        from .render import require_pdf

        require_pdf()
    assessment = load_assessment(args.file)
    bank = survey_questions(assessment)
    out = _out_folder(args.out)
    stem = f"{safe_name(assessment.unit)}-survey"
    written = []
    for fmt in chosen:
        path = out / f"{stem}.{fmt}"
        if fmt == "xlsx":
            written.append(write_survey_workbook(path, assessment.organization, assessment.unit, bank))
        else:
            written.append(write_atomic(path, survey_form(assessment.organization, assessment.unit, bank, fmt,
                                                          args.paper)))
    print(f"podcheck: wrote {', '.join(printable(str(p)) for p in written)} ({len(bank)} questions); "
          f"once filled in: podcheck assess {printable(args.file)} --responses {printable(str(written[0]))}",
          file=sys.stderr)
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    """`podcheck init FILE`: a commented template, a converted roster (--from), or a blank roster (--roster)."""
    from .files.atomic import write_atomic
    from .files.template import assessment_template, refuse_existing, roster_assessment

    target = Path(args.file)
    refuse_existing(target, args.force)
    if args.blank_roster:
        from .files.workbooks import blank_roster

        if args.roster:
            raise InputError.single("--roster", "writes a blank roster; it cannot be combined with --from")
        if target.suffix.lower() != ".xlsx":
            raise InputError.single(str(target), "a blank roster is a workbook: name it with .xlsx")
        write_atomic(target, blank_roster())
        print(f"podcheck: wrote {printable(str(target))}; fill in the people and facts sheets, then "
              f"podcheck import {printable(str(target))} --out DIR", file=sys.stderr)
        return EXIT_OK
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise InputError.single(str(target), "an assessment file is YAML: name it with .yaml (or use --roster "
                                "for a blank roster workbook)")
    from .schema import ASSESSMENT_SCHEMA_FILE

    schema = ASSESSMENT_SCHEMA_FILE.resolve().as_uri()  # the installed copy, which `podcheck schema` prints
    text = roster_assessment(schema, args.roster, args.facts) if args.roster else assessment_template(schema)
    write_atomic(target, text)
    print(f"podcheck: wrote {printable(str(target))}; fill it in, then podcheck assess {printable(str(target))}",
          file=sys.stderr)
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
    "questions": _cmd_questions, "rules": _cmd_rules, "schema": _cmd_schema, "history": _cmd_history,
    "action": _cmd_action, "what-if": _cmd_what_if, "survey": _cmd_survey, "role-cards": _cmd_role_cards,
    "init": _cmd_init,
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
