"""Changes to a team, in one vocabulary: the workshop's edits, `podcheck what-if` and the plan's steps.

A `Change` is a plain-words description, a function over the assessment in file form (a dict), and the
contract items (section 5.3 of the contract: `{do: move-person, person: ..., pod: ...}`) it amounts to.
`parse_changes` reads such items (from a CHANGES file) into Changes; `to_items` gives them back.

Each constructor checks what it can without the data (a role name, a field name) and raises
`ChangeError` in plain words; what depends on the data (no such person, a pod that still has
members) is raised when the change is applied. `ChangeError.field` names the item's field at fault.
People and pods are named by position (the workshop's rows) or by name (items: always by name).

People in several pods (contract 5.1) carry `assignments: [{pod, roles, member?}]` instead of `pod`
and `roles`; the changes here edit the matching assignment.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError, Loc, Problem
from .model import BACKGROUNDS, FOCUS, HELPS_AS, LEAD_LOAD, MEMBERSHIP, PLATFORMS, PROCESSES, ROLES

Data = dict[str, Any]
Item = dict[str, Any]
PersonRef = int | str
PodRef = int | str


class ChangeError(Exception):
    """A change that cannot be made at all (no such person, pod still has members…), in plain words."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Change:
    """One edit: what it does in plain words, a function that makes it on file-form data, and the contract
    items it amounts to (empty when it cannot be said as items, e.g. a workshop row given by position)."""

    description: str
    apply: Callable[[Data], None]
    items: tuple[Item, ...] = field(default=())


def _item(do: str, **fields: Any) -> tuple[Item, ...]:
    """A contract item, or none when a person or pod is given by position (items name them)."""
    if any(isinstance(v, int) and not isinstance(v, bool) and k in ("person", "pod") for k, v in fields.items()):
        return ()
    return ({"do": do, **fields},)


def _close(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'x'?" when `word` is a typo away from one of `choices`."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


# ---------------------------------------------------------------- finding people and pods in the data


def _people(data: Data) -> list[Data]:
    people = data.setdefault("people", [])
    if not isinstance(people, list):
        raise ChangeError("the file's people are not a list; fix the file by hand first")
    return people


def _pods(data: Data) -> list[Data]:
    pods = data.setdefault("pods", [])
    if not isinstance(pods, list):
        raise ChangeError("the file's pods are not a list; fix the file by hand first")
    return pods


def _names(items: list[Data]) -> list[str]:
    return [str(item.get("name", "")).strip() for item in items if isinstance(item, dict)]


def _index(items: list[Data], ref: int | str, kind: str, field: str) -> int:
    if isinstance(ref, int):
        if 0 <= ref < len(items):
            return ref
        raise ChangeError(f"there is no {kind} number {ref + 1}", field)
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("name", "")).strip() == ref.strip():
            return i
    raise ChangeError(f"no {kind} named '{ref}'{_close(ref.strip(), _names(items))}", field)


def person_index(data: Data, ref: PersonRef, field: str = "person") -> int:
    """Position of a person given by position or name."""
    return _index(_people(data), ref, "person", field)


def pod_index(data: Data, ref: PodRef, field: str = "pod") -> int:
    """Position of a pod given by position or name."""
    return _index(_pods(data), ref, "pod", field)


def _pod_name(data: Data, ref: PodRef, field: str = "pod") -> str:
    return str(_pods(data)[pod_index(data, ref, field)].get("name", "")).strip()


def _assignments(person: Data) -> list[Data] | None:
    """A person's assignments (contract 5.1), or None for a person in one pod (or none)."""
    found = person.get("assignments")
    return found if isinstance(found, list) else None


def pods_of(person: Data) -> list[str]:
    """The pods a person works in: their `pod`, or each assignment's."""
    assignments = _assignments(person)
    if assignments is None:
        pod = person.get("pod")
        return [pod.strip()] if isinstance(pod, str) else []
    return [str(a.get("pod", "")).strip() for a in assignments if isinstance(a, dict)]


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


