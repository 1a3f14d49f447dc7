"""Writing and reading files safely: modes kept, links followed, special files refused, reads bounded."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcheck import workshop as ws
from podcheck.errors import InputError
from podcheck.files.atomic import WriteError, read_bounded, write_atomic

UNIT = """\
schema: podcheck/1
organization: Testing Co
unit: Connectors
assessed_on: 2026-11-20
pods:
  - {name: CRM, focus: domain, active_projects: 2}
people:
  - {name: Ana Ruiz, pod: CRM, roles: {lead: 1.0}, background: business-analysis}
  - {name: Bo Chen, pod: CRM, roles: {technologist: 1.0}, background: mis}
"""


def mode(path: Path) -> int:
    """The permission bits of the file at path (links followed)."""
    return stat.S_IMODE(os.stat(path).st_mode)


def umask() -> int:
    """The process's umask, read without changing it for good."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- write_atomic


def test_replacing_a_private_file_keeps_it_private(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text("old")
    path.chmod(0o600)
    write_atomic(path, "new")
    assert path.read_text() == "new"
    assert mode(path) == 0o600


def test_replacing_keeps_a_shared_files_mode_too(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("old")
    path.chmod(0o664)
    write_atomic(path, "new")
    assert mode(path) == 0o664


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "sub" / "report.html", "<p>hi</p>")
    assert mode(path) == 0o666 & ~umask()
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_writing_through_a_symlink_replaces_its_target(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "roster.yaml"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "roster.yaml"
    link.symlink_to(real)
    assert write_atomic(link, "new") == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and mode(real) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.yaml", "shared"]
    assert [p.name for p in real.parent.iterdir()] == ["roster.yaml"]


def test_a_dangling_symlink_is_written_through_when_its_folder_exists(tmp_path: Path) -> None:
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "results-1.json")
    write_atomic(link, "{}")
    assert link.is_symlink() and (tmp_path / "results-1.json").read_text() == "{}"
    lost = tmp_path / "lost.json"
    lost.symlink_to(tmp_path / "gone" / "x.json")
    with pytest.raises(WriteError, match="symbolic link to .*gone/x.json, whose folder does not exist"):
        write_atomic(lost, "{}")
    assert not (tmp_path / "gone").exists()


@pytest.fixture
def special(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A file that is not a regular file, and what kind it is in words."""
    kind = request.param
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
        yield path, "a FIFO (a named pipe)"
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            yield path, "a socket"
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
        except PermissionError:
            pytest.skip("making a device file needs root")
        yield path, "a device file"


@pytest.mark.parametrize("special", ["fifo", "socket", "device"], indirect=True)
def test_a_special_file_is_never_replaced(special: tuple[Path, str]) -> None:
    path, kind = special
    before = os.lstat(path)
    with pytest.raises(WriteError) as caught:
        write_atomic(path, "report")
    assert str(caught.value) == f"{path}: cannot write: it is {kind}, not a regular file"
    after = os.lstat(path)
    assert (after.st_ino, stat.S_IFMT(after.st_mode)) == (before.st_ino, stat.S_IFMT(before.st_mode))
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_symlink_to_a_special_file_is_refused_too(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.json"
    link.symlink_to(fifo)
    with pytest.raises(WriteError, match="it is a FIFO"):
        write_atomic(link, "{}")
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_workshop_history_keeps_the_rosters_mode(tmp_path: Path) -> None:
    # A private roster must not leak through the copies kept of it.
    path = tmp_path / "team.yaml"
    path.write_text(UNIT, encoding="utf-8")
    path.chmod(0o600)
    state = ws.WorkshopState.open(path)
    assert state.apply(ws.edit_pod("CRM", active_projects=3)).accepted
    history = state.history()
    assert history
    assert mode(path) == 0o600
    assert [mode(p) for p in history] == [0o600] * len(history)


# ---------------------------------------------------------------- read_bounded


def test_read_bounded_reads_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10) == b"x" * 10


def test_read_bounded_refuses_a_file_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(InputError) as caught:
        read_bounded(path, 10, what="an assessment file")
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: is 11 bytes; an assessment file may be at most 10 bytes"]


@pytest.mark.parametrize(("name", "words"), [
    ("missing.yaml", "file not found"),
    ("folder", "is a folder, not a file"),
    ("pipe", "is a FIFO (a named pipe), not a regular file"),
])
def test_read_bounded_refuses_what_is_not_a_file(name: str, words: str, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError) as caught:
        read_bounded(tmp_path / name, 100)
    assert str(caught.value.problems[0]) == f"{tmp_path / name}: {words}"


def test_read_bounded_refuses_a_device() -> None:
    with pytest.raises(InputError, match="is a device file, not a regular file"):
        read_bounded("/dev/zero", 100)
