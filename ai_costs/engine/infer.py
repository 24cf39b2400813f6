"""Inference: a workload priced per token through an API, or served on self-hosted accelerators."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_costs.engine import defaults as d
from ai_costs.engine import serving as sv
from ai_costs.engine.common import AcceleratorCost, accelerator_cost, cost_inputs, price_hours, total
from ai_costs.engine.sources import SourceList
from ai_costs.engine.uncertainty import LogNormal, Response, UncertainInput, attach, lognormal_between, pinned
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import ApiPrice, Catalog
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
    efficiency = (factors or {}).get("serving_efficiency", 1.0)
    return _self_hosted_report(scenario, work, catalog, src, assumptions, warnings, efficiency)


def serving_speed_log_sigma() -> float:
    """Spread (log-sigma) of the serving speed around the modelled one; provisional: one constant."""
    return d.SERVING_SPEED_LOG_SIGMA


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


def _choose_batch(
    s: InferScenario, replica: sv.Replica, w: Workload, uncached: float, speedup: float, efficiency: float = 1.0
) -> tuple[sv.ServingPoint, int]:
    """The largest batch that fits the KV cache and meets --max-ttft / --max-tpot (both grow with batch)."""
    average_context = w.input_tokens + w.generated_tokens / 2.0
    limit = max(1, sv.max_batch(replica, average_context))

    def point(b: int) -> sv.ServingPoint:
        return sv.serving_point(replica, b, w.input_tokens, uncached, w.generated_tokens, speedup, efficiency)

    def ok(p: sv.ServingPoint) -> bool:
        return (s.max_tpot is None or p.tpot_seconds <= s.max_tpot) and (
            s.max_ttft is None or p.ttft_seconds <= s.max_ttft)

    def missed(p: sv.ServingPoint, fixed: bool) -> InvalidInput:
        if s.max_tpot is not None and p.tpot_seconds > s.max_tpot:
            target, value, what = f"--max-tpot {s.max_tpot:g}", p.tpot_seconds, "time per output token"
        else:
            target, value, what = f"--max-ttft {s.max_ttft:g}", p.ttft_seconds, "time to first token"
        where = f"{replica.gpus} x {replica.accel.id}"
        if fixed:
            return InvalidInput(f"{target} s cannot be met at --batch-size {p.batch}: the {what} there is "
                                f"{value:.4g} s on {where} (a smaller batch or 'auto' may meet it)", code="latency_target")
        return InvalidInput(f"{target} s cannot be met: the best achievable {what} on {where} is {value:.4g} s "
                            "(batch 1)", code="latency_target")

    if isinstance(s.batch_size, int):
        if s.batch_size > limit:
            raise InvalidInput(
                f"--batch-size {s.batch_size} does not fit: the KV cache of {replica.gpus} x {replica.accel.id} holds "
                f"at most {limit} sequences of {average_context:,.0f} tokens on average", code="does_not_fit")
        chosen = point(s.batch_size)
        if not ok(chosen):
            raise missed(chosen, fixed=True)
    else:
        best = point(1)
        if not ok(best):
            raise missed(best, fixed=False)
        lo, hi = 1, limit  # invariant: ok(point(lo)); find the largest ok batch
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if ok(point(mid)):
                lo = mid
            else:
                hi = mid - 1
        chosen = point(lo)
    return chosen, limit


def _self_hosted_report(
    s: InferScenario, w: Workload, catalog: Catalog, src: SourceList, assumptions: list[str], warnings: list[str],
    efficiency: float = 1.0,
) -> tuple[Report, Response]:
    model = catalog.model(s.model or "")
    accel = catalog.accelerator(s.gpu or d.DEFAULT_GPU)
    if s.gpu is None:
        assumptions.append(f"accelerator not given: {accel.id} (--gpu to choose)")
    src.add("model", model.id, model.source, model.as_of)
    src.add("accelerator", accel.id, accel.source, accel.as_of)
    precision = s.precision or d.DEFAULT_INFER_PRECISION
    kv_precision = s.kv_precision or _default_kv_precision(precision)
    context = w.input_tokens + w.generated_tokens
    if context > model.context_length:
        warnings.append(f"{context:,.0f} tokens per request exceed {model.id}'s context of {model.context_length:,}")

    fewest = sv.fewest_gpus_that_fit(model, accel, precision, kv_precision, context)
    gpus = s.gpus or fewest
    if gpus is None:
        raise InvalidInput(
            f"{model.id} in {precision} does not fit on up to {sv.TP_SIZES[-1]} x {accel.id}", code="does_not_fit")
    replica = sv.make_replica(model, accel, gpus, precision, kv_precision)
    if not sv.fits(replica, context):
        need = f"at least {fewest} x {accel.id}" if fewest else f"more than {sv.TP_SIZES[-1]} x {accel.id}"
        raise InvalidInput(
            f"{model.id} in {precision} does not fit on {gpus} x {accel.id}: weights take "
            f"{replica.weight_bytes / 1e9:,.0f} GB of {replica.usable_bytes / 1e9:,.0f} GB usable, leaving no room "
            f"for a {context:,.0f}-token KV cache; the fewest that fit: {need} (--gpus {fewest})",
            code="does_not_fit")
    if s.gpus is None:
        assumptions.append(f"accelerators per replica not given: the fewest that fit ({gpus})")

    speedup = s.speculative_speedup or 1.0
    uncached = w.input_tokens * (1 - w.cached_fraction)
    if uncached <= 0 and w.generated_tokens <= 0:
        raise InvalidInput("nothing to compute per request: every input token is cached and no tokens are "
                           "generated; give --output-tokens or a --cached-fraction below 1")
    point, batch_limit = _choose_batch(s, replica, w, uncached, speedup, efficiency)
    requests_per_s = point.batch / (point.batch * point.prefill_seconds + w.generated_tokens * point.step_seconds)

    # Capacity planning: whole replicas for the peak, billed whether busy or not.
    target = s.utilization or d.DEFAULT_UTILIZATION
    if w.calls_per_day is None:
        assumptions.append("no request volume given: one replica at full load (--daily-users or --requests-per-day)")
    fleet = Fleet(w, gpus, point, requests_per_s, target, accel.tdp_watts)
    cost = accelerator_cost(s, accel, fleet.replicas(1.0) * gpus * HOURS_PER_DAY, "inference_power_fraction", catalog,
                            src, assumptions, warnings)
    fleet = dataclasses.replace(fleet, cost=cost)
    price = cost.price
    inputs_u = (
        UncertainInput("serving_speed", 1.0, LogNormal(1.0, serving_speed_log_sigma()),
                       f"log-normal factor on the modelled speed, log_sigma {serving_speed_log_sigma():g}: "
                       "provisional, the RMS error of the serving model on the twelve TensorRT-LLM runs",
                       "x modelled speed"),
        *cost_inputs(s, accel, cost, catalog),
    )
    headline = ("output_tokens_per_second_per_gpu" if cost.total_usd is None
                else "usd_per_month" if w.calls_per_day is not None else "usd_per_million_tokens")
    # With a volume the replicas are whole (rounded up): not a product of the inputs.
    response = Response(inputs_u, fleet.metrics, SELF_HOSTED_RANGE_KEYS, headline, product=w.calls_per_day is None)
    central = response.at()
    summary: dict[str, Any] = {k: central[k] for k in (*API_SUMMARY_KEYS, *SELF_HOSTED_KEYS)}
    replicas, gpu_hours_day = summary["replicas"], summary["gpus"] * HOURS_PER_DAY
    lines = [CostLine(
        name=f"{accel.id} accelerator-hours per day ({replicas} x {gpus}, {price.label})",
        quantity=gpu_hours_day, unit="GPU-hour", usd_per_unit=price.usd_per_gpu_hour, usd=cost.compute_usd,
        assumption=price.chosen_by_default or w.calls_per_day is None,
    )]
    if cost.kwh is not None:
        lines.append(CostLine(
            name="energy per day" + ("" if price.owned else " (included in the rental price)"),
            quantity=cost.kwh, unit="kWh", usd_per_unit=cost.usd_per_kwh if price.owned else 0.0, usd=cost.energy_usd,
            assumption=True))
    assumptions.append(
        f"serving model: prefill at {d.PREFILL_COMPUTE_EFFICIENCY:.0%} of peak, decode matmuls at "
        f"{d.DECODE_COMPUTE_EFFICIENCY:.0%}, memory at {d.SERVING_MEMORY_EFFICIENCY:.0%} of bandwidth, "
        f"+{d.TP_OVERHEAD_PER_EXTRA_GPU:.0%} step time per extra tensor-parallel accelerator (calibrated)")
    per_gpu = 1e9 * gpus
    kv_used = point.batch * (w.input_tokens + w.generated_tokens / 2.0) * replica.kv_bytes_per_token
    inputs = {
        "kind": "infer", "deployment": "self-hosted", **_workload_inputs(w), "model": model.id, "gpu": accel.id,
        "gpus": gpus, "precision": precision, "kv_precision": kv_precision,
        "batch_size": point.batch, "max_ttft": s.max_ttft, "max_tpot": s.max_tpot, "speculative_speedup": speedup,
        "utilization": target, "pricing": price.pricing, "cloud": price.offer.provider if price.offer else None,
        "usd_per_gpu_hour": price.usd_per_gpu_hour, "purchase_usd_per_gpu": price.purchase_usd_per_gpu,
        "lifetime_years": price.lifetime_years, "pue": cost.pue, "usd_per_kwh": cost.usd_per_kwh,
        "grid_gco2_per_kwh": cost.grid_gco2_per_kwh, "inference_power_fraction": cost.power_fraction,
    }
    detail = _describe(s, {
        "memory_per_gpu_gb": {
            "capacity": accel.memory_gb,
            "usable": replica.usable_bytes / per_gpu,
            "weights": replica.weight_bytes / per_gpu,
            "kv_cache": kv_used / per_gpu,
            "free": (replica.usable_bytes - replica.weight_bytes - kv_used) / per_gpu,
        },
        "kv_cache_bytes_per_token": replica.kv_bytes_per_token,
        "batch_size": point.batch,
        "max_batch_by_memory": batch_limit,
        "fewest_gpus_that_fit": fewest,
        "replica_requests_per_second": requests_per_s,
        "prefill_seconds_per_request": point.prefill_seconds,
        "decode_step_seconds": point.step_seconds,
        "moe": model.is_moe,
    })
    report = Report(command="infer", inputs=inputs, summary=summary, line_items=tuple(lines),
                    assumptions=tuple(assumptions), warnings=tuple(warnings + src.stale_warnings()),
                    sources=src.refs(), detail=detail)
    return report, response


@dataclass(frozen=True)
class Fleet:
    """Replicas serving the workload at one batch size; `metrics` gives the summary for given values of
    the serving speed (a factor on the modelled speed, the batch kept), price and energy figures."""

    work: Workload
    gpus: int  # per replica
    point: sv.ServingPoint
    requests_per_s: float  # of one replica at full load, modelled
    target: float  # highest planned load per replica
    tdp_watts: float | None
    cost: AcceleratorCost | None = None  # central price and energy figures

    def replicas(self, speed: float) -> int:
        """Whole replicas for the peak load (one when no volume is given)."""
        w = self.work
        if w.calls_per_day is None:
            return 1
        demand = w.calls_per_day / SECONDS_PER_DAY
        return max(1, math.ceil(demand * w.peak_to_average / (self.requests_per_s * speed * self.target)))

    @functools.cached_property
    def input_share(self) -> float:
        """The prompt's (prefill's) share of the replica-time of a request; the rest is its generated tokens."""
        p = self.point
        decode_share_s = self.work.generated_tokens * p.step_seconds / p.batch
        return p.prefill_seconds / (p.prefill_seconds + decode_share_s)

    def metrics(self, v: Mapping[str, float]) -> dict[str, float | None]:
        w, p, c = self.work, self.point, self.cost
        assert c is not None
        speed = v.get("serving_speed", 1.0)
        rps = self.requests_per_s * speed
        replicas = self.replicas(speed)
        demand = rps * self.target if w.calls_per_day is None else w.calls_per_day / SECONDS_PER_DAY
        calls_per_day = demand * SECONDS_PER_DAY
        total_gpus = replicas * self.gpus
        compute, energy, kwh_day, co2_day = price_hours(
            total_gpus * HOURS_PER_DAY, self.tdp_watts, c.power_fraction, c.price.owned,
            v.get("price", c.price.usd_per_gpu_hour), v.get("pue", c.pue), v.get("usd_per_kwh", c.usd_per_kwh),
            v.get("grid_gco2_per_kwh", c.grid_gco2_per_kwh))
        usd_day = total(compute, energy)
        input_share = self.input_share
        in_tokens_day = w.input_tokens * calls_per_day
        out_tokens_day = w.generated_tokens * calls_per_day
        return {
            "usd_per_request": None if usd_day is None else usd_day / calls_per_day * w.calls_per_request,
            **(_per_period(usd_day) if usd_day is not None
               else {"usd_per_day": None, "usd_per_month": None, "usd_per_year": None}),
            "usd_per_million_input_tokens": None if usd_day is None
            else _per_million(usd_day * input_share, in_tokens_day),
            "usd_per_million_output_tokens": None if usd_day is None
            else _per_million(usd_day * (1 - input_share), out_tokens_day),
            "usd_per_million_tokens": None if usd_day is None
            else _per_million(usd_day, in_tokens_day + out_tokens_day),
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


def _describe(s: InferScenario, detail: dict[str, Any]) -> dict[str, Any]:
    if s.description:
        detail["description"] = s.description
    if s.note:
        detail["note"] = s.note
    return detail
