"""Writing output safely: atomic replacement, and file names that cannot escape their folder."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write `data` to `path` so that readers see the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes files private; reports should read like any other file
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once: os.umask can only be read by setting it, which is not safe once threads run.
_FILE_MODE = 0o666 & ~_current_umask()


# A spreadsheet runs a cell starting with one of these as a formula (tab and CR too, in some).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A cell a spreadsheet will not run as a formula: such text gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str, fallback: str = "unit", max_length: int = 80) -> str:
    """A file or folder name built from a unit name: letters, digits, '-' and '_' only.

    'Payments' → 'payments'; '../../etc' → 'etc'; '<script>' → 'script'. Never empty, never '.'/'..'.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9_-]+", "-", text).strip("-_")[:max_length].strip("-_")
    if not text or text in _WINDOWS_RESERVED:
        text = f"{fallback}-{text}" if text else fallback
    return text


def unique_names(names: list[str], reserved: frozenset[str] | set[str] | tuple[str, ...] = ()) -> list[str]:
    """safe_name for each, unique among them and apart from `reserved` (compared case-insensitively).

    A name keeps its plain slug when it is the first to claim it; later ones get the lowest free -2, -3…,
    never one that another name slugs to by itself ("A/B", "a-b", "A-B-2" → a-b, a-b-3, a-b-2). The same
    names in the same order always give the same result, so a rerun finds its folders again.
    """
    bases = [safe_name(name) for name in names]
    taken = {r.casefold() for r in reserved}
    out: list[str | None] = [None] * len(bases)
    for index, base in enumerate(bases):
        if base.casefold() not in taken:
            taken.add(base.casefold())
            out[index] = base
    for index, base in enumerate(bases):
        if out[index] is None:
            count = 2
            while f"{base}-{count}".casefold() in taken:
                count += 1
            taken.add(f"{base}-{count}".casefold())
            out[index] = f"{base}-{count}"
    return [name for name in out if name is not None]
