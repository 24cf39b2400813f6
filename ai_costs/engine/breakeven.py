"""When two cost streams cross: train vs infer, self-host vs API, fine-tune vs API, buy vs rent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine.common import energy_value
from ai_costs.engine.infer import estimate_inference
from ai_costs.engine.pricing import resolve_price
from ai_costs.engine.sources import SourceList
from ai_costs.engine.streams import CostStream, crossover, series
from ai_costs.engine.train import estimate_training
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Catalog
from ai_costs.models.report import Report, SourceRef
from ai_costs.models.scenario import MAX_HORIZON_MONTHS, BreakevenScenario, InferScenario, TrainScenario
from ai_costs.units import DAYS_PER_MONTH, HOURS_PER_MONTH, SECONDS_PER_DAY, WATTS_PER_KW

BREAKEVEN_KEYS = ("crossover_months", "crossover_tokens_per_day", "a_total_usd", "b_total_usd", "horizon_months",
                  "inference_share")


@dataclass(frozen=True)
class Sides:
    """Scenarios the breakeven refers to, already loaded (the CLI resolves preset names)."""

    train: TrainScenario | None = None
    infer: InferScenario | None = None
    self_hosted: InferScenario | None = None
    finetune: TrainScenario | None = None
    small: InferScenario | None = None


@dataclass
class _Acc:
    """What a mode collects besides the two streams."""

    assumptions: list[str]
    warnings: list[str]
    sources: dict[tuple[str, str], SourceRef]
    inputs: dict[str, Any]
    detail: dict[str, Any]

    def absorb(self, report: Report, label: str) -> None:
        self.warnings.extend(f"{label}: {w}" for w in report.warnings)
        self.assumptions.extend(f"{label}: {a}" for a in report.assumptions)
        for s in report.sources:
            self.sources[(s.kind, s.id)] = s


def estimate_breakeven(
    scenario: BreakevenScenario, sides: Sides, catalog: Catalog, *, today: dt.date | None = None
) -> Report:
    """Crossover of two cumulative cost streams (or of two daily costs over volume)."""
    today = today or dt.date.today()
    if scenario.mode is None:
        raise InvalidInput("give --mode: train-vs-infer, self-host-vs-api, finetune-vs-api or buy-vs-rent")
    acc = _Acc([], [], {}, {"kind": "breakeven", "mode": scenario.mode}, {})
    growth = scenario.monthly_growth or 0.0
    decline = scenario.annual_price_decline or 0.0
    acc.inputs.update(monthly_growth=growth, annual_price_decline=decline)
    volume: dict[str, Any] = {}
    if scenario.mode == "train-vs-infer":
        a, b = _train_vs_infer(scenario, sides, catalog, today, acc)
    elif scenario.mode == "finetune-vs-api":
        a, b = _finetune_vs_api(scenario, sides, catalog, today, acc)
    elif scenario.mode == "buy-vs-rent":
        a, b = _buy_vs_rent(scenario, catalog, today, acc)
    else:
        a, b, volume = _self_host_vs_api(scenario, sides, catalog, today, acc)
    a = dataclasses.replace(a, monthly_growth=growth, annual_price_decline=decline)
    b = dataclasses.replace(b, monthly_growth=growth, annual_price_decline=decline)

    horizon = scenario.horizon_months or acc.inputs.get("lifetime_months") or d.DEFAULT_HORIZON_MONTHS
    if horizon > MAX_HORIZON_MONTHS:  # buy-vs-rent's default horizon is the lifetime
        raise InvalidInput(f"--lifetime-years {horizon / 12:g} makes a horizon of {horizon:g} months; at most "
                           f"{MAX_HORIZON_MONTHS} (give --horizon-months or a shorter lifetime)")
    acc.inputs["horizon_months"] = horizon
    cross = crossover(a, b, horizon) if scenario.mode != "self-host-vs-api" else None
    a_total, b_total = a.cumulative(horizon), b.cumulative(horizon)
    summary: dict[str, Any] = {
        "crossover_months": None if cross is None else cross.months,
        "crossover_tokens_per_day": volume.get("crossover_tokens_per_day"),
        "a_total_usd": a_total,
        "b_total_usd": b_total,
        "horizon_months": horizon,
        "inference_share": _share(b_total, a_total) if scenario.mode == "train-vs-infer" else None,
    }
    if cross is not None:
        acc.detail["crossover_method"] = cross.method
        if cross.months is None:
            acc.assumptions.append(f"the streams do not cross within {horizon:g} months (crossover_months: null)")
    acc.detail.update(
        a={"name": a.name, "upfront_usd": a.upfront_usd, "monthly_usd": a.monthly_usd},
        b={"name": b.name, "upfront_usd": b.upfront_usd, "monthly_usd": b.monthly_usd},
        series=series([a, b], horizon) if scenario.mode != "self-host-vs-api" else volume["series"],
    )
    if scenario.description:
        acc.detail["description"] = scenario.description
    if scenario.note:
        acc.detail["note"] = scenario.note
    stale = [f"{s.id} ({s.as_of})" for s in acc.sources.values() if s.stale]
    warnings = list(dict.fromkeys(acc.warnings))
    if stale and not any("over 18 months old" in w for w in warnings):
        warnings.append(f"over 18 months old, check for newer figures: {', '.join(stale)}")
    return Report(command="breakeven", inputs=acc.inputs, summary=summary, assumptions=tuple(acc.assumptions),
                  warnings=tuple(warnings), sources=tuple(acc.sources.values()), detail=acc.detail)


def _share(part: float, other: float) -> float | None:
    """part / (part + other); an unbounded part is the whole (None when both are unbounded or both 0)."""
    total = part + other
    if math.isinf(part) and math.isfinite(other):
        return 1.0
    return part / total if math.isfinite(total) and total > 0 else None


# --- modes ------------------------------------------------------------------------------------------

def _train_total(s: TrainScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str) -> float:
    report = estimate_training(s, catalog, today=today)
    acc.absorb(report, label)
    total = report.summary["total_usd"]
    if total is None:
        raise InvalidInput(f"the {label} scenario has no price: give it --usd-per-gpu-hour or a cloud")
    return float(total)


def _daily(s: InferScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str) -> Report:
    report = estimate_inference(s, catalog, today=today)
    acc.absorb(report, label)
    if report.summary["usd_per_day"] is None:
        raise InvalidInput(f"the {label} scenario has no price: give it --usd-per-gpu-hour or a cloud")
    return report


def _usd_per_day(s: InferScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str) -> float:
    return float(_daily(s, catalog, today, acc, label).summary["usd_per_day"])


def _either(from_scenario: float | None, amount: float | None, missing: str) -> float:
    """A side's figure: from its scenario, else the plain amount given, else an error saying what to give."""
    if from_scenario is not None:
        return from_scenario
    if amount is not None:
        return amount
    raise InvalidInput(missing)


