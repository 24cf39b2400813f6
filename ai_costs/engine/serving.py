"""Self-hosted serving: a roofline model of one replica (accelerators sharing a model by tensor parallelism).

Prefill is compute-bound; a decode step reads the weights (or computes, whichever is slower) and then
reads every active sequence's KV cache; continuous batching keeps `batch` sequences in flight. The
efficiency factors are calibrated on shared/reference/calibration_inference.csv (docs/validation.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, ModelSpec
from ai_costs.units import GB, TERA

BYTES_PER_ELEMENT = {"fp32": 4.0, "tf32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5, "fp4": 0.5}
# Precision whose dense peak the matmuls run at. Weight-only 4-bit (AWQ/GPTQ) dequantizes to 16-bit.
COMPUTE_PRECISION = {"fp32": "fp32", "bf16": "bf16", "fp16": "fp16", "fp8": "fp8", "int8": "int8",
                     "int4": "fp16", "fp4": "fp4"}
TP_SIZES = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class Replica:
    """The hardware and model of one serving replica."""

    model: ModelSpec
    accel: Accelerator
    gpus: int
    weight_bytes_per_param: float
    kv_bytes_per_element: float
    peak_flops: float  # per accelerator, at the compute precision, dense

    @property
    def weight_bytes(self) -> float:
        """All weights (MoE: every expert is resident, total params)."""
        return self.model.total_params * self.weight_bytes_per_param

    @property
    def kv_bytes_per_token(self) -> float:
        """KV cache per token: layers x (2 x kv_heads x head_dim, or the MLA latent) x bytes."""
        return self.model.layers * self.model.kv_elements_per_token_per_layer * self.kv_bytes_per_element

    @property
    def usable_bytes(self) -> float:
        return self.gpus * self.accel.memory_gb * GB * d.USABLE_MEMORY_FRACTION

    @property
    def kv_capacity_bytes(self) -> float:
        return self.usable_bytes - self.weight_bytes

    @property
    def bandwidth(self) -> float:
        """Aggregate achieved memory bandwidth of the replica, bytes/s."""
        return self.gpus * self.accel.memory_bandwidth_gb_per_s * GB * d.SERVING_MEMORY_EFFICIENCY

    @property
    def tp_overhead(self) -> float:
        """Step-time multiplier for tensor-parallel all-reduces and synchronisation."""
        return 1.0 + d.TP_OVERHEAD_PER_EXTRA_GPU * (self.gpus - 1)


def compute_precision(weights: str) -> str:
    return COMPUTE_PRECISION[weights]


def make_replica(model: ModelSpec, accel: Accelerator, gpus: int, precision: str, kv_precision: str) -> Replica:
    compute = compute_precision(precision)
    tflops = accel.peak_tflops.get(compute)  # type: ignore[call-overload]
    if tflops is None and compute in {"bf16", "fp16"}:
        tflops = accel.peak_tflops.get("fp16") or accel.peak_tflops.get("bf16")
    if tflops is None:
        have = ", ".join(sorted(accel.peak_tflops)) or "none published"
        raise InvalidInput(
            f"{accel.id} has no published dense {compute} peak for --precision {precision}; "
            f"precisions with a peak: {have}",
            code="unsupported_precision",
        )
    # 8-bit and 4-bit matmuls reach a smaller share of their (2x, 4x) peaks, as in training.
    factor = d.LOW_PRECISION_MFU_FACTOR.get("fp8" if compute == "int8" else compute, 1.0)
    return Replica(model, accel, gpus, BYTES_PER_ELEMENT[precision], BYTES_PER_ELEMENT[kv_precision],
                   float(tflops) * TERA * factor)


def fits(replica: Replica, context_tokens: float) -> bool:
    """Weights plus the KV cache of one full-length sequence fit in usable memory."""
    return replica.kv_capacity_bytes >= replica.kv_bytes_per_token * context_tokens


def fewest_gpus_that_fit(
    model: ModelSpec, accel: Accelerator, precision: str, kv_precision: str, context_tokens: float
) -> int | None:
    for n in TP_SIZES:
        if fits(make_replica(model, accel, n, precision, kv_precision), context_tokens):
            return n
    return None


def max_batch(replica: Replica, average_context: float) -> int:
    """Sequences that fit in the KV cache at their average length (paged KV, continuous batching)."""
    return max(0, math.floor(replica.kv_capacity_bytes / (replica.kv_bytes_per_token * average_context)))


def prefill_seconds(replica: Replica, prompt_tokens: float) -> float:
    """Compute-bound prefill of one prompt: 2 x active params x tokens + causal attention
    (2 x layers x tokens^2 x heads x head_dim), at the prefill efficiency, times the TP overhead."""
    m = replica.model
    flops = 2.0 * m.active_params * prompt_tokens + 2.0 * m.layers * prompt_tokens**2 * m.heads * m.head_dim
    achieved = replica.gpus * replica.peak_flops * d.PREFILL_COMPUTE_EFFICIENCY
    return flops / achieved * replica.tp_overhead


def weights_read_bytes(model: ModelSpec, weight_bytes_per_param: float, batch: float) -> float:
    """Weight bytes a decode step reads. Dense: all. MoE: shared part plus the experts the batch's tokens
    route to, expected 1 - (1 - k/E)^batch of them."""
    if not model.is_moe or not model.experts or not model.experts_per_token:
        return model.total_params * weight_bytes_per_param
    touched = 1.0 - float((1.0 - model.experts_per_token / model.experts) ** batch)
    expert_params = (model.total_params - model.active_params) * model.experts / (
        model.experts - model.experts_per_token
    )
    shared = model.total_params - expert_params
    return (shared + expert_params * touched) * weight_bytes_per_param


def decode_step_seconds(replica: Replica, batch: float, average_context: float) -> float:
    """One decode step for `batch` sequences: the matmuls take the longer of reading the weights and
    computing 2 x active params per token; attention then reads each sequence's KV cache."""
    m = replica.model
    weights = weights_read_bytes(m, replica.weight_bytes_per_param, batch) / replica.bandwidth
    matmul = batch * 2.0 * m.active_params / (replica.gpus * replica.peak_flops * d.DECODE_COMPUTE_EFFICIENCY)
    kv = batch * average_context * replica.kv_bytes_per_token / replica.bandwidth
    return (max(weights, matmul) + kv) * replica.tp_overhead


@dataclass(frozen=True)
class ServingPoint:
    """Performance of one replica at one batch size."""

    batch: int
    prefill_seconds: float  # per request (uncached part of the prompt)
    step_seconds: float  # per decode step, after speculative decoding
    output_tokens_per_second: float  # replica throughput at full load
    ttft_seconds: float
    tpot_seconds: float


def serving_point(
    replica: Replica, batch: int, prompt_tokens: float, uncached_prompt_tokens: float, decode_tokens: float,
    speculative_speedup: float, efficiency: float = 1.0,
) -> ServingPoint:
    """Throughput and latency at a batch size. Per batch of requests the replica spends
    batch x prefill + decode_tokens x step seconds and emits batch x decode_tokens tokens.
    `efficiency` divides every modelled step time (the `serving_efficiency` factor)."""
    average_context = prompt_tokens + decode_tokens / 2.0
    prefill = prefill_seconds(replica, uncached_prompt_tokens) / efficiency
    step = decode_step_seconds(replica, batch, average_context) / speculative_speedup / efficiency
    if decode_tokens > 0:
        throughput = batch * decode_tokens / (batch * prefill + decode_tokens * step)
    else:
        throughput = 0.0
    return ServingPoint(batch, prefill, step, throughput, ttft_seconds=prefill + step, tpot_seconds=step)
