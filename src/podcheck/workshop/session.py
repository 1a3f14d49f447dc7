"""The guided session: the playbook's steps as data (session.yaml), checked when loaded.

Each step says which parts of the workshop's form it needs, which findings belong to it, which questions
of the questionnaire it covers, what the facilitator asks the room and about how long it takes. The texts
live in session.yaml, not in code, so they can be reworded without touching the widgets.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..catalog import questions
from ..errors import ConfigError
from ..result import Finding

Part = Literal["facts", "pods", "people", "questionnaire", "whatif", "plan", "handout"]
SESSION_FILE = "session.yaml"


class SessionStep(BaseModel):
    """One step of the guided session."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    title: Annotated[str, Field(min_length=1)]
    minutes: Annotated[int, Field(gt=0, le=120)]
    purpose: Annotated[str, Field(min_length=1)]
    show: Annotated[list[Part], Field(min_length=1)]
    findings: list[str] = []  # finding ids, or prefixes ending in "."
    questions: list[str] = []
    ask: Annotated[list[str], Field(min_length=1)]

    def covers(self, finding: Finding) -> bool:
        """This step is where the room talks about `finding`."""
        return any(finding.id == f or (f.endswith(".") and finding.id.startswith(f)) for f in self.findings)


class Session(BaseModel):
    """All steps, in the order the facilitator takes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: Annotated[list[SessionStep], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Session:
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError(f"step ids repeat: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        known_questions = {q.id for q in questions()}
        from ..rules import registry

        rule_ids = set(registry().meta)
        for step in self.steps:
            for qid in step.questions:
                if qid not in known_questions:
                    raise ValueError(f"step {step.id}: no question '{qid}' in the questionnaire")
            for ref in step.findings:
                if not any(r == ref or (ref.endswith(".") and r.startswith(ref)) for r in rule_ids):
                    raise ValueError(f"step {step.id}: no finding id is or starts with '{ref}'")
        return self

    def step(self, step_id: str) -> SessionStep:
        """The step with this id."""
        return next(s for s in self.steps if s.id == step_id)


def parse_session(data: object, name: str = SESSION_FILE) -> Session:
    """A session from its file form; a ConfigError naming the place and the problem if it is not valid."""
    try:
        return Session.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(p) for p in error["loc"]) or "steps"
        raise ConfigError(f"{name}: {place}: {error['msg']}") from None


@functools.cache
def session() -> Session:
    """The guided session shipped with podcheck (workshop/session.yaml), read and checked once."""
    text = files(__package__).joinpath(SESSION_FILE).read_text(encoding="utf-8")
    return parse_session(yaml.safe_load(text))
