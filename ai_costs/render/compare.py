"""The compare-gpus ranking as a table that fits 80 columns (--wide shows every column).

The p5-p95 range of the cost column needs about 20 more columns: it is shown from 100 columns on and
with --wide."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from ai_costs.models.report import Report
from ai_costs.render.console import console as make_console
from ai_costs.render.console import fitted_table
from ai_costs.render.format import fmt_count, fmt_range, fmt_usd, fmt_value
from ai_costs.render.table import print_assumptions, print_checks

COLUMNS = {
    "train": [("gpu", "accelerator"), ("status", "state"), ("gpus", "count"), ("wall_clock_days", "days"),
              ("total_usd", "total"), ("tokens_per_usd", "tok/$"), ("pareto", "pareto")],
    "infer": [("gpu", "accelerator"), ("status", "state"), ("gpus", "count"),
              ("output_tokens_per_second_per_gpu", "tok/s/GPU"), ("usd_per_million_tokens", "$/1M tok"),
              ("usd_per_month", "per month"), ("pareto", "pareto")],
}
WIDE = {
    "train": [("min_gpus_to_fit", "fewest"), ("gpu_hours", "GPU-h"), ("kwh", "energy"), ("co2_kg", "CO2"),
              ("usd_per_gpu_hour", "$/GPU-h"), ("price", "price"), ("price_as_of", "as of")],
    "infer": [("min_gpus_to_fit", "fewest"), ("parallelism", "layout"), ("replicas", "replicas"), ("tpot_seconds", "TPOT"),
              ("tokens_per_usd", "tok/$"), ("kwh_per_day", "kWh/day"), ("usd_per_gpu_hour", "$/GPU-h"),
              ("price", "price"), ("price_as_of", "as of")],
}


STATES = {"ok": "ok", "unpriced": "no price", "does_not_fit": "no fit", "unsupported": "no peak",
          "assumed_price": "assumed", "misses_target": "misses", "error": "error"}


RANGE_FROM_WIDTH = 100  # the cost range column needs this many columns


def _cell(key: str, row: dict[str, Any]) -> str:
    if key.endswith(" range"):
        metric = key.removesuffix(" range")
        r = (row.get("ranges") or {}).get(metric)
        return fmt_range(metric, r["p5"], r["p95"]) if r and r["p5"] != r["p95"] else ""
    value = row.get(key)
    if key == "status":
        return STATES.get(str(value), str(value))
    if key == "pareto":
        return "*" if value else ""
    if key == "price" and value and value.count("/") == 2:
        provider, _, pricing = value.split("/")
        return f"{provider} {pricing}"  # the accelerator is already the row
    if key in {"gpu", "status", "price", "price_as_of", "parallelism"}:
        return "" if value is None else str(value).replace("_", " ")
    if value is None:
        priced_key = key.endswith("usd") or key.startswith("usd")
        return "unpriced" if priced_key and row.get("status") == "unpriced" else ""
    if key == "tokens_per_usd":
        return fmt_count(value)
    if key == "wall_clock_days":
        return f"{value:,.1f}"  # the header says days
    if key.startswith("usd") or key.endswith("usd"):
        return fmt_usd(value)
    return fmt_value(key, value)


def print_comparison(report: Report, *, wide: bool = False, console: Console | None = None) -> None:
    if console is None:
        # --wide asks for every column: give the table the room it needs rather than folding cells.
        console = make_console(240 if wide else None)
    task = report.detail["task"]
    rows = report.summary["rows"]
    console.print(f"Accelerators for this {task} job, by {report.inputs['sort']} "
                  f"({'descending' if report.inputs['descending'] else 'ascending'})", style="bold")
    columns = list(COLUMNS[task])
    cost = report.detail["cost_metric"]
    if (wide or console.width >= RANGE_FROM_WIDTH) and any(r.get("ranges") for r in rows):
        at = next(i for i, (key, _) in enumerate(columns) if key == cost) + 1
        columns.insert(at, (f"{cost} range", "p5-p95"))
    columns += WIDE[task] if wide else []
    text = {"gpu", "status", "price"}
    console.print(fitted_table([label for _, label in columns], [[_cell(key, row) for key, _ in columns] for row in rows],
                               numeric=[key not in text for key, _ in columns], console=console))
    console.print(f"Best: {report.summary['best'] or 'none priced'}. pareto *: no other row is both cheaper and "
                  "faster. States: no price (no sourced price), no fit, no peak (precision not published), "
                  "assumed (priced only by a rate from a published estimate), misses (a latency target cannot be met). "
                  "--wide adds prices, sources and (below 100 columns) the p5-p95 range of the cost.")
    print_assumptions(report, console)
    print_checks(report, console)
