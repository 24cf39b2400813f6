"""The physical serving model: collectives, memory per accelerator, layouts, properties.

Hand-computed examples pin the efficiencies to 1 (and the collective base latency to 0) with
monkeypatch, so the arithmetic in each comment is the whole model; the fitted values are checked
against published runs in tests/engine/test_calibration.py.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine import defaults as d
from ai_costs.engine import layouts as lay
from ai_costs.engine import serving as sv
from ai_costs.engine.infer import estimate_inference
from ai_costs.errors import InvalidInput
from ai_costs.models._schema import validate
from ai_costs.models.catalog import Accelerator, ModelSpec
from ai_costs.models.layout import Layout, parse_layout
from ai_costs.models.scenario import InferScenario

CATALOG = load_catalog()

# A test accelerator: 80 GB, 3,000 GB/s, 1,000 TFLOP/s bf16 / 2,000 fp8, NVLink-like 900 GB/s both
# directions in domains of 8, 2 us per ring step, 50 GB/s per accelerator to other nodes, 4 us per step.
GPU = Accelerator(
    id="test-gpu", name="Test GPU", vendor="nvidia", memory_gb=80, memory_bandwidth_gb_per_s=3000,
    peak_tflops={"bf16": 1000, "fp8": 2000}, source="test", as_of="2026", interconnect_gb_per_s=900,
    scale_up_domain=8, interconnect_latency_us=2, scale_out_gb_per_s=50, scale_out_latency_us=4,
)
PCIE = dataclasses.replace(GPU, id="test-pcie", interconnect_gb_per_s=64, interconnect_latency_us=2.5)
# A Llama-3.1-70B-like dense model and a small MoE model (8 experts, 2 per token).
DENSE = ModelSpec(
    id="dense-70b", name="Dense 70B", family="test", total_params=70.6e9, active_params=70.6e9, layers=80,
    hidden_size=8192, heads=64, kv_heads=8, head_dim=128, ffn_size=28672, vocab_size=128256,
    context_length=131072, source="test", as_of="2026",
)
MOE = ModelSpec(
    id="moe-47b", name="MoE 47B", family="test", total_params=46.7e9, active_params=12.9e9, layers=32,
    hidden_size=4096, heads=32, kv_heads=8, head_dim=128, ffn_size=14336, vocab_size=32000,
    context_length=32768, experts=8, experts_per_token=2, source="test", as_of="2026",
)
MLA = dataclasses.replace(MOE, id="mla-moe", kv_cache_dim_per_layer=576, kv_heads=32, experts=64,
                          experts_per_token=8)


@pytest.fixture
def ideal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Links at their full bandwidth and no base latency, so the formulas can be checked by hand."""
    monkeypatch.setattr(d, "COMM_BANDWIDTH_EFFICIENCY", 1.0)
    monkeypatch.setattr(d, "SCALE_OUT_BANDWIDTH_EFFICIENCY", 1.0)
    monkeypatch.setattr(d, "COLLECTIVE_BASE_LATENCY_US", 0.0)


def test_all_reduce_inside_and_across_scale_up_domains(ideal: None) -> None:
    f = sv.fabric(GPU)
    inside = sv.all_reduce(f, 8, 16384)
    # 2 x (8 - 1) = 14 ring steps of 2 us = 28 us; 14 / 8 x 16,384 bytes over 450 GB/s (900 / 2) per token
    assert inside.fixed == pytest.approx(28e-6)
    assert inside.per_token == pytest.approx(14 / 8 * 16384 / 450e9)
    across = sv.all_reduce(f, 16, 16384)
    # 30 steps of 4 us on the network = 120 us; 30 / 16 x 16,384 bytes over 50 GB/s
    assert across.fixed == pytest.approx(120e-6)
    assert across.per_token == pytest.approx(30 / 16 * 16384 / 50e9)
    assert sv.all_reduce(f, 1, 16384) == sv.NO_LINK


