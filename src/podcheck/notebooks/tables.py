"""Result / Assessment → pandas DataFrames for the playbook notebooks. Reshaping only: no rule logic.

Every judgement shown here (a role missing, a person flagged, a stage) comes from the Result that
`podcheck.assess` produced; these functions only pick columns and put them in a readable order.
Cells hold plain text or numbers; pandas escapes them when a notebook shows the table as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import catalog
from ..model import ROLES, Assessment, Person
from ..result import Finding, Result

NONE = "—"


def _pct(share: float | None) -> str:
    return f"{share:.0%}" if share else ""


def _fte(total: float) -> str:
    return f"{total:.1f}".rstrip("0").rstrip(".") if total else "0"


def _role_titles() -> list[str]:
    return [catalog.labels().roles[r] for r in ROLES]


def _frame(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with these columns even when there are no rows, numbered from 1."""
    frame = pd.DataFrame(rows, columns=columns)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _membership(person: Person) -> str:
    if person.is_core:
        return "core"
    return f"helper ({person.helps_as})" if person.helps_as else "helper"


def principles(ids: Iterable[str]) -> pd.DataFrame:
    """The playbook principles with these ids and their short titles."""
    return _frame([{"Principle": p, "In short": catalog.principles()[p]} for p in ids], ["Principle", "In short"])


def people(assessment: Assessment, pod: str | None = None) -> pd.DataFrame:
    """Everyone in the unit (or one pod): pod, membership, share of time per role, background."""
    head = assessment.head_of_integration
    order = {p.name: i for i, p in enumerate(assessment.pods)}
    chosen = [p for p in assessment.placed_people() if pod is None or p.pod == pod]  # one row per person and pod
    chosen.sort(key=lambda p: (p.pod is not None, order.get(p.pod or "", -1), not p.is_core, p.name))
    rows = []
    for person in chosen:
        shares = person.roles.shares()
        rows.append({
            "Pod": person.pod or ("(head of integration)" if person.name == head else NONE),
            "Name": person.name,
            "Member": ("head of integration" if person.name == head and person.pod is None
                       else "outside the pods" if person.pod is None else _membership(person)),
            **{catalog.labels().roles[r]: _pct(shares.get(r)) for r in ROLES},
            "Background": person.background or "unknown",
            "Integration training": {True: "yes", False: "no", None: ""}[person.integration_training],
            "Reports to": person.reports_to or "",
        })
    columns = ["Pod", "Name", "Member", *_role_titles(), "Background", "Integration training", "Reports to"]
    return _frame(rows, columns)


def pods(result: Result) -> pd.DataFrame:
    """Each pod's size against its limits and the time given to each role (in full-time equivalents)."""
    rows = []
    for pod in result.pods:
        rows.append({
            "Pod": pod.name,
            "Focus": pod.focus or "not stated",
            "Core members": pod.core,
            "Core limit": pod.core_limit,
            "Helpers": pod.extended,
            "Limit with helpers": pod.total_limit,
            **{f"{catalog.labels().roles[r]} FTE": _fte(pod.role_shares.get(r, 0.0)) for r in ROLES},
            "All three roles": "yes" if pod.complete else "no",
            "Active projects": "" if pod.active_projects is None else pod.active_projects,
        })
    columns = ["Pod", "Focus", "Core members", "Core limit", "Helpers", "Limit with helpers",
               *(f"{title} FTE" for title in _role_titles()), "All three roles", "Active projects"]
    return _frame(rows, columns)


def role_coverage(assessment: Assessment, result: Result) -> pd.DataFrame:
    """Pods × roles: who holds each role among the core members, with the pod's total time on it."""
    rows = []
    for pod in result.pods:
        members = [p for p in assessment.members(pod.name) if p.is_core]
        row: dict[str, object] = {"Pod": pod.name}
        for role in ROLES:
            holders = sorted((p for p in members if role in p.roles.shares()), key=lambda p: p.name)
            names = ", ".join(f"{p.name} ({_pct(p.roles.shares()[role])})" for p in holders)
            fte = _fte(pod.role_shares.get(role, 0.0))
            row[catalog.labels().roles[role]] = f"{fte} FTE: {names}" if holders else "missing"
        rows.append(row)
    return _frame(rows, ["Pod", *_role_titles()])


