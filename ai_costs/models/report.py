"""Results: cost lines, sources and the report every estimating command returns."""

import dataclasses
from dataclasses import field
from typing import Any

from ai_costs.models._base import Model, model

SCHEMA_VERSION = "1"
# Summary metrics of each estimating command that can carry a range: the possible keys of `ranges`, and
# the p5/p95 columns of CSV output (docs/reference/json-output.md).
RANGE_KEYS = {
    "train": ("total_usd", "compute_usd", "energy_usd", "gpu_hours", "wall_clock_days", "gpus", "mfu", "kwh",
              "co2_kg"),
    "infer": ("usd_per_request", "usd_per_day", "usd_per_month", "usd_per_year", "usd_per_million_input_tokens",
              "usd_per_million_output_tokens", "usd_per_million_tokens", "gpus", "replicas", "output_tokens_per_second",
              "output_tokens_per_second_per_gpu", "ttft_seconds", "tpot_seconds", "kwh_per_day", "co2_kg_per_day"),
    "breakeven": ("crossover_months", "crossover_tokens_per_day", "a_total_usd", "b_total_usd", "inference_share"),
}
# compare-gpus: the row metrics that carry a range (each row's `ranges`): cost and speed.
ROW_RANGE_KEYS = {"train": ("total_usd", "gpu_hours", "wall_clock_days"),
                  "infer": ("usd_per_million_tokens", "usd_per_month", "output_tokens_per_second_per_gpu")}


@model
class CostLine(Model):
    """One cost component: quantity x usd_per_unit = usd. `assumption` marks figures resting on a
    default (MFU, utilization, tokens per request...) rather than on the user's own numbers."""

    name: str
    quantity: float
    unit: str
    usd_per_unit: float | None
    usd: float | None
    assumption: bool


@model
class SourceRef(Model):
    """A catalog entry the estimate used, with its provenance and whether it is over 18 months old."""

    kind: str
    id: str
    source: str
    as_of: str
    stale: bool = False


@model
class Check(Model):
    """A budget limit on one metric (or one quantile of its range, `total_usd@p95`): ok when the value
    is known and at most the limit."""

    metric: str
    limit: float
    value: float | None
    ok: bool


@model
class Report(Model):
    """The result of an estimating command, serialised as the versioned JSON envelope."""

    command: str
    inputs: dict[str, Any]
    summary: dict[str, Any]  # flat headline numbers (None = unpriced or not applicable)
    ranges: dict[str, dict[str, float | None]] = field(default_factory=dict)  # metric -> {p5, p50, p95}
    sensitivity: tuple[dict[str, Any], ...] = ()  # the headline metric with each input at its p5 and p95
    uncertain_inputs: tuple[dict[str, Any], ...] = ()  # each input's distribution, source, pinned or not
    line_items: tuple[CostLine, ...] = ()
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    schema_version: str = SCHEMA_VERSION

    @property
    def status(self) -> str:
        """'ok', or 'over_budget' when a --max limit or budget line fails (exit code 1)."""
        return "over_budget" if any(not c.ok for c in self.checks) else "ok"

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: unrounded numbers, keys in contract order."""
        return {
            "schema_version": self.schema_version,
            "command": self.command,
            "status": self.status,
            "inputs": self.inputs,
            "summary": self.summary,
            "ranges": self.ranges,
            "sensitivity": list(self.sensitivity),
            "uncertain_inputs": list(self.uncertain_inputs),
            "line_items": [dataclasses.asdict(line) for line in self.line_items],
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "sources": [dataclasses.asdict(s) for s in self.sources],
            "detail": self.detail,
            "checks": [dataclasses.asdict(c) for c in self.checks],
        }