def test_all_to_all_sends_each_token_once_per_remote_domain(ideal: None) -> None:
    f = sv.fabric(GPU)
    # 16 ranks = 2 domains of 8; a token going to 8 experts: 8 x 7/16 copies over NVLink = 1,568 bytes
    # per 448-byte copy... inside: 8 x 7 / 16 x 448 / 450e9; across: (2 - 1) x (1 - 0.5^8) copies over 50 GB/s
    link = sv.all_to_all(f, 16, 448, 8)
    inside = 8 * 7 / 16 * 448 / 450e9
    across = (1 - 0.5**8) * 448 / 50e9
    assert link.per_token == pytest.approx(max(inside, across))
    assert link.fixed == pytest.approx(4e-6)  # one network step, no base latency here


def test_attention_data_parallel_exchanges_tokens_by_all_gather_inside_a_domain(ideal: None) -> None:
    f = sv.fabric(GPU)
    # ring all-gather over 4 ranks of the domain: 3 steps of 2 us; 3 x 1,000 bytes of a rank over 450 GB/s
    link = sv.all_gather(f, 4, 1000)
    assert link.fixed == pytest.approx(6e-6)
    assert link.per_token == pytest.approx(3 * 1000 / 450e9)
    # DEP4 of the MoE model in FP8 (hidden 4,096): per MoE layer an all-gather of FP8 tokens (4,096 bytes)
    # and a reduce-scatter of 16-bit sums (8,192 bytes), no all-reduce (tp = 1): 32 layers x (6 + 6 us) and
    # 32 x 3 x (4,096 + 8,192) bytes per token over 450 GB/s
    comm = sv.stage_collectives(MOE, f, Layout(tensor=1, expert=4, data=4), "fp8")
    assert comm.fixed == pytest.approx(32 * 12e-6)
    assert comm.per_token == pytest.approx(32 * 3 * 12288 / 450e9)
    # across two domains (DEP16) the tokens are dispatched all-to-all instead: one network step each way
    wide = sv.stage_collectives(MLA, f, Layout(tensor=1, expert=16, data=16), "fp8")
    assert wide.fixed == pytest.approx(32 * 2 * 4e-6)


def test_a_4_bit_mixture_of_experts_keeps_its_other_weights_in_16_bits() -> None:
    # gpt-oss-120b: 116.83B total, 5.13B active, 128 experts, 4 per token. Routed experts = (116.83 - 5.13) x
    # 128 / 124 = 115.30B; the rest 1.53B. In FP4: 115.30B x 0.5 + 1.53B x 2 bytes = 60.71 GB (not 58.4 GB)
    m = CATALOG.model("gpt-oss-120b")
    assert sv.weights_precision(m, "fp4") == ("fp4", "bf16")
    assert sv.weight_bytes(m, "fp4") == pytest.approx(60.71e9, rel=1e-3)
    # an 8-bit MoE and a 4-bit dense model are quantized whole
    assert sv.weight_bytes(m, "fp8") == pytest.approx(116.83e9)
    assert sv.weight_bytes(DENSE, "fp4") == pytest.approx(70.6e9 / 2)
    r = sv.make_replica(m, CATALOG.accelerator("b200"), Layout(tensor=1), "fp4", "fp8")
    assert r.dense_peak_flops < r.peak_flops  # the 16-bit part runs at the 16-bit peak


def test_scheduler_reserves_the_kv_cache_of_the_whole_output(monkeypatch: pytest.MonkeyPatch) -> None:
    q = lay.Request(prompt_tokens=1000, uncached_tokens=1000, decode_tokens=1000)
    # a sequence holds 1,000 + 500 tokens on average and the scheduler sets aside the other 500 (no eviction)
    assert q.average_context == 1500
    assert q.reserved_context == 2000
    monkeypatch.setattr(d, "KV_RESERVED_OUTPUT_SHARE", 0.0)
    assert q.reserved_context == 1500


def test_a_fixed_batch_may_use_the_memory_it_holds_beyond_the_reservation() -> None:
    r = sv.make_replica(DENSE, GPU, Layout(tensor=4), "fp8", "fp8")
    q = lay.Request(prompt_tokens=1000, uncached_tokens=1000, decode_tokens=1000)
    reserved, held = sv.max_batch(r, q.reserved_context), sv.max_batch(r, q.average_context)
    assert held > reserved  # 2,000 reserved tokens per sequence against 1,500 held
    point, limit = lay.choose_batch(r, dataclasses.replace(q, batch=held))
    assert (point.batch, limit) == (held, reserved)
    with pytest.raises(InvalidInput, match="does not fit"):
        lay.choose_batch(r, dataclasses.replace(q, batch=held + 1))


