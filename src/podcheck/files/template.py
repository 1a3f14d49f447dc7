"""New assessment files: a commented template listing every field and its allowed values, or a roster of one
unit converted to a file. The template is valid as written: `podcheck assess` reads it and says there are
not enough facts yet, until people with roles are added. Allowed values come from the model's own lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..catalog import DEFAULT_RUBRIC, ROLES, questions
from ..errors import InputError
from ..model import BACKGROUNDS, FOCUS, HELPS_AS, LEAD_LOAD, MEMBERSHIP, PLATFORMS, PROCESSES, SCHEMA

TODO = "TODO"


def schema_line(schema: str) -> str:
    """The first line of a new file: tells editors with the YAML language server where the JSON Schema is."""
    return f"# yaml-language-server: $schema={schema}\n"


def _one_of(choices: tuple[str, ...]) -> str:
    return " | ".join(choices)


def assessment_template(schema: str, today: dt.date | None = None) -> str:
    """A commented assessment file with every field, valid as it stands (it assesses to "not enough facts"),
    its first line pointing editors at `schema` (the assessment JSON Schema's address)."""
    today = today or dt.date.today()
    scale = DEFAULT_RUBRIC.answer_scale
    roles = ", ".join(ROLES)
    answers = "\n".join(f"#  {q.id}: {{score: 3, note: \"why\"}}   # {q.text}" for q in questions())
    first = schema_line(schema)
    return f"""{first}# A new assessment. Lines marked {TODO} are yours to fill in; everything commented out is
# optional, and a fact left out is "unknown", never guessed. As it stands the file is valid:
# `podcheck assess` reads it and reports that there are not enough facts until people with
# roles are added. `podcheck schema` prints the full schema; `podcheck questions` the questionnaire.
schema: {SCHEMA}
organization: {TODO} organisation   # {TODO}: your organisation's name
unit: {TODO} unit                   # {TODO}: the business unit or team assessed
assessed_on: {today.isoformat()}             # the date of the assessment, YYYY-MM-DD
# head_of_integration: Name       # a person listed under people, or leave out

# context:                        # uncomment what you know; leave out any fact you do not
#   platform: ipaas               # one of: {_one_of(PLATFORMS)}
#   process: defined              # one of: {_one_of(PROCESSES)}  (triage, build, manage)
#   backlog: {{open: 40, added_per_quarter: 12, delivered_per_quarter: 6}}   # whole numbers

pods:                             # at least one
  - name: {TODO} pod              # {TODO}: the pod's name
    # focus: domain               # one of: {_one_of(FOCUS)}
    # lead_load: normal           # one of: {_one_of(LEAD_LOAD)}  (heavy: at most 6 core members)
    # active_projects: 3          # integration projects under way

people: []                        # {TODO}: replace [] with one entry per person, as below
#  - name: Ana Ruiz
#    pod: {TODO} pod                # the pod's name as above
#    roles: {{lead: 1.0}}            # shares of the week, each above 0 and at most 1, in total at most 1;
#                                   # roles: {roles}
#    background: business-analysis # one of: {_one_of(BACKGROUNDS)}
#    reports_to: Lee Park           # a person listed under people
#    integration_training: false    # true or false: has had tools and learning for the technologist role
#  - name: Cy Diaz                  # a part-time helper
#    pod: {TODO} pod
#    member: extended               # one of: {_one_of(MEMBERSHIP)}  (core is the default)
#    helps_as: qa                   # one of: {_one_of(HELPS_AS)}  (extended members only)
#    owns_deliverables: false       # true or false
#  - name: Dana Lee                 # someone in two pods: assignments instead of pod and roles
#    assignments:
#      - {{pod: {TODO} pod, roles: {{technologist: 0.5}}}}
#      - {{pod: Another pod, roles: {{technologist: 0.5}}}}
#  - name: Eng Manager              # no pod and no roles: outside every pod (a manager, a sponsor)

answers: {{}}   # the room's answers, {scale.lowest} (weak) to {scale.highest} (strong), by question id:
{answers}

# responses: survey.xlsx          # the team's own answers from `podcheck survey`, beside this file
"""


def refuse_existing(target: Path, force: bool) -> None:
    """A file already at `target` is kept unless --force: a new file must never replace work silently."""
    if target.is_dir():
        raise InputError.single(str(target), "is a folder; give the name of the file to write")
    if target.exists() and not force:
        raise InputError.single(str(target), "already exists; choose another name, or add --force to replace it",
                                code="exists")


def roster_assessment(schema: str, roster: str | Path, facts: str | Path | None = None) -> str:
    """A roster of one unit as an assessment file, after the line pointing editors at `schema`."""
    from .assessment import assessment_yaml
    from .roster import load_roster

    units = load_roster(roster, facts)
    if len(units) != 1:
        names = ", ".join(a.unit for a in units)
        raise InputError.single(str(roster), f"holds {len(units)} units ({names}); `podcheck init --from` converts "
                                "one, and `podcheck import ROSTER --out DIR` writes a file for each")
    header = schema_line(schema) + f"# Made by `podcheck init` from {Path(roster).name}.\n"
    return assessment_yaml(units[0], header=header)
