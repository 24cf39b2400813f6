"""`ai-costs compare-gpus`: every accelerator in the catalog, ranked for one train or infer job."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import (
    FormatOpt,
    NoRangesOpt,
    O,
    PresetOpt,
    PresetsDirOpt,
    QuietOpt,
    ScenarioArg,
    SpreadOpt,
    flag_names,
    max_option,
    num,
    scenario_ref,
    text,
)
from ai_costs.errors import InvalidInput
from ai_costs.models.report import Report
from ai_costs.models.scenario import InferScenario, TrainScenario, field_names
from ai_costs.render import OutputFormat

TRAIN_FIELDS = field_names(TrainScenario)
INFER_FIELDS = field_names(InferScenario)
RANK, JOB = "Ranking", "Deployment"


@handles_errors("compare-gpus")
def compare_gpus(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    task: str | None = text("--task", "train | infer (taken from the scenario when one is given)", RANK, "TASK"),
    sort: str | None = text("--sort", "Row metric to sort by  [default: total_usd or usd_per_million_tokens]",
                            RANK, "METRIC"),
    descending: bool | None = typer.Option(None, "--desc/--asc", help="Sort order  [default: best first]",
                                           rich_help_panel=RANK, show_default=False),
    only: str | None = text("--only", "Only these accelerators, e.g. h100-sxm,mi300x  [default: all]", RANK, "ID,ID"),
    vendor: str | None = text("--vendor", "Only this vendor: nvidia | amd | intel | google | aws  [default: all]",
                              RANK, "V"),
    top: int | None = typer.Option(None, "--top", help="Show the first N rows  \\[default: all]", rich_help_panel=RANK,
                                   metavar="N", show_default=False, min=1),
    wide: bool = typer.Option(False, "--wide", help="Show every column (table mode)  \\[default: off]",
                              rich_help_panel=RANK, show_default=False),
    model: str | None = text("--model", "Model id from `ai-costs catalog models`.", JOB, "ID"),
    gpus: str | None = num("--gpus", "Accelerators (train: in total; infer: per replica)  [default: train: from "
                           "--days or the fewest that fit; infer: the cheapest layout per token]", JOB),
    parallelism: str | None = O.PARALLELISM,
    precision: str | None = text("--precision", "Precision  [default: bf16]", JOB, "P"),
    params: str | None = O.PARAMS,
    active_params: str | None = O.ACTIVE_PARAMS,
    tokens: str | None = O.TOKENS,
    seq_len: str | None = O.SEQ_LEN,
    flops: str | None = O.FLOPS,
    gpu_hours: str | None = O.GPU_HOURS,
    method: str | None = O.METHOD,
    epochs: str | None = O.EPOCHS,
    days: str | None = O.DAYS,
    mfu: str | None = O.MFU,
    overhead: str | None = O.OVERHEAD,
    daily_users: str | None = O.DAILY_USERS,
    requests_per_user: str | None = O.REQUESTS_PER_USER,
    requests_per_day: str | None = O.REQUESTS_PER_DAY,
    calls_per_request: str | None = O.CALLS_PER_REQUEST,
    input_tokens: str | None = O.INPUT_TOKENS,
    output_tokens: str | None = O.OUTPUT_TOKENS,
    reasoning_tokens: str | None = O.REASONING_TOKENS,
    cached_fraction: str | None = O.CACHED_FRACTION,
    peak_to_average: str | None = O.PEAK_TO_AVERAGE,
    kv_precision: str | None = O.KV_PRECISION,
    batch_size: str | None = O.BATCH_SIZE,
    max_ttft: str | None = O.MAX_TTFT,
    max_tpot: str | None = O.MAX_TPOT,
    speculative_speedup: str | None = O.SPECULATIVE_SPEEDUP,
    utilization: str | None = O.UTILIZATION,
    usd_per_gpu_hour: str | None = O.USD_PER_GPU_HOUR,
    cloud: str | None = O.CLOUD,
    pricing: str | None = O.PRICING,
    lifetime_years: str | None = O.LIFETIME_YEARS,
    pue: str | None = O.PUE,
    usd_per_kwh: str | None = O.USD_PER_KWH,
    grid_gco2_per_kwh: str | None = O.GRID_GCO2_PER_KWH,
    fmt: FormatOpt = OutputFormat.table,
    max_: Annotated[list[str] | None, max_option("usd_per_million_tokens=0.5")] = None,
    quiet: QuietOpt = False,
    spread: SpreadOpt = None,
    no_ranges: NoRangesOpt = False,
    presets_dir: PresetsDirOpt = None,

) -> None:
    """Every accelerator in the catalog ranked for one training or serving job.

    For each accelerator: fits or not, the count, time or throughput, cost, tokens per dollar, energy,
    and where its price comes from; the Pareto front of cost and speed is marked.

    Examples:

      ai-costs compare-gpus --task infer --model llama-3.1-70b --precision fp8 \\
        --input-tokens 1000 --output-tokens 1000

      ai-costs compare-gpus --task train --params 70B --tokens 2T --days 30

      ai-costs compare-gpus llama-3.1-8b-self-hosted --vendor nvidia \\
        --sort output_tokens_per_second_per_gpu

      ai-costs compare-gpus llama-3.1-405b --only h100-sxm,h200,b200,mi300x \\
        --format json
    """
    values = locals()
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish, range_options
    from ai_costs.engine.compare import compare_gpus as rank

    dirs = presets_dir or []
    ref = scenario_ref(scenario, preset)
    task = _task(ref, task, dirs)
    job = _job(task, ref, _given(values, task, ref), dirs)
    ids = [s.strip() for s in only.split(",") if s.strip()] if only else []
    report = rank(job, load_catalog(dirs), only=ids, vendor=vendor, sort=sort, descending=descending, top=top,
                  **range_options(spread, no_ranges))
    finish(report, fmt, max_, functools.partial(_table, wide=wide), quiet=quiet)


def _task(ref: str | None, task: str | None, dirs: list[Path]) -> str:
    """train or infer: the scenario's kind, which --task may repeat but not contradict."""
    if ref is not None:
        from ai_costs.presets import resolve, scenario_kind

        kind = scenario_kind(resolve(ref, dirs))
        if task is not None and task != kind:
            raise InvalidInput(f"--task {task} contradicts the scenario, which is a {kind!r} scenario")
        task = kind
    if task not in {"train", "infer"}:
        raise InvalidInput("give --task train or --task infer (or a train/infer scenario)")
    return task


