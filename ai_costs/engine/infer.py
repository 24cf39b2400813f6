"""Inference: a workload priced per token through an API, or served on self-hosted accelerators."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine import layouts as lay
from ai_costs.engine import serving as sv
from ai_costs.engine.common import AcceleratorCost, accelerator_cost, cost_inputs, price_hours, scenario_price, total
from ai_costs.engine.pricing import HourlyPrice
from ai_costs.engine.sources import SourceList
from ai_costs.engine.uncertainty import LogNormal, Response, UncertainInput, attach, lognormal_between, pinned
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, ApiPrice, Catalog, ModelSpec
from ai_costs.models.layout import Layout, parse_layout
from ai_costs.models.report import RANGE_KEYS, CostLine, Report
from ai_costs.models.scenario import InferScenario
from ai_costs.units import DAYS_PER_MONTH, DAYS_PER_YEAR, HOURS_PER_DAY, MILLION, SECONDS_PER_DAY

API_SUMMARY_KEYS = (
    "usd_per_request", "usd_per_day", "usd_per_month", "usd_per_year", "usd_per_million_input_tokens",
    "usd_per_million_output_tokens", "usd_per_million_tokens", "tokens_per_day",
)
SELF_HOSTED_KEYS = (
    "gpus", "replicas", "output_tokens_per_second", "output_tokens_per_second_per_gpu", "ttft_seconds",
    "tpot_seconds", "utilization", "kwh_per_day", "co2_kg_per_day",
)
SELF_HOSTED_RANGE_KEYS = RANGE_KEYS["infer"]  # summary metrics that can carry a range
USD_KEYS = tuple(k for k in SELF_HOSTED_RANGE_KEYS if k.startswith("usd"))  # an API's: its costs


@dataclass(frozen=True)
class Workload:
    """Requests and tokens. A request may fan out into several model calls (agents)."""

    requests_per_day: float | None  # None: no volume given (self-hosted reports full-load economics)
    calls_per_request: float
    input_tokens: float  # per call
    output_tokens: float  # per call, visible
    reasoning_tokens: float  # per call, billed and generated like output
    cached_fraction: float
    batch_fraction: float
    peak_to_average: float

    @property
    def calls_per_day(self) -> float | None:
        return None if self.requests_per_day is None else self.requests_per_day * self.calls_per_request

    @property
    def generated_tokens(self) -> float:
        return self.output_tokens + self.reasoning_tokens

    @property
    def tokens_per_call(self) -> float:
        return self.input_tokens + self.generated_tokens


def resolve_workload(s: InferScenario, assumptions: list[str]) -> Workload:
    if s.input_tokens is None or s.output_tokens is None:
        raise InvalidInput("give --input-tokens and --output-tokens per request (0 is allowed)")
    if s.daily_users is not None:
        per_user = s.requests_per_user or 1.0
        if s.requests_per_user is None:
            assumptions.append("requests per user not given: 1 per day (--requests-per-user)")
        requests: float | None = s.daily_users * per_user
    else:
        requests = s.requests_per_day
    peak = s.peak_to_average or d.DEFAULT_PEAK_TO_AVERAGE
    if s.peak_to_average is None and s.model is not None and requests is not None:
        assumptions.append("no peak-to-average ratio given: capacity sized for the average load (--peak-to-average)")
    return Workload(
        requests_per_day=requests,
        calls_per_request=s.calls_per_request or 1.0,
        input_tokens=float(s.input_tokens),
        output_tokens=float(s.output_tokens),
        reasoning_tokens=float(s.reasoning_tokens or 0),
        cached_fraction=s.cached_fraction or 0.0,
        batch_fraction=s.batch_fraction or 0.0,
        peak_to_average=peak,
    )


def estimate_inference(
    scenario: InferScenario, catalog: Catalog, *, today: dt.date | None = None,
    factors: Mapping[str, float] | None = None, ranges: bool = True, spreads: Mapping[str, float] | None = None,
) -> Report:
    """Estimate serving cost, with ranges unless `ranges` is False. Pure: no I/O; every default is
    reported in `inputs`. `factors["serving_efficiency"]` (default 1) divides every modelled step time."""
    report, response = inference_model(scenario, catalog, today=today, factors=factors)
    return attach(report, response, enabled=ranges, spreads=spreads or {})


def inference_model(
    scenario: InferScenario, catalog: Catalog, *, today: dt.date | None = None,
    factors: Mapping[str, float] | None = None,
) -> tuple[Report, Response]:
    """The central estimate (without ranges) and how its metrics respond to the uncertain inputs."""
    src = SourceList(today or dt.date.today())
    assumptions: list[str] = []
    warnings: list[str] = []
    work = resolve_workload(scenario, assumptions)
    if scenario.api is not None:
        return _api_report(scenario, work, catalog.api(scenario.api), src, assumptions, warnings)
    speed = (factors or {}).get("serving_efficiency", 1.0)
    return _self_hosted_report(scenario, work, catalog, src, assumptions, warnings, speed)


def _per_period(usd_per_day: float) -> dict[str, float]:
    return {"usd_per_day": usd_per_day, "usd_per_month": usd_per_day * DAYS_PER_MONTH,
            "usd_per_year": usd_per_day * DAYS_PER_YEAR}


def _per_million(usd: float, tokens: float) -> float | None:
    return usd / tokens * MILLION if tokens > 0 else None


def _workload_inputs(w: Workload) -> dict[str, Any]:
    return {
        "requests_per_day": w.requests_per_day, "calls_per_request": w.calls_per_request,
        "input_tokens": w.input_tokens, "output_tokens": w.output_tokens, "reasoning_tokens": w.reasoning_tokens,
        "cached_fraction": w.cached_fraction, "batch_fraction": w.batch_fraction,
        "peak_to_average": w.peak_to_average,
    }


# --- API -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ApiRates:
    """USD per million tokens that apply to this workload's calls."""

    input: float
    cached_input: float
    output: float
    batch_discount: float  # applied to the batch share of calls
    long_context: bool


