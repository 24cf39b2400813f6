"""Side-by-side deltas of two reports' summary metrics (pure)."""

from __future__ import annotations

from typing import Any

from ai_costs.engine.checks import metrics
from ai_costs.models.report import Report


def summary_deltas(base: Report, head: Report) -> list[dict[str, Any]]:
    """Per metric: base, head, absolute and percentage change (None when either side is unknown or the
    base is zero)."""
    a, b = metrics(base), metrics(head)
    rows = []
    for key in dict.fromkeys([*a, *b]):
        x, y = a.get(key), b.get(key)
        delta = None if x is None or y is None else y - x
        pct = None if delta is None or not x else delta / abs(x) * 100.0
        rows.append({"metric": key, "base": x, "head": y, "delta": delta, "pct": pct})
    return rows


def cost_increases(rows: list[dict[str, Any]], max_increase_pct: float) -> list[dict[str, Any]]:
    """Cost metrics (USD) whose increase exceeds the limit, in percent."""
    return [r for r in rows if "usd" in r["metric"] and r["pct"] is not None and r["pct"] > max_increase_pct]
