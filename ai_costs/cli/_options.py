"""Options shared by the commands, defined once (STYLE.md practice 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.render import OutputFormat

ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="Preset name, path to a scenario YAML file, or '-' for standard input.", metavar="SCENARIO",
                   show_default=False),
]
PresetOpt = Annotated[
    str | None,
    typer.Option("--preset", help="Same as the SCENARIO argument.", metavar="NAME|PATH", show_default=False),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
]


def max_option(example: str) -> Any:
    """--max, with an example that is a metric of the command it is on:
    `max_: Annotated[list[str] | None, max_option("usd_per_day=500")] = None`."""
    return typer.Option(
        "--max",
        metavar="METRIC=VALUE",
        help=f"Budget limit on a summary metric, e.g. {example}, or on a quantile of its range, e.g. "
        f"{example.replace('=', '@p95=', 1)} (repeatable): the full result is printed, then the exit code is 1 if "
        "any metric is over its limit.",
        show_default=False,
    )


MaxOpt = Annotated[list[str] | None, max_option("total_usd=2M")]  # train
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No warnings on stderr; they stay in the JSON and markdown output, and "
                 "errors still print.  \\[default: off]", show_default=False),
]
RANGES = "Ranges"
SpreadOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--spread",
        metavar="INPUT=F",
        help="Widen (F > 1) or narrow (F < 1) an uncertain input's spread, e.g. utilization=1.5 (repeatable). "
        "A value given by its own flag is exact and cannot be widened.",
        rich_help_panel=RANGES,
        show_default=False,
    ),
]
NoRangesOpt = Annotated[
    bool,
    typer.Option("--no-ranges", help="Skip the p5-p95 ranges and the sensitivity (central values only; faster)  "
                 "\\[default: off]", rich_help_panel=RANGES, show_default=False),
]
SensitivityOpt = Annotated[
    bool,
    typer.Option("--sensitivity", help="Table mode: chart every uncertain input's effect on the headline metric "
                 "(a tornado)  \\[default: off]", rich_help_panel=RANGES, show_default=False),
]
ApiPricesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--api-prices",
        metavar="FILE",
        help="API price file merged over the bundled prices by id: LiteLLM's model_prices JSON or ai-costs "
        "YAML (repeatable; env AI_COSTS_API_PRICES).",
        show_default=False,
    ),
]
PresetsDirOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--presets-dir",
        metavar="DIR",
        envvar="AI_COSTS_PRESETS_DIR",
        help="Directory of user scenarios and catalog overrides (repeatable; env AI_COSTS_PRESETS_DIR).",
        show_default=False,
    ),
]


def _help(text: str) -> str:
    # "[default: ...]" names the engine's default; escaped so rich does not read it as markup.
    return text.replace("[default:", "\\[default:")


def num(flag: str, help: str, panel: str, metavar: str = "N") -> Any:
    """A numeric option (default None); parsed with the scenario, so '15.6T', '405B', '1e12' work."""
    return typer.Option(None, flag, help=_help(help), metavar=metavar, rich_help_panel=panel, show_default=False)


def text(flag: str, help: str, panel: str, metavar: str = "TEXT") -> Any:
    return typer.Option(None, flag, help=_help(help), metavar=metavar, rich_help_panel=panel, show_default=False)


def scenario_ref(scenario: str | None, preset: str | None) -> str | None:
    if scenario and preset and scenario != preset:
        raise typer.BadParameter("give the scenario once: as SCENARIO or as --preset", param_hint="--preset")
    return scenario or preset


def overrides(values: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Option values that were given, keyed by scenario field name."""
    return {k: v for k, v in values.items() if k in fields and v is not None}


def flag_names(fields: list[str]) -> dict[str, str]:
    return {f: "--" + f.replace("_", "-") for f in fields}


TRAIN, WORKLOAD, DEPLOY, PRICE, ENERGY = "Training job", "Workload", "Deployment", "Pricing", "Energy"


