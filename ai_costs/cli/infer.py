"""`ai-costs infer`: the cost of serving a workload, through an API or on self-hosted accelerators."""

from __future__ import annotations

from typing import Annotated, Any

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import (
    ApiPricesOpt,
    FormatOpt,
    NoRangesOpt,
    O,
    PresetOpt,
    PresetsDirOpt,
    QuietOpt,
    ScenarioArg,
    SensitivityOpt,
    SpreadOpt,
    flag_names,
    max_option,
    num,
    overrides,
    scenario_ref,
    text,
)
from ai_costs.models.scenario import INFER_EXCLUSIVE, InferScenario, field_names
from ai_costs.render import OutputFormat

FIELDS = field_names(InferScenario)
API, HOST = "API deployment", "Deployment"


@handles_errors("infer")
def infer(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    daily_users: str | None = O.DAILY_USERS,
    requests_per_user: str | None = O.REQUESTS_PER_USER,
    requests_per_day: str | None = O.REQUESTS_PER_DAY,
    calls_per_request: str | None = O.CALLS_PER_REQUEST,
    input_tokens: str | None = O.INPUT_TOKENS,
    output_tokens: str | None = O.OUTPUT_TOKENS,
    reasoning_tokens: str | None = O.REASONING_TOKENS,
    cached_fraction: str | None = O.CACHED_FRACTION,
    batch_fraction: str | None = O.BATCH_FRACTION,
    peak_to_average: str | None = O.PEAK_TO_AVERAGE,
    api: str | None = text("--api", "API model id from `ai-costs catalog apis`.", API, "ID"),
    model: str | None = O.SERVED_MODEL,
    gpu: str | None = O.GPU,
    gpus: str | None = num("--gpus", "Accelerators per replica  [default: the cheapest layout per token]", HOST),
    parallelism: str | None = O.PARALLELISM,
    precision: str | None = text("--precision", "Weights: bf16 | fp16 | fp8 | int8 | int4 | fp4  [default: bf16]",
                                 HOST, "P"),
    kv_precision: str | None = O.KV_PRECISION,
    batch_size: str | None = O.BATCH_SIZE,
    max_ttft: str | None = O.MAX_TTFT,
    max_tpot: str | None = O.MAX_TPOT,
    speculative_speedup: str | None = O.SPECULATIVE_SPEEDUP,
    utilization: str | None = O.UTILIZATION,
    usd_per_gpu_hour: str | None = O.USD_PER_GPU_HOUR,
    cloud: str | None = O.CLOUD,
    pricing: str | None = O.PRICING,
    purchase_usd_per_gpu: str | None = O.PURCHASE_USD_PER_GPU,
    lifetime_years: str | None = O.LIFETIME_YEARS,
    pue: str | None = O.PUE,
    usd_per_kwh: str | None = O.USD_PER_KWH,
    grid_gco2_per_kwh: str | None = O.GRID_GCO2_PER_KWH,
    fmt: FormatOpt = OutputFormat.table,
    max_: Annotated[list[str] | None, max_option("usd_per_day=500")] = None,
    quiet: QuietOpt = False,
    spread: SpreadOpt = None,
    no_ranges: NoRangesOpt = False,
    sensitivity: SensitivityOpt = False,
    api_prices: ApiPricesOpt = None,
    presets_dir: PresetsDirOpt = None,

) -> None:
    """Cost of serving a workload: per-token API prices, or self-hosted accelerators, with p5-p95 ranges.

    The workload is requests per day and tokens per call; it is priced through an API (--api) or on
    replicas of self-hosted accelerators (--model, --gpu), sized for the load and any latency target.

    Examples:

      ai-costs infer chatgpt-scale

      ai-costs infer --api gpt-4o --daily-users 100M --requests-per-user 5 \\
        --input-tokens 500 --output-tokens 0

      ai-costs infer --model llama-3.1-70b --gpu h100-sxm --gpus 2 \\
        --precision fp8 --input-tokens 1000 --output-tokens 1000 \\
        --requests-per-day 1M --peak-to-average 2

      ai-costs infer llama-3.1-8b-self-hosted --max-tpot 0.02

      ai-costs infer chatgpt-scale --max usd_per_day=1M --format json
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish, range_options, report_table
    from ai_costs.engine.infer import estimate_inference
    from ai_costs.presets import build_scenario

    given: dict[str, Any] = overrides(locals(), FIELDS)
    dirs = presets_dir or []
    scen = build_scenario(
        InferScenario, "infer", scenario_ref(scenario, preset), given,
        presets_dirs=dirs, flags=flag_names(FIELDS), exclusive=INFER_EXCLUSIVE,
    )
    options = range_options(spread, no_ranges, sensitivity)
    finish(estimate_inference(scen, load_catalog(dirs, api_prices or []), **options), fmt, max_,
           report_table(sensitivity), quiet=quiet)