def _ordered_roles(roles: Mapping[str, Any]) -> dict[str, Any]:
    """Roles in the file's usual order (lead, technologist, analyst), anything else after."""
    ordered = {r: roles[r] for r in ROLES if r in roles}
    ordered.update({k: v for k, v in roles.items() if k not in ordered})
    return ordered


# ---------------------------------------------------------------- changes


FACTS = ("organization", "unit", "assessed_on", "head_of_integration", "context.platform", "context.process",
         "context.backlog.open", "context.backlog.added_per_quarter", "context.backlog.delivered_per_quarter")


def set_fact(key: str, value: Any) -> Change:
    """Set an organisation fact: organization, unit, assessed_on, head_of_integration, context.platform,
    context.process or context.backlog.open / added_per_quarter / delivered_per_quarter. None clears it."""
    if key not in FACTS:
        raise ChangeError(f"'{key}' is not a fact that can be set{_close(key, FACTS)} (use one of: "
                          f"{', '.join(FACTS)})", "path")
    parts = key.split(".")

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
    return Change(f"{key.replace('_', ' ')} {shown}", apply, _item("set-fact", path=key, value=value))


def add_pod(name: str, focus: str | None = None, lead_load: str = "normal",
            active_projects: int | None = None) -> Change:
    """A new pod."""

    def apply(data: Data) -> None:
        pod: Data = {"name": name.strip()}
        _set_or_drop(pod, "focus", _clean(focus))
        if lead_load != "normal":
            pod["lead_load"] = lead_load
        _set_or_drop(pod, "active_projects", active_projects)
        _pods(data).append(pod)

    fields = {k: v for k, v in (("focus", focus), ("lead_load", None if lead_load == "normal" else lead_load),
                                ("active_projects", active_projects)) if v is not None}
    return Change(f"add pod {name.strip()}", apply, _item("add-pod", name=name.strip(), **fields))


POD_FIELDS = ("name", "focus", "lead_load", "active_projects")


