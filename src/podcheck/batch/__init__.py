"""Assess many units: for each, an executed notebook, the result and reports in a folder of its own under
`out`; then the portfolio across them. `run_batch` is the whole of `podcheck batch` except the terminal: it
never prints, and tells a `Progress` how the units go.

    >>> from podcheck.batch import run_batch
    >>> batch = run_batch(["assessments/examples"], "reports", formats=("html",))
    >>> batch.failed, batch.portfolio["html"]

How a run goes:
1. Every input becomes units, each validated first (units.py); a bad one fails at once, costing no kernel.
2. The batch takes a lock on `out`: a second batch into the same folder fails at once (store.py).
3. A unit whose manifest matches the last run is skipped; `force` redoes it (runner.py, store.py).
4. The rest run in parallel: with notebooks, the playbook assembled into one notebook (playbook.py) runs
   through papermill (engine.py) on a pool of reused kernels (kernels.py); without, on worker processes.
5. Each unit is written into a temporary folder put in place only when whole (store.py).
6. The portfolio is written from every unit's result, with the failures and their reasons.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from ..compare import history_points
from ..errors import InputError
from ..files.rubric import load_rubric
from ..render import PAPERS, REPORT_FORMATS
from . import playbook, store
from .processes import usable_cores
from .runner import Progress, Settings, default_jobs, execute, terminate_as_interrupt
from .units import BatchUnit, UnitOutcome, collect_units

__all__ = ["BatchInterrupted", "BatchOutcome", "BatchUnit", "Progress", "UnitOutcome", "run_batch"]


@dataclasses.dataclass
class BatchOutcome:
    """What a finished batch made: every unit's outcome in input order, and the portfolio's files."""

    out: Path
    outcomes: list[UnitOutcome]
    portfolio: dict[str, Path]  # format → file

    @property
    def failed(self) -> list[UnitOutcome]:
        """The units that failed."""
        return [o for o in self.outcomes if o.status == "failed"]


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped (Ctrl-C, SIGTERM) before its end: the units whose folders are complete stay,
    and running the same batch again finishes the rest."""

    def __init__(self, out: Path, complete: int, total: int) -> None:
        super().__init__(f"{complete} of {total} units complete in {out}")
        self.out = out
        self.complete = complete
        self.total = total


def run_batch(inputs: Sequence[str | Path], out: str | Path, *, jobs: int | None = None, timeout: int = 300,
              formats: Sequence[str] = ("html", "pdf"), rubric: str | Path | None = None,
              facts: str | Path | None = None, force: bool = False, notebooks: bool = True,
              progress: Progress | None = None, paper: str = "a4") -> BatchOutcome:
    """Assess every unit of `inputs` (assessment files, folders of them, .csv/.xlsx rosters) into `out`.

    jobs: units run in parallel (None: from cores and free memory); timeout: seconds a unit may take;
    formats: reports per unit, from html, md, pdf; rubric: a YAML file overriding thresholds; facts: a
    per-unit facts sheet for a .csv roster; force: redo unchanged units; notebooks: run the playbook per
    unit (False: assess and render without kernels); progress: told of each unit as it is done; paper: a4 or
    letter, for the PDFs (the units' and the portfolio's).

    Every unit's result is also kept in `out/history/<unit folder>/<assessed_on>.json`, never overwriting an
    earlier date; a unit with two or more dates gets a trend in its reports and its change in the portfolio.

    A unit that fails is an outcome, never an exception. Raises InputError when the batch as a whole
    cannot run (no units, an unreadable rubric, another batch writing to `out`), BatchInterrupted when
    stopped, and ValueError for arguments out of range.
    """
    formats = tuple(formats)
    wrong = [f"format {f!r} (use {', '.join(REPORT_FORMATS)})" for f in formats if f not in REPORT_FORMATS]
    if paper not in PAPERS:
        wrong.append(f"paper {paper!r} (use {', '.join(PAPERS)})")
    wrong += [f"{name}={value} (must be positive)" for name, value in (("timeout", timeout), ("jobs", jobs))
              if value is not None and value <= 0]
    if wrong:
        raise ValueError(f"run_batch: {'; '.join(wrong)}")
    out = Path(out)
    rubric_text = Path(rubric).read_bytes() if rubric and Path(rubric).is_file() else None
    rules = load_rubric(rubric) if rubric else None
    units = collect_units(inputs, facts, jobs=jobs or usable_cores())
    if not units:
        raise InputError.single(" ".join(map(str, inputs)), "no units to assess")
    settings = Settings(out, formats, rules, rubric_text, notebooks=notebooks, timeout=timeout, paper=paper)
    if settings.notebooks:
        settings.notebook = playbook.combined_notebook()
        settings.notebook_digest = playbook.notebook_digest(settings.notebook)
    out.mkdir(parents=True, exist_ok=True)
    with store.locked(out):
        store.tidy(out)
        jobs = jobs or default_jobs(len(units), settings.notebooks)
        with terminate_as_interrupt():
            try:
                outcomes = execute(units, settings, jobs, force=force, progress=progress)
            except KeyboardInterrupt:
                store.tidy(out)
                complete = store.complete_units(out, [u.folder for u in units])
                raise BatchInterrupted(out, complete, len(units)) from None
        store.tidy(out)  # what a unit stopped by its time limit left
        portfolio = _portfolio(outcomes, settings)
    return BatchOutcome(out, outcomes, portfolio)


def _portfolio(outcomes: list[UnitOutcome], settings: Settings) -> dict[str, Path]:
    """Write the portfolio across every unit with a result, with each unit's history, listing the failures and
    their reasons."""
    from ..render.portfolio import LINK_KINDS as LINKED
    from ..render.portfolio import Failure, PortfolioEntry, write_portfolio

    entries = [PortfolioEntry(o.result, {k: v for k, v in o.files.items() if k in LINKED},
                              history=history_points(settings.earlier(o.unit)))
               for o in outcomes if o.result is not None]
    failures = [Failure(o.unit.assessment.unit if o.unit.assessment else o.unit.folder, o.reason or "failed",
                        o.unit.source) for o in outcomes if o.status == "failed"]
    return write_portfolio(entries, settings.out, failures=failures, paper=settings.paper,
                           formats=("html", "csv", "json", "xlsx", *(("pdf",) if "pdf" in settings.formats else ())))
