"""Training and fine-tuning: FLOPs -> accelerator-hours (MFU) -> time, cost, energy, memory fit."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine.common import accelerator_cost
from ai_costs.engine.flops import attention_training_flops, dense_training_flops
from ai_costs.engine.memory import training_memory
from ai_costs.engine.sources import SourceList
from ai_costs.engine.utilization import Z_P95, is_moe, training_utilization
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, Catalog, ModelSpec
from ai_costs.models.report import CostLine, Report
from ai_costs.models.scenario import TrainScenario
from ai_costs.units import HOURS_PER_DAY, SECONDS_PER_HOUR, TERA

TRAIN_SUMMARY_KEYS = (
    "total_usd", "compute_usd", "energy_usd", "gpu_hours", "wall_clock_days", "gpus",
    "training_flops", "mfu", "kwh", "co2_kg", "min_gpus_to_fit",
)


def peak_flops(accel: Accelerator, precision: str) -> float:
    """Dense peak in FLOP/s at `precision`; an error listing the published precisions otherwise."""
    tflops = accel.peak_tflops.get(precision)  # type: ignore[call-overload]
    if tflops is None:
        have = ", ".join(sorted(accel.peak_tflops)) or "none published"
        raise InvalidInput(
            f"{accel.id} has no published dense {precision} peak; precisions with a peak: {have}",
            code="unsupported_precision",
        )
    return float(tflops) * TERA


def estimate_training(scenario: TrainScenario, catalog: Catalog, *, today: dt.date | None = None) -> Report:
    """Estimate a training or fine-tuning run. Pure: no I/O; every default is reported in `inputs`."""
    today = today or dt.date.today()
    src = SourceList(today)
    assumptions: list[str] = []
    warnings: list[str] = []

    accel = catalog.accelerator(scenario.gpu or d.DEFAULT_GPU)
    if scenario.gpu is None:
        assumptions.append(f"accelerator not given: {accel.id} (--gpu to choose)")
    src.add("accelerator", accel.id, accel.source, accel.as_of)
    model: ModelSpec | None = catalog.model(scenario.model) if scenario.model else None
    if model is not None:
        src.add("model", model.id, model.source, model.as_of)

    method = scenario.method or "pretrain"
    epochs = scenario.epochs or 1.0
    precision = scenario.precision or d.DEFAULT_TRAIN_PRECISION
    peak = peak_flops(accel, precision)

    params = scenario.params or (model.total_params if model else None)
    active = scenario.active_params or (
        model.active_params if model and scenario.params is None else params
    )
    moe = is_moe(active, params)
    seq_len = scenario.seq_len or (model.train_seq_len if model else None)
    if model is not None and seq_len is None:
        seq_len = min(model.context_length, d.DEFAULT_SEQ_LEN)
        assumptions.append(f"sequence length not published for {model.id}: {seq_len} assumed (--seq-len)")

    if scenario.mfu is not None:
        mfu = scenario.mfu
    else:
        util = training_utilization(accel, precision, active_params=active, total_params=params)
        mfu = util.value
        spread = math.exp(Z_P95 * util.log_sigma)
        assumptions.append(
            f"MFU {mfu:.3f}: calibrated on published runs ({', '.join(util.drivers)}); such runs span "
            f"{mfu / spread:.3f}-{mfu * spread:.3f} (p5-p95); --mfu to override"
        )
    achieved = peak * mfu  # useful FLOP/s per accelerator

    # --- compute --------------------------------------------------------------------------------
    tokens: float | None = None
    attention = 0.0
    flops_given = scenario.flops is not None
    if scenario.gpu_hours is not None:
        final_gpu_hours = scenario.gpu_hours
        flops = final_gpu_hours * SECONDS_PER_HOUR * achieved
        assumptions.append("training FLOPs derived from the given GPU-hours at the MFU above")
    elif scenario.flops is not None:
        flops = scenario.flops
        final_gpu_hours = flops / achieved / SECONDS_PER_HOUR
    else:
        if params is None or active is None:
            raise InvalidInput(
                "nothing to size the run: give --model or --params with --tokens, or --flops, or --gpu-hours"
            )
        tokens = _resolve_tokens(scenario, model, params, method, assumptions)
        flops = dense_training_flops(active, tokens * epochs, method)
        if model is not None and seq_len is not None:
            attention = attention_training_flops(model, seq_len, tokens * epochs)
            flops += attention
        else:
            assumptions.append("attention FLOPs not counted: no architecture (pass --model to include them)")
        final_gpu_hours = flops / achieved / SECONDS_PER_HOUR

    # --- memory fit and accelerator count ---------------------------------------------------------
    mem = None
    if params is not None:
        mem = training_memory(params, method, accel.memory_gb, model, seq_len or d.DEFAULT_SEQ_LEN)
        if mem.activation_bytes_per_gpu is None:
            assumptions.append("memory fit counts model states only: activations need the architecture (--model)")
    min_gpus = mem.min_gpus if mem else None
    if mem is not None and min_gpus is None:
        raise InvalidInput(
            f"one {accel.id} cannot hold the activations of a single {seq_len}-token sequence even with "
            f"{d.MAX_TENSOR_PARALLEL}-way tensor parallelism; choose an accelerator with more memory or --seq-len"
        )

    gpus = scenario.gpus
    if scenario.days is not None:
        needed = math.ceil(final_gpu_hours / (scenario.days * HOURS_PER_DAY))
        gpus = max(needed, min_gpus or 1)
        if min_gpus and min_gpus > needed:
            assumptions.append(
                f"{needed} accelerators would finish in {scenario.days:g} days, but {min_gpus} are needed to "
                "hold the model; using the larger count"
            )
    elif gpus is None and min_gpus is not None:
        gpus = min_gpus
        warnings.append(
            f"no --gpus or --days given: using the fewest accelerators that fit ({gpus}); "
            "the wall-clock time follows from that count"
        )
    elif gpus is None:
        # No parameter count, so no memory fit: cost and accelerator-hours do not depend on the count.
        warnings.append("no --gpus or --days given: the wall-clock time is not estimated")
    if gpus is not None and min_gpus is not None and gpus < min_gpus:
        warnings.append(
            f"{gpus} x {accel.id} cannot hold this run ({_gb(mem.state_bytes)} of weights, gradients and "  # type: ignore[union-attr]
            f"optimizer states): at least {min_gpus} are needed"
        )
    wall_clock_days = final_gpu_hours / gpus / HOURS_PER_DAY if gpus else None

    # --- overhead, pricing, energy ----------------------------------------------------------------
    overhead = scenario.overhead or 1.0
    gpu_hours = final_gpu_hours * overhead
    cost = accelerator_cost(scenario, accel, gpu_hours, "training_power_fraction", catalog, src, assumptions,
                            warnings)
    price, kwh, co2 = cost.price, cost.kwh, cost.co2_kg
    compute_usd, energy_usd, total_usd = cost.compute_usd, cost.energy_usd, cost.total_usd

    hours_are_assumed = scenario.gpu_hours is None
    lines = [
        CostLine(
            name=f"{accel.id} accelerator-hours ({price.label})"
            + (f", x{overhead:g} overhead" if overhead != 1 else ""),
            quantity=gpu_hours, unit="GPU-hour", usd_per_unit=price.usd_per_gpu_hour, usd=compute_usd,
            assumption=hours_are_assumed or price.chosen_by_default,
        ),
    ]
    if kwh is not None:
        lines.append(CostLine(
            name="energy" + ("" if price.owned else " (included in the rental price)"),
            quantity=kwh, unit="kWh", usd_per_unit=cost.usd_per_kwh if price.owned else 0.0, usd=energy_usd,
            assumption=True,
        ))

    summary: dict[str, Any] = {
        "total_usd": total_usd,
        "compute_usd": compute_usd,
        "energy_usd": energy_usd,
        "gpu_hours": gpu_hours,
        "wall_clock_days": wall_clock_days,
        "gpus": gpus,
        "training_flops": flops,
        "mfu": mfu,
        "kwh": kwh,
        "co2_kg": co2,
        "min_gpus_to_fit": min_gpus,
    }
    inputs = {
        "kind": "train",
        "model": model.id if model else None,
        "params": params,
        "active_params": active,
        "tokens": tokens,
        "seq_len": seq_len,
        "method": method,
        "epochs": epochs,
        "flops": scenario.flops if flops_given else None,
        "gpu_hours": scenario.gpu_hours,
        "gpu": accel.id,
        "gpus": gpus,
        "days": scenario.days,
        "precision": precision,
        "mfu": mfu,
        "pricing": price.pricing,
        "cloud": price.offer.provider if price.offer else None,
        "usd_per_gpu_hour": price.usd_per_gpu_hour,
        "purchase_usd_per_gpu": price.purchase_usd_per_gpu,
        "lifetime_years": price.lifetime_years,
        "overhead": overhead,
        "pue": cost.pue,
        "usd_per_kwh": cost.usd_per_kwh,
        "grid_gco2_per_kwh": cost.grid_gco2_per_kwh,
        "training_power_fraction": cost.power_fraction,
    }
    detail: dict[str, Any] = {
        "final_run_gpu_hours": final_gpu_hours,
        "attention_flops": attention,
        "peak_tflops": peak / TERA,
        "achieved_tflops_per_gpu": achieved / TERA,
        "moe": moe,
        "memory": None if mem is None else {
            "state_gb": mem.state_bytes / 1e9,
            "activations_gb_per_gpu": None if mem.activation_bytes_per_gpu is None
            else mem.activation_bytes_per_gpu / 1e9,
            "tensor_parallel": mem.tensor_parallel,
            "usable_gb_per_gpu": mem.usable_bytes_per_gpu / 1e9,
        },
        "training_seconds": None if gpus is None else flops / (gpus * achieved),
    }
    if scenario.description:
        detail["description"] = scenario.description
    if scenario.note:
        detail["note"] = scenario.note
    return Report(
        command="train", inputs=inputs, summary=summary, line_items=tuple(lines),
        assumptions=tuple(assumptions), warnings=tuple(warnings + src.stale_warnings()),
        sources=src.refs(), detail=detail,
    )


def _resolve_tokens(
    scenario: TrainScenario, model: ModelSpec | None, params: float, method: str, assumptions: list[str]
) -> float:
    if scenario.tokens == "chinchilla":
        tokens = d.CHINCHILLA_TOKENS_PER_PARAM * params
        assumptions.append(f"tokens: Chinchilla-optimal {d.CHINCHILLA_TOKENS_PER_PARAM:g} x params")
        return tokens
    if isinstance(scenario.tokens, float | int):
        return float(scenario.tokens)
    if model is not None and model.training_tokens and method == "pretrain":
        assumptions.append(f"tokens: {model.id}'s reported pre-training tokens (--tokens to change)")
        return model.training_tokens
    raise InvalidInput("give --tokens N (or 'chinchilla') to size the run, or --flops, or --gpu-hours")


def _gb(nbytes: float) -> str:
    return f"{nbytes / 1e9:,.0f} GB"

