"""The workshop's state, without widgets: the team being edited, its problems, its result, autosave, what-if.

Edits are `Change`s (see changes.py): a plain-words description and a function over the assessment in
file form (a dict). `WorkshopState.apply` runs a change on a copy, validates the whole unit with
`parse_assessment`, and then either accepts it (re-assesses and writes the file atomically, keeping
what it replaced in `.history/`) or keeps it as a draft with problems mapped to field paths, leaving
the file on disk untouched. A `WhatIf` tries changes on top of the current team and compares before
and after; nothing reaches the file until `keep()`. The plan (podcheck.plan) is worked out on demand,
once per accepted version (`planned()`); `plan_change` turns its first steps into one change to apply.

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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..assess import assess
from ..catalog import Rubric
from ..changes import parse_item
from ..compare import finding_identity, match_findings
from ..errors import InputError, Problem
from ..files.assessment import assessment_yaml, parse_assessment
from ..files.atomic import read_bounded, write_atomic
from ..files.safe_yaml import MAX_FILE_BYTES, read_yaml_mapping
from ..model import SCHEMA, Assessment
from ..plan import with_plan
from ..result import Finding, PlanStep, Result
from .changes import Change, Data, WorkshopError, combine
from .problems import describe_path, field_errors

HISTORY_DIR = ".history"
HISTORY_KEEP = 50
UNDO_KEEP = 200  # steps of undo kept in memory; earlier versions stay reachable through .history/
FILE_HEADER = (
    "# Saved by the podcheck workshop after every accepted edit.\n"
    "# The versions it replaced are in the .history/ folder beside this file.\n"
)


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


@dataclass(frozen=True)
class Step:
    """One step that undo (or redo) can take: what the change was, and the team as it was on the other side."""

    description: str
    data: Data


@dataclass(frozen=True)
class Version:
    """An earlier version of the file, kept in .history/: when it was replaced, by what (if this session
    knows), and how big the team was then."""

    path: Path
    replaced_at: dt.datetime | None
    replaced_by: str | None
    summary: str


def team_summary(data: Data) -> str:
    """'12 people in 2 pods': the size of a team in file form, in words."""
    people = [p for p in data.get("people") or [] if isinstance(p, dict)] if isinstance(data, dict) else []
    pods = [p for p in data.get("pods") or [] if isinstance(p, dict)] if isinstance(data, dict) else []
    return (f"{len(people)} {'person' if len(people) == 1 else 'people'} in "
            f"{len(pods)} pod{'' if len(pods) == 1 else 's'}")


def plan_steps(plan: list[PlanStep], upto: int) -> list[Change]:
    """Plan steps 1..upto that change the team, one Change each, in order (the projection after step `upto`
    is the team after all of them)."""
    return [combine([parse_item(item) for item in step.changes], f"step {step.step}: {step.title}")
            for step in plan if step.step <= upto and step.changes]


def plan_change(plan: list[PlanStep], upto: int) -> Change:
    """Plan steps 1..upto as one change, as "Keep" makes it: one entry in the undo history, named by the
    steps' titles."""
    steps = [s for s in plan if s.step <= upto and s.changes]
    titles = "; ".join(s.title for s in steps)
    return combine(plan_steps(plan, upto), f"plan {steps_words(upto)}: {titles}")


def steps_words(n: int) -> str:
    """Plan steps 1..n in words: 'step 1', 'steps 1 and 2', 'steps 1 to 3'."""
    return "step 1" if n == 1 else "steps 1 and 2" if n == 2 else f"steps 1 to {n}"


def plan_action(step: PlanStep) -> Change:
    """A plan step agreed as an action in the file (`actions:`), to be reviewed at the next assessment: its
    title, owner and the findings it works on, with the step it came from."""
    action: Data = {"title": step.title.rstrip("."), "from_step": step.step}
    if step.owner:
        action["owner"] = step.owner
    refs = {(f.id, f.pod): {"id": f.id, **({"pod": f.pod} if f.pod else {})} for f in (step.addresses or step.resolves)}
    if refs:
        action["findings"] = list(refs.values())

    def apply(data: Data) -> None:
        actions = data.setdefault("actions", [])
        if not isinstance(actions, list):
            raise WorkshopError("the file's actions are not a list; fix the file by hand first")
        if any(isinstance(a, dict) and a.get("title") == action["title"] for a in actions):
            raise WorkshopError("this step is already among the agreed actions")
        actions.append(copy.deepcopy(action))

    return Change(f"agree plan step {step.step} as an action: {action['title']}", apply)


