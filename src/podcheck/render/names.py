"""Hand-outs for wide distribution: people's names replaced by initials or by their role, everywhere.

`hide_names(result, assessment, "initials" | "roles")` gives a Result and an Assessment in which every
person's name (in findings' messages and people, recommendations, unknowns, the pods' tables, reporting
lines, the inputs appendix) is replaced the same way, so the report reads as before without naming
anyone. Names are matched whole, longest first, so "Ana" never replaces part of "Anabel" or "Banana".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any, Literal

from ..model import ROLES, Assessment
from ..result import Result

NAMES = ("full", "initials", "roles")
Names = Literal["full", "initials", "roles"]


def initials(name: str) -> str:
    """'Bo Chen' → 'B.C.'; 'Jean-Luc Picard' → 'J.L.P.'."""
    parts = [p for p in re.split(r"[\s\-]+", name) if p]
    return "".join(f"{p[0].upper()}." for p in parts) or "?"


def _role_word(person: Any, head: str | None) -> str:
    """The word for a person by what they do: their largest role, head, part-time helper, or member."""
    if head is not None and person.name == head:
        return "Head of integration"
    shares: dict[str, float] = {}
    for role, share in person.roles.shares().items():
        shares[role] = shares.get(role, 0) + share
    for place in person.assignments or []:
        for role, share in place.roles.shares().items():
            shares[role] = shares.get(role, 0) + share
    if shares:
        best = max(ROLES, key=lambda r: (shares.get(r, 0), -ROLES.index(r)))
        return best.capitalize()
    return "Helper" if not person.is_core else "Member"


def replacements(assessment: Assessment, names: Names) -> dict[str, str]:
    """Each person's name → what the hand-out shows instead; every replacement is different."""
    if names == "full":
        return {}
    if names not in NAMES:
        raise ValueError(f"names must be one of {', '.join(NAMES)}, not {names!r}")
    people = list(assessment.people)
    if names == "initials":
        words = [initials(p.name) for p in people]
    else:
        words = [_role_word(p, assessment.head_of_integration) for p in people]
    seen: Counter[str] = Counter()
    totals = Counter(words)
    out: dict[str, str] = {}
    for person, word in zip(people, words, strict=True):
        seen[word] += 1
        if names == "roles" and word != "Head of integration" or totals[word] > 1:
            word = f"{word} {seen[word]}"
        out[person.name] = word
    return out


def _replacer(mapping: dict[str, str]) -> Callable[[str], str]:
    if not mapping:
        return lambda text: text
    pattern = re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True))
                         + r")(?![\w])(\.?)")

    def one(match: re.Match[str]) -> str:
        word = mapping[match.group(1)]
        # "… and A.R." rather than "… and A.R.." where the name ended a sentence.
        return word + ("" if word.endswith(".") else match.group(2))

    return lambda text: pattern.sub(one, text)


def _deep(value: Any, fix: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, list):
        return [_deep(v, fix) for v in value]
    if isinstance(value, dict):
        return {k: _deep(v, fix) for k, v in value.items()}
    return value


def hide_names(result: Result, assessment: Assessment | None, names: Names,
               previous: Result | None = None) -> tuple[Result, Assessment | None, Result | None]:
    """The result, the assessment and an earlier result with people's names shown as `names` asks."""
    if names == "full" or assessment is None:
        if names not in NAMES:
            raise ValueError(f"names must be one of {', '.join(NAMES)}, not {names!r}")
        if names != "full" and assessment is None:
            raise ValueError("hiding names needs the assessment the result came from")
        return result, assessment, previous
    fix = _replacer(replacements(assessment, names))
    new_result = Result.model_validate(_deep(result.model_dump(mode="json"), fix))
    new_previous = Result.model_validate(_deep(previous.model_dump(mode="json"), fix)) if previous else None
    data = _deep(assessment.model_dump(mode="json", exclude_unset=True, by_alias=True), fix)
    return new_result, Assessment.model_validate(data), new_previous
