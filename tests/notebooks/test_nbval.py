"""nbval over the playbook's reading path, in a subprocess so that the notebooks run as CI would run
`pytest --nbval-lax playbook/0N-*.ipynb`: every cell must run, and cells marked `# NBVAL_CHECK_OUTPUT`
must reproduce the outputs stored in the notebook (refresh them with tests/notebooks/refresh_playbook.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .refresh_playbook import PLAYBOOK, numbered_notebooks

ROOT = PLAYBOOK.parent


def test_playbook_notebooks_pass_nbval() -> None:
    notebooks = [str(p.relative_to(ROOT)) for p in numbered_notebooks()]
    assert len(notebooks) == 6
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "--nbval-cell-timeout=120",
         *notebooks],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    # Every code cell of every notebook was collected and passed: nothing skipped, nothing deselected.
    expected = sum(Path(ROOT / n).read_text(encoding="utf-8").count('"cell_type": "code"') for n in notebooks)
    assert re.match(rf"{expected} passed in ", summary), summary


def test_workshop_notebook_passes_nbval_and_starts_a_valid_file(tmp_path: Path) -> None:
    """The workshop notebook runs top to bottom as it ships (to its start screen); a file started there is
    assessable."""
    import shutil

    (tmp_path / "playbook").mkdir()
    shutil.copy(PLAYBOOK / "00-workshop.ipynb", tmp_path / "playbook")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider", "--nbval-cell-timeout=120",
         "00-workshop.ipynb"],
        cwd=tmp_path / "playbook", capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    # The start screen, as "Start a new assessment" uses it, with the notebook's folder.
    from podcheck.workshop import start_screen

    launch = start_screen(tmp_path / "playbook" / "../assessments/workshops")
    launch.screen.new_button.click()
    created = tmp_path / "assessments" / "workshops" / "our-integration-team.yaml"
    assert created.is_file() and launch.workshop is not None
    check = subprocess.run([sys.executable, "-m", "podcheck.cli", "assess", str(created), "--format", "json"],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    assert '"unit": "Our integration team"' in check.stdout
