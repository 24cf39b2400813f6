"""When two cost streams cross: train vs infer, self-host vs API, fine-tune vs API, buy vs rent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine.common import energy_input, energy_value, price_input
from ai_costs.engine.infer import inference_model
from ai_costs.engine.pricing import resolve_price
from ai_costs.engine.sources import SourceList
from ai_costs.engine.streams import CostStream, crossover, series
from ai_costs.engine.train import training_model
from ai_costs.engine.uncertainty import SAMPLES, LogUniform, Metrics, Response, UncertainInput, attach, moves, pinned
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Catalog
from ai_costs.models.report import RANGE_KEYS, Report, SourceRef
from ai_costs.models.scenario import (
    MAX_HORIZON_MONTHS,
    SELF_HOSTED_FIELDS,
    BreakevenScenario,
    InferScenario,
    TrainScenario,
)
from ai_costs.units import DAYS_PER_MONTH, HOURS_PER_MONTH, SECONDS_PER_DAY, WATTS_PER_KW

BREAKEVEN_KEYS = ("crossover_months", "crossover_tokens_per_day", "a_total_usd", "b_total_usd", "horizon_months",
                  "inference_share", "crossover_probability")
BREAKEVEN_RANGE_KEYS = RANGE_KEYS["breakeven"]
Values = Mapping[str, float]


@dataclass(frozen=True)
class Sides:
    """Scenarios the breakeven refers to, already loaded (the CLI resolves preset names)."""

    train: TrainScenario | None = None
    infer: InferScenario | None = None
    self_hosted: InferScenario | None = None
    finetune: TrainScenario | None = None
    small: InferScenario | None = None


def side_inputs(response: Response, prefix: str, metrics: tuple[str, ...]) -> list[UncertainInput]:
    """A side estimate's inputs that move any of `metrics`, named `prefix.input`."""
    return [dataclasses.replace(i, name=f"{prefix}.{i.name}") for i in response.inputs
            if any(moves(response, i.name, m) for m in metrics)]


def side_metrics(response: Response, prefix: str, v: Values) -> Metrics:
    """A side estimate's metrics at the values of its (prefixed) inputs; central for those not given."""
    return response.evaluate({i.name: v.get(f"{prefix}.{i.name}", i.central) for i in response.inputs})


@dataclass(frozen=True)
class Amount:
    """One side's figure: a metric of an estimate, which responds to that estimate's uncertain inputs
    (named `prefix.input` here), or an amount given as a number (exact)."""

    value: float
    prefix: str = ""
    response: Response | None = None
    metric: str = ""

    def inputs(self) -> list[UncertainInput]:
        return [] if self.response is None else side_inputs(self.response, self.prefix, (self.metric,))

    def at(self, v: Values) -> float:
        if self.response is None:
            return self.value
        return float(side_metrics(self.response, self.prefix, v)[self.metric])  # type: ignore[arg-type]


@dataclass
class _Acc:
    """What a mode collects besides the two streams."""

    assumptions: list[str]
    warnings: list[str]
    sources: dict[tuple[str, str], SourceRef]
    inputs: dict[str, Any]
    detail: dict[str, Any]
    uncertain: list[UncertainInput] = dataclasses.field(default_factory=list)

    def absorb(self, report: Report, label: str) -> None:
        self.warnings.extend(f"{label}: {w}" for w in report.warnings)
        self.assumptions.extend(f"{label}: {a}" for a in report.assumptions)
        for s in report.sources:
            self.sources[(s.kind, s.id)] = s

    def amount(self, amount: Amount) -> Amount:
        self.uncertain.extend(amount.inputs())
        return amount


Build = Callable[[Values], tuple[CostStream, CostStream]]


def estimate_breakeven(
    scenario: BreakevenScenario, sides: Sides, catalog: Catalog, *, today: dt.date | None = None, ranges: bool = True,
    spreads: Mapping[str, float] | None = None,
) -> Report:
    """Crossover of two cumulative cost streams (or of two daily costs over volume), with ranges and the
    probability of a crossover unless `ranges` is False."""
    report, response = breakeven_model(scenario, sides, catalog, today=today)
    return attach(report, response, enabled=ranges, spreads=spreads or {})


