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
    from podcheck.render.pdf import REPORT_FONT

    runtime = {normalised(d)[0] for d in pyproject()["project"]["dependencies"]}
    assert REPORT_FONT.distribution in runtime, "PDFs embed this font: pip must install it with podcheck"


def no_apt_path(folder: Path) -> str:
    """A PATH with the shell tools the Makefile and scripts/debs.sh use, but no apt-get or dpkg."""
    import shutil

    folder.mkdir()
    for tool in ("bash", "sh", "make", "cat", "cksum", "cut", "grep", "id", "env", "rm", "touch", "test"):
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    return str(folder)


def test_debs_script_without_apt_says_what_to_do_on_each_platform(tmp_path: Path) -> None:
    import subprocess

    run = subprocess.run(["bash", str(ROOT / "scripts" / "debs.sh"), "libpango-1.0-0", "libpangoft2-1.0-0"],
                         capture_output=True, text=True, env={"PATH": no_apt_path(tmp_path / "bin")}, timeout=60)
    assert run.returncode == 1
    for advice in ("macOS:", "brew install pango", "Windows:", "conda env create -f environment.yml",
                   "other Linux:", "pango package", "Beyond Debian"):
        assert advice in run.stderr, advice


def test_make_workshop_starts_without_the_pdf_libraries(tmp_path: Path) -> None:
    import subprocess

    # A stand-in for the venv's python: PDFs do not work here, and starting the workshop just says so.
    venv_bin = tmp_path / "venv-bin"
    venv_bin.mkdir()
    (venv_bin / "python").write_text('#!/bin/sh\n[ "$1" = "-m" ] && { echo "workshop started: $2"; exit 0; }\nexit 1\n',
                                     encoding="utf-8")
    (venv_bin / "python").chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    run = subprocess.run(["make", "--no-print-directory", "workshop", f"BIN={venv_bin}", f"RUN_STAMP={stamp}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PATH": no_apt_path(tmp_path / "bin"), "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "workshop started: podcheck.workshop" in run.stdout
    assert "brew install pango" in run.stderr
    assert "starting the workshop without PDF hand-outs" in run.stderr


def test_python_dash_m_podcheck_is_the_command() -> None:
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "podcheck", "rules"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "roles.missing-lead" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "podcheck", "assess", "nope.yaml"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("podcheck: nope.yaml")