def api_rates(api: ApiPrice, w: Workload, warnings: list[str]) -> ApiRates:
    """Pick the tier (long-context above its threshold) and fill cached/batch prices the API lacks."""
    long = api.long_context_threshold_tokens is not None and w.input_tokens > api.long_context_threshold_tokens
    p_in = (api.long_context_usd_per_million_input_tokens if long else None) or api.usd_per_million_input_tokens
    p_out = (api.long_context_usd_per_million_output_tokens if long else None) or api.usd_per_million_output_tokens
    p_cached = api.usd_per_million_cached_input_tokens
    if p_cached is not None and long:
        # Catalogs list no long-context cache price; providers price cache reads as a fixed share of the
        # input price (Anthropic, Google: 0.1x) in both tiers, so the share is kept.
        p_cached *= p_in / api.usd_per_million_input_tokens
    if p_cached is None:
        if w.cached_fraction > 0:
            warnings.append(f"{api.id} lists no cached-input price: cached tokens are billed as input")
        p_cached = p_in
    discount = api.batch_discount or 0.0
    if w.batch_fraction > 0 and api.batch_discount is None:
        warnings.append(f"{api.id} lists no batch-API discount: batch calls are billed at the full price")
    return ApiRates(p_in, p_cached, p_out, discount, long)


def api_cost_per_call(rates: ApiRates, w: Workload) -> tuple[float, float]:
    """(input USD, generated USD) per call after cache and batch discounts; reasoning billed as output."""
    full = 1.0 - w.batch_fraction * rates.batch_discount
    uncached = w.input_tokens * (1 - w.cached_fraction) * rates.input
    cached = w.input_tokens * w.cached_fraction * rates.cached_input
    return (uncached + cached) / MILLION * full, w.generated_tokens * rates.output / MILLION * full


