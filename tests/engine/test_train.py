"""Training engine: published figures (with sources), formulas by hand, memory fit, pricing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from ai_costs.catalog import load_catalog
from ai_costs.engine.flops import attention_training_flops, dense_training_flops
from ai_costs.engine.memory import model_state_bytes, training_memory
from ai_costs.engine.pricing import owned_usd_per_gpu_hour
from ai_costs.engine.train import estimate_training
from ai_costs.errors import InvalidInput
from ai_costs.models._schema import validate
from ai_costs.models.scenario import TrainScenario

DATA = Path(__file__).parent.parent / "data"
CATALOG = load_catalog()


def run(**fields: Any) -> dict[str, Any]:
    scenario = validate(TrainScenario, fields, origin="test")
    return estimate_training(scenario, CATALOG).to_dict()


# --- published figures -------------------------------------------------------------------------

def test_deepseek_v3_headline_cost() -> None:
    # DeepSeek-V3 Technical Report (2024-12), Table 1: 2.788M H800 GPU-hours x $2 = $5.576M.
    s = run(gpu="h800", gpu_hours="2.788M", usd_per_gpu_hour=2)["summary"]
    assert s["total_usd"] == pytest.approx(5_576_000, rel=1e-3)
    assert s["energy_usd"] == 0  # a rental price includes the energy


def test_llama_405b_flops_and_gpu_hours_with_defaults() -> None:
    # Llama 3 herd paper (Meta 2024): 3.8e25 FLOPs on up to 16,384 H100; model card: 30.84M GPU-hours.
    s = run(params="405B", tokens="15.6T", gpu="h100-sxm", gpus=16384)["summary"]
    assert s["training_flops"] == pytest.approx(3.8e25, rel=0.05)
    assert s["gpu_hours"] == pytest.approx(30.84e6, rel=0.20)


def test_gpt4_third_party_estimate_preset_fields() -> None:
    # SemiAnalysis (2023-07): ~2.15e25 FLOPs, ~25,000 A100 for 90-100 days; AI Index 2024: ~$78M.
    s = run(flops=2.15e25, gpu="a100-40gb", gpus=25000, mfu=0.34, usd_per_gpu_hour=1.36)["summary"]
    assert 90 <= s["wall_clock_days"] <= 100
    assert s["total_usd"] == pytest.approx(78e6, rel=0.05)


# --- formulas by hand --------------------------------------------------------------------------

def test_dense_flops_is_6nd_and_lora_4nd() -> None:
    assert dense_training_flops(7e9, 1e12, "pretrain") == 6 * 7e9 * 1e12
    assert dense_training_flops(7e9, 1e12, "lora") == 4 * 7e9 * 1e12


def test_attention_term_by_hand() -> None:
    m = CATALOG.model("llama-3.1-8b")  # 32 layers, 32 heads x 128
    per_token_fwd = 2 * 32 * 8192 * 32 * 128  # causal: half of 4 * L * S * d
    assert attention_training_flops(m, 8192, 1.0) == pytest.approx(3 * per_token_fwd)


def test_time_and_cost_by_hand() -> None:
    r = run(flops=1e21, gpu="h100-sxm", gpus=8, mfu=0.5, usd_per_gpu_hour=2)
    peak = CATALOG.accelerator("h100-sxm").peak_tflops["bf16"] * 1e12
    hours = 1e21 / (peak * 0.5) / 3600
    assert r["summary"]["gpu_hours"] == pytest.approx(hours)
    assert r["summary"]["wall_clock_days"] == pytest.approx(hours / 8 / 24)
    assert r["summary"]["total_usd"] == pytest.approx(2 * hours)


def test_days_derive_the_count() -> None:
    r = run(params="70B", tokens="2T", gpu="h100-sxm", days=30)
    s = r["summary"]
    assert s["wall_clock_days"] <= 30
    assert s["gpus"] == math.ceil(r["detail"]["final_run_gpu_hours"] / (30 * 24))


def test_chinchilla_tokens() -> None:
    r = run(params="10B", tokens="chinchilla", gpus=8)
    assert r["inputs"]["tokens"] == pytest.approx(20 * 10e9)


def test_overhead_multiplies_hours_and_cost_not_wall_clock() -> None:
    base = run(flops=1e22, gpus=64, usd_per_gpu_hour=2)["summary"]
    more = run(flops=1e22, gpus=64, usd_per_gpu_hour=2, overhead=1.5)["summary"]
    assert more["total_usd"] == pytest.approx(1.5 * base["total_usd"])
    assert more["wall_clock_days"] == pytest.approx(base["wall_clock_days"])


def test_model_supplies_params_and_active_params() -> None:
    r = run(model="mixtral-8x7b", tokens="1T", gpus=64)
    assert r["inputs"]["active_params"] < r["inputs"]["params"]
    assert r["detail"]["moe"] is True


# --- memory fit --------------------------------------------------------------------------------

def test_state_bytes() -> None:
    assert model_state_bytes(1e9, "pretrain") == 16e9
    assert model_state_bytes(1e9, "qlora") < model_state_bytes(1e9, "lora") < model_state_bytes(1e9, "full")


def test_min_gpus_without_architecture_is_states_over_usable_memory() -> None:
    mem = training_memory(405e9, "pretrain", 80, None, 8192)
    assert mem.min_gpus == math.ceil(405e9 * 16 / (80e9 * 0.9))


def test_too_few_gpus_warns_with_the_fewest_that_fit() -> None:
    r = run(model="llama-3.1-70b", tokens="1T", gpu="h100-sxm", gpus=2)
    need = r["summary"]["min_gpus_to_fit"]
    assert need > 2
    assert any(f"at least {need}" in w for w in r["warnings"])


def test_lora_fits_on_one_gpu_where_full_training_does_not() -> None:
    lora = run(model="llama-3.1-8b", method="lora", tokens="10M", gpu="a100-80gb", gpus=1)
    full = run(model="llama-3.1-8b", method="full", tokens="10M", gpu="a100-80gb", gpus=1)
    assert lora["summary"]["min_gpus_to_fit"] == 1
    assert full["summary"]["min_gpus_to_fit"] > 1


# --- pricing and energy ------------------------------------------------------------------------

def test_default_price_is_cheapest_on_demand_and_stated() -> None:
    r = run(flops=1e21, gpu="h100-sxm", gpus=8)
    offers = [o for o in CATALOG.offers_for("h100-sxm") if o.pricing == "on-demand"]
    assert r["inputs"]["usd_per_gpu_hour"] == min(o.usd_per_gpu_hour for o in offers)
    assert any("cheapest sourced" in a for a in r["assumptions"])
    assert r["line_items"][0]["assumption"] is True


def test_owned_pricing_amortizes_and_bills_energy() -> None:
    r = run(flops=1e21, gpu="h100-sxm", gpus=8, pricing="owned", purchase_usd_per_gpu=30000, lifetime_years=4)
    hours = r["summary"]["gpu_hours"]
    assert r["summary"]["compute_usd"] == pytest.approx(hours * owned_usd_per_gpu_hour(30000, 4))
    assert owned_usd_per_gpu_hour(30000, 4) == pytest.approx(30000 / (4 * 8760))
    kwh = hours * 0.7 * 1.0 * r["inputs"]["pue"]  # 700 W TDP, training power fraction 1.0
    assert r["summary"]["kwh"] == pytest.approx(kwh)
    assert r["summary"]["energy_usd"] == pytest.approx(kwh * r["inputs"]["usd_per_kwh"])


def test_unpriced_accelerator_reports_null_cost_never_zero() -> None:
    r = run(flops=1e21, gpu="gaudi3", gpus=8)  # no sourced rental or purchase price in the catalog
    assert r["summary"]["total_usd"] is None
    assert any("no sourced price" in w for w in r["warnings"])


def test_co2_is_kwh_times_grid() -> None:
    s = run(flops=1e21, gpus=8, usd_per_gpu_hour=2, grid_gco2_per_kwh=100)["summary"]
    assert s["co2_kg"] == pytest.approx(s["kwh"] * 0.1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"flops": 1e21, "gpu": "a100-80gb", "precision": "fp8"}, "no published dense fp8 peak"),
        ({"params": "7B"}, "give --tokens"),
        ({"flops": 1e21, "pricing": "owned", "gpu": "h200"}, "no sourced purchase price"),
        ({"flops": 1e21, "gpu": "tpu-v5e", "cloud": "aws"}, "no aws price"),
        ({"params": "7B", "tokens": "1T", "gpus": 8, "days": 3}, "contradictory"),
    ],
)
def test_invalid_inputs(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        run(**fields)
