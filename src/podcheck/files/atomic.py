"""Reading input and writing output safely.

Reading: only regular files, and never more than a limit (`read_bounded`). Writing: atomic
replacement that keeps the replaced file's mode and never replaces anything but a regular
file (`write_atomic`), and file names that cannot escape their folder (`safe_name`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from ..errors import InputError

# ---------------------------------------------------------------- reading


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words ('a FIFO (a named pipe)', 'a device file'…)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (a named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def read_bounded(path: str | Path, limit: int, *, what: str = "a file", folder: str = "is a folder, not a file",
                 not_regular: str | None = None, size_unit: str = " bytes") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError (naming the file) otherwise.

    Checks before reading: a FIFO would wait for ever, /dev/zero never ends, a 2 GB file
    would be read whole only to be refused. The read itself stops at limit + 1 bytes, for
    files whose size the system does not know in advance (/proc) or that grow meanwhile.
    The words are the caller's: `what` names the kind of file in the size message ("an
    assessment file may be at most…", followed by the limit and `size_unit`), `folder` is said
    of a folder and `not_regular` (default: what it is instead) of a FIFO, a device or a socket.
    """
    file = str(path)

    def refuse(message: str, code: str) -> InputError:
        return InputError.single(file, message, code=code)

    def too_large(size: str) -> InputError:
        return refuse(f"is {size} bytes; {what} may be at most {limit:,}{size_unit}", "too-large")

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("file not found", "not-found") from None
    except IsADirectoryError:
        raise refuse(folder, "folder") from None
    except OSError as exc:
        raise refuse(f"cannot be read: {plain_reason(exc)}", "unreadable") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse(folder, "folder")
        if not stat.S_ISREG(info.st_mode):
            raise refuse(not_regular or f"is {file_kind(info.st_mode)}, not a regular file", "not-regular")
        if info.st_size > limit:
            raise too_large(f"{info.st_size:,}")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb", buffering=0) as handle:
        chunks: list[bytes] = []
        size = 0
        try:
            while size <= limit:
                chunk = handle.read(min(limit + 1 - size, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise refuse(f"cannot be read: {plain_reason(exc)}", "unreadable") from None
    if size > limit:
        raise too_large(f"more than {limit:,}")
    return b"".join(chunks)


# ---------------------------------------------------------------- writing


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EFBIG: "the file is too large for the file system",
    errno.EIO: "the disk reported an input/output error",
}


def plain_reason(exc: OSError) -> str:
    """Why the system refused, in plain words ('the disk is full', 'permission denied')."""
    if exc.errno == errno.ENOTDIR and exc.filename:
        blocker = _first_file_in(Path(exc.filename))
        if blocker is not None:
            return f"{blocker} is a file, not a folder"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or str(exc) or exc.__class__.__name__
    return text[:1].lower() + text[1:]


def _first_file_in(path: Path) -> Path | None:
    """The ancestor of `path` that exists and is not a folder, if any (what blocks a mkdir)."""
    for parent in [*reversed(path.parents), path]:
        if parent.exists() and not parent.is_dir():
            return parent
    return None


class WriteError(OSError):
    """A file or folder podcheck could not write; str() is `PATH: cannot write: reason`.

    An OSError, so code that already handles a failed write keeps doing so; the command line
    prints it as one line and exits 2.
    """

    def __init__(self, path: str | Path, reason: str, code: int | None = None) -> None:
        super().__init__(code, reason, str(path))
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: cannot write: {self.reason}"


def make_folders(folder: str | Path, *, shown: str | Path | None = None) -> list[Path]:
    """Make `folder` and any missing parents; returns those made (outermost first), to undo on failure.

    WriteError (naming `shown`, default the folder) when a part of the path is a file or the
    system refuses.
    """
    folder = Path(folder)
    shown = shown if shown is not None else folder
    missing: list[Path] = []
    existing = folder
    while not existing.is_dir():
        if os.path.lexists(existing):
            raise WriteError(shown, f"{existing} is a file, not a folder", errno.ENOTDIR)
        missing.append(existing)
        if existing.parent == existing:
            break
        existing = existing.parent
    made: list[Path] = []
    for step in reversed(missing):
        try:
            step.mkdir()
        except FileExistsError:
            if step.is_dir():  # made meanwhile by someone else: fine, and not ours to remove
                continue
            remove_folders(made)
            raise WriteError(shown, f"{step} is a file, not a folder", errno.ENOTDIR) from None
        except OSError as exc:
            remove_folders(made)
            raise WriteError(shown, plain_reason(exc), exc.errno) from None
        made.append(step)
    return made


def remove_folders(made: list[Path]) -> None:
    """Remove the folders make_folders made, innermost first, as far as they are still empty."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            return


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths name one existing file (through any path, symlink or hard link)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where writing `path` lands (a symlink's target) and what is there now (None: nothing).

    A symlink is written through: the user keeps `latest.yaml -> team-2026.yaml` or a roster
    linked into a shared folder, and replacing the link by a copy would silently detach it.
    Anything but a regular file is refused: replacing a FIFO, a device or a socket by a file
    breaks whatever uses it, and writing into one is no atomic write.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise WriteError(path, plain_reason(exc), exc.errno) from None
    target = path
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if not target.parent.is_dir():
                raise WriteError(path, f"it is a symbolic link to {target}, whose folder does not exist") from None
            return target, None
        except OSError as exc:
            raise WriteError(path, plain_reason(exc), exc.errno) from None
    if stat.S_ISDIR(info.st_mode):
        raise WriteError(path, "it is a folder", errno.EISDIR)
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(path, f"it is {file_kind(info.st_mode)}, not a regular file")
    return target, info


def write_atomic(path: str | Path, data: str | bytes, *, mode: int | None = None) -> Path:
    """Write `data` to `path` so that readers see the old file or the new one, never half of one.

    A file replaced keeps its permissions (and, where allowed, its owner); a new file gets
    `mode`, by default the usual one (0666 less the umask). A symlink is written through to
    its target. Returns `path` as given. Raises WriteError (an OSError) with the reason in
    plain words when anything is in the way; then nothing is left behind, not even the
    folders made for the file.
    """
    path = Path(path)
    target, existing = _target(path)
    made = make_folders(target.parent, shown=path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if existing is not None:
        file_mode = stat.S_IMODE(existing.st_mode) & 0o777
    else:
        file_mode = _FILE_MODE if mode is None else mode
    tmp: str | None = None
    done = False
    try:
        # The prefix is cut so that a long name still leaves room for the random part.
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            # Mode first, content after: a private file is never readable by others, not even half-written.
            os.fchmod(handle.fileno(), file_mode)
            if existing is not None:
                _keep_owner(handle.fileno(), existing)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        done = True
    except OSError as exc:
        raise WriteError(path, plain_reason(exc), exc.errno) from None
    finally:
        if not done:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            remove_folders(made)
    _sync_folder(target.parent)
    return path


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    # Only root may give a file away, and a group only to one of its own: otherwise keep ours.
    if (existing.st_uid, existing.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, existing.st_uid, existing.st_gid)
    except OSError:
        try:
            os.fchown(fd, -1, existing.st_gid)
        except OSError:
            pass


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder is; where folders cannot be opened, skip it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