def _api_report(
    s: InferScenario, w: Workload, api: ApiPrice, src: SourceList, assumptions: list[str], warnings: list[str]
) -> tuple[Report, Response]:
    src.add("api_price", api.id, api.source, api.as_of)
    if w.requests_per_day is None:
        raise InvalidInput("give the request volume: --daily-users N [--requests-per-user N] or --requests-per-day N")
    if api.status in {"retired", "legacy", "superseded"}:
        warnings.append(f"{api.id} is {api.status}: its price may no longer be offered")
    if w.reasoning_tokens and not api.reasoning:
        warnings.append(f"{api.id} is not listed as a reasoning model; reasoning tokens are billed as output anyway")
    rates = api_rates(api, w, warnings)
    if rates.long_context:
        assumptions.append(f"prompts over {api.long_context_threshold_tokens:,} tokens: long-context prices apply")
    calls = w.calls_per_day or 0.0
    full = 1.0 - w.batch_fraction * rates.batch_discount
    lines = _api_lines(rates, w, calls, full)

    def metrics(v: Mapping[str, float]) -> dict[str, float | None]:
        work = dataclasses.replace(w, reasoning_tokens=v["reasoning_tokens"]) if "reasoning_tokens" in v else w
        in_call, out_call = api_cost_per_call(rates, work)
        return {
            "usd_per_request": (in_call + out_call) * work.calls_per_request,
            **_per_period((in_call + out_call) * calls),
            "usd_per_million_input_tokens": _per_million(in_call, work.input_tokens),
            "usd_per_million_output_tokens": _per_million(out_call, work.generated_tokens),
            "usd_per_million_tokens": _per_million(in_call + out_call, work.tokens_per_call),
            "tokens_per_day": work.tokens_per_call * calls,
        }

    inputs = _reasoning_inputs(s, api, w, assumptions)
    response = Response(inputs, metrics, USD_KEYS, "usd_per_month")
    summary: dict[str, Any] = dict(response.at())
    if w.calls_per_request != 1:
        assumptions.append(f"each request makes {w.calls_per_request:g} model calls (agent steps)")
    inputs_doc = {"kind": "infer", "deployment": "api", "api": api.id, **_workload_inputs(w),
                  "usd_per_million_input_tokens": rates.input, "usd_per_million_cached_input_tokens": rates.cached_input,
                  "usd_per_million_output_tokens": rates.output, "batch_discount": rates.batch_discount}
    report = Report(command="infer", inputs=inputs_doc, summary=summary, line_items=tuple(lines),
                    assumptions=tuple(assumptions), warnings=tuple(warnings + src.stale_warnings()),
                    sources=src.refs(), detail=_describe(s, {"api": api.name, "provider": api.provider}))
    return report, response


def _reasoning_inputs(s: InferScenario, api: ApiPrice, w: Workload, assumptions: list[str]) -> tuple[UncertainInput, ...]:
    """Reasoning tokens per call: uncertain for a reasoning model when not given (the summary counts 0);
    list prices and given token counts are exact."""
    if s.reasoning_tokens is not None:
        return (pinned("reasoning_tokens", w.reasoning_tokens, "--reasoning-tokens", "tokens per call"),)
    if not api.reasoning:
        return ()
    low, high = d.REASONING_TOKENS_P5_P95
    assumptions.append(f"{api.id} is a reasoning model and no --reasoning-tokens were given: the summary counts none; "
                       f"the range assumes {low:,.0f}-{high:,.0f} per call (p5-p95)")
    return (UncertainInput("reasoning_tokens", 0.0, lognormal_between(math.sqrt(low * high), low, high),
                           "not given for a reasoning model: OpenAI's reasoning guide says a few hundred to tens of "
                           f"thousands per call, read as p5 {low:,.0f} and p95 {high:,.0f}, log-normal",
                           "tokens per call"),)