def test_eager_steps_pay_the_fixed_time_of_every_moe_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(d, "MOE_LAYER_SECONDS", 100e-6)
    r = sv.make_replica(MOE, GPU, Layout(tensor=1), "fp8", "fp8")
    graphed = sv.stage_step(r, 64, 0, 1000, 0, 1, eager=0.0)
    eager = sv.stage_step(r, 64, 0, 1000, 0, 1, eager=1.0)
    assert eager.compute - graphed.compute == pytest.approx(32 * 100e-6)  # 32 MoE layers x 100 us
    dense = sv.make_replica(DENSE, GPU, Layout(tensor=1), "fp8", "fp8")
    assert sv.stage_step(dense, 64, 0, 1000, 0, 1, eager=1.0) == sv.stage_step(dense, 64, 0, 1000, 0, 1, eager=0.0)
    # a step is eager when some attention group has a prompt in it: prompts arrive at chunk / prompt per group
    # and step; 500 prompt tokens of 1,000-token prompts over 4 groups: 1 - exp(-0.5 x 4) = 0.865
    assert sv.eager_share(Layout(tensor=1, expert=4, data=4), 500, 1000) == pytest.approx(1 - math.exp(-2))
    assert sv.eager_share(Layout(tensor=1), 0, 1000) == 0.0  # decode-only steps replay a captured graph


def test_kv_heads_are_copied_when_tp_exceeds_them() -> None:
    # 80 layers x 2 (K, V) x 128 x 1 byte (fp8) x kv heads per accelerator: 8 / tp, at least one
    per_gpu = {tp: sv.make_replica(DENSE, GPU, Layout(tensor=tp), "fp8", "fp8").kv_bytes_per_token
               for tp in (1, 2, 8, 16)}
    assert per_gpu[1] == 80 * 2 * 128 * 8
    assert per_gpu[2] == 80 * 2 * 128 * 4
    assert per_gpu[8] == per_gpu[16] == 80 * 2 * 128  # tp=16 copies each KV head twice


def test_mla_latent_is_whole_on_every_tensor_rank_and_split_by_attention_groups() -> None:
    tp8 = sv.make_replica(MLA, GPU, Layout(tensor=8, expert=8), "fp8", "bf16")
    dp8 = sv.make_replica(MLA, GPU, Layout(tensor=1, expert=8, data=8), "fp8", "bf16")
    assert tp8.kv_bytes_per_token == dp8.kv_bytes_per_token == 32 * 576 * 2  # 32 layers x 576 x bf16
    # the same 1,000-token sequences: tp=8 holds every one on each of its 8 ranks, dp=8 spreads them
    assert sv.max_batch(dp8, 1000) >= 7 * sv.max_batch(tp8, 1000)


def test_weights_per_accelerator_split_by_tp_and_pp_with_the_head_on_the_last_stage() -> None:
    # dense-70b: 80 layers of 855.6M (q, k, v, o, gated MLP) = 68.45B leave 2.15B = two 128,256 x 8,192
    # tables (1.0507e9 each: untied); body = 70.6e9 - 2 x 1.0507e9
    head = 128256 * 8192
    body = 70.6e9 - 2 * head
    one = sv.make_replica(DENSE, GPU, Layout(tensor=2), "bf16", "bf16")
    assert one.weight_bytes_per_gpu == pytest.approx(70.6e9 * 2 / 2)
    staged = sv.make_replica(DENSE, GPU, Layout(tensor=2, pipeline=4), "bf16", "bf16")
    assert staged.weight_bytes_per_gpu == pytest.approx((body / 4 + head) * 2 / 2)
    assert staged.dense_bytes == pytest.approx((body / 4 + head) * 2 / 2)  # decode never reads the embedding