def _replace_all(data: Data, with_: Data) -> None:
    """Make `data` (in place, as changes work) a copy of `with_`."""
    data.clear()
    data.update(copy.deepcopy(with_))


# ---------------------------------------------------------------- before and after a what-if


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
    def score_delta(self) -> int | None:
        """How many points the overall score moves; None when either side has too little to be scored."""
        if self.before.score is None or self.after.score is None:
            return None
        return self.after.score - self.before.score

    def is_resolved(self, finding: Finding) -> bool:
        """The finding (of the result before) is gone after the what-if."""
        return finding_identity(finding) in {finding_identity(f) for f in self.resolved}

    def is_new(self, finding: Finding) -> bool:
        """The finding (of the result after) was not there before the what-if."""
        return finding_identity(finding) in {finding_identity(f) for f in self.added}


# ---------------------------------------------------------------- the state


def blank(organization: str = "Our company", unit: str = "Our integration team", *,
          today: dt.date | None = None) -> Data:
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
    return assessment_yaml(model, header=FILE_HEADER)


def _current_bytes(path: Path) -> bytes | None:
    """What the file holds now, or None if there is none. Anything but an ordinary file of at most
    MAX_FILE_BYTES raises OSError without being read (a FIFO would block)."""
    try:
        return read_bounded(path, MAX_FILE_BYTES, what="an assessment file")
    except InputError as exc:
        if exc.problems[0].code == "not-found":
            return None
        raise OSError(str(exc)) from None


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
        # Undo and redo: the team before each accepted change, and after each undone one. `_accepted` is the
        # team as last accepted (a draft with problems is never a step of its own; undo drops it).
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._accepted: Data | None = copy.deepcopy(self.data) if self.valid else None
        self._replaced_by: dict[str, str] = {}  # .history/ file name → the change that replaced that version
        self._saving_for: str | None = None
        # The plan is worked out on demand (`planned()`), never on an edit: it assesses many candidate teams.
        # It belongs to the result it was worked out from; once the result changes, it is stale.
        self._planned: Result | None = None
        self._planned_from: Result | None = None

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

    def apply(self, change: Change, *, save: bool = True, record: bool = True) -> Outcome:
        """Make a change; if the unit is then valid, re-assess and (by default) save it.

        An accepted change can be undone (`record=False` is for undo and redo themselves)."""
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
        if record and self._accepted is not None:
            self._done.append(Step(change.description, self._accepted))
            del self._done[:-UNDO_KEEP]
            self._undone.clear()
        self._accepted = copy.deepcopy(self.data)
        if not save:
            return Outcome(True)
        self._saving_for = change.description
        try:
            saved = self.save()
        finally:
            self._saving_for = None
        return Outcome(True, saved=saved, conflict=self.conflict)

    # -- undo, redo and earlier versions

    @property
    def can_undo(self) -> bool:
        """There is a change (or a draft with problems) to take back."""
        return bool(self._done) or (not self.valid and self._accepted is not None)

    @property
    def can_redo(self) -> bool:
        """An undone change can be made again."""
        return bool(self._undone)

    @property
    def undo_description(self) -> str | None:
        """What undo would take back, in the change's words."""
        if not self.valid and self._accepted is not None:
            return "the edit not saved yet"
        return self._done[-1].description if self._done else None

    @property
    def redo_description(self) -> str | None:
        """What redo would make again."""
        return self._undone[-1].description if self._undone else None

    def _put_back(self, data: Data, description: str) -> Outcome:
        return self.apply(Change(description, lambda d: _replace_all(d, data)), record=False)

    def undo(self) -> Outcome:
        """Take back the last accepted change (or drop a draft with problems), and save."""
        if not self.valid and self._accepted is not None:
            return self._put_back(self._accepted, "put back the team as last saved")
        if not self._done:
            return Outcome(False, refused="Nothing to undo.")
        step, current = self._done.pop(), self._accepted
        outcome = self._put_back(step.data, f"undo {step.description}")
        if outcome.accepted and current is not None:
            self._undone.append(Step(step.description, current))
        elif not outcome.accepted:
            self._done.append(step)
        return outcome

    def redo(self) -> Outcome:
        """Make the last undone change again, and save."""
        if not self._undone:
            return Outcome(False, refused="Nothing to redo.")
        step, current = self._undone.pop(), self._accepted
        outcome = self._put_back(step.data, f"redo {step.description}")
        if outcome.accepted and current is not None:
            self._done.append(Step(step.description, current))
        elif not outcome.accepted:
            self._undone.append(step)
        return outcome

    def versions(self) -> list[Version]:
        """Earlier versions of the file in .history/, newest first, each with the team's size then."""
        out = []
        for path in reversed(self.history()):
            match = re.search(r"-(\d{8}-\d{6}-\d{6})(?:-\d+)?$", path.stem)
            when = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S-%f") if match else None
            try:
                data, _ = read_yaml_mapping(path)
                summary = team_summary(data)
            except (InputError, OSError):
                summary = "cannot be read"
            out.append(Version(path, when, self._replaced_by.get(path.name), summary))
        return out

    def restore(self, version: Version) -> Outcome:
        """Go back to an earlier version of the file; itself a change, so undo returns to where the team was."""
        try:
            data, _ = read_yaml_mapping(version.path)
        except (InputError, OSError) as exc:
            return Outcome(False, refused=f"Cannot read that version: {exc}")
        when = f" of {version.replaced_at:%H:%M:%S}" if version.replaced_at else ""
        return self.apply(Change(f"go back to the version{when}", lambda d: _replace_all(d, data)))

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

    def _free_name(self, stem: str) -> Path:
        """A path in the history folder named `stem` plus the file's suffix, with -2, -3… if that is taken."""
        assert self.path is not None and self.history_dir is not None
        target, n = self.history_dir / f"{stem}{self.path.suffix}", 1
        while target.exists():
            n += 1
            target = self.history_dir / f"{stem}-{n}{self.path.suffix}"
        return target

    def _keep_conflict_copy(self, payload: bytes) -> None:
        assert self.path is not None and self.history_dir is not None
        if self.conflict is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            self.conflict = Conflict(self.path, self._free_name(f"{self.path.stem}.conflict-{stamp}"))
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
        before = self._accepted
        self.data = copy.deepcopy(data)
        self.model, self.result = None, None
        self._validate()
        self.revision += 1
        self._seen, self.conflict = seen, None
        if self.valid:
            if before is not None and before != self.data:
                self._done.append(Step("reload the file", before))
                self._undone.clear()
            self._accepted = copy.deepcopy(self.data)
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
        stamp = r"-\d{8}-\d{6}-\d{6}(-\d+)?"  # as _keep_history names them
        pattern = re.compile(re.escape(self.path.stem) + stamp + re.escape(self.path.suffix) + "$")
        return sorted(p for p in self.history_dir.iterdir() if pattern.match(p.name))

    def _keep_history(self, old: bytes) -> None:
        assert self.path is not None and self.history_dir is not None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self._free_name(f"{self.path.stem}-{stamp}")
        write_atomic(target, old, mode=self.path.stat().st_mode & 0o777)  # as private as the roster
        if self._saving_for:
            self._replaced_by[target.name] = self._saving_for
        for stale in self.history()[: -self.history_keep or None]:
            stale.unlink(missing_ok=True)

    # -- the plan

    def planned(self) -> Result | None:
        """The current result with its plan, worked out once per accepted version of the team (None while
        the team has problems: a plan for the last good version would not be one for what is on screen)."""
        if not self.valid or self.model is None or self.result is None:
            return None
        if self.plan_stale:
            self._planned = with_plan(self.result, self.model, self.rubric)
            self._planned_from = self.result
        return self._planned

    @property
    def plan_stale(self) -> bool:
        """The team changed since its plan was last worked out (or it never was)."""
        return self._planned is None or self._planned_from is not self.result

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
            words = "; ".join(f"{describe_path(data, p.path)}: {p.message}" if p.path else p.message
                              for p in problems)
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
        """Before and after, side by side: which findings the changes add and which they resolve (the same
        finding means the same people too, so compare's matcher runs without its rule-and-pod pass)."""
        _, resolved, added = match_findings(self.before.findings, self.after.findings, by_rule_and_pod=False)
        return Comparison(self.before, self.after, added, resolved)

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
