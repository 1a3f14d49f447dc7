"""The papermill engine of the batch: it runs a notebook on a kernel (and client) the kernel pool already
holds instead of starting one, and is registered through papermill's public engine registry."""

from __future__ import annotations

import functools
import logging
import sys
from typing import Any

from .playbook import playbook_label
from .store import NOTEBOOK_FILE

ENGINE_NAME = "podcheck-kernel-pool"

# nbclient logs each failure it then raises; the batch reports failures itself, one line per unit.
_QUIET = logging.getLogger("podcheck.batch.nbclient")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False

_URI_GRAMMAR = "rfc3987_syntax"


def _defer_uri_grammar() -> None:
    """Import papermill without building rfc3987-syntax's IRI grammar: jsonschema (nbformat's validator)
    imports it for its optional "iri" format check, which costs about 0.75 s of the 1 s papermill takes to
    import, for a check the notebook schema never makes. A stand-in loads the real module on first use."""
    if _URI_GRAMMAR in sys.modules or "jsonschema" in sys.modules:
        return
    import importlib
    import importlib.util
    import types

    if importlib.util.find_spec(_URI_GRAMMAR) is None:
        return
    stand_in = types.ModuleType(_URI_GRAMMAR)

    def is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get(_URI_GRAMMAR) is stand_in:
            del sys.modules[_URI_GRAMMAR]
        return importlib.import_module(_URI_GRAMMAR).is_valid_syntax(*args, **kwargs)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[_URI_GRAMMAR] = stand_in


@functools.cache
def register_engine() -> str:
    """Import papermill (about a second) and register the engine with it, once; returns the engine's name,
    for `papermill.execute_notebook(..., engine_name=...)`, which then takes the kernel as `kernel=`."""
    _defer_uri_grammar()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class KernelPoolEngine(NBClientEngine):
        """nbclient's engine, on the kernel given as `kernel=` (a kernels.Kernel) instead of a new one."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            kernel = kwargs.pop("kernel")
            kwargs.pop("input_path", None)
            # Name the notebook's source and place in papermill's record plainly, before papermill writes
            # it: it would store the whole input notebook (given as an object) and the temporary path.
            record = nb_man.nb.metadata.get("papermill")
            if isinstance(record, dict):
                record["input_path"] = playbook_label()
                record["output_path"] = NOTEBOOK_FILE
            client = PapermillNotebookClient(
                nb_man, km=kernel.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=_QUIET, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file, record_timing=True,
            )
            client.kc = kernel.kc
            return client.execute()

    papermill_engines.register(ENGINE_NAME, KernelPoolEngine)
    return ENGINE_NAME
