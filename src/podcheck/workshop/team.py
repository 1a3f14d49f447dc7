"""The Team tab: organisation facts, one row per pod, one row per person with a slider per role."""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..model import BACKGROUNDS, FOCUS, HELPS_AS, LEAD_LOAD, MEMBERSHIP, PLATFORMS, PROCESSES
from . import changes as ch
from .controls import (
    FLAG,
    MEMBER_WORDS,
    OWNS,
    TRAINING,
    as_count,
    as_text,
    flag_options,
    flag_value,
    label,
    line,
    lines_html,
    note,
    options,
    percent,
    role_options,
    show,
)
from .tab import Tab
from .words import pod_words

Fields = dict[str, tuple[w.Widget, str]]  # a field's path in the file → its widget and how problems name it
DOUBLE_CLICK_S = 0.6  # two removals of the same row closer than this are one double click
BACKLOG = (("open", "Requests waiting"), ("added_per_quarter", "New requests a quarter"),
           ("delivered_per_quarter", "Delivered a quarter"))


def _name(tab: Tab, area: str, index: int) -> str:
    """The person's or the pod's name as the room says it."""
    items = tab.state.data.get(area, [])
    item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
    if area == "pods":
        return pod_words(item.get("name") or index + 1)
    return str(item.get("name") or f"person {index + 1}")


def _describe(tab: Tab, area: str, index: int, change: ch.Change, what: str) -> ch.Change:
    """The change described as the room says it: with the person's or the pod's name."""
    return ch.Change(f"{_name(tab, area, index)}: {what}", change.apply)


def _removal(tab: Tab, area: str, index: int) -> ch.Change:
    """Removing a person or a pod, described by name ('remove Bo Chen', 'remove pod Orders')."""
    change = ch.remove_pod(index) if area == "pods" else ch.remove_person(index)
    return ch.Change(f"remove {_name(tab, area, index)}", change.apply)


class PodRow:
    """One pod's fields."""

    def __init__(self, tab: Tab, index: int) -> None:
        self.index = index
        lay = w.Layout
        self.name = w.Text(placeholder="pod name", continuous_update=False,
                           layout=lay(width="180px")).add_class("podcheck-pod-name")
        self.focus = w.Dropdown(options=options(FOCUS, None), layout=lay(width="130px")).add_class("podcheck-pod-focus")
        self.lead_load = w.Dropdown(options=options(LEAD_LOAD, None, blank=None),
                                    layout=lay(width="100px")).add_class("podcheck-pod-lead-load")
        self.projects = w.Text(placeholder="?", continuous_update=False,
                               layout=lay(width="70px")).add_class("podcheck-pod-projects")
        self.remove = w.Button(description="Remove", icon="trash", tooltip="Remove this pod",
                               layout=lay(width="auto")).add_class("podcheck-remove-pod")
        self.errors = w.HTML().add_class("podcheck-error")
        self.box = w.VBox([line([self.name, self.focus, self.lead_load, self.projects, self.remove]),
                           self.errors]).add_class("podcheck-pod")

        def named(change: ch.Change, what: str) -> ch.Change:
            return _describe(tab, "pods", self.index, change, what)

        tab.watch(self.name, lambda v: named(ch.edit_pod(self.index, name=v), f"renamed {v}"))
        tab.watch(self.focus, lambda v: named(ch.edit_pod(self.index, focus=v), f"focus {v or 'unknown'}"))
        tab.watch(self.lead_load, lambda v: named(ch.edit_pod(self.index, lead_load=v), f"lead load {v}"))
        tab.watch(self.projects, lambda v: named(ch.edit_pod(self.index, active_projects=as_count(v)),
                                                 f"active projects {v or 'unknown'}"))
        self.remove.on_click(lambda _: tab.remove("pods", self.index))

    def fields(self) -> Fields:
        """This row's fields by path, with their labels."""
        p = f"pods[{self.index}]"
        return {f"{p}.name": (self.name, "name"), f"{p}.focus": (self.focus, "focus"),
                f"{p}.lead_load": (self.lead_load, "lead load"),
                f"{p}.active_projects": (self.projects, "active projects"), p: (self.box, "")}

    def load(self, pod: dict[str, Any]) -> None:
        """Show this pod's data."""
        show(self.name, value=as_text(pod.get("name")))
        show(self.focus, options=options(FOCUS, pod.get("focus"), blank="— focus? —"))
        show(self.focus, value=as_text(pod.get("focus")))
        show(self.lead_load, options=options(LEAD_LOAD, pod.get("lead_load"), blank=None))
        show(self.lead_load, value=as_text(pod.get("lead_load") or "normal"))
        show(self.projects, value=as_text(pod.get("active_projects")))
        show(self.remove, tooltip=f"Remove {pod_words(pod.get('name') or 'this pod')}")


