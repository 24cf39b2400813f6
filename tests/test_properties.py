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
