"""Properties that must hold for any valid team, checked over generated assessments."""

from __future__ import annotations

import copy
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import podcheck
from podcheck.catalog import SEVERITIES
from podcheck.model import ROLES
from podcheck.result import Result

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUESTION_IDS = sorted(q.id for q in podcheck.questions())
BACKGROUNDS = ["software-engineering", "mis", "business-analysis", "business-process", "solution-engineering", "other"]
# Letters plus a few characters that have broken other tools: accents, HTML, ampersands.
NAME = st.text(alphabet=string.ascii_letters + "éøÜ &<>'-", min_size=1, max_size=10).map(str.strip).filter(bool)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """A value from `strategy`, or a marker meaning 'leave the key out' (unknown)."""
    return st.one_of(st.just(None), strategy)


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set key only when the value is known: omitted facts stay unknown."""
    if value is not None:
        target[key] = value


@st.composite
def role_shares(draw: st.DrawFn, at_least_one: bool) -> dict[str, float]:
    """A random set of roles whose shares (in tenths) total at most 1."""
    roles = draw(st.lists(st.sampled_from(ROLES), unique=True, min_size=1 if at_least_one else 0, max_size=3))
    shares: dict[str, float] = {}
    left = 10
    for role in roles:
        if left < 1:
            break
        tenths = draw(st.integers(1, left))
        shares[role] = tenths / 10
        left -= tenths
    return shares


@st.composite
def assessments(draw: st.DrawFn) -> dict[str, Any]:
    """A valid assessment dict: 1-4 pods, 0-12 people each, helpers, an optional head, optional context."""
    pod_names = draw(st.lists(NAME, min_size=1, max_size=4, unique=True))
    sizes = [draw(st.integers(0, 12)) for _ in pod_names]
    person_names = draw(st.lists(NAME, min_size=sum(sizes) + 1, max_size=sum(sizes) + 1, unique=True))
    head_name = person_names.pop()

    pods = []
    for name in pod_names:
        pod: dict[str, Any] = {"name": name}
        put(pod, "focus", draw(maybe(st.sampled_from(["domain", "difficulty", "bespoke", "support", "none"]))))
        put(pod, "lead_load", draw(maybe(st.sampled_from(["normal", "heavy"]))))
        put(pod, "active_projects", draw(maybe(st.integers(0, 15))))
        pods.append(pod)

    people: list[dict[str, Any]] = []
    names = iter(person_names)
    for pod_name, size in zip(pod_names, sizes, strict=True):
        for _ in range(size):
            extended = draw(st.booleans()) and draw(st.booleans())  # about one in four is a helper
            person: dict[str, Any] = {"name": next(names), "pod": pod_name}
            roles = draw(role_shares(at_least_one=not extended)) if not extended or draw(st.booleans()) else {}
            if roles:
                person["roles"] = roles
            put(person, "background", draw(maybe(st.sampled_from(BACKGROUNDS))))
            put(person, "integration_training", draw(maybe(st.booleans())))
            if extended:
                person["member"] = "extended"
                put(person, "helps_as", draw(maybe(st.sampled_from(["sme", "software-engineering", "qa"]))))
                put(person, "owns_deliverables", draw(maybe(st.booleans())))
            people.append(person)

    team: dict[str, Any] = {
        "schema": "podcheck/1", "organization": "Acme Corp", "unit": draw(NAME),
        "assessed_on": draw(st.dates()).isoformat(), "pods": pods, "people": people,
    }
    head = draw(st.sampled_from(["none", "outside", "member"] if people else ["none", "outside"]))
    if head == "outside":
        people.append({"name": head_name})
        team["head_of_integration"] = head_name
    elif head == "member":
        team["head_of_integration"] = draw(st.sampled_from(people))["name"]

    everyone = [p["name"] for p in people]
    for person in people:
        if len(everyone) > 1 and draw(st.booleans()):
            person["reports_to"] = draw(st.sampled_from([n for n in everyone if n != person["name"]]))

    if draw(st.booleans()):
        context: dict[str, Any] = {}
        put(context, "platform", draw(maybe(st.sampled_from(["ipaas", "embedded-ipaas", "in-house", "none"]))))
        put(context, "process", draw(maybe(st.sampled_from(["none", "ad-hoc", "defined"]))))
        if draw(st.booleans()):
            backlog: dict[str, Any] = {"added_per_quarter": draw(st.integers(0, 40)),
                                       "delivered_per_quarter": draw(st.integers(0, 40))}
            put(backlog, "open", draw(maybe(st.integers(0, 200))))
            if draw(st.integers(0, 3)) == 0:  # sometimes one of the rates is unknown
                del backlog[draw(st.sampled_from(["added_per_quarter", "delivered_per_quarter"]))]
            context["backlog"] = backlog
        team["context"] = context
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(QUESTION_IDS), unique=True, max_size=len(QUESTION_IDS)))
        team["answers"] = {q: draw(st.one_of(st.integers(1, 5), st.builds(
            lambda s, n: {"score": s, "note": n}, st.integers(1, 5), NAME))) for q in chosen}
    return team


def run(team: dict[str, Any]) -> Result:
    """Validate and assess a generated team (which must be valid)."""
    return podcheck.assess(podcheck.parse_assessment(copy.deepcopy(team), file="generated.yaml"))


@SETTINGS
@given(assessments())
def test_scores_stay_between_0_and_100(team: dict[str, Any]) -> None:
    result = run(team)
    # No score exactly when no core member of any pod holds a role (too little to judge).
    has_roles = any(share > 0 for p in result.pods for share in p.role_shares.values())
    assert (result.score is None) == (not has_roles)
    assert result.score is None or 0 <= result.score <= 100
    assert result.assessed.dimensions == len(result.dimensions)
    assert result.assessed.of == len(result.dimensions) + len(result.not_assessed)
    assert result.dimensions or result.not_assessed
    for d in result.dimensions:
        assert 0 <= d.score <= 100
        for part in (d.roster_score, d.answers_score):
            assert part is None or 0 <= part <= 100
    # Every dimension is either scored or declared unknown, never both, never silently dropped.
    scored = [d.id for d in result.dimensions]
    unknown = [d.id for d in result.not_assessed]
    assert not set(scored) & set(unknown)
    assert set(scored) | set(unknown) == set(podcheck.DEFAULT_RUBRIC.dimension_weights)


@SETTINGS
@given(assessments())
def test_findings_are_sorted_severity_then_pod_then_id(team: dict[str, Any]) -> None:
    findings = run(team).findings
    keys = [(SEVERITIES.index(f.severity), f.pod is not None, f.pod or "", f.id) for f in findings]
    assert keys == sorted(keys)
    pods = {p["name"] for p in team["pods"]}
    assert all(f.pod is None or f.pod in pods for f in findings)


@SETTINGS
@given(assessments(), st.data())
def test_removing_the_only_analyst_raises_missing_analyst(team: dict[str, Any], data: st.DataObject) -> None:
    # Add a pod whose one analyst we can take away, so every example exercises the property.
    team["pods"].append({"name": "Solo Pod"})
    others = data.draw(st.sampled_from([{}, {"lead": 0.5}, {"technologist": 0.3}, {"lead": 0.2, "technologist": 0.3}]))
    team["people"].append({"name": "Only Analyst ~", "pod": "Solo Pod", "roles": {**others, "analyst": 0.5}})
    before = run(team)
    assert ("roles.missing-analyst", "Solo Pod") not in {(f.id, f.pod) for f in before.findings}

    for pod in team["pods"]:
        core = [p for p in team["people"] if p.get("pod") == pod["name"] and p.get("member", "core") == "core"]
        analysts = [p for p in core if "analyst" in (p.get("roles") or {})]
        if len(analysts) != 1:
            continue
        after = copy.deepcopy(team)
        person = next(p for p in after["people"] if p["name"] == analysts[0]["name"])
        del person["roles"]["analyst"]
        if not person["roles"]:
            person["member"] = "extended"  # still on the team, but no longer holding any core role
        found = {(f.id, f.pod) for f in run(after).findings}
        assert ("roles.missing-analyst", pod["name"]) in found


@SETTINGS
@given(assessments(), st.randoms(use_true_random=False))
def test_listing_order_never_changes_the_result(team: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(team)
    rnd.shuffle(shuffled["people"])
    rnd.shuffle(shuffled["pods"])
    assert run(shuffled).to_dict() == run(team).to_dict()


@SETTINGS
@given(assessments())
def test_result_survives_a_json_round_trip(team: dict[str, Any]) -> None:
    result = run(team)
    assert Result.from_json(result.to_json()) == result
