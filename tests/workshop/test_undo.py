"""Undo, redo and earlier versions: every accepted change can be taken back, on screen and in the file."""

from __future__ import annotations

import yaml

from podcheck import workshop as ws


def saved(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def names(path):
    return [p["name"] for p in saved(path)["people"]]


def test_undo_brings_a_removed_person_back_in_the_file_and_redo_removes_them_again(unit_file):
    state = ws.WorkshopState.open(unit_file)
    assert not state.can_undo
    assert state.apply(ws.remove_person("Bo Chen")).accepted
    assert names(unit_file) == ["Ana Ruiz"]
    assert state.undo_description == "remove Bo Chen"
    outcome = state.undo()
    assert outcome.accepted and names(unit_file) == ["Ana Ruiz", "Bo Chen"]
    assert saved(unit_file)["people"][1]["integration_training"] is True  # all of Bo, not a stub
    assert state.can_redo and not state.can_undo
    assert state.redo().accepted and names(unit_file) == ["Ana Ruiz"]
    assert state.can_undo and not state.can_redo


def test_a_new_change_after_undo_clears_redo(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.add_pod("Billing"))
    state.undo()
    state.apply(ws.add_pod("Orders"))
    assert not state.can_redo
    assert [p["name"] for p in saved(unit_file)["pods"]] == ["CRM", "Orders"]


def test_undo_while_a_draft_is_invalid_puts_back_the_team_as_last_saved(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.add_pod("Billing"))
    assert not state.apply(ws.set_role_share(0, "analyst", 0.5)).accepted  # lead 1.0 + analyst 0.5
    assert not state.valid
    assert state.undo().accepted
    assert state.valid and [p["name"] for p in state.data["pods"]] == ["CRM", "Billing"]
    assert state.undo().accepted  # and then the pod
    assert [p["name"] for p in saved(unit_file)["pods"]] == ["CRM"]


def test_nothing_to_undo_is_said_plainly(unit_file):
    state = ws.WorkshopState.open(unit_file)
    outcome = state.undo()
    assert not outcome.accepted and outcome.refused == "Nothing to undo."
    assert state.redo().refused == "Nothing to redo."


def test_earlier_versions_are_listed_newest_first_and_one_can_be_restored(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.add_pod("Billing"))
    state.apply(ws.remove_person("Bo Chen"))
    versions = state.versions()
    assert [v.replaced_by for v in versions] == ["remove Bo Chen", "add pod Billing"]
    assert versions[0].summary == "2 people in 2 pods"
    assert versions[1].summary == "2 people in 1 pod"
    assert state.restore(versions[1]).accepted
    assert names(unit_file) == ["Ana Ruiz", "Bo Chen"] and len(saved(unit_file)["pods"]) == 1
    # Going back is itself a change: undo returns to where the team was.
    assert state.undo().accepted
    assert names(unit_file) == ["Ana Ruiz"] and len(saved(unit_file)["pods"]) == 2
