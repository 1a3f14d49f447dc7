"""Each kind of change a plan step can hold reads as a sentence, with names and shares as people say them."""

from __future__ import annotations

import pytest

from podcheck.render.plan import change_words


@pytest.mark.parametrize(("item", "words"), [
    ({"do": "add-person", "name": "New analyst for CRM", "pod": "CRM", "roles": {"analyst": 1.0},
      "background": "business-analysis"}, "Hire a new analyst (full time) for pod CRM, from business analysis"),
    ({"do": "add-person", "name": "Dana Lee", "pod": "CRM", "roles": {"technologist": 0.5}},
     "Add Dana Lee to pod CRM as technologist (50%)"),
    ({"do": "edit-person", "person": "Bo Chen", "integration_training": True},
     "Train Bo Chen as an integration technologist"),
    ({"do": "edit-person", "person": "Bo Chen", "background": "mis", "integration_training": True},
     "Bo Chen: background: MIS, integration training: yes"),
    ({"do": "edit-person", "person": "Bo Chen", "reports_to": "Lee Park"}, "Bo Chen reports to Lee Park"),
    ({"do": "add-person", "name": "Line manager for CRM"}, "Line manager for CRM: a new post outside the pods"),
    ({"do": "remove-person", "person": "Bo Chen"}, "Bo Chen leaves the unit"),
    ({"do": "move-person", "person": "Bo Chen", "pod": "ERP"}, "Bo Chen moves to pod ERP"),
    ({"do": "set-role", "person": "Bo Chen", "role": "analyst", "share": 0}, "Bo Chen stops acting as analyst"),
    ({"do": "set-role", "person": "Bo Chen", "role": "technologist", "share": 1.0},
     "Bo Chen works full time as technologist"),
    ({"do": "set-role", "person": "Dana", "role": "lead", "share": 0.3, "pod": "ERP"},
     "Dana gives 30% of the week to the lead role in pod ERP"),
    ({"do": "add-pod", "name": "ERP", "focus": "domain"}, "Start pod ERP, focused on domain"),
    ({"do": "edit-pod", "pod": "CRM", "active_projects": 3}, "Pod CRM: active projects: 3"),
    ({"do": "remove-pod", "pod": "CRM"}, "Close pod CRM"),
    ({"do": "split-pod", "pod": "CRM", "new_pod": "CRM 2", "people": ["Ann", "Bo", "Cy"]},
     "Split pod CRM: Ann, Bo and Cy form the new pod CRM 2"),
    ({"do": "set-fact", "path": "head_of_integration", "value": "Lee Park"}, "Lee Park becomes head of integration"),
    ({"do": "set-fact", "path": "context.platform", "value": "ipaas"}, "Set the integration platform to iPaaS"),
    ({"do": "set-answer", "question": "rotation", "score": 4}, "of 5"),
])
def test_every_change_reads_as_a_sentence(item: dict, words: str) -> None:
    assert words in change_words(item)
    assert "context." not in change_words(item) and "_" not in change_words(item).replace("New analyst", "")
