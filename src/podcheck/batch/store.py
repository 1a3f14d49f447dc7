"""What a batch keeps in --out: one folder per unit with its manifest, put in place whole by a folder swap;
the lock that keeps a second batch out; the clean-up of what an interrupted or killed run left.

Each unit is written into a hidden temporary folder beside its final one, named with the batch's process
id, and renamed into place only when everything (notebook, result.json, reports, manifest) is there. An
interrupted run leaves at most such folders, removed by the next run once that process is gone; kernel
connection files live in a folder of the same kind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files.atomic import write_atomic
from ..notebooks.display import RESULT_FILE
from ..result import Result

INPUT_FILE = "assessment.yaml"
RUBRIC_FILE = "rubric.yaml"
NOTEBOOK_FILE = "playbook.ipynb"
MANIFEST_FILE = "manifest.json"
FAILED_DIR = "failed"
# Names a unit's folder may never take, whatever the unit is called: what the batch writes at the top of
# --out (failed/, the portfolio's files) and names kept for it. Hidden names need no entry: a unit's
# folder name never starts with a dot.
RESERVED_NAMES = frozenset({FAILED_DIR, "history", "portfolio", "portfolio-findings"})
LOCK_FILE = ".podcheck-batch.lock"
KERNELS_PREFIX = ".podcheck-kernels-"

# What runs leave in --out, each named with the id of the process that owns it: a unit being written,
# a unit folder being swapped, kernel connection files.
_TMP_DIR = re.compile(r"\.(?P<folder>[^.]+)\.tmp-(?P<pid>\d+)-[^.]*")
_OLD_DIR = re.compile(r"\.(?P<folder>[^.]+)\.old-(?P<pid>\d+)-\d+")
_KERNELS_DIR = re.compile(re.escape(KERNELS_PREFIX) + r"(?P<pid>\d+)-[^.]*")

# Read once, at import (in the main thread): os.umask can only be read by setting it.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


# ---------------------------------------------------------------- unit folders


def new_unit_folder(out: Path, folder: str, owner: int, text: bytes, rubric_text: bytes | None) -> Path:
    """A hidden temporary folder for one unit beside its final one, holding its input (and the rubric)."""
    # Absolute: a kernel reused across units moves from one unit's folder to the next.
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder}.tmp-{owner}-", dir=out)).resolve()
    tmp.chmod(0o777 & ~_UMASK)  # mkdtemp makes it private; the finished folder is as readable as any other
    (tmp / INPUT_FILE).write_bytes(text)
    if rubric_text is not None:
        (tmp / RUBRIC_FILE).write_bytes(rubric_text)
    return tmp


def new_kernels_folder(out: Path, owner: int) -> Path:
    """A private folder for this batch's kernel connection files, which the next run removes if this one
    is killed."""
    return Path(tempfile.mkdtemp(prefix=f"{KERNELS_PREFIX}{owner}-", dir=out))


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """A unit folder's manifest, or None when it has none that can be read."""
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def previous_run(folder: Path, key: dict[str, Any]) -> tuple[Result, dict[str, str]] | None:
    """The result and files (format → name in the folder) of a unit's last run, when its manifest was made
    with this key and every file it lists is there."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("key") != key:
        return None
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not all((folder / str(name)).is_file() for name in files.values()):
        return None
    try:
        result = Result.from_json((folder / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return result, files


def commit(tmp: Path, final: Path, manifest: dict[str, Any]) -> None:
    """Write a finished unit's manifest, last, and put its folder in place of the old one."""
    write_atomic(tmp / MANIFEST_FILE, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    install(tmp, final)


def install(tmp: Path, final: Path) -> None:
    """Put a finished unit folder in place of the old one; readers see the old folder or the new one."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{threading.get_ident()}")
        os.rename(final, old)
    os.rename(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def keep_failed_notebook(out: Path, folder: str, tmp: Path) -> None:
    """Keep the executed notebook of a failed unit (it shows the error) under failed/."""
    executed = tmp / NOTEBOOK_FILE
    if executed.is_file():
        write_atomic(out / FAILED_DIR / f"{folder}.ipynb", executed.read_bytes())


def complete_units(out: Path, folders: list[str]) -> int:
    """How many of these unit folders are whole (have their manifest)."""
    return sum(1 for folder in folders if (out / folder / MANIFEST_FILE).is_file())


# ---------------------------------------------------------------- clean-up


def _over(pid: int) -> bool:
    """True when the run that owns a folder is this process or a process that is gone."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no safe way to ask here (os.kill would end the process): keep the folder
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's
    return False


def tidy(out: Path) -> None:
    """Remove what runs that are over (this one, or one whose process is gone) left in --out: temporary
    unit folders and kernel folders; restore a unit folder caught mid-swap. What belongs to a live
    process, or is not named the way a batch names things, is left alone."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        name = entry.name
        if not name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        if (match := _TMP_DIR.fullmatch(name) or _KERNELS_DIR.fullmatch(name)) and _over(int(match["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
        elif (match := _OLD_DIR.fullmatch(name)) and _over(int(match["pid"])):
            final = out / match["folder"]
            if final.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.rename(entry, final)


# ---------------------------------------------------------------- one batch per folder


_lock_fd: int | None = None  # closed in forked workers, so that only the batch itself holds the lock


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold --out for this batch alone, or fail at once (exit 2) naming the batch that holds it.

    Failing rather than waiting: a batch can run for many minutes, and a second command that sits
    silently looks hung; two runs into one folder are almost always a mistake (the same make target
    started twice). flock goes with the process, so a killed batch leaves no stale lock (at most the
    file, which the next run takes over); a finished run removes the file."""
    global _lock_fd
    try:
        import fcntl
    except ImportError:  # Windows: no flock; the folders named by process id still keep runs apart
        yield
        return
    path = out / LOCK_FILE
    held = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise InputError.single(str(out), f"another podcheck batch{who} is writing to this folder; "
                                    "wait for it to finish, or choose another --out") from None
        except OSError:
            break  # a file system without locks (some network mounts): run unlocked, as before
        # A batch that just finished may have removed the file after we opened it: then lock the new one.
        with contextlib.suppress(FileNotFoundError):
            mine, there = os.fstat(fd), os.stat(path)
            if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
                held = True
                break
        os.close(fd)
    try:
        if held:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            _lock_fd = fd
        yield
    finally:
        _lock_fd = None
        if held:
            with contextlib.suppress(OSError):
                path.unlink()  # while still locked: a batch that opened it meanwhile sees it gone, takes a new one
        os.close(fd)


def release_inherited_lock() -> None:
    """In a forked worker: close its copy of the lock, which must end with the batch, not with the worker."""
    if _lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(_lock_fd)
