"""Inference engine: the articles' figures, calibration runs, API pricing by hand, serving model."""

from __future__ import annotations

from typing import Any

import pytest

from ai_costs.catalog import load_catalog
from ai_costs.engine import defaults as d
from ai_costs.engine import serving as sv
from ai_costs.engine.infer import estimate_inference
from ai_costs.errors import InvalidInput, UnknownId
from ai_costs.models._schema import validate
from ai_costs.models.layout import Layout
from ai_costs.models.scenario import InferScenario

CATALOG = load_catalog()


def run(**fields: Any) -> dict[str, Any]:
    return estimate_inference(validate(InferScenario, fields, origin="test"), CATALOG).to_dict()


def test_chatgpt_scale_input_only() -> None:
    # Source articles: 100M users x 5 queries x 500 tokens = 250B tokens/day at $2.50/1M = $625,000/day,
    # about $228M/year (GPT-4o input price: OpenAI pricing page, 2024-08-06).
    s = run(api="gpt-4o", daily_users="100M", requests_per_user=5, input_tokens=500, output_tokens=0)["summary"]
    assert s["usd_per_day"] == pytest.approx(625_000, rel=1e-3)
    assert s["usd_per_year"] == pytest.approx(228_125_000, rel=1e-3)
    assert s["tokens_per_day"] == pytest.approx(250e9)
    assert s["usd_per_month"] == pytest.approx(625_000 * 30.4167, rel=1e-4)


def test_api_price_by_hand_with_cache_batch_and_reasoning() -> None:
    # o1: $15 input, $7.50 cached, $60 output, batch 50% off (catalog apis.yaml).
    s = run(api="o1", requests_per_day=1000, input_tokens=1000, output_tokens=100, reasoning_tokens=400,
            cached_fraction=0.5, batch_fraction=0.5)["summary"]
    per_call = (500 * 15 + 500 * 7.5 + 500 * 60) / 1e6 * (1 - 0.5 * 0.5)
    assert s["usd_per_request"] == pytest.approx(per_call)
    assert s["usd_per_day"] == pytest.approx(1000 * per_call)


def test_agent_calls_multiply_tokens() -> None:
    one = run(api="gpt-4o", requests_per_day=100, input_tokens=1000, output_tokens=100)["summary"]
    agent = run(api="gpt-4o", requests_per_day=100, calls_per_request=30, input_tokens=1000,
                output_tokens=100)["summary"]
    assert agent["usd_per_day"] == pytest.approx(30 * one["usd_per_day"])
    assert agent["usd_per_request"] == pytest.approx(30 * one["usd_per_request"])


def test_long_context_tier_applies_above_threshold() -> None:
    short = run(api="gemini-2.5-pro", requests_per_day=1, input_tokens=100_000, output_tokens=0)["summary"]
    long = run(api="gemini-2.5-pro", requests_per_day=1, input_tokens=300_000, output_tokens=0)["summary"]
    assert long["usd_per_million_input_tokens"] > short["usd_per_million_input_tokens"]


def test_unknown_api_suggests_near_ids() -> None:
    with pytest.raises(UnknownId) as info:
        run(api="gpt4o", requests_per_day=1, input_tokens=1, output_tokens=1)
    assert "gpt-4o" in info.value.suggestions


def test_model_that_does_not_fit_names_the_fewest_that_fit() -> None:
    with pytest.raises(InvalidInput, match=r"fewest that fit: at least 16 x h100-sxm") as info:
        run(model="llama-3.1-405b", gpu="h100-sxm", gpus=1, precision="bf16", input_tokens=1000, output_tokens=100)
    assert info.value.code == "does_not_fit"


def test_default_layout_is_the_cheapest_per_token_of_those_that_fit() -> None:
    r = run(model="llama-3.1-70b", gpu="h100-sxm", precision="bf16", input_tokens=1000, output_tokens=100)
    assert r["detail"]["fewest_gpus_that_fit"] == 2  # 141 GB of BF16 weights need two 80 GB accelerators
    chosen = r["summary"]["output_tokens_per_second_per_gpu"]
    for gpus in (2, 4, 8, 16):  # every size the search tried: none is cheaper per token
        other = run(model="llama-3.1-70b", gpu="h100-sxm", precision="bf16", gpus=gpus, input_tokens=1000,
                    output_tokens=100)["summary"]["output_tokens_per_second_per_gpu"]
        assert chosen >= other * (1 - 1e-9)