def test_tied_embeddings_are_recognised_from_the_parameter_count() -> None:
    assert sv.tied_embeddings(CATALOG.model("llama-3.2-1b"))  # 1.23B with one 128,256 x 2,048 table
    assert not sv.tied_embeddings(CATALOG.model("llama-3.1-8b"))  # 8.03B with two 128,256 x 4,096 tables


def test_expert_imbalance_grows_with_ranks_and_vanishes_without_expert_parallelism() -> None:
    assert sv.expert_imbalance(256, 1) == 1.0
    assert 1.0 < sv.expert_imbalance(256, 8) < sv.expert_imbalance(256, 64)
    # cv x sqrt(2 ln(ep) x ep / E): with ep = E = 8 each rank holds one expert
    assert sv.expert_imbalance(8, 8) == pytest.approx(1 + d.EXPERT_POPULARITY_CV * math.sqrt(2 * math.log(8)))


def test_sliding_window_caps_the_cache_of_its_layers() -> None:
    gemma = CATALOG.model("gemma-2-9b")  # 21 of 42 layers attend over a 4,096-token window
    shape = sv.shape(gemma)
    assert sv.attended_tokens(shape, 2000) == 2000
    assert sv.attended_tokens(shape, 20000) == pytest.approx(0.5 * 20000 + 0.5 * 4096)


# --- layouts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("layout", "message"), [
    ("tp=64", "exceeds the 32 attention heads"),
    ("tp=12", "does not divide the 32 attention heads"),
    ("pp=40", "exceeds the 32 layers"),
    ("tp=2,ep=2", "is dense"),
    ("tp=1,dp=2", "applies to mixture-of-experts models"),
])
def test_layout_problems_name_the_constraint(layout: str, message: str) -> None:
    problems = lay.problems(CATALOG.model("llama-3.1-8b"), parse_layout(layout))
    assert any(message in p for p in problems), problems


def test_kv_head_replication_rule() -> None:
    qwen = CATALOG.model("qwen2.5-7b")  # 28 query heads, 4 key/value heads
    assert lay.problems(qwen, Layout(tensor=2)) == []
    assert lay.problems(qwen, Layout(tensor=28)) == []  # one query head each, every KV head copied 7 times
    # 14 divides the 28 heads but not into whole key/value heads: 4 x 3.5
    assert any("copied tp/4 times, at most 7 times" in p for p in lay.problems(qwen, Layout(tensor=14)))


@pytest.mark.parametrize(("layout", "message"), [
    ("tp=1,ep=3,dp=3", "does not divide the 8 experts"),
    ("tp=1,ep=16,dp=16", "exceeds the 8 experts"),
    ("tp=8,pp=2,ep=16", "does not divide the tp x dp = 8 accelerators of a pipeline stage"),
])
def test_expert_layout_problems(layout: str, message: str) -> None:
    assert any(message in p for p in lay.problems(CATALOG.model("mixtral-8x7b"), parse_layout(layout)))


def test_candidates_keep_tensor_parallel_inside_the_domain_and_divide_the_model() -> None:
    found = list(lay.candidates(CATALOG.model("llama-3.1-405b"), 16, 8))
    assert found and all(c.tensor <= 8 and c.gpus == 16 and not lay.problems(CATALOG.model("llama-3.1-405b"), c)
                         for c in found)
    assert Layout(tensor=8, pipeline=2) in found


def run(**fields: Any) -> dict[str, Any]:
    return estimate_inference(validate(InferScenario, fields, origin="test"), CATALOG).to_dict()


def test_405b_bf16_on_h100_is_served_across_two_nodes_with_tp_inside_each() -> None:
    r = run(model="llama-3.1-405b", gpu="h100-sxm", precision="bf16", input_tokens=1000, output_tokens=1000)
    p = r["detail"]["parallelism"]
    assert p["tensor"] <= 8 and r["inputs"]["gpus"] >= 16  # 812 GB of weights: at least 16 x 80 GB
    assert r["detail"]["fewest_gpus_that_fit"] == 16


