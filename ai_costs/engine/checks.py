"""Budget checks: compare a report's headline metrics with limits (pure; the CLI sets the exit code)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ai_costs.errors import InvalidInput
from ai_costs.models.report import Check, Report
from ai_costs.units import parse_quantity


def metrics(report: Report) -> dict[str, float | None]:
    """The numeric headline metrics of a report. compare-gpus: those of its best row."""
    summary: Mapping[str, Any] = report.summary
    if report.command == "compare-gpus":
        from ai_costs.engine.compare import TEXT_ROW_KEYS

        rows = summary.get("rows") or []
        best = next((r for r in rows if r["gpu"] == summary.get("best")), rows[0] if rows else {})
        summary = {k: v for k, v in best.items() if k not in TEXT_ROW_KEYS}  # 'message' may be None
    return {k: v for k, v in summary.items() if v is None or (isinstance(v, int | float) and not isinstance(v, bool))}


def parse_limits(items: list[str]) -> dict[str, float]:
    """'METRIC=VALUE' strings (VALUE like 1e6, 2.5M) into a mapping; malformed ones are input errors."""
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


def check_limits(report: Report, limits: Mapping[str, float]) -> tuple[Check, ...]:
    """One Check per limit. An unknown metric is an input error listing the valid ones; a metric the
    estimate could not compute (unpriced: null) fails, since the budget cannot be shown to hold."""
    available = metrics(report)
    unknown = [m for m in limits if m not in available]
    if unknown:
        raise InvalidInput(
            f"unknown metric {', '.join(repr(m) for m in unknown)} for {report.command}; "
            f"valid metrics: {', '.join(available)}", code="unknown_metric")
    return tuple(
        Check(metric=m, limit=limit, value=available[m],
              ok=available[m] is not None and float(available[m]) <= limit)  # type: ignore[arg-type]
        for m, limit in limits.items()
    )
