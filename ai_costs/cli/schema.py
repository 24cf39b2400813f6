"""`ai-costs schema`: JSON Schemas generated from the models (also committed under docs/schema/)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.errors import InvalidInput


@handles_errors("schema")
def schema(
    kind: Annotated[str, typer.Argument(help="scenario | report | budget | error", metavar="KIND")] = "report",
    command: Annotated[str | None, typer.Argument(help="train | infer | breakeven | compare-gpus | check | diff  "
                                                  "\\[default: train]", metavar="COMMAND", show_default=False)] = None,
) -> None:
    """Print a JSON Schema of a scenario, a command's JSON report, a budget file, or the error document.

    The same schemas are committed under docs/schema/.

    Examples:

      ai-costs schema scenario infer

      ai-costs schema report train > report-train.schema.json
    """
    from ai_costs.schemas import REPORTS, SCENARIOS, json_schema

    valid = {"scenario": list(SCENARIOS), "report": list(REPORTS), "budget": [], "error": []}
    if kind not in valid:
        raise InvalidInput(f"unknown schema {kind!r}; one of: {', '.join(valid)}")
    if valid[kind] and (command or "train") not in valid[kind]:
        raise InvalidInput(f"no {kind} schema for {command!r}; one of: {', '.join(valid[kind])}")
    sys.stdout.write(json.dumps(json_schema(kind, command or ("train" if valid[kind] else None)), indent=2) + "\n")
