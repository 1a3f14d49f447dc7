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


def _quoted(text: str) -> bool:
    # An apostrophe before a formula sign, or before another apostrophe, is one neutralise added.
    return len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_START, "'")


def neutralise(cell: object) -> object:
    """A cell a spreadsheet will not run as a formula: such text gets a leading apostrophe.

    Text that already looks quoted ("'=x", "''x") gets one too, so that `unneutralise` gives back
    exactly what was written: a name that really starts with an apostrophe survives a round trip.
    """
    if isinstance(cell, str) and (cell.startswith(FORMULA_START) or _quoted(cell)):
        return "'" + cell
    return cell


def unneutralise(text: str) -> str:
    """The text `neutralise` was given: one leading apostrophe before a formula sign or an apostrophe goes."""
    return text[1:] if _quoted(text) else text


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


def unique_names(names: list[str]) -> list[str]:
    """safe_name for each, with -2, -3… added where two names would collide."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = safe_name(name)
        count = seen.get(base, 0) + 1
        seen[base] = count
        out.append(base if count == 1 else f"{base}-{count}")
    return out
