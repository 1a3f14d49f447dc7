"""Packaging: pip and conda users get the same dependencies, and the installed command works."""

from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import yaml

import podcheck

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_IDS = {
    "roles.missing-lead", "roles.missing-technologist", "roles.missing-analyst",
    "dual-role.analyst-technologist", "dual-role.single-person", "developer-trap", "pod.oversize",
    "pod.extended-owns-deliverables", "scaling.no-head-of-integration", "scaling.reporting-lines",
    "scaling.no-pod-principle", "capacity.backlog-growing", "fundamentals.no-platform", "fundamentals.no-process",
}
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")


def normalised(requirement: str) -> tuple[str, str]:
    """('PyYAML >= 6.0') → ('pyyaml', '>=6.0'): PEP 503 name, specifier without spaces, parts sorted."""
    match = REQUIREMENT.match(requirement)
    assert match, f"cannot read requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    spec = ",".join(sorted(part.replace(" ", "") for part in match.group(3).split(",") if part.strip()))
    return name, spec


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_normalised_reads_names_and_specifiers() -> None:
    assert normalised("PyYAML >= 6.0") == ("pyyaml", ">=6.0")
    assert normalised("ruamel.yaml<1, >=0.17") == ("ruamel-yaml", "<1,>=0.17")
    assert normalised("pytest") == ("pytest", "")


# Dependencies conda-forge does not package: environment.yml installs them from PyPI in its pip
# block. Everything else must come from conda-forge (that is where Pango for WeasyPrint comes from).
PYPI_ONLY = {"fontpkg-arimo": "the report font, embedded in every PDF"}


def test_pyproject_and_environment_yml_list_the_same_dependencies() -> None:
    project = pyproject()["project"]
    pip_side = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_side = [d for d in env["dependencies"] if isinstance(d, str)]
    conda_side = [d for d in conda_side if normalised(d)[0] not in ("python", "pip")]
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert len(pip_block) == 1 and list(pip_block[0]) == ["pip"], "one pip block"
    *from_pypi, itself = pip_block[0]["pip"]
    assert itself == "-e .", "environment.yml installs podcheck itself with pip, last"
    assert {normalised(d)[0] for d in from_pypi} <= set(PYPI_ONLY), "the pip block holds only PyPI-only packages"
    conda_side += from_pypi
    pip_deps = dict(map(normalised, pip_side))
    conda_deps = dict(map(normalised, conda_side))
    assert len(pip_deps) == len(pip_side) and len(conda_deps) == len(conda_side), "a dependency is listed twice"
    assert pip_deps == conda_deps


def test_version_flag_prints_the_package_version(run_cli) -> None:
    run = run_cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"podcheck {pyproject()['project']['version']}"
    assert version("podcheck") == podcheck.__version__ == pyproject()["project"]["version"]


def test_rules_lists_every_contract_id(run_cli) -> None:
    run = run_cli("rules")
    assert run.code == 0, run.err
    listed = {line.split()[0] for line in run.out.splitlines() if line.strip()}
    assert CONTRACT_IDS <= listed
    assert listed == set(podcheck.registry().meta)
    as_json = run_cli("rules", "--format", "json")
    rules = {r["id"]: r for r in json.loads(as_json.out)}
    assert set(rules) == listed
    assert rules["scaling.no-head-of-integration"]["principles"] == ["P13"]
    assert all(r["severity"] in ("high", "medium", "low") for r in rules.values())


def test_questions_lists_the_bank(run_cli) -> None:
    run = run_cli("questions")
    assert run.code == 0, run.err
    bank = podcheck.questions()
    assert len(bank) >= 5
    for q in bank:
        assert q.id in run.out
        assert q.text in run.out
    as_json = run_cli("questions", "--format", "json")
    assert [q["id"] for q in json.loads(as_json.out)] == [q.id for q in bank]


def test_the_report_font_is_a_runtime_dependency() -> None:
    from podcheck.render import REPORT_FONT

    runtime = {normalised(d)[0] for d in pyproject()["project"]["dependencies"]}
    assert REPORT_FONT.distribution in runtime, "PDFs embed this font: pip must install it with podcheck"
