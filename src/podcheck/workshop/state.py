"""The workshop's state, without widgets: the team being edited, its problems, its result, autosave, what-if.

Edits are `Change`s: a plain-words description and a function over the assessment in file form (a
dict). `WorkshopState.apply` runs a change on a copy, validates the whole unit with
`parse_assessment`, and then either accepts it (re-assesses and writes the file atomically, keeping
what it replaced in `.history/`) or keeps it as a draft with problems mapped to field paths, leaving
the file on disk untouched. A `WhatIf` tries changes on top of the current team and compares before
and after; nothing reaches the file until `keep()`.

The file may change under the workshop: edited by hand, or saved by a second tab or kernel. The state
remembers the hash of what it last read or wrote, and before each save compares it with the file. If
they differ, it does not overwrite the file: this session's version goes to a copy in `.history/`
(kept while the conflict lasts, and never pruned), and the facilitator chooses: `reload()` takes the
file's version, `keep_mine()` writes this session's version and keeps the file's in `.history/`.
Either way nothing is lost, and nothing is decided behind the facilitator's back.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..assess import assess
from ..catalog import Rubric
from ..compare import match_findings
from ..errors import InputError, Problem
from ..files import write_atomic
from ..load import MAX_FILE_BYTES, parse_assessment, read_yaml_mapping
from ..model import ROLES, SCHEMA, Assessment
from ..result import Finding, Result

Data = dict[str, Any]
PersonRef = int | str
PodRef = int | str

HISTORY_DIR = ".history"
HISTORY_KEEP = 50
FILE_HEADER = (
    "# Saved by the podcheck workshop after every accepted edit.\n"
    "# The versions it replaced are in the .history/ folder beside this file.\n"
)


class WorkshopError(Exception):
    """A change that cannot be made at all (no such person, pod still has members…), in plain words."""


@dataclass(frozen=True)
class Change:
    """One edit: what it does in plain words, and a function that makes it on file-form data."""

    description: str
    apply: Callable[[Data], None]


@dataclass(frozen=True)
class Conflict:
    """The file changed on disk since this state last read or wrote it; this session's version is in `copy`."""

    file: Path
    copy: Path

    @property
    def message(self) -> str:
        """What happened and what the facilitator can do, in one line."""
        return (f"Not saved to {self.file.name}: it was changed outside this workshop. This session's version "
                f"is kept in {HISTORY_DIR}/{self.copy.name}; reload the file, or keep your version.")


@dataclass
class Outcome:
    """What happened to one change: accepted and saved, kept as a draft with problems, or refused; and
    whether the file had changed on disk, so that the change went to a copy instead."""

    accepted: bool
    saved: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None
    conflict: Conflict | None = None

    @property
    def message(self) -> str:
        """One line for the facilitator's status bar."""
        if self.refused:
            return self.refused
        if self.problems:
            n = len(self.problems)
            return f"Not saved yet: fix the {n} problem{'s' if n != 1 else ''} marked in red."
        if self.conflict:
            return self.conflict.message
        return "Saved." if self.saved else "Up to date."


# ---------------------------------------------------------------- finding people and pods in the data


def _people(data: Data) -> list[Data]:
    people = data.setdefault("people", [])
    if not isinstance(people, list):
        raise WorkshopError("the file's people are not a list; fix the file by hand first")
    return people


def _pods(data: Data) -> list[Data]:
    pods = data.setdefault("pods", [])
    if not isinstance(pods, list):
        raise WorkshopError("the file's pods are not a list; fix the file by hand first")
    return pods


def _index(items: list[Data], ref: int | str, kind: str) -> int:
    if isinstance(ref, int):
        if 0 <= ref < len(items):
            return ref
        raise WorkshopError(f"there is no {kind} number {ref + 1}")
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("name", "")).strip() == ref.strip():
            return i
    raise WorkshopError(f"there is no {kind} named '{ref}'")


def person_index(data: Data, ref: PersonRef) -> int:
    """Position of a person given by position or name."""
    return _index(_people(data), ref, "person")