def _train_vs_infer(
    s: BreakevenScenario, sides: Sides, catalog: Catalog, today: dt.date, acc: _Acc
) -> tuple[CostStream, CostStream]:
    train_usd = _either(None if sides.train is None else _train_total(sides.train, catalog, today, acc, "training"),
                        s.train_usd, "train-vs-infer needs the training side: --train SCENARIO or --train-usd N")
    per_day = _either(None if sides.infer is None else _usd_per_day(sides.infer, catalog, today, acc, "inference"),
                      s.infer_usd_per_day,
                      "train-vs-infer needs the inference side: --infer SCENARIO or --infer-usd-per-day N")
    acc.inputs.update(train=s.train, train_usd=train_usd, infer=s.infer, infer_usd_per_day=per_day)
    return (CostStream("training", train_usd, 0.0), CostStream("inference", 0.0, per_day * DAYS_PER_MONTH))


def _finetune_vs_api(
    s: BreakevenScenario, sides: Sides, catalog: Catalog, today: dt.date, acc: _Acc
) -> tuple[CostStream, CostStream]:
    small = sides.small
    if s.api is not None and small is None:
        raise InvalidInput("--api prices the large model for the --small scenario's workload: give --small")
    tune_usd = _either(
        None if sides.finetune is None else _train_total(sides.finetune, catalog, today, acc, "fine-tune"),
        s.finetune_usd, "finetune-vs-api needs the fine-tune: --finetune SCENARIO or --finetune-usd N")
    small_day = _either(
        None if small is None else _usd_per_day(small, catalog, today, acc, "fine-tuned model"), s.small_usd_per_day,
        "finetune-vs-api needs the fine-tuned model's serving: --small SCENARIO or --small-usd-per-day N")
    large_day = _either(
        None if s.api is None or small is None else _usd_per_day(_as_api(small, s.api), catalog, today, acc,
                                                                  "large API"),
        s.large_usd_per_day, "finetune-vs-api needs the large model: --api ID or --large-usd-per-day N")
    acc.inputs.update(finetune=s.finetune, finetune_usd=tune_usd, small=s.small, small_usd_per_day=small_day,
                      api=s.api, large_usd_per_day=large_day)
    return (CostStream("large API", 0.0, large_day * DAYS_PER_MONTH),
            CostStream("fine-tune + small model", tune_usd, small_day * DAYS_PER_MONTH))


