"""The workshop's state without a browser: edits, invalid values, autosave with history, what-if."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml

import podcheck
from podcheck import workshop as ws


def finding_ids(result: podcheck.Result) -> set[str]:
    return {f.id for f in result.findings}


def on_disk(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def person(data: dict, name: str) -> dict:
    return next(p for p in data["people"] if p["name"] == name)


def test_new_file_is_created_blank_valid_and_assessable(tmp_path, run_cli):
    path = tmp_path / "new" / "unit.yaml"
    state = ws.WorkshopState.open(path, organization="Acme", unit="Payments")
    assert state.valid and path.exists()
    assert on_disk(path)["unit"] == "Payments"
    assert state.result is not None and state.result.stage.id == "ad-hoc"
    run = run_cli("assess", path, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["unit"] == "Payments"


def test_adding_an_analyst_resolves_the_missing_analyst_finding_and_saves(unit_file, run_cli):
    state = ws.WorkshopState.open(unit_file)
    assert "roles.missing-analyst" in finding_ids(state.result)
    outcome = state.apply(ws.add_person("Cy Diaz", "CRM", roles={"analyst": 0.6}, background="business-process"))
    assert outcome.accepted and outcome.saved == unit_file
    assert "roles.missing-analyst" not in finding_ids(state.result)
    saved = on_disk(unit_file)
    assert person(saved, "Cy Diaz") == {"name": "Cy Diaz", "pod": "CRM", "roles": {"analyst": 0.6},
                                        "background": "business-process"}
    # The saved file is an ordinary assessment: the CLI reads it and agrees with the workshop.
    run = run_cli("assess", unit_file, "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["stage"]["id"] == state.result.stage.id
    assert {f["id"] for f in json.loads(run.out)["findings"]} == finding_ids(state.result)


def test_invalid_share_is_shown_by_field_and_never_saved(unit_file):
    state = ws.WorkshopState.open(unit_file)
    before = unit_file.read_bytes()
    outcome = state.apply(ws.set_role_share("Bo Chen", "analyst", 0.5))  # 1.0 + 0.5 > one person's week
    assert not outcome.accepted and outcome.saved is None
    assert unit_file.read_bytes() == before
    assert "fix the 1 problem" in outcome.message
    errors = state.field_errors(["people[1].roles", "people[1].name"])
    assert list(errors) == ["people[1].roles"]
    assert "add up to 1.5" in errors["people[1].roles"][0]
    # The result still shows the team as saved until the problem is fixed.
    assert "roles.missing-analyst" in finding_ids(state.result)
    fixed = state.apply(ws.set_role_share("Bo Chen", "technologist", 0.5))
    assert fixed.accepted and state.valid
    assert person(on_disk(unit_file), "Bo Chen")["roles"] == {"technologist": 0.5, "analyst": 0.5}
    assert "roles.missing-analyst" not in finding_ids(state.result)
    assert "dual-role.analyst-technologist" in finding_ids(state.result)


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda: ws.edit_pod("CRM", active_projects="lots"), "pods[0].active_projects", "whole number"),
    (lambda: ws.set_fact("context.platform", "excel"), "context.platform", "not allowed"),
    (lambda: ws.edit_person("Bo Chen", name=""), "people[1].name", "must not be empty"),
    (lambda: ws.edit_person("Ana Ruiz", reports_to="Nobody"), "people[0].reports_to", "no person named 'Nobody'"),
    (lambda: ws.set_fact("assessed_on", "next tuesday"), "assessed_on", "YYYY-MM-DD"),
])
def test_invalid_values_are_mapped_to_their_field_in_plain_words(unit_file, change, path, words):
    state = ws.WorkshopState.open(unit_file)
    before = unit_file.read_bytes()
    assert not state.apply(change()).accepted
    errors = state.field_errors([path])
    assert path in errors and words in " ".join(errors[path])
    assert "Traceback" not in " ".join(errors[path])
    assert unit_file.read_bytes() == before


def test_problems_without_a_field_fall_back_to_the_nearest_one():
    problems = [podcheck.Problem("f.yaml", "people[2].roles.analyst", "bad share"),
                podcheck.Problem("f.yaml", "people[7].pod", "no such pod"),
                podcheck.Problem("f.yaml", "", "whole file")]
    mapped = ws.field_errors(problems, ["people[2].roles", "people[7]"])
    assert mapped == {"people[2].roles": ["bad share"], "people[7]": ["no such pod"], "": ["whole file"]}


def test_describe_path_names_people_and_pods():
    data = {"people": [{"name": "Ana"}, {"name": "Bo"}], "pods": [{"name": "CRM"}]}
    assert ws.describe_path(data, "people[1].roles.analyst") == "Bo › roles › analyst"
    assert ws.describe_path(data, "pods[0].active_projects") == "pod CRM › active projects"


def test_renames_follow_through_to_people_reporting_lines_and_head(unit_file):
    state = ws.WorkshopState.open(unit_file)
    assert state.apply(ws.set_fact("head_of_integration", "Ana Ruiz")).accepted
    assert state.apply(ws.edit_person("Bo Chen", reports_to="Ana Ruiz")).accepted
    assert state.apply(ws.edit_pod("CRM", name="Customer Systems")).accepted
    assert state.apply(ws.edit_person("Ana Ruiz", name="Ana Ruiz-Diaz")).accepted
    saved = on_disk(unit_file)
    assert saved["pods"][0]["name"] == "Customer Systems"
    assert {p["pod"] for p in saved["people"]} == {"Customer Systems"}
    assert saved["head_of_integration"] == "Ana Ruiz-Diaz"
    assert person(saved, "Bo Chen")["reports_to"] == "Ana Ruiz-Diaz"


def test_removing_a_person_clears_lines_to_them(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.edit_person("Bo Chen", reports_to="Ana Ruiz"))
    state.apply(ws.set_fact("head_of_integration", "Ana Ruiz"))
    assert state.apply(ws.remove_person("Ana Ruiz")).accepted
    saved = on_disk(unit_file)
    assert [p["name"] for p in saved["people"]] == ["Bo Chen"]
    assert "reports_to" not in saved["people"][0] and "head_of_integration" not in saved
    assert "roles.missing-lead" in finding_ids(state.result)


def test_a_pod_with_people_cannot_be_removed(unit_file):
    state = ws.WorkshopState.open(unit_file)
    before = unit_file.read_bytes()
    outcome = state.apply(ws.remove_pod("CRM"))
    assert not outcome.accepted and "still has 2 people" in outcome.message
    assert unit_file.read_bytes() == before and state.valid
    assert state.apply(ws.add_pod("ERP", focus="domain")).accepted
    assert state.apply(ws.remove_pod("ERP")).accepted
    assert [p["name"] for p in on_disk(unit_file)["pods"]] == ["CRM"]


def test_answers_and_notes_are_saved_and_scored(unit_file):
    state = ws.WorkshopState.open(unit_file)
    qid = podcheck.questions()[0].id
    assert state.apply(ws.set_answer(qid, 2, "Only Bo knows the platform")).accepted
    assert on_disk(unit_file)["answers"] == {qid: {"score": 2, "note": "Only Bo knows the platform"}}
    assert f"practice.{qid}" in finding_ids(state.result)
    assert state.apply(ws.set_answer(qid, None)).accepted
    assert "answers" not in on_disk(unit_file)


def test_every_accepted_edit_keeps_what_it_replaced_bounded(unit_file):
    original = unit_file.read_text(encoding="utf-8")
    state = ws.WorkshopState.open(unit_file, history_keep=3)
    for n in range(1, 6):
        assert state.apply(ws.edit_pod("CRM", active_projects=n)).accepted
    history = state.history()
    assert len(history) == 3
    assert all(p.parent.name == ".history" for p in history)
    # Oldest first; the newest copy is the version just before the last edit.
    assert on_disk(history[-1])["pods"][0]["active_projects"] == 4
    assert original not in [p.read_text(encoding="utf-8") for p in history]  # the original aged out
    # An edit that changes nothing writes nothing.
    assert state.apply(ws.edit_pod("CRM", active_projects=5)).saved is None
    assert len(state.history()) == 3
    assert not list(unit_file.parent.glob(".*.part"))


def test_first_save_keeps_the_hand_written_original(unit_file):
    original = unit_file.read_text(encoding="utf-8")
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.edit_pod("CRM", focus="support"))
    assert [p.read_text(encoding="utf-8") for p in state.history()] == [original]


def test_what_if_leaves_the_file_untouched_until_kept(unit_file):
    state = ws.WorkshopState.open(unit_file)
    saved = unit_file.read_bytes()
    what_if = state.what_if()
    assert what_if.try_change(ws.add_person("New Hire", "CRM", roles={"analyst": 1.0})).accepted
    assert what_if.try_change(ws.give_role("lead", "Bo Chen", 0.2)).refused  # Bo already gives all his time
    cmp = what_if.comparison()
    assert [f.id for f in cmp.resolved] == ["roles.missing-analyst"] and not cmp.added
    assert cmp.before.stage.id == "ad-hoc" and cmp.after.stage.id == "minimum-viable" and cmp.stage_changed
    assert unit_file.read_bytes() == saved and "roles.missing-analyst" in finding_ids(state.result)
    what_if.discard()
    assert unit_file.read_bytes() == saved and what_if.after == what_if.before

    assert what_if.try_change(ws.add_person("New Hire", "CRM", roles={"analyst": 1.0})).accepted
    outcome = what_if.keep()
    assert outcome.accepted and outcome.saved == unit_file
    assert "New Hire" in [p["name"] for p in on_disk(unit_file)["people"]]
    assert state.result.stage.id == "minimum-viable"


def test_what_if_scenarios_move_give_hire_split(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.add_person("Cy Diaz", "CRM", roles={"analyst": 1.0}, background="business-analysis"))
    state.apply(ws.add_person("Di Evans", "CRM", roles={"technologist": 1.0}, background="mis"))
    state.apply(ws.add_pod("ERP", focus="domain"))
    what_if = state.what_if()
    assert what_if.try_change(ws.split_pod("CRM", "CRM 2", ["Di Evans"])).accepted
    after = finding_ids(what_if.after)
    assert {"roles.missing-lead", "roles.missing-analyst"} <= after
    assert what_if.try_change(ws.move_person("Cy Diaz", "ERP")).accepted
    assert what_if.try_change(ws.give_role("lead", "Bo Chen", from_="Ana Ruiz")).refused  # Bo is full time
    assert what_if.try_change(ws.give_role("lead", "Di Evans", 0.0001, from_="Ana Ruiz")).refused  # 1.0001 > 1
    assert what_if.try_change(ws.edit_person("Bo Chen", pod="ERP")).accepted
    assert what_if.try_change(ws.set_role_share("Bo Chen", "technologist", 0.5)).accepted
    # Handing over Ana's only role would leave a core member with none: refused, and said why.
    refused = what_if.try_change(ws.give_role("lead", "Bo Chen", 0.5, from_="Ana Ruiz"))
    assert "Ana Ruiz › roles: a core member needs at least one role" in refused.refused
    assert what_if.try_change(ws.give_role("lead", "Bo Chen", 0.5)).accepted
    pods_after = {p.name: p for p in what_if.after.pods}
    assert set(pods_after) == {"CRM", "CRM 2", "ERP"}
    assert pods_after["ERP"].role_shares["lead"] == 0.5 and pods_after["CRM"].role_shares["lead"] == 1.0
    assert len(what_if.changes) == 5
    what_if.undo()
    assert {p.name: p for p in what_if.after.pods}["ERP"].role_shares["lead"] == 0
    # Nothing of it reached the file.
    assert [p["name"] for p in on_disk(unit_file)["pods"]] == ["CRM", "ERP"]


def test_what_if_follows_edits_made_meanwhile(unit_file):
    state = ws.WorkshopState.open(unit_file)
    what_if = state.what_if()
    assert what_if.try_change(ws.add_person("New Hire", "CRM", roles={"analyst": 1.0})).accepted
    state.apply(ws.edit_pod("CRM", active_projects=9))
    what_if.refresh()
    assert what_if.keep().accepted
    saved = on_disk(unit_file)
    assert saved["pods"][0]["active_projects"] == 9 and "New Hire" in [p["name"] for p in saved["people"]]


def test_what_if_refuses_while_the_team_has_problems(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.edit_pod("CRM", name=""))
    with pytest.raises(ws.WorkshopError, match="fix the problems"):
        state.what_if()


def test_unknown_people_and_roles_are_refused_in_plain_words(unit_file):
    state = ws.WorkshopState.open(unit_file)
    outcome = state.apply(ws.move_person("Zoe", "CRM"))
    assert outcome.refused == "Cannot move Zoe to pod CRM: no person named 'Zoe'."
    with pytest.raises(ws.WorkshopError, match="not a role"):
        ws.set_role_share("Ana Ruiz", "architect", 0.5)


def test_reopening_resumes_from_the_file(unit_file):
    state = ws.WorkshopState.open(unit_file)
    state.apply(ws.add_person("Cy Diaz", "CRM", roles={"analyst": 0.5}))
    state.apply(ws.set_fact("assessed_on", "2026-12-01"))
    again = ws.WorkshopState.open(unit_file)
    assert again.data == state.data | {"assessed_on": dt.date(2026, 12, 1)}
    assert again.result.findings == state.result.findings


# ---------------------------------------------------------------- edits made to the file meanwhile


def names(data: dict) -> list[str]:
    return [p["name"] for p in data["people"]]


def test_two_workshops_on_one_file_lose_neither_edit(unit_file):
    first = ws.WorkshopState.open(unit_file)
    second = ws.WorkshopState.open(unit_file)  # a second tab, or a second kernel
    assert first.apply(ws.add_person("Cy Diaz", "CRM", roles={"analyst": 0.6})).saved == unit_file

    outcome = second.apply(ws.edit_pod("CRM", active_projects=7))
    # The first workshop's edit stays in the file; the second's is kept in a copy, and said so.
    assert outcome.accepted and outcome.saved is None
    assert "Cy Diaz" in names(on_disk(unit_file)) and on_disk(unit_file)["pods"][0]["active_projects"] == 2
    copy = outcome.conflict.copy
    assert second.conflict == outcome.conflict and copy.parent == unit_file.parent / ".history"
    assert on_disk(copy)["pods"][0]["active_projects"] == 7 and "Cy Diaz" not in names(on_disk(copy))
    assert outcome.message == (f"Not saved to team.yaml: it was changed outside this workshop. This session's version "
                               f"is kept in .history/{copy.name}; reload the file, or keep your version.")
    # Further edits go on into the same copy, never into the file.
    assert second.apply(ws.edit_pod("CRM", focus="support")).conflict.copy == copy
    assert on_disk(copy)["pods"][0]["focus"] == "support" and on_disk(unit_file)["pods"][0]["focus"] == "domain"

    # Reloading takes the file's version; the copy stays.
    assert second.reload().accepted and second.conflict is None
    assert "Cy Diaz" in names(second.data) and second.data["pods"][0]["focus"] == "domain"
    assert "Cy Diaz" in {p.name for p in second.model.people} and copy.exists()
    assert second.apply(ws.edit_pod("CRM", active_projects=7)).saved == unit_file

    # Now the first workshop is behind; keeping its version puts the other one in .history.
    behind = first.apply(ws.set_fact("context.process", "ad-hoc"))
    assert behind.conflict is not None and on_disk(unit_file)["context"]["process"] == "defined"
    kept = first.keep_mine()
    assert kept.accepted and kept.saved == unit_file and first.conflict is None
    assert on_disk(unit_file)["context"]["process"] == "ad-hoc"
    assert on_disk(first.history()[-1])["pods"][0]["active_projects"] == 7
    # Back in step: the next edit is saved as usual.
    assert first.apply(ws.edit_pod("CRM", active_projects=3)).saved == unit_file


def test_a_hand_edit_between_two_saves_is_kept(unit_file):
    state = ws.WorkshopState.open(unit_file)
    assert state.apply(ws.edit_pod("CRM", active_projects=4)).saved == unit_file
    by_hand = unit_file.read_text(encoding="utf-8").replace("organization: Testing Co\n", "organization: Testing Ltd\n")
    unit_file.write_text(by_hand, encoding="utf-8")

    outcome = state.apply(ws.edit_pod("CRM", active_projects=5))
    assert outcome.saved is None and outcome.conflict is not None
    assert unit_file.read_text(encoding="utf-8") == by_hand
    assert on_disk(outcome.conflict.copy)["pods"][0]["active_projects"] == 5
    assert on_disk(outcome.conflict.copy)["organization"] == "Testing Co"

    # A file broken by hand cannot be reloaded: said so, and nothing changes.
    unit_file.write_text("people: [\n", encoding="utf-8")
    refused = state.reload()
    assert not refused.accepted and refused.refused.startswith("Cannot reload team.yaml: ")
    assert state.conflict == outcome.conflict and state.data["pods"][0]["active_projects"] == 5
    unit_file.write_text(by_hand, encoding="utf-8")
    assert state.reload().accepted
    assert state.data["organization"] == "Testing Ltd" and state.data["pods"][0]["active_projects"] == 4
    assert state.apply(ws.edit_pod("CRM", active_projects=6)).saved == unit_file
    assert on_disk(unit_file)["organization"] == "Testing Ltd"


def test_a_file_touched_or_rewritten_the_same_is_not_a_conflict(unit_file):
    state = ws.WorkshopState.open(unit_file)
    assert state.apply(ws.edit_pod("CRM", active_projects=4)).saved == unit_file
    text = unit_file.read_bytes()
    unit_file.unlink()
    unit_file.write_bytes(text)  # a new file (another inode) with the same content
    os.utime(unit_file, (1, 1))
    assert state.apply(ws.edit_pod("CRM", active_projects=5)).saved == unit_file
    assert state.conflict is None and on_disk(unit_file)["pods"][0]["active_projects"] == 5


def test_a_file_that_exists_but_was_never_read_is_not_overwritten(unit_file):
    # A state made from data (not opened from the file) must not replace a file it has not seen.
    state = ws.WorkshopState(unit_file, ws.blank())
    before = unit_file.read_bytes()
    outcome = state.apply(ws.set_fact("unit", "Other"))
    assert outcome.conflict is not None and unit_file.read_bytes() == before
