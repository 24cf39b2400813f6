"""Training and fine-tuning: FLOPs -> accelerator-hours (MFU) -> time, cost, energy, memory fit.

`estimate_training` runs named steps: resolve the job (what is trained, on what), the utilization,
the compute (FLOPs and accelerator-hours), the memory fit and accelerator count, then the money and
energy. The last step is a function of the uncertain inputs (utilization, price, energy figures), so
the summary and its ranges come from the same arithmetic (engine/uncertainty.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine.common import AcceleratorCost, accelerator_cost, cost_inputs, price_hours, total
from ai_costs.engine.flops import attention_training_flops, dense_training_flops
from ai_costs.engine.memory import TrainingMemory, training_memory
from ai_costs.engine.sources import SourceList
from ai_costs.engine.uncertainty import Z95, LogNormal, Response, UncertainInput, attach, pinned
from ai_costs.engine.utilization import Utilization, is_moe, training_utilization
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, Catalog, ModelSpec
from ai_costs.models.report import RANGE_KEYS, CostLine, Report
from ai_costs.models.scenario import TrainScenario
from ai_costs.units import HOURS_PER_DAY, SECONDS_PER_HOUR, TERA

TRAIN_SUMMARY_KEYS = (
    "total_usd", "compute_usd", "energy_usd", "gpu_hours", "wall_clock_days", "gpus",
    "training_flops", "mfu", "kwh", "co2_kg", "min_gpus_to_fit",
)
TRAIN_RANGE_KEYS = RANGE_KEYS["train"]  # summary metrics that can carry a range


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


@dataclass(frozen=True)
class Job:
    """What is trained, on what accelerator, at which precision."""

    accel: Accelerator
    model: ModelSpec | None
    method: str
    epochs: float
    precision: str
    peak: float  # dense FLOP/s per accelerator at the precision
    params: float | None
    active: float | None
    moe: bool
    seq_len: int | None

    def default_utilization(self) -> Utilization:
        """The fitted utilization model's value and spread for this job (engine/utilization.py)."""
        return training_utilization(self.accel, self.precision, active_params=self.active, total_params=self.params)


@dataclass(frozen=True)
class Compute:
    """Training FLOPs and the final run's accelerator-hours at the central utilization."""

    flops: float
    final_gpu_hours: float
    tokens: float | None
    attention: float
    hours_given: bool  # --gpu-hours: the hours are known, the FLOPs derived


@dataclass(frozen=True)
class Run:
    """The fixed parts of the run; `metrics` gives time, money and energy for given uncertain inputs."""

    job: Job
    compute: Compute
    mfu: float  # central
    gpus: int | None  # given, or the central count
    days: float | None
    min_gpus: int | None
    overhead: float
    cost: AcceleratorCost  # central price and energy figures

    def final_gpu_hours(self, mfu: float) -> float:
        if self.compute.hours_given:
            return self.compute.final_gpu_hours
        return self.compute.final_gpu_hours * self.mfu / mfu

    def metrics(self, v: Mapping[str, float]) -> dict[str, float | None]:
        """Summary metrics at these values of utilization (MFU), price, PUE, $/kWh and grid intensity."""
        mfu = min(1.0, v["utilization"])  # a utilization above the peak is not physical
        final = self.final_gpu_hours(mfu)
        gpus = gpus_for_days(final, self.days, self.min_gpus) if self.days is not None else self.gpus
        gpu_hours = final * self.overhead
        c = self.cost
        compute_usd, energy_usd, kwh, co2 = price_hours(
            gpu_hours, self.job.accel.tdp_watts, c.power_fraction, c.price.owned,
            v.get("price", c.price.usd_per_gpu_hour), v.get("pue", c.pue), v.get("usd_per_kwh", c.usd_per_kwh),
            v.get("grid_gco2_per_kwh", c.grid_gco2_per_kwh))
        return {
            "total_usd": total(compute_usd, energy_usd), "compute_usd": compute_usd, "energy_usd": energy_usd,
            "gpu_hours": gpu_hours, "wall_clock_days": final / gpus / HOURS_PER_DAY if gpus else None, "gpus": gpus,
            "mfu": mfu, "kwh": kwh, "co2_kg": co2,
        }


