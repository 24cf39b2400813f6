"""Ranges: distributions, propagation (analytic and quasi-random), tornado, spreads, and the engines'
responses agreeing with the engines themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine.breakeven import Sides, estimate_breakeven
from ai_costs.engine.compare import compare_gpus
from ai_costs.engine.infer import estimate_inference, inference_model
from ai_costs.engine.train import estimate_training, training_model
from ai_costs.engine.uncertainty import (
    LogNormal,
    LogUniform,
    Response,
    UncertainInput,
    halton,
    parse_spreads,
    quantile_of,
    ranges_of,
    with_spreads,
)
from ai_costs.errors import InvalidInput
from ai_costs.models._schema import validate
from ai_costs.models.scenario import BreakevenScenario, InferScenario, TrainScenario

CATALOG = load_catalog()
LLAMA = {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpus": 16384}


def train(**fields: Any) -> Any:
    return estimate_training(validate(TrainScenario, fields, origin="test"), CATALOG)


def infer(**fields: Any) -> Any:
    return estimate_inference(validate(InferScenario, fields, origin="test"), CATALOG)


def product(a: float, b: float, exponent_b: float, analytic: bool) -> Response:
    """m = a x b^e with a ~ LogNormal(2, 0.3) and b ~ LogNormal(5, 0.4)."""
    inputs = (UncertainInput("a", a, LogNormal(a, 0.3), "test"), UncertainInput("b", b, LogNormal(b, 0.4), "test"))

    def evaluate(v: Mapping[str, float]) -> dict[str, float | None]:
        return {"m": v["a"] * v["b"] ** exponent_b}

    return Response(inputs, evaluate, ("m",), "m", product=analytic)


# --- propagation by hand -----------------------------------------------------------------------------

@pytest.mark.parametrize("analytic", [True, False])
def test_product_of_log_normals_by_hand(analytic: bool) -> None:
    # ln m = ln a + ln b ~ Normal(ln 10, sqrt(0.3^2 + 0.4^2) = 0.5): p95 = 10 x exp(1.64485 x 0.5)
    # = 10 x 2.27602 = 22.760, p5 = 10 / 2.27602 = 4.3936, p50 = 10.
    r = ranges_of(product(2.0, 5.0, 1.0, analytic))
    tolerance = 1e-9 if analytic else 0.025  # 512 Halton points: within 2.5% (bench/ranges_methods.py)
    assert r.ranges["m"]["p95"] == pytest.approx(22.760, rel=max(tolerance, 1e-4))
    assert r.ranges["m"]["p5"] == pytest.approx(4.3936, rel=max(tolerance, 1e-4))
    assert r.ranges["m"]["p50"] == pytest.approx(10.0, rel=max(tolerance, 1e-4))
    assert r.method.startswith("analytic" if analytic else "quasi-random")


def test_a_quotient_has_the_same_spread_and_the_tornado_is_largest_first() -> None:
    # m = a / b: median 2 / 5 = 0.4, log-sigma 0.5 again: p95 = 0.4 x 2.27602 = 0.91041.
    r = ranges_of(product(2.0, 5.0, -1.0, True))
    assert r.ranges["m"]["p95"] == pytest.approx(0.91041, rel=1e-4)
    # b (log-sigma 0.4) swings m more than a (0.3); m falls as b rises: at b's p95 = 5 x exp(1.64485 x 0.4)
    # = 5 x 1.93087 = 9.6544, m = 2 / 9.6544 = 0.20716.
    assert [row["input"] for row in r.sensitivity] == ["b", "a"]
    assert r.sensitivity[0]["metric_at_p95"] == pytest.approx(0.20716, rel=1e-4)


def test_log_uniform_decline() -> None:
    # 1 - decline log-uniform on [0.1, 1]: the decline's p95 is 1 - 0.1^0.95 = 0.8878, its p5 1 - 0.1^0.05 = 0.1088,
    # its median 1 - sqrt(0.1) = 0.6838.
    d = LogUniform(0.1, 1.0, complement=True)
    assert d.quantile(0.95) == pytest.approx(0.8878, abs=1e-4)
    assert d.quantile(0.05) == pytest.approx(0.1088, abs=1e-4)
    assert d.quantile(0.5) == pytest.approx(0.6838, abs=1e-4)


def test_halton_points_are_cell_midpoints_and_quantiles_match_them() -> None:
    # base 2, 4 points: radical inverses 0, 1/2, 1/4, 3/4 moved by 1/8 -> 1/8, 5/8, 3/8, 7/8
    assert [p[0] for p in halton(4, 1)] == [0.125, 0.625, 0.375, 0.875]
    # type-5 quantile: position n x p - 0.5; of (1, 2, 3, 4) at p = 0.5: 1.5 -> 2.5; at p = 0.05: clamps to 1
    assert quantile_of([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile_of([1.0, 2.0, 3.0, 4.0], 0.05) == 1.0
    assert quantile_of([1.0, 2.0, math.inf, math.inf], 0.5) == math.inf  # next to an unbounded outcome


# --- the engines' ranges -----------------------------------------------------------------------------

def test_training_hours_spread_is_the_utilization_log_normal() -> None:
    # gpu_hours = FLOPs / (peak x MFU): p95 / p5 of the hours is p95 / p5 of 1 / MFU = exp(2 x 1.64485 x sigma).
    r = train(**LLAMA)
    sigma = next(i for i in r.uncertain_inputs if i["name"] == "utilization")["parameters"]["log_sigma"]
    hours = r.ranges["gpu_hours"]
    assert hours["p95"] / hours["p5"] == pytest.approx(math.exp(2 * 1.6448536 * sigma), rel=0.02)
    assert hours["p5"] < r.summary["gpu_hours"] < hours["p95"]


def test_co2_range_from_pue_and_grid_references_by_hand() -> None:
    # MFU and price given: CO2 = hours x TDP x PUE x grid varies with PUE and grid only, each log-normal with
    # p95/p5 = 1.3/1.1 (PUE, SemiAnalysis's AI data-centre range) and 417/367 (US grid 2019 vs 2023, EIA):
    # p95/p5 of the product = exp(sqrt(ln(1.3/1.1)^2 + ln(417/367)^2)) = exp(sqrt(0.16705^2 + 0.12772^2)) = 1.2340.
    r = train(**LLAMA, mfu=0.4, usd_per_gpu_hour=2)
    co2 = r.ranges["co2_kg"]
    assert co2["p95"] / co2["p5"] == pytest.approx(1.2340, rel=1e-3)
    assert co2["p50"] == pytest.approx(r.summary["co2_kg"], rel=1e-9)  # both centred on the defaults
    assert r.detail["ranges_method"].startswith("analytic")
    assert r.ranges["total_usd"]["p5"] == r.ranges["total_usd"]["p95"] == r.summary["total_usd"]


def test_pinning_every_input_makes_the_range_a_point() -> None:
    r = train(**LLAMA, mfu=0.4, usd_per_gpu_hour=2, pue=1.2, grid_gco2_per_kwh=300)
    assert r.ranges and all(q["p5"] == q["p50"] == q["p95"] == r.summary[m] for m, q in r.ranges.items())
    assert r.sensitivity == ()
    assert all(i["pinned"] for i in r.uncertain_inputs)


def test_default_price_spread_is_that_of_the_current_sourced_offers() -> None:
    # H100 SXM on-demand offers under 18 months old on 2026-12-03: nebius 2.95, lambda 2.99, runpod 2.99,
    # lambda 3.29, coreweave 6.16 (AWS's 2023 launch price, 12.29, is stale and left out). The standard
    # deviation of their logs: ln = 1.0818, 1.0953, 1.0953, 1.1909, 1.8181; mean 1.2563; sample sd 0.3171.
    r = estimate_training(TrainScenario(**LLAMA), CATALOG, today=dt.date(2026, 12, 3))
    price = next(i for i in r.uncertain_inputs if i["name"] == "price")
    assert price["distribution"] == "lognormal"
    assert price["central"] == price["parameters"]["median"] == 2.95  # the cheapest offer, as the summary
    assert price["parameters"]["log_sigma"] == pytest.approx(0.3171, abs=5e-5)
    assert "aws" not in price["source"]
    pinned = next(i for i in train(**LLAMA, cloud="lambda").uncertain_inputs if i["name"] == "price")
    assert pinned["pinned_by"] == "--cloud"
    # the summary lies inside its own range: the price is centred on it, as the utilization is
    low, high = r.ranges["total_usd"]["p5"], r.ranges["total_usd"]["p95"]
    assert low < r.summary["total_usd"] < high


def test_training_response_agrees_with_the_engine() -> None:
    # the response at MFU 0.3 and $4/GPU-hour is what the engine gives when told so
    _, response = training_model(TrainScenario(**LLAMA), CATALOG)
    moved = response.at(utilization=0.3, price=4.0)
    direct = train(**LLAMA, mfu=0.3, usd_per_gpu_hour=4.0).summary
    for key in ("gpu_hours", "total_usd", "wall_clock_days", "kwh"):
        assert moved[key] == pytest.approx(direct[key], rel=1e-12)


def test_serving_efficiency_factor_and_the_response_agree() -> None:
    # factors["serving_efficiency"] divides every step time; without a latency target the batch is the
    # memory limit at any speed, so the engine at 0.8 equals the response at serving_speed 0.8.
    s = InferScenario(model="llama-3.1-70b", gpu="h100-sxm", gpus=2, precision="fp8", requests_per_day=1e6,
                      input_tokens=1000, output_tokens=300, cloud="lambda")
    slow = estimate_inference(s, CATALOG, factors={"serving_efficiency": 0.8}, ranges=False).summary
    base = estimate_inference(s, CATALOG, ranges=False).summary
    assert slow["output_tokens_per_second_per_gpu"] == pytest.approx(0.8 * base["output_tokens_per_second_per_gpu"])
    assert slow["tpot_seconds"] == pytest.approx(base["tpot_seconds"] / 0.8)
    moved = inference_model(s, CATALOG)[1].at(serving_speed=0.8)
    for key in ("output_tokens_per_second_per_gpu", "replicas", "usd_per_day", "ttft_seconds"):
        assert moved[key] == pytest.approx(slow[key], rel=1e-12)


def test_counts_have_whole_quantiles() -> None:
    # 3M requests a day at twice the average at the peak need 8 replicas of 2 H100 at the modelled speed;
    # a slower or faster stack needs whole replicas more or fewer, never 7.5.
    r = infer(model="llama-3.1-70b", gpu="h100-sxm", gpus=2, precision="fp8", requests_per_day=3_000_000,
              input_tokens=1000, output_tokens=300, peak_to_average=2)
    for metric in ("replicas", "gpus"):
        q = r.ranges[metric]
        assert all(float(v).is_integer() for v in q.values())  # type: ignore[union-attr]
        assert q["p5"] <= r.summary[metric] <= q["p95"]
    assert r.ranges["gpus"]["p95"] == 2 * r.ranges["replicas"]["p95"]


def test_api_cost_is_exact_unless_a_reasoning_model_has_no_reasoning_tokens() -> None:
    exact = infer(api="gpt-4o", requests_per_day=1000, input_tokens=500, output_tokens=100)
    assert exact.uncertain_inputs == () and exact.detail["ranges_method"] == "exact: no uncertain input"
    assert exact.ranges["usd_per_day"]["p95"] == exact.summary["usd_per_day"]
    # o3 ($2 in, $8 out per 1M), 100k calls of 1,000 in + 500 out; reasoning p95 = 30,000 tokens a call:
    # (1,000 x 2 + 30,500 x 8) / 1e6 = $0.246 a call = $24,600 a day; p5 = 300 tokens: (2,000 + 800 x 8)/1e6
    # = $0.0084 a call = $840 a day. The summary counts no reasoning: (2,000 + 500 x 8) / 1e6 x 1e5 = $600.
    o3 = infer(api="o3", requests_per_day=100_000, input_tokens=1000, output_tokens=500)
    assert o3.summary["usd_per_day"] == pytest.approx(600)
    assert o3.ranges["usd_per_day"]["p95"] == pytest.approx(24_600, rel=0.01)
    assert o3.ranges["usd_per_day"]["p5"] == pytest.approx(840, rel=0.01)
    given = infer(api="o3", requests_per_day=100_000, input_tokens=1000, output_tokens=500, reasoning_tokens=2000)
    assert given.uncertain_inputs[0]["pinned_by"] == "--reasoning-tokens"


def test_crossover_probability_by_hand() -> None:
    # $10 of training repaid by $1/month of inference: 10 months with flat prices. With unit prices falling
    # by a yearly factor r (k = ln r / 12 a month) the time is t = ln(1 + 10 k) / k, which reaches the
    # 24-month horizon at k = -0.08788, r = exp(12 x -0.08788) = 0.3484. With r log-uniform on [0.1, 1],
    # P(cross within 24 months) = P(r > 0.3484) = ln(1 / 0.3484) / ln 10 = 0.4579. The earliest crossings
    # (p5) come with the slowest declines: r = 0.1^0.05 = 0.8913, k = -0.009592, t = ln(0.90408) / k = 10.51.
    s = validate(BreakevenScenario, {"mode": "train-vs-infer", "train_usd": 10, "infer_usd_per_day": 1 / 30.416666,
                                     "horizon_months": 24}, origin="test")
    r = estimate_breakeven(s, Sides(), CATALOG)
    assert r.summary["crossover_months"] == pytest.approx(10, rel=1e-4)
    assert r.summary["crossover_probability"] == pytest.approx(0.4579, abs=0.01)
    assert r.ranges["crossover_months"]["p5"] == pytest.approx(10.51, rel=0.01)
    assert r.ranges["crossover_months"]["p95"] is None  # over half the outcomes never cross: unbounded
    pinned = estimate_breakeven(dataclasses.replace(s, annual_price_decline=0.5), Sides(), CATALOG)
    assert pinned.summary["crossover_probability"] == 1.0 and pinned.sensitivity == ()


def test_no_ranges_leaves_the_keys_empty() -> None:
    r = estimate_training(TrainScenario(**LLAMA), CATALOG, ranges=False)
    assert (r.ranges, r.sensitivity, r.uncertain_inputs) == ({}, (), ())
    assert r.summary == train(**LLAMA).summary


def test_compare_rows_carry_cost_and_speed_ranges() -> None:
    s = InferScenario(model="llama-3.1-8b", input_tokens=1000, output_tokens=200)
    r = compare_gpus(s, CATALOG, only=["h100-sxm", "b200"])
    for row in r.summary["rows"]:
        assert set(row["ranges"]) == {"usd_per_million_tokens", "usd_per_month", "output_tokens_per_second_per_gpu"}
        q = row["ranges"]["output_tokens_per_second_per_gpu"]
        assert q["p5"] < row["output_tokens_per_second_per_gpu"] < q["p95"]
    assert r.ranges == next(row["ranges"] for row in r.summary["rows"] if row["gpu"] == r.summary["best"])
    assert all(not row["ranges"] for row in compare_gpus(s, CATALOG, only=["b200"], ranges=False).summary["rows"])


# --- options -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("items", "message"), [
    (["utilization=0"], "positive"),
    (["utilization=-2"], "positive"),
    (["utilization"], "INPUT=FACTOR"),
    (["nonsense=2"], "unknown input 'nonsense'"),
    (["utilization=x"], "not a number"),
])
def test_bad_spreads(items: list[str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_spreads(items)


def test_spread_on_a_pinned_or_absent_input_is_an_error() -> None:
    _, response = training_model(TrainScenario(**LLAMA, mfu=0.4), CATALOG)
    with pytest.raises(InvalidInput, match="utilization is given"):
        with_spreads(response, {"utilization": 2})
    with pytest.raises(InvalidInput, match="not an uncertain input of this estimate"):
        with_spreads(response, {"serving_speed": 2})


# --- properties --------------------------------------------------------------------------------------

scenarios = st.fixed_dictionaries({
    "params": st.floats(1e9, 1e12), "tokens": st.floats(1e10, 1e13), "gpus": st.integers(8, 20_000),
    "gpu": st.sampled_from(["h100-sxm", "a100-80gb", "b200", "tpu-v5p", "l4"]),
}, optional={"cloud": st.just("aws"), "days": st.floats(5, 300), "pricing": st.just("spot")})


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    if "days" in fields:
        fields = {k: v for k, v in fields.items() if k != "gpus"}
    return fields


def _offers(fields: dict[str, Any]) -> bool:
    want = fields.get("pricing") or "on-demand"
    return any(o.pricing == want and (o.provider == fields.get("cloud", o.provider))
               for o in CATALOG.offers_for(fields["gpu"]))


@settings(max_examples=25, deadline=None)
@given(fields=scenarios, spread=st.floats(0.2, 4))
def test_quantiles_are_ordered_and_bracket_log_normal_centres(fields: dict[str, Any], spread: float) -> None:
    fields = _clean(fields)
    if not _offers(fields):
        return
    r = estimate_training(validate(TrainScenario, fields, origin="test"), CATALOG, spreads={"utilization": spread})
    for q in r.ranges.values():
        assert q["p5"] <= q["p50"] <= q["p95"]  # type: ignore[operator]


@settings(max_examples=20, deadline=None)
@given(fields=scenarios, narrow=st.floats(0.2, 2), factor=st.floats(1.0, 3))
def test_widening_never_narrows(fields: dict[str, Any], narrow: float, factor: float) -> None:
    fields = _clean(fields)
    if not _offers(fields):
        return
    s = validate(TrainScenario, fields, origin="test")
    a = estimate_training(s, CATALOG, spreads={"utilization": narrow})
    b = estimate_training(s, CATALOG, spreads={"utilization": narrow * factor})
    for metric in ("gpu_hours", "total_usd", "kwh"):
        if metric in a.ranges:
            qa, qb = a.ranges[metric], b.ranges[metric]
            assert qb["p95"] - qb["p5"] >= (qa["p95"] - qa["p5"]) * (1 - 1e-9)  # type: ignore[operator]


@settings(max_examples=20, deadline=None)
@given(fields=scenarios, mfu=st.floats(0.05, 0.9), usd=st.floats(0.5, 20), pue=st.floats(1.0, 2.0),
       grid=st.floats(10, 900))
def test_every_input_pinned_gives_the_central_value(fields: dict[str, Any], mfu: float, usd: float, pue: float,
                                                     grid: float) -> None:
    fields = {k: v for k, v in _clean(fields).items() if k not in {"cloud", "pricing"}}
    r = estimate_training(validate(TrainScenario, {**fields, "mfu": mfu, "usd_per_gpu_hour": usd, "pue": pue,
                                                   "grid_gco2_per_kwh": grid}, origin="test"), CATALOG)
    for metric, q in r.ranges.items():
        assert q["p5"] == q["p50"] == q["p95"] == r.summary[metric]
