"""`podcheck` as the CLI runs it, except that the unit named in $PODCHECK_TEST_HANG never finishes: it
writes its process id to $PODCHECK_TEST_STARTED, then waits forever (in the worker, or with notebooks in a
kernel cell). The tests use it to stop or time out a batch while a unit is surely running.

    python tests/batch/hanging_cli.py batch ...
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from podcheck import batch, cli

HANG = os.environ["PODCHECK_TEST_HANG"]
STARTED = os.environ["PODCHECK_TEST_STARTED"]

_assess = batch.assess
_combined = batch.combined_notebook


def hanging_assess(assessment: Any, rubric: Any = None) -> Any:
    """assess(), but the chosen unit hangs."""
    if assessment.unit == HANG:
        Path(STARTED).write_text(str(os.getpid()), encoding="utf-8")
        while True:
            time.sleep(1)
    return _assess(assessment, rubric)


CELL = f"""# added by the tests: this unit hangs in the kernel
import os, time
if unit.result.unit == {HANG!r}:
    open({STARTED!r}, "w").write(str(os.getpid()))
    while True:
        time.sleep(1)
"""


def hanging_notebook(folder: Any = None) -> dict[str, Any]:
    """The playbook, with a cell after the parameters check that hangs for the chosen unit."""
    nb = _combined(folder)
    at = next(i for i, c in enumerate(nb["cells"]) if "validate-parameters" in c["metadata"].get("tags", []))
    nb["cells"].insert(at + 1, {"cell_type": "code", "execution_count": None, "id": "hang", "metadata": {},
                                "outputs": [], "source": CELL})
    return nb


batch.assess = hanging_assess  # type: ignore[assignment]
batch.combined_notebook = hanging_notebook

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