def _as_api(s: InferScenario, api: str) -> InferScenario:
    """The same workload priced through an API instead of self-hosted."""
    return dataclasses.replace(
        s, api=api, model=None, gpu=None, gpus=None, precision=None, kv_precision=None, batch_size=None,
        max_ttft=None, max_tpot=None, speculative_speedup=None, utilization=None, usd_per_gpu_hour=None,
        cloud=None, pricing=None, purchase_usd_per_gpu=None, lifetime_years=None,
    )


def _with_volume(s: InferScenario, calls_per_day: float) -> InferScenario:
    return dataclasses.replace(s, daily_users=None, requests_per_user=None, calls_per_request=None,
                               requests_per_day=calls_per_day)


def volume_crossover_calls(capacity_calls: float, replica_usd_per_day: float, api_usd_per_call: float) -> float | None:
    """Daily calls above which whole self-hosted replicas (each `capacity_calls` a day for
    `replica_usd_per_day`, billed busy or not) always cost less than the API (`api_usd_per_call`).

    With n replicas, self-hosting costs n*c against p*V for the API, so it is cheaper on
    (n*c/p, n*cap]. From replica count N = ceil(cap / (cap - c/p)) on, every interval is entirely
    cheaper, and the last interval before it is cheaper from (N-1)*c/p: that is the crossover.
    None when one fully used replica still costs more than the API (p * cap <= c).
    """
    c, p, cap = replica_usd_per_day, api_usd_per_call, capacity_calls
    if p * cap <= c:
        return None
    n = math.ceil(cap / (cap - c / p))
    return (n - 1) * c / p


def _self_host_vs_api(
    s: BreakevenScenario, sides: Sides, catalog: Catalog, today: dt.date, acc: _Acc
) -> tuple[CostStream, CostStream, dict[str, Any]]:
    hosted = sides.self_hosted
    if hosted is None or hosted.model is None:
        raise InvalidInput("self-host-vs-api needs a self-hosted infer scenario: --self-hosted SCENARIO")
    if s.api is None:
        raise InvalidInput("self-host-vs-api needs the API to compare with: --api ID")
    report = _daily(hosted, catalog, today, acc, "self-hosted")
    api_report = _daily(_as_api(_with_volume(hosted, 1.0), s.api), catalog, today, acc, "API")
    tokens_per_call = (hosted.input_tokens or 0) + (hosted.output_tokens or 0) + (hosted.reasoning_tokens or 0)
    api_per_call = float(api_report.summary["usd_per_day"])  # at one call a day
    replica_usd = float(report.summary["usd_per_day"]) / int(report.summary["replicas"])
    inputs = report.inputs
    capacity = (report.detail["replica_requests_per_second"] * inputs["utilization"] * SECONDS_PER_DAY
                / inputs["peak_to_average"])
    calls = volume_crossover_calls(capacity, replica_usd, api_per_call)
    acc.assumptions.append(
        "self-hosting is billed in whole replicas around the clock; the API per token; the crossover is exact "
        "(closed form over whole replicas)")
    if calls is None:
        acc.assumptions.append("a fully used replica costs more than the API for the same tokens: the API is "
                               "cheaper at every volume")
    volume_now = report.inputs["requests_per_day"]
    points = []
    base = calls or capacity
    for factor in (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0):
        v = base * factor
        hosted_day = math.ceil(v / capacity) * replica_usd
        points.append({"tokens_per_day": v * tokens_per_call, "self_hosted_usd_per_day": hosted_day,
                       "api_usd_per_day": v * api_per_call})
    acc.inputs.update(self_hosted=s.self_hosted, api=s.api, tokens_per_request=tokens_per_call,
                      replica_usd_per_day=replica_usd, replica_capacity_requests_per_day=capacity,
                      api_usd_per_request=api_per_call, requests_per_day=volume_now)
    if volume_now:
        hosted_now = float(report.summary["usd_per_day"])
        api_now = volume_now * api_per_call
        acc.detail["cheaper_at_given_volume"] = "self-hosted" if hosted_now < api_now else "api"
        acc.detail["at_given_volume_usd_per_day"] = {"self_hosted": hosted_now, "api": api_now}
    a = CostStream("API", 0.0, (volume_now or 0) * api_per_call * DAYS_PER_MONTH)
    b = CostStream("self-hosted", 0.0, float(report.summary["usd_per_day"]) * DAYS_PER_MONTH if volume_now else 0.0)
    return a, b, {"crossover_tokens_per_day": None if calls is None else calls * tokens_per_call, "series": points}


