"""Shared fixtures for the report tests: every example (and one hostile unit) rendered once per session."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

import podcheck
from podcheck.render import html_to_pdf, render_html, render_markdown
from podcheck.result import Result

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "assessments" / "examples"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# A pod name with Markdown table and emphasis marks, and HTML: it must come out as plain text everywhere.
ODD_POD = "Pod | <b>bold</b> & *stars* [link](http://x)"

HOSTILE = {
    "schema": "podcheck/1",
    "organization": IMG,
    "unit": SCRIPT,
    "assessed_on": "2026-11-20",
    "context": {"platform": "none", "backlog": {"open": 10, "added_per_quarter": 6, "delivered_per_quarter": 2}},
    "pods": [{"name": ODD_POD, "active_projects": 2}],
    "people": [
        {"name": SCRIPT, "pod": ODD_POD, "roles": {"analyst": 0.5, "technologist": 0.5},
         "background": "software-engineering"},
        {"name": IMG, "pod": ODD_POD, "roles": {"lead": 1.0}, "background": "mis"},
        {"name": "=HYPERLINK(\"http://x\")", "pod": ODD_POD, "member": "extended", "helps_as": "qa"},
    ],
}


def advice(result: Result, finding: podcheck.Finding) -> str:
    """What a report tells the reader to do about a finding: the plan step that works on it, else its own
    recommendation (each piece of advice is said once)."""
    from podcheck.render.plan import plan_view

    step = plan_view(result).step_for(finding)
    return squash(step.step.title.rstrip(".")) if step else squash(finding.recommendation)


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, as a reader compares text."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Unit:
    """One assessed unit and its reports, rendered lazily and only once."""

    name: str
    assessment: podcheck.Assessment
    result: Result
    _cache: dict = field(default_factory=dict)

    @property
    def html(self) -> str:
        if "html" not in self._cache:
            self._cache["html"] = render_html(self.result, assessment=self.assessment)
        return self._cache["html"]

    @property
    def soup(self) -> BeautifulSoup:
        if "soup" not in self._cache:
            self._cache["soup"] = BeautifulSoup(self.html, "html.parser")
        return self._cache["soup"]

    @property
    def md(self) -> str:
        if "md" not in self._cache:
            self._cache["md"] = render_markdown(self.result, assessment=self.assessment)
        return self._cache["md"]

    @property
    def pdf(self) -> bytes:
        if "pdf" not in self._cache:
            self._cache["pdf"] = html_to_pdf(self.html)
        return self._cache["pdf"]

    @property
    def pdf_reader(self) -> PdfReader:
        import io

        if "reader" not in self._cache:
            self._cache["reader"] = PdfReader(io.BytesIO(self.pdf))
        return self._cache["reader"]

    @property
    def pdf_text(self) -> str:
        if "pdf_text" not in self._cache:
            self._cache["pdf_text"] = squash(" ".join(p.extract_text() for p in self.pdf_reader.pages))
        return self._cache["pdf_text"]

    def people(self) -> list[str]:
        """Everyone who belongs to a pod: the people the matrix must show."""
        return [p.name for p in self.assessment.people if p.pod]


def _unit(name: str, assessment: podcheck.Assessment) -> Unit:
    return Unit(name, assessment, podcheck.assess(assessment))


@functools.cache
def _examples() -> dict[str, Unit]:
    return {p.stem: _unit(p.stem, podcheck.load_assessment(p)) for p in sorted(EXAMPLES.glob("*.yaml"))}


EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="session")
def units() -> dict[str, Unit]:
    """Every bundled example, assessed once; reports render on first use and are kept."""
    return _examples()


@pytest.fixture(scope="session")
def hostile() -> Unit:
    """A unit whose names are HTML, script and Markdown."""
    return _unit("hostile", podcheck.parse_assessment(HOSTILE, file="hostile.yaml"))


@pytest.fixture(scope="session")
def written(units: dict[str, Unit], hostile: Unit, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The per-unit HTML reports on disk (one folder), for the browser tests."""
    folder = tmp_path_factory.mktemp("unit-reports")
    out = {}
    for name, unit in {**units, "hostile": hostile}.items():
        path = folder / f"{name}.html"
        path.write_text(unit.html, encoding="utf-8")
        out[name] = path
    return out


@pytest.fixture(scope="session")
def portfolio_dir(units: dict[str, Unit], hostile: Unit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A portfolio of every example plus the hostile unit and one failure, written with the public API."""
    from podcheck.files.atomic import unique_names
    from podcheck.render import Failure, PortfolioEntry, write_portfolio, write_unit_reports

    out = tmp_path_factory.mktemp("portfolio")
    all_units = [*units.values(), hostile]
    entries = []
    for unit, name in zip(all_units, unique_names([u.result.unit for u in all_units]), strict=True):
        files = write_unit_reports(unit.result, unit.assessment, out / name, formats=("html",), stem=name)
        entries.append(PortfolioEntry(unit.result, {"html": f"{name}/{files['html'].name}"}))
    failures = [Failure("Broken Unit", "broken.yaml: people[0].roles.analyst: must be between 0 and 1", "broken.yaml")]
    write_portfolio(entries, out, failures=failures)
    return out