def test_kv_cache_is_gqa_aware() -> None:
    m = CATALOG.model("llama-3.1-70b")  # 80 layers, 8 KV heads of 128: 2*80*8*128*2 bytes
    replica = sv.make_replica(m, CATALOG.accelerator("h100-sxm"), Layout(tensor=2), "bf16", "bf16")
    assert replica.kv_bytes_per_token_total == 2 * 80 * 8 * 128 * 2
    assert replica.kv_bytes_per_token == 2 * 80 * 4 * 128 * 2  # each of 2 accelerators holds 4 heads


def test_mla_kv_cache_uses_the_latent_size() -> None:
    m = CATALOG.model("deepseek-v3")
    replica = sv.make_replica(m, CATALOG.accelerator("h200"), Layout(tensor=8, expert=8), "fp8", "bf16")
    assert replica.kv_bytes_per_token_total == m.layers * 576 * 2
    assert replica.kv_bytes_per_token == m.layers * 576 * 2  # the latent is not split by tensor parallel


def test_moe_step_reads_only_the_experts_its_tokens_route_to() -> None:
    m = CATALOG.model("mixtral-8x7b")  # 8 experts, 2 per token
    r = sv.make_replica(m, CATALOG.accelerator("h200"), Layout(tensor=1), "bf16", "bf16")
    one = sv.stage_step(r, 1, 0, 100, 0, 1)
    many = sv.stage_step(r, 32, 0, 100, 0, 1)
    # one token touches 2 of 8 experts (1 - (1 - 2/8)^1 = 1/4 of the expert bytes); 32 touch all of them
    # (1 - 0.75^32 = 0.9999) and still read more than they compute
    expert_bytes = r.expert_bytes
    assert many.memory - one.memory > 0.7 * expert_bytes / r.bandwidth / d.EXPERT_EFFICIENCY


def test_impossible_latency_target_names_target_and_best_value() -> None:
    with pytest.raises(InvalidInput, match=r"--max-tpot 1e-05 s cannot be met: the best achievable .* is ") as info:
        run(model="llama-3.1-8b", gpu="h100-sxm", input_tokens=100, output_tokens=100, max_tpot=1e-5)
    assert info.value.code == "latency_target"
    with pytest.raises(InvalidInput, match="--max-ttft"):
        run(model="llama-3.1-8b", gpu="h100-sxm", input_tokens=100_000, output_tokens=100, max_ttft=0.001)


def test_latency_target_is_met_by_the_chosen_batch() -> None:
    s = run(model="llama-3.1-70b", gpu="h100-sxm", gpus=4, precision="fp8", input_tokens=1000,
            output_tokens=500, max_tpot=0.03)["summary"]
    assert s["tpot_seconds"] <= 0.03


def test_capacity_planning_whole_replicas_for_the_peak() -> None:
    r = run(model="llama-3.1-8b", gpu="h100-sxm", gpus=1, precision="fp8", requests_per_day="10M",
            input_tokens=500, output_tokens=200, peak_to_average=2)
    s, detail = r["summary"], r["detail"]
    demand = 10e6 / 86400
    assert s["replicas"] * detail["replica_requests_per_second"] >= demand * 2
    assert (s["replicas"] - 1) * detail["replica_requests_per_second"] < demand * 2
    assert s["utilization"] == pytest.approx(demand / (s["replicas"] * detail["replica_requests_per_second"]))
    assert s["usd_per_day"] == pytest.approx(s["gpus"] * 24 * r["inputs"]["usd_per_gpu_hour"])


def test_speculative_decoding_speeds_up_decode() -> None:
    # With the prompt cached there is no prefill to share the rounds with: at a fixed batch each round
    # costs the same and yields 2 tokens per sequence, so the time per output token halves exactly.
    kw: dict[str, Any] = {"model": "llama-3.1-8b", "gpu": "h100-sxm", "input_tokens": 500, "output_tokens": 500,
                          "cached_fraction": 1, "batch_size": 64}
    base = run(**kw)["summary"]
    fast = run(**kw, speculative_speedup=2)["summary"]
    assert fast["tpot_seconds"] == pytest.approx(base["tpot_seconds"] / 2)
    plain = run(model="llama-3.1-8b", gpu="h100-sxm", input_tokens=500, output_tokens=500)["summary"]
    spec = run(model="llama-3.1-8b", gpu="h100-sxm", input_tokens=500, output_tokens=500,
               speculative_speedup=2)["summary"]
    assert spec["output_tokens_per_second_per_gpu"] > plain["output_tokens_per_second_per_gpu"]


