"""Default training utilization: the behaviour the methodology states, and published runs in range.

The coefficients are fitted (scripts/fit_training_utilization.py; tests/test_validation_doc.py checks
them against a refit and the check set against the published figures); these tests pin what the model
says, not its numbers.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine.train import estimate_training
from ai_costs.engine.utilization import Z_P95, training_utilization
from ai_costs.models._schema import validate
from ai_costs.models.scenario import TrainScenario

CATALOG = load_catalog()
H100, A100_80, A100_40 = (CATALOG.accelerator(i) for i in ("h100-sxm", "a100-80gb", "a100-40gb"))
sizes = st.floats(min_value=1e8, max_value=2e12)


def util(accel: str = "h100-sxm", precision: str = "bf16", active: float | None = 1e10,
         total: float | None = None) -> Any:
    return training_utilization(CATALOG.accelerator(accel), precision, active_params=active,
                                total_params=total if total is not None else active)


def run(**fields: Any) -> dict[str, Any]:
    return estimate_training(validate(TrainScenario, fields, origin="test"), CATALOG).to_dict()


# --- what drives it ------------------------------------------------------------------------------

@given(a=sizes, b=sizes)
def test_larger_models_reach_at_least_the_utilization_of_smaller_ones_on_h100(a: float, b: float) -> None:
    small, large = sorted((a, b))
    assert util(active=small).value <= util(active=large).value


@given(a=sizes, b=sizes)
def test_size_does_not_matter_on_the_least_compute_heavy_accelerator(a: float, b: float) -> None:
    # A100 80GB sets the reference compute-to-bandwidth ratio: the runs there show no size trend.
    assert util("a100-80gb", active=a).value == pytest.approx(util("a100-80gb", active=b).value)


@pytest.mark.parametrize("active", [1e9, 1e10, 7e10])
def test_more_flops_per_byte_of_bandwidth_means_lower_utilization(active: float) -> None:
    # 312 TFLOP/s over 2,039 GB/s (A100 80GB) < over 1,555 GB/s (A100 40GB) < 989 over 3,350 (H100).
    assert util("a100-80gb", active=active).value > util("a100-40gb", active=active).value > util(active=active).value


def test_mixture_of_experts_reaches_less_than_a_dense_run_of_its_active_size() -> None:
    assert util(active=37e9, total=671e9).value < util(active=37e9).value


def test_fp8_is_faster_than_bf16_end_to_end_but_not_twice() -> None:
    bf16 = run(params="70B", tokens="1T", gpu="h100-sxm", gpus=512)["summary"]["gpu_hours"]
    fp8 = run(params="70B", tokens="1T", gpu="h100-sxm", gpus=512, precision="fp8")["summary"]["gpu_hours"]
    assert bf16 / 2 < fp8 < bf16


def test_fp4_is_assumed_no_faster_than_fp8() -> None:
    fp8 = run(params="70B", tokens="1T", gpu="b200", gpus=512, precision="fp8")["summary"]["gpu_hours"]
    fp4 = run(params="70B", tokens="1T", gpu="b200", gpus=512, precision="fp4")["summary"]["gpu_hours"]
    assert fp4 == pytest.approx(fp8)


# --- the range -----------------------------------------------------------------------------------

def test_range_is_narrowest_where_published_runs_exist() -> None:
    calibrated = util()
    assert math.exp(2 * Z_P95 * calibrated.log_sigma) <= 2.5  # issue 10: p95/p5 at most 2.5 for training
    assert util("a100-80gb", active=6.5e10).log_sigma == calibrated.log_sigma
    assert util("h800", "fp8", active=37e9, total=671e9).log_sigma == calibrated.log_sigma
    wider = [util("mi300x"), util("b200", "fp4"), util(active=None), util(active=1e8), util(active=2e12)]
    assert all(u.log_sigma > calibrated.log_sigma for u in wider)
    assert all(any(d.startswith("range widened") for d in u.drivers) for u in wider)


def test_the_assumption_names_the_drivers_and_the_range() -> None:
    r = run(params="671B", active_params="37B", tokens="14.8T", gpu="h800", gpus=2048, precision="fp8")
    [text] = [a for a in r["assumptions"] if a.startswith("MFU")]
    assert "MoE" in text and "FP8" in text and "h800" in text and "p5-p95" in text


def test_mfu_flag_is_used_exactly() -> None:
    r = run(params="7B", tokens="1T", gpus=8, mfu=0.5)
    assert r["summary"]["mfu"] == 0.5
    assert not any(a.startswith("MFU") for a in r["assumptions"])


# --- published runs ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "reported"), [
    # Llama 3.1 model card: 30.84M H100 GPU-hours; Llama 3 herd paper: 405B params, 15.6T tokens.
    ({"params": "405B", "tokens": "15.6T", "gpu": "h100-sxm", "gpus": 16384}, 30.84e6),
    # DeepSeek-V3 technical report, Table 1: 2,664K H800 GPU-hours of FP8 pre-training, 37B of 671B active.
    ({"params": "671B", "active_params": "37B", "tokens": "14.8T", "gpu": "h800", "gpus": 2048,
      "precision": "fp8"}, 2.664e6),
    # Llama 4 model card: Scout 5.0M H100 GPU-hours, 17B of 109B active, ~40T tokens, FP8 (Meta's blog).
    ({"params": "109B", "active_params": "17B", "tokens": "40T", "gpu": "h100-sxm", "precision": "fp8"}, 5.0e6),
])
def test_published_runs_fall_inside_the_stated_p5_p95(fields: dict[str, Any], reported: float) -> None:
    r = run(**fields)
    estimate = r["summary"]["gpu_hours"]
    u = training_utilization(CATALOG.accelerator(fields["gpu"]), fields.get("precision", "bf16"),
                             active_params=r["inputs"]["active_params"], total_params=r["inputs"]["params"])
    spread = math.exp(Z_P95 * u.log_sigma)
    assert estimate / spread <= reported <= estimate * spread