def test_bad_layout_names_the_constraint_and_the_nearest_that_works() -> None:
    with pytest.raises(InvalidInput) as info:
        run(model="deepseek-v3", gpu="h100-sxm", precision="fp8", parallelism="tp=8,pp=2,ep=16",
            input_tokens=1000, output_tokens=100)
    msg = info.value.message
    assert "ep=16 does not divide the tp x dp = 8 accelerators" in msg
    assert "the nearest layout that works: --parallelism tp=8,pp=2,ep=8" in msg


def test_layout_that_does_not_fit_in_memory_is_refused_with_a_layout_that_does() -> None:
    with pytest.raises(InvalidInput) as info:
        run(model="llama-3.1-405b", gpu="h100-sxm", precision="bf16", parallelism="tp=8",
            input_tokens=1000, output_tokens=100)
    assert info.value.code == "does_not_fit"
    assert "does not fit in memory" in info.value.message
    assert "nearest layout that works: --parallelism tp=8,pp=2 (16 x h100-sxm)" in info.value.message


def test_tensor_parallel_across_domains_is_allowed_with_a_warning() -> None:
    r = run(model="llama-3.1-405b", gpu="h100-sxm", precision="bf16", parallelism="tp=16",
            input_tokens=1000, output_tokens=100)
    assert any("spans 2 scale-up domains" in w for w in r["warnings"])
    slow = r["summary"]["output_tokens_per_second_per_gpu"]
    fast = run(model="llama-3.1-405b", gpu="h100-sxm", precision="bf16", parallelism="tp=8,pp=2",
               input_tokens=1000, output_tokens=100)["summary"]["output_tokens_per_second_per_gpu"]
    assert fast > slow  # all-reduces over 50 GB/s InfiniBand instead of 450 GB/s NVLink


def test_json_reports_the_layout_and_the_time_split() -> None:
    r = run(model="llama-3.1-70b", gpu="h100-sxm", precision="fp8", parallelism="tp=4", input_tokens=1000,
            output_tokens=1000)
    assert r["inputs"]["parallelism"] == "tp=4"
    assert r["detail"]["parallelism"] == {"tensor": 4, "pipeline": 1, "expert": 1, "data": 1}
    split = r["detail"]["decode_step_time_split"]
    assert split["total_seconds"] == pytest.approx(
        split["compute_seconds"] + split["memory_seconds"] + split["communication_seconds"] + split["host_seconds"])
    assert split["communication_seconds"] > 0
    assert r["detail"]["decode_step_seconds"] == pytest.approx(split["total_seconds"])


def test_serving_efficiency_factor_divides_every_step_time() -> None:
    base = {"model": "llama-3.1-70b", "gpu": "h100-sxm", "precision": "fp8", "parallelism": "tp=4", "batch_size": 64,
            "input_tokens": 1000, "output_tokens": 1000}
    one = estimate_inference(validate(InferScenario, base, origin="t"), CATALOG)
    half = estimate_inference(validate(InferScenario, base, origin="t"), CATALOG, factors={"serving_efficiency": 0.5})
    assert half.summary["tpot_seconds"] == pytest.approx(2 * one.summary["tpot_seconds"])
    assert half.summary["ttft_seconds"] == pytest.approx(2 * one.summary["ttft_seconds"])
    assert half.summary["output_tokens_per_second_per_gpu"] == pytest.approx(
        one.summary["output_tokens_per_second_per_gpu"] / 2)


def test_speed_case_and_its_calibrated_sigma() -> None:
    cases = {
        "dense-single-node": sv.make_replica(DENSE, GPU, Layout(tensor=8), "fp8", "fp8"),
        "pcie": sv.make_replica(DENSE, PCIE, Layout(tensor=4), "fp8", "fp8"),
        "multi-node": sv.make_replica(DENSE, GPU, Layout(tensor=8, pipeline=2), "fp8", "fp8"),
        "moe": sv.make_replica(MOE, GPU, Layout(tensor=2, expert=2), "fp8", "fp8"),
    }
    for case, replica in cases.items():
        assert sv.speed_case(replica) == case
        assert 0 < sv.speed_log_sigma(case) < 1
    assert sv.speed_log_sigma("moe") > sv.speed_log_sigma("dense-single-node")


