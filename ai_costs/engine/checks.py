"""Budget checks: compare a report's headline metrics with limits (pure; the CLI sets the exit code)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ai_costs.engine.uncertainty import QUANTILES
from ai_costs.errors import InvalidInput
from ai_costs.models.report import Check, Report
from ai_costs.units import parse_quantity


def metrics(report: Report) -> dict[str, float | None]:
    """The numeric headline metrics of a report. compare-gpus: those of its best row."""
    summary: Mapping[str, Any] = report.summary
    if report.command == "compare-gpus":
        from ai_costs.engine.compare import NOT_METRICS

        rows = summary.get("rows") or []
        best = next((r for r in rows if r["gpu"] == summary.get("best")), rows[0] if rows else {})
        summary = {k: v for k, v in best.items() if k not in NOT_METRICS}  # 'message' may be None
    return {k: v for k, v in summary.items() if v is None or (isinstance(v, int | float) and not isinstance(v, bool))}


def parse_limits(items: list[str]) -> dict[str, float]:
    """'METRIC=VALUE' or 'METRIC@p95=VALUE' strings (VALUE like 1e6, 2.5M) into a mapping; malformed ones
    are input errors."""
    limits: dict[str, float] = {}
    for item in items:
        metric, sep, value = item.partition("=")
        if not sep or not metric.strip() or not value.strip():
            raise InvalidInput(f"--max {item!r}: expected METRIC=VALUE, e.g. --max total_usd=1M")
        try:
            limits[metric.strip()] = parse_quantity(value)
        except ValueError as exc:
            raise InvalidInput(f"--max {item!r}: {exc}") from None
        if not math.isfinite(limits[metric.strip()]) or limits[metric.strip()] < 0:
            raise InvalidInput(f"--max {item!r}: a limit is a finite number >= 0")
    return limits


def ranges_of_report(report: Report) -> Mapping[str, Mapping[str, float | None]]:
    """The p5/p50/p95 of each ranged metric. compare-gpus: those of its best row."""
    if report.command == "compare-gpus":
        rows = report.summary.get("rows") or []
        best = next((r for r in rows if r["gpu"] == report.summary.get("best")), None)
        return (best or {}).get("ranges") or {}
    return report.ranges


def check_limits(report: Report, limits: Mapping[str, float]) -> tuple[Check, ...]:
    """One Check per limit. `METRIC` limits the central value, `METRIC@p95` (or @p5, @p50) a quantile of
    its range. An unknown metric or quantile is an input error listing the valid ones; a value the
    estimate could not compute (unpriced, or a crossover beyond the horizon: null) fails, since the budget
    cannot be shown to hold."""
    available = metrics(report)
    ranges = ranges_of_report(report)
    values: dict[str, float | None] = {}
    unknown = [m for m in limits if m.partition("@")[0] not in available]
    if unknown:
        raise InvalidInput(
            f"unknown metric {', '.join(repr(m) for m in unknown)} for {report.command}; "
            f"valid metrics: {', '.join(available)}", code="unknown_metric")
    for m in limits:
        metric, at, quantile = m.partition("@")
        if not at:
            values[m] = available[m]
            continue
        if quantile not in QUANTILES:
            raise InvalidInput(f"unknown quantile {quantile!r} in {m!r}: use {metric}@p5, {metric}@p50 or "
                               f"{metric}@p95", code="unknown_quantile")
        if metric not in ranges:
            if not ranges and "ranges_method" not in report.detail:
                raise InvalidInput(f"{m!r} needs the ranges, which --no-ranges turned off", code="no_range")
            have = ", ".join(ranges) or "none"
            raise InvalidInput(f"{m!r}: {metric} has no range in this estimate; metrics with a range: {have}",
                               code="no_range")
        values[m] = ranges[metric][quantile]
    return tuple(
        Check(metric=m, limit=limit, value=values[m], ok=values[m] is not None and float(values[m]) <= limit)  # type: ignore[arg-type]
        for m, limit in limits.items()
    )