class O:  # noqa: E742 - a short namespace used in every command signature
    """Options that several commands share, defined once (train, infer, compare-gpus, breakeven)."""

    # what is trained
    MODEL = text("--model", "Model id from `ai-costs catalog models`.", TRAIN, "ID")
    SERVED_MODEL = text("--model", "Model id from `ai-costs catalog models`, served on --gpu.", DEPLOY, "ID")
    PARAMS = num("--params", "Total parameters, e.g. 405B.", TRAIN)
    ACTIVE_PARAMS = num("--active-params", "Active parameters per token (MoE), e.g. 37B  [default: --params]", TRAIN)
    TOKENS = num("--tokens", "Training tokens per epoch, e.g. 15.6T, or 'chinchilla' (20 x params).", TRAIN)
    SEQ_LEN = num("--seq-len", "Sequence length (attention FLOPs, activations)  [default: the model's, else 4096]",
                  TRAIN)
    FLOPS = num("--flops", "Total training FLOPs instead of params x tokens, e.g. 2.15e25.", TRAIN)
    GPU_HOURS = num("--gpu-hours", "Accelerator-hours instead of FLOPs, e.g. 2.788M.", TRAIN)
    METHOD = text("--method", "pretrain | full | lora | qlora  [default: pretrain]", TRAIN, "METHOD")
    EPOCHS = num("--epochs", "Passes over the tokens  [default: 1]", TRAIN)
    DAYS = num("--days", "Target wall-clock days (derives --gpus).", TRAIN)
    MFU = num("--mfu", "Model FLOPs utilization in (0, 1]  [default: calibrated]", TRAIN, "F")
    OVERHEAD = num("--overhead", "Multiplier for failed runs and experiments  [default: 1]", TRAIN, "F")
    # what is served
    DAILY_USERS = num("--daily-users", "Daily active users, e.g. 100M.", WORKLOAD)
    REQUESTS_PER_USER = num("--requests-per-user", "Requests per user per day  [default: 1]", WORKLOAD)
    REQUESTS_PER_DAY = num("--requests-per-day", "Requests per day (instead of users).", WORKLOAD)
    CALLS_PER_REQUEST = num("--calls-per-request", "Model calls per request (agents)  [default: 1]", WORKLOAD)
    INPUT_TOKENS = num("--input-tokens", "Prompt tokens per call.", WORKLOAD)
    OUTPUT_TOKENS = num("--output-tokens", "Visible output tokens per call.", WORKLOAD)
    REASONING_TOKENS = num("--reasoning-tokens", "Reasoning tokens per call (billed as output)  [default: 0]",
                           WORKLOAD)
    CACHED_FRACTION = num("--cached-fraction", "Share of input tokens served from cache  [default: 0]", WORKLOAD, "F")
    BATCH_FRACTION = num("--batch-fraction", "Share of calls sent through a batch API  [default: 0]", WORKLOAD, "F")
    PEAK_TO_AVERAGE = num("--peak-to-average", "Peak load / average load  [default: 1]", WORKLOAD, "F")
    # on what
    GPU = text("--gpu", "Accelerator id from `ai-costs catalog gpus`  [default: h100-sxm]", DEPLOY, "ID")
    PARALLELISM = text("--parallelism", "Layout of a replica: tp=8,pp=2,ep=16,dp=2 (tensor, pipeline, expert, "
                       "attention data parallel; omitted = 1)  [default: the cheapest per token that fits]",
                       DEPLOY, "LAYOUT")
    KV_PRECISION = text("--kv-precision", "KV cache: bf16 | fp16 | fp8 | int8  [default: fp8 with fp8 weights, "
                        "else bf16]", DEPLOY, "P")
    BATCH_SIZE = num("--batch-size", "Sequences in flight per replica, or 'auto'  [default: auto]", DEPLOY)
    MAX_TTFT = num("--max-ttft", "Latency target: time to first token, seconds.", DEPLOY, "S")
    MAX_TPOT = num("--max-tpot", "Latency target: time per output token, seconds.", DEPLOY, "S")
    SPECULATIVE_SPEEDUP = num("--speculative-speedup", "Decode speed-up from speculative decoding  [default: 1]",
                              DEPLOY, "F")
    UTILIZATION = num("--utilization", "Highest planned load per replica  [default: 1]", DEPLOY, "F")
    # pricing and energy
    USD_PER_GPU_HOUR = num("--usd-per-gpu-hour", "Price per accelerator-hour  [default: the cheapest sourced offer]",
                           PRICE, "USD")
    CLOUD = text("--cloud", "Provider from `ai-costs catalog clouds`  [default: any]", PRICE, "ID")
    PRICING = text("--pricing", "on-demand | reserved-1y | reserved-3y | spot | capacity-block | assumed | owned  "
                   "[default: on-demand, else any sourced offer]", PRICE, "P")
    PURCHASE_USD_PER_GPU = num("--purchase-usd-per-gpu", "Purchase price per accelerator (with --pricing owned)  "
                               "[default: catalog]", PRICE, "USD")
    LIFETIME_YEARS = num("--lifetime-years", "Years of use when owned  [default: 5]", PRICE, "Y")
    PUE = num("--pue", "Data-centre PUE  [default: catalog]", ENERGY, "F")
    USD_PER_KWH = num("--usd-per-kwh", "Electricity price  [default: catalog]", ENERGY, "USD")
    GRID_GCO2_PER_KWH = num("--grid-gco2-per-kwh", "Grid carbon intensity  [default: catalog]", ENERGY, "G")
