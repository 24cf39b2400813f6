"""`ai-costs breakeven`: when two cost streams cross (in months, or in daily token volume)."""

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
from ai_costs.models.report import Report
from ai_costs.models.scenario import BREAKEVEN_EXCLUSIVE, BreakevenScenario, field_names
from ai_costs.render import OutputFormat

FIELDS = field_names(BreakevenScenario)
GEN, TI, API, FT, BUY = "General", "train-vs-infer", "self-host-vs-api", "finetune-vs-api", "buy-vs-rent"


@handles_errors("breakeven")
def breakeven(
    scenario: ScenarioArg = None,
    preset: PresetOpt = None,
    mode: str | None = text("--mode", "train-vs-infer | self-host-vs-api | finetune-vs-api | buy-vs-rent", GEN, "MODE"),
    horizon_months: str | None = num("--horizon-months", "Months to compare over, at most 1,200  [default: 36; "
                                     "buy-vs-rent: the lifetime]", GEN, "M"),
    monthly_growth: str | None = num("--monthly-growth", "Growth of monthly volume, e.g. 0.1 = +10%/month  "
                                     "[default: 0]", GEN, "F"),
    annual_price_decline: str | None = num("--annual-price-decline", "Yearly fall of unit prices, e.g. 0.5  "
                                           "[default: 0]", GEN, "F"),
    train: str | None = text("--train", "Training scenario (preset or file).", TI, "SCENARIO"),
    train_usd: str | None = num("--train-usd", "Training cost instead of a scenario.", TI, "USD"),
    infer: str | None = text("--infer", "Inference scenario (preset or file).", TI, "SCENARIO"),
    infer_usd_per_day: str | None = num("--infer-usd-per-day", "Inference cost per day instead.", TI, "USD"),
    self_hosted: str | None = text("--self-hosted", "Self-hosted infer scenario (its workload is priced on the "
                                   "API too).", API, "SCENARIO"),
    api: str | None = text("--api", "API model id to compare with (self-host-vs-api, finetune-vs-api).", API, "ID"),
    finetune: str | None = text("--finetune", "Fine-tuning scenario (a train preset or file).", FT, "SCENARIO"),
    finetune_usd: str | None = num("--finetune-usd", "Fine-tuning cost instead of a scenario.", FT, "USD"),
    small: str | None = text("--small", "Infer scenario serving the fine-tuned model.", FT, "SCENARIO"),
    small_usd_per_day: str | None = num("--small-usd-per-day", "Its cost per day instead.", FT, "USD"),
    large_usd_per_day: str | None = num("--large-usd-per-day", "The large API's cost per day instead of --api.",
                                        FT, "USD"),
    gpu: str | None = text("--gpu", "Accelerator id  [default: h100-sxm]", BUY, "ID"),
    gpus: str | None = num("--gpus", "Accelerators bought or rented  [default: 8]", BUY),
    purchase_usd_per_gpu: str | None = num("--purchase-usd-per-gpu", "Purchase price  [default: catalog]", BUY,
                                           "USD"),
    usd_per_gpu_hour: str | None = num("--usd-per-gpu-hour", "Rental price  [default: cheapest sourced]", BUY, "USD"),
    cloud: str | None = O.CLOUD,
    pricing: str | None = O.PRICING,
    utilization: str | None = num("--utilization", "Share of hours the accelerators are busy  [default: 1]", BUY,
                                  "F"),
    resale_fraction: str | None = num("--resale-fraction", "Share of the price recovered at the end  [default: 0]",
                                      BUY, "F"),
    lifetime_years: str | None = num("--lifetime-years", "Years of use  [default: 5]", BUY, "Y"),
    pue: str | None = O.PUE,
    usd_per_kwh: str | None = O.USD_PER_KWH,
    fmt: FormatOpt = OutputFormat.table,
    max_: Annotated[list[str] | None, max_option("crossover_months=12")] = None,
    quiet: QuietOpt = False,
    spread: SpreadOpt = None,
    no_ranges: NoRangesOpt = False,
    sensitivity: SensitivityOpt = False,
    api_prices: ApiPricesOpt = None,
    presets_dir: PresetsDirOpt = None,

) -> None:
    """When two cost streams cross: training vs inference, self-host vs API, fine-tune, buy vs rent.

    Each side is a scenario (preset or file) or a plain amount. Train-vs-infer, finetune-vs-api and
    buy-vs-rent give the month the cumulative costs cross; self-host-vs-api gives the daily token volume
    above which self-hosting is cheaper.

    Examples:

      ai-costs breakeven gpt-4-vs-chatgpt

      ai-costs breakeven --mode train-vs-infer --train-usd 78M \\
        --infer-usd-per-day 625000

      ai-costs breakeven --mode train-vs-infer --train gpt-4 \\
        --infer chatgpt-scale --monthly-growth 0.1

      ai-costs breakeven --mode self-host-vs-api \\
        --self-hosted llama-3.1-70b-self-hosted --api gpt-4o

      ai-costs breakeven --mode buy-vs-rent --gpu h100-sxm --gpus 8 \\
        --purchase-usd-per-gpu 30000 --usd-per-gpu-hour 2.5 --utilization 0.8
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._scenarios import breakeven_sides
    from ai_costs.engine.breakeven import estimate_breakeven
    from ai_costs.presets import build_scenario

    given: dict[str, Any] = overrides(locals(), FIELDS)
    dirs = presets_dir or []
    scen = build_scenario(
        BreakevenScenario, "breakeven", scenario_ref(scenario, preset), given,
        presets_dirs=dirs, flags=flag_names(FIELDS), exclusive=BREAKEVEN_EXCLUSIVE,
    )
    from ai_costs.cli._render import finish, range_options

    options = range_options(spread, no_ranges, sensitivity)
    report = estimate_breakeven(scen, breakeven_sides(scen, dirs), load_catalog(dirs, api_prices or []), **options)

    def table(r: Report) -> None:
        from ai_costs.render.table import print_breakeven

        print_breakeven(r, sensitivity=sensitivity)

    finish(report, fmt, max_, table, quiet=quiet)