def _api_lines(rates: ApiRates, w: Workload, calls: float, full: float) -> list[CostLine]:
    """Per-day cost lines: uncached input, cached input, output, reasoning (discounted share applied)."""
    parts = [
        ("input tokens", w.input_tokens * (1 - w.cached_fraction), rates.input),
        ("cached input tokens", w.input_tokens * w.cached_fraction, rates.cached_input),
        ("output tokens", w.output_tokens, rates.output),
        ("reasoning tokens (billed as output)", w.reasoning_tokens, rates.output),
    ]
    lines = []
    for name, per_call, price in parts:
        if per_call <= 0:
            continue
        millions = per_call * calls / MILLION
        lines.append(CostLine(name=f"{name} per day" + (" (batch share discounted)" if full < 1 else ""),
                              quantity=millions, unit="1M tokens", usd_per_unit=price * full,
                              usd=millions * price * full, assumption=True))
    return lines


# --- self-hosted -----------------------------------------------------------------------------------

def _default_kv_precision(precision: str) -> str:
    """FP8 KV cache with FP8/FP4 weights (as TensorRT-LLM's FP8 recipes do), 16-bit otherwise."""
    return "fp8" if precision in {"fp8", "fp4"} else "bf16"


@dataclass(frozen=True)
class Hosting:
    """What is served on what: the resolved model, accelerator, precisions and price."""

    model: ModelSpec
    accel: Accelerator
    precision: str
    kv_precision: str
    price: HourlyPrice
    deployment: lay.Deployment


def _hosting(s: InferScenario, catalog: Catalog, src: SourceList, assumptions: list[str]) -> Hosting:
    model = catalog.model(s.model or "")
    accel = catalog.accelerator(s.gpu or d.DEFAULT_GPU)
    if s.gpu is None:
        assumptions.append(f"accelerator not given: {accel.id} (--gpu to choose)")
    src.add("model", model.id, model.source, model.as_of)
    src.add("accelerator", accel.id, accel.source, accel.as_of)
    precision = s.precision or d.DEFAULT_INFER_PRECISION
    kv_precision = s.kv_precision or _default_kv_precision(precision)
    price = scenario_price(s, accel, catalog)
    scale_out = price.offer.scale_out_gb_per_s if price.offer else None
    deployment = lay.Deployment(model, accel, precision, kv_precision, scale_out)
    return Hosting(model, accel, precision, kv_precision, price, deployment)


def _request(s: InferScenario, w: Workload, speed: float) -> lay.Request:
    uncached = w.input_tokens * (1 - w.cached_fraction)
    if uncached <= 0 and w.generated_tokens <= 0:
        raise InvalidInput("nothing to compute per request: every input token is cached and no tokens are "
                           "generated; give --output-tokens or a --cached-fraction below 1")
    if speed <= 0:
        raise InvalidInput("factor serving_efficiency must be positive")
    return lay.Request(
        prompt_tokens=w.input_tokens, uncached_tokens=uncached, decode_tokens=w.generated_tokens,
        speculative_speedup=s.speculative_speedup or 1.0, max_ttft=s.max_ttft, max_tpot=s.max_tpot,
        batch=s.batch_size if isinstance(s.batch_size, int) else None, speed=speed,
    )


def _score(w: Workload, utilization: float) -> lay.Score:
    """Cheapest per token: with a request volume, the fewest accelerators in whole replicas for the peak
    (then the highest throughput per accelerator); without one, the highest throughput per accelerator."""
    if w.calls_per_day is None:
        return lay.per_gpu_throughput
    need = w.calls_per_day / SECONDS_PER_DAY * w.peak_to_average / utilization

    def score(requests_per_s: float, gpus: int) -> tuple[float, ...]:
        replicas = max(1, math.ceil(need / requests_per_s)) if requests_per_s > 0 else math.inf
        return (replicas * gpus, -requests_per_s / gpus)
    return score