def gpus_for_days(final_gpu_hours: float, days: float, min_gpus: int | None) -> int:
    """The fewest accelerators that finish within `days` and hold the run."""
    return max(math.ceil(final_gpu_hours / (days * HOURS_PER_DAY)), min_gpus or 1)


def estimate_training(
    scenario: TrainScenario, catalog: Catalog, *, today: dt.date | None = None, ranges: bool = True,
    spreads: Mapping[str, float] | None = None,
) -> Report:
    """Estimate a training or fine-tuning run, with ranges unless `ranges` is False. Pure: no I/O;
    every default is reported in `inputs`."""
    report, response = training_model(scenario, catalog, today=today)
    return attach(report, response, enabled=ranges, spreads=spreads or {})


def training_model(scenario: TrainScenario, catalog: Catalog, *, today: dt.date | None = None) -> tuple[Report, Response]:
    """The central estimate (without ranges) and how its metrics respond to the uncertain inputs."""
    src = SourceList(today or dt.date.today())
    assumptions: list[str] = []
    warnings: list[str] = []
    job = resolve_job(scenario, catalog, src, assumptions)
    mfu = utilization(scenario, job, assumptions)
    comp = compute(scenario, job, mfu, assumptions)
    mem, min_gpus, gpus = fit_and_count(scenario, job, comp, assumptions, warnings)
    overhead = scenario.overhead or 1.0
    cost = accelerator_cost(scenario, job.accel, comp.final_gpu_hours * overhead, "training_power_fraction", catalog,
                            src, assumptions, warnings)
    run = Run(job, comp, mfu, gpus, scenario.days, min_gpus, overhead, cost)
    response = Response(
        inputs=(utilization_input(scenario, job, mfu), *cost_inputs(scenario, job.accel, cost, catalog, src.today)),
        evaluate=run.metrics,
        metrics=tuple(k for k in TRAIN_RANGE_KEYS if _ranged(k, scenario, cost)),
        headline="total_usd" if cost.total_usd is not None else "gpu_hours",
        product=scenario.days is None,  # with --days the count is rounded up: not a product
    )
    central = run.metrics(response.central())
    summary: dict[str, Any] = {**central, "training_flops": comp.flops, "min_gpus_to_fit": min_gpus}
    summary = {k: summary[k] for k in TRAIN_SUMMARY_KEYS}
    report = Report(
        command="train", inputs=_inputs(scenario, job, run), summary=summary,
        line_items=tuple(_lines(scenario, run, central)), assumptions=tuple(assumptions),
        warnings=tuple(warnings + src.stale_warnings()), sources=src.refs(), detail=_detail(scenario, run, mem),
    )
    return report, response


# --- steps ------------------------------------------------------------------------------------------

def resolve_job(scenario: TrainScenario, catalog: Catalog, src: SourceList, assumptions: list[str]) -> Job:
    """The accelerator, model, method, precision and parameter counts, defaults stated."""
    accel = catalog.accelerator(scenario.gpu or d.DEFAULT_GPU)
    if scenario.gpu is None:
        assumptions.append(f"accelerator not given: {accel.id} (--gpu to choose)")
    src.add("accelerator", accel.id, accel.source, accel.as_of)
    model: ModelSpec | None = catalog.model(scenario.model) if scenario.model else None
    if model is not None:
        src.add("model", model.id, model.source, model.as_of)
    precision = scenario.precision or d.DEFAULT_TRAIN_PRECISION
    params = scenario.params or (model.total_params if model else None)
    active = scenario.active_params or (model.active_params if model and scenario.params is None else params)
    seq_len = scenario.seq_len or (model.train_seq_len if model else None)
    if model is not None and seq_len is None:
        seq_len = min(model.context_length, d.DEFAULT_SEQ_LEN)
        assumptions.append(f"sequence length not published for {model.id}: {seq_len} assumed (--seq-len)")
    return Job(accel=accel, model=model, method=scenario.method or "pretrain", epochs=scenario.epochs or 1.0,
               precision=precision, peak=peak_flops(accel, precision), params=params, active=active,
               moe=is_moe(active, params), seq_len=seq_len)


