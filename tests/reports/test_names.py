"""Hand-outs for wide distribution: no person's name anywhere in the report with --names initials|roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import podcheck
from podcheck.render import render
from podcheck.render.names import hide_names, initials

TWELVE = Path(__file__).resolve().parents[1] / "workshop" / "twelve.yaml"


def people() -> list[str]:
    return [p.name for p in podcheck.load_assessment(TWELVE).people]


@pytest.mark.parametrize("names", ["initials", "roles"])
@pytest.mark.parametrize("fmt", ["html", "md", "text", "json"])
def test_no_name_is_left_in_any_format(names, fmt):
    team = podcheck.load_assessment(TWELVE)
    shown = render(podcheck.assess(team), fmt, assessment=team, previous=podcheck.assess(team), names=names)
    for name in people():
        for part in (name, name.split()[-1]):  # the whole name, and the family name on its own
            assert not re.search(rf"\b{re.escape(part)}\b", shown), f"{part} is in the {fmt} report ({names})"


def test_initials_and_roles_read_naturally_and_stay_distinct():
    team = podcheck.load_assessment(TWELVE)
    result, hidden, _ = hide_names(podcheck.assess(team), team, "roles")
    assert [p.name for p in hidden.people][:3] == ["Head of integration", "Lead 1", "Technologist 1"]
    assert hidden.head_of_integration == "Head of integration"
    dual = next(f for f in result.findings if f.id == "dual-role.analyst-technologist")
    assert dual.people == ["Technologist 4"] and dual.message.startswith("Technologist 4 is both")
    result, hidden, _ = hide_names(podcheck.assess(team), team, "initials")
    assert initials("Jean-Luc Picard") == "J.L.P."
    assert not any(u.endswith("..") for u in result.unknowns)  # "… and A.R." ends the sentence once
    assert len({p.name for p in hidden.people}) == len(hidden.people)


def test_the_cli_flag(run_cli, tmp_path):
    out = tmp_path / "r.html"
    run = run_cli("assess", TWELVE, "--format", "html", "--names", "initials", "-o", out)
    assert run.code == 0, run.err
    text = out.read_text(encoding="utf-8")
    assert "I.J." in text and "Ivy Jones" not in text
    assert run_cli("assess", TWELVE, "--names", "nicknames").code == 2