def _choose_layout(
    s: InferScenario, h: Hosting, q: lay.Request, score: lay.Score, assumptions: list[str], warnings: list[str]
) -> tuple[lay.Choice, int | None]:
    """The layout: the one given (--parallelism), the best of those with --gpus accelerators, or the best
    of the replica sizes from the fewest that fit up to 8x that. Returns the choice and the fewest."""
    dep, model, accel = h.deployment, h.model, h.accel
    context = q.context
    if context > model.context_length:
        warnings.append(f"{context:,.0f} tokens per request exceed {model.id}'s context of {model.context_length:,}")
    fewest = dep.fewest_gpus(context)
    if s.parallelism is not None:
        wanted = parse_layout(s.parallelism)
        return _given_layout(dep, wanted, q, warnings), fewest
    if s.gpus is not None:
        pool = dep.fitting(s.gpus, context)
        if not pool:
            raise _does_not_fit(h, s.gpus, fewest, context)
        choice = lay.best(pool, q, score)
        assumptions.append(f"layout not given: {choice.replica.layout.label}, the cheapest per token of the "
                           f"{choice.considered} that fit {s.gpus} x {accel.id} (--parallelism to choose)")
        return choice, fewest
    if fewest is None:
        raise InvalidInput(f"{model.id} in {h.precision} does not fit on up to {lay.SEARCH_GPUS[-1]} x {accel.id} "
                           "in any layout", code="does_not_fit")
    sizes = [n for n in lay.SEARCH_GPUS if fewest <= n <= fewest * lay.SEARCH_SPAN]
    pool = [r for n in sizes for r in dep.fitting(n, context)]
    choice = lay.best(pool, q, score)
    assumptions.append(
        f"accelerators per replica not given: {choice.replica.gpus} ({choice.replica.layout.label}), the cheapest "
        f"per token of {choice.considered} layouts on {sizes[0]}-{sizes[-1]} x {accel.id} (--gpus or --parallelism "
        "to choose)")
    return choice, fewest


def _given_layout(dep: lay.Deployment, wanted: Layout, q: lay.Request, warnings: list[str]) -> lay.Choice:
    """A pinned layout: exit 2 naming the broken constraint and the nearest layout that works."""
    broken = lay.problems(dep.model, wanted)
    code = "bad_layout"
    if not broken:
        r = dep.replica(wanted)
        if not sv.fits(r, q.context):
            code = "does_not_fit"
            broken = [f"it does not fit in memory: {r.weight_bytes_per_gpu / 1e9:,.1f} GB of weights per "
                      f"accelerator of {r.usable_bytes / 1e9:,.1f} GB usable leave no room for one "
                      f"{q.context:,.0f}-token KV cache"]
    if broken:
        near = lay.nearest(dep, wanted, q.context)
        hint = (f"; the nearest layout that works: --parallelism {near.label} ({near.gpus} x {dep.accel.id})"
                if near else f"; no layout of up to {lay.SEARCH_GPUS[-1]} x {dep.accel.id} fits")
        raise InvalidInput(f"--parallelism {wanted.label} on {dep.accel.id} for {dep.model.id}: "
                           + "; ".join(broken) + hint, code=code)
    if wanted.tensor > dep.domain:
        warnings.append(
            f"tp={wanted.tensor} spans {math.ceil(wanted.tensor / dep.domain)} scale-up domains of {dep.domain} x "
            f"{dep.accel.id}: its all-reduces cross the scale-out network; pipeline parallel across nodes "
            f"(tp={dep.domain},pp=...) is the usual layout")
    return lay.best([r], q, lay.per_gpu_throughput)


def _does_not_fit(h: Hosting, gpus: int, fewest: int | None, context: float) -> InvalidInput:
    r = h.deployment.replica(Layout(tensor=1, pipeline=1))
    need = f"at least {fewest} x {h.accel.id}" if fewest else f"more than {lay.SEARCH_GPUS[-1]} x {h.accel.id}"
    flag = f" (--gpus {fewest})" if fewest else ""
    return InvalidInput(
        f"{h.model.id} in {h.precision} does not fit on {gpus} x {h.accel.id} in any layout: weights take "
        f"{r.weight_bytes / 1e9:,.0f} GB of {gpus * r.usable_bytes / 1e9:,.0f} GB usable, leaving no room "
        f"for a {context:,.0f}-token KV cache; the fewest that fit: {need}{flag}", code="does_not_fit")