def findings(result: Result, prefixes: Iterable[str] | None = None) -> pd.DataFrame:
    """Findings (all, or those whose id starts with one of `prefixes`), in the result's order."""
    wanted = tuple(prefixes) if prefixes is not None else None
    rows = [
        {
            "Severity": f.severity,
            "Pod": f.pod or "(whole unit)",
            "Finding": f.title,
            "People": ", ".join(f.people),
            "Principles": ", ".join(f.principles),
            "Id": f.id,
        }
        for f in select(result.findings, wanted)
    ]
    return _frame(rows, ["Severity", "Pod", "Finding", "People", "Principles", "Id"])


def select(found: Iterable[Finding], prefixes: tuple[str, ...] | None) -> list[Finding]:
    """The findings whose id is one of, or starts with one of, `prefixes` followed by a dot."""
    if prefixes is None:
        return list(found)
    return [f for f in found if any(f.id == p or f.id.startswith(p + ".") for p in prefixes)]


def dual_roles(assessment: Assessment, result: Result) -> pd.DataFrame:
    """Core members who hold more than one role, and the dual-role finding raised about them, if any."""
    flagged: dict[tuple[str | None, str], list[str]] = {}
    for f in select(result.findings, ("dual-role",)):
        for name in f.people:
            flagged.setdefault((f.pod, name), []).append(f.id)
    rows = []
    for person in sorted(assessment.placed_people(), key=lambda p: (p.pod or "", p.name)):
        shares = person.roles.shares()
        if not person.is_core or len(shares) < 2:
            continue
        rows.append({
            "Pod": person.pod or NONE,
            "Name": person.name,
            "Roles held": " + ".join(f"{r} {_pct(s)}" for r, s in shares.items()),
            "Background": person.background or "unknown",
            "Finding": ", ".join(flagged.get((person.pod, person.name), [])) or NONE,
        })
    return _frame(rows, ["Pod", "Name", "Roles held", "Background", "Finding"])


def _describe(person: Person) -> str:
    training = {True: ", trained", False: ", no integration training", None: ""}[person.integration_training]
    return f"{person.name} ({person.background or 'background unknown'}{training})"


def builders(assessment: Assessment, result: Result) -> pd.DataFrame:
    """Per pod: who does the technologist and analyst work, with background and training, and any trap finding."""
    raised: dict[str | None, list[str]] = {}
    for f in select(result.findings, ("developer-trap",)):
        raised.setdefault(f.pod, []).append(f.id)
    rows = []
    for pod in result.pods:
        core = sorted((p for p in assessment.members(pod.name) if p.is_core), key=lambda p: p.name)
        rows.append({
            "Pod": pod.name,
            "Technologists": "; ".join(_describe(p) for p in core if "technologist" in p.roles.shares()) or "none",
            "Analysts": "; ".join(_describe(p) for p in core if "analyst" in p.roles.shares()) or "none",
            "Finding": ", ".join(raised.get(pod.name, [])) or NONE,
        })
    return _frame(rows, ["Pod", "Technologists", "Analysts", "Finding"])


def dimensions(result: Result) -> pd.DataFrame:
    """Each dimension's score and why; dimensions the input says nothing about are listed as not assessed."""
    rows: list[dict[str, object]] = [
        {"Dimension": d.name, "Score": d.score, "Why": d.summary, "Principles": ", ".join(d.principles)}
        for d in result.dimensions
    ]
    rows += [{"Dimension": n.name, "Score": "not assessed", "Why": n.reason, "Principles": ""}
             for n in result.not_assessed]
    return _frame(rows, ["Dimension", "Score", "Why", "Principles"])