def _known_fields(values: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ChangeError(f"{what} has no field '{unknown[0]}'{_close(unknown[0], allowed)}", unknown[0])


def _shown(values: Mapping[str, Any]) -> str:
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
            if "pod" in person_keys:
                for assignment in _assignments(person) or []:
                    if isinstance(assignment, dict) and assignment.get("pod") == old:
                        assignment["pod"] = new
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

    return Change(f"pod {pod}: {_shown(values)}", apply, _item("edit-pod", pod=pod, **values))


def _members(data: Data, pod: str) -> list[str]:
    return [str(p.get("name")) for p in _people(data) if isinstance(p, dict) and pod in pods_of(p)]


def remove_pod(pod: PodRef) -> Change:
    """Remove a pod that has nobody in it (move or remove its people first)."""

    def apply(data: Data) -> None:
        i = pod_index(data, pod)
        name = str(_pods(data)[i].get("name", "")).strip()
        members = _members(data, name)
        if members:
            raise ChangeError(f"pod {name} still has {len(members)} "
                              f"{'person' if len(members) == 1 else 'people'} in it; move or remove them first", "pod")
        del _pods(data)[i]

    return Change(f"remove pod {pod}", apply, _item("remove-pod", pod=pod))


PERSON_FIELDS = ("name", "pod", "member", "background", "reports_to", "helps_as", "integration_training",
                 "owns_deliverables")
# What an edit-person item may set besides: the whole role map, or a multi-pod person's assignments.
ITEM_PERSON_FIELDS = (*PERSON_FIELDS, "roles", "assignments")


def add_person(name: str, pod: str | None = None, *, member: str = "core", background: str | None = None,
               roles: Mapping[str, float] | None = None, reports_to: str | None = None,
               helps_as: str | None = None, integration_training: bool | None = None,
               owns_deliverables: bool | None = None) -> Change:
    """A new person (a hire, a helper, or the head of integration)."""
    shares = {r: s for r, s in (roles or {}).items() if s}

    def apply(data: Data) -> None:
        if _clean(pod) is not None:
            pod_index(data, pod.strip())  # type: ignore[union-attr]
        person: Data = {"name": name.strip()}
        _set_or_drop(person, "pod", _clean(pod))
        if shares:
            person["roles"] = _ordered_roles(shares)
        _set_or_drop(person, "background", _clean(background))
        _set_or_drop(person, "reports_to", _clean(reports_to))
        if member != "core":
            person["member"] = member
        _set_or_drop(person, "helps_as", _clean(helps_as))
        _set_or_drop(person, "integration_training", integration_training)
        _set_or_drop(person, "owns_deliverables", owns_deliverables)
        _people(data).append(person)

    fields = {k: v for k, v in (("pod", _clean(pod)), ("roles", _ordered_roles(shares) if shares else None),
                                ("member", None if member == "core" else member), ("background", background),
                                ("integration_training", integration_training), ("reports_to", reports_to),
                                ("helps_as", helps_as), ("owns_deliverables", owns_deliverables)) if v is not None}
    where = f" to pod {pod.strip()}" if pod and pod.strip() else ""
    return Change(f"add {name.strip()}{where}", apply, _item("add-person", name=name.strip(), **fields))


def edit_person(person: PersonRef, **values: Any) -> Change:
    """Change a person's name, pod, member, background, reports_to, helps_as, flags (or, from an item, roles
    and assignments); a new name follows through to reporting lines and the head of integration."""
    _known_fields(values, ITEM_PERSON_FIELDS, "a person")

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
            elif key == "pod" and value is not None and _assignments(entry) is not None:
                raise ChangeError(f"{entry.get('name')} works in several pods; change their shares with "
                                  "set-role and `pod`", "pod")
            elif key == "roles" and isinstance(value, Mapping):
                _set_or_drop(entry, key, _ordered_roles({r: s for r, s in value.items() if s}) or None)
            else:
                _set_or_drop(entry, key, value)

    return Change(f"{person}: {_shown(values)}", apply, _item("edit-person", person=person, **values))


def _share_holder(data: Data, entry: Data, pod: str | None) -> Data:
    """The mapping whose `roles` a role share goes into: the person, or their assignment in `pod`.

    Giving a role in another pod to a person in one pod turns their pod and roles into assignments.
    """
    assignments = _assignments(entry)
    if pod is None:
        if assignments is None:
            return entry
        if len(assignments) == 1 and isinstance(assignments[0], dict):
            return assignments[0]
        raise ChangeError(f"{entry.get('name')} works in several pods ({', '.join(pods_of(entry))}); "
                          "say which with `pod`", "pod")
    pod = _pod_name(data, pod)
    if assignments is None:
        if entry.get("pod") in (None, pod):
            return entry
        # A second pod: pod + roles become two assignments.
        first: Data = {"pod": entry.pop("pod")}
        if entry.get("roles"):
            first["roles"] = entry.pop("roles")
        entry.pop("roles", None)
        assignments = entry["assignments"] = [first]
    for assignment in assignments:
        if isinstance(assignment, dict) and assignment.get("pod") == pod:
            return assignment
    added: Data = {"pod": pod}
    assignments.append(added)
    return added


def _tidy_assignments(entry: Data) -> None:
    """Drop assignments left with no role; one left (without its own member kind) becomes pod + roles."""
    assignments = _assignments(entry)
    if assignments is None:
        return
    kept = [a for a in assignments if not isinstance(a, dict) or a.get("roles") or a.get("member")]
    entry["assignments"] = kept
    if len(kept) == 1 and isinstance(kept[0], dict) and set(kept[0]) <= {"pod", "roles"}:
        entry.pop("assignments")
        entry["pod"] = kept[0]["pod"]
        if kept[0].get("roles"):
            entry["roles"] = kept[0]["roles"]


def set_role_share(person: PersonRef, role: str, share: float | None, pod: PodRef | None = None) -> Change:
    """Give a person a share of their time in a role (in `pod`, for a person in several pods); 0 or None
    takes the role away."""
    if role not in ROLES:
        raise ChangeError(f"'{role}' is not a role{_close(role, ROLES)} (use one of: {', '.join(ROLES)})", "role")

    def apply(data: Data) -> None:
        entry = _people(data)[person_index(data, person)]
        holder = _share_holder(data, entry, pod if pod is None or isinstance(pod, str) else _pod_name(data, pod))
        roles = holder.get("roles")
        if not isinstance(roles, dict):
            roles = {}
        if share:
            roles[role] = round(float(share), 4)
        else:
            roles.pop(role, None)
        if roles:
            holder["roles"] = _ordered_roles(roles)
        else:
            holder.pop("roles", None)
        _tidy_assignments(entry)

    what = f"{share:.0%} {role}" if share else f"no longer {role}"
    where = f" in pod {pod}" if pod is not None else ""
    item = _item("set-role", person=person, role=role, share=share if share else 0,
                 **({"pod": pod} if pod is not None else {}))
    return Change(f"{person}: {what}{where}", apply, item)


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

    return Change(f"remove {person}", apply, _item("remove-person", person=person))


def move_person(person: PersonRef, pod: str) -> Change:
    """Move a person to another pod (an existing one)."""

    def apply(data: Data) -> None:
        entry = _people(data)[person_index(data, person)]
        target = _pod_name(data, pod)
        if _assignments(entry) is not None:
            raise ChangeError(f"{entry.get('name')} works in several pods; change their shares with set-role "
                              "and `pod`", "person")
        entry["pod"] = target

    return Change(f"move {person} to pod {pod}", apply, _item("move-person", person=person, pod=pod))


def give_role(role: str, to: PersonRef, share: float | None = None, *, from_: PersonRef | None = None) -> Change:
    """Give `to` a role; with `from_`, that person hands it over (their share moves unless `share` is given)."""
    if role not in ROLES:
        raise ChangeError(f"'{role}' is not a role{_close(role, ROLES)} (use one of: {', '.join(ROLES)})", "role")

    def apply(data: Data) -> None:
        given = share
        if from_ is not None:
            giver = _people(data)[person_index(data, from_)]
            held = (giver.get("roles") or {}).get(role)
            if not held:
                raise ChangeError(f"{giver.get('name')} does not hold the {role} role")
            given = given or held
            set_role_share(from_, role, None).apply(data)
        set_role_share(to, role, given or 1.0).apply(data)

    source = f" from {from_}" if from_ is not None else ""
    # Handing over moves a share only the data knows: said as items only when the share is given.
    items = ((*(set_role_share(from_, role, None).items if from_ is not None else ()),
              *set_role_share(to, role, share or 1.0).items) if share or from_ is None else ())
    return Change(f"give the {role} role to {to}{source}", apply, items)


def split_pod(pod: PodRef, new_pod: str, people: Iterable[PersonRef], *, focus: str | None = None) -> Change:
    """Split a pod: a new pod (with the old one's focus unless given) that the named people move to."""
    movers = list(people)

    def apply(data: Data) -> None:
        old = _pods(data)[pod_index(data, pod)]
        old_name = str(old.get("name", "")).strip()
        for ref in movers:
            person = _people(data)[person_index(data, ref, "people")]
            if old_name not in pods_of(person):
                raise ChangeError(f"{person.get('name')} is not in pod {old_name}", "people")
        if new_pod.strip() in _names(_pods(data)):
            raise ChangeError(f"there is already a pod named '{new_pod.strip()}'", "new_pod")
        add_pod(new_pod, focus=focus or old.get("focus"), lead_load=old.get("lead_load", "normal")).apply(data)
        for ref in movers:
            person = _people(data)[person_index(data, ref, "people")]
            for assignment in _assignments(person) or []:
                if isinstance(assignment, dict) and assignment.get("pod") == old_name:
                    assignment["pod"] = new_pod.strip()
            if _assignments(person) is None:
                person["pod"] = new_pod.strip()

    item = _item("split-pod", pod=pod, new_pod=new_pod.strip(), people=list(movers),
                 **({"focus": focus} if focus else {}))
    if any(isinstance(m, int) for m in movers):
        item = ()
    return Change(f"split pod {pod}: {', '.join(map(str, movers))} form pod {new_pod.strip()}", apply, item)


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

    item = _item("set-answer", question=question, score=score, **({"note": note} if note else {}))
    return Change(f"answer {question}: {score if score is not None else 'withdrawn'}", apply, item)


def combine(changes: Iterable[Change], description: str | None = None) -> Change:
    """Several changes made as one."""
    steps = list(changes)

    def apply(data: Data) -> None:
        for step in steps:
            step.apply(data)

    items = tuple(i for s in steps for i in s.items) if all(s.items for s in steps) else ()
    return Change(description or "; ".join(s.description for s in steps), apply, items)


def to_items(changes: Iterable[Change]) -> list[Item]:
    """The contract items (CHANGES-file entries) that these changes amount to, in order."""
    out: list[Item] = []
    for change in changes:
        if not change.items:
            raise ValueError(f"'{change.description}' cannot be written as a CHANGES item")
        out.extend(dict(i) for i in change.items)
    return out


# ---------------------------------------------------------------- CHANGES items → Changes


class _Bad(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _kind(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


def _text(item: Item, key: str, *, optional: bool = False) -> str | None:
    value = item.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Bad(key, f"must be a name, not {_kind(value)}")
    if not value.strip():
        raise _Bad(key, "must not be empty")
    return value.strip()


def _choice(item: Item, key: str, choices: Iterable[str]) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    allowed = tuple(choices)
    if not isinstance(value, str) or value.strip() not in allowed:
        hint = _close(value, allowed) if isinstance(value, str) else ""
        raise _Bad(key, f"'{value}' is not one of: {', '.join(allowed)}{hint}")
    return value.strip()


def _number(item: Item, key: str, low: float, high: float, *, whole: bool = False) -> float | int | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
        raise _Bad(key, f"must be a {'whole ' if whole else ''}number, not {_kind(value)}")
    if not low <= value <= high:
        raise _Bad(key, f"must be between {low:g} and {high:g}, not {value:g}")
    return value


def _flag(item: Item, key: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        raise _Bad(key, f"must be true or false, not {_kind(value)}")
    return value


def _roles(item: Item, key: str = "roles") -> dict[str, float] | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(key, f"must be a mapping of role to share (e.g. {{analyst: 0.5}}), not {_kind(value)}")
    for role, share in value.items():
        if role not in ROLES:
            raise _Bad(f"{key}.{role}", f"'{role}' is not a role{_close(str(role), ROLES)} "
                       f"(use one of: {', '.join(ROLES)})")
        _number(value, role, 0, 1) if share is not None else None
    return {r: s for r, s in value.items() if s}


_PERSON_CHECKS: dict[str, Callable[[Item, str], Any]] = {
    "name": lambda i, k: _text(i, k),
    "pod": lambda i, k: _text(i, k, optional=True),
    "reports_to": lambda i, k: _text(i, k, optional=True),
    "member": lambda i, k: _choice(i, k, MEMBERSHIP),
    "background": lambda i, k: _choice(i, k, BACKGROUNDS),
    "helps_as": lambda i, k: _choice(i, k, HELPS_AS),
    "integration_training": _flag,
    "owns_deliverables": _flag,
    "roles": lambda i, k: _roles(i, k),
    "assignments": lambda i, k: i.get(k),  # checked by the model once applied
}
_POD_CHECKS: dict[str, Callable[[Item, str], Any]] = {
    "name": lambda i, k: _text(i, k),
    "focus": lambda i, k: _choice(i, k, FOCUS),
    "lead_load": lambda i, k: _choice(i, k, LEAD_LOAD),
    "active_projects": lambda i, k: _number(i, k, 0, 1_000_000, whole=True),
}
_FACT_CHECKS: dict[str, Callable[[Any], None]] = {
    "context.platform": lambda v: _choice({"value": v}, "value", PLATFORMS),
    "context.process": lambda v: _choice({"value": v}, "value", PROCESSES),
    **{f"context.backlog.{k}": (lambda v: _number({"value": v}, "value", 0, 1_000_000, whole=True))
       for k in ("open", "added_per_quarter", "delivered_per_quarter")},
}


def _checked(item: Item, checks: Mapping[str, Callable[[Item, str], Any]], keys: Iterable[str]) -> dict[str, Any]:
    return {k: checks[k](item, k) for k in keys}


def _add_person(item: Item) -> Change:
    f = _checked(item, _PERSON_CHECKS, [k for k in item if k != "do"])
    return add_person(f.pop("name"), f.pop("pod", None), member=f.pop("member", None) or "core", **f)


def _edit_person(item: Item) -> Change:
    person = _text(item, "person")
    values = {k: item[k] for k in item if k not in ("do", "person")}
    if not values:
        raise _Bad(None, f"says nothing to change; give one or more of: {', '.join(ITEM_PERSON_FIELDS)}")
    for key in values:
        if item[key] is not None and key != "name":
            _PERSON_CHECKS[key](item, key)
        elif key == "name":
            _text(item, key)
    return edit_person(person, **values)  # type: ignore[arg-type]


def _set_role(item: Item) -> Change:
    if "share" not in item:
        raise _Bad("share", "is missing; give a share between 0 and 1 (0 or null takes the role away)")
    _choice(item, "role", ROLES) if isinstance(item.get("role"), str) else _text(item, "role")
    share = _number(item, "share", 0, 1)
    return set_role_share(_text(item, "person"), str(item["role"]).strip(), share,  # type: ignore[arg-type]
                          pod=_text(item, "pod", optional=True))


def _add_pod(item: Item) -> Change:
    f = _checked(item, _POD_CHECKS, [k for k in item if k != "do"])
    return add_pod(f.pop("name"), focus=f.get("focus"), lead_load=f.get("lead_load") or "normal",
                   active_projects=f.get("active_projects"))


def _edit_pod(item: Item) -> Change:
    pod = _text(item, "pod")
    values = {k: item[k] for k in item if k not in ("do", "pod")}
    if not values:
        raise _Bad(None, f"says nothing to change; give one or more of: {', '.join(POD_FIELDS)}")
    for key in values:
        if item[key] is not None or key == "name":
            _POD_CHECKS[key](item, key)
    return edit_pod(pod, **values)  # type: ignore[arg-type]


def _split_pod(item: Item) -> Change:
    people = item.get("people")
    if not isinstance(people, list) or not people:
        raise _Bad("people", "needs a list of the people who move to the new pod"
                   + (f", not {_kind(people)}" if people is not None else ""))
    for i, name in enumerate(people):
        if not isinstance(name, str) or not name.strip():
            raise _Bad(f"people[{i}]", f"needs a person's name, not {_kind(name)}")
    return split_pod(_text(item, "pod"), _text(item, "new_pod"),  # type: ignore[arg-type]
                     [n.strip() for n in people], focus=_choice(item, "focus", FOCUS))


def _set_fact(item: Item) -> Change:
    path = item.get("path")
    if not isinstance(path, str):
        raise _Bad("path", f"must name the fact to set, not {_kind(path)} (use one of: {', '.join(FACTS)})")
    if path.strip() not in FACTS:
        raise _Bad("path", f"'{path}' is not a fact that can be set{_close(path, FACTS)} "
                   f"(use one of: {', '.join(FACTS)})")
    if "value" not in item:
        raise _Bad("value", "is missing (null clears the fact)")
    value = item["value"]
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, dict | list):
        raise _Bad("value", f"must be a single value, not {_kind(value)}")
    try:
        if value is not None:
            _FACT_CHECKS.get(path.strip(), lambda v: None)(value)
    except _Bad as bad:
        raise _Bad("value", bad.message) from None
    return set_fact(path.strip(), value)


def _set_answer(item: Item) -> Change:
    question = _text(item, "question")
    if "score" not in item:
        raise _Bad("score", "is missing; give 1..5, or null to withdraw the answer")
    score = _number(item, "score", 1, 5, whole=True)
    note = _text(item, "note", optional=True)
    return set_answer(question, score, note)  # type: ignore[arg-type]


# Each kind of item: its required fields, its optional ones, and how it becomes a Change.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], Callable[[Item], Change]]] = {
    "add-person": (("name",), ("pod", "roles", "member", "background", "integration_training", "reports_to",
                               "helps_as", "owns_deliverables", "assignments"), _add_person),
    "edit-person": (("person",), ITEM_PERSON_FIELDS, _edit_person),
    "remove-person": (("person",), (), lambda i: remove_person(_text(i, "person"))),  # type: ignore[arg-type]
    "move-person": (("person", "pod"), (),
                    lambda i: move_person(_text(i, "person"), _text(i, "pod"))),  # type: ignore[arg-type]
    "set-role": (("person", "role", "share"), ("pod",), _set_role),
    "add-pod": (("name",), ("focus", "lead_load", "active_projects"), _add_pod),
    "edit-pod": (("pod",), POD_FIELDS, _edit_pod),
    "remove-pod": (("pod",), (), lambda i: remove_pod(_text(i, "pod"))),  # type: ignore[arg-type]
    "split-pod": (("pod", "new_pod", "people"), ("focus",), _split_pod),
    "set-fact": (("path", "value"), (), _set_fact),
    "set-answer": (("question", "score"), ("note",), _set_answer),
}


def parse_item(item: object) -> Change:
    """One contract item as a Change; ChangeError (with the field at fault) when it is not one."""
    if not isinstance(item, dict):
        raise ChangeError(f"each change is a mapping like {{do: move-person, person: ..., pod: ...}}, "
                          f"not {_kind(item)}")
    do = item.get("do")
    if not isinstance(do, str) or do.strip() not in KINDS:
        shown = f"unknown change '{do}'{_close(do, KINDS)}" if isinstance(do, str) else (
            "says no `do`" if do is None else f"`do` must be text, not {_kind(do)}")
        raise ChangeError(f"{shown} (use one of: {', '.join(KINDS)})", "do")
    required, optional, build = KINDS[do.strip()]
    for key in item:
        if not isinstance(key, str) or (key != "do" and key not in required and key not in optional):
            allowed = (*required, *optional)
            raise ChangeError(f"{do} has no field '{key}'{_close(str(key), allowed)} "
                              f"(fields: {', '.join(allowed)})", str(key))
    for key in required:
        if key not in item:
            raise ChangeError(f"is missing; {do} needs {', '.join(required)}", key)
    try:
        return build(item)
    except _Bad as bad:
        raise ChangeError(bad.message, bad.field) from None


def parse_changes(items: object, file: str) -> list[Change]:
    """A CHANGES file's data as Changes; InputError naming `file`, the item and its field otherwise."""
    if not isinstance(items, list):
        raise InputError([Problem.at(file, (), f"must be a list of changes (each `- do: ...`), not {_kind(items)}",
                                     code="type")])
    changes = []
    for i, item in enumerate(items):
        try:
            changes.append(parse_item(item))
        except ChangeError as exc:
            raise InputError([change_problem(file, i, exc)]) from None
    return changes


def change_problem(file: str, index: int, exc: ChangeError, line: int | None = None) -> Problem:
    """The problem with item `index` of a CHANGES file, at its field when known: `[2].person: ...`."""
    loc: Loc = (index, exc.field) if exc.field else (index,)
    return Problem(file, _loc_text(loc), str(exc), line, loc=loc, code="change")


def _loc_text(loc: Loc) -> str:
    # A field like 'roles.analyst' or 'people[1]' is kept as written after the item's index.
    index, *rest = loc
    return f"[{index}]" + "".join(f".{part}" for part in rest)


def apply_changes(data: Data, changes: Iterable[Change], file: str = "<changes>") -> Data:
    """Apply changes in order to `data` (changed in place, and returned); InputError naming the item if one
    cannot be made."""
    for i, change in enumerate(changes):
        try:
            change.apply(data)
        except ChangeError as exc:
            raise InputError([change_problem(file, i, exc)]) from None
    return data
