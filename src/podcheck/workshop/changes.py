"""The workshop's edits: the one change vocabulary of podcheck.changes, under the names the tabs use."""

from __future__ import annotations

from ..changes import (
    Change,
    ChangeError,
    Data,
    PersonRef,
    PodRef,
    add_person,
    add_pod,
    combine,
    edit_person,
    edit_pod,
    give_role,
    move_person,
    person_index,
    pod_index,
    remove_person,
    remove_pod,
    set_answer,
    set_fact,
    set_role_share,
    split_pod,
)

WorkshopError = ChangeError
"""A change the workshop cannot make, in plain words (the core's ChangeError)."""

__all__ = [
    "Change", "ChangeError", "Data", "PersonRef", "PodRef", "WorkshopError", "add_person", "add_pod", "combine",
    "edit_person", "edit_pod", "give_role", "move_person", "person_index", "pod_index", "remove_person",
    "remove_pod", "set_answer", "set_fact", "set_role_share", "split_pod",
]