def breakeven_model(
    scenario: BreakevenScenario, sides: Sides, catalog: Catalog, *, today: dt.date | None = None
) -> tuple[Report, Response]:
    """The central crossover (without ranges) and how it responds to the sides' uncertain inputs."""
    today = today or dt.date.today()
    if scenario.mode is None:
        raise InvalidInput("give --mode: train-vs-infer, self-host-vs-api, finetune-vs-api or buy-vs-rent")
    acc = _Acc([], [], {}, {"kind": "breakeven", "mode": scenario.mode}, {})
    growth = scenario.monthly_growth or 0.0
    decline = scenario.annual_price_decline or 0.0
    acc.inputs.update(monthly_growth=growth, annual_price_decline=decline)
    if scenario.mode == "self-host-vs-api":
        metrics, headline = _self_host_vs_api(scenario, sides, catalog, today, acc), "crossover_tokens_per_day"
        horizon = scenario.horizon_months or d.DEFAULT_HORIZON_MONTHS
        acc.inputs["horizon_months"] = horizon
        metrics = functools.partial(metrics, horizon=horizon)
    else:
        if scenario.mode == "train-vs-infer":
            build = _train_vs_infer(scenario, sides, catalog, today, acc)
        elif scenario.mode == "finetune-vs-api":
            build = _finetune_vs_api(scenario, sides, catalog, today, acc)
        else:
            build = _buy_vs_rent(scenario, catalog, today, acc)
        horizon = scenario.horizon_months or acc.inputs.get("lifetime_months") or d.DEFAULT_HORIZON_MONTHS
        if horizon > MAX_HORIZON_MONTHS:  # buy-vs-rent's default horizon is the lifetime
            raise InvalidInput(f"--lifetime-years {horizon / 12:g} makes a horizon of {horizon:g} months; at most "
                               f"{MAX_HORIZON_MONTHS} (give --horizon-months or a shorter lifetime)")
        acc.inputs["horizon_months"] = horizon
        if scenario.mode != "buy-vs-rent":  # the monthly streams are inference spend
            acc.uncertain.append(_decline_input(scenario, decline))
        metrics = functools.partial(_stream_metrics, build=build, growth=growth, decline=decline, horizon=horizon,
                                    share=scenario.mode == "train-vs-infer")
        a, b = _grown(build({}), growth, decline)
        cross = crossover(a, b, horizon)
        acc.detail["crossover_method"] = cross.method
        if cross.months is None:
            acc.assumptions.append(f"the streams do not cross within {horizon:g} months (crossover_months: null)")
        acc.detail.update(
            a={"name": a.name, "upfront_usd": a.upfront_usd, "monthly_usd": a.monthly_usd},
            b={"name": b.name, "upfront_usd": b.upfront_usd, "monthly_usd": b.monthly_usd},
            series=series([a, b], horizon),
        )
        headline = "crossover_months"
    # A crossover's early tail needs the joint extremes of both sides: twice the points (bench/ranges_methods.py).
    response = Response(tuple(acc.uncertain), metrics, BREAKEVEN_RANGE_KEYS, headline,
                        probability=("crossover_probability", headline), samples=2 * SAMPLES)
    central = response.at()
    summary: dict[str, Any] = {k: _none_if_infinite(central.get(k)) for k in BREAKEVEN_KEYS}
    summary["horizon_months"] = horizon
    if scenario.description:
        acc.detail["description"] = scenario.description
    if scenario.note:
        acc.detail["note"] = scenario.note
    stale = [f"{s.id} ({s.as_of})" for s in acc.sources.values() if s.stale]
    warnings = list(dict.fromkeys(acc.warnings))
    if stale and not any("over 18 months old" in w for w in warnings):
        warnings.append(f"over 18 months old, check for newer figures: {', '.join(stale)}")
    report = Report(command="breakeven", inputs=acc.inputs, summary=summary, assumptions=tuple(acc.assumptions),
                    warnings=tuple(warnings), sources=tuple(acc.sources.values()), detail=acc.detail)
    return report, response


def _none_if_infinite(value: float | None) -> float | None:
    """In the summary, 'never' (infinite) is null; in ranges it is an outcome like any other."""
    return None if value is None or math.isinf(value) else value