def test_quantization_raises_throughput_and_fits_on_fewer_gpus() -> None:
    bf16 = run(model="llama-3.1-70b", gpu="h100-sxm", input_tokens=1000, output_tokens=1000)
    int4 = run(model="llama-3.1-70b", gpu="h100-sxm", precision="int4", input_tokens=1000, output_tokens=1000)
    assert int4["inputs"]["gpus"] < bf16["inputs"]["gpus"]


def test_memory_breakdown_adds_up() -> None:
    m = run(model="llama-3.1-70b", gpu="h100-sxm", gpus=2, precision="fp8", input_tokens=1000,
            output_tokens=1000)["detail"]["memory_per_gpu_gb"]
    assert m["weights"] + m["kv_cache"] + m["free"] == pytest.approx(m["usable"])
    assert m["free"] >= -1e-9


def test_self_hosted_without_volume_reports_full_load_economics() -> None:
    r = run(model="llama-3.1-8b", gpu="h100-sxm", input_tokens=1000, output_tokens=1000)
    assert r["summary"]["replicas"] == 1 and r["summary"]["utilization"] == pytest.approx(1.0)
    assert any("full load" in a for a in r["assumptions"])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"requests_per_day": 1, "input_tokens": 1, "output_tokens": 1}, "choose a deployment"),
        ({"api": "gpt-4o", "input_tokens": 1, "output_tokens": 1}, "request volume"),
        ({"api": "gpt-4o", "requests_per_day": 1}, "--input-tokens"),
        ({"api": "gpt-4o", "model": "llama-3.1-8b", "requests_per_day": 1, "input_tokens": 1, "output_tokens": 1},
         "contradictory"),
        ({"model": "llama-3.1-8b", "gpu": "h100-sxm", "batch_size": 10**6, "input_tokens": 1000,
          "output_tokens": 1000}, "does not fit"),
        ({"model": "llama-3.1-8b", "gpu": "a100-80gb", "precision": "fp8", "input_tokens": 1,
          "output_tokens": 1}, "no published dense fp8 peak"),
    ],
)
def test_invalid_inference_inputs(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        run(**fields)


def test_explicit_batch_prices_by_hand() -> None:
    # gpt-5.4 (LiteLLM 1.110.2): $2.50 input, $0.25 cached, $15 output; batch API $1.25, $0.13 cached, $7.50.
    # Half the calls through the batch API: input 1.875, cached 0.19, output 11.25 per 1M on average.
    r = run(api="gpt-5.4", requests_per_day=1000, input_tokens=1000, output_tokens=100, reasoning_tokens=400,
            cached_fraction=0.5, batch_fraction=0.5)
    per_call = (500 * 1.875 + 500 * 0.19 + 100 * 11.25 + 400 * 11.25) / 1e6
    assert r["summary"]["usd_per_request"] == pytest.approx(per_call)
    assert r["inputs"]["usd_per_million_batch_output_tokens"] == 7.5


def test_a_batch_price_listed_for_input_only_leaves_output_at_full_price() -> None:
    # azure/eu/gpt-4o-mini: $0.165 input, $0.66 output, batch input $0.083, no batch output price.
    r = run(api="azure/eu/gpt-4o-mini", requests_per_day=1, input_tokens=1000, output_tokens=1000, batch_fraction=1)
    assert r["summary"]["usd_per_request"] == pytest.approx((1000 * 0.083 + 1000 * 0.66) / 1e6)
    assert any("no batch-API output price" in w for w in r["warnings"])


def test_reasoning_tokens_at_their_own_price() -> None:
    # perplexity/sonar-deep-research: $2 input, $8 output, $3 per 1M reasoning tokens.
    r = run(api="perplexity/sonar-deep-research", requests_per_day=1, input_tokens=1000, output_tokens=100,
            reasoning_tokens=1000)
    assert r["summary"]["usd_per_request"] == pytest.approx((1000 * 2 + 100 * 8 + 1000 * 3) / 1e6)


def test_tiered_pricing_picks_the_range_of_the_prompt() -> None:
    # dashscope/qwen-flash: prompts up to 256K at $0.05 / $0.40, above at $0.25 / $2.00 per 1M.
    short = run(api="dashscope/qwen-flash", requests_per_day=1, input_tokens=100_000, output_tokens=1000)
    long = run(api="dashscope/qwen-flash", requests_per_day=1, input_tokens=300_000, output_tokens=1000)
    assert short["summary"]["usd_per_request"] == pytest.approx((100_000 * 0.05 + 1000 * 0.4) / 1e6)
    assert long["summary"]["usd_per_request"] == pytest.approx((300_000 * 0.25 + 1000 * 2) / 1e6)
    assert long["inputs"]["long_context_above_input_tokens"] == 256_000
