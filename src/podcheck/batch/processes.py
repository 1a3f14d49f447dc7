"""Process plumbing the batch shares: how its worker processes start and end with it, what an exit status says,
how many cores it may use."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import signal
import sys


def process_context() -> multiprocessing.context.BaseContext:
    """How to start worker processes: fork where there is one, since a forked worker starts in milliseconds
    with podcheck already imported; elsewhere, the default."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def exit_description(code: int) -> str:
    """A process's exit status in words: 'exit code 1', 'killed by signal SIGKILL'."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by signal {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit code {code}"


def die_with_parent(parent: int) -> None:
    """End this worker when the batch ends, even killed outright (Linux); elsewhere a worker ends when it
    next finds its pipe closed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the batch was gone before that took hold
        os._exit(0)