def _grown(streams: tuple[CostStream, CostStream], growth: float, decline: float) -> tuple[CostStream, CostStream]:
    """Both streams with the same volume growth and price decline."""
    a, b = streams  # built directly: dataclasses.replace is slow for the thousand draws of a range
    return (CostStream(a.name, a.upfront_usd, a.monthly_usd, growth, decline),
            CostStream(b.name, b.upfront_usd, b.monthly_usd, growth, decline))


def _share(part: float, other: float) -> float | None:
    """part / (part + other); an unbounded part is the whole (None when both are unbounded or both 0)."""
    total = part + other
    if math.isinf(part) and math.isfinite(other):
        return 1.0
    return part / total if math.isfinite(total) and total > 0 else None


def _stream_metrics(v: Values, *, build: Build, growth: float, decline: float, horizon: float,
                    share: bool) -> dict[str, float | None]:
    """Crossover month (infinite: none within the horizon) and the totals of both streams."""
    a, b = _grown(build(v), growth, v.get("annual_price_decline", decline))
    cross = crossover(a, b, horizon)
    a_total, b_total = a.cumulative(horizon), b.cumulative(horizon)
    return {"crossover_months": math.inf if cross.months is None else cross.months,
            "crossover_tokens_per_day": None, "a_total_usd": a_total, "b_total_usd": b_total,
            "inference_share": _share(b_total, a_total) if share else None}


def _decline_input(scenario: BreakevenScenario, decline: float) -> UncertainInput:
    """The yearly fall of unit prices of inference spend: sourced spread unless given."""
    if scenario.annual_price_decline is not None:
        return pinned("annual_price_decline", decline, "--annual-price-decline", "fraction per year")
    low, high = d.PRICE_MULTIPLIER_PER_YEAR_RANGE
    return UncertainInput(
        "annual_price_decline", decline, LogUniform(low, high, complement=True),
        f"not given: the summary keeps prices flat; the range lets unit prices fall by anything from none to "
        f"{1 / low:g}x a year (1 - decline log-uniform on {low:g}-{high:g}): 10x a year at a fixed capability (a16z "
        "'LLMflation'; Epoch AI measures 9x-900x), flat for a fixed model on fixed hardware", "fraction per year")


# --- modes ------------------------------------------------------------------------------------------

def _train_total(s: TrainScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str, prefix: str) -> Amount:
    report, response = training_model(s, catalog, today=today)
    acc.absorb(report, label)
    total = report.summary["total_usd"]
    if total is None:
        raise InvalidInput(f"the {label} scenario has no price: give it --usd-per-gpu-hour or a cloud")
    return acc.amount(Amount(float(total), prefix, response, "total_usd"))


def _daily(s: InferScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str) -> tuple[Report, Response]:
    report, response = inference_model(s, catalog, today=today)
    acc.absorb(report, label)
    if report.summary["usd_per_day"] is None:
        raise InvalidInput(f"the {label} scenario has no price: give it --usd-per-gpu-hour or a cloud")
    return report, response


def _usd_per_day(s: InferScenario, catalog: Catalog, today: dt.date, acc: _Acc, label: str, prefix: str) -> Amount:
    report, response = _daily(s, catalog, today, acc, label)
    return acc.amount(Amount(float(report.summary["usd_per_day"]), prefix, response, "usd_per_day"))


def _either(from_scenario: Amount | None, amount: float | None, missing: str) -> Amount:
    """A side's figure: from its scenario, else the plain amount given, else an error saying what to give."""
    if from_scenario is not None:
        return from_scenario
    if amount is not None:
        return Amount(amount)
    raise InvalidInput(missing)


def _train_vs_infer(s: BreakevenScenario, sides: Sides, catalog: Catalog, today: dt.date, acc: _Acc) -> Build:
    train = _either(None if sides.train is None else _train_total(sides.train, catalog, today, acc, "training",
                                                                  "training"),
                    s.train_usd, "train-vs-infer needs the training side: --train SCENARIO or --train-usd N")
    infer = _either(None if sides.infer is None else _usd_per_day(sides.infer, catalog, today, acc, "inference",
                                                                  "inference"),
                    s.infer_usd_per_day,
                    "train-vs-infer needs the inference side: --infer SCENARIO or --infer-usd-per-day N")
    acc.inputs.update(train=s.train, train_usd=train.value, infer=s.infer, infer_usd_per_day=infer.value)

    def build(v: Values) -> tuple[CostStream, CostStream]:
        return CostStream("training", train.at(v), 0.0), CostStream("inference", 0.0, infer.at(v) * DAYS_PER_MONTH)

    return build


