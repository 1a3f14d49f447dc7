"""The JSON Schema of podcheck's result object (`podcheck assess --format json`), kept beside the code.

`result.schema.json` in this folder is generated from `podcheck.result.Result`; rewrite it with
`python -m podcheck.schema` whenever the result model changes (a test fails until you do).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..result import Result

SCHEMA_FILE = Path(__file__).with_name("result.schema.json")
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


def main() -> int:
    """Rewrite result.schema.json from the result model; returns an exit code."""
    from ..files.atomic import write_atomic

    text = schema_text()
    if SCHEMA_FILE.is_file() and SCHEMA_FILE.read_text(encoding="utf-8") == text:
        print(f"{SCHEMA_FILE} is up to date")
        return 0
    write_atomic(SCHEMA_FILE, text)
    print(f"wrote {SCHEMA_FILE}")
    return 0