# --- properties --------------------------------------------------------------------------------------

def _per_gpu(accel: Accelerator, model: ModelSpec, layout: Layout, i: int, o: int) -> float:
    r = sv.make_replica(model, accel, layout, "fp8", "fp8")
    q = lay.Request(prompt_tokens=i, uncached_tokens=i, decode_tokens=o)
    p, _ = lay.choose_batch(r, q)
    return p.output_tokens_per_second / layout.gpus


lengths = st.tuples(st.integers(16, 8000), st.integers(16, 4000))
tps = st.sampled_from([1, 2, 4, 8])


@settings(max_examples=60, deadline=None)
@given(io=lengths, tp=tps, more=st.floats(1.01, 4))
def test_more_memory_bandwidth_is_never_slower(io: tuple[int, int], tp: int, more: float) -> None:
    faster = dataclasses.replace(GPU, memory_bandwidth_gb_per_s=GPU.memory_bandwidth_gb_per_s * more)
    assert _per_gpu(faster, DENSE, Layout(tensor=tp), *io) >= _per_gpu(GPU, DENSE, Layout(tensor=tp), *io) * (1 - 1e-12)


@settings(max_examples=60, deadline=None)
@given(io=lengths, tp=st.sampled_from([2, 4, 8]), more=st.floats(1.01, 20))
def test_more_link_bandwidth_is_never_slower(io: tuple[int, int], tp: int, more: float) -> None:
    faster = dataclasses.replace(PCIE, interconnect_gb_per_s=PCIE.interconnect_gb_per_s * more)
    assert _per_gpu(faster, DENSE, Layout(tensor=tp), *io) >= _per_gpu(PCIE, DENSE, Layout(tensor=tp), *io) * (1 - 1e-12)


@settings(max_examples=40, deadline=None)
@given(io=lengths, tp=st.sampled_from([2, 4, 8]))
def test_nvlink_beats_pcie_at_the_same_tensor_parallel_degree(io: tuple[int, int], tp: int) -> None:
    assert _per_gpu(GPU, DENSE, Layout(tensor=tp), *io) > _per_gpu(PCIE, DENSE, Layout(tensor=tp), *io)


@settings(max_examples=40, deadline=None)
@given(model=st.sampled_from(["llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "mixtral-8x22b", "deepseek-v3"]),
       gpu=st.sampled_from(["h100-sxm", "a100-40gb", "l40s", "mi300x", "b200"]),
       precision=st.sampled_from(["bf16", "fp8"]), context=st.integers(100, 100_000))
def test_fitting_is_monotone_in_accelerators(model: str, gpu: str, precision: str, context: int) -> None:
    accel = CATALOG.accelerator(gpu)
    if precision not in accel.peak_tflops:
        return
    dep = lay.Deployment(CATALOG.model(model), accel, precision, "bf16")
    fits = [bool(dep.fitting(n, context)) for n in lay.SEARCH_GPUS]
    assert fits == sorted(fits)  # once a size fits, every larger one does


@settings(max_examples=40, deadline=None)
@given(io=lengths, batch=st.integers(1, 64), factor=st.floats(0.3, 3))
def test_throughput_scales_with_the_speed_factor(io: tuple[int, int], batch: int, factor: float) -> None:
    r = sv.make_replica(DENSE, GPU, Layout(tensor=8), "fp8", "fp8")
    one = sv.serving_point(r, batch, io[0], io[0], io[1])
    scaled = sv.serving_point(r, batch, io[0], io[0], io[1], speed=factor)
    assert scaled.output_tokens_per_second == pytest.approx(one.output_tokens_per_second * factor)


def test_an_impossible_target_names_the_layout_that_comes_closest() -> None:
    # 2 x H100: tensor parallel halves each token's weight reads, a pipeline does not, so tp=2 is closest
    with pytest.raises(InvalidInput, match=r"best achievable time per output token on 2 x h100-sxm \(tp=2\)"):
        run(model="llama-3.1-70b", gpu="h100-sxm", gpus=2, precision="fp8", input_tokens=1000, output_tokens=100,
            max_tpot=0.005)
