"""Breakeven: the articles' claim, closed forms by hand, the volume crossover checked with `infer`."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine.breakeven import Sides, estimate_breakeven, volume_crossover_calls
from ai_costs.engine.infer import estimate_inference
from ai_costs.engine.streams import CostStream, crossover
from ai_costs.models._schema import validate
from ai_costs.models.scenario import BreakevenScenario, InferScenario

CATALOG = load_catalog()


def be(sides: Sides | None = None, **fields: Any) -> dict[str, Any]:
    scenario = validate(BreakevenScenario, fields, origin="test")
    return estimate_breakeven(scenario, sides or Sides(), CATALOG).to_dict()


def test_gpt4_training_vs_chatgpt_serving() -> None:
    # Articles: GPT-4 ~$78M (AI Index 2024) vs $625,000/day of GPT-4o input: 78M / (625k x 30.4167) months.
    s = be(mode="train-vs-infer", train_usd="78M", infer_usd_per_day=625000)["summary"]
    assert s["crossover_months"] == pytest.approx(4.10, rel=0.01)
    assert s["crossover_months"] == pytest.approx(78e6 / (625000 * 365 / 12))


def test_growth_brings_it_earlier_and_price_decline_later() -> None:
    base = be(mode="train-vs-infer", train_usd="78M", infer_usd_per_day=625000)["summary"]["crossover_months"]
    grow = be(mode="train-vs-infer", train_usd="78M", infer_usd_per_day=625000,
              monthly_growth=0.1)["summary"]["crossover_months"]
    fall = be(mode="train-vs-infer", train_usd="78M", infer_usd_per_day=625000,
              annual_price_decline=0.5)["summary"]["crossover_months"]
    assert grow < base < fall


def test_never_within_horizon_is_null_not_an_error() -> None:
    r = be(mode="train-vs-infer", train_usd="78M", infer_usd_per_day=1, horizon_months=12)
    assert r["summary"]["crossover_months"] is None
    assert r["status"] == "ok"


def test_buy_vs_rent_by_hand() -> None:
    r = be(mode="buy-vs-rent", gpu="h100-sxm", gpus=8, purchase_usd_per_gpu=30000, usd_per_gpu_hour=2.5,
           utilization=0.8, pue=1.2, usd_per_kwh=0.1, resale_fraction=0.1)
    hours = 8 * 730 * 0.8
    rent = hours * 2.5
    energy = hours * 0.700 * 1.2 * 0.1  # H100 SXM TDP 700 W
    assert r["summary"]["crossover_months"] == pytest.approx(8 * 30000 * 0.9 / (rent - energy))
    assert r["detail"]["crossover_method"] == "closed form"
    assert r["summary"]["horizon_months"] == 60  # the 5-year default lifetime


def _hosted() -> InferScenario:
    return validate(InferScenario, {
        "model": "llama-3.1-70b", "gpu": "h100-sxm", "gpus": 2, "precision": "fp8", "requests_per_day": "1M",
        "input_tokens": 1000, "output_tokens": 300, "peak_to_average": 2}, origin="test")


@pytest.mark.parametrize("api", ["gpt-4o", "fireworks/llama-3.1-70b", "claude-haiku-4-5"])
def test_self_host_vs_api_crossover_checked_with_infer(api: str) -> None:
    hosted = _hosted()
    v = be(Sides(self_hosted=hosted), mode="self-host-vs-api", api=api, self_hosted="x")["summary"][
        "crossover_tokens_per_day"]
    assert v is not None
    tokens_per_request = 1300

    def daily(scenario: InferScenario) -> float:
        return float(estimate_inference(scenario, CATALOG).summary["usd_per_day"])

    for factor, self_host_cheaper in ((2.0, True), (0.5, False)):
        requests = v * factor / tokens_per_request
        at = dataclasses.replace(hosted, requests_per_day=requests)
        via_api = dataclasses.replace(at, api=api, model=None, gpu=None, gpus=None, precision=None)
        assert (daily(at) < daily(via_api)) is self_host_cheaper, (factor, daily(at), daily(via_api))


def test_volume_crossover_formula() -> None:
    # capacity 100 calls/day per replica at $50/day, API $1/call: cheaper from 50 calls on (N = 2).
    assert volume_crossover_calls(100, 50, 1.0) == pytest.approx(50)
    assert volume_crossover_calls(100, 150, 1.0) is None  # a full replica costs more than the API


@settings(max_examples=100, deadline=None)
@given(cap=st.floats(1, 1e6), c=st.floats(1, 1e5), p=st.floats(1e-4, 1e3), probe=st.floats(1.0001, 50))
def test_volume_crossover_is_where_self_hosting_stays_cheaper(cap: float, c: float, p: float, probe: float) -> None:
    v0 = volume_crossover_calls(cap, c, p)
    if v0 is None:
        return
    v = v0 * probe
    assert math.ceil(v / cap) * c <= p * v * (1 + 1e-9)


streams = st.builds(CostStream, name=st.just("s"), upfront_usd=st.floats(0, 1e9), monthly_usd=st.floats(0, 1e8),
                    monthly_growth=st.floats(0, 0.3), annual_price_decline=st.floats(0, 0.9))


@settings(max_examples=150, deadline=None)
@given(a=streams, b=streams)
def test_crossover_makes_both_cumulative_costs_equal(a: CostStream, b: CostStream) -> None:
    c = crossover(a, b, 120)
    if c.months is None:
        return
    assert a.cumulative(c.months) == pytest.approx(b.cumulative(c.months), rel=1e-6, abs=1e-3)


@settings(max_examples=150, deadline=None)
@given(up=st.floats(1e3, 1e9), m_b=st.floats(1e2, 1e7), extra=st.floats(1.01, 10), bump=st.floats(1.01, 5),
       g=st.floats(0, 0.2))
def test_raising_the_cheaper_streams_monthly_cost_brings_the_crossover_earlier(
    up: float, m_b: float, extra: float, bump: float, g: float
) -> None:
    # a starts cheaper (no upfront) but costs more per month; b pays `up` first
    a = CostStream("a", 0.0, m_b * extra, monthly_growth=g)
    b = CostStream("b", up, m_b, monthly_growth=g)
    before = crossover(a, b, math.inf).months
    after = crossover(dataclasses.replace(a, monthly_usd=a.monthly_usd * bump), b, math.inf).months
    assert before is not None and after is not None and after < before


def test_numeric_crossover_when_rates_differ() -> None:
    a = CostStream("a", 0.0, 100.0, monthly_growth=0.05)
    b = CostStream("b", 1000.0, 50.0)
    c = crossover(a, b, 120)
    assert c.method.startswith("grid") and c.months is not None
    assert a.cumulative(c.months) == pytest.approx(b.cumulative(c.months), rel=1e-9)


def test_finetune_vs_api_by_hand() -> None:
    # a $1,000 fine-tune whose small model costs $10/day against a large API at $100/day
    s = be(mode="finetune-vs-api", finetune_usd=1000, small_usd_per_day=10, large_usd_per_day=100)["summary"]
    assert s["crossover_months"] == pytest.approx(1000 / (90 * 365 / 12))