def pod_index(data: Data, ref: PodRef) -> int:
    """Position of a pod given by position or name."""
    return _index(_pods(data), ref, "pod")


def _clean(value: Any) -> Any:
    """Blank text means 'not given': the file omits the key rather than storing an empty string."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _set_or_drop(target: Data, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


# ---------------------------------------------------------------- changes


def set_fact(key: str, value: Any) -> Change:
    """Set an organisation fact: organization, unit, assessed_on, head_of_integration, context.platform,
    context.process or context.backlog.open / added_per_quarter / delivered_per_quarter. None clears it."""
    parts = key.split(".")
    allowed = {
        ("organization",), ("unit",), ("assessed_on",), ("head_of_integration",), ("context", "platform"),
        ("context", "process"), ("context", "backlog", "open"), ("context", "backlog", "added_per_quarter"),
        ("context", "backlog", "delivered_per_quarter"),
    }
    if tuple(parts) not in allowed:
        raise WorkshopError(f"'{key}' is not an organisation fact the workshop edits")

    def apply(data: Data) -> None:
        target = data
        for part in parts[:-1]:
            child = target.get(part)
            if not isinstance(child, dict):
                child = {}
                target[part] = child
            target = child
        _set_or_drop(target, parts[-1], _clean(value))
        # An emptied context section is dropped so the file stays as a person would write it.
        if parts[0] == "context":
            context = data.get("context", {})
            if isinstance(context.get("backlog"), dict) and not context["backlog"]:
                context.pop("backlog")
            if not context:
                data.pop("context", None)

    shown = "cleared" if _clean(value) is None else f"set to {value}"
    return Change(f"{key.replace('_', ' ')} {shown}", apply)


def add_pod(name: str, focus: str | None = None, lead_load: str = "normal", active_projects: int | None = None) -> Change:
    """A new pod."""

    def apply(data: Data) -> None:
        pod: Data = {"name": name.strip()}
        _set_or_drop(pod, "focus", _clean(focus))
        if lead_load != "normal":
            pod["lead_load"] = lead_load
        _set_or_drop(pod, "active_projects", active_projects)
        _pods(data).append(pod)

    return Change(f"add pod {name.strip()}", apply)


POD_FIELDS = ("name", "focus", "lead_load", "active_projects")


def _known_fields(values: dict[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise WorkshopError(f"{what} has no field '{sorted(unknown)[0]}'")


def _shown(values: dict[str, Any]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v if v not in (None, '') else 'cleared'}" for k, v in values.items())


def _rename(data: Data, entry: Data, value: Any, person_keys: tuple[str, ...]) -> str:
    """Give `entry` a new name and carry it to every person field that named the old one; returns the old name."""
    old = str(entry.get("name", "")).strip()
    new = value or ""
    entry["name"] = new
    for person in _people(data):
        if isinstance(person, dict):
            for key in person_keys:
                if person.get(key) == old:
                    person[key] = new
    return old


def edit_pod(pod: PodRef, **values: Any) -> Change:
    """Change a pod's name, focus, lead_load or active_projects; a new name follows through to its people."""
    _known_fields(values, POD_FIELDS, "a pod")

    def apply(data: Data) -> None:
        entry = _pods(data)[pod_index(data, pod)]
        for key, value in values.items():
            value = _clean(value)
            if key == "name":
                _rename(data, entry, value, ("pod",))
            elif key == "lead_load" and value in (None, "normal"):
                entry.pop("lead_load", None)
            else:
                _set_or_drop(entry, key, value)

    return Change(f"pod {pod}: {_shown(values)}", apply)


def remove_pod(pod: PodRef) -> Change:
    """Remove a pod that has nobody in it (move or remove its people first)."""

    def apply(data: Data) -> None:
        i = pod_index(data, pod)
        name = _pods(data)[i].get("name")
        members = [p.get("name") for p in _people(data) if isinstance(p, dict) and p.get("pod") == name]
        if members:
            raise WorkshopError(f"pod {name} still has {len(members)} "
                                f"{'person' if len(members) == 1 else 'people'} in it; move or remove them first")
        del _pods(data)[i]

    return Change(f"remove pod {pod}", apply)


