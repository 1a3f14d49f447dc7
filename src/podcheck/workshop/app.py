"""The workshop front end: ipywidgets over a WorkshopState, for a facilitator running podcheck live in JupyterLab.

Every widget edit becomes a `Change`; the state validates, re-assesses and autosaves it; then `sync()`
makes every widget show the state again (traitlets only send what really changed, so this is cheap).
Widgets carry stable `podcheck-*` CSS classes for styling and for the browser tests.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..catalog import Rubric, questions, stages
from ..compare import finding_identity
from ..errors import InputError
from ..model import ROLES
from ..result import Finding, Result
from ..text import html_text as _esc
from . import changes as ch
from .state import Comparison, Outcome, WhatIf, WorkshopState

BLANK = "—"
FOCUS = ("domain", "difficulty", "bespoke", "support", "none")
BACKGROUNDS = ("software-engineering", "mis", "business-analysis", "business-process", "solution-engineering", "other")
HELPS_AS = ("sme", "software-engineering", "qa")
PLATFORMS = ("ipaas", "embedded-ipaas", "in-house", "none")
PROCESSES = ("none", "ad-hoc", "defined")
SEVERITY_COLOURS = {"high": "#c62828", "medium": "#ef6c00", "low": "#1565c0"}
ROLE_LABELS = {"lead": "Lead", "technologist": "Technologist", "analyst": "Analyst"}

STYLE = """
<style>
.podcheck-workshop { font-size: 14px; }
.podcheck-workshop .widget-html-content { line-height: 1.4; }
.podcheck-workshop .widget-label { overflow: visible; }
.podcheck-workshop .podcheck-panel-title { font-weight: 600; font-size: 15px; margin: 6px 0 2px 0; }
.podcheck-stage-banner { border-radius: 8px; padding: 10px 16px; background: #0d3b66; color: #fff; }
.podcheck-stage-banner .pc-stage-name { font-size: 26px; font-weight: 700; line-height: 1.2; }
.podcheck-stage-banner .pc-ladder span { display: inline-block; padding: 2px 8px; margin: 4px 4px 0 0;
  border-radius: 10px; background: rgba(255,255,255,.15); font-size: 12px; }
.podcheck-stage-banner .pc-ladder span.pc-here { background: #ffd166; color: #0d3b66; font-weight: 700; }
.podcheck-stage-banner .pc-score { float: right; text-align: right; font-size: 13px; }
.podcheck-stage-banner .pc-score b { font-size: 30px; display: block; line-height: 1.1; }
.podcheck-stale { background: #fff3cd; color: #5c4400; padding: 4px 8px; border-radius: 4px; margin: 4px 0; }
.pc-finding { border-left: 5px solid #999; padding: 4px 10px; margin: 6px 0; background: #fafafa; border-radius: 0 4px 4px 0; }
.pc-finding.pc-high { border-color: #c62828; background: #fdecea; }
.pc-finding.pc-medium { border-color: #ef6c00; background: #fff4e5; }
.pc-finding.pc-low { border-color: #1565c0; background: #e8f1fb; }
.pc-finding .pc-sev { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.pc-finding.pc-high .pc-sev { color: #c62828; } .pc-finding.pc-medium .pc-sev { color: #b34f00; }
.pc-finding.pc-low .pc-sev { color: #1565c0; }
.pc-finding .pc-title { font-weight: 600; }
.pc-finding .pc-rec { font-size: 13px; color: #333; margin-top: 2px; }
.pc-finding.pc-new { outline: 2px dashed #c62828; }
.pc-finding.pc-resolved { opacity: .55; text-decoration: line-through; }
.pc-none { color: #2e7d32; font-weight: 600; padding: 6px 0; }
.pc-dims td { padding: 1px 6px 1px 0; font-size: 13px; }
.pc-bar { display: inline-block; height: 9px; background: #0d3b66; border-radius: 2px; vertical-align: middle; }
.pc-bar-bg { display: inline-block; width: 110px; height: 9px; background: #e0e0e0; border-radius: 2px; }
.pc-pods td, .pc-pods th { padding: 2px 8px 2px 0; font-size: 13px; text-align: left; }
.pc-ok { color: #2e7d32; font-weight: 700; } .pc-missing { color: #c62828; font-weight: 700; }
.pc-small { font-size: 12px; color: #555; }
.podcheck-error { color: #c62828; font-size: 12.5px; }
.podcheck-invalid input, .podcheck-invalid select, .podcheck-invalid .noUi-target,
.podcheck-invalid textarea { outline: 2px solid #c62828 !important; }
.podcheck-person, .podcheck-pod { border-bottom: 1px solid #e5e5e5; padding: 4px 0; }
.podcheck-status { font-size: 13px; color: #333; }
.podcheck-status.pc-status-bad { color: #c62828; font-weight: 600; }
.podcheck-question { border-bottom: 1px solid #eee; padding: 6px 0; }
.podcheck-question .pc-q { font-weight: 600; }
.pc-compare { display: flex; gap: 16px; } .pc-compare > div { flex: 1 1 0; min-width: 0; }
.pc-compare h4 { margin: 4px 0; }
</style>
"""


TRAINING = {"": "— integration training? —", "yes": "has integration training", "no": "no integration training"}
OWNS = {"": "— owns deliverables? —", "yes": "owns deliverables", "no": "contributes, does not own"}
FLAG = {"": None, "yes": True, "no": False}


def _flag_options(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, key) for key, label in labels.items()]


def _flag_value(flag: Any) -> str:
    """True/False/unknown from the file as the dropdown's value."""
    return {True: "yes", False: "no"}.get(flag, "") if isinstance(flag, bool) or flag is None else ""


def _options(values: tuple[str, ...] | list[str], current: Any, blank: str | None = BLANK,
             labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Dropdown options as (label, value); '' stands for 'not given', and an unknown current value stays listed."""
    opts = [(blank, "")] if blank is not None else []
    opts += [((labels or {}).get(v, v), v) for v in values]
    if current not in (None, "") and str(current) not in values:
        opts.append((f"{current} (not in the list)", str(current)))
    return opts


def _set(widget: w.Widget, **traits: Any) -> None:
    """Set traits only where they differ, so an unchanged widget sends nothing to the browser."""
    for name, value in traits.items():
        if isinstance(value, list):
            value = tuple(value)  # ipywidgets stores options as tuples; a list would never compare equal
        if getattr(widget, name) != value:
            setattr(widget, name, value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(text: str) -> int | str | None:
    """A count typed into a text box: a whole number, '' for unknown, else the text (the check names it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _percent(share: Any) -> int:
    try:
        return max(0, min(100, round(float(share) * 100)))
    except (TypeError, ValueError):
        return 0


def _chosen(*values: str) -> None:
    """Refuse a what-if whose dropdowns are still on '— choose —'."""
    if not all(str(v).strip() for v in values):
        raise ch.WorkshopError("choose everything in that line first")


def _label(text: str, width: str = "110px") -> w.Label:
    return w.Label(text, layout=w.Layout(width=width))


def _word(text: str) -> w.Label:
    """A short label that takes the width of its words."""
    return w.Label(text, layout=w.Layout(width="auto", margin="0 6px 0 2px"))


def _row(children: list[w.Widget]) -> w.HBox:
    """A line of fields that wraps on a narrow screen instead of cutting fields off."""
    return w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center"))


# ---------------------------------------------------------------- results as HTML


def stage_html(result: Result | None, stale: int = 0) -> str:
    """The stage, prominent, on the scaling ladder, with the score beside it."""
    if result is None:
        return "<div class='podcheck-stage-banner'><div class='pc-stage-name'>Not assessed yet</div></div>"
    steps = "".join(f"<span class='{'pc-here' if s.level == result.stage.level else ''}'>{s.level} {_esc(s.name)}</span>"
                    for s in stages())
    nxt = ""
    if result.stage.next is not None:
        nxt = (f"<div class='pc-small' style='color:#dde'>Next: {_esc(result.stage.next.name)}. "
               f"Prepare: {_esc(result.stage.next.prepare[0]) if result.stage.next.prepare else ''}</div>")
    stale_note = (f"<div class='podcheck-stale'>Showing the team as last saved: {stale} "
                  f"problem{'s' if stale != 1 else ''} to fix before the result can update.</div>") if stale else ""
    counts = ", ".join(f"{result.count(s)} {s}" for s in ("high", "medium", "low"))
    return (f"{stale_note}<div class='podcheck-stage-banner'>"
            f"<div class='pc-score'><b class='podcheck-score'>{result.score}</b>score of 100<br>{counts}</div>"
            f"<div class='pc-small' style='color:#dde'>Stage {result.stage.level} of 4</div>"
            f"<div class='pc-stage-name podcheck-stage-name' data-stage='{result.stage.id}'>{_esc(result.stage.name)}</div>"
            f"<div>{_esc(result.stage.summary)}</div><div class='pc-ladder'>{steps}</div>{nxt}</div>")


def finding_html(f: Finding, extra_class: str = "", show_rec: bool = True) -> str:
    """One finding as a card coloured by severity."""
    where = f" · pod {_esc(f.pod)}" if f.pod else ""
    rec = f"<div class='pc-rec'>→ {_esc(f.recommendation)}</div>" if show_rec else ""
    return (f"<div class='pc-finding pc-{f.severity} {extra_class}' data-finding='{_esc(f.id)}' data-pod='{_esc(f.pod or '')}'>"
            f"<span class='pc-sev'>{f.severity}</span> <span class='pc-title'>{_esc(f.title)}</span>"
            f"<span class='pc-small'>{where} · {_esc(', '.join(f.principles))}</span>"
            f"<div>{_esc(f.message)}</div>{rec}</div>")


def findings_html(result: Result | None) -> str:
    """Every finding, most severe first, or a plain word that there are none."""
    if result is None:
        return ""
    if not result.findings:
        return "<div class='pc-none'>No findings: the team matches the playbook on everything the file says.</div>"
    return "".join(finding_html(f) for f in result.findings)


def pods_html(result: Result) -> str:
    """Each pod's size against its limit and its role coverage."""
    rows = []
    for pod in result.pods:
        cells = "".join(
            f"<td class='{'pc-ok' if pod.role_shares.get(r) else 'pc-missing'}'>"
            f"{f'{pod.role_shares[r]:.1f}' if pod.role_shares.get(r) else '✗ none'}</td>" for r in ROLES)
        size = f"{pod.core}/{pod.core_limit} core" + (f" + {pod.extended} helpers" if pod.extended else "")
        rows.append(f"<tr><td><b>{_esc(pod.name)}</b></td><td>{size}</td>{cells}</tr>")
    head = "".join(f"<th>{ROLE_LABELS[r]}</th>" for r in ROLES)
    return (f"<table class='pc-pods'><tr><th>Pod</th><th>Size</th>{head}</tr>{''.join(rows)}</table>"
            "<div class='pc-small'>Roles in full-time people: 0.5 is half of one person's week.</div>")


def dimensions_html(result: Result) -> str:
    """Score bars per dimension, and what could not be assessed."""
    rows = "".join(
        f"<tr><td>{_esc(d.name)}</td><td><span class='pc-bar-bg'><span class='pc-bar' style='width:{d.score * 1.1:.0f}px'>"
        f"</span></span></td><td>{d.score}</td></tr>" for d in result.dimensions)
    skipped = "".join(f"<div class='pc-small'>Not assessed: {_esc(n.name)} ({_esc(n.reason)})</div>" for n in result.not_assessed)
    return f"<table class='pc-dims'>{rows}</table>{skipped}"


def results_html(result: Result | None) -> str:
    """The results pane: findings, pods, dimension scores, and what the file leaves unknown."""
    if result is None:
        return "<div class='pc-small'>Fix the problems marked in red to see the assessment.</div>"
    unknowns = "".join(f"<li>{_esc(u)}</li>" for u in result.unknowns)
    return (f"<div class='podcheck-panel-title'>Findings ({len(result.findings)})</div>"
            f"<div class='podcheck-findings'>{findings_html(result)}</div>"
            f"<div class='podcheck-panel-title'>Pods</div>{pods_html(result)}"
            f"<div class='podcheck-panel-title'>Scores</div>{dimensions_html(result)}"
            + (f"<div class='podcheck-panel-title'>Unknown</div><ul class='pc-small'>{unknowns}</ul>" if unknowns else ""))


def comparison_html(cmp: Comparison) -> str:
    """Before and after a what-if, side by side: stage, score and findings, new and resolved ones marked."""
    added = {finding_identity(f) for f in cmp.added}

    def column(title: str, result: Result, resolved: list[Finding] | None) -> str:
        cards = []
        for f in result.findings:
            mark = "pc-new" if resolved is None and finding_identity(f) in added else ""
            gone = resolved is not None and finding_identity(f) in {finding_identity(r) for r in cmp.resolved}
            cards.append(finding_html(f, "pc-resolved" if gone else mark, show_rec=False))
        body = "".join(cards) or "<div class='pc-none'>No findings.</div>"
        return (f"<div><h4>{title}</h4><div><b>Stage {result.stage.level}: {_esc(result.stage.name)}</b> · "
                f"score {result.score}</div>{body}</div>")

    delta = cmp.score_delta
    summary = (f"Stage {'changes' if cmp.stage_changed else 'stays'}: {_esc(cmp.before.stage.name)} → "
               f"{_esc(cmp.after.stage.name)}; score {cmp.before.score} → {cmp.after.score} "
               f"({'+' if delta >= 0 else ''}{delta}); {len(cmp.resolved)} finding(s) resolved, {len(cmp.added)} new.")
    return (f"<div class='podcheck-whatif-summary'><b>{summary}</b></div><div class='pc-compare'>"
            f"{column('Now', cmp.before, cmp.resolved)}{column('With these changes', cmp.after, None)}</div>")


# ---------------------------------------------------------------- editor rows


class PodRow:
    """One pod's fields."""

    def __init__(self, ui: Workshop, index: int) -> None:
        self.index = index
        self.name = w.Text(placeholder="pod name", continuous_update=False, layout=w.Layout(width="180px")).add_class("podcheck-pod-name")
        self.focus = w.Dropdown(options=_options(FOCUS, None), layout=w.Layout(width="130px")).add_class("podcheck-pod-focus")
        self.lead_load = w.Dropdown(options=[("normal", "normal"), ("heavy", "heavy")], layout=w.Layout(width="100px")).add_class("podcheck-pod-lead-load")
        self.projects = w.Text(placeholder="?", continuous_update=False, layout=w.Layout(width="70px")).add_class("podcheck-pod-projects")
        self.remove = w.Button(description="Remove", icon="trash", layout=w.Layout(width="95px")).add_class("podcheck-remove-pod")
        self.errors = w.HTML().add_class("podcheck-error")
        self.box = w.VBox([_row([self.name, self.focus, self.lead_load, self.projects, self.remove]), self.errors]).add_class("podcheck-pod")
        self.ui = ui
        ui.watch(self.name, lambda v: self._named(ch.edit_pod(self.index, name=v), f"renamed {v}"))
        ui.watch(self.focus, lambda v: self._named(ch.edit_pod(self.index, focus=v), f"focus {v or 'unknown'}"))
        ui.watch(self.lead_load, lambda v: self._named(ch.edit_pod(self.index, lead_load=v), f"lead load {v}"))
        ui.watch(self.projects, lambda v: self._named(ch.edit_pod(self.index, active_projects=_number(v)),
                                                      f"active projects {v or 'unknown'}"))
        self.remove.on_click(lambda _: ui.change(self._named(ch.remove_pod(self.index), "removed")))

    def _named(self, change: ch.Change, what: str) -> ch.Change:
        """The change described with the pod's name."""
        pods = self.ui.state.data.get("pods", [])
        pod = pods[self.index] if self.index < len(pods) and isinstance(pods[self.index], dict) else {}
        return ch.Change(f"pod {pod.get('name') or self.index + 1}: {what}", change.apply)

    def fields(self) -> dict[str, tuple[w.Widget, str]]:
        """This row's fields by path, with their labels."""
        p = f"pods[{self.index}]"
        return {f"{p}.name": (self.name, "name"), f"{p}.focus": (self.focus, "focus"),
                f"{p}.lead_load": (self.lead_load, "lead load"), f"{p}.active_projects": (self.projects, "active projects"),
                p: (self.box, "")}

    def load(self, pod: dict[str, Any]) -> None:
        """Show this pod's data."""
        _set(self.name, value=_text(pod.get("name")))
        _set(self.focus, options=_options(FOCUS, pod.get("focus"), blank="— focus? —"))
        _set(self.focus, value=_text(pod.get("focus")))
        _set(self.lead_load, options=_options(("normal", "heavy"), pod.get("lead_load"), blank=None))
        _set(self.lead_load, value=_text(pod.get("lead_load") or "normal"))
        _set(self.projects, value=_text(pod.get("active_projects")))


class PersonRow:
    """One person's fields: who they are, where they sit, and their share of time per role."""

    def __init__(self, ui: Workshop, index: int) -> None:
        self.index = index
        lay = w.Layout
        self.name = w.Text(placeholder="name", continuous_update=False, layout=lay(width="150px")).add_class("podcheck-person-name")
        self.pod = w.Dropdown(layout=lay(width="135px")).add_class("podcheck-person-pod")
        self.member = w.Dropdown(options=[("core member", "core"), ("part-time helper", "extended")], layout=lay(width="135px")).add_class("podcheck-person-member")
        self.background = w.Dropdown(layout=lay(width="165px")).add_class("podcheck-person-background")
        self.reports_to = w.Dropdown(layout=lay(width="165px")).add_class("podcheck-person-reports-to")
        self.helps_as = w.Dropdown(description="helps as", layout=lay(width="220px")).add_class("podcheck-person-helps-as")
        self.training = w.Dropdown(options=_flag_options(TRAINING), layout=lay(width="215px")).add_class("podcheck-person-training")
        self.owns = w.Dropdown(options=_flag_options(OWNS), layout=lay(width="215px")).add_class("podcheck-person-owns")
        self.remove = w.Button(description="", icon="trash", tooltip="Remove this person", layout=lay(width="40px")).add_class("podcheck-remove-person")
        self.shares = {
            role: w.IntSlider(value=0, min=0, max=100, step=5, description=f"{ROLE_LABELS[role]} %", continuous_update=False,
                              style={"description_width": "initial"}, layout=lay(width="235px", margin="2px 12px 2px 0")).add_class(f"podcheck-share-{role}")
            for role in ROLES
        }
        self.errors = w.HTML().add_class("podcheck-error")
        top = _row([self.name, self.pod, self.member, self.background, self.reports_to, self.remove])
        self.roles_box = _row(list(self.shares.values()))
        self.box = w.VBox([top, self.roles_box, _row([self.helps_as, self.training, self.owns]), self.errors]).add_class("podcheck-person")
        self.ui = ui
        for key, widget in (("name", self.name), ("pod", self.pod), ("member", self.member),
                            ("background", self.background), ("reports_to", self.reports_to), ("helps_as", self.helps_as)):
            ui.watch(widget, lambda v, key=key: self._named(
                ch.edit_person(self.index, **{key: v}), f"{key.replace('_', ' ')} {v or 'cleared'}"))
        for key, widget in (("integration_training", self.training), ("owns_deliverables", self.owns)):
            ui.watch(widget, lambda v, key=key: self._named(
                ch.edit_person(self.index, **{key: FLAG[v]}), f"{key.replace('_', ' ')} {v or 'unknown'}"))
        for role, slider in self.shares.items():
            ui.watch(slider, lambda v, role=role: self._named(
                ch.set_role_share(self.index, role, v / 100), f"{v}% {role}" if v else f"no longer {role}"))
        self.remove.on_click(lambda _: ui.change(self._named(ch.remove_person(self.index), "removed")))

    def _named(self, change: ch.Change, what: str) -> ch.Change:
        """The change described with the person's name, as the room says it."""
        people = self.ui.state.data.get("people", [])
        person = people[self.index] if self.index < len(people) and isinstance(people[self.index], dict) else {}
        return ch.Change(f"{person.get('name') or f'person {self.index + 1}'}: {what}", change.apply)

    def fields(self) -> dict[str, tuple[w.Widget, str]]:
        """This row's fields by path, with their labels."""
        p = f"people[{self.index}]"
        out = {f"{p}.{k}": (getattr(self, k), k.replace("_", " ")) for k in ("name", "pod", "member", "background", "reports_to", "helps_as")}
        out[f"{p}.integration_training"] = (self.training, "integration training")
        out[f"{p}.owns_deliverables"] = (self.owns, "owns deliverables")
        out[f"{p}.roles"] = (self.roles_box, "roles")
        out.update({f"{p}.roles.{r}": (s, f"{r} share") for r, s in self.shares.items()})
        out[p] = (self.box, "")
        return out

    def load(self, person: dict[str, Any], pods: list[str], people: list[str]) -> None:
        """Show this person's data, with the current pods and people to choose from."""
        name = _text(person.get("name"))
        _set(self.name, value=name)
        _set(self.pod, options=_options(pods, person.get("pod"), blank="— no pod —"))
        _set(self.pod, value=_text(person.get("pod")))
        member = person.get("member") or "core"
        _set(self.member, options=_options(("core", "extended"), member, blank=None,
                                           labels={"core": "core member", "extended": "part-time helper"}))
        _set(self.member, value=member)
        _set(self.background, options=_options(BACKGROUNDS, person.get("background"), blank="— background? —"))
        _set(self.background, value=_text(person.get("background")))
        others = [p for p in people if p and p != name]
        _set(self.reports_to, options=[("— reports to? —", "")] + [(f"reports to {p}", p) for p in others]
             + ([(f"{person['reports_to']} (not in the list)", person["reports_to"])]
                if person.get("reports_to") and person.get("reports_to") not in others else []))
        _set(self.reports_to, value=_text(person.get("reports_to")))
        _set(self.helps_as, options=_options(HELPS_AS, person.get("helps_as")))
        _set(self.helps_as, value=_text(person.get("helps_as")))
        roles = person.get("roles") if isinstance(person.get("roles"), dict) else {}
        for role, slider in self.shares.items():
            _set(slider, value=_percent(roles.get(role)))
        extended = member == "extended"
        _set(self.training, value=_flag_value(person.get("integration_training")))
        _set(self.owns, value=_flag_value(person.get("owns_deliverables")))
        _set(self.helps_as.layout, display="" if extended or person.get("helps_as") else "none")
        _set(self.owns.layout, display="" if extended or person.get("owns_deliverables") is not None else "none")
        technologist = bool(roles.get("technologist"))
        _set(self.training.layout, display="" if technologist or person.get("integration_training") is not None else "none")
        _set(self.roles_box.layout, display="none" if extended and not roles else "")


# ---------------------------------------------------------------- the workshop


class Workshop:
    """The whole front end: stage banner, editors in tabs, live results, what-if and hand-out."""

    def __init__(self, state: WorkshopState, output_folder: str | Path = "handouts") -> None:
        self.state = state
        self.output_folder = Path(output_folder)
        self._syncing = False
        self.last_cycle_ms: float | None = None
        self.whatif: WhatIf | None = None
        self.pod_rows: list[PodRow] = []
        self.person_rows: list[PersonRow] = []
        self.fields: dict[str, tuple[w.Widget, str]] = {}

        self.style = w.HTML(STYLE)
        self.title = w.HTML().add_class("podcheck-title")
        self.stage = w.HTML().add_class("podcheck-stage")
        self.results = w.HTML().add_class("podcheck-results")
        self.status = w.HTML().add_class("podcheck-status")
        self.general_errors = w.HTML().add_class("podcheck-error")
        # Shown while the file has changed on disk under this session: nothing is overwritten until the
        # facilitator chooses (see WorkshopState.conflict).
        self.conflict_message = w.HTML()
        self.reload_button = w.Button(description="Reload the file", icon="refresh").add_class("podcheck-conflict-reload")
        self.keep_button = w.Button(description="Keep my version", icon="save").add_class("podcheck-conflict-keep")
        self.reload_button.on_click(lambda _: self._resolve(self.state.reload, "Reloaded {file} from disk."))
        self.keep_button.on_click(lambda _: self._resolve(
            self.state.keep_mine, "Kept your version in {file}; the one it replaced is in .history/."))
        self.conflict_box = _row([self.conflict_message, self.reload_button, self.keep_button]).add_class("podcheck-conflict")

        tabs = w.Tab(children=[self._team_tab(), self._questions_tab(), self._whatif_tab(), self._handout_tab()])
        for i, title in enumerate(("Team", "Questionnaire", "What if…", "Hand-out")):
            tabs.set_title(i, title)
        self.tabs = tabs.add_class("podcheck-tabs")
        editor = w.VBox([self.general_errors, self.tabs], layout=w.Layout(flex="2 1 600px", min_width="520px")).add_class("podcheck-editor")
        side = w.VBox([w.HTML("<div class='podcheck-panel-title'>Live result</div>"), self.results],
                      layout=w.Layout(flex="1 1 340px", min_width="300px", max_height="78vh", overflow="auto",
                                      padding="0 0 0 12px")).add_class("podcheck-side")
        body = w.HBox([editor, side], layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.widget = w.VBox([self.style, self.title, self.stage, self.status, self.conflict_box, body]).add_class("podcheck-workshop")
        self.sync()
        self._say(f"Opened {self.state.file_name}." + (" Changes are saved there as you go." if self.state.valid else ""))

    # -- plumbing

    def watch(self, widget: w.Widget, make: Callable[[Any], ch.Change]) -> None:
        """Turn a widget's new value into a change, unless the UI itself is showing the state."""

        def handler(event: dict[str, Any]) -> None:
            if not self._syncing:
                self.change(make(event["new"]))

        widget.observe(handler, names="value")

    def change(self, change: ch.Change) -> Outcome:
        """Apply one edit: validate, re-assess, autosave, and update every widget in place."""
        started = time.perf_counter()
        outcome = self.state.apply(change)
        self.sync()
        if outcome.refused:
            self._say(outcome.refused, bad=True)
        elif outcome.problems or outcome.conflict:
            self._say(outcome.message, bad=True)
        else:
            when = self.state.saved_at.strftime("%H:%M:%S") if self.state.saved_at else ""
            self._say(f"{change.description[:1].upper()}{change.description[1:]}. Saved {when}.")
        self.last_cycle_ms = (time.perf_counter() - started) * 1000
        return outcome

    def _resolve(self, action: Callable[[], Outcome], done: str) -> None:
        """Reload the file or keep this session's version, after the file changed on disk."""
        outcome = action()
        self.sync()
        if outcome.accepted and not outcome.conflict:
            self._say(done.format(file=self.state.file_name))
        else:
            self._say(outcome.refused or outcome.message, bad=True)

    def _say(self, text: str, bad: bool = False) -> None:
        self.status.value = f"<span>{_esc(text)}</span>"
        if bad:
            self.status.add_class("pc-status-bad")
        else:
            self.status.remove_class("pc-status-bad")

    def sync(self) -> None:
        """Make every widget show the current state: values, choices, problems, stage and results."""
        self._syncing = True
        try:
            data = self.state.data
            pods = [p for p in data.get("pods", []) if isinstance(p, dict)]
            people = [p for p in data.get("people", []) if isinstance(p, dict)]
            pod_names = [_text(p.get("name")) for p in pods]
            person_names = [_text(p.get("name")) for p in people]
            self._resize(self.pod_rows, len(pods), PodRow, self.pods_box)
            self._resize(self.person_rows, len(people), PersonRow, self.people_box)
            for row, pod in zip(self.pod_rows, pods, strict=True):
                row.load(pod)
            for row, person in zip(self.person_rows, people, strict=True):
                row.load(person, pod_names, person_names)
                shown = not self.pod_filter.value or person.get("pod") == self.pod_filter.value
                _set(row.box.layout, display="" if shown else "none")
            self._sync_facts(data, person_names)
            self._sync_answers(data)
            self._sync_choices(pod_names, person_names)
            self._show_problems()
            self._show_result()
            conflict = self.state.conflict
            _set(self.conflict_message, value=f"<div class='podcheck-stale'>{_esc(conflict.message)}</div>" if conflict else "")
            _set(self.conflict_box.layout, display="" if conflict else "none")
        finally:
            self._syncing = False

    def _resize(self, rows: list, n: int, kind: type, box: w.Box) -> None:
        if len(rows) == n:
            return
        while len(rows) > n:
            rows.pop().box.close()
        while len(rows) < n:
            rows.append(kind(self, len(rows)))
        box.children = [r.box for r in rows]
        self.fields = {}  # rebuilt by _show_problems

    def _all_fields(self) -> dict[str, tuple[w.Widget, str]]:
        if not self.fields:
            self.fields = dict(self.fact_fields)
            for row in [*self.pod_rows, *self.person_rows]:
                self.fields.update(row.fields())
            self.fields.update(self.answer_fields)
        return self.fields

    def _show_problems(self) -> None:
        fields = self._all_fields()
        errors = self.state.field_errors(fields)
        for path, (widget, _) in fields.items():
            if path in errors and path not in self._row_paths():
                widget.add_class("podcheck-invalid")
            else:
                widget.remove_class("podcheck-invalid")
        for area, rows in (("pods", self.pod_rows), ("people", self.person_rows)):
            for row in rows:
                prefix = f"{area}[{row.index}]"
                lines = [f"{fields[p][1] + ': ' if fields[p][1] else ''}{m}" for p, msgs in errors.items()
                         if p == prefix or p.startswith(prefix + ".") for m in msgs]
                _set(row.errors, value="<br>".join(_esc(x) for x in lines))
        for path in self.fact_fields:
            _set(self.fact_errors[path], value="<br>".join(_esc(m) for m in errors.get(path, [])))
        for qid, area in self.answer_errors.items():
            msgs = [m for p, ms in errors.items() if p == f"answers.{qid}" for m in ms]
            _set(area, value="<br>".join(_esc(m) for m in msgs))
        general = errors.get("", [])
        _set(self.general_errors, value="<br>".join(_esc(m) for m in general))

    def _row_paths(self) -> set[str]:
        return {f"pods[{r.index}]" for r in self.pod_rows} | {f"people[{r.index}]" for r in self.person_rows}

    def _show_result(self) -> None:
        data = self.state.data
        _set(self.title, value=f"<h2 style='margin:4px 0'>{_esc(data.get('organization') or '')} · "
                               f"{_esc(data.get('unit') or '')}</h2><div class='pc-small'>Assessment file: "
                               f"{_esc(self.state.path or 'not saved')}</div>")
        stale = len(self.state.problems)
        _set(self.stage, value=stage_html(self.state.result, stale))
        _set(self.results, value=results_html(self.state.result))
        if self.whatif is not None:
            self.whatif.refresh()
            self._show_whatif()

    # -- Team tab

    def _team_tab(self) -> w.Widget:
        lay = w.Layout
        self.fact_fields: dict[str, tuple[w.Widget, str]] = {}
        self.fact_errors: dict[str, w.HTML] = {}
        facts = []

        def fact(path: str, label: str, widget: w.Widget, make: Callable[[Any], ch.Change]) -> None:
            err = w.HTML().add_class("podcheck-error")
            widget.add_class("podcheck-fact-" + path.replace("context.", "").replace("backlog.", "backlog-").replace("_", "-"))
            self.fact_fields[path] = (widget, label)
            self.fact_errors[path] = err
            self.watch(widget, make)
            facts.append(w.HBox([_label(label, "190px"), widget, err]))

        fact("organization", "Organisation", w.Text(continuous_update=False, layout=lay(width="260px")),
             lambda v: ch.set_fact("organization", v))
        fact("unit", "Unit or team", w.Text(continuous_update=False, layout=lay(width="260px")),
             lambda v: ch.set_fact("unit", v))
        fact("assessed_on", "Assessed on", w.DatePicker(layout=lay(width="260px")),
             lambda v: ch.set_fact("assessed_on", v.isoformat() if isinstance(v, dt.date) else v))
        self.head = w.Dropdown(layout=lay(width="260px"))
        fact("head_of_integration", "Head of integration", self.head, lambda v: ch.set_fact("head_of_integration", v))
        fact("context.platform", "Integration platform", w.Dropdown(options=_options(PLATFORMS, None, blank="— unknown —"), layout=lay(width="260px")),
             lambda v: ch.set_fact("context.platform", v))
        fact("context.process", "Triage/build process", w.Dropdown(options=_options(PROCESSES, None, blank="— unknown —"), layout=lay(width="260px")),
             lambda v: ch.set_fact("context.process", v))
        for key, label in (("open", "Requests waiting"), ("added_per_quarter", "New requests a quarter"),
                           ("delivered_per_quarter", "Delivered a quarter")):
            fact(f"context.backlog.{key}", label, w.Text(placeholder="unknown", continuous_update=False, layout=lay(width="120px")),
                 lambda v, key=key: ch.set_fact(f"context.backlog.{key}", _number(v)))

        self.pods_box = w.VBox().add_class("podcheck-pods")
        self.new_pod = w.Text(placeholder="new pod name", layout=lay(width="180px")).add_class("podcheck-new-pod-name")
        add_pod = w.Button(description="Add pod", icon="plus", button_style="primary").add_class("podcheck-add-pod")
        add_pod.on_click(lambda _: self._add_pod())
        pod_header = w.HBox([_label("Name", "180px"), _label("Focus", "130px"), _label("Lead load", "100px"), _label("Projects", "70px")])
        pods = w.VBox([pod_header, self.pods_box, w.HBox([self.new_pod, add_pod])])

        self.people_box = w.VBox().add_class("podcheck-people")
        self.pod_filter = w.Dropdown(description="Show", options=[("everyone", "")], layout=lay(width="260px")).add_class("podcheck-pod-filter")
        self.pod_filter.observe(lambda _: self.sync(), names="value")
        self.new_name = w.Text(placeholder="name", layout=lay(width="170px")).add_class("podcheck-new-person-name")
        self.new_pod_choice = w.Dropdown(layout=lay(width="150px")).add_class("podcheck-new-person-pod")
        self.new_member = w.Dropdown(options=[("core member", "core"), ("part-time helper", "extended")], layout=lay(width="140px")).add_class("podcheck-new-person-member")
        self.new_role = w.Dropdown(options=[("— role —", "")] + [(ROLE_LABELS[r], r) for r in ROLES], layout=lay(width="130px")).add_class("podcheck-new-person-role")
        self.new_share = w.IntSlider(value=100, min=5, max=100, step=5, description="% time", continuous_update=False,
                                     style={"description_width": "55px"}, layout=lay(width="230px")).add_class("podcheck-new-person-share")
        add_person = w.Button(description="Add person", icon="user-plus", button_style="primary", layout=w.Layout(width="auto")).add_class("podcheck-add-person")
        add_person.on_click(lambda _: self._add_person())
        people = w.VBox([
            w.HTML("<div class='pc-small'>Each slider is the share of that person's week given to the role; "
                   "0 means they do not hold it. A person's shares add up to at most 100%.</div>"),
            self.pod_filter, self.people_box,
            w.HTML("<div class='podcheck-panel-title'>Add someone</div>"),
            _row([self.new_name, self.new_pod_choice, self.new_member, self.new_role, self.new_share, add_person]),
        ])
        sections = w.Accordion(children=[w.VBox(facts), pods, people], selected_index=2).add_class("podcheck-sections")
        for i, title in enumerate(("Organisation facts", "Pods", "People and their roles")):
            sections.set_title(i, title)
        return w.VBox([sections])

    def _sync_facts(self, data: dict[str, Any], people: list[str]) -> None:
        context = data.get("context") if isinstance(data.get("context"), dict) else {}
        backlog = context.get("backlog") if isinstance(context.get("backlog"), dict) else {}
        values = {
            "organization": _text(data.get("organization")), "unit": _text(data.get("unit")),
            "context.platform": _text(context.get("platform")), "context.process": _text(context.get("process")),
            **{f"context.backlog.{k}": _text(backlog.get(k)) for k in ("open", "added_per_quarter", "delivered_per_quarter")},
        }
        _set(self.head, options=[("— none —", "")] + [(p, p) for p in people if p]
             + ([(f"{data['head_of_integration']} (not in people)", data["head_of_integration"])]
                if data.get("head_of_integration") and data["head_of_integration"] not in people else []))
        values["head_of_integration"] = _text(data.get("head_of_integration"))
        for path, value in values.items():
            widget = self.fact_fields[path][0]
            if isinstance(widget, w.Dropdown) and path.startswith("context."):
                choices = PLATFORMS if path.endswith("platform") else PROCESSES
                _set(widget, options=_options(choices, value, blank="— unknown —"))
            _set(widget, value=value)
        on = data.get("assessed_on")
        try:
            date = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
        except ValueError:
            date = None
        _set(self.fact_fields["assessed_on"][0], value=date)

    def _sync_choices(self, pods: list[str], people: list[str]) -> None:
        named = [p for p in pods if p]
        _set(self.pod_filter, options=[("everyone", "")] + [(f"pod {p}", p) for p in named])
        _set(self.new_pod_choice, options=[("— no pod —", "")] + [(p, p) for p in named])
        if not self.new_pod_choice.value and named:
            self.new_pod_choice.value = named[0]
        for dropdown in self.whatif_people:
            _set(dropdown, options=[("— choose —", "")] + [(p, p) for p in people if p])
        for dropdown in self.whatif_pods:
            _set(dropdown, options=[("— choose —", "")] + [(p, p) for p in named])
        _set(self.split_people, options=[p for p in people if p])

    def _add_pod(self) -> None:
        name = self.new_pod.value.strip()
        if not name:
            self._say("Type the new pod's name first.", bad=True)
            return
        if self.change(ch.add_pod(name)).accepted:
            self.new_pod.value = ""

    def _add_person(self) -> None:
        name = self.new_name.value.strip()
        if not name:
            self._say("Type the new person's name first.", bad=True)
            return
        role = self.new_role.value
        roles = {role: self.new_share.value / 100} if role else {}
        outcome = self.change(ch.add_person(name, self.new_pod_choice.value or None, member=self.new_member.value, roles=roles))
        if outcome.accepted:
            self.new_name.value = ""
            self.new_role.value = ""

    # -- Questionnaire tab

    def _questions_tab(self) -> w.Widget:
        self.answer_fields: dict[str, tuple[w.Widget, str]] = {}
        self.answer_errors: dict[str, w.HTML] = {}
        self.answer_scores: dict[str, w.ToggleButtons] = {}
        self.answer_notes: dict[str, w.Text] = {}
        items = [w.HTML("<div class='pc-small'>Answer what the team list cannot show, 1 (weak) to 5 (strong); "
                        "“not answered” leaves the question out of the scores. A note records why the room chose it.</div>")]
        for q in questions():
            score = w.ToggleButtons(options=[("not answered", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)],
                                    style={"button_width": "auto"}).add_class("podcheck-answer-score").add_class(f"podcheck-q-{q.id}")
            note = w.Text(placeholder="note (optional)", continuous_update=False, layout=w.Layout(width="95%")).add_class("podcheck-answer-note")
            err = w.HTML().add_class("podcheck-error")
            self.watch(score, lambda v, qid=q.id: ch.set_answer(qid, v or None, self.answer_notes[qid].value))
            self.watch(note, lambda v, qid=q.id: ch.set_answer(qid, self.answer_scores[qid].value or None, v))
            self.answer_scores[q.id], self.answer_notes[q.id], self.answer_errors[q.id] = score, note, err
            self.answer_fields[f"answers.{q.id}"] = (score, "answer")
            self.answer_fields[f"answers.{q.id}.score"] = (score, "score")
            self.answer_fields[f"answers.{q.id}.note"] = (note, "note")
            items.append(w.VBox([
                w.HTML(f"<div class='pc-q'>{_esc(q.text)}</div><div class='pc-small'>1 = {_esc(q.low)}<br>5 = {_esc(q.high)}</div>"),
                score, note, err,
            ]).add_class("podcheck-question"))
        return w.VBox(items)

    def _sync_answers(self, data: dict[str, Any]) -> None:
        answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
        for qid, score in self.answer_scores.items():
            answer = answers.get(qid)
            if isinstance(answer, int) and not isinstance(answer, bool):
                answer = {"score": answer}
            answer = answer if isinstance(answer, dict) else {}
            value = answer.get("score") if answer.get("score") in (1, 2, 3, 4, 5) else 0
            _set(score, value=value)
            _set(self.answer_notes[qid], value=_text(answer.get("note")))

    # -- What-if tab

    def _whatif_tab(self) -> w.Widget:
        lay = w.Layout
        drop = lambda cls: w.Dropdown(options=[("— choose —", "")], layout=lay(width="170px")).add_class(cls)  # noqa: E731
        self.move_who, self.move_to = drop("podcheck-whatif-move-person"), drop("podcheck-whatif-move-pod")
        self.give_role_name = w.Dropdown(options=[(ROLE_LABELS[r], r) for r in ROLES], layout=lay(width="130px")).add_class("podcheck-whatif-role")
        self.give_to, self.give_from = drop("podcheck-whatif-give-to"), drop("podcheck-whatif-give-from")
        self.give_from.options = [("— nobody —", "")]
        self.give_share = w.IntSlider(value=100, min=5, max=100, step=5, description="% time", continuous_update=False,
                                      style={"description_width": "55px"}, layout=lay(width="220px")).add_class("podcheck-whatif-share")
        self.hire_name = w.Text(value="New hire", layout=lay(width="150px")).add_class("podcheck-whatif-hire-name")
        self.hire_pod = drop("podcheck-whatif-hire-pod")
        self.hire_role = w.Dropdown(options=[(ROLE_LABELS[r], r) for r in ROLES], value="analyst", layout=lay(width="130px")).add_class("podcheck-whatif-hire-role")
        self.hire_background = w.Dropdown(options=_options(BACKGROUNDS, None, blank="— background? —"), layout=lay(width="185px"))
        self.split_pod = drop("podcheck-whatif-split-pod")
        self.split_name = w.Text(placeholder="new pod name", layout=lay(width="150px")).add_class("podcheck-whatif-split-name")
        self.split_people = w.SelectMultiple(rows=4, layout=lay(width="220px")).add_class("podcheck-whatif-split-people")
        self.whatif_people = [self.move_who, self.give_to]
        self.whatif_pods = [self.move_to, self.hire_pod, self.split_pod]

        def button(text: str, cls: str, make: Callable[[], ch.Change]) -> w.Button:
            b = w.Button(description=text, icon="flask", layout=w.Layout(width="auto")).add_class(cls)
            b.on_click(lambda _: self._try(make))
            return b

        self.give_to.observe(lambda _: self._sync_givers(), names="value")
        self.give_role_name.observe(lambda _: self._sync_givers(), names="value")
        rows = [
            w.HTML("<div class='pc-small'>Try changes without touching the saved team: the result below shows now and after, "
                   "side by side. Nothing is saved until you press “Keep these changes”.</div>"),
            _row([_word("Move"), self.move_who, _word("to pod"), self.move_to,
                    button("Try", "podcheck-whatif-move", lambda: _chosen(self.move_who.value, self.move_to.value)
                           or ch.move_person(self.move_who.value, self.move_to.value))]),
            _row([_word("Give the"), self.give_role_name, _word("role to"), self.give_to, _word("taking it from"),
                    self.give_from, self.give_share,
                    button("Try", "podcheck-whatif-give",
                           lambda: _chosen(self.give_to.value) or ch.give_role(self.give_role_name.value, self.give_to.value, self.give_share.value / 100,
                                                from_=self.give_from.value or None))]),
            _row([_word("Hire"), self.hire_name, _word("into pod"), self.hire_pod, _word("as"), self.hire_role,
                    self.hire_background,
                    button("Try", "podcheck-whatif-hire",
                           lambda: _chosen(self.hire_name.value, self.hire_pod.value) or ch.add_person(self.hire_name.value, self.hire_pod.value or None,
                                                 roles={self.hire_role.value: 1.0}, background=self.hire_background.value or None))]),
            _row([_word("Split pod"), self.split_pod, _word(": a new pod"), self.split_name, _word("takes"),
                    self.split_people,
                    button("Try", "podcheck-whatif-split",
                           lambda: _chosen(self.split_pod.value, self.split_name.value, *self.split_people.value)
                           or ch.split_pod(self.split_pod.value, self.split_name.value, list(self.split_people.value)))]),
        ]
        self.whatif_changes = w.HTML().add_class("podcheck-whatif-changes")
        self.whatif_result = w.HTML().add_class("podcheck-whatif-result")
        keep = w.Button(description="Keep these changes", icon="check", button_style="success", layout=w.Layout(width="auto")).add_class("podcheck-whatif-keep")
        discard = w.Button(description="Discard", icon="times", button_style="warning").add_class("podcheck-whatif-discard")
        undo = w.Button(description="Undo last", icon="undo").add_class("podcheck-whatif-undo")
        keep.on_click(lambda _: self._keep())
        discard.on_click(lambda _: self._discard())
        undo.on_click(lambda _: self._undo())
        return w.VBox([*rows, self.whatif_changes, w.HBox([keep, undo, discard]), self.whatif_result])

    def _sync_givers(self) -> None:
        role = self.give_role_name.value
        holders = [p.get("name") for p in self.state.data.get("people", [])
                   if isinstance(p, dict) and isinstance(p.get("roles"), dict) and p["roles"].get(role)
                   and p.get("name") != self.give_to.value]
        _set(self.give_from, options=[("— nobody —", "")] + [(str(h), str(h)) for h in holders])

    def _try(self, make: Callable[[], ch.Change]) -> None:
        try:
            if self.whatif is None:
                self.whatif = self.state.what_if()
            outcome = self.whatif.try_change(make())
        except ch.WorkshopError as exc:
            self._say(f"{str(exc)[:1].upper()}{str(exc)[1:]}.", bad=True)
            return
        if outcome.accepted:
            self._say(f"What-if: {self.whatif.changes[-1].description}. Not saved; keep or discard it on the What if… tab.")
        else:
            self._say(outcome.refused or outcome.message, bad=True)
        self._show_whatif()

    def _show_whatif(self) -> None:
        if self.whatif is None or not self.whatif.changes:
            _set(self.whatif_changes, value="<div class='pc-small'>No changes tried yet.</div>")
            _set(self.whatif_result, value="")
            return
        items = "".join(f"<li>{_esc(c.description)}</li>" for c in self.whatif.changes)
        _set(self.whatif_changes, value=f"<div class='podcheck-panel-title'>Changes tried</div><ol>{items}</ol>")
        _set(self.whatif_result, value=comparison_html(self.whatif.comparison()))

    def _keep(self) -> None:
        if self.whatif is None or not self.whatif.changes:
            self._say("No what-if changes to keep.")
            return
        n = len(self.whatif.changes)
        outcome = self.whatif.keep()
        self.whatif = None
        self.sync()
        self._show_whatif()
        if outcome.accepted and not outcome.conflict:
            self._say(f"Kept {n} what-if change{'s' if n != 1 else ''}; the team is saved.")
        else:
            self._say(outcome.refused or outcome.message, bad=True)

    def _discard(self) -> None:
        self.whatif = None
        self._show_whatif()
        self._say("What-if discarded; the saved team is unchanged.")

    def _undo(self) -> None:
        if self.whatif is not None:
            self.whatif.undo()
        self._show_whatif()

    # -- Hand-out tab

    def _handout_tab(self) -> w.Widget:
        self.handout_folder = w.Text(value=str(self.output_folder), description="Folder", layout=w.Layout(width="460px")).add_class("podcheck-handout-folder")
        self.handout_html = w.Checkbox(value=True, description="HTML page", indent=False)
        self.handout_pdf = w.Checkbox(value=True, description="PDF to print or mail", indent=False)
        write = w.Button(description="Write the hand-out", icon="file", button_style="primary", layout=w.Layout(width="auto")).add_class("podcheck-handout-write")
        write.on_click(lambda _: self.write_handout())
        self.handout_links = w.Output().add_class("podcheck-handout-links")
        self.handout_status = w.HTML().add_class("podcheck-handout-status")
        return w.VBox([
            w.HTML("<div class='pc-small'>Writes the report for the team as it stands now, to hand out at the end.</div>"),
            self.handout_folder, w.HBox([self.handout_html, self.handout_pdf]), write, self.handout_status, self.handout_links,
        ])

    def write_handout(self) -> dict[str, Path]:
        """Write the HTML and/or PDF report for the current team and show links to them."""
        from IPython.display import HTML

        from .. import render

        formats = tuple(f for f, box in (("html", self.handout_html), ("pdf", self.handout_pdf)) if box.value)
        writer = getattr(render, "write_unit_reports", None)
        if self.state.result is None or self.state.model is None or not self.state.valid:
            self.handout_status.value = "<span class='podcheck-error'>Fix the problems marked in red first.</span>"
            return {}
        if writer is None:
            self.handout_status.value = "<span class='podcheck-error'>This version of podcheck cannot write reports yet.</span>"
            return {}
        if not formats:
            self.handout_status.value = "<span class='podcheck-error'>Tick at least one format.</span>"
            return {}
        self.handout_status.value = "Writing…"
        no_pdf = ""
        if "pdf" in formats:
            try:
                render.require_pdf()
            except render.PdfUnavailable as exc:
                # Without Pango (or the report font) the rest of the hand-out is still written.
                formats = tuple(f for f in formats if f != "pdf")
                no_pdf = (f"<span class='podcheck-error'>No PDF: PDF reports {_esc(exc.problems[0].message)}. "
                          "Then write the hand-out again.</span>")
                if not formats:
                    self.handout_status.value = no_pdf
                    return {}
        try:
            written: dict[str, Path] = writer(self.state.result, self.state.model, Path(self.handout_folder.value), formats=formats)
        except (OSError, InputError) as exc:
            self.handout_status.value = f"<span class='podcheck-error'>Could not write the hand-out: {_esc(exc)}</span>"
            return {}
        here = Path.cwd().resolve()
        links = []
        for fmt, path in written.items():
            path = Path(path).resolve()
            try:
                rel = path.relative_to(here).as_posix()
                # A relative link inside the notebook's folder opens in JupyterLab itself.
                links.append(f"<li><a href='{_esc(rel)}' target='_blank' class='podcheck-handout-link'>{fmt.upper()}: {_esc(path.name)}</a>"
                             f" <span class='pc-small'>({_esc(path)})</span></li>")
            except ValueError:
                links.append(f"<li>{fmt.upper()}: <code>{_esc(path)}</code></li>")
        self.handout_links.outputs = ()
        self.handout_links.append_display_data(HTML(f"<ul>{''.join(links)}</ul>"))
        self.handout_status.value = f"Written {dt.datetime.now():%H:%M:%S}. {no_pdf}".strip()
        return written


def open_error_html(exc: InputError) -> str:
    """Why a file cannot be opened, one line per problem, and what to do."""
    lines = "".join(f"<li>{_esc(p)}</li>" for p in exc.problems)
    return (f"<div style='color:#c62828'><b>podcheck cannot open this file:</b><ul>{lines}</ul>"
            "Fix it in a text editor, or choose another file in the parameters cell.</div>")


def start(assessment_file: str | Path, output_folder: str | Path = "handouts", *, organization: str | None = None,
          unit: str | None = None, rubric: Rubric | None = None, show: bool = True) -> Workshop | None:
    """Open (or start) an assessment file and show the workshop; reopening resumes where the team stopped."""
    from IPython.display import HTML, display

    try:
        state = WorkshopState.open(Path(os.path.expanduser(str(assessment_file))), organization=organization,
                                      unit=unit, rubric=rubric)
    except InputError as exc:
        display(HTML(open_error_html(exc)))
        return None
    ui = Workshop(state, output_folder)
    if show:
        display(ui.widget)
    return ui
