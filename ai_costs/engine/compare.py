"""Every accelerator in the catalog, evaluated for one train or infer job with the same engine code.

For serving, each accelerator gets the layout `infer` would choose (the cheapest per token of those that
fit, engine/layouts.py), so a row equals `ai-costs infer ... --gpu ID` exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ai_costs.engine.infer import inference_model
from ai_costs.engine.train import training_model
from ai_costs.engine.uncertainty import Ranges, Response, ranges_of, with_spreads
from ai_costs.errors import AiCostsError, InvalidInput, UnknownId
from ai_costs.models.catalog import Accelerator, Catalog
from ai_costs.models.report import ROW_RANGE_KEYS, Report
from ai_costs.models.scenario import InferScenario, TrainScenario
from ai_costs.units import SECONDS_PER_HOUR

HIGHER_IS_BETTER = frozenset({"output_tokens_per_second_per_gpu", "tokens_per_usd"})
# The cost metric and the speed metric of each task; (key, higher_is_better).
COST = {"train": ("total_usd", False), "infer": ("usd_per_million_tokens", False)}
SPEED = {"train": ("wall_clock_days", False), "infer": ("output_tokens_per_second_per_gpu", True)}
ROW_KEYS = {
    "train": ("gpu", "vendor", "status", "fits", "min_gpus_to_fit", "gpus", "wall_clock_days", "gpu_hours",
              "total_usd", "tokens_per_usd", "kwh", "co2_kg", "usd_per_gpu_hour", "price", "price_as_of",
              "pareto", "message", "ranges"),
    "infer": ("gpu", "vendor", "status", "fits", "min_gpus_to_fit", "gpus", "parallelism", "replicas",
              "output_tokens_per_second_per_gpu", "ttft_seconds", "tpot_seconds", "usd_per_million_tokens",
              "usd_per_month", "tokens_per_usd", "kwh_per_day", "co2_kg_per_day", "usd_per_gpu_hour", "price",
              "price_as_of", "pareto", "message", "ranges"),
}
Estimate = tuple[Report, Response]

# Row keys that are not metrics: text, and the ranges (a mapping of quantiles)
NOT_METRICS = frozenset({"gpu", "vendor", "status", "price", "price_as_of", "message", "ranges"})


def _row(task: str, accel: Accelerator, report: Report | None, error: AiCostsError | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_KEYS[task])
    row.update(gpu=accel.id, vendor=accel.vendor, pareto=False, ranges={})
    if report is None:
        assert error is not None
        status = {"does_not_fit": "does_not_fit", "unsupported_precision": "unsupported", "unpriced": "unpriced",
                  "latency_target": "misses_target"}.get(error.code, "error")
        row.update(status=status, fits=False, message=error.message)
        return row
    s, i = report.summary, report.inputs
    for key in ROW_KEYS[task]:
        if key in s and key != "ranges":
            row[key] = s[key]
    price = i.get("usd_per_gpu_hour")
    price_ref = next((src for src in report.sources if src.kind in {"cloud_price", "purchase_price"}), None)
    cost_key = COST[task][0]
    priced = s.get(cost_key) is not None
    if task == "train":
        row["min_gpus_to_fit"] = s["min_gpus_to_fit"]
        fits = s["min_gpus_to_fit"] is None or s["gpus"] is None or s["gpus"] >= s["min_gpus_to_fit"]
        tokens = i.get("tokens")
        row["tokens_per_usd"] = tokens * i["epochs"] / s["total_usd"] if tokens and priced and s["total_usd"] else None
    else:
        row["min_gpus_to_fit"] = report.detail.get("fewest_gpus_that_fit")
        row["gpus"] = i["gpus"]
        row["parallelism"] = i["parallelism"]
        fits = True
        row["tokens_per_usd"] = (s["output_tokens_per_second_per_gpu"] * SECONDS_PER_HOUR / price
                                 if priced and price else None)
    assumed = price_ref is not None and price_ref.id.endswith("/assumed")
    row.update(
        fits=fits,
        status=("assumed_price" if assumed else "ok" if priced else "unpriced") if fits else "does_not_fit",
        usd_per_gpu_hour=price,
        price=i.get("pricing") if price_ref is None else f"{price_ref.id}",
        price_as_of=None if price_ref is None else price_ref.as_of,
        message="; ".join(w for w in report.warnings if "over 18 months old" not in w) or None,
    )
    if i.get("pricing") == "given":
        row["price"] = "given"
    return row


def _selected(catalog: Catalog, only: Sequence[str]) -> list[Accelerator]:
    try:
        return [catalog.accelerator(a) for a in only]
    except UnknownId as exc:  # name the option the id came from
        raise UnknownId("accelerator (--only)", exc.given, exc.known, code=exc.code, listing=exc.listing) from None


def _row_ranges(task: str, response: Response, spreads: Mapping[str, float]) -> Ranges:
    """The ranges of a row's cost and speed metrics; a --spread applies where its input varies."""
    applicable = {k: f for k, f in spreads.items() if any(
        i.free and (i.name == k or i.name.rpartition(".")[2] == k) for i in response.inputs)}
    narrowed = dataclasses.replace(response, metrics=ROW_RANGE_KEYS[task], headline=None)
    return ranges_of(with_spreads(narrowed, applicable))


