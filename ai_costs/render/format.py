"""Number formatting for people (tables, markdown): units from the key names; rounding happens only here."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ai_costs.models.report import Report

LABELS = {
    "total_usd": "Total cost",
    "compute_usd": "Compute cost",
    "energy_usd": "Energy cost",
    "gpu_hours": "Accelerator-hours",
    "wall_clock_days": "Wall-clock",
    "gpus": "Accelerators",
    "training_flops": "Training FLOPs",
    "mfu": "MFU",
    "kwh": "Energy",
    "co2_kg": "CO2",
    "min_gpus_to_fit": "Fewest that fit",
    "usd_per_request": "Per request",
    "usd_per_day": "Per day",
    "usd_per_month": "Per month (30.4 days)",
    "usd_per_year": "Per year",
    "usd_per_million_input_tokens": "Per 1M input tokens",
    "usd_per_million_output_tokens": "Per 1M output tokens",
    "usd_per_million_tokens": "Per 1M tokens (blended)",
    "tokens_per_day": "Tokens per day",
    "replicas": "Replicas",
    "output_tokens_per_second": "Output tokens/s (fleet)",
    "output_tokens_per_second_per_gpu": "Output tokens/s per GPU",
    "ttft_seconds": "Time to first token",
    "tpot_seconds": "Time per output token",
    "utilization": "Utilization (average)",
    "kwh_per_day": "Energy per day",
    "co2_kg_per_day": "CO2 per day",
}


def fmt_usd(value: float | None) -> str:
    if value is None:
        return "unpriced"
    if math.isnan(value):
        return "n/a"
    if value == 0:
        return "$0"
    sign, v = ("-" if value < 0 else ""), abs(value)
    if math.isinf(v):
        return f"{sign}unbounded"
    if v >= 1e15:  # a billion millions: beyond any real budget, in powers of ten
        text = f"{v:.3g}"
    elif v >= 1e6:
        text = f"{v / 1e6:,.2f}M"
    elif v >= 100:
        text = f"{v:,.0f}"
    elif v >= 0.01:
        text = f"{v:,.2f}"
    elif v >= 1e-6:  # three significant digits in plain decimals: $0.00009, $0.000123
        text = f"{v:.{2 - math.floor(math.log10(v))}f}".rstrip("0")
    else:
        text = f"{v:.2e}"
    return f"{sign}${text}"


def fmt_change(key: str, delta: float | None) -> str:
    """A change with its sign: '+$1.20M', '-3.0 days', '0'."""
    if delta is None:
        return "n/a"
    if delta == 0:
        return "0"
    return ("+" if delta > 0 else "-") + fmt_value(key, abs(delta))


def fmt_pct(value: float | None) -> str:
    return "n/a" if value is None else "0%" if value == 0 else f"{value:+.1f}%"


def fmt_count(value: float) -> str:
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= limit:
            return f"{value / limit:,.2f}{suffix}"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def fmt_value(key: str, value: Any) -> str:
    """Format a summary value by the unit in its key (the JSON keeps unrounded numbers); a quantile
    limit's key (`total_usd@p95`) is formatted as its metric."""
    key = key.partition("@")[0]
    if value is None:
        return "unpriced" if key.endswith("usd") else "n/a"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "n/a"
    if key.endswith("_usd") or key.startswith("usd_"):
        return fmt_usd(value)
    if key == "mfu" or key in {"utilization", "inference_share"}:
        return f"{value:.1%}"
    if key.endswith("flops"):
        return f"{value:.3g}"
    if key.endswith("_days"):
        return f"{value:,.1f} days"
    if "kwh" in key:
        return _energy(value)
    if key.startswith("co2_kg"):
        return f"{value / 1000:,.1f} t" if value >= 1000 else f"{value:,.1f} kg"
    if key.endswith("seconds"):
        return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"
    return fmt_count(value)


def _energy(kwh: float) -> str:
    if kwh >= 1e6:
        return f"{kwh / 1e6:,.2f} GWh"
    if kwh >= 1e3:
        return f"{kwh / 1e3:,.1f} MWh"
    return f"{kwh:,.1f} kWh"


def title(report: Report) -> str:
    """A one-line heading naming what was estimated."""
    i = report.inputs
    if report.command == "train":
        what = i.get("model") or (f"{fmt_count(i['params'])} params" if i.get("params") else "training run")
        count = f"{i['gpus']:,} x " if i.get("gpus") else ""
        return f"Training estimate: {what} ({i.get('method')}) on {count}{i.get('gpu')}"
    if report.command == "infer" and i.get("deployment") == "api":
        return f"Inference estimate: {i.get('api')} API"
    if report.command == "infer":
        return (f"Inference estimate: {i.get('model')} ({i.get('precision')}) on replicas of "
                f"{i.get('gpus')} x {i.get('gpu')} ({i.get('parallelism')}), batch {i.get('batch_size')}")
    return f"{report.command} estimate"


