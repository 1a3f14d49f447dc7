"""The result JSON Schema: shipped, never drifting from the model, and true of real output."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import podcheck
from podcheck.schema import SCHEMA_FILE, result_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "assessments" / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def payments() -> dict[str, Any]:
    return podcheck.assess(podcheck.load_assessment(ROOT / "assessments/examples/payments.yaml")).to_dict()


def test_committed_schema_matches_the_generator() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "src/podcheck/schema/result.schema.json is stale: run `python -m podcheck.schema`")


def test_generator_command_rewrites_the_file(tmp_path: Path) -> None:
    # Run the real `python -m podcheck.schema`, and prove it is a no-op on a current file.
    before = SCHEMA_FILE.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "podcheck.schema"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout
    assert SCHEMA_FILE.read_bytes() == before


def test_schema_speaks_the_contract() -> None:
    schema = result_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    props = schema["properties"]
    assert props["schema"]["const"] == "podcheck/1"
    assert "schema_" not in props
    assert {"schema", "organization", "unit", "assessed_on", "stage", "score", "dimensions", "findings",
            "not_assessed"} <= set(schema["required"])
    integer_0_100 = {"type": "integer", "minimum": 0, "maximum": 100}
    # The overall score is 0..100, or null when the file gives too little to judge (contract 5.2).
    assert [integer_0_100.items() <= s.items() for s in props["score"]["anyOf"]] == [True, False]
    assert {"type": "null"} in props["score"]["anyOf"]
    assert {"dimensions", "of", "unknowns"} <= set(schema["$defs"]["Assessed"]["properties"])
    assert "assessed" in schema["required"]
    assert integer_0_100.items() <= schema["$defs"]["Dimension"]["properties"]["score"].items()
    finding = schema["$defs"]["Finding"]
    assert {"id", "severity", "pod", "people", "principles", "message", "recommendation"} <= set(finding["required"])
    assert finding["properties"]["severity"]["enum"] == ["high", "medium", "low"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_output_validates_and_has_the_contract_shape(example: Path, run_cli, validator) -> None:
    run = run_cli("assess", example, "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)

    stage = data["stage"]
    assert isinstance(stage["level"], int) and stage["id"] and stage["name"]
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    scores = {d["id"]: d["score"] for d in data["dimensions"]}
    for required in ("roles", "dual-role", "developer-trap", "scaling"):
        assert isinstance(scores[required], int) and 0 <= scores[required] <= 100, required
    for finding in data["findings"]:
        assert {"id", "severity", "pod", "people", "principles", "message", "recommendation"} <= set(finding)
        assert finding["severity"] in ("high", "medium", "low")
        assert finding["pod"] is None or isinstance(finding["pod"], str)


def test_unknown_is_listed_not_scored_as_zero(validator) -> None:
    # Field Service gives no context: platform, process and backlog are unknown, not 0.
    data = podcheck.assess(podcheck.load_assessment(ROOT / "assessments/examples/field-service.yaml")).to_dict()
    assert not list(validator.iter_errors(data))
    skipped = {d["id"]: d["reason"] for d in data["not_assessed"]}
    assert {"fundamentals", "value"} <= set(skipped)
    assert "context.platform" in skipped["fundamentals"]
    assert not {d["id"] for d in data["dimensions"]} & set(skipped)


@pytest.mark.parametrize(("change", "where"), [
    (lambda r: r.update(score=101), "score"),
    (lambda r: r.update(score=72.5), "score"),
    (lambda r: r["dimensions"][0].update(score=-1), "dimensions"),
    (lambda r: r.pop("schema"), ""),
    (lambda r: r.update(schema="podcheck/2"), "schema"),
    (lambda r: r["stage"].update(id="giant"), "stage"),
    (lambda r: r.update(colour="blue"), ""),
    (lambda r: r["findings"].append({"id": "x", "severity": "urgent"}), "findings"),
])
def test_schema_rejects_what_the_contract_forbids(change, where: str, payments: dict[str, Any], validator) -> None:
    assert not list(validator.iter_errors(payments))
    broken = copy.deepcopy(payments)
    change(broken)
    errors = list(validator.iter_errors(broken))
    assert errors
    assert any((list(e.path)[:1] == [where]) if where else not e.path for e in errors)
