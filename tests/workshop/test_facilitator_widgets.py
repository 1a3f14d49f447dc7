"""The facilitator's workshop without a browser: start screen, undo through the buttons, guided steps,
people's words, labelled buttons and readable colours."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import ipywidgets as w
import yaml

from podcheck import workshop
from podcheck.workshop import start_screen
from podcheck.workshop.session import session
from podcheck.workshop.startscreen import assessment_files

ROOT = Path(__file__).resolve().parents[2]
TWELVE = Path(__file__).with_name("twelve.yaml")
CSS = ROOT / "templates" / "workshop" / "workshop.css"


def saved(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def twelve(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    shutil.copy(TWELVE, path)
    return path


def test_remove_then_undo_button_brings_the_person_back_and_a_double_click_removes_one(tmp_path, monkeypatch):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    clock = iter([100.0, 100.2, 105.0])
    monkeypatch.setattr("podcheck.workshop.team.time.monotonic", lambda: next(clock))
    ui.person_rows[2].remove.click()
    ui.person_rows[2].remove.click()  # the second click of a double click, now on Cy Diaz's row
    assert [p["name"] for p in saved(path)["people"]][:3] == ["Hana Ito", "Ana Ruiz", "Cy Diaz"]
    assert "Removed Bo Chen" in ui.status.value and "Undo brings Bo Chen back" in ui.status.value
    assert ui.undo_button.tooltip == "Undo: Remove Bo Chen" and not ui.undo_button.disabled
    ui.undo_button.click()
    assert [p["name"] for p in saved(path)["people"]][2] == "Bo Chen"
    assert ui.person_rows[2].name.value == "Bo Chen" and len(ui.person_rows) == 12
    assert not ui.redo_button.disabled
    ui.person_rows[2].remove.click()  # later: a removal of its own
    assert len(saved(path)["people"]) == 11


def test_earlier_versions_list_goes_back_to_one(tmp_path):
    path = twelve(tmp_path)
    ui = workshop.start(path, show=False)
    ui.person_rows[11].remove.click()
    ui.pod_rows[0].projects.value = "4"
    ui.versions_button.value = True
    rows = ui.versions_box.children
    assert len(rows) == 2
    assert "12 people in 2 pods" in rows[1].children[1].value and "Remove Lou Moss" in rows[1].children[1].value
    rows[1].children[0].click()
    assert len(saved(path)["people"]) == 12 and saved(path)["pods"][0]["active_projects"] == 3


def test_a_guided_step_shows_its_part_of_the_form_its_findings_and_questions(tmp_path):
    ui = workshop.start(twelve(tmp_path), show=False)
    assert all(s.layout.display in ("", None) for s in ui.team_sections.values())
    ui.guide.value = "dual-roles"
    assert ui.team_sections["facts"].layout.display == "none" and ui.team_sections["people"].layout.display == ""
    assert "Ask the room" in ui.guide_panel.value and "about 10 minutes" in ui.guide_panel.value
    assert re.findall(r"data-finding='([^']+)'", ui.guide_panel.value) == ["dual-role.analyst-technologist"]
    ui.guide.value = "scaling"
    assert ui.tabs.selected_index == 0 and ui.team_sections["facts"].layout.display == ""
    shown = [q for q, box in ui.question_boxes.items() if box.layout.display != "none"]
    assert set(shown) == set(session().step("scaling").questions)
    ui.guide_next.click()
    assert ui.guide.value == "questionnaire" and ui.tabs.selected_index == 1
    assert all(box.layout.display != "none" for box in ui.question_boxes.values())
    ui.guide.value = "handout"
    assert ui.tabs.selected_index == 4 and ui.guide_next.disabled  # after the Plan tab


def test_words_the_room_reads_name_people_pods_and_questions_in_percent(tmp_path):
    path = tmp_path / "one.yaml"
    ui = workshop.start(path, show=False)  # a blank unit: its pod is "Pod 1", nobody in it yet
    assert "not enough facts" in ui.headline.value and "not enough facts" in ui.stage.value
    ui.pod_rows[0].projects.value = "2"
    assert "Pod 1: active projects 2" in ui.status.value and "pod Pod" not in ui.status.value
    ui.new_name.value = "Bo"
    ui.new_role.value = "technologist"
    ui._add_person()
    ui.person_rows[0].shares["analyst"].value = 60
    assert "role sliders add up to 160%" in ui.person_rows[0].errors.value
    assert "people[0]" not in ui.person_rows[0].errors.value + ui.status.value
    ui.person_rows[0].shares["analyst"].value = 0
    ui.answer_scores["overlap-technology"].value = 2
    assert "overlap-technology" not in ui.status.value and "answered 2 of 5" in ui.status.value


def buttons(widget: w.Widget) -> list[w.Widget]:
    found = []
    if isinstance(widget, (w.Button, w.ToggleButton)):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += buttons(child)
    return found


def test_every_button_says_what_it_does(tmp_path):
    ui = workshop.start(twelve(tmp_path), show=False)
    ui.versions_button.value = True
    for button in buttons(ui.widget):
        assert button.description.strip() or button.tooltip, f"a button with icon {button.icon} has no label"
    assert ui.person_rows[3].remove.tooltip == "Remove Cy Diaz"
    assert ui.pod_rows[1].remove.tooltip == "Remove pod Billing"


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_meet_aa_contrast():
    css = CSS.read_text(encoding="utf-8")
    # Every rule that sets both a text colour and a background meets AA (4.5:1) on it; text colours
    # without a background of their own are read on white.
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
        if not colour:
            continue
        background = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body)
        against = background.group(1) if background else "#ffffff"
        if "stage-banner" in selector or "headline" in selector:
            against = background.group(1) if background else "#0d3b66"  # text on the dark banner
        ratio = contrast(colour.group(1), against)
        assert ratio >= 4.5, f"{selector.strip()}: {colour.group(1)} on {against} is {ratio:.2f}:1"
    # The finding cards' severity words on their tinted backgrounds.
    for text, back in (("#c62828", "#fdecea"), ("#b34f00", "#fff4e5"), ("#1565c0", "#e8f1fb"), ("#555", "#f3f3f3")):
        assert contrast(text, back) >= 4.5, (text, back)


def test_start_screen_continues_the_last_file_starts_new_ones_and_imports_a_roster(tmp_path):
    folder = tmp_path / "workshops"
    launch = start_screen(folder)
    assert launch.screen.continue_line.layout.display == "none"
    launch.screen.organization.value, launch.screen.unit.value = "Contoso", "Field Apps"
    launch.screen.new_button.click()
    created = folder / "field-apps.yaml"
    assert saved(created)["unit"] == "Field Apps" and launch.workshop is not None
    assert launch.holder.children == (launch.workshop.widget,)
    again = start_screen(folder)
    assert "Contoso · Field Apps" in again.screen.continue_text.value
    again.screen.continue_button.click()
    assert again.workshop is not None and again.workshop.state.path == created
    fresh = start_screen(folder)
    fresh.screen.roster.value = tuple(
        {"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
         "last_modified": dt.datetime.now(dt.UTC)}
        for name in ("roster-example.csv", "roster-example-facts.csv")
        for data in [(ROOT / "assessments" / name).read_bytes()])
    assert fresh.workshop is not None, fresh.screen.message.value
    assert len(assessment_files(folder)) > 1


def test_the_hand_out_can_leave_names_out(tmp_path):
    ui = workshop.start(twelve(tmp_path), tmp_path / "out", show=False)
    ui.handout_pdf.value = False
    ui.handout_names.value = "roles"
    written = ui.write_handout()
    text = written["html"].read_text(encoding="utf-8")
    assert "Ivy Jones" not in text and "Technologist 4" in text