def _finetune_vs_api(s: BreakevenScenario, sides: Sides, catalog: Catalog, today: dt.date, acc: _Acc) -> Build:
    small = sides.small
    if s.api is not None and small is None:
        raise InvalidInput("--api prices the large model for the --small scenario's workload: give --small")
    tune = _either(
        None if sides.finetune is None else _train_total(sides.finetune, catalog, today, acc, "fine-tune", "finetune"),
        s.finetune_usd, "finetune-vs-api needs the fine-tune: --finetune SCENARIO or --finetune-usd N")
    small_day = _either(
        None if small is None else _usd_per_day(small, catalog, today, acc, "fine-tuned model", "small"),
        s.small_usd_per_day,
        "finetune-vs-api needs the fine-tuned model's serving: --small SCENARIO or --small-usd-per-day N")
    large_day = _either(
        None if s.api is None or small is None else _usd_per_day(_as_api(small, s.api), catalog, today, acc,
                                                                  "large API", "api"),
        s.large_usd_per_day, "finetune-vs-api needs the large model: --api ID or --large-usd-per-day N")
    acc.inputs.update(finetune=s.finetune, finetune_usd=tune.value, small=s.small, small_usd_per_day=small_day.value,
                      api=s.api, large_usd_per_day=large_day.value)

    def build(v: Values) -> tuple[CostStream, CostStream]:
        return (CostStream("large API", 0.0, large_day.at(v) * DAYS_PER_MONTH),
                CostStream("fine-tune + small model", tune.at(v), small_day.at(v) * DAYS_PER_MONTH))

    return build


def _as_api(s: InferScenario, api: str) -> InferScenario:
    """The same workload priced through an API instead of self-hosted."""
    cleared: dict[str, Any] = dict.fromkeys(SELF_HOSTED_FIELDS)
    return dataclasses.replace(s, api=api, **cleared)


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
) -> Callable[..., dict[str, float | None]]:
    """The volume crossover; returns the metrics as a function of the sides' uncertain inputs."""
    hosted = sides.self_hosted
    if hosted is None or hosted.model is None:
        raise InvalidInput("self-host-vs-api needs a self-hosted infer scenario: --self-hosted SCENARIO")
    if s.api is None:
        raise InvalidInput("self-host-vs-api needs the API to compare with: --api ID")
    report, hosted_r = _daily(hosted, catalog, today, acc, "self-hosted")
    _, api_r = _daily(_as_api(_with_volume(hosted, 1.0), s.api), catalog, today, acc, "API")
    acc.uncertain.extend(side_inputs(hosted_r, "self_hosted", ("usd_per_day", "replica_requests_per_second")))
    acc.uncertain.extend(side_inputs(api_r, "api", ("usd_per_day",)))
    tokens_per_call = (hosted.input_tokens or 0) + (hosted.output_tokens or 0) + (hosted.reasoning_tokens or 0)
    inputs = report.inputs
    volume_now = inputs["requests_per_day"]
    growth, decline = acc.inputs["monthly_growth"], acc.inputs["annual_price_decline"]

    def terms(v: Values) -> tuple[float, float, float, float]:
        """(replica capacity in calls/day, USD per replica-day, API USD per call, self-hosted USD/day)."""
        h = side_metrics(hosted_r, "self_hosted", v)
        capacity = (float(h["replica_requests_per_second"]) * inputs["utilization"] * SECONDS_PER_DAY  # type: ignore[arg-type]
                    / inputs["peak_to_average"])
        usd_day = float(h["usd_per_day"])  # type: ignore[arg-type]
        api_per_call = float(side_metrics(api_r, "api", v)["usd_per_day"])  # type: ignore[arg-type]  # one call a day
        return capacity, usd_day / float(h["replicas"]), api_per_call, usd_day  # type: ignore[arg-type]

    def metrics(v: Values, *, horizon: float) -> dict[str, float | None]:
        capacity, replica_usd, api_per_call, usd_day = terms(v)
        calls = volume_crossover_calls(capacity, replica_usd, api_per_call)
        a, b = _grown((CostStream("API", 0.0, (volume_now or 0) * api_per_call * DAYS_PER_MONTH),
                       CostStream("self-hosted", 0.0, usd_day * DAYS_PER_MONTH if volume_now else 0.0)),
                      growth, decline)
        return {"crossover_months": None,
                "crossover_tokens_per_day": math.inf if calls is None else calls * tokens_per_call,
                "a_total_usd": a.cumulative(horizon), "b_total_usd": b.cumulative(horizon), "inference_share": None}

    capacity, replica_usd, api_per_call, usd_day = terms({})
    calls = volume_crossover_calls(capacity, replica_usd, api_per_call)
    acc.assumptions.append(
        "self-hosting is billed in whole replicas around the clock; the API per token; the crossover is exact "
        "(closed form over whole replicas)")
    if calls is None:
        acc.assumptions.append("a fully used replica costs more than the API for the same tokens: the API is "
                               "cheaper at every volume")
    points = []
    base = calls or capacity
    for factor in (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0):
        volume = base * factor
        points.append({"tokens_per_day": volume * tokens_per_call,
                       "self_hosted_usd_per_day": math.ceil(volume / capacity) * replica_usd,
                       "api_usd_per_day": volume * api_per_call})
    acc.inputs.update(self_hosted=s.self_hosted, api=s.api, tokens_per_request=tokens_per_call,
                      replica_usd_per_day=replica_usd, replica_capacity_requests_per_day=capacity,
                      api_usd_per_request=api_per_call, requests_per_day=volume_now)
    if volume_now:
        api_now = volume_now * api_per_call
        acc.detail["cheaper_at_given_volume"] = "self-hosted" if usd_day < api_now else "api"
        acc.detail["at_given_volume_usd_per_day"] = {"self_hosted": usd_day, "api": api_now}
    acc.detail.update(a={"name": "API", "upfront_usd": 0.0, "monthly_usd": (volume_now or 0) * api_per_call
                         * DAYS_PER_MONTH},
                      b={"name": "self-hosted", "upfront_usd": 0.0,
                         "monthly_usd": usd_day * DAYS_PER_MONTH if volume_now else 0.0},
                      series=points)
    return metrics