@dataclass(frozen=True)
class Capacity:
    """Whole replicas for the peak, billed whether busy or not."""

    replicas: int
    calls_per_day: float  # served (the demand, or one replica at the target load)
    target: float  # --utilization
    requests_per_s: float  # of one replica


def _capacity(s: InferScenario, w: Workload, p: sv.ServingPoint, assumptions: list[str]) -> Capacity:
    target = s.utilization or d.DEFAULT_UTILIZATION
    rps = p.requests_per_second
    if w.calls_per_day is None:
        assumptions.append("no request volume given: one replica at full load (--daily-users or --requests-per-day)")
        return Capacity(1, rps * target * SECONDS_PER_DAY, target, rps)
    demand = w.calls_per_day / SECONDS_PER_DAY
    replicas = max(1, math.ceil(demand * w.peak_to_average / (rps * target)))
    return Capacity(replicas, w.calls_per_day, target, rps)


def _self_hosted_report(
    s: InferScenario, w: Workload, catalog: Catalog, src: SourceList, assumptions: list[str], warnings: list[str],
    speed: float,
) -> tuple[Report, Response]:
    h = _hosting(s, catalog, src, assumptions)
    q = _request(s, w, speed)
    target = s.utilization or d.DEFAULT_UTILIZATION
    choice, fewest = _choose_layout(s, h, q, _score(w, target), assumptions, warnings)
    replica, point = choice.replica, choice.point
    _note_fabric(replica, assumptions)
    cap = _capacity(s, w, point, assumptions)
    gpus = replica.gpus
    cost = accelerator_cost(s, h.accel, cap.replicas * gpus * HOURS_PER_DAY, "inference_power_fraction", catalog,
                            src, assumptions, warnings, price=h.price)
    response = _self_hosted_response(s, w, h, replica, point, cap, cost, catalog, src.today)
    central = response.at()
    summary: dict[str, Any] = {k: central[k] for k in (*API_SUMMARY_KEYS, *SELF_HOSTED_KEYS)}
    lines = _self_hosted_lines(h, w, cap, gpus, cost)
    assumptions.append(
        f"serving model: matmuls at {d.GEMM_EFFICIENCY:.0%} of peak less {d.GEMM_ROW_OVERHEAD:g} rows per GEMM, "
        f"memory at {d.SERVING_MEMORY_EFFICIENCY:.0%} of bandwidth, links at "
        f"{d.COMM_BANDWIDTH_EFFICIENCY:.0%} of bandwidth, collectives not overlapped with compute (calibrated)")
    if speed != 1.0:
        assumptions.append(f"every step time divided by a serving efficiency factor of {speed:g}")
    price = cost.price
    inputs = {
        "kind": "infer", "deployment": "self-hosted", **_workload_inputs(w), "model": h.model.id, "gpu": h.accel.id,
        "gpus": gpus, "parallelism": replica.layout.label, "precision": h.precision, "kv_precision": h.kv_precision,
        "batch_size": point.batch, "max_ttft": s.max_ttft, "max_tpot": s.max_tpot,
        "speculative_speedup": q.speculative_speedup,
        "utilization": cap.target, "pricing": price.pricing, "cloud": price.offer.provider if price.offer else None,
        "usd_per_gpu_hour": price.usd_per_gpu_hour, "purchase_usd_per_gpu": price.purchase_usd_per_gpu,
        "lifetime_years": price.lifetime_years, "pue": cost.pue, "usd_per_kwh": cost.usd_per_kwh,
        "grid_gco2_per_kwh": cost.grid_gco2_per_kwh, "inference_power_fraction": cost.power_fraction,
    }
    report = Report(command="infer", inputs=inputs, summary=summary, line_items=tuple(lines),
                    assumptions=tuple(assumptions), warnings=tuple(warnings + src.stale_warnings()),
                    sources=src.refs(), detail=_describe(s, _self_hosted_detail(choice, q, fewest, cap)))
    return report, response


