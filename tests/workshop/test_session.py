"""The guided session's steps are data, checked when loaded: a wrong id or question is caught, not shown."""

from __future__ import annotations

import pytest

from podcheck.errors import ConfigError
from podcheck.workshop.session import parse_session, session

PLAYBOOK_ORDER = ["context", "pods-people", "roles", "dual-roles", "developer-trap", "scaling", "questionnaire",
                  "plan-whatif", "handout"]


def test_the_shipped_session_follows_the_playbook_and_every_step_says_what_to_ask_and_how_long():
    steps = session().steps
    assert [s.id for s in steps] == PLAYBOOK_ORDER
    for step in steps:
        assert step.ask and step.minutes > 0 and step.show


def good() -> dict:
    return {"steps": [{"id": "roles", "title": "Roles", "minutes": 5, "purpose": "Who does what.",
                       "show": ["people"], "findings": ["roles."], "questions": ["lead-shields-pod"],
                       "ask": ["Who leads?"]}]}


@pytest.mark.parametrize(("edit", "says"), [
    (lambda s: s.update(findings=["role."]), "step roles: no finding id is or starts with 'role.'"),
    (lambda s: s.update(questions=["no-such-question"]), "no question 'no-such-question'"),
    (lambda s: s.update(show=["everything"]), "steps.0.show.0"),
    (lambda s: s.update(ask=[]), "steps.0.ask"),
    (lambda s: s.update(minutes=0), "steps.0.minutes"),
    (lambda s: s.update(extra="x"), "steps.0.extra"),
])
def test_a_wrong_step_is_refused_naming_the_place(edit, says):
    data = good()
    parse_session(data)
    edit(data["steps"][0])
    with pytest.raises(ConfigError, match=says.replace(".", r"\.")):
        parse_session(data)


def test_repeated_step_ids_are_refused():
    data = good()
    data["steps"].append(dict(data["steps"][0]))
    with pytest.raises(ConfigError, match="step ids repeat: roles"):
        parse_session(data)
