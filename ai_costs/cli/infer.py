"""`ai-costs infer`: the cost of serving a workload, through an API or on self-hosted accelerators."""

from __future__ import annotations

from typing import Any

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import (
    ApiPricesOpt,
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
from ai_costs.models.scenario import INFER_EXCLUSIVE, InferScenario, field_names
from ai_costs.render import OutputFormat

FIELDS = field_names(InferScenario)
WORK, API, HOST, PRICE, ENERGY = "Workload", "API deployment", "Self-hosted deployment", "Pricing", "Energy"


@handles_errors("infer")
def infer(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    daily_users: str | None = num("--daily-users", "Daily active users, e.g. 100M.", WORK),
    requests_per_user: str | None = num("--requests-per-user", "Requests per user per day  [default: 1]", WORK),
    requests_per_day: str | None = num("--requests-per-day", "Requests per day (instead of users).", WORK),
    calls_per_request: str | None = num("--calls-per-request", "Model calls per request (agents)  [default: 1]", WORK),
    input_tokens: str | None = num("--input-tokens", "Prompt tokens per call.", WORK),
    output_tokens: str | None = num("--output-tokens", "Visible output tokens per call.", WORK),
    reasoning_tokens: str | None = num("--reasoning-tokens", "Reasoning tokens per call (billed as output).", WORK),
    cached_fraction: str | None = num("--cached-fraction", "Share of input tokens served from cache.", WORK, "F"),
    batch_fraction: str | None = num("--batch-fraction", "Share of calls sent through a batch API.", WORK, "F"),
    peak_to_average: str | None = num("--peak-to-average", "Peak load / average load  [default: 1]", WORK, "F"),
    api: str | None = text("--api", "API model id from `ai-costs catalog apis`.", API, "ID"),
    model: str | None = text("--model", "Model id from `ai-costs catalog models`.", HOST, "ID"),
    gpu: str | None = text("--gpu", "Accelerator id  [default: h100-sxm]", HOST, "ID"),
    gpus: str | None = num("--gpus", "Accelerators per replica  [default: fewest that fit]", HOST),
    precision: str | None = text("--precision", "Weights: bf16 | fp16 | fp8 | int8 | int4 | fp4  [default: bf16]",
                                 HOST, "P"),
    kv_precision: str | None = text("--kv-precision", "KV cache: bf16 | fp16 | fp8 | int8  [default: fp8 with fp8 "
                                    "weights, else bf16]", HOST, "P"),
    batch_size: str | None = num("--batch-size", "Sequences in flight per replica, or 'auto'  [default: auto]", HOST),
    max_ttft: str | None = num("--max-ttft", "Latency target: time to first token, seconds.", HOST, "S"),
    max_tpot: str | None = num("--max-tpot", "Latency target: time per output token, seconds.", HOST, "S"),
    speculative_speedup: str | None = num("--speculative-speedup", "Decode speed-up from speculative decoding.",
                                          HOST, "F"),
    utilization: str | None = num("--utilization", "Highest planned load per replica  [default: 1]", HOST, "F"),
    usd_per_gpu_hour: str | None = num("--usd-per-gpu-hour", "Price per accelerator-hour.", PRICE, "USD"),
    cloud: str | None = text("--cloud", "Provider from `ai-costs catalog clouds`.", PRICE, "ID"),
    pricing: str | None = text("--pricing", "on-demand | reserved-1y | reserved-3y | spot | capacity-block | assumed "
                               "| owned", PRICE, "P"),
    purchase_usd_per_gpu: str | None = num("--purchase-usd-per-gpu", "Purchase price (with --pricing owned).",
                                           PRICE, "USD"),
    lifetime_years: str | None = num("--lifetime-years", "Amortization period when owned  [default: 5]", PRICE, "Y"),
    pue: str | None = num("--pue", "Data-centre PUE  [default: catalog]", ENERGY, "F"),
    usd_per_kwh: str | None = num("--usd-per-kwh", "Electricity price  [default: catalog]", ENERGY, "USD"),
    grid_gco2_per_kwh: str | None = num("--grid-gco2-per-kwh", "Grid carbon intensity  [default: catalog]",
                                        ENERGY, "G"),
    fmt: FormatOpt = OutputFormat.table,
    max_: MaxOpt = None,
    api_prices: ApiPricesOpt = None,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Cost of serving a workload: per-token API prices, or self-hosted accelerators.

    Examples:

      ai-costs infer chatgpt-scale

      ai-costs infer --api gpt-4o --daily-users 100M --requests-per-user 5 --input-tokens 500 --output-tokens 0

      ai-costs infer --model llama-3.1-70b --gpu h100-sxm --gpus 2 --precision fp8 --input-tokens 1000
      --output-tokens 1000 --requests-per-day 1M --peak-to-average 2

      ai-costs infer llama-3.1-8b-self-hosted --max-tpot 0.02
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish
    from ai_costs.engine.infer import estimate_inference
    from ai_costs.presets import build_scenario

    given: dict[str, Any] = overrides(locals(), FIELDS)
    dirs = presets_dir or []
    scen = build_scenario(
        InferScenario, "infer", scenario_ref(scenario, preset), given,
        presets_dirs=dirs, flags=flag_names(FIELDS), exclusive=INFER_EXCLUSIVE,
    )
    finish(estimate_inference(scen, load_catalog(dirs, api_prices or [])), fmt, max_)
