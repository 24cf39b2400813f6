"""`ai-costs train`: cost, time and energy of a training or fine-tuning run."""

from __future__ import annotations

from typing import Any

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import (
    FormatOpt,
    MaxOpt,
    PresetOpt,
    PresetsDirOpt,
    ScenarioArg,
    flag_names,
    num,
    overrides,
    scenario_ref,
    text,
)
from ai_costs.models.scenario import TRAIN_EXCLUSIVE, TrainScenario, field_names
from ai_costs.render import OutputFormat

FIELDS = field_names(TrainScenario)
RUN, HW, PRICE, ENERGY = "What is trained", "Accelerators", "Pricing", "Energy"


@handles_errors("train")
def train(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    model: str | None = text("--model", "Model id from `ai-costs catalog models` (sets params).", RUN, "ID"),
    params: str | None = num("--params", "Total parameters, e.g. 405B.", RUN),
    active_params: str | None = num("--active-params", "Active parameters per token (MoE), e.g. 37B.", RUN),
    tokens: str | None = num("--tokens", "Training tokens per epoch, e.g. 15.6T, or 'chinchilla' (20 x params).", RUN),
    seq_len: str | None = num("--seq-len", "Sequence length (attention FLOPs, activations).", RUN),
    flops: str | None = num("--flops", "Total training FLOPs instead of params x tokens, e.g. 2.15e25.", RUN),
    gpu_hours: str | None = num("--gpu-hours", "Accelerator-hours instead of FLOPs, e.g. 2.788M.", RUN),
    method: str | None = text("--method", "pretrain | full | lora | qlora  [default: pretrain]", RUN, "METHOD"),
    epochs: str | None = num("--epochs", "Passes over the tokens  [default: 1]", RUN),
    gpu: str | None = text("--gpu", "Accelerator id from `ai-costs catalog gpus`  [default: h100-sxm]", HW, "ID"),
    gpus: str | None = num("--gpus", "Number of accelerators.", HW),
    days: str | None = num("--days", "Target wall-clock days (derives --gpus).", HW),
    precision: str | None = text("--precision", "fp32 | tf32 | bf16 | fp16 | fp8 | fp4  [default: bf16]", HW, "P"),
    mfu: str | None = num("--mfu", "Model FLOPs utilization in (0, 1]  [default: calibrated]", HW, "F"),
    usd_per_gpu_hour: str | None = num("--usd-per-gpu-hour", "Price per accelerator-hour.", PRICE, "USD"),
    cloud: str | None = text("--cloud", "Provider from `ai-costs catalog clouds`.", PRICE, "ID"),
    pricing: str | None = text(
        "--pricing", "on-demand | reserved-1y | reserved-3y | spot | capacity-block | assumed | owned", PRICE, "P"
    ),
    purchase_usd_per_gpu: str | None = num("--purchase-usd-per-gpu", "Purchase price (with --pricing owned).", PRICE, "USD"),
    lifetime_years: str | None = num("--lifetime-years", "Amortization period when owned  [default: 5]", PRICE, "Y"),
    overhead: str | None = num("--overhead", "Multiplier for failed runs and experiments  [default: 1]", PRICE, "F"),
    pue: str | None = num("--pue", "Data-centre PUE  [default: catalog]", ENERGY, "F"),
    usd_per_kwh: str | None = num("--usd-per-kwh", "Electricity price  [default: catalog]", ENERGY, "USD"),
    grid_gco2_per_kwh: str | None = num("--grid-gco2-per-kwh", "Grid carbon intensity  [default: catalog]", ENERGY, "G"),
    fmt: FormatOpt = OutputFormat.table,
    max_: MaxOpt = None,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Cost, time and energy of a pre-training or fine-tuning run.

    Examples:

      ai-costs train llama-3.1-405b

      ai-costs train --params 405B --tokens 15.6T --gpu h100-sxm --gpus 16384

      ai-costs train --gpu h800 --gpu-hours 2.788M --usd-per-gpu-hour 2 --format json

      ai-costs train --model llama-3.1-8b --method lora --tokens 100M --epochs 3 --gpu a100-80gb --gpus 8

      ai-costs train --params 70B --tokens chinchilla --days 30 --cloud lambda
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish
    from ai_costs.engine.train import estimate_training
    from ai_costs.presets import build_scenario

    given: dict[str, Any] = overrides(locals(), FIELDS)
    dirs = presets_dir or []
    scen = build_scenario(
        TrainScenario, "train", scenario_ref(scenario, preset), given,
        presets_dirs=dirs, flags=flag_names(FIELDS), exclusive=TRAIN_EXCLUSIVE,
    )
    finish(estimate_training(scen, load_catalog(dirs)), fmt, max_)
