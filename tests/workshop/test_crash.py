"""A kernel killed mid-workshop loses nothing: the last accepted edit is on disk, and reopening resumes there."""

from __future__ import annotations

import json
import os
import signal
import textwrap

import pytest
import yaml
from jupyter_client.manager import KernelManager

from podcheck import workshop as ws

pytestmark = pytest.mark.slow


def test_sigkilled_kernel_leaves_the_last_accepted_edit_on_disk(unit_file, run_cli):
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(unit_file.parent))
    client = km.client()
    client.start_channels()
    outputs: list[dict] = []
    try:
        client.wait_for_ready(timeout=60)
        # The facilitator's edits, made through the widgets as in a real session; the last one is
        # invalid (Bo would give 150% of his week), so it must not reach the file.
        code = textwrap.dedent(f"""
            import podcheck.workshop as workshop
            ui = workshop.start({str(unit_file)!r}, show=False)
            ui.new_name.value = "Cy Diaz"
            ui.new_role.value = "analyst"
            ui.new_share.value = 60
            ui._add_person()
            ui.person_rows[0].reports_to.value = "Cy Diaz"
            ui.person_rows[1].shares["analyst"].value = 50
            print(ui.status.value)
        """)
        reply = client.execute_interactive(code, timeout=60, output_hook=outputs.append)
        assert reply["content"]["status"] == "ok", reply["content"]
        assert any("Not saved yet" in m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        os.kill(km.provisioner.process.pid, signal.SIGKILL)
        km.provisioner.process.wait(timeout=10)
    finally:
        client.stop_channels()
        km.cleanup_resources()

    saved = yaml.safe_load(unit_file.read_text(encoding="utf-8"))
    people = {p["name"]: p for p in saved["people"]}
    assert people["Cy Diaz"] == {"name": "Cy Diaz", "pod": "CRM", "roles": {"analyst": 0.6}}
    assert people["Ana Ruiz"]["reports_to"] == "Cy Diaz"
    assert people["Bo Chen"]["roles"] == {"technologist": 1.0}
    assert not list(unit_file.parent.glob(".*.part")), "a half-written file was left behind"

    # Reopening resumes there, and the file is one `podcheck assess` reads as it is.
    again = ws.WorkshopState.open(unit_file)
    assert again.valid and "roles.missing-analyst" not in {f.id for f in again.result.findings}
    run = run_cli("assess", unit_file, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["stage"]["id"] == again.result.stage.id == "minimum-viable"