def _self_hosted_response(
    s: InferScenario, w: Workload, h: Hosting, replica: sv.Replica, point: sv.ServingPoint, cap: Capacity,
    cost: AcceleratorCost, catalog: Catalog, today: dt.date,
) -> Response:
    """How the summary responds to the serving speed (calibrated spread of the model for this case class),
    the price and the energy figures."""
    case = sv.speed_case(replica)
    sigma = sv.speed_log_sigma(case)
    fleet = Fleet(w, replica.gpus, point, cap.target, h.accel.tdp_watts, cost)
    inputs_u = (
        UncertainInput("serving_speed", 1.0, LogNormal(1.0, sigma),
                       f"log-normal factor on the modelled speed, log_sigma {sigma:g}: the serving model's "
                       f"calibrated error for {case} cases (90th percentile of |log error| / 1.645 on the "
                       "published runs, docs/validation.md)", "x modelled speed"),
        *cost_inputs(s, h.accel, cost, catalog, today),
    )
    headline = ("output_tokens_per_second_per_gpu" if cost.total_usd is None
                else "usd_per_month" if w.calls_per_day is not None else "usd_per_million_tokens")
    # With a volume the replicas are whole (rounded up): not a product of the inputs.
    return Response(inputs_u, fleet.metrics, SELF_HOSTED_RANGE_KEYS, headline, product=w.calls_per_day is None)


def _note_fabric(r: sv.Replica, assumptions: list[str]) -> None:
    if r.gpus > 1 and r.fabric.assumed:
        assumptions.append(f"{r.accel.id} lists no figure for: " + "; ".join(r.fabric.assumed)
                           + " (assumed; docs/explanation/methodology-inference.md)")


@dataclass(frozen=True)
class Fleet:
    """Replicas serving the workload at the chosen layout and batch. `metrics` gives the summary for given
    values of the serving speed (a factor on the modelled speed, layout and batch kept), the price and the
    energy figures. The day's cost is split between prompts and generated tokens in proportion to the
    replica time each takes (ServingPoint.input_share); unpriced costs are None, never 0."""

    work: Workload
    gpus: int  # per replica
    point: sv.ServingPoint
    target: float  # highest planned load per replica
    tdp_watts: float | None
    cost: AcceleratorCost  # central price and energy figures

    def replicas(self, speed: float) -> int:
        """Whole replicas for the peak load (one when no volume is given)."""
        w = self.work
        if w.calls_per_day is None:
            return 1
        demand = w.calls_per_day / SECONDS_PER_DAY
        return max(1, math.ceil(demand * w.peak_to_average / (self.point.requests_per_second * speed * self.target)))

    def metrics(self, v: Mapping[str, float]) -> dict[str, float | None]:
        w, p, c = self.work, self.point, self.cost
        speed = v.get("serving_speed", 1.0)
        rps = p.requests_per_second * speed
        replicas = self.replicas(speed)
        demand = rps * self.target if w.calls_per_day is None else w.calls_per_day / SECONDS_PER_DAY
        calls_per_day = demand * SECONDS_PER_DAY
        total_gpus = replicas * self.gpus
        compute, energy, kwh_day, co2_day = price_hours(
            total_gpus * HOURS_PER_DAY, self.tdp_watts, c.power_fraction, c.price.owned,
            v.get("price", c.price.usd_per_gpu_hour), v.get("pue", c.pue), v.get("usd_per_kwh", c.usd_per_kwh),
            v.get("grid_gco2_per_kwh", c.grid_gco2_per_kwh))
        usd_day = total(compute, energy)
        in_tokens_day = w.input_tokens * calls_per_day
        out_tokens_day = w.generated_tokens * calls_per_day
        money: dict[str, float | None] = dict.fromkeys(
            ("usd_per_request", "usd_per_day", "usd_per_month", "usd_per_year", "usd_per_million_input_tokens",
             "usd_per_million_output_tokens", "usd_per_million_tokens"))
        if usd_day is not None:
            money.update(
                usd_per_request=usd_day / calls_per_day * w.calls_per_request, **_per_period(usd_day),
                usd_per_million_input_tokens=_per_million(usd_day * p.input_share, in_tokens_day),
                usd_per_million_output_tokens=_per_million(usd_day * (1 - p.input_share), out_tokens_day),
                usd_per_million_tokens=_per_million(usd_day, in_tokens_day + out_tokens_day))
        return {
            **money,
            "tokens_per_day": in_tokens_day + out_tokens_day,
            "gpus": total_gpus,
            "replicas": replicas,
            "output_tokens_per_second": rps * w.generated_tokens * replicas,
            "output_tokens_per_second_per_gpu": rps * w.generated_tokens / self.gpus,
            "ttft_seconds": p.ttft_seconds / speed,
            "tpot_seconds": p.tpot_seconds / speed,
            "utilization": demand / (rps * replicas),
            "kwh_per_day": kwh_day,
            "co2_kg_per_day": co2_day,
            "replica_requests_per_second": rps,  # not in the summary: for breakeven's volume crossover
        }


