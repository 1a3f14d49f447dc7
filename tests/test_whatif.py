"""`podcheck what-if FILE CHANGES` (contract 5.3): each kind of change, bad CHANGES files, FILE untouched.

The change vocabulary itself (podcheck.changes) is checked on file-form data where the exact edit matters;
everything else goes through the command line as a user runs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from podcheck import changes as ch
from podcheck.cli import main

TEAM = """\
schema: podcheck/1
organization: Acme Corp
unit: Payments
assessed_on: 2026-11-20
pods:
  - {name: CRM, focus: domain}
  - {name: ERP, focus: domain}
people:
  - {name: Ana Ruiz, pod: CRM, roles: {lead: 1.0}, background: business-analysis}
  - {name: Bo Chen, pod: CRM, roles: {technologist: 0.5, analyst: 0.5}, background: software-engineering}
  - {name: Cy Diaz, pod: ERP, roles: {lead: 1.0}, background: mis}
  - {name: Di Evans, pod: ERP, roles: {technologist: 1.0}, background: mis}
  - {name: Ed Fox, pod: ERP, roles: {analyst: 1.0}, background: business-process}
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "payments.yaml"
    path.write_text(TEAM, encoding="utf-8")
    return path


def write_changes(folder: Path, items: Any, name: str = "changes.yaml") -> Path:
    path = folder / name
    path.write_text(items if isinstance(items, str) else yaml.safe_dump(items, sort_keys=False), encoding="utf-8")
    return path


