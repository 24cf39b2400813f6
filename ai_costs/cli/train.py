"""`ai-costs train`: cost, time and energy of a training or fine-tuning run."""

from __future__ import annotations

from typing import Any

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import (
    FormatOpt,
    MaxOpt,
    NoRangesOpt,
    O,
    PresetOpt,
    PresetsDirOpt,
    QuietOpt,
    ScenarioArg,
    SensitivityOpt,
    SpreadOpt,
    flag_names,
    num,
    overrides,
    scenario_ref,
    text,
)
from ai_costs.models.scenario import TRAIN_EXCLUSIVE, TrainScenario, field_names
from ai_costs.render import OutputFormat

FIELDS = field_names(TrainScenario)
HW = "Deployment"


@handles_errors("train")
def train(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    model: str | None = O.MODEL,
    params: str | None = O.PARAMS,
    active_params: str | None = O.ACTIVE_PARAMS,
    tokens: str | None = O.TOKENS,
    seq_len: str | None = O.SEQ_LEN,
    flops: str | None = O.FLOPS,
    gpu_hours: str | None = O.GPU_HOURS,
    method: str | None = O.METHOD,
    epochs: str | None = O.EPOCHS,
    gpu: str | None = O.GPU,
    gpus: str | None = num("--gpus", "Number of accelerators  [default: from --days, else the fewest that fit]", HW),
    days: str | None = O.DAYS,
    precision: str | None = text("--precision", "fp32 | tf32 | bf16 | fp16 | fp8 | fp4  [default: bf16]", HW, "P"),
    mfu: str | None = O.MFU,
    usd_per_gpu_hour: str | None = O.USD_PER_GPU_HOUR,
    cloud: str | None = O.CLOUD,
    pricing: str | None = O.PRICING,
    purchase_usd_per_gpu: str | None = O.PURCHASE_USD_PER_GPU,
    lifetime_years: str | None = O.LIFETIME_YEARS,
    overhead: str | None = O.OVERHEAD,
    pue: str | None = O.PUE,
    usd_per_kwh: str | None = O.USD_PER_KWH,
    grid_gco2_per_kwh: str | None = O.GRID_GCO2_PER_KWH,
    fmt: FormatOpt = OutputFormat.table,
    max_: MaxOpt = None,
    quiet: QuietOpt = False,
    spread: SpreadOpt = None,
    no_ranges: NoRangesOpt = False,
    sensitivity: SensitivityOpt = False,
    presets_dir: PresetsDirOpt = None,

) -> None:
    """Cost, time and energy of a pre-training or fine-tuning run, with p5-p95 ranges.

    The run is a preset or scenario file, options alone, or both (options override the file's fields).
    Compute comes from parameters x tokens, or --flops, or --gpu-hours.

    Examples:

      ai-costs train llama-3.1-405b

      ai-costs train --params 405B --tokens 15.6T --gpu h100-sxm --gpus 16384

      ai-costs train --gpu h800 --gpu-hours 2.788M --usd-per-gpu-hour 2 \\
        --format json

      ai-costs train --model llama-3.1-8b --method lora --tokens 100M \\
        --epochs 3 --gpu a100-80gb --gpus 8

      ai-costs train --params 70B --tokens chinchilla --days 30 --cloud lambda

      ai-costs train llama-3.1-405b --max total_usd=100M --format json

      ai-costs train llama-3.1-405b --max total_usd@p95=150M --sensitivity
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish, range_options, report_table
    from ai_costs.engine.train import estimate_training
    from ai_costs.presets import build_scenario

    given: dict[str, Any] = overrides(locals(), FIELDS)
    dirs = presets_dir or []
    scen = build_scenario(
        TrainScenario, "train", scenario_ref(scenario, preset), given,
        presets_dirs=dirs, flags=flag_names(FIELDS), exclusive=TRAIN_EXCLUSIVE,
    )
    options = range_options(spread, no_ranges, sensitivity)
    finish(estimate_training(scen, load_catalog(dirs), **options), fmt, max_, report_table(sensitivity), quiet=quiet)