class PlaceRow:
    """One pod of a person in several pods: the pod, and a slider per role for their share of time there."""

    def __init__(self, tab: Tab, person: PersonRow, index: int) -> None:
        self.index = index
        self.pod = ""
        self.caption = w.HTML(layout=w.Layout(width="150px")).add_class("podcheck-assignment-pod")
        self.shares = {
            role: w.IntSlider(value=0, min=0, max=100, step=5, description=f"{caption} %", continuous_update=False,
                              style={"description_width": "initial"},
                              layout=w.Layout(width="235px", margin="2px 12px 2px 0"))
            .add_class(f"podcheck-share-{role}")
            for caption, role in role_options()
        }
        self.box = line([self.caption, *self.shares.values()]).add_class("podcheck-assignment")
        for role, slider in self.shares.items():
            # The share is set in this pod only (contract 5.3: set-role with a pod, for people in several pods).
            tab.watch(slider, lambda v, role=role: _describe(
                tab, "people", person.index, ch.set_role_share(person.index, role, v / 100, pod=self.pod),
                f"{v}% {role} in {pod_words(self.pod)}" if v else f"no longer {role} in {pod_words(self.pod)}"))

    def fields(self, person: str) -> Fields:
        """This pod's fields by path, with their labels."""
        p = f"{person}.assignments[{self.index}]"
        out: Fields = {f"{p}.roles": (self.box, f"roles in {self.pod}"), f"{p}.pod": (self.caption, "pod")}
        out.update({f"{p}.roles.{r}": (s, f"{r} share in {self.pod}") for r, s in self.shares.items()})
        return out

    def load(self, assignment: dict[str, Any]) -> None:
        """Show this assignment: its pod (and membership) and the person's share per role there."""
        self.pod = as_text(assignment.get("pod"))
        helper = " (part-time helper)" if assignment.get("member") == "extended" else ""
        show(self.caption, value=f"in <b>{html.escape(pod_words(self.pod))}</b>{helper}")
        roles = assignment.get("roles") if isinstance(assignment.get("roles"), dict) else {}
        for role, slider in self.shares.items():
            show(slider, value=percent(roles.get(role)))


