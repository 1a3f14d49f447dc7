"""Bad input, tried as a new user would, through the real command line.

Every case must end with exit code 2, nothing on standard output, no traceback, and one
`podcheck: FILE: PATH: message` line per problem that names the file and the place in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import podcheck

GOOD = """\
schema: podcheck/1
organization: Acme Corp
unit: Payments
assessed_on: 2026-11-20
pods:
  - {name: CRM, focus: domain}
people:
  - {name: Ana Ruiz, pod: CRM, roles: {lead: 1.0}, background: business-analysis}
  - {name: Bo Chen, pod: CRM, roles: {technologist: 1.0}, background: mis}
  - {name: Cy Diaz, pod: CRM, roles: {analyst: 1.0}, background: business-process}
"""


CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def edit(old: str, new: str) -> str:
    """The good file with one piece of text replaced (the piece must be there)."""
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


@dataclass(frozen=True)
class Case:
    """A bad file and the problems a user should be told about: (path, words) per line."""

    name: str
    content: str | bytes | None  # None: the file does not exist; "<dir>": pass a folder
    problems: tuple[tuple[str, str], ...]


CASES = [
    Case("unknown-key", edit("focus: domain}", "focus: domain, colour: blue}"),
         (("pods[0].colour", "unknown key 'colour'"),)),
    Case("unknown-key-suggests", edit("unit: Payments", "unti: Payments"),
         (("unti", "did you mean 'unit'"), ("unit", "required"))),
    Case("misspelled-pod", edit("pod: CRM, roles: {technologist", "pod: CMR, roles: {technologist"),
         (("people[1].pod", "no pod named 'CMR'; did you mean 'CRM'?"),)),
    Case("share-above-one", edit("{analyst: 1.0}", "{analyst: 1.5}"),
         (("people[2].roles.analyst", "must be between 0 and 1 (a share of time; got 1.5)"),)),
    Case("share-zero", edit("{analyst: 1.0}", "{analyst: 0}"),
         (("people[2].roles.analyst", "must be between 0 and 1"),)),
    Case("shares-past-one", edit("{analyst: 1.0}", "{analyst: 0.7, technologist: 0.6}"),
         (("people[2].roles", "add up to 1.3"),)),
    Case("share-yes", edit("{lead: 1.0}", "{lead: yes}"),
         (("people[0].roles.lead", "must be a number, not true"),)),
    Case("share-text", edit("{lead: 1.0}", "{lead: half}"),
         (("people[0].roles.lead", "must be a number (got 'half')"),)),
    Case("unparsable-date", edit("2026-11-20", "2026-13-45"),
         (("assessed_on", "'2026-13-45' is not a date; write it as YYYY-MM-DD"),)),
    Case("date-in-words", edit("2026-11-20", "20 November 2026"),
         (("assessed_on", "is not a date"),)),
    Case("not-yaml", "schema: podcheck/1\n  organization: [Acme\n", (("", "is not valid YAML"),)),
    Case("empty-file", "", (("", "file is empty"),)),
    Case("only-comments", "# nothing here yet\n", (("", "file holds no data"),)),
    Case("missing-file", None, (("", "file not found"),)),
    Case("directory", "<dir>", (("", "is a folder, not a file"),)),
    Case("duplicate-key", GOOD + "unit: Billing\n", (("unit", "key 'unit' appears twice (first on line 3)"),)),
    Case("duplicate-nested-key", edit("{lead: 1.0}", "{lead: 0.5, lead: 0.5}"),
         (("people[0].roles.lead", "appears twice"),)),
    Case("duplicate-person", edit("name: Bo Chen", "name: Ana Ruiz"),
         (("people[1].name", "'Ana Ruiz' is listed twice (first at people[0])"),)),
    Case("duplicate-pod", edit("  - {name: CRM, focus: domain}", "  - {name: CRM, focus: domain}\n  - {name: CRM}"),
         (("pods[1].name", "pod 'CRM' is listed twice"),)),
    Case("reports-to-nobody", edit("background: mis}", "background: mis, reports_to: Ana Ruis}"),
         (("people[1].reports_to", "no person named 'Ana Ruis' in people; did you mean 'Ana Ruiz'?"),)),
    Case("head-is-nobody", edit("pods:", "head_of_integration: Lee Park\npods:"),
         (("head_of_integration", "no person named 'Lee Park'"),)),
    Case("wrong-schema-value", edit("podcheck/1", "podcheck/2"),
         (("schema", "'podcheck/2' is not a format this podcheck reads"),)),
    Case("wrong-choice", edit("background: mis", "background: hacker"),
         (("people[1].background", "'hacker' is not allowed here; use one of: software-engineering, mis"),)),
    Case("top-level-list", "- schema: podcheck/1\n- unit: Payments\n",
         (("", "the top level must be a mapping"),)),
    Case("non-utf8", GOOD.encode("utf-8").replace(b"Acme Corp", b"Acm\xe9 Corp"),
         (("", "is not UTF-8 text"),)),
    Case("core-member-without-pod", edit("pod: CRM, roles: {technologist", "pod: null, roles: {technologist"),
         (("people[1].pod", "is required"),)),
    Case("core-member-without-roles", edit("roles: {analyst: 1.0}, ", ""),
         (("people[2].roles", "a core member needs at least one role"),)),
    # Contract 5.1: people outside every pod, and people in several pods.
    Case("roles-without-a-pod", edit("pod: CRM, roles: {technologist", "roles: {technologist"),
         (("people[1].pod", "is required for anyone holding a role"),)),
    Case("helper-without-a-pod", edit("pod: CRM, roles: {analyst: 1.0}", "member: extended, helps_as: qa"),
         (("people[2].pod", "a part-time helper names the pod they help"),)),
    Case("pod-and-assignments", edit("roles: {technologist: 1.0}",
                                     "roles: {technologist: 1.0}, assignments: [{pod: CRM, roles: {analyst: 0.5}}]"),
         (("people[1]", "has both `pod` and `assignments`"),)),
    Case("assignment-to-no-pod", edit("pod: CRM, roles: {technologist: 1.0}",
                                      "assignments: [{pod: CRM, roles: {technologist: 0.5}}, "
                                      "{pod: CMR, roles: {analyst: 0.5}}]"),
         (("people[1].assignments[1].pod", "no pod named 'CMR'; did you mean 'CRM'? (pods in this file: CRM)"),)),
    Case("assignments-past-one", edit("  - {name: CRM, focus: domain}", "  - {name: CRM, focus: domain}\n"
                                      "  - {name: ERP, focus: domain}").replace(
        "pod: CRM, roles: {technologist: 1.0}", "assignments: [{pod: CRM, roles: {technologist: 0.7}}, "
        "{pod: ERP, roles: {technologist: 0.6}}]"),
         (("people[1]", "Bo Chen's role shares across assignments add up to 1.3"),)),
    Case("same-pod-assigned-twice", edit("pod: CRM, roles: {technologist: 1.0}",
                                         "assignments: [{pod: CRM, roles: {technologist: 0.5}}, "
                                         "{pod: CRM, roles: {analyst: 0.5}}]"),
         (("people[1].assignments[1].pod", "pod 'CRM' is already in this person's assignments"),)),
    Case("core-assignment-without-roles", edit("pod: CRM, roles: {technologist: 1.0}",
                                               "assignments: [{pod: CRM}]"),
         (("people[1].assignments[0].roles", "a core member needs at least one role"),)),
    Case("assignments-empty", edit("pod: CRM, roles: {technologist: 1.0}", "assignments: []"),
         (("people[1].assignments", "needs at least one entry"),)),
    Case("helper-role-on-core", edit("background: mis}", "background: mis, helps_as: qa}"),
         (("people[1].helps_as", "only part-time helpers"),)),
    Case("no-pods", edit("  - {name: CRM, focus: domain}\n", "").replace("pods:\n", "pods: []\n"),
         (("pods", "needs at least one entry"),) + tuple(
             (f"people[{i}].pod", "no pod named 'CRM'") for i in range(3))),
    Case("people-left-empty", GOOD.split("people:")[0] + "people:\n", (("people", "must be a list (got nothing)"),)),
    Case("unknown-question", GOOD + "answers: {overlap-technolgy: 3}\n",
         (("answers.overlap-technolgy", "unknown question id; did you mean 'overlap-technology'?"),)),
    Case("answer-out-of-range", GOOD + "answers: {overlap-technology: 7}\n",
         (("answers.overlap-technology.score", "must be at most 5"),)),
    Case("number-as-key", GOOD + "1: one\n", (("", "key 1 must be text"),)),
    Case("custom-tag", edit("background: mis}", "background: !expert mis}"),
         (("people[1].background", "uses the YAML tag !expert, which podcheck refuses to load"),)),
    Case("alias-loop", GOOD + "notes: &loop [*loop]\n", (("notes[0]", "refers to itself"),)),
    Case("alias-bomb", GOOD + "".join(
        f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10) if i else 'x, x, x, x, x, x, x, x, x, x'}]\n" for i in range(9)),
        (("", "holds more than 200,000 values"),)),
    Case("nested-too-deep", GOOD + "notes: " + "[" * 5000 + "\n", (("", "nested too deeply"),)),
    # Names are one line of visible text: no terminal escapes, line breaks, direction controls or blanks.
    Case("name-with-terminal-escape", edit("organization: Acme Corp", 'organization: "Acme \\e[2J\\e[31mCorp"'),
         (("organization", "one line of plain text: it holds the control character \\x1b"),)),
    Case("name-with-line-break", edit("unit: Payments", 'unit: "Payments\\npodcheck: payments.yaml: forged line"'),
         (("unit", "holds a line break (\\n)"),)),
    Case("name-with-line-separator", edit("unit: Payments", 'unit: "Payments\\u2028forged"'),
         (("unit", "holds a line break (\\u2028)"),)),
    Case("name-with-bidi-override", edit("name: Ana Ruiz", 'name: "Ana \\u202eziuR"'),
         (("people[0].name", "holds the invisible direction control U+202E"),)),
    Case("name-with-bidi-isolate", edit("name: CRM", 'name: "CRM\\u2066"').replace("pod: CRM", 'pod: "CRM\\u2066"'),
         (("pods[0].name", "U+2066"),) + tuple((f"people[{i}].pod", "U+2066") for i in range(3))),
    Case("name-with-tab", edit("pods:", 'head_of_integration: "Ana\\tRuiz"\npods:'),
         (("head_of_integration", "holds a tab (\\t)"),)),
    Case("name-only-zero-width", edit("unit: Payments", 'unit: "\\u200b\\u200d\\ufeff\\u2060"'),
         (("unit", "has no visible characters"),)),
    Case("reports-to-invisible", edit("background: mis}", 'background: mis, reports_to: "\\u200b"}'),
         (("people[1].reports_to", "has no visible characters"),)),
    Case("note-with-terminal-escape",
         GOOD + 'answers: {overlap-technology: {score: 3, note: "fine\\e]8;;http://evil\\a"}}\n',
         (("answers.overlap-technology.note", "the control character \\x1b"),)),
    Case("unknown-key-with-escape", edit("focus: domain}", 'focus: domain, "col\\e[31mour": blue}'),
         (("pods[0].col\\x1b[31mour", "unknown key 'col\\x1b[31mour'"),)),
    # Bytes and keys YAML cannot take say where they are.
    Case("nul-byte", GOOD.encode("utf-8").replace(b"Acme Corp", b"Acme\x00Corp"),
         (("", "holds a NUL byte"),)),
    Case("nul-byte-line", GOOD.encode("utf-8").replace(b"Acme Corp", b"Acme\x00Corp"), (("", "(line 2)"),)),
    Case("raw-control-byte", GOOD.encode("utf-8").replace(b"Bo Chen", b"Bo\x1bChen"),
         (("", "holds the control character \\x1b, which YAML does not allow: delete it (line 9)"),)),
    Case("number-as-key-line", GOOD + "1: one\n",
         (("", 'key 1 must be text, but YAML reads it as a number: put it in quotes ("1") (line 11)'),)),
    Case("date-as-key", GOOD + "2026-01-01: one\n", (("", "key 2026-01-01 must be text"),)),
    Case("date-as-key-line", GOOD + "2026-01-01: one\n", (("", "(line 11)"),)),
    Case("null-as-key", edit("focus: domain}", "focus: domain, null: x}"),
         (("pods[0]", "key null must be text, but YAML reads it as null (nothing): "
                      'put it in quotes ("null") (line 6)'),)),
    Case("list-as-key", GOOD + "? [a, b]\n: one\n", (("", "key [a, b] must be text, not a list (line 11)"),)),
    # YAML 1.1 reads these as numbers nobody meant: 16, 90, 8.
    Case("hex-number", edit("focus: domain}", "focus: domain, active_projects: 0x10}"),
         (("pods[0].active_projects", "'0x10' is a hexadecimal number to YAML (16); write a plain decimal number"),)),
    Case("sexagesimal-number", edit("focus: domain}", "focus: domain, active_projects: 1:30}"),
         (("pods[0].active_projects", "'1:30' is a base-60 number to YAML (90)"),)),
    Case("octal-number", edit("focus: domain}", "focus: domain, active_projects: 010}"),
         (("pods[0].active_projects", "'010' is an octal number to YAML (8)"),)),
    Case("sexagesimal-float", edit("{lead: 1.0}", "{lead: 0:30.5}"),
         (("people[0].roles.lead", "'0:30.5' is a base-60 number to YAML (30.5)"),)),
    Case("hex-as-name", edit("name: Bo Chen", "name: 0xBC"), (("people[1].name", "or put it in quotes"),)),
]


def _write(case: Case, tmp_path: Path) -> Path:
    if case.content == "<dir>":
        return tmp_path
    path = tmp_path / "payments.yaml"
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif isinstance(case.content, str):
        path.write_text(case.content, encoding="utf-8")
    return path


def assert_problems(run, path: Path, problems: tuple[tuple[str, str], ...]) -> list[str]:
    """Exit 2, empty stdout, no traceback, one line per expected problem naming file and place."""
    assert run.code == 2, run
    assert run.out == ""
    assert "Traceback" not in run.err
    # An error line never carries what could drive a terminal, forge a line or reorder text.
    assert not CONTROLS.search(run.err.replace("\n", "")), repr(run.err)
    lines = run.err.splitlines()
    assert len(lines) == len(problems), run.err
    for where, words in problems:
        prefix = f"podcheck: {path}: {where}: " if where else f"podcheck: {path}: "
        matching = [line for line in lines if line.startswith(prefix) and words in line]
        assert matching, f"no line starts with {prefix!r} and says {words!r}:\n{run.err}"
    return lines


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_reported_plainly(case: Case, tmp_path: Path, run_cli) -> None:
    path = _write(case, tmp_path)
    assert_problems(run_cli("assess", path), path, case.problems)


def test_python_tag_is_refused_and_never_run(tmp_path: Path, run_cli) -> None:
    marker = tmp_path / "pwned-podcheck"
    path = tmp_path / "evil.yaml"
    path.write_text(edit("organization: Acme Corp",
                         f'organization: !!python/object/apply:os.system ["touch {marker}"]'))
    run = run_cli("assess", path)
    assert_problems(run, path, (("organization", "uses the YAML tag !!python/object/apply:os.system"),))
    assert "refuses to load" in run.err
    assert not marker.exists()


def test_every_problem_in_a_file_is_reported_one_line_each(tmp_path: Path, run_cli) -> None:
    text = (GOOD.replace("2026-11-20", "2026-02-30")
            .replace("focus: domain}", "focus: domain, colour: blue}")
            .replace("pod: CRM, roles: {technologist", "pod: CMR, roles: {technologist")
            .replace("{analyst: 1.0}", "{analyst: 1.5}")
            .replace("background: business-analysis}", "background: business-analysis, reports_to: Nobody}"))
    path = tmp_path / "payments.yaml"
    path.write_text(text)
    lines = assert_problems(run_cli("assess", path), path, (
        ("assessed_on", "not a date"),
        ("pods[0].colour", "unknown key"),
        ("people[0].reports_to", "no person named 'Nobody'"),
        ("people[1].pod", "no pod named 'CMR'"),
        ("people[2].roles.analyst", "between 0 and 1"),
    ))
    # In file order, each with its line, so a user can fix them top to bottom.
    numbers = [int(line.rsplit("(line ", 1)[1].rstrip(")")) for line in lines]
    assert numbers == sorted(numbers) == [4, 6, 8, 9, 10]


def test_bad_rubric_names_file_and_key(tmp_path: Path, run_cli) -> None:
    team = tmp_path / "payments.yaml"
    team.write_text(GOOD)
    rubric = tmp_path / "strict.yaml"
    rubric.write_text("pod_max_cor: 6\npod_max_with_extended: lots\n")
    assert_problems(run_cli("assess", team, "--rubric", rubric), rubric, (
        ("pod_max_cor", "unknown key 'pod_max_cor'; did you mean 'pod_max_core'?"),
        ("pod_max_with_extended", "must be a whole number (got 'lots')"),
    ))


def test_rubric_weighing_nothing_is_refused(tmp_path: Path, run_cli) -> None:
    # With every weight 0 the overall score would be a silent 0 for every unit.
    team = tmp_path / "payments.yaml"
    team.write_text(GOOD)
    rubric = tmp_path / "flat.yaml"
    weights = ", ".join(f"{d}: 0" for d in podcheck.DEFAULT_RUBRIC.dimension_weights)
    rubric.write_text(f"dimension_weights: {{{weights}}}\n")
    assert_problems(run_cli("assess", team, "--rubric", rubric), rubric, (
        ("dimension_weights", "every weight is 0, so every unit would score 0: give at least one dimension a weight "
                              "above 0 (line 1)"),
    ))


def test_notes_may_span_lines(tmp_path: Path, run_cli) -> None:
    # Free text keeps its line breaks; only names must be one line.
    path = tmp_path / "payments.yaml"
    path.write_text(GOOD + "answers:\n  overlap-technology:\n    score: 3\n"
                    "    note: |\n      first line\n      # second\n")
    run = run_cli("assess", path, "--format", "md")
    assert run.code == 0, run.err
    assert "\n# second" not in run.out  # a note cannot forge a Markdown heading


def test_anchors_and_merge_keys_are_plain_yaml(tmp_path: Path, run_cli) -> None:
    # Refusing tags and alias loops must not refuse ordinary YAML reuse: `<<: *base` overrides.
    path = tmp_path / "payments.yaml"
    path.write_text(edit(
        "  - {name: Bo Chen, pod: CRM, roles: {technologist: 1.0}, background: mis}\n",
        "  - &crm {name: Bo Chen, pod: CRM, roles: {technologist: 1.0}, background: mis}\n"
        "  - {<<: *crm, name: Di Ng, roles: {technologist: 0.5}}\n"))
    run = run_cli("assess", path, "--format", "json")
    assert run.code == 0, run.err
    pods = podcheck.Result.from_json(run.out).pods
    assert (pods[0].core, pods[0].role_shares["technologist"]) == (4, 1.5)


def test_good_file_passes(tmp_path: Path, run_cli) -> None:
    # The base every case above breaks must itself be valid, or the cases prove nothing.
    path = tmp_path / "payments.yaml"
    path.write_text(GOOD)
    run = run_cli("assess", path)
    assert run.code == 0, run.err
    assert run.err == ""
    assert "Minimum viable team" in run.out
