"""The JSON Schemas of podcheck's result object (`podcheck assess --format json`) and of the assessment
file it reads, kept beside the code.

`result.schema.json` in this folder is generated from `podcheck.result.Result`, `assessment.schema.json`
from `podcheck.model.Assessment`; rewrite them with `python -m podcheck.schema` whenever either model
changes (a test fails until you do).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..catalog import DEFAULT_RUBRIC
from ..model import Assessment
from ..result import Result

SCHEMA_FILE = Path(__file__).with_name("result.schema.json")
ASSESSMENT_SCHEMA_FILE = Path(__file__).with_name("assessment.schema.json")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _all_required(node: dict[str, Any]) -> None:
    # The result is always written in full (nulls included), so every property is present in
    # the output, even those with a default: say so, so a consumer can rely on each key.
    if "properties" in node:
        node["required"] = list(node["properties"])


def result_schema() -> dict[str, Any]:
    """The result object's JSON Schema (Draft 2020-12), keys under the names the JSON uses."""
    schema = Result.model_json_schema(by_alias=True, mode="serialization")
    _all_required(schema)
    for definition in schema.get("$defs", {}).values():
        _all_required(definition)
    return {
        "$schema": DIALECT,
        "$comment": "Generated from podcheck.result.Result by `python -m podcheck.schema`; do not edit by hand.",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": "podcheck result (schema podcheck/1)",
    }


def schema_text() -> str:
    """The schema as the JSON text stored in result.schema.json."""
    return json.dumps(result_schema(), indent=2, ensure_ascii=False) + "\n"


def assessment_schema() -> dict[str, Any]:
    """The assessment file's JSON Schema (Draft 2020-12): its shape and allowed values, as a file is written.

    Checks that span the file (pods and people named exist, names unique, shares across a person's
    assignments at most 1) are podcheck's own and beyond the schema; `podcheck assess` reports them.
    """
    schema = Assessment.model_json_schema(by_alias=True, mode="validation")
    scale = DEFAULT_RUBRIC.answer_scale
    # A file may answer with the bare score: `overlap-technology: 4` is `{score: 4}`.
    schema["properties"]["answers"]["additionalProperties"] = {"anyOf": [
        {"$ref": "#/$defs/Answer"}, {"type": "integer", "minimum": scale.lowest, "maximum": scale.highest}]}
    # A person is in one pod (`pod`, `roles`) or in several (`assignments`), never both.
    schema["$defs"]["Person"]["not"] = {"required": ["pod", "assignments"]}
    # Dates are written as YAML dates; once in JSON, they are ISO text.
    schema["properties"]["assessed_on"] = {**schema["properties"]["assessed_on"], "type": "string", "format": "date"}
    return {
        "$schema": DIALECT,
        "$comment": "Generated from podcheck.model.Assessment by `python -m podcheck.schema`; do not edit by hand.",
        **{k: v for k, v in schema.items() if k != "title"},
        "title": "podcheck assessment file (schema podcheck/1)",
    }


def assessment_schema_text() -> str:
    """The schema as the JSON text stored in assessment.schema.json."""
    return json.dumps(assessment_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Rewrite result.schema.json and assessment.schema.json from their models; returns an exit code."""
    from ..files.atomic import write_atomic

    for file, text in ((SCHEMA_FILE, schema_text()), (ASSESSMENT_SCHEMA_FILE, assessment_schema_text())):
        if file.is_file() and file.read_text(encoding="utf-8") == text:
            print(f"{file} is up to date")
            continue
        write_atomic(file, text)
        print(f"wrote {file}")
    return 0
