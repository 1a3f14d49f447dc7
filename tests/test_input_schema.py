"""The assessment file's JSON Schema: shipped, generated from the model, and true of every bundled example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from podcheck import model
from podcheck.schema import ASSESSMENT_SCHEMA_FILE, assessment_schema, assessment_schema_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "assessments" / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(ASSESSMENT_SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_json(path: Path) -> Any:
    """The file as a JSON tool sees it once converted (dates become ISO text)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_shipped_schema_matches_the_model() -> None:
    assert ASSESSMENT_SCHEMA_FILE.read_text(encoding="utf-8") == assessment_schema_text(), (
        "src/podcheck/schema/assessment.schema.json is stale: run `python -m podcheck.schema`")


def test_generator_leaves_a_current_file_alone() -> None:
    before = ASSESSMENT_SCHEMA_FILE.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "podcheck.schema"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert ASSESSMENT_SCHEMA_FILE.read_bytes() == before


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_bundled_example_validates(example: Path, validator: Draft202012Validator) -> None:
    errors = sorted(validator.iter_errors(as_json(example)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_enumerated_field_lists_its_allowed_values() -> None:
    schema = assessment_schema()
    defs = schema["$defs"]

    def enum(node: dict[str, Any]) -> list[str]:
        for option in node.get("anyOf", [node]):
            if "enum" in option:
                return option["enum"]
        raise AssertionError(node)

    assert enum(defs["Context"]["properties"]["platform"]) == list(model.PLATFORMS)
    assert enum(defs["Context"]["properties"]["process"]) == list(model.PROCESSES)
    assert enum(defs["Pod"]["properties"]["focus"]) == list(model.FOCUS)
    assert enum(defs["Pod"]["properties"]["lead_load"]) == list(model.LEAD_LOAD)
    person = defs["Person"]["properties"]
    assert enum(person["background"]) == list(model.BACKGROUNDS)
    assert enum(person["member"]) == list(model.MEMBERSHIP)
    assert enum(person["helps_as"]) == list(model.HELPS_AS)
    assert set(defs["Roles"]["properties"]) == {"lead", "technologist", "analyst"}
    assert "assignments" in person and defs["Assignment"]["properties"]["pod"]
    assert all(defs[d].get("description") for d in ("Person", "Pod", "Assignment", "Context", "Roles"))
    assert person["background"].get("description") and defs["Pod"]["properties"]["focus"].get("description")


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["people"][1].update(pod="CRM", assignments=[{"pod": "CRM", "roles": {"lead": 1}}]), ["people", 1]),
    (lambda d: d["context"].update(platform="zapier"), ["context", "platform"]),
    (lambda d: d["people"][1].update(colour="blue"), ["people", 1]),
    (lambda d: d["people"][1]["roles"].update(lead=1.5), ["people", 1, "roles", "lead"]),
    (lambda d: d.pop("pods"), []),
])
def test_schema_refuses_what_podcheck_refuses(change, where: list[Any], validator: Draft202012Validator) -> None:
    data = as_json(ROOT / "assessments/examples/commerce.yaml")
    assert not list(validator.iter_errors(data))
    change(data)
    errors = list(validator.iter_errors(data))
    assert any(list(e.path)[:len(where)] == where for e in errors), [(list(e.path), e.message) for e in errors]


def test_schema_command_prints_the_input_and_the_result_schema(run_cli) -> None:
    run = run_cli("schema")
    assert run.code == 0, run.err
    assert json.loads(run.out) == assessment_schema()
    run = run_cli("schema", "--result")
    assert run.code == 0, run.err
    assert json.loads(run.out)["title"].startswith("podcheck result")
