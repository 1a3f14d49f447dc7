"""`make workshop`'s launcher: loopback only, token kept off the command line, clear errors."""

from __future__ import annotations

from pathlib import Path

from podcheck import workshop_server


def test_command_binds_loopback_and_keeps_the_token_out_of_the_process_list(tmp_path):
    command = workshop_server.lab_command(tmp_path, 8888)
    assert "--ServerApp.ip=127.0.0.1" in command and "--no-browser" in command
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert "--LabApp.default_url=/lab/tree/00-workshop.ipynb" in command
    assert not any("token" in part.lower() for part in command)
    assert workshop_server.lab_url(8888, "abc") == "http://127.0.0.1:8888/lab/tree/00-workshop.ipynb?token=abc"


def test_the_playbook_holds_the_workshop_notebook():
    assert (workshop_server.playbook_dir() / workshop_server.NOTEBOOK).is_file()


def test_a_folder_without_the_notebook_is_refused(tmp_path, capsys):
    assert workshop_server.main(["--root", str(tmp_path)]) == 2
    assert "workshop notebook not found" in capsys.readouterr().err


def test_a_busy_port_is_swapped_for_a_free_one():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        port = workshop_server.free_port(taken)
    assert port != taken and port > 0


def test_settings_make_jupyterlab_start_the_kernel_without_a_dialog():
    folder = workshop_server.lab_settings_dir()
    try:
        text = (folder / "overrides.json").read_text(encoding="utf-8")
        assert '"autoStartDefaultKernel": true' in text
    finally:
        for child in folder.iterdir():
            child.unlink()
        Path(folder).rmdir()