PERSON_FIELDS = ("name", "pod", "member", "background", "reports_to", "helps_as", "integration_training",
                 "owns_deliverables")


def add_person(name: str, pod: str | None = None, *, member: str = "core", background: str | None = None,
               roles: dict[str, float] | None = None, reports_to: str | None = None,
               helps_as: str | None = None) -> Change:
    """A new person (a hire, a helper, or the head of integration)."""

    def apply(data: Data) -> None:
        person: Data = {"name": name.strip()}
        _set_or_drop(person, "pod", _clean(pod))
        shares = {r: s for r, s in (roles or {}).items() if s}
        if shares:
            person["roles"] = shares
        _set_or_drop(person, "background", _clean(background))
        _set_or_drop(person, "reports_to", _clean(reports_to))
        if member != "core":
            person["member"] = member
        _set_or_drop(person, "helps_as", _clean(helps_as))
        _people(data).append(person)

    where = f" to pod {pod}" if pod else ""
    return Change(f"add {name.strip()}{where}", apply)


def edit_person(person: PersonRef, **values: Any) -> Change:
    """Change a person's name, pod, member, background, reports_to, helps_as or flags; a new name follows
    through to reporting lines and the head of integration."""
    _known_fields(values, PERSON_FIELDS, "a person")

    def apply(data: Data) -> None:
        entry = _people(data)[person_index(data, person)]
        for key, value in values.items():
            value = _clean(value)
            if key == "name":
                old = _rename(data, entry, value, ("reports_to",))
                if data.get("head_of_integration") == old:
                    data["head_of_integration"] = entry["name"]
            elif key == "member" and value in (None, "core"):
                entry.pop("member", None)
                entry.pop("helps_as", None)  # only helpers have it; keeping it would make the file invalid
            else:
                _set_or_drop(entry, key, value)

    return Change(f"{person}: {_shown(values)}", apply)


def set_role_share(person: PersonRef, role: str, share: float | None) -> Change:
    """Give a person a share of their time in a role; 0 or None takes the role away."""
    if role not in ROLES:
        raise WorkshopError(f"'{role}' is not a role; use one of: {', '.join(ROLES)}")

    def apply(data: Data) -> None:
        entry = _people(data)[person_index(data, person)]
        roles = entry.get("roles")
        if not isinstance(roles, dict):
            roles = {}
        if share:
            roles[role] = round(float(share), 4)
        else:
            roles.pop(role, None)
        # Keep roles in the file's usual order: lead, technologist, analyst.
        ordered = {r: roles[r] for r in ROLES if r in roles}
        ordered.update({k: v for k, v in roles.items() if k not in ordered})
        if ordered:
            entry["roles"] = ordered
        else:
            entry.pop("roles", None)

    what = f"{share:.0%} {role}" if share else f"no longer {role}"
    return Change(f"{person}: {what}", apply)


def remove_person(person: PersonRef) -> Change:
    """Remove a person; reporting lines to them and the head-of-integration post are cleared."""

    def apply(data: Data) -> None:
        i = person_index(data, person)
        name = _people(data)[i].get("name")
        del _people(data)[i]
        for other in _people(data):
            if isinstance(other, dict) and other.get("reports_to") == name:
                other.pop("reports_to")
        if data.get("head_of_integration") == name:
            data.pop("head_of_integration")

    return Change(f"remove {person}", apply)


def move_person(person: PersonRef, pod: str) -> Change:
    """Move a person to another pod."""
    change = edit_person(person, pod=pod)
    return Change(f"move {person} to pod {pod}", change.apply)


