"""Default training utilization: what share of the dense peak a pre-training run turns into model FLOPs.

A log-linear model fitted on published runs (docs/methodology.md section 3; coefficients, reasons and
the fit in engine/defaults.py; data and fit in tests/data/calibration_training.csv and
scripts/fit_training_utilization.py):

    ln u = base + intensity * x + intensity_x_size * x * s + moe * [MoE] + fp8 * [FP8 or FP4]

where x = ln(compute-to-bandwidth ratio / A100's), clamped to the calibrated 0..H100 span, and
s = ln(active params / 10B), clamped to the calibrated 1B..540B span. u is measured against
6 x active params x tokens and the reported GPU-hours, so it absorbs what those hours include
(restarts, evaluation, attention) on average; the spread of what they include is in `log_sigma`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.models.catalog import Accelerator

LOW_PRECISION = ("fp8", "fp4")
Z_P95 = 1.6448536  # standard normal 95th percentile: p5..p95 = value / exp(z sigma) .. value * exp(z sigma)


@dataclass(frozen=True)
class Utilization:
    """A default utilization: the central value, the log-normal spread of reported/estimated
    GPU-hours for such a run, and one line per factor that set them."""

    value: float
    log_sigma: float
    drivers: tuple[str, ...]


def compute_intensity(accel: Accelerator) -> float | None:
    """Dense 16-bit peak FLOP/s per byte/s of memory bandwidth; None without a 16-bit peak."""
    peak = accel.peak_tflops.get("bf16") or accel.peak_tflops.get("fp16")
    return None if peak is None else peak * 1e12 / (accel.memory_bandwidth_gb_per_s * 1e9)


def terms(accel: Accelerator, active_params: float | None) -> tuple[float, float]:
    """(x, s): ln(FLOP per byte of bandwidth / A100's) and ln(active params / reference), both clamped
    to the published runs' span; s is 0 when the size is unknown."""
    ratio = compute_intensity(accel)
    ref, top = d.TRAIN_UTIL_INTENSITY_RANGE
    x_max = math.log(top / ref)
    x = x_max if ratio is None else min(max(math.log(ratio / ref), 0.0), x_max)
    if active_params is None:
        return x, 0.0
    lo, hi = d.TRAIN_UTIL_SIZE_RANGE
    return x, math.log(min(max(active_params, lo), hi) / d.TRAIN_UTIL_SIZE_REF)


def design_row(accel: Accelerator, precision: str, active_params: float | None, moe: bool) -> tuple[float, ...]:
    """The model's regressors for one run, in the order of d.TRAIN_UTIL_COEF (the fitting script's too)."""
    x, s = terms(accel, active_params)
    return (1.0, x, x * s, float(moe), float(precision in LOW_PRECISION))


def is_moe(active_params: float | None, total_params: float | None) -> bool:
    """Mixture of experts: fewer than 95% of the parameters compute on each token."""
    return bool(active_params and total_params and active_params < total_params * 0.95)


def training_utilization(
    accel: Accelerator, precision: str, *, active_params: float | None, total_params: float | None
) -> Utilization:
    """Calibrated default utilization of `accel`'s dense peak at `precision` (pure; see module doc)."""
    moe = is_moe(active_params, total_params)
    x, s = terms(accel, active_params)
    c = d.TRAIN_UTIL_COEF
    ln_u = sum(k * v for k, v in zip(c.values(), design_row(accel, precision, active_params, moe), strict=True))
    value = math.exp(ln_u) * (d.FP4_OVER_FP8_UTILIZATION if precision == "fp4" else 1.0)

    drivers = [f"A100-class base {math.exp(c['base']):.2f}"]
    if x > 1e-6:  # above A100's ratio
        ratio = compute_intensity(accel)
        what = f"{ratio:.0f} FLOP/byte" if ratio else "no 16-bit peak"
        drivers.append(f"{accel.id} {what} x{math.exp(c['intensity'] * x):.2f}")
        if active_params is not None:
            size_factor = math.exp(c["intensity_x_size"] * x * s)
            drivers.append(f"{active_params / 1e9:,.3g}B active x{size_factor:.2f}")
    if moe:
        drivers.append(f"MoE x{math.exp(c['moe']):.2f}")
    if precision in LOW_PRECISION:
        factor = math.exp(c["fp8"]) * (d.FP4_OVER_FP8_UTILIZATION if precision == "fp4" else 1.0)
        drivers.append(f"{precision.upper()} x{factor:.2f} of its peak")

    extra: list[tuple[str, float]] = []
    if accel.id not in d.TRAIN_UTIL_CALIBRATED_ACCELERATORS:
        extra.append((f"no published run on {accel.id}", d.TRAIN_UTIL_EXTRA_LOG_SIGMA["accelerator"]))
    if precision == "fp4":
        extra.append(("no published FP4 pre-training run", d.TRAIN_UTIL_EXTRA_LOG_SIGMA["fp4"]))
    if active_params is None:
        extra.append(("model size not given", d.TRAIN_UTIL_EXTRA_LOG_SIGMA["size"]))
    elif not d.TRAIN_UTIL_SIZE_RANGE[0] <= active_params <= d.TRAIN_UTIL_SIZE_RANGE[1]:
        extra.append(("model size outside the published runs", d.TRAIN_UTIL_EXTRA_LOG_SIGMA["size"]))
    drivers += [f"range widened: {why}" for why, _ in extra]
    log_sigma = math.sqrt(d.TRAIN_UTIL_LOG_SIGMA**2 + sum(v * v for _, v in extra))
    return Utilization(value, log_sigma, tuple(drivers))
