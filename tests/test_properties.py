"""Invariants of the engine, checked with Hypothesis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine.train import estimate_training
from ai_costs.models._schema import validate
from ai_costs.models.scenario import TrainScenario

CATALOG = load_catalog()
params = st.floats(1e8, 1e12)
tokens = st.floats(1e9, 1e14)
gpus = st.integers(1, 50_000)
price = st.floats(0.1, 20)


def summary(**fields: Any) -> dict[str, Any]:
    return estimate_training(validate(TrainScenario, fields, origin="test"), CATALOG).summary


@settings(max_examples=60, deadline=None)
@given(p=params, t=tokens, n=gpus, usd=price, k=st.floats(1.01, 10))
def test_more_tokens_never_cost_less(p: float, t: float, n: int, usd: float, k: float) -> None:
    a = summary(params=p, tokens=t, gpus=n, usd_per_gpu_hour=usd)["total_usd"]
    b = summary(params=p, tokens=t * k, gpus=n, usd_per_gpu_hour=usd)["total_usd"]
    assert b >= a


@settings(max_examples=60, deadline=None)
@given(p=params, t=tokens, n=gpus, usd=price)
def test_cost_is_linear_in_price_and_independent_of_count(p: float, t: float, n: int, usd: float) -> None:
    one = summary(params=p, tokens=t, gpus=n, usd_per_gpu_hour=usd)
    two = summary(params=p, tokens=t, gpus=n, usd_per_gpu_hour=2 * usd)
    assert two["total_usd"] == pytest.approx(2 * one["total_usd"])
    other = summary(params=p, tokens=t, gpus=n + 7, usd_per_gpu_hour=usd)
    # accelerator-hours do not depend on the count (no scale penalty); wall-clock does
    assert other["gpu_hours"] == pytest.approx(one["gpu_hours"])
    assert other["wall_clock_days"] < one["wall_clock_days"]


@settings(max_examples=60, deadline=None)
@given(f=st.floats(1e18, 1e26), days=st.floats(0.5, 365))
def test_days_target_is_met(f: float, days: float) -> None:
    s = summary(flops=f, days=days, usd_per_gpu_hour=2)
    assert s["wall_clock_days"] <= days * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(p=params, t=tokens, mfu_lo=st.floats(0.1, 0.5), bump=st.floats(1.01, 1.9))
def test_higher_mfu_is_never_slower(p: float, t: float, mfu_lo: float, bump: float) -> None:
    lo = summary(params=p, tokens=t, gpus=64, mfu=mfu_lo, usd_per_gpu_hour=2)
    hi = summary(params=p, tokens=t, gpus=64, mfu=min(1.0, mfu_lo * bump), usd_per_gpu_hour=2)
    assert hi["gpu_hours"] <= lo["gpu_hours"]


# --- inference --------------------------------------------------------------------------------------

from ai_costs.engine.infer import estimate_inference  # noqa: E402
from ai_costs.errors import InvalidInput  # noqa: E402
from ai_costs.models.scenario import InferScenario  # noqa: E402

API_IDS = [a.id for a in CATALOG.apis]
users = st.floats(1, 1e9)
toks = st.integers(0, 50_000)


def infer_summary(**fields: Any) -> dict[str, Any]:
    return estimate_inference(validate(InferScenario, fields, origin="test"), CATALOG).summary


@settings(max_examples=80, deadline=None)
@given(api=st.sampled_from(API_IDS), u=users, per=st.floats(0.1, 50), i=toks, o=toks)
def test_doubling_users_doubles_daily_cost(api: str, u: float, per: float, i: int, o: int) -> None:
    one = infer_summary(api=api, daily_users=u, requests_per_user=per, input_tokens=i, output_tokens=o)
    two = infer_summary(api=api, daily_users=2 * u, requests_per_user=per, input_tokens=i, output_tokens=o)
    assert two["usd_per_day"] == pytest.approx(2 * one["usd_per_day"])


@settings(max_examples=80, deadline=None)
@given(api=st.sampled_from(API_IDS), i=toks, o=toks, extra=st.integers(1, 10_000), c=st.floats(0, 1),
       b=st.floats(0, 1))
def test_more_output_tokens_never_cost_less(api: str, i: int, o: int, extra: int, c: float, b: float) -> None:
    kw = {"api": api, "requests_per_day": 1000, "input_tokens": i, "cached_fraction": c, "batch_fraction": b}
    assert infer_summary(**kw, output_tokens=o + extra)["usd_per_day"] >= infer_summary(**kw, output_tokens=o)["usd_per_day"]


@settings(max_examples=80, deadline=None)
@given(api=st.sampled_from(API_IDS), i=toks, o=toks, c=st.floats(0, 1))
def test_cached_input_never_costs_more_than_uncached(api: str, i: int, o: int, c: float) -> None:
    kw = {"api": api, "requests_per_day": 1000, "input_tokens": i, "output_tokens": o}
    assert infer_summary(**kw, cached_fraction=c)["usd_per_day"] <= infer_summary(**kw)["usd_per_day"] * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(model=st.sampled_from(["llama-3.1-8b", "mistral-7b", "mixtral-8x7b"]), i=st.integers(16, 8000),
       o=st.integers(16, 4000), loose=st.floats(0.01, 0.5), tighten=st.floats(0.1, 0.99))
def test_tighter_max_tpot_never_raises_throughput(model: str, i: int, o: int, loose: float, tighten: float) -> None:
    kw = {"model": model, "gpu": "h200", "precision": "fp8", "input_tokens": i, "output_tokens": o}
    try:
        tight = infer_summary(**kw, max_tpot=loose * tighten)
    except InvalidInput:  # the tighter target may be impossible: nothing to compare
        return
    assert tight["output_tokens_per_second_per_gpu"] <= infer_summary(**kw, max_tpot=loose)[
        "output_tokens_per_second_per_gpu"] * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(r=st.floats(1e3, 1e9))
def test_self_hosted_capacity_covers_demand(r: float) -> None:
    s = infer_summary(model="llama-3.1-8b", gpu="h100-sxm", precision="fp8", requests_per_day=r,
                      input_tokens=500, output_tokens=300)
    assert 0 < s["utilization"] <= 1 + 1e-9