def _self_hosted_lines(h: Hosting, w: Workload, cap: Capacity, gpus: int, cost: AcceleratorCost) -> list[CostLine]:
    price = cost.price
    hours = cap.replicas * gpus * HOURS_PER_DAY
    lines = [CostLine(
        name=f"{h.accel.id} accelerator-hours per day ({cap.replicas} x {gpus}, {price.label})",
        quantity=hours, unit="GPU-hour", usd_per_unit=price.usd_per_gpu_hour, usd=cost.compute_usd,
        assumption=price.chosen_by_default or w.calls_per_day is None,
    )]
    if cost.kwh is not None:
        lines.append(CostLine(
            name="energy per day" + ("" if price.owned else " (included in the rental price)"),
            quantity=cost.kwh, unit="kWh", usd_per_unit=cost.usd_per_kwh if price.owned else 0.0,
            usd=cost.energy_usd, assumption=True))
    return lines


def _self_hosted_detail(choice: lay.Choice, q: lay.Request, fewest: int | None, cap: Capacity) -> dict[str, Any]:
    r, p = choice.replica, choice.point
    kv_used = p.batch / r.layout.data * r.kv_bytes_per_sequence(q.average_context)
    weights = r.weight_bytes_per_gpu
    return {
        "parallelism": r.layout.to_dict(),
        "memory_per_gpu_gb": {
            "capacity": r.accel.memory_gb,
            "usable": r.usable_bytes / 1e9,
            "weights": weights / 1e9,
            "kv_cache": kv_used / 1e9,
            "free": (r.usable_bytes - weights - kv_used) / 1e9,
        },
        "kv_cache_bytes_per_token": r.kv_bytes_per_token_total,
        "batch_size": p.batch,
        "max_batch_by_memory": choice.batch_limit,
        "fewest_gpus_that_fit": fewest,
        "layouts_considered": choice.considered,
        "replica_requests_per_second": cap.requests_per_s,
        "prefill_seconds_per_request": p.prefill_seconds,
        "decode_step_seconds": p.step_seconds,
        "prefill_time_split": p.prefill_split.to_dict(),
        "decode_step_time_split": p.step_split.to_dict(),
        "moe": r.model.is_moe,
        "speed_case": sv.speed_case(r),
    }


def _describe(s: InferScenario, detail: dict[str, Any]) -> dict[str, Any]:
    if s.description:
        detail["description"] = s.description
    if s.note:
        detail["note"] = s.note
    return detail