def _given(values: dict[str, Any], task: str, ref: str | None) -> dict[str, Any]:
    """The options given, by scenario field; an option of the other task is an error."""
    fields = TRAIN_FIELDS if task == "train" else INFER_FIELDS
    given = {k: v for k, v in values.items() if k in set(TRAIN_FIELDS) | set(INFER_FIELDS) and v is not None}
    wrong = sorted(k for k in given if k not in fields)
    if wrong:
        names = ", ".join(flag_names(wrong).values())
        raise InvalidInput(f"{names} {'does' if len(wrong) == 1 else 'do'} not apply to --task {task}")
    if task == "infer" and ref is None and "model" not in given:
        raise InvalidInput("give --model for --task infer")
    return given


def _job(task: str, ref: str | None, given: dict[str, Any], dirs: list[Path]) -> TrainScenario | InferScenario:
    """The train or infer scenario every accelerator is evaluated for (self-hosted only)."""
    from ai_costs.models.scenario import INFER_EXCLUSIVE, TRAIN_EXCLUSIVE
    from ai_costs.presets import build_scenario

    job: TrainScenario | InferScenario
    if task == "train":
        job = build_scenario(TrainScenario, task, ref, given, presets_dirs=dirs, flags=flag_names(TRAIN_FIELDS),
                             exclusive=TRAIN_EXCLUSIVE)
    else:
        job = build_scenario(InferScenario, task, ref, given, presets_dirs=dirs, flags=flag_names(INFER_FIELDS),
                             exclusive=INFER_EXCLUSIVE)
    if isinstance(job, InferScenario) and job.api is not None:
        raise InvalidInput("compare-gpus ranks self-hosted accelerators: the scenario names an API (--api)")
    return job


def _table(report: Report, wide: bool) -> None:
    from ai_costs.render.compare import print_comparison

    print_comparison(report, wide=wide)