def give_role(role: str, to: PersonRef, share: float | None = None, *, from_: PersonRef | None = None) -> Change:
    """Give `to` a role; with `from_`, that person hands it over (their share moves unless `share` is given)."""
    if role not in ROLES:
        raise WorkshopError(f"'{role}' is not a role; use one of: {', '.join(ROLES)}")

    def apply(data: Data) -> None:
        given = share
        if from_ is not None:
            giver = _people(data)[person_index(data, from_)]
            held = (giver.get("roles") or {}).get(role)
            if not held:
                raise WorkshopError(f"{giver.get('name')} does not hold the {role} role")
            given = given or held
            set_role_share(from_, role, None).apply(data)
        set_role_share(to, role, given or 1.0).apply(data)

    source = f" from {from_}" if from_ is not None else ""
    return Change(f"give the {role} role to {to}{source}", apply)


def split_pod(pod: PodRef, new_pod: str, people: Iterable[PersonRef], *, focus: str | None = None) -> Change:
    """Split a pod: a new pod (with the old one's focus unless given) that the named people move to."""
    movers = list(people)

    def apply(data: Data) -> None:
        old = _pods(data)[pod_index(data, pod)]
        for ref in movers:
            person = _people(data)[person_index(data, ref)]
            if person.get("pod") != old.get("name"):
                raise WorkshopError(f"{person.get('name')} is not in pod {old.get('name')}")
        add_pod(new_pod, focus=focus or old.get("focus"), lead_load=old.get("lead_load", "normal")).apply(data)
        for ref in movers:
            _people(data)[person_index(data, ref)]["pod"] = new_pod.strip()

    return Change(f"split pod {pod}: {', '.join(map(str, movers))} form pod {new_pod.strip()}", apply)


def set_answer(question: str, score: int | None, note: str | None = None) -> Change:
    """Answer a questionnaire question 1..5 with an optional note; None withdraws the answer."""

    def apply(data: Data) -> None:
        answers = data.get("answers")
        if not isinstance(answers, dict):
            answers = {}
        if score is None:
            answers.pop(question, None)
        else:
            text = _clean(note)
            answers[question] = {"score": score, "note": text} if text else {"score": score}
        if answers:
            data["answers"] = answers
        else:
            data.pop("answers", None)

    return Change(f"answer {question}: {score if score is not None else 'withdrawn'}", apply)


def combine(changes: Iterable[Change], description: str | None = None) -> Change:
    """Several changes made as one."""
    steps = list(changes)

    def apply(data: Data) -> None:
        for step in steps:
            step.apply(data)

    return Change(description or "; ".join(s.description for s in steps), apply)


# ---------------------------------------------------------------- problems by field


def parse_path(path: str) -> tuple[str | int, ...]:
    """'people[3].roles.analyst' → ('people', 3, 'roles', 'analyst')."""
    parts: list[str | int] = []
    for token in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        parts.append(int(token[0]) if token[0] else token[1])
    return tuple(parts)


def field_errors(problems: Iterable[Problem], fields: Iterable[str]) -> dict[str, list[str]]:
    """Each problem's message under the field it belongs to: its own path if a field shows it, else the
    nearest enclosing field that does, else '' (the unit as a whole)."""
    known = set(fields)
    out: dict[str, list[str]] = {}
    for problem in problems:
        parts = parse_path(problem.path)
        target = ""
        while parts:
            candidate = _join(parts)
            if candidate in known:
                target = candidate
                break
            parts = parts[:-1]
        out.setdefault(target, []).append(problem.message)
    return out


