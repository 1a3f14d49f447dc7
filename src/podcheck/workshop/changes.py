"""The edits a workshop makes, as `Change`s: a plain-words description and a function over the assessment
in file form (a dict), so that one edit can be tried, validated, kept or undone as a whole.

Each function here checks what it can without the data (a role name, a field name) and raises
`WorkshopError` in plain words; what depends on the data (no such person, a pod that still has
members) is raised when the change is applied. People and pods are named by position or by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..model import ROLES

Data = dict[str, Any]
PersonRef = int | str
PodRef = int | str


class WorkshopError(Exception):
    """A change that cannot be made at all (no such person, pod still has members…), in plain words."""


@dataclass(frozen=True)
class Change:
    """One edit: what it does in plain words, and a function that makes it on file-form data."""

    description: str
    apply: Callable[[Data], None]


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
