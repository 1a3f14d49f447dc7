"""Bad input, tried as a new user would, through the real command line.

Every case must end with exit code 2, nothing on standard output, no traceback, and one
`podcheck: FILE: PATH: message` line per problem that names the file and the place in it.
"""

from __future__ import annotations

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
