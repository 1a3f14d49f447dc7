"""Re-run the playbook notebooks on their bundled examples and store them with clean metadata.

    .venv/bin/python tests/notebooks/refresh_playbook.py            # all numbered notebooks
    .venv/bin/python tests/notebooks/refresh_playbook.py 02-roles    # just one

nbval (tests/notebooks/test_nbval.py) compares the cells marked `# NBVAL_CHECK_OUTPUT` with the
outputs stored here, so run this after changing a notebook, the tables or the rules, and review
the diff by eye. Volatile metadata (timings, papermill's records, interpreter versions) is dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

PLAYBOOK = Path(__file__).resolve().parents[2] / "playbook"


def numbered_notebooks() -> list[Path]:
    """The reading path: 01-… to 06-… (the workshop notebook has its own tests)."""
    return sorted(p for p in PLAYBOOK.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("00-"))


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what changes from run to run or machine to machine; keep sources, outputs, counts."""
    nb.metadata = nbformat.from_dict({
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for cell in nb.cells:
        for key in ("execution", "papermill", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            if "metadata" in output:
                output["metadata"] = {}
    return nb


def refresh(path: Path) -> None:
    """Execute one notebook in its own folder and write it back, cleaned."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(clean(nb), path)
    print(f"refreshed {path.relative_to(PLAYBOOK.parent)}")


def main(names: list[str]) -> int:
    """Refresh the named notebooks (by stem), or all numbered ones."""
    chosen = numbered_notebooks()
    if names:
        chosen = [p for p in chosen if p.stem in names]
    for path in chosen:
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