def mark_pareto(task: str, rows: list[dict[str, Any]]) -> None:
    """Flag the rows that no other row beats on both cost and speed (among rows that fit and are priced by
    a market offer, a given price or ownership; rates assumed in published estimates are left out)."""
    cost_key, _ = COST[task]
    speed_key, higher = SPEED[task]
    candidates = [r for r in rows if r["status"] == "ok" and r[speed_key] is not None]

    def speed(r: dict[str, Any]) -> float:
        return float(r[speed_key]) if higher else -float(r[speed_key])

    for r in candidates:
        r["pareto"] = not any(
            o is not r and o[cost_key] <= r[cost_key] and speed(o) >= speed(r)
            and (o[cost_key] < r[cost_key] or speed(o) > speed(r))
            for o in candidates
        )


def sort_rows(rows: list[dict[str, Any]], metric: str, descending: bool) -> list[dict[str, Any]]:
    """Rows with a value for `metric` first, in order; the rest (unpriced, unfit) after, by id."""
    have = [r for r in rows if r.get(metric) is not None]
    rest = [r for r in rows if r.get(metric) is None]
    have.sort(key=lambda r: (r[metric], r["gpu"]), reverse=descending)
    return have + sorted(rest, key=lambda r: r["gpu"])


def compare_gpus(
    scenario: TrainScenario | InferScenario,
    catalog: Catalog,
    *,
    only: Sequence[str] = (),
    vendor: str | None = None,
    sort: str | None = None,
    descending: bool | None = None,
    top: int | None = None,
    today: dt.date | None = None,
    ranges: bool = True,
    spreads: Mapping[str, float] | None = None,
) -> Report:
    """Run the scenario on every (selected) accelerator; rank, flag the Pareto front, pick the best.
    Each row carries the p5/p50/p95 of its cost and speed unless `ranges` is False."""
    task = "train" if isinstance(scenario, TrainScenario) else "infer"
    today = today or dt.date.today()
    spreads = spreads or {}
    if spreads and not ranges:
        raise InvalidInput("--spread widens a range: it cannot be combined with --no-ranges", code="no_ranges")
    accels = _selected(catalog, only) if only else list(catalog.accelerators)
    if vendor:
        accels = [a for a in accels if a.vendor == vendor.lower()]
    estimate: Callable[[Any], Estimate] = (
        (lambda s: training_model(s, catalog, today=today)) if task == "train"
        else (lambda s: inference_model(s, catalog, today=today))
    )
    rows = []
    row_ranges: dict[str, Ranges] = {}
    responses: list[Response] = []
    for accel in accels:
        try:
            (report, response), error = estimate(dataclasses.replace(scenario, gpu=accel.id)), None
        except AiCostsError as exc:
            report, response, error = None, None, exc
        row = _row(task, accel, report, error)
        if response is not None and ranges:
            responses.append(response)
            row_ranges[accel.id] = r = _row_ranges(task, response, spreads)
            row["ranges"] = r.ranges
        rows.append(row)
    if spreads and responses:
        # a --spread that widens nothing in any row names a pinned input (or one this task does not have)
        for key in spreads:
            if not any(i.free and (i.name == key or i.name.rpartition(".")[2] == key)
                       for r in responses for i in r.inputs):
                with_spreads(responses[0], {key: spreads[key]})  # raises the message naming why
    mark_pareto(task, rows)
    metric = sort or COST[task][0]
    if metric not in ROW_KEYS[task] or metric in NOT_METRICS:
        sortable = [k for k in ROW_KEYS[task] if k not in NOT_METRICS]
        raise InvalidInput(f"--sort {metric!r} is not a row metric; choose one of: {', '.join(sortable)}")
    if descending is None:
        descending = metric in HIGHER_IS_BETTER
    ranked = sort_rows(rows, metric, descending)
    if top is not None:
        ranked = ranked[:top]
    best = next((r["gpu"] for r in sort_rows(rows, COST[task][0], False) if r["status"] == "ok"), None)
    inputs = {"kind": task, **{k: v for k, v in dataclasses.asdict(scenario).items() if v is not None and k != "gpu"},
              "sort": metric, "descending": descending, "only": list(only), "vendor": vendor, "top": top}
    chosen = row_ranges.get(best or "")
    return Report(
        command="compare-gpus", inputs=inputs, summary={"best": best, "rows": ranked},
        ranges=chosen.ranges if chosen else {}, uncertain_inputs=chosen.inputs if chosen else (),
        assumptions=("each accelerator priced at its cheapest sourced offer unless --cloud, --pricing or "
                     "--usd-per-gpu-hour say otherwise; unpriced rows are never $0",),
        detail={"task": task, "cost_metric": COST[task][0], "speed_metric": SPEED[task][0],
                **({"ranges_method": "per row: " + "; ".join(sorted({r.method for r in row_ranges.values()}))}
                   if row_ranges else {})},
    )