def what_if(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run `podcheck what-if ARGS` in this process (the same entry point as the command)."""
    code = main(["what-if", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def result_after(capsys: pytest.CaptureFixture[str], team: Path, items: list[dict]) -> dict:
    code, out, err = what_if(capsys, team, write_changes(team.parent, items), "--format", "json")
    assert code == 0, err
    return json.loads(out)


def findings(result: dict) -> set[tuple[str, str | None]]:
    return {(f["id"], f["pod"]) for f in result["findings"]}


def pod(result: dict, name: str) -> dict:
    return next(p for p in result["pods"] if p["name"] == name)


# ---------------------------------------------------------------- each kind of change, through the CLI


KINDS: list[tuple[str, list[dict], Any]] = [
    ("add-person", [{"do": "add-person", "name": "Fay Gao", "pod": "CRM", "roles": {"analyst": 1.0},
                     "background": "business-analysis"},
                    {"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}],
     lambda r: ("dual-role.analyst-technologist", "CRM") not in findings(r) and pod(r, "CRM")["core"] == 3),
    ("edit-person", [{"do": "edit-person", "person": "Bo Chen", "background": "mis", "integration_training": True}],
     lambda r: ("developer-trap", "CRM") not in findings(r)),
    ("remove-person", [{"do": "remove-person", "person": "Ed Fox"}],
     lambda r: ("roles.missing-analyst", "ERP") in findings(r) and pod(r, "ERP")["core"] == 2),
    ("move-person", [{"do": "move-person", "person": "Ed Fox", "pod": "CRM"}],
     lambda r: pod(r, "CRM")["core"] == 3 and ("roles.missing-analyst", "ERP") in findings(r)),
    ("set-role", [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": None}],
     lambda r: ("dual-role.analyst-technologist", "CRM") not in findings(r)
     and ("roles.missing-analyst", "CRM") in findings(r)),
    ("add-pod", [{"do": "add-pod", "name": "HR", "focus": "domain", "active_projects": 2}],
     lambda r: pod(r, "HR")["core"] == 0 and pod(r, "HR")["active_projects"] == 2),
    ("edit-pod", [{"do": "edit-pod", "pod": "ERP", "lead_load": "heavy", "active_projects": 9}],
     lambda r: pod(r, "ERP")["lead_load"] == "heavy" and pod(r, "ERP")["core_limit"] == 6),
    ("remove-pod", [{"do": "move-person", "person": p, "pod": "CRM"} for p in ("Cy Diaz", "Di Evans", "Ed Fox")]
     + [{"do": "remove-pod", "pod": "ERP"}],
     lambda r: [p["name"] for p in r["pods"]] == ["CRM"] and r["stage"]["id"] == "single-pod"),
    ("split-pod", [{"do": "split-pod", "pod": "ERP", "new_pod": "ERP 2", "people": ["Di Evans"],
                    "focus": "difficulty"}],
     lambda r: pod(r, "ERP 2")["core"] == 1 and pod(r, "ERP 2")["focus"] == "difficulty"
     and ("scaling.no-head-of-integration", None) in findings(r)),
    ("set-fact", [{"do": "add-person", "name": "Lee Park"},
                  {"do": "set-fact", "path": "head_of_integration", "value": "Lee Park"},
                  {"do": "set-fact", "path": "context.platform", "value": "none"}],
     lambda r: r["stage"]["id"] == "program" and ("fundamentals.no-platform", None) in findings(r)),
    ("set-answer", [{"do": "set-answer", "question": "overlap-technology", "score": 1, "note": "nobody pairs"}],
     lambda r: any(f["id"].startswith("practice.") for f in r["findings"])),
]


@pytest.mark.parametrize(("kind", "items", "check"), KINDS, ids=[k for k, _, _ in KINDS])
def test_each_kind_of_change_shows_in_the_assessment(capsys, team, kind, items, check):
    assert check(result_after(capsys, team, items)), kind


def test_every_kind_of_change_is_tried_here():
    assert {k for k, _, _ in KINDS} == set(ch.KINDS)


def test_changes_apply_in_order_and_file_is_untouched(capsys, team):
    before_bytes, before_mtime = team.read_bytes(), team.stat().st_mtime_ns
    changes = write_changes(team.parent, [
        {"do": "add-pod", "name": "HR", "focus": "domain"},
        {"do": "move-person", "person": "Ed Fox", "pod": "HR"},  # needs the pod added just before
    ])
    for fmt in ("text", "json", "md", "html"):
        code, out, err = what_if(capsys, team, changes, "--format", fmt)
        assert code == 0, err
        assert out
    assert team.read_bytes() == before_bytes
    assert team.stat().st_mtime_ns == before_mtime


def test_text_and_reports_say_it_is_a_what_if(capsys, team):
    changes = write_changes(team.parent, [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}])
    code, out, _ = what_if(capsys, team, changes)
    assert code == 0
    head = out.splitlines()[:4]
    assert head[0].startswith(f"What if: {team} after 1 change from {changes}")
    assert head[1] == "  1. Bo Chen: no longer analyst"
    assert f"{team} is unchanged" in head[2]
    assert "Before: stage 3" in head[3] and "After: stage 3" in head[3]
    for fmt, marker in (("html", 'id="what-if"'), ("md", "## What if:")):
        code, out, _ = what_if(capsys, team, changes, "--format", fmt)
        assert code == 0 and marker in out and "Bo Chen: no longer analyst" in out and "is unchanged" in out


def test_json_is_the_plain_result_object(capsys, team):
    changes = write_changes(team.parent, [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}])
    _, plain, _ = what_if(capsys, team, write_changes(team.parent, [], "none.yaml"), "--format", "json")
    _, out, _ = what_if(capsys, team, changes, "--format", "json")
    assert set(json.loads(out)) == set(json.loads(plain))


def test_no_changes_gives_the_files_own_assessment(capsys, team, run_cli):
    _, out, _ = what_if(capsys, team, write_changes(team.parent, "[]\n"), "--format", "json")
    assessed = run_cli("assess", team, "--format", "json")
    assert json.loads(out) == json.loads(assessed.out)


def test_output_file_is_written_whole_and_a_failure_leaves_it(capsys, team, tmp_path):
    out = tmp_path / "whatif.html"
    good = write_changes(tmp_path, [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}])
    code, stdout, err = what_if(capsys, team, good, "--format", "html", "-o", out)
    assert code == 0 and stdout == "" and f"wrote {out}" in err
    written = out.read_bytes()
    assert written.rstrip().endswith(b"</html>") and b'id="what-if"' in written
    bad = write_changes(tmp_path, [{"do": "set-role", "person": "Bo Chn", "role": "analyst", "share": 0}], "bad.yaml")
    code, _, _ = what_if(capsys, team, bad, "--format", "html", "-o", out)
    assert code == 2 and out.read_bytes() == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "changes.yaml", "payments.yaml", "whatif.html"]


@pytest.mark.parametrize("which", ["file", "changes"])
def test_output_never_replaces_an_input(capsys, team, which):
    changes = write_changes(team.parent, [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}])
    target = team if which == "file" else changes
    before = target.read_bytes()
    code, _, err = what_if(capsys, team, changes, "-o", target)
    assert code == 2 and "names the input file" in err
    assert target.read_bytes() == before


def test_pdf_needs_an_output_file(capsys, team):
    changes = write_changes(team.parent, "[]\n")
    code, out, err = what_if(capsys, team, changes, "--format", "pdf")
    assert code == 2 and out == "" and "-o report.pdf" in err


# ---------------------------------------------------------------- bad CHANGES files: one line, exit 2


BAD: list[tuple[str, Any, str, str]] = [
    # (case, CHANGES content, place after the file name, words)
    ("not-a-list", {"do": "move-person"}, "", "the top level must be a list"),
    ("empty", "", "", "file is empty"),
    ("item-not-a-mapping", ["move Bo"], "[0]", "each change is a mapping"),
    ("no-do", [{"person": "Bo Chen"}], "[0].do", "says no `do`"),
    ("unknown-do", [{"do": "promote", "person": "Bo Chen"}], "[0].do", "unknown change 'promote'"),
    ("misspelled-do", [{"do": "move-persn", "person": "Bo Chen", "pod": "ERP"}], "[0].do",
     "did you mean 'move-person'?"),
    ("unknown-field", [{"do": "move-person", "person": "Bo Chen", "pod": "ERP", "when": "now"}], "[0].when",
     "move-person has no field 'when'"),
    ("missing-field", [{"do": "move-person", "person": "Bo Chen"}], "[0].pod", "is missing"),
    ("unknown-person", [{"do": "set-role", "person": "Ana Ruiz", "role": "lead", "share": 1},
                        {"do": "move-person", "person": "Bo Chn", "pod": "ERP"}], "[1].person",
     "no person named 'Bo Chn'; did you mean 'Bo Chen'?"),
    ("unknown-pod", [{"do": "move-person", "person": "Bo Chen", "pod": "ERB"}], "[0].pod",
     "no pod named 'ERB'; did you mean 'ERP'?"),
    ("unknown-role", [{"do": "set-role", "person": "Bo Chen", "role": "architect", "share": 1}], "[0].role",
     "'architect' is not one of: lead, technologist, analyst"),
    ("share-as-text", [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": "half"}], "[0].share",
     "must be a number, not text"),
    ("share-true", [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": True}], "[0].share",
     "must be a number, not true/false"),
    ("share-above-one", [{"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 2}], "[0].share",
     "must be between 0 and 1"),
    ("name-a-number", [{"do": "add-person", "name": 42, "pod": "CRM"}], "[0].name", "must be a name, not a number"),
    ("bad-background", [{"do": "edit-person", "person": "Bo Chen", "background": "wizard"}], "[0].background",
     "'wizard' is not one of"),
    ("roles-not-a-mapping", [{"do": "add-person", "name": "Fay", "pod": "CRM", "roles": ["analyst"]}], "[0].roles",
     "must be a mapping of role to share"),
    ("people-not-a-list", [{"do": "split-pod", "pod": "ERP", "new_pod": "X", "people": "Di Evans"}], "[0].people",
     "needs a list of the people"),
    ("split-outsider", [{"do": "split-pod", "pod": "ERP", "new_pod": "X", "people": ["Bo Chen"]}], "[0].people",
     "Bo Chen is not in pod ERP"),
    ("bad-fact", [{"do": "set-fact", "path": "context.platfrom", "value": "ipaas"}], "[0].path",
     "did you mean 'context.platform'?"),
    ("bad-fact-value", [{"do": "set-fact", "path": "context.platform", "value": "excel"}], "[0].value",
     "'excel' is not one of"),
    ("score-out-of-range", [{"do": "set-answer", "question": "overlap-technology", "score": 7}], "[0].score",
     "must be between 1 and 5"),
    ("remove-pod-with-people", [{"do": "remove-pod", "pod": "ERP"}], "[0].pod", "pod ERP still has 3 people"),
    ("shares-past-one", [{"do": "set-role", "person": "Ana Ruiz", "role": "analyst", "share": 0.5}], "[0]",
     "would leave {team} invalid: people[0].roles: role shares add up to 1.5"),
    ("duplicate-name", [{"do": "add-person", "name": "Bo Chen", "pod": "ERP", "roles": {"analyst": 1}}], "[0]",
     "would leave {team} invalid: people[5].name: person 'Bo Chen' is listed twice"),
    ("unknown-question", [{"do": "set-answer", "question": "overlap-tech", "score": 3}], "[0]",
     "answers.overlap-tech: unknown question id; did you mean 'overlap-technology'?"),
    ("python-tag", "- !!python/object/apply:os.system ['echo hi']\n", "", "podcheck refuses to load"),
    ("alias-bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)),
     "", "holds more than"),
    ("not-utf8", b"- do: move-person\n  person: B\xff\n", "", "is not UTF-8 text"),
    ("too-big", "# " + "x" * 5_000_001 + "\n", "", "may be at most"),
]


@pytest.mark.parametrize(("case", "content", "place", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_changes_file_is_one_line_exit_2(capsys, team, case, content, place, words):
    path = team.parent / "changes.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write_changes(team.parent, content)
    before = team.read_bytes()
    code, out, err = what_if(capsys, team, path)
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert len(lines) == 1, err
    prefix = f"podcheck: {path}: {place}: " if place else f"podcheck: {path}: "
    assert lines[0].startswith(prefix), lines[0]
    assert words.format(team=team) in lines[0]
    assert team.read_bytes() == before


def test_bad_changes_through_the_real_command(team, run_cli):
    changes = write_changes(team.parent, [{"do": "move-person", "person": "Bo Chn", "pod": "ERP"}])
    run = run_cli("what-if", team, changes)
    assert run.code == 2 and run.out == "" and "Traceback" not in run.err
    assert run.err == f"podcheck: {changes}: [0].person: no person named 'Bo Chn'; did you mean 'Bo Chen'? (line 2)\n"


def test_missing_changes_file_and_bad_team_file_are_named(capsys, team):
    code, _, err = what_if(capsys, team, team.parent / "nope.yaml")
    assert code == 2 and err == f"podcheck: {team.parent / 'nope.yaml'}: file not found\n"
    team.write_text(TEAM.replace("roles: {lead: 1.0}, background: mis", "roles: {lead: 1.5}, background: mis"))
    code, _, err = what_if(capsys, team, write_changes(team.parent, "[]\n"))
    assert code == 2 and err.startswith(f"podcheck: {team}: people[2].roles.lead:")


# ---------------------------------------------------------------- the vocabulary on file-form data


def data() -> dict:
    return yaml.safe_load(TEAM)


def test_items_round_trip_through_changes():
    items = [
        {"do": "add-person", "name": "Fay Gao", "pod": "CRM", "roles": {"analyst": 1.0}, "background": "mis"},
        {"do": "edit-person", "person": "Bo Chen", "background": "mis"},
        {"do": "remove-person", "person": "Ed Fox"},
        {"do": "move-person", "person": "Di Evans", "pod": "CRM"},
        {"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0},
        {"do": "add-pod", "name": "HR", "focus": "domain"},
        {"do": "edit-pod", "pod": "HR", "active_projects": 3},
        {"do": "split-pod", "pod": "CRM", "new_pod": "CRM 2", "people": ["Di Evans"]},
        {"do": "remove-pod", "pod": "HR"},
        {"do": "set-fact", "path": "context.process", "value": "defined"},
        {"do": "set-answer", "question": "overlap-technology", "score": 4, "note": "weekly pairing"},
    ]
    assert ch.to_items(ch.parse_item(i) for i in items) == items
    # Made from the constructors the workshop and the plan use, the same items come back.
    assert ch.to_items([ch.move_person("Di Evans", "CRM"), ch.set_role_share("Bo Chen", "analyst", None)]) == \
        [items[3], items[4]]


def test_a_change_given_by_position_has_no_item():
    with pytest.raises(ValueError, match="cannot be written"):
        ch.to_items([ch.remove_person(0)])


def two_pod_person() -> dict:
    team = data()
    bo = team["people"][1]
    del bo["pod"], bo["roles"]
    bo["assignments"] = [{"pod": "CRM", "roles": {"technologist": 0.5}}, {"pod": "ERP", "roles": {"analyst": 0.5}}]
    return team


def test_set_role_edits_the_assignment_in_the_named_pod():
    team = two_pod_person()
    ch.set_role_share("Bo Chen", "technologist", 0.25, pod="ERP").apply(team)
    assert team["people"][1]["assignments"] == [
        {"pod": "CRM", "roles": {"technologist": 0.5}}, {"pod": "ERP", "roles": {"technologist": 0.25, "analyst": 0.5}}]


def test_set_role_without_pod_for_a_person_in_several_pods_asks_which():
    with pytest.raises(ch.ChangeError, match=r"works in several pods \(CRM, ERP\); say which") as caught:
        ch.set_role_share("Bo Chen", "analyst", 0.5).apply(two_pod_person())
    assert caught.value.field == "pod"


def test_dropping_the_last_role_in_one_pod_leaves_a_one_pod_person():
    team = two_pod_person()
    ch.set_role_share("Bo Chen", "analyst", 0, pod="ERP").apply(team)
    assert {k: v for k, v in team["people"][1].items() if k != "background"} == \
        {"name": "Bo Chen", "pod": "CRM", "roles": {"technologist": 0.5}}


def test_a_role_in_a_second_pod_makes_assignments():
    team = data()
    ch.set_role_share("Bo Chen", "analyst", 0, pod="CRM").apply(team)
    ch.set_role_share("Bo Chen", "analyst", 0.5, pod="ERP").apply(team)
    assert team["people"][1]["assignments"] == [
        {"pod": "CRM", "roles": {"technologist": 0.5}}, {"pod": "ERP", "roles": {"analyst": 0.5}}]
    assert "pod" not in team["people"][1] and "roles" not in team["people"][1]


def test_pods_follow_assignments_when_renamed_split_or_removed():
    team = two_pod_person()
    ch.edit_pod("ERP", name="Finance").apply(team)
    assert team["people"][1]["assignments"][1]["pod"] == "Finance"
    ch.split_pod("Finance", "Finance 2", ["Bo Chen"]).apply(team)
    assert team["people"][1]["assignments"][1]["pod"] == "Finance 2"
    with pytest.raises(ch.ChangeError, match="pod Finance 2 still has 1 person"):
        ch.remove_pod("Finance 2").apply(team)
    with pytest.raises(ch.ChangeError, match="works in several pods"):
        ch.move_person("Bo Chen", "CRM").apply(team)


def test_workshop_uses_the_same_vocabulary():
    from podcheck import workshop
    from podcheck.workshop import changes as workshop_changes

    assert workshop.set_role_share is ch.set_role_share and workshop_changes.Change is ch.Change
    assert workshop.WorkshopError is ch.ChangeError



def test_names_in_the_changes_are_inert_in_reports(capsys, team):
    changes = write_changes(team.parent, [{"do": "add-person", "name": "<b>Eve</b> *x*", "pod": "CRM",
                                           "roles": {"analyst": 1.0}}])
    code, html, _ = what_if(capsys, team, changes, "--format", "html")
    assert code == 0
    section = html[html.index('id="what-if"'):html.index("</section>", html.index('id="what-if"'))]
    assert "&lt;b&gt;Eve&lt;/b&gt;" in section and "<b>Eve" not in section
    code, md, _ = what_if(capsys, team, changes, "--format", "md")
    assert code == 0 and "&lt;b&gt;Eve&lt;/b&gt; \\*x\\*" in md