def utilization(scenario: TrainScenario, job: Job, assumptions: list[str]) -> float:
    """The MFU: given, or the fitted default for the accelerator, size, architecture and precision."""
    if scenario.mfu is not None:
        return scenario.mfu
    util = job.default_utilization()
    mfu = util.value
    spread = math.exp(Z95 * util.log_sigma)
    assumptions.append(
        f"MFU {mfu:.3f}: calibrated on published runs ({', '.join(util.drivers)}); such runs span "
        f"{mfu / spread:.3f}-{mfu * spread:.3f} (p5-p95); --mfu to override"
    )
    return mfu


def utilization_input(scenario: TrainScenario, job: Job, mfu: float) -> UncertainInput:
    """The utilization as an uncertain input: log-normal around the fitted model, with its held-out
    spread, unless given."""
    if scenario.mfu is not None:
        return pinned("utilization", mfu, "--mfu", "MFU")
    if scenario.gpu_hours is not None:
        return pinned("utilization", mfu, "--gpu-hours", "MFU")  # the hours are known; the MFU only derives FLOPs
    util = job.default_utilization()
    return UncertainInput("utilization", mfu, LogNormal(mfu, util.log_sigma),
                          f"log-normal around the fitted utilization model, log_sigma {util.log_sigma:.3g}: the "
                          "spread of reported over estimated GPU-hours of published runs (docs/validation.md)"
                          + "".join(f"; {x}" for x in util.drivers if x.startswith("range widened")), "MFU")


def compute(scenario: TrainScenario, job: Job, mfu: float, assumptions: list[str]) -> Compute:
    """Training FLOPs (weights + attention) and the final run's accelerator-hours at `mfu`."""
    achieved = job.peak * mfu  # useful FLOP/s per accelerator
    if scenario.gpu_hours is not None:
        assumptions.append("training FLOPs derived from the given GPU-hours at the MFU above")
        hours = scenario.gpu_hours
        return Compute(hours * SECONDS_PER_HOUR * achieved, hours, None, 0.0, hours_given=True)
    if scenario.flops is not None:
        return Compute(scenario.flops, scenario.flops / achieved / SECONDS_PER_HOUR, None, 0.0, hours_given=False)
    if job.params is None or job.active is None:
        raise InvalidInput(
            "nothing to size the run: give --model or --params with --tokens, or --flops, or --gpu-hours"
        )
    tokens = _resolve_tokens(scenario, job.model, job.params, job.method, assumptions)
    flops = dense_training_flops(job.active, tokens * job.epochs, job.method)
    attention = 0.0
    if job.model is not None and job.seq_len is not None:
        attention = attention_training_flops(job.model, job.seq_len, tokens * job.epochs)
        flops += attention
    else:
        assumptions.append("attention FLOPs not counted: no architecture (pass --model to include them)")
    return Compute(flops, flops / achieved / SECONDS_PER_HOUR, tokens, attention, hours_given=False)


def fit_and_count(
    scenario: TrainScenario, job: Job, comp: Compute, assumptions: list[str], warnings: list[str]
) -> tuple[TrainingMemory | None, int | None, int | None]:
    """The memory fit, the fewest accelerators that hold the run, and the accelerator count used."""
    mem = None
    if job.params is not None:
        mem = training_memory(job.params, job.method, job.accel.memory_gb, job.model, job.seq_len or d.DEFAULT_SEQ_LEN)
        if mem.activation_bytes_per_gpu is None:
            assumptions.append("memory fit counts model states only: activations need the architecture (--model)")
    min_gpus = mem.min_gpus if mem else None
    if mem is not None and min_gpus is None:
        raise InvalidInput(
            f"one {job.accel.id} cannot hold the activations of a single {job.seq_len}-token sequence even with "
            f"{d.MAX_TENSOR_PARALLEL}-way tensor parallelism; choose an accelerator with more memory or --seq-len"
        )
    gpus = scenario.gpus
    if scenario.days is not None:
        needed = math.ceil(comp.final_gpu_hours / (scenario.days * HOURS_PER_DAY))
        gpus = gpus_for_days(comp.final_gpu_hours, scenario.days, min_gpus)
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
    if gpus is not None and mem is not None and min_gpus is not None and gpus < min_gpus:
        warnings.append(
            f"{gpus} x {job.accel.id} cannot hold this run ({_gb(mem.state_bytes)} of weights, gradients and "
            f"optimizer states): at least {min_gpus} are needed"
        )
    return mem, min_gpus, gpus