def _join(parts: tuple[str | int, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def describe_path(data: Data, path: str) -> str:
    """'people[3].roles.analyst' → 'Bo Chen › roles › analyst': people and pods named as the room knows them."""
    parts = parse_path(path)
    words: list[str] = []
    i = 0
    while i < len(parts):
        part, following = parts[i], parts[i + 1] if i + 1 < len(parts) else None
        if part in ("people", "pods") and isinstance(following, int):
            items = data.get(part) if isinstance(data.get(part), list) else []
            item = items[following] if following < len(items) else None
            name = item.get("name") if isinstance(item, dict) else None
            kind = "person" if part == "people" else "pod"
            if name and kind == "person":
                words.append(str(name))
            else:
                words.append(f"pod {name}" if name else f"{kind} #{following + 1}")
            i += 2
            continue
        words.append(str(part).replace("_", " "))
        i += 1
    return " › ".join(words) or "the unit"


# ---------------------------------------------------------------- comparing two results


@dataclass(frozen=True)
class Comparison:
    """Before and after a what-if: stage, score and which findings appear or go away."""

    before: Result
    after: Result
    added: list[Finding]
    resolved: list[Finding]

    @property
    def stage_changed(self) -> bool:
        """The what-if moves the unit to another stage."""
        return self.before.stage.id != self.after.stage.id

    @property
    def score_delta(self) -> int:
        """How many points the overall score moves."""
        return self.after.score - self.before.score


def compare(before: Result, after: Result) -> Comparison:
    """Which findings a change adds and which it resolves (the same finding means the same people too)."""
    _, resolved, added = match_findings(before.findings, after.findings, by_rule_and_pod=False)
    return Comparison(before, after, added, resolved)


# ---------------------------------------------------------------- the state


def blank(organization: str = "Our company", unit: str = "Our integration team", *, today: dt.date | None = None) -> Data:
    """A new unit: one empty pod and nobody in it yet (valid, so it can be saved straight away)."""
    return {
        "schema": SCHEMA,
        "organization": organization,
        "unit": unit,
        "assessed_on": (today or dt.date.today()).isoformat(),
        "pods": [{"name": "Pod 1"}],
        "people": [],
    }


def to_yaml(model: Assessment) -> str:
    """The assessment in file form, as `podcheck assess` reads it."""
    data = model.to_yaml_dict()
    data["assessed_on"] = model.assessed_on  # a bare date in YAML, not a quoted string
    # libyaml's dumper when PyYAML has it: about ten times faster, and this runs on every edit.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return FILE_HEADER + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def _current_bytes(path: Path) -> bytes | None:
    """What the file holds now, or None if there is none. Anything but an ordinary file raises OSError
    without being opened (a FIFO would block); at most MAX_FILE_BYTES + 1 bytes are read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path} is not an ordinary file")
    with path.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_of(path: Path) -> str | None:
    """The hash of the file's content now; None if there is no file (or it is not an ordinary one)."""
    try:
        data = _current_bytes(path)
    except OSError:
        return None
    return _hash(data) if data is not None else None


class WorkshopState:
    """One unit being assessed live: the data in file form, its problems, its last good result, autosave."""

    def __init__(self, path: str | Path | None, data: Data, *, rubric: Rubric | None = None,
                 history_keep: int = HISTORY_KEEP) -> None:
        self.path = Path(path) if path is not None else None
        self.rubric = rubric
        self.history_keep = history_keep
        self.data: Data = copy.deepcopy(data)
        self.problems: list[Problem] = []
        self.model: Assessment | None = None
        self.result: Result | None = None
        self.saved_at: dt.datetime | None = None
        self.revision = 0  # bumped on every accepted change; what-ifs use it to see the team move under them
        self.conflict: Conflict | None = None
        # Hash of the file as this state last read or wrote it; None: never seen, so never overwritten.
        self._seen: str | None = None
        self._validate()

    # -- opening

    @classmethod
    def open(cls, path: str | Path, *, organization: str | None = None, unit: str | None = None,
             rubric: Rubric | None = None, history_keep: int = HISTORY_KEEP) -> WorkshopState:
        """Resume from the file if it exists, else start a blank unit and save it there at once."""
        path = Path(path)
        if path.exists():
            # Hashed before it is read: if it changes in between, the next save sees a change (safe),
            # rather than taking the newer file for the one that was read.
            seen = _hash_of(path)
            data, _ = read_yaml_mapping(path)
            state = cls(path, data, rubric=rubric, history_keep=history_keep)
            state._seen = seen
            return state
        kwargs = {k: v for k, v in (("organization", organization), ("unit", unit)) if v}
        state = cls(path, blank(**kwargs), rubric=rubric, history_keep=history_keep)
        state.save()
        return state

    # -- validation

    @property
    def valid(self) -> bool:
        """The data as edited is a valid assessment (and so is what the file holds)."""
        return not self.problems

    @property
    def file_name(self) -> str:
        """The file's name, as problems mention it."""
        return self.path.name if self.path else "<workshop>"

    def _check(self, data: Data) -> tuple[Assessment | None, list[Problem]]:
        try:
            return parse_assessment(data, file=self.file_name), []
        except InputError as exc:
            return None, list(exc.problems)

    def _validate(self) -> None:
        model, problems = self._check(self.data)
        self.problems = problems
        if model is not None:
            self.model = model
            self.result = assess(model, self.rubric)

    def field_errors(self, fields: Iterable[str]) -> dict[str, list[str]]:
        """The current problems, each under the field that should show it."""
        return field_errors(self.problems, fields)

    # -- editing

    def apply(self, change: Change, *, save: bool = True) -> Outcome:
        """Make a change; if the unit is then valid, re-assess and (by default) save it."""
        candidate = copy.deepcopy(self.data)
        try:
            change.apply(candidate)
        except WorkshopError as exc:
            return Outcome(False, refused=f"Cannot {change.description}: {exc}.")
        self.data = candidate
        self._validate()
        if self.problems:
            return Outcome(False, problems=list(self.problems))
        self.revision += 1
        if not save:
            return Outcome(True)
        saved = self.save()
        return Outcome(True, saved=saved, conflict=self.conflict)

    # -- saving

    def save(self) -> Path | None:
        """Write the current (valid) unit to its file atomically, keeping the replaced version in .history/.

        If the file changed on disk since this state last read or wrote it, the file is left alone and
        this version goes to the conflict copy instead (see `conflict`); returns None then.
        """
        if self.path is None or self.model is None or self.problems:
            return None
        payload = to_yaml(self.model).encode("utf-8")
        try:
            old = _current_bytes(self.path)
            changed = old is not None and _hash(old) != self._seen
        except OSError:
            old, changed = None, True  # not an ordinary file (or unreadable): never write over it
        if changed:
            self._keep_conflict_copy(payload)
            return None
        self.conflict = None  # in step with the file again (it may have been put back as it was)
        if old is not None and old == payload:
            return None
        if old is not None:
            self._keep_history(old)
        write_atomic(self.path, payload)
        self._seen = _hash(payload)
        self.saved_at = dt.datetime.now()
        return self.path

    def _keep_conflict_copy(self, payload: bytes) -> None:
        assert self.path is not None and self.history_dir is not None
        if self.conflict is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            copy_path = self.history_dir / f"{self.path.stem}.conflict-{stamp}{self.path.suffix}"
            n = 1
            while copy_path.exists():
                n += 1
                copy_path = self.history_dir / f"{self.path.stem}.conflict-{stamp}-{n}{self.path.suffix}"
            self.conflict = Conflict(self.path, copy_path)
        # One copy per conflict, updated with every edit until the facilitator decides.
        write_atomic(self.conflict.copy, payload)

    def reload(self) -> Outcome:
        """Take the file's version from disk, e.g. after a conflict. This session's version is saved first
        (to the file if it did not change, else to the conflict copy), so reloading never loses it."""
        if self.path is None:
            return Outcome(False, refused="There is no file to reload.")
        try:
            self.save()
        except OSError as exc:
            return Outcome(False, refused=f"Cannot reload {self.file_name}: this session's version could not be "
                                          f"kept first ({exc.strerror or exc}).")
        try:
            seen = _hash_of(self.path)
            data, _ = read_yaml_mapping(self.path)
        except InputError as exc:
            problem = exc.problems[0]
            where = f"{problem.path}: " if problem.path else ""
            line = f" (line {problem.line})" if problem.line else ""
            return Outcome(False, refused=f"Cannot reload {self.file_name}: {where}{problem.message}{line}.")
        except OSError as exc:
            return Outcome(False, refused=f"Cannot reload {self.file_name}: {exc.strerror or exc}.")
        self.data = copy.deepcopy(data)
        self.model, self.result = None, None
        self._validate()
        self.revision += 1
        self._seen, self.conflict = seen, None
        return Outcome(True)

    def keep_mine(self) -> Outcome:
        """After a conflict: write this session's version to the file; the file's version goes to .history/."""
        if self.conflict is None:
            return Outcome(True)
        if self.problems or self.model is None:
            return Outcome(False, problems=list(self.problems),
                           refused="Fix the problems marked in red before keeping your version.")
        assert self.path is not None
        self._seen = _hash_of(self.path)  # what is there now is what this save replaces (into .history/)
        saved = self.save()
        return Outcome(True, saved=saved, conflict=self.conflict)

    @property
    def history_dir(self) -> Path | None:
        """Where replaced versions of the file are kept."""
        return self.path.parent / HISTORY_DIR if self.path else None

    def history(self) -> list[Path]:
        """Replaced versions of this file, oldest first."""
        if self.history_dir is None or not self.history_dir.is_dir():
            return []
        pattern = re.compile(re.escape(self.path.stem) + r"-\d{8}-\d{6}-\d{6}(-\d+)?" + re.escape(self.path.suffix) + "$")
        return sorted(p for p in self.history_dir.iterdir() if pattern.match(p.name))

    def _keep_history(self, old: bytes) -> None:
        assert self.path is not None and self.history_dir is not None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.history_dir / f"{self.path.stem}-{stamp}{self.path.suffix}"
        n = 1
        while target.exists():
            n += 1
            target = self.history_dir / f"{self.path.stem}-{stamp}-{n}{self.path.suffix}"
        write_atomic(target, old, mode=self.path.stat().st_mode & 0o777)  # as private as the roster
        for stale in self.history()[: -self.history_keep or None]:
            stale.unlink(missing_ok=True)

    # -- what-if

    def what_if(self) -> WhatIf:
        """A sandbox of changes on top of the current unit; the file is untouched until it is kept."""
        if not self.valid or self.result is None:
            raise WorkshopError("fix the problems marked in red before trying a what-if")
        return WhatIf(self)


class WhatIf:
    """Changes tried on a copy of the current unit, compared before and after, kept or discarded."""

    def __init__(self, state: WorkshopState) -> None:
        self.state = state
        self.changes: list[Change] = []
        self.after: Result = state.result  # type: ignore[assignment]
        self.problems: list[Problem] = []

    @property
    def before(self) -> Result:
        """The unit as it is now (the saved file)."""
        assert self.state.result is not None
        return self.state.result

    def _data_with(self, changes: list[Change]) -> Data:
        data = copy.deepcopy(self.state.data)
        for change in changes:
            change.apply(data)
        return data

    def try_change(self, change: Change) -> Outcome:
        """Add a change to the scenario if the unit stays valid with it; otherwise say why not."""
        try:
            data = self._data_with([*self.changes, change])
        except WorkshopError as exc:
            return Outcome(False, refused=f"Cannot {change.description}: {exc}.")
        model, problems = self.state._check(data)
        if model is None:
            words = "; ".join(f"{describe_path(data, p.path)}: {p.message}" if p.path else p.message for p in problems)
            return Outcome(False, problems=problems, refused=f"Cannot {change.description}: {words}.")
        self.changes.append(change)
        self.after = assess(model, self.state.rubric)
        return Outcome(True)

    def undo(self) -> None:
        """Take back the last change tried."""
        if self.changes:
            self.changes.pop()
            self.refresh()

    def refresh(self) -> None:
        """Recompute 'after' on top of the unit as it is now (it may have been edited meanwhile)."""
        try:
            model, _ = self.state._check(self._data_with(self.changes))
        except WorkshopError:
            model = None
        self.after = assess(model, self.state.rubric) if model is not None else self.before

    def comparison(self) -> Comparison:
        """Before and after, side by side."""
        return compare(self.before, self.after)

    def keep(self) -> Outcome:
        """Make the tried changes for real: the unit is updated and saved."""
        if not self.changes:
            return Outcome(True)
        outcome = self.state.apply(combine(self.changes))
        if outcome.accepted:
            self.changes = []
            self.refresh()
        return outcome

    def discard(self) -> None:
        """Forget the tried changes; the unit and its file stay as they are."""
        self.changes = []
        self.after = self.before