class PersonRow:
    """One person's fields: who they are, where they sit, and their share of time per role."""

    TEXTS = ("name", "pod", "member", "background", "reports_to", "helps_as")  # fields set as they are chosen
    FLAGS = (("integration_training", "training"), ("owns_deliverables", "owns"))  # yes / no / unknown

    def __init__(self, tab: Tab, index: int) -> None:
        self.index = index
        lay = w.Layout
        self.name = w.Text(placeholder="name", continuous_update=False,
                           layout=lay(width="150px")).add_class("podcheck-person-name")
        self.pod = w.Dropdown(layout=lay(width="135px")).add_class("podcheck-person-pod")
        self.member = w.Dropdown(options=options(MEMBERSHIP, None, blank=None, words=MEMBER_WORDS),
                                 layout=lay(width="135px")).add_class("podcheck-person-member")
        self.background = w.Dropdown(layout=lay(width="165px")).add_class("podcheck-person-background")
        self.reports_to = w.Dropdown(layout=lay(width="165px")).add_class("podcheck-person-reports-to")
        self.helps_as = w.Dropdown(description="helps as",
                                   layout=lay(width="220px")).add_class("podcheck-person-helps-as")
        self.training = w.Dropdown(options=flag_options(TRAINING),
                                   layout=lay(width="215px")).add_class("podcheck-person-training")
        self.owns = w.Dropdown(options=flag_options(OWNS), layout=lay(width="215px")).add_class("podcheck-person-owns")
        self.remove = w.Button(description="", icon="trash", tooltip="Remove this person",
                               layout=lay(width="40px")).add_class("podcheck-remove-person")
        self.shares = {
            role: w.IntSlider(value=0, min=0, max=100, step=5, description=f"{caption} %", continuous_update=False,
                              style={"description_width": "initial"},
                              layout=lay(width="235px", margin="2px 12px 2px 0")).add_class(f"podcheck-share-{role}")
            for caption, role in role_options()
        }
        self.errors = w.HTML().add_class("podcheck-error")
        top = line([self.name, self.pod, self.member, self.background, self.reports_to, self.remove])
        self.roles_box = line(list(self.shares.values()))
        # A person in several pods: one line per pod (their `assignments`), in place of the pod and role sliders.
        self.tab = tab
        self.place_rows: list[PlaceRow] = []
        self.places_box = w.VBox().add_class("podcheck-person-assignments")
        self.box = w.VBox([top, self.roles_box, self.places_box, line([self.helps_as, self.training, self.owns]),
                           self.errors]).add_class("podcheck-person")

        def named(change: ch.Change, what: str) -> ch.Change:
            return _describe(tab, "people", self.index, change, what)

        def said(key: str, value: str) -> str:
            """'now a part-time helper', 'in pod Orders', 'reports to Hana Ito': an edit as the room says it."""
            if key == "member":
                return f"now a {MEMBER_WORDS.get(value, value)}"
            if key == "pod":
                return f"in {pod_words(value)}" if value else "in no pod"
            return f"{key.replace('_', ' ')} {value or 'not given'}"

        for key in self.TEXTS:
            tab.watch(getattr(self, key),
                      lambda v, key=key: named(ch.edit_person(self.index, **{key: v}), said(key, v)))
        for key, attr in self.FLAGS:
            words = TRAINING if key == "integration_training" else OWNS
            tab.watch(getattr(self, attr), lambda v, key=key, words=words: named(
                ch.edit_person(self.index, **{key: FLAG[v]}), words[v] if v else f"{key.replace('_', ' ')} unknown"))
        for role, slider in self.shares.items():
            tab.watch(slider, lambda v, role=role: named(
                ch.set_role_share(self.index, role, v / 100), f"{v}% {role}" if v else f"no longer {role}"))
        self.remove.on_click(lambda _: tab.remove("people", self.index))

    def fields(self) -> Fields:
        """This row's fields by path, with their labels."""
        p = f"people[{self.index}]"
        out = {f"{p}.{k}": (getattr(self, k), k.replace("_", " ")) for k in self.TEXTS}
        out.update({f"{p}.{key}": (getattr(self, attr), key.replace("_", " ")) for key, attr in self.FLAGS})
        out[f"{p}.roles"] = (self.roles_box, "")  # its problems already say "role sliders"
        out.update({f"{p}.roles.{r}": (s, f"{r} share") for r, s in self.shares.items()})
        out[f"{p}.assignments"] = (self.places_box, "pods")
        for place in self.place_rows:
            out.update(place.fields(p))
        out[p] = (self.box, "")
        return out

    def pods(self, person: dict[str, Any]) -> list[str]:
        """The pods this person is in: their pod, or each pod of their assignments."""
        places = self._assignments(person)
        if places is None:
            return [str(person["pod"])] if person.get("pod") else []
        return [str(a.get("pod")) for a in places]

    @staticmethod
    def _assignments(person: dict[str, Any]) -> list[dict[str, Any]] | None:
        places = person.get("assignments")
        return [a for a in places if isinstance(a, dict)] if isinstance(places, list) else None

    def load(self, person: dict[str, Any], pods: list[str], people: list[str]) -> None:
        """Show this person's data, with the current pods and people to choose from."""
        name = as_text(person.get("name"))
        show(self.name, value=name)
        show(self.remove, tooltip=f"Remove {name or 'this person'}")
        places = self._assignments(person)
        if places is None:
            show(self.pod, options=options(pods, person.get("pod"), blank="— no pod —"), disabled=False)
            show(self.pod, value=as_text(person.get("pod")))
        else:
            show(self.pod, options=[(f"{len(places)} pods", "")], value="", disabled=True)
        member = person.get("member") or "core"
        show(self.member, options=options(MEMBERSHIP, member, blank=None, words=MEMBER_WORDS))
        show(self.member, value=member, disabled=places is not None)  # a person in several pods: per pod
        self._load_places(places or [])
        show(self.background, options=options(BACKGROUNDS, person.get("background"), blank="— background? —"))
        show(self.background, value=as_text(person.get("background")))
        others = [p for p in people if p and p != name]
        boss = person.get("reports_to")
        show(self.reports_to, options=[("— reports to? —", "")] + [(f"reports to {p}", p) for p in others]
             + ([(f"{boss} (not in the list)", boss)] if boss and boss not in others else []))
        show(self.reports_to, value=as_text(boss))
        show(self.helps_as, options=options(HELPS_AS, person.get("helps_as")))
        show(self.helps_as, value=as_text(person.get("helps_as")))
        roles = person.get("roles") if isinstance(person.get("roles"), dict) else {}
        for role, slider in self.shares.items():
            show(slider, value=percent(roles.get(role)))
        extended = member == "extended"
        show(self.training, value=flag_value(person.get("integration_training")))
        show(self.owns, value=flag_value(person.get("owns_deliverables")))
        technologist = bool(roles.get("technologist")) or any(
            isinstance(a.get("roles"), dict) and a["roles"].get("technologist") for a in places or [])
        extended = extended or any(a.get("member") == "extended" for a in places or [])
        show(self.helps_as.layout, display="" if extended or person.get("helps_as") else "none")
        show(self.owns.layout, display="" if extended or person.get("owns_deliverables") is not None else "none")
        show(self.training.layout,
             display="" if technologist or person.get("integration_training") is not None else "none")
        show(self.roles_box.layout, display="none" if places is not None or (extended and not roles) else "")
        show(self.places_box.layout, display="" if places is not None else "none")

    def _load_places(self, places: list[dict[str, Any]]) -> None:
        if len(self.place_rows) != len(places):
            while len(self.place_rows) > len(places):
                self.place_rows.pop().box.close()
            while len(self.place_rows) < len(places):
                self.place_rows.append(PlaceRow(self.tab, self, len(self.place_rows)))
            self.places_box.children = [r.box for r in self.place_rows]
        for row, place in zip(self.place_rows, places, strict=True):
            row.load(place)