def _ranged(key: str, scenario: TrainScenario, cost: AcceleratorCost) -> bool:
    """Whether a summary metric can move with the uncertain inputs of this scenario."""
    if key == "gpus":
        return scenario.days is not None
    if key == "energy_usd":
        return cost.price.owned
    return True


# --- report parts -----------------------------------------------------------------------------------

def _lines(scenario: TrainScenario, run: Run, m: Mapping[str, Any]) -> list[CostLine]:
    price = run.cost.price
    lines = [
        CostLine(
            name=f"{run.job.accel.id} accelerator-hours ({price.label})"
            + (f", x{run.overhead:g} overhead" if run.overhead != 1 else ""),
            quantity=m["gpu_hours"], unit="GPU-hour", usd_per_unit=price.usd_per_gpu_hour, usd=m["compute_usd"],
            assumption=scenario.gpu_hours is None or price.chosen_by_default,
        ),
    ]
    if m["kwh"] is not None:
        lines.append(CostLine(
            name="energy" + ("" if price.owned else " (included in the rental price)"),
            quantity=m["kwh"], unit="kWh", usd_per_unit=run.cost.usd_per_kwh if price.owned else 0.0,
            usd=m["energy_usd"], assumption=True,
        ))
    return lines


def _inputs(scenario: TrainScenario, job: Job, run: Run) -> dict[str, Any]:
    price, cost = run.cost.price, run.cost
    return {
        "kind": "train",
        "model": job.model.id if job.model else None,
        "params": job.params,
        "active_params": job.active,
        "tokens": run.compute.tokens,
        "seq_len": job.seq_len,
        "method": job.method,
        "epochs": job.epochs,
        "flops": scenario.flops,
        "gpu_hours": scenario.gpu_hours,
        "gpu": job.accel.id,
        "gpus": run.gpus,
        "days": scenario.days,
        "precision": job.precision,
        "mfu": run.mfu,
        "pricing": price.pricing,
        "cloud": price.offer.provider if price.offer else None,
        "usd_per_gpu_hour": price.usd_per_gpu_hour,
        "purchase_usd_per_gpu": price.purchase_usd_per_gpu,
        "lifetime_years": price.lifetime_years,
        "overhead": run.overhead,
        "pue": cost.pue,
        "usd_per_kwh": cost.usd_per_kwh,
        "grid_gco2_per_kwh": cost.grid_gco2_per_kwh,
        "training_power_fraction": cost.power_fraction,
    }


def _detail(scenario: TrainScenario, run: Run, mem: TrainingMemory | None) -> dict[str, Any]:
    achieved = run.job.peak * run.mfu
    detail: dict[str, Any] = {
        "final_run_gpu_hours": run.compute.final_gpu_hours,
        "attention_flops": run.compute.attention,
        "peak_tflops": run.job.peak / TERA,
        "achieved_tflops_per_gpu": achieved / TERA,
        "moe": run.job.moe,
        "memory": None if mem is None else {
            "state_gb": mem.state_bytes / 1e9,
            "activations_gb_per_gpu": None if mem.activation_bytes_per_gpu is None
            else mem.activation_bytes_per_gpu / 1e9,
            "tensor_parallel": mem.tensor_parallel,
            "usable_gb_per_gpu": mem.usable_bytes_per_gpu / 1e9,
        },
        "training_seconds": None if run.gpus is None else run.compute.flops / (run.gpus * achieved),
    }
    if scenario.description:
        detail["description"] = scenario.description
    if scenario.note:
        detail["note"] = scenario.note
    return detail


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
