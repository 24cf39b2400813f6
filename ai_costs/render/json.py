"""The JSON envelope: plain stdout, no colour, unrounded numbers (STYLE.md practice 8)."""

from __future__ import annotations

import json
import math
from typing import Any

from ai_costs.models.report import SCHEMA_VERSION, Report


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity; an unbounded figure is reported as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(_clean(doc), indent=2, allow_nan=False)


def report_json(report: Report) -> str:
    return dumps(report.to_dict())


def error_json(command: str, code: str, message: str) -> str:
    """In JSON mode errors are one JSON document too (exit code 2)."""
    return dumps({
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "status": "error",
        "errors": [{"code": code, "message": message}],
    })