def _buy_vs_rent(s: BreakevenScenario, catalog: Catalog, today: dt.date, acc: _Acc) -> Build:
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
    tdp = accel.tdp_watts
    if tdp is None:
        raise InvalidInput(f"{accel.id} has no published power figure: the energy of owning it is unknown")
    util = s.utilization or d.DEFAULT_BUY_UTILIZATION
    pue = energy_value(s.pue, "pue", catalog, src)
    usd_per_kwh = energy_value(s.usd_per_kwh, "usd_per_kwh", catalog, src)
    resale = s.resale_fraction or 0.0
    lifetime = s.lifetime_years or d.DEFAULT_LIFETIME_YEARS
    busy_hours = gpus * HOURS_PER_MONTH * util
    upfront = gpus * purchase * (1 - resale)
    acc.uncertain.extend(i for i in (price_input(rent, accel, catalog, today), energy_input("pue", s.pue, pue, catalog),
                                     energy_input("usd_per_kwh", s.usd_per_kwh, usd_per_kwh, catalog)) if i is not None)
    acc.assumptions.append(
        f"owning: {gpus} x ${purchase:,.0f} up front less {resale:.0%} resale, plus energy while busy "
        f"({util:.0%} of hours at TDP x PUE {pue:g}); renting: only the busy hours. Idle power, staff, "
        "networking and hosting are not counted")
    for ref in src.refs():
        acc.sources[(ref.kind, ref.id)] = ref
    acc.inputs.update(gpu=accel.id, gpus=gpus, purchase_usd_per_gpu=purchase, usd_per_gpu_hour=rent.usd_per_gpu_hour,
                      utilization=util, pue=pue, usd_per_kwh=usd_per_kwh, resale_fraction=resale,
                      lifetime_years=lifetime, lifetime_months=lifetime * 12)
    price = rent.usd_per_gpu_hour

    def build(v: Values) -> tuple[CostStream, CostStream]:
        energy_month = busy_hours * tdp / WATTS_PER_KW * v.get("pue", pue) * v.get("usd_per_kwh", usd_per_kwh)
        return CostStream("rent", 0.0, busy_hours * v.get("price", price)), CostStream("buy", upfront, energy_month)

    return build
