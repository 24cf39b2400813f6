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


@dataclass(frozen=True)
class Features:
    """The regressors of the model for one run (also used by the fitting script)."""

    intensity: float  # x: ln(FLOP per byte of memory bandwidth / A100's), clamped
    size: float  # s: ln(active params / reference), clamped; 0 when unknown
    moe: bool
    low_precision: bool

    def row(self) -> tuple[float, ...]:
        """The design-matrix row, in the order of d.TRAIN_UTIL_COEF."""
        return (1.0, self.intensity, self.intensity * self.size, float(self.moe), float(self.low_precision))


def compute_intensity(accel: Accelerator) -> float | None:
    """Dense 16-bit peak FLOP/s per byte/s of memory bandwidth; None without a 16-bit peak."""
    peak = accel.peak_tflops.get("bf16") or accel.peak_tflops.get("fp16")
    return None if peak is None else peak * 1e12 / (accel.memory_bandwidth_gb_per_s * 1e9)


def features(accel: Accelerator, precision: str, active_params: float | None, moe: bool) -> Features:
    ratio = compute_intensity(accel)
    ref, top = d.TRAIN_UTIL_INTENSITY_RANGE
    x_max = math.log(top / ref)
    x = x_max if ratio is None else min(max(math.log(ratio / ref), 0.0), x_max)
    s = 0.0
    if active_params is not None:
        lo, hi = d.TRAIN_UTIL_SIZE_RANGE
        s = math.log(min(max(active_params, lo), hi) / d.TRAIN_UTIL_SIZE_REF)
    return Features(x, s, moe, precision in LOW_PRECISION)


def is_moe(active_params: float | None, total_params: float | None) -> bool:
    """Mixture of experts: fewer than 95% of the parameters compute on each token."""
    return bool(active_params and total_params and active_params < total_params * 0.95)


def training_utilization(
    accel: Accelerator, precision: str, *, active_params: float | None, total_params: float | None
) -> Utilization:
    """Calibrated default utilization of `accel`'s dense peak at `precision` (pure; see module doc)."""
    moe = is_moe(active_params, total_params)
    f = features(accel, precision, active_params, moe)
    c = d.TRAIN_UTIL_COEF
    ln_u = sum(k * v for k, v in zip(c.values(), f.row(), strict=True))
    value = math.exp(ln_u) * (d.FP4_OVER_FP8_UTILIZATION if precision == "fp4" else 1.0)

    drivers = [f"A100-class base {math.exp(c['base']):.2f}"]
    if f.intensity:
        ratio = compute_intensity(accel)
        what = f"{ratio:.0f} FLOP/byte" if ratio else "no 16-bit peak"
        drivers.append(f"{accel.id} {what} x{math.exp(c['intensity'] * f.intensity):.2f}")
        if active_params is not None:
            size_factor = math.exp(c["intensity_x_size"] * f.intensity * f.size)
            drivers.append(f"{active_params / 1e9:,.3g}B active x{size_factor:.2f}")
    if moe:
        drivers.append(f"MoE x{math.exp(c['moe']):.2f}")
    if f.low_precision:
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
    log_sigma = math.sqrt(d.TRAIN_UTIL_LOG_SIGMA**2 + sum(s * s for _, s in extra))
    return Utilization(value, log_sigma, tuple(drivers))
