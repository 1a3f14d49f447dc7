"""The workshop's Plan tab without a browser: the verified plan in the room's words, worked out only when the
tab is shown; a step tried side by side (nothing saved); a step kept as one change that Undo takes back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from podcheck import workshop
from podcheck.workshop import app

from .test_facilitator_widgets import buttons

ROOT = Path(__file__).resolve().parents[2]
TWELVE = Path(__file__).with_name("twelve.yaml")


def twelve(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    shutil.copy(TWELVE, path)
    return path


def saved(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def person(data: dict, name: str) -> dict:
    return next(p for p in data["people"] if p["name"] == name)


def shown_text(ui: workshop.Workshop) -> str:
    """Everything the Plan tab shows, as text (tags dropped)."""
    html = " ".join(w.value for w in [ui.plan_intro, *(r.text for r in ui.plan_rows), *(r.trial for r in ui.plan_rows)])
    return re.sub(r"<[^>]+>", " ", html)


def open_plan(ui: workshop.Workshop) -> None:
    ui.tabs.selected_index = app.TABS.index("Plan")


def test_the_plan_is_worked_out_only_when_its_tab_is_shown(tmp_path, monkeypatch):
    calls = []
    real = workshop.state.with_plan
    monkeypatch.setattr(workshop.state, "with_plan", lambda *a, **k: calls.append(1) or real(*a, **k))
    ui = workshop.start(twelve(tmp_path), show=False)
    ui.person_rows[1].shares["lead"].value = 50  # edits on the Team tab never work the plan out
    ui.person_rows[1].shares["lead"].value = 100
    assert calls == [] and ui.plan_rows == []
    open_plan(ui)
    assert len(calls) == 1 and [r.number for r in ui.plan_rows] == [1, 2]
    ui.tabs.selected_index = 0
    open_plan(ui)  # the team has not changed: the same plan, not worked out again
    assert len(calls) == 1


def test_the_plan_tab_lists_each_step_in_the_rooms_words(tmp_path):
    ui = workshop.start(twelve(tmp_path), show=False)
    open_plan(ui)
    first, second = (re.sub(r"<[^>]+>", " ", r.text.value) for r in ui.plan_rows)
    assert "Ivy Jones gives up the analyst role in Billing" in first
    assert "Owner: Flo Gray" in first
    assert "Ivy Jones stops acting as analyst" in first and "Ivy Jones works full time as technologist" in first
    assert "Resolves: One person is both analyst and technologist in pod Billing (high)" in first
    assert "After this step: stage 4 Integration program, score 90/100, 0 high, 1 medium, 0 low" in first
    assert "Train Gus Hall as an integration technologist" in second
    assert "After steps 1 and 2: stage 4 Integration program, score 100/100, 0 high, 0 medium, 0 low" in second
    text = shown_text(ui)
    assert "2 steps change the team" in text
    assert not re.search(r"dual-role|developer-trap|set-role|people\[|\.yaml|finding\(s\)", text)
    for button in buttons(ui.plan_box):
        assert button.description.strip() and button.tooltip, f"a button with icon {button.icon} is not labelled"
    assert ui.plan_rows[1].keep.description == "Keep steps 1 and 2"


def test_practices_come_after_the_steps_that_change_the_team_with_what_to_look_for_next_time(tmp_path):
    path = tmp_path / "analytics.yaml"
    shutil.copy(ROOT / "assessments" / "examples" / "analytics.yaml", path)
    ui = workshop.start(path, show=False)
    open_plan(ui)
    practices = [r for r in ui.plan_rows if r.practice]
    assert practices and all(not r.practice for r in ui.plan_rows[: -len(practices)])
    assert all(r.try_button is None and r.keep is None for r in practices)
    assert "Next time: Ask again:" in practices[1].text.value
    assert "Practices to adopt" in ui.plan_practices.value
    # A step that resolves what an earlier step brings up (a second pod needs a head of integration) says so.
    assert "No head of integration" in ui.plan_rows[1].text.value


def test_try_shows_now_beside_the_team_after_steps_1_to_n_and_saves_nothing(tmp_path):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    before = path.read_bytes()
    open_plan(ui)
    ui.plan_rows[1].try_button.click()
    trial = ui.plan_rows[1].trial.value
    assert "Now" in trial and "After steps 1 and 2" in trial and "score 70 → 100 (+30)" in trial
    assert "2 findings resolved" in trial and ui.plan_rows[0].trial.value == ""
    assert path.read_bytes() == before and ui.state.can_undo is False
    assert ui.plan_rows[1].try_button.description == "Hide the comparison"
    ui.plan_rows[0].try_button.click()  # trying another step replaces the comparison
    assert ui.plan_rows[1].trial.value == "" and "After this step" in ui.plan_rows[0].trial.value
    ui.plan_rows[0].try_button.click()
    assert ui.plan_rows[0].trial.value == "" and path.read_bytes() == before


def test_keep_applies_the_step_as_one_change_that_undo_takes_back(tmp_path):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    open_plan(ui)
    ui.plan_rows[0].try_button.click()
    assert person(saved(path), "Ivy Jones")["roles"] == {"analyst": 0.5, "technologist": 0.5}
    ui.plan_rows[0].keep.click()
    assert person(saved(path), "Ivy Jones")["roles"] == {"technologist": 1.0}
    assert "Plan step 1: Ivy Jones gives up the analyst role" in ui.status.value
    assert ui.undo_button.tooltip.startswith("Undo: Plan step 1: Ivy Jones gives up")
    assert len(ui.state._done) == 1
    # The plan is worked out again for the team as it now is: training is what is left.
    assert [r.number for r in ui.plan_rows] == [1]
    assert "Train Gus Hall" in ui.plan_rows[0].text.value and ui.plan_rows[0].trial.value == ""
    assert ui.state.result.score == 90
    ui.undo_button.click()
    assert person(saved(path), "Ivy Jones")["roles"] == {"analyst": 0.5, "technologist": 0.5}
    assert [r.number for r in ui.plan_rows] == [1, 2] and ui.state.result.score == 70


def test_keep_on_a_later_step_keeps_the_steps_before_it_too(tmp_path):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    open_plan(ui)
    ui.plan_rows[1].keep.click()
    data = saved(path)
    assert person(data, "Ivy Jones")["roles"] == {"technologist": 1.0}
    assert all(person(data, n)["integration_training"] for n in ("Gus Hall", "Ivy Jones", "Lou Moss"))
    assert len(ui.state._done) == 1 and "Plan steps 1 and 2" in ui.status.value
    assert "No plan steps" in shown_text(ui) and ui.state.result.score == 100


def test_the_plan_waits_for_the_problems_to_be_fixed(tmp_path):
    ui = workshop.start(twelve(tmp_path), show=False)
    ui.person_rows[1].shares["technologist"].value = 80  # Ana Ruiz at 180%: a problem, not saved
    open_plan(ui)
    assert ui.plan_rows == [] and "Fix the problems marked in red" in ui.plan_intro.value
    ui.undo_button.click()
    assert [r.number for r in ui.plan_rows] == [1, 2]


def test_the_guided_plan_step_shows_the_plan_tab(tmp_path):
    ui = workshop.start(twelve(tmp_path), show=False)
    ui.guide.value = "plan-whatif"
    assert ui.tabs.selected_index == app.TABS.index("Plan") and [r.number for r in ui.plan_rows] == [1, 2]
    ui.guide.value = "handout"
    assert ui.tabs.selected_index == app.TABS.index("Hand-out")


def test_a_step_agreed_as_an_action_is_written_to_the_file_and_reviewed_next_time(tmp_path):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    open_plan(ui)
    step = ui.plan_shown.plan[0]
    agree = ui.plan_rows[0].agree
    assert agree.description == "Agree as an action" and step.title.rstrip(".") in agree.tooltip
    agree.click()
    actions = saved(path)["actions"]
    assert [(a["title"], a["from_step"]) for a in actions] == [(step.title.rstrip("."), 1)]
    assert {(f["id"], f.get("pod")) for f in actions[0]["findings"]} == {(f.id, f.pod) for f in step.addresses}
    # The team is unchanged, so the next assessment finds the action's findings still open.
    assert person(saved(path), "Ivy Jones")["roles"] == {"analyst": 0.5, "technologist": 0.5}
    review = ui.state.result.actions[0]
    assert review.from_step == 1 and review.resolved is False
    # Agreeing the same step twice is refused in words; Undo takes the action back.
    agree.click()
    assert "already among the agreed actions" in ui.status.value and len(saved(path)["actions"]) == 1
    ui.undo_button.click()
    assert "actions" not in saved(path) or saved(path)["actions"] == []
    # A practice can be agreed too.
    practices = [r for r in ui.plan_rows if r.practice]
    assert all(r.agree is not None for r in practices)