def _buy_vs_rent(s: BreakevenScenario, catalog: Catalog, today: dt.date, acc: _Acc) -> tuple[CostStream, CostStream]:
    accel = catalog.accelerator(s.gpu or d.DEFAULT_GPU)
    gpus = s.gpus or d.DEFAULT_BUY_GPUS
    src = SourceList(today)
    purchase = s.purchase_usd_per_gpu or accel.purchase_usd
    if purchase is None:
        raise InvalidInput(f"no sourced purchase price for {accel.id}: give --purchase-usd-per-gpu", code="unpriced")
    if s.pricing == "owned":
        raise InvalidInput("buy-vs-rent compares owning with renting: --pricing chooses the rental commitment "
                           "(on-demand, reserved-1y, ...), not 'owned'")
    rent = resolve_price(accel, catalog, usd_per_gpu_hour=s.usd_per_gpu_hour, cloud=s.cloud, pricing=s.pricing)
    if rent.usd_per_gpu_hour is None:
        raise InvalidInput(f"no sourced rental price for {accel.id}: give --usd-per-gpu-hour", code="unpriced")
    if rent.offer is not None:
        src.add("cloud_price", f"{rent.offer.provider}/{accel.id}/{rent.offer.pricing}", rent.offer.source,
                rent.offer.as_of)
        if rent.chosen_by_default:
            acc.assumptions.append(f"rent: {rent.label} ${rent.usd_per_gpu_hour:g}/GPU-hour, the cheapest sourced "
                                   "offer (--usd-per-gpu-hour to choose)")
    if accel.tdp_watts is None:
        raise InvalidInput(f"{accel.id} has no published power figure: the energy of owning it is unknown")
    util = s.utilization or d.DEFAULT_BUY_UTILIZATION
    pue = energy_value(s.pue, "pue", catalog, src)
    usd_per_kwh = energy_value(s.usd_per_kwh, "usd_per_kwh", catalog, src)
    resale = s.resale_fraction or 0.0
    lifetime = s.lifetime_years or d.DEFAULT_LIFETIME_YEARS
    busy_hours = gpus * HOURS_PER_MONTH * util
    energy_month = busy_hours * accel.tdp_watts / WATTS_PER_KW * pue * usd_per_kwh
    rent_month = busy_hours * rent.usd_per_gpu_hour
    upfront = gpus * purchase * (1 - resale)
    acc.assumptions.append(
        f"owning: {gpus} x ${purchase:,.0f} up front less {resale:.0%} resale, plus energy while busy "
        f"({util:.0%} of hours at TDP x PUE {pue:g}); renting: only the busy hours. Idle power, staff, "
        "networking and hosting are not counted")
    for ref in src.refs():
        acc.sources[(ref.kind, ref.id)] = ref
    acc.inputs.update(gpu=accel.id, gpus=gpus, purchase_usd_per_gpu=purchase, usd_per_gpu_hour=rent.usd_per_gpu_hour,
                      utilization=util, pue=pue, usd_per_kwh=usd_per_kwh, resale_fraction=resale,
                      lifetime_years=lifetime, lifetime_months=lifetime * 12)
    return CostStream("rent", 0.0, rent_month), CostStream("buy", upfront, energy_month)
