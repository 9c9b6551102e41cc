"""The JSON Schemas of docs/schema/, as validators for the tests that check real outputs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schema"


@cache
def validator(name: str) -> Any:
    """A Draft 7 validator for docs/schema/<name>.schema.json (the schema checked first)."""
    import jsonschema

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(name: str, data: Any) -> list[str]:
    """What in `data` the schema refuses, one line each (empty: valid)."""
    found = validator(name).iter_errors(data)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]