class TeamTab(Tab):
    """Organisation facts, pods and people, with a line to add a pod and one to add a person."""

    undo_button: w.Button
    _last_removal: tuple[str, int, float] | None = None

    def _team_tab(self) -> w.Widget:
        lay = w.Layout
        self.pod_rows: list[PodRow] = []
        self.person_rows: list[PersonRow] = []
        self.fact_fields: Fields = {}
        self.fact_errors: dict[str, w.HTML] = {}
        facts = []

        def fact(path: str, caption: str, widget: w.Widget, make: Callable[[Any], ch.Change]) -> None:
            err = w.HTML().add_class("podcheck-error")
            widget.add_class("podcheck-fact-" + path.replace("context.", "").replace("backlog.", "backlog-")
                             .replace("_", "-"))
            self.fact_fields[path] = (widget, caption)
            self.fact_errors[path] = err
            self.watch(widget, make)
            facts.append(w.HBox([label(caption, "190px"), widget, err]))

        def choice(choices: tuple[str, ...]) -> w.Dropdown:
            return w.Dropdown(options=options(choices, None, blank="— unknown —"), layout=lay(width="260px"))

        fact("organization", "Organisation", w.Text(continuous_update=False, layout=lay(width="260px")),
             lambda v: ch.set_fact("organization", v))
        fact("unit", "Unit or team", w.Text(continuous_update=False, layout=lay(width="260px")),
             lambda v: ch.set_fact("unit", v))
        fact("assessed_on", "Assessed on", w.DatePicker(layout=lay(width="260px")),
             lambda v: ch.set_fact("assessed_on", v.isoformat() if isinstance(v, dt.date) else v))
        self.head = w.Dropdown(layout=lay(width="260px"))
        fact("head_of_integration", "Head of integration", self.head, lambda v: ch.set_fact("head_of_integration", v))
        fact("context.platform", "Integration platform", choice(PLATFORMS),
             lambda v: ch.set_fact("context.platform", v))
        fact("context.process", "Triage/build process", choice(PROCESSES),
             lambda v: ch.set_fact("context.process", v))
        for key, caption in BACKLOG:
            fact(f"context.backlog.{key}", caption,
                 w.Text(placeholder="unknown", continuous_update=False, layout=lay(width="120px")),
                 lambda v, key=key: ch.set_fact(f"context.backlog.{key}", as_count(v)))

        self.pods_box = w.VBox().add_class("podcheck-pods")
        self.new_pod = w.Text(placeholder="new pod name", layout=lay(width="180px")).add_class("podcheck-new-pod-name")
        add_pod = w.Button(description="Add pod", icon="plus", button_style="primary").add_class("podcheck-add-pod")
        add_pod.on_click(lambda _: self._add_pod())
        pod_header = w.HBox([label("Name", "180px"), label("Focus", "130px"), label("Lead load", "100px"),
                             label("Projects", "70px")])
        pods = w.VBox([pod_header, self.pods_box, w.HBox([self.new_pod, add_pod])])

        self.people_box = w.VBox().add_class("podcheck-people")
        self.pod_filter = w.Dropdown(description="Show", options=[("everyone", "")],
                                     layout=lay(width="260px")).add_class("podcheck-pod-filter")
        self.pod_filter.observe(lambda _: self.sync(), names="value")
        self.new_name = w.Text(placeholder="name", layout=lay(width="170px")).add_class("podcheck-new-person-name")
        self.new_pod_choice = w.Dropdown(layout=lay(width="150px")).add_class("podcheck-new-person-pod")
        self.new_member = w.Dropdown(options=options(MEMBERSHIP, None, blank=None, words=MEMBER_WORDS),
                                     layout=lay(width="140px")).add_class("podcheck-new-person-member")
        self.new_role = w.Dropdown(options=[("— role —", ""), *role_options()],
                                   layout=lay(width="130px")).add_class("podcheck-new-person-role")
        self.new_share = w.IntSlider(value=100, min=5, max=100, step=5, description="% time", continuous_update=False,
                                     style={"description_width": "55px"},
                                     layout=lay(width="230px")).add_class("podcheck-new-person-share")
        add_person = w.Button(description="Add person", icon="user-plus", button_style="primary",
                              layout=lay(width="auto")).add_class("podcheck-add-person")
        add_person.on_click(lambda _: self._add_person())
        people = w.VBox([
            note("Each slider is the share of that person's week given to the role; "
                 "0 means they do not hold it. A person's shares add up to at most 100%."),
            self.pod_filter, self.people_box,
            note("Add someone", "podcheck-panel-title"),
            line([self.new_name, self.new_pod_choice, self.new_member, self.new_role, self.new_share, add_person]),
        ])
        # Sections rather than an accordion: a guided step shows the ones it needs (guide.py), the rest hide.
        self.team_sections = {
            "facts": w.VBox([note("Organisation facts", "podcheck-section-title"), *facts]),
            "pods": w.VBox([note("Pods", "podcheck-section-title"), pods]),
            "people": w.VBox([note("People and their roles", "podcheck-section-title"), people]),
        }
        for part, section in self.team_sections.items():
            section.add_class(f"podcheck-section-{part}")
        return w.VBox(list(self.team_sections.values())).add_class("podcheck-sections")

    def _sync_team(self, data: dict[str, Any], pods: list[dict[str, Any]], people: list[dict[str, Any]],
                   pod_names: list[str], person_names: list[str]) -> None:
        """Show the facts, a row per pod and per person, and the current pods and people to choose from."""
        self._resize(self.pod_rows, len(pods), PodRow, self.pods_box)
        self._resize(self.person_rows, len(people), PersonRow, self.people_box)
        for pod_row, pod in zip(self.pod_rows, pods, strict=True):
            pod_row.load(pod)
        for person_row, person in zip(self.person_rows, people, strict=True):
            person_row.load(person, pod_names, person_names)
            shown = not self.pod_filter.value or self.pod_filter.value in person_row.pods(person)
            show(person_row.box.layout, display="" if shown else "none")
        self._sync_facts(data, person_names)
        named = [p for p in pod_names if p]
        show(self.pod_filter, options=[("everyone", "")] + [(pod_words(p), p) for p in named])
        show(self.new_pod_choice, options=[("— no pod —", "")] + [(p, p) for p in named])
        if not self.new_pod_choice.value and named:
            self.new_pod_choice.value = named[0]

    def _resize(self, rows: list, n: int, kind: type, box: w.Box) -> None:
        if len(rows) == n:
            return
        while len(rows) > n:
            rows.pop().box.close()
        while len(rows) < n:
            rows.append(kind(self, len(rows)))
        box.children = [r.box for r in rows]

    def _sync_facts(self, data: dict[str, Any], people: list[str]) -> None:
        context = data.get("context") if isinstance(data.get("context"), dict) else {}
        backlog = context.get("backlog") if isinstance(context.get("backlog"), dict) else {}
        values = {
            "organization": as_text(data.get("organization")), "unit": as_text(data.get("unit")),
            "context.platform": as_text(context.get("platform")), "context.process": as_text(context.get("process")),
            **{f"context.backlog.{k}": as_text(backlog.get(k)) for k, _ in BACKLOG},
        }
        head = data.get("head_of_integration")
        show(self.head, options=[("— none —", "")] + [(p, p) for p in people if p]
             + ([(f"{head} (not in people)", head)] if head and head not in people else []))
        values["head_of_integration"] = as_text(head)
        for path, value in values.items():
            widget = self.fact_fields[path][0]
            if isinstance(widget, w.Dropdown) and path.startswith("context."):
                choices = PLATFORMS if path.endswith("platform") else PROCESSES
                show(widget, options=options(choices, value, blank="— unknown —"))
            show(widget, value=value)
        on = data.get("assessed_on")
        try:
            date = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
        except ValueError:
            date = None
        show(self.fact_fields["assessed_on"][0], value=date)

    def _team_fields(self) -> Fields:
        """The facts' and every row's fields by path."""
        fields = dict(self.fact_fields)
        for each in [*self.pod_rows, *self.person_rows]:
            fields.update(each.fields())
        return fields

    def _row_paths(self) -> set[str]:
        """The paths of whole rows: their problems are listed under the row, not marked on a field."""
        return {f"pods[{r.index}]" for r in self.pod_rows} | {f"people[{r.index}]" for r in self.person_rows}

    def _show_team_problems(self, errors: dict[str, list[str]], fields: Fields) -> None:
        """Each row's problems under it (named by field), each fact's beside it."""
        for area, rows in (("pods", self.pod_rows), ("people", self.person_rows)):
            for each in rows:
                prefix = f"{area}[{each.index}]"
                lines = [f"{fields[p][1] + ': ' if fields[p][1] else ''}{m}" for p, msgs in errors.items()
                         if p == prefix or p.startswith(prefix + ".") for m in msgs]
                show(each.errors, value=lines_html(lines))
        for path in self.fact_fields:
            show(self.fact_errors[path], value=lines_html(errors.get(path, [])))

    def remove(self, area: str, index: int) -> None:
        """Remove a person or a pod; focus goes to Undo, so the next click or key press cannot remove another."""
        now = time.monotonic()
        last = self._last_removal
        # A double click on a trash button arrives as two clicks on the same row, the second after the row
        # already shows the next person: take it for one.
        if last is not None and last[:2] == (area, index) and now - last[2] < DOUBLE_CLICK_S:
            return
        self._last_removal = (area, index, now)
        name = _name(self, area, index)
        outcome = self.change(_removal(self, area, index))
        if outcome.accepted:
            when = self.state.saved_at.strftime("%H:%M:%S") if self.state.saved_at else ""
            self.say(f"Removed {name}. Saved {when}. Undo brings {name} back.")
            self.undo_button.focus()

    def _add_pod(self) -> None:
        name = self.new_pod.value.strip()
        if not name:
            self.say("Type the new pod's name first.", bad=True)
            return
        if self.change(ch.add_pod(name)).accepted:
            self.new_pod.value = ""

    def _add_person(self) -> None:
        name = self.new_name.value.strip()
        if not name:
            self.say("Type the new person's name first.", bad=True)
            return
        role = self.new_role.value
        roles = {role: self.new_share.value / 100} if role else {}
        outcome = self.change(ch.add_person(name, self.new_pod_choice.value or None, member=self.new_member.value,
                                            roles=roles))
        if outcome.accepted:
            self.new_name.value = ""
            self.new_role.value = ""