def fmt_bound(key: str, value: float | None) -> str:
    """A metric value as one end of a range or in a sensitivity listing; a crossover beyond the
    horizon (null) is 'never'."""
    if value is None:
        return "never" if key.startswith("crossover") else "n/a"
    if key == "crossover_months":
        return f"{value:,.2f} months"
    if key == "crossover_tokens_per_day":
        return f"{fmt_count(value)} tokens/day"
    return fmt_value(key, value)


def _joined(a: str, b: str, units: tuple[str, ...]) -> str:
    """'a-b' with a unit both end with written once: ('42.0 days', '146.6 days') -> '42.0-146.6 days'."""
    unit = next((u for u in units if a.endswith(u) and b.endswith(u)), "")
    return f"{a.removesuffix(unit) if unit else a}-{b}"


def fmt_range(key: str, low: float | None, high: float | None) -> str:
    """'$53.28M-$347.67M', '42.6-146.8 days': p5-p95, the shared unit written once."""
    return _joined(fmt_bound(key, low), fmt_bound(key, high),
                   (" days", " ms", " s", " GWh", " MWh", " kWh", " t", " kg", " months", " tokens/day"))


EDGE_MARK = "†"
EDGE_NOTE = (f"{EDGE_MARK} outside its own p5-p95 range: it rests on a default at the edge of an input's range "
             "(e.g. flat prices), or on whole replicas rounded up")


def outside_range(report: Report, key: str) -> bool:
    """Whether a summary metric's central value lies outside its own p5-p95 (a default at the edge of an
    input's range, e.g. flat prices in breakeven)."""
    r, value = report.ranges.get(key), report.summary.get(key)
    low, high = (r or {}).get("p5"), (r or {}).get("p95")
    if low is None or high is None or not isinstance(value, int | float):
        return False
    slack = 1e-9 * max(abs(value), 1e-300)
    return not low - slack <= value <= high + slack


def shown_range(report: Report, key: str) -> str:
    """The p5-p95 range of a summary metric as printed beside it, or '' when it has none (or none visible)."""
    r = report.ranges.get(key)
    if not r:
        return ""
    low, high = fmt_bound(key, r["p5"]), fmt_bound(key, r["p95"])
    return "" if low == high else f"({fmt_range(key, r['p5'], r['p95'])})"


def marked(report: Report, key: str, shown: str) -> str:
    """`shown` (a summary value as printed) with EDGE_MARK when it lies outside its visible range."""
    return f"{shown}{EDGE_MARK}" if outside_range(report, key) and shown_range(report, key) else shown


def edge_note(report: Report, keys: Iterable[str]) -> str | None:
    """The footnote for EDGE_MARK, when one of `keys` carries it."""
    return EDGE_NOTE if any(outside_range(report, k) and shown_range(report, k) for k in keys) else None


_INPUT_FORMATS = {
    "USD/GPU-hour": lambda v: f"{fmt_usd(v)}/GPU-hour",
    "MFU": lambda v: f"MFU {v:.1%}",
    "USD/kWh": lambda v: f"${v:.3f}/kWh",
    "gCO2/kWh": lambda v: f"{v:,.0f} g/kWh",
    "tokens per call": lambda v: f"{fmt_count(v)} tokens",
    "fraction per year": lambda v: f"{v:.0%}/year",
    "x modelled speed": lambda v: f"{v:.2f}x speed",
}


def fmt_input(unit: str, value: float) -> str:
    """An uncertain input's value in its unit, e.g. '$2.96/GPU-hour', 'MFU 19.3%', '1.10'."""
    return _INPUT_FORMATS.get(unit, lambda v: f"{v:.3g}")(value)


def fmt_input_range(unit: str, low: float, high: float) -> str:
    """An input's p5-p95 with its unit once: '$2.96-$10.49/GPU-hour', 'MFU 19.3%-67.3%'."""
    a, b = fmt_input(unit, low), fmt_input(unit, high)
    if a.startswith("MFU ") and b.startswith("MFU "):
        b = b.removeprefix("MFU ")
    return _joined(a, b, ("/GPU-hour", "/kWh", " g/kWh", " tokens", "/year", "x speed"))