def dimension(result: Result, dimension_id: str) -> pd.DataFrame:
    """One dimension's score, split into the roster's and the questionnaire's part."""
    for d in result.dimensions:
        if d.id == dimension_id:
            row = {"Dimension": d.name, "Score": d.score,
                   "From the roster": NONE if d.roster_score is None else d.roster_score,
                   "From the questionnaire": NONE if d.answers_score is None else
                   f"{d.answers_score} ({d.answered} answer{'s' if d.answered != 1 else ''}, average "
                   f"{d.answers_average:g} of {catalog.DEFAULT_RUBRIC.answer_scale.highest})",
                   "Why": d.summary}
            break
    else:
        reason = next((n.reason for n in result.not_assessed if n.id == dimension_id), "not part of this result")
        row = {"Dimension": dimension_id, "Score": "not assessed", "From the roster": NONE,
               "From the questionnaire": NONE, "Why": reason}
    return _frame([row], ["Dimension", "Score", "From the roster", "From the questionnaire", "Why"])


def answers(assessment: Assessment, dimension_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Questionnaire questions (for some dimensions, or all) with the unit's answer, blank where unanswered."""
    wanted = set(dimension_ids) if dimension_ids is not None else None
    rows = []
    for q in catalog.questions():
        if wanted is not None and q.dimension not in wanted:
            continue
        given = assessment.answers.get(q.id)
        rows.append({
            "Question": q.text,
            "Answer (1–5)": given.score if given else "not answered",
            "Note": (given.note or "") if given else "",
            "Id": q.id,
        })
    return _frame(rows, ["Question", "Answer (1–5)", "Note", "Id"])


def stages(result: Result) -> pd.DataFrame:
    """The scaling ladder, with this unit's stage marked."""
    rows = [
        {"Level": s.level, "Stage": s.name, "Shape": s.summary,
         "This unit": "◀ here" if s.level == result.stage.level else ""}
        for s in catalog.stages()
    ]
    frame = _frame(rows, ["Level", "Stage", "Shape", "This unit"])
    return frame.set_index("Level")


def next_stage(result: Result) -> pd.DataFrame:
    """What to put in place before the next stage (empty at the top of the ladder)."""
    upcoming = result.stage.next
    rows = [{"Prepare": item} for item in (upcoming.prepare if upcoming else [])]
    return _frame(rows, ["Prepare"])


def outlook(result: Result) -> pd.DataFrame:
    """The backlog figures and where they lead, or one row saying they were not given."""
    o = result.outlook
    if o is None:
        return _frame([{"Backlog": "not given", "Value": "add context.backlog to the file"}], ["Backlog", "Value"])
    rows = [
        ("Open requests", NONE if o.open is None else o.open),
        ("Added per quarter", o.added_per_quarter),
        ("Delivered per quarter", o.delivered_per_quarter),
        ("Net change per quarter", f"{o.net_per_quarter:+d}"),
        ("Trend", o.trend),
        ("Quarters to clear", NONE if o.quarters_to_clear is None else o.quarters_to_clear),
        ("Extra deliveries per quarter to stop growth", o.extra_delivery_to_stabilise),
    ]
    return _frame([{"Backlog": k, "Value": str(v)} for k, v in rows], ["Backlog", "Value"])


def recommendations(result: Result, horizon: str | None = None) -> pd.DataFrame:
    """The ranked recommendations (all, or one horizon: now, next, later)."""
    rows = [
        {"Rank": r.rank, "When": r.horizon, "What to do": r.text, "Pod": r.pod or "",
         "Because of": r.finding or "next stage"}
        for r in result.recommendations if horizon is None or r.horizon == horizon
    ]
    return _frame(rows, ["Rank", "When", "What to do", "Pod", "Because of"]).set_index("Rank")


def severity_counts(result: Result) -> pd.DataFrame:
    """How many findings of each severity, in one row."""
    return _frame([{s: result.count(s) for s in catalog.SEVERITIES}], list(catalog.SEVERITIES))
