"""Self-hosted serving: a physical model of one replica, laid out tensor x pipeline x data (x expert).

Every step of a replica is a pipeline stage's kernels on one accelerator: the matmuls (dense part and
routed experts) take the longer of reading their weights and computing, attention takes the longer of
reading the KV cache and computing the scores, and the collectives (tensor-parallel all-reduces,
expert-parallel all-to-alls, pipeline sends) cost latency x steps + bytes / link bandwidth on the
fabric they cross (catalog: scale-up domain, link bandwidth and latency, scale-out network).
Continuous batching with chunked prefill mixes each step's decode tokens with a share of the prompts.
Formulas, defaults and sources: docs/explanation/methodology-inference.md; calibration: docs/validation.md.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, ModelSpec
from ai_costs.models.layout import Layout
from ai_costs.units import GB, TERA

BYTES_PER_ELEMENT = {"fp32": 4.0, "tf32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5, "fp4": 0.5}
# Precision whose dense peak the matmuls run at. Weight-only 4-bit (AWQ/GPTQ) dequantizes to 16-bit.
COMPUTE_PRECISION = {"fp32": "fp32", "bf16": "bf16", "fp16": "fp16", "fp8": "fp8", "int8": "int8",
                     "int4": "fp16", "fp4": "fp4"}
US = 1e-6


# --- the model's shape ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """Parameter split and attention sizes that the step times need (derived once per model)."""

    expert_params: float  # routed experts, all layers (0 for a dense model)
    active_expert_params: float  # routed expert parameters one token uses
    dense_params: float  # everything else: attention, dense FFNs, shared experts, embeddings
    active_dense_params: float
    head_params: float  # the output projection (vocab x hidden), on the last pipeline stage
    embedding_params: float  # the input embedding when not tied to the head: looked up, never read whole
    moe_layers: float
    route_miss_log: float  # log(1 - k/E): an expert is missed by one token with probability 1 - k/E
    experts_per_token: int
    mla: bool  # a latent KV cache shared by all heads (Multi-head Latent Attention)
    decode_attention_dim: int  # per head, per cached token: head_dim (MLA: the latent it attends over)
    full_layer_share: float  # layers attending over the whole context
    window: float  # sliding window of the other layers (tokens); inf when none


@functools.lru_cache(maxsize=128)
def shape(m: ModelSpec) -> Shape:
    """Routed experts hold total - active parameters over E - k experts of E (uniform experts):
    expert params = (total - active) x E / (E - k), of which k / E are active per token."""
    if m.is_moe and m.experts and m.experts_per_token and m.experts > m.experts_per_token:
        e, k = m.experts, m.experts_per_token
        experts = (m.total_params - m.active_params) * e / (e - k)
        active_experts = experts * k / e
        moe_layers = float(m.moe_layers or m.layers)
        miss = math.log1p(-k / e)
    else:
        experts = active_experts = moe_layers = miss = 0.0
        k = 0
    windowed = (m.sliding_window_layers or 0) if m.sliding_window else 0
    head = float(m.vocab_size * m.hidden_size)
    return Shape(
        expert_params=experts, active_expert_params=active_experts,
        dense_params=m.total_params - experts, active_dense_params=m.active_params - active_experts,
        head_params=head, embedding_params=head if experts or not tied_embeddings(m) else 0.0,
        moe_layers=moe_layers, route_miss_log=miss, experts_per_token=k,
        mla=m.kv_cache_dim_per_layer is not None,
        decode_attention_dim=m.kv_cache_dim_per_layer or m.head_dim,
        full_layer_share=(m.layers - windowed) / m.layers,
        window=float(m.sliding_window or 0) if windowed else math.inf,
    )


def tied_embeddings(m: ModelSpec) -> bool:
    """Whether the input embedding shares the output head's weights, judged from the parameter count:
    what a dense model holds beyond its layers (attention q, k, v, o and a gated MLP) is one vocab x hidden
    table when tied, two when not (Llama 3.2 1B/3B and Gemma tie; Llama 3.1 8B does not)."""
    per_layer = (2 * m.hidden_size * m.heads * m.head_dim + 2 * m.hidden_size * m.kv_heads * m.head_dim
                 + 3 * m.hidden_size * m.ffn_size)
    return m.total_params - m.layers * per_layer < 1.5 * m.vocab_size * m.hidden_size


def attended_tokens(s: Shape, context: float) -> float:
    """Tokens a query attends over (and the KV cache holds), averaged over layers: full layers see the
    whole context, sliding-window layers at most their window."""
    return context * s.full_layer_share + min(context, s.window) * (1.0 - s.full_layer_share)


# --- the fabric -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fabric:
    """Links of one accelerator: within its scale-up domain and to other nodes. Bandwidths are one
    direction, per accelerator, already times the achieved share (bytes/s); latencies per ring step (s)."""

    domain: int
    up_bandwidth: float
    up_latency: float
    out_bandwidth: float
    out_latency: float
    assumed: tuple[str, ...] = ()  # catalog fields that were missing and took a default


def fabric(accel: Accelerator, scale_out_gb_per_s: float | None = None) -> Fabric:
    """The catalog's communication figures, with a stated default for each missing one."""
    assumed = []
    domain = accel.scale_up_domain
    if domain is None:
        domain = d.DEFAULT_SCALE_UP_DOMAIN
        assumed.append(f"scale-up domain {domain}")
    up = accel.interconnect_gb_per_s
    if up is None:
        up = d.DEFAULT_INTERCONNECT_GB_PER_S
        assumed.append(f"scale-up links {up:g} GB/s (PCIe Gen4 x16)")
    up_lat = accel.interconnect_latency_us
    if up_lat is None:
        up_lat = d.DEFAULT_INTERCONNECT_LATENCY_US
        assumed.append(f"{up_lat:g} us per collective step")
    out = scale_out_gb_per_s or accel.scale_out_gb_per_s
    if out is None:
        out = d.DEFAULT_SCALE_OUT_GB_PER_S
        assumed.append(f"scale-out network {out:g} GB/s per accelerator")
    out_lat = accel.scale_out_latency_us or d.DEFAULT_SCALE_OUT_LATENCY_US
    # interconnect_gb_per_s is bidirectional: half of it leaves the accelerator.
    return Fabric(domain, up / 2.0 * GB * d.COMM_BANDWIDTH_EFFICIENCY, up_lat * US,
                  out * GB * d.SCALE_OUT_BANDWIDTH_EFFICIENCY, out_lat * US, tuple(assumed))


@dataclass(frozen=True)
class Link:
    """A collective's cost on the links it crosses: fixed seconds plus seconds per token."""

    fixed: float
    per_token: float

    def __add__(self, other: Link) -> Link:
        return Link(self.fixed + other.fixed, self.per_token + other.per_token)

    def scaled(self, times: float) -> Link:
        return Link(self.fixed * times, self.per_token * times)

    def seconds(self, tokens: float) -> float:
        return self.fixed + self.per_token * tokens if tokens > 0 else 0.0


NO_LINK = Link(0.0, 0.0)


def all_reduce(f: Fabric, ranks: int, bytes_per_token: float) -> Link:
    """Ring all-reduce over `ranks` accelerators: 2(n-1) steps of latency plus the collective's base
    latency, and 2(n-1)/n x bytes over the slowest link it crosses (scale-out beyond the domain)."""
    if ranks <= 1:
        return NO_LINK
    inside = ranks <= f.domain
    bandwidth, latency = (f.up_bandwidth, f.up_latency) if inside else (f.out_bandwidth, f.out_latency)
    steps = 2 * (ranks - 1)
    return Link(d.COLLECTIVE_BASE_LATENCY_US * US + steps * latency,
                steps / ranks * bytes_per_token / bandwidth)


def all_to_all(f: Fabric, ranks: int, bytes_per_copy: float, copies: int) -> Link:
    """One all-to-all over `ranks` accelerators (expert dispatch or combine) of tokens that each go to
    `copies` experts. Inside the scale-up domain each copy bound for another rank crosses a scale-up link;
    across domains a token crosses the network once per distinct remote domain its experts sit in (then
    is forwarded inside that domain, as hierarchical dispatch does), expected
    (domains - 1) x (1 - (1 - 1/domains)^copies). Both run in parallel; latency is the base plus one step
    on the slowest link."""
    if ranks <= 1:
        return NO_LINK
    near = min(ranks, f.domain)
    inside = copies * (near - 1) / ranks * bytes_per_copy / f.up_bandwidth
    domains = ranks / near
    remote = (domains - 1) * (1.0 - (1.0 - 1.0 / domains) ** copies) if domains > 1 else 0.0
    outside = remote * bytes_per_copy / f.out_bandwidth
    latency = f.out_latency if ranks > f.domain else f.up_latency
    return Link(d.COLLECTIVE_BASE_LATENCY_US * US + latency, max(inside, outside))


def all_gather(f: Fabric, ranks: int, bytes_per_token: float) -> Link:
    """Ring all-gather of every rank's tokens (or its mirror, the reduce-scatter of their partial sums) inside
    one scale-up domain: (n-1) steps, each moving one rank's share: (n-1) x bytes per token of a rank."""
    if ranks <= 1:
        return NO_LINK
    steps = ranks - 1
    return Link(d.COLLECTIVE_BASE_LATENCY_US * US + steps * f.up_latency, steps * bytes_per_token / f.up_bandwidth)


def send(f: Fabric, crosses_domain: bool, bytes_per_token: float) -> Link:
    """A pipeline send of activations to the next stage."""
    bandwidth, latency = (f.out_bandwidth, f.out_latency) if crosses_domain else (f.up_bandwidth, f.up_latency)
    return Link(latency, bytes_per_token / bandwidth)


# --- one replica ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rates:
    """Seconds per unit of work on one accelerator of a replica: per step (reads of resident weights), per
    token row (GEMMs), per token x attended token (attention), per token (communication)."""

    dense_read: float
    dense_row: float
    kv_read: float
    decode_attention: float
    prefill_attention: float
    expert_read: float
    expert_row: float
    comm_fixed: float
    comm_token: float
    moe_layers_fixed: float  # per step: MOE_LAYER_SECONDS x MoE layers of a stage


@dataclass(frozen=True)
class Replica:
    """The hardware, model and layout of one serving replica, with per-accelerator constants of a
    pipeline stage precomputed (memory in bytes, FLOPs, bytes/s, seconds)."""

    model: ModelSpec
    accel: Accelerator
    layout: Layout
    precision: str
    weight_bytes: float  # all weights of the model (MoE: every expert is resident)
    kv_bytes_per_element: float
    peak_flops: float  # expert matmuls (all matmuls of a dense model), per accelerator, low-precision factor applied
    dense_peak_flops: float  # the other matmuls: 16-bit for a 4-bit mixture of experts (weights_precision)
    attention_flops: float  # attention kernels: the 16-bit peak
    bandwidth: float  # achieved memory bandwidth per accelerator, bytes/s
    fabric: Fabric
    shape: Shape
    # per accelerator of the busiest stage
    dense_bytes: float  # read every step
    dense_resident_bytes: float  # held in memory
    expert_bytes: float
    dense_flops_per_token: float
    expert_row_flops: float  # one token through one local expert (its shard on this accelerator)
    local_experts: float  # routed experts per accelerator of a stage (E / ep)
    expert_load: float  # routed assignments reaching the busiest accelerator, per token entering the group
    kv_bytes_per_token: float  # per accelerator, per cached token (before the sliding window)
    decode_attention_flops_per_context: float  # per query token, per attended token
    prefill_attention_flops_per_context: float
    usable_bytes: float
    layer_comm: Link  # collectives of one stage step
    stage_send: Link  # pipeline send to the next stage

    @property
    def gpus(self) -> int:
        return self.layout.gpus

    @functools.cached_property
    def rates(self) -> Rates:
        """Seconds per unit of work of each kernel on this replica (section 3.5 of the methodology)."""
        gemm = d.GEMM_EFFICIENCY * self.peak_flops
        attention = d.GEMM_EFFICIENCY * self.attention_flops
        expert_bandwidth = self.bandwidth * d.EXPERT_EFFICIENCY
        return Rates(
            dense_read=self.dense_bytes / self.bandwidth,
            dense_row=self.dense_flops_per_token / (d.GEMM_EFFICIENCY * self.dense_peak_flops),
            kv_read=self.kv_bytes_per_token / (self.bandwidth * d.KV_READ_EFFICIENCY),
            decode_attention=self.decode_attention_flops_per_context / attention,
            prefill_attention=self.prefill_attention_flops_per_context / attention,
            expert_read=self.expert_bytes / expert_bandwidth,
            expert_row=self.expert_row_flops / (gemm * d.EXPERT_EFFICIENCY),
            comm_fixed=self.layer_comm.fixed * (1.0 - d.COMM_OVERLAP),
            comm_token=self.layer_comm.per_token * (1.0 - d.COMM_OVERLAP),
            moe_layers_fixed=d.MOE_LAYER_SECONDS * self.shape.moe_layers / self.layout.pipeline,
        )

    @property
    def weight_bytes_per_gpu(self) -> float:
        return self.dense_resident_bytes + self.expert_bytes

    @property
    def kv_capacity_per_gpu(self) -> float:
        return self.usable_bytes - self.weight_bytes_per_gpu

    @property
    def kv_bytes_per_token_total(self) -> float:
        """KV cache per token of the whole model (all layers, unsplit): layers x (2 x kv_heads x head_dim,
        or the MLA latent) x bytes."""
        return self.model.layers * self.model.kv_elements_per_token_per_layer * self.kv_bytes_per_element

    def kv_bytes_per_sequence(self, context: float) -> float:
        """KV bytes one sequence of `context` tokens holds on each accelerator of its group."""
        return self.kv_bytes_per_token * attended_tokens(self.shape, context)


def compute_precision(weights: str) -> str:
    return COMPUTE_PRECISION[weights]


def weights_precision(model: ModelSpec, precision: str) -> tuple[str, str]:
    """(routed experts, everything else) precision of the weights. 4-bit checkpoints of mixture-of-experts
    models quantize the routed experts and keep attention, shared experts and embeddings in 16 bits
    (gpt-oss ships MXFP4 experts with BF16 attention; NVIDIA's NVFP4 DeepSeek-R1 quantizes the experts, its
    attention at most partly): such a model's non-expert part is read and computed in 16 bits."""
    if shape(model).expert_params and BYTES_PER_ELEMENT[precision] < 1.0:
        return precision, "bf16"
    return precision, precision


def weight_bytes(model: ModelSpec, precision: str) -> float:
    """All weights of a model at this precision (every expert resident)."""
    s = shape(model)
    experts, rest = weights_precision(model, precision)
    return s.expert_params * BYTES_PER_ELEMENT[experts] + s.dense_params * BYTES_PER_ELEMENT[rest]


def _peak(accel: Accelerator, compute: str) -> float | None:
    tflops = accel.peak_tflops.get(compute)  # type: ignore[call-overload]
    if tflops is None and compute in {"bf16", "fp16"}:
        tflops = accel.peak_tflops.get("fp16") or accel.peak_tflops.get("bf16")
    return None if tflops is None else float(tflops) * TERA


def matmul_peak(accel: Accelerator, precision: str) -> float:
    """Dense peak (FLOP/s) the weight matmuls run at, times the low-precision factor."""
    compute = compute_precision(precision)
    peak = _peak(accel, compute)
    if peak is None:
        have = ", ".join(sorted(accel.peak_tflops)) or "none published"
        raise InvalidInput(
            f"{accel.id} has no published dense {compute} peak for --precision {precision}; "
            f"precisions with a peak: {have}",
            code="unsupported_precision",
        )
    # 8-bit and 4-bit matmuls reach a smaller share of their (2x, 4x) peaks than 16-bit ones.
    return peak * d.SERVING_LOW_PRECISION_FACTOR.get("fp8" if compute == "int8" else compute, 1.0)


def stage_collectives(model: ModelSpec, f: Fabric, layout: Layout, precision: str) -> Link:
    """The collectives of one step of one stage: with tp only, two all-reduces per layer (after attention,
    after the FFN or MoE layer); with attention data parallel, one all-reduce after attention and after each
    dense FFN inside the tp group, and per MoE layer a dispatch and a combine over the stage: inside one
    scale-up domain an all-gather of every rank's tokens and a reduce-scatter of the experts' partial sums
    (TensorRT-LLM's default; it moves ep x tokens where an all-to-all moves top-k x tokens), across domains
    an all-to-all (DeepEP)."""
    s = shape(model)
    tp, g = layout.tensor, layout.stage_gpus
    layers = model.layers / layout.pipeline
    act = d.ACTIVATION_BYTES * model.hidden_size
    if layout.data == 1:
        return all_reduce(f, tp, act).scaled(2 * layers)
    # Tokens are dispatched to their experts already quantized to the matmul precision (DeepSeek:
    # dispatch in FP8, combine in BF16); combined results come back in 16-bit.
    dispatch = min(d.ACTIVATION_BYTES, BYTES_PER_ELEMENT[compute_precision(precision)]) * model.hidden_size
    moe = s.moe_layers / layout.pipeline
    if g <= f.domain:
        exchange = all_gather(f, g, dispatch / tp) + all_gather(f, g, act / tp)
    else:
        exchange = (all_to_all(f, g, dispatch / tp, s.experts_per_token)
                    + all_to_all(f, g, act / tp, s.experts_per_token))
    return all_reduce(f, tp, act).scaled(layers + layers - moe) + exchange.scaled(moe)


def make_replica(
    model: ModelSpec, accel: Accelerator, layout: Layout, precision: str, kv_precision: str,
    scale_out_gb_per_s: float | None = None, links: Fabric | None = None,
) -> Replica:
    """Per-accelerator constants of a stage (memory, FLOPs, collectives) for this layout (`links`: the
    accelerator's fabric when already resolved)."""
    s = shape(model)
    lay = layout
    tp, pp, ep, g = lay.tensor, lay.pipeline, lay.expert, lay.stage_gpus
    expert_precision, dense_precision = weights_precision(model, precision)
    wb, wb_dense = BYTES_PER_ELEMENT[expert_precision], BYTES_PER_ELEMENT[dense_precision]
    peak = matmul_peak(accel, precision)
    # a 16-bit part needs a 16-bit peak; an accelerator that publishes none runs it at the weights' peak
    dense_peak = matmul_peak(accel, dense_precision) if _peak(accel, compute_precision(dense_precision)) else peak
    attention = _peak(accel, "bf16") or peak
    f = links or fabric(accel, scale_out_gb_per_s)
    layers = model.layers / pp
    # KV: GQA heads split over tp (replicated when tp > kv_heads); an MLA latent is needed whole by
    # every head, so each tensor-parallel rank caches all of it.
    shards = 1 if s.mla else min(tp, model.kv_heads)
    kv_token = layers * model.kv_elements_per_token_per_layer / shards * BYTES_PER_ELEMENT[kv_precision]
    heads = model.heads / tp
    act = d.ACTIVATION_BYTES * model.hidden_size
    comm = stage_collectives(model, f, layout, precision)
    crosses = pp > 1 and g * pp > f.domain
    n_experts = float(model.experts or 0) if s.expert_params else 0.0
    # The busiest stage: its share of the layers plus the output head (the last stage) or the input
    # embedding (the first), whichever is larger; the embedding is resident but only looked up.
    body = s.dense_params - s.embedding_params - s.head_params
    resident = body / pp + max(s.head_params, s.embedding_params) if pp > 1 else s.dense_params
    read = body / pp + s.head_params
    active = (s.active_dense_params - s.embedding_params - s.head_params) / pp + s.head_params
    return Replica(
        model=model, accel=accel, layout=layout, precision=precision,
        weight_bytes=weight_bytes(model, precision), kv_bytes_per_element=BYTES_PER_ELEMENT[kv_precision],
        peak_flops=peak, dense_peak_flops=dense_peak, attention_flops=attention,
        bandwidth=accel.memory_bandwidth_gb_per_s * GB * d.SERVING_MEMORY_EFFICIENCY,
        fabric=f, shape=s,
        dense_bytes=read * wb_dense / tp,
        dense_resident_bytes=resident * wb_dense / tp,
        expert_bytes=s.expert_params * wb / (g * pp),
        dense_flops_per_token=2.0 * active / tp,
        expert_row_flops=2.0 * s.expert_params / (n_experts * pp) * ep / g if n_experts else 0.0,
        local_experts=n_experts / ep,
        expert_load=s.experts_per_token / ep * expert_imbalance(n_experts, ep),
        kv_bytes_per_token=kv_token,
        decode_attention_flops_per_context=4.0 * layers * heads * s.decode_attention_dim,
        prefill_attention_flops_per_context=4.0 * layers * heads * model.head_dim,
        usable_bytes=usable_bytes(accel),
        layer_comm=comm,
        stage_send=send(f, crosses, act / tp) if pp > 1 else NO_LINK,
    )


def usable_bytes(accel: Accelerator) -> float:
    """Memory of one accelerator that weights and the KV cache may take."""
    return accel.memory_gb * GB * d.SERVING_MEMORY_FRACTION


def fits(replica: Replica, context_tokens: float) -> bool:
    """Weights plus the KV cache of one full-length sequence fit on every accelerator."""
    return replica.kv_capacity_per_gpu >= replica.kv_bytes_per_sequence(context_tokens)


def max_batch(replica: Replica, context: float) -> int:
    """Sequences in flight that the KV cache holds at `context` tokens each (paged KV, continuous batching:
    their average length, or what the scheduler reserves per sequence): each attention group holds its own
    sequences."""
    per_sequence = replica.kv_bytes_per_sequence(context)
    if per_sequence <= 0:
        return 0
    return max(0, math.floor(replica.kv_capacity_per_gpu / per_sequence)) * replica.layout.data


def scheduler_batch(uncached_prompt_tokens: float, decode_tokens: float, speculative_speedup: float,
                    layout: Layout) -> int:
    """Sequences in flight a framework's scheduler can step: each step of each attention group's scheduler
    takes at most MAX_TOKENS_PER_STEP tokens (one per decoding sequence plus its share of prompt chunks),
    per micro-batch."""
    rounds = decode_tokens / speculative_speedup if decode_tokens > 0 else 1.0
    per_sequence = (1.0 if decode_tokens > 0 else 0.0) + uncached_prompt_tokens / rounds
    return max(1, math.floor(d.MAX_TOKENS_PER_STEP / per_sequence)) * layout.pipeline * layout.data


# --- step times -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepTime:
    """Seconds of one step, split by what bounds them: compute, memory reads, communication, and host
    (the part where the accelerators wait for the framework's scheduler)."""

    compute: float
    memory: float
    communication: float
    host: float = 0.0

    @property
    def total(self) -> float:
        return self.compute + self.memory + self.communication + self.host

    def __add__(self, other: StepTime) -> StepTime:
        return StepTime(self.compute + other.compute, self.memory + other.memory,
                        self.communication + other.communication, self.host + other.host)

    def scaled(self, times: float) -> StepTime:
        return StepTime(self.compute * times, self.memory * times, self.communication * times, self.host * times)

    def to_dict(self) -> dict[str, float]:
        return {"compute_seconds": self.compute, "memory_seconds": self.memory,
                "communication_seconds": self.communication, "host_seconds": self.host,
                "total_seconds": self.total}


def expert_imbalance(experts: float, ep: int) -> float:
    """Load of the busiest expert-parallel rank over the mean. Experts differ in popularity (coefficient
    of variation EXPERT_POPULARITY_CV); a rank holding E / ep of them carries a load whose variation is
    that over sqrt(E / ep), and the largest of ep such loads sits about sqrt(2 ln ep) deviations above
    the mean: 1 + cv x sqrt(2 ln(ep) x ep / E)."""
    if ep <= 1 or experts <= 0:
        return 1.0
    return 1.0 + d.EXPERT_POPULARITY_CV * math.sqrt(2.0 * math.log(ep) * ep / experts)


def eager_share(layout: Layout, chunk: float, uncached_prompt_tokens: float) -> float:
    """Share of steps that carry a prompt: serving frameworks replay decode-only steps from captured CUDA
    graphs but run steps with prompts kernel by kernel. Prompts arrive at chunk / uncached per attention group
    and step (Poisson), and with attention data parallel one group's prompt makes the step eager for all:
    1 - exp(-prompts per step x groups)."""
    if chunk <= 0.0 or uncached_prompt_tokens <= 0.0:
        return 0.0
    return -math.expm1(-chunk / uncached_prompt_tokens * layout.data)


def stage_seconds(
    r: Replica, decode: float, prefill: float, decode_context: float, prefill_context: float, groups: int,
    eager: float = 1.0,
) -> tuple[float, float, float]:
    """One step of one pipeline stage on one accelerator: (compute-bound, memory-bound, communication)
    seconds. The hot loop of the layout search, so it allocates nothing.

    decode: sequences of each attention group making one token; prefill: prompt tokens of each group
    processed in the same step (chunked prefill); groups: attention groups taking part (their tokens
    share the stage's experts); eager: the share of such steps that run kernel by kernel (eager_share).
    Each kernel takes the longer of its memory reads and its arithmetic.
    """
    tokens = decode + prefill
    shape, k = r.shape, r.rates
    # dense matmuls: every weight is read once per step, all the group's tokens are one GEMM's rows. GEMM
    # kernels waste about GEMM_ROW_OVERHEAD rows of work (tile and wave quantization, prologue and
    # epilogue): m rows cost as much as m + overhead at the asymptotic efficiency, i.e. efficiency(m) =
    # GEMM_EFFICIENCY x m / (m + GEMM_ROW_OVERHEAD)
    read, arith = k.dense_read, k.dense_row * (tokens + d.GEMM_ROW_OVERHEAD)
    compute, memory = (arith, 0.0) if arith > read else (0.0, read)
    # attention: decode reads each sequence's KV cache; prefill computes causal scores
    attended = attended_tokens(shape, decode_context)
    read = decode * attended * k.kv_read
    arith = (decode * attended * k.decode_attention
             + prefill * attended_tokens(shape, prefill_context) * k.prefill_attention)
    if arith > read:
        compute += arith
    else:
        memory += read
    if r.expert_bytes and tokens > 0:
        # routing, permutation and the grouped GEMMs' kernel launches: a fixed time per MoE layer in a step
        # that runs eagerly (a step replayed from a captured CUDA graph launches them at once)
        compute += k.moe_layers_fixed * eager
        routed = tokens * groups  # tokens entering the stage's expert-parallel group
        touched = -math.expm1(routed * shape.route_miss_log)  # share of experts some token routes to
        # grouped GEMM: one GEMM per local expert a token routes to, rows = tokens routed to it; routing,
        # permutation and the many small GEMMs reach EXPERT_EFFICIENCY of a dense GEMM's speed
        read = k.expert_read * touched
        arith = k.expert_row * (routed * r.expert_load + r.local_experts * touched * d.GEMM_ROW_OVERHEAD)
        if arith > read:
            compute += arith
        else:
            memory += read
    return compute, memory, (k.comm_fixed + k.comm_token * tokens) if tokens > 0 else 0.0


def stage_step(
    r: Replica, decode: float, prefill: float, decode_context: float, prefill_context: float, groups: int,
    eager: float = 1.0,
) -> StepTime:
    """stage_seconds as a StepTime."""
    return StepTime(*stage_seconds(r, decode, prefill, decode_context, prefill_context, groups, eager))


def pipeline_round(r: Replica, stage: tuple[float, float, float], tokens: float, host: float = 0.0,
                   speed: float = 1.0) -> StepTime:
    """A token's trip through all stages: each stage's step plus the send to the next; with `pipeline`
    micro-batches in flight every stage stays busy, so this is also the time between a sequence's tokens.
    The scheduler's `host` seconds overlap the accelerators' work; `speed` divides every time."""
    pp = r.layout.pipeline / speed
    compute, memory, comm = stage[0] * pp, stage[1] * pp, (stage[2] + r.stage_send.seconds(tokens)) * pp
    return StepTime(compute, memory, comm, max(0.0, host / speed - compute - memory - comm))


@dataclass(frozen=True)
class ServingPoint:
    """Performance of one replica at one batch size (steady state of continuous batching)."""

    batch: int
    prefill_seconds: float  # one prompt alone through the replica (its uncached part)
    step_seconds: float  # one decode round: every sequence in flight makes one token (x speculative)
    output_tokens_per_second: float  # replica throughput at full load
    requests_per_second: float
    ttft_seconds: float
    tpot_seconds: float
    prefill_split: StepTime
    step_split: StepTime
    input_share: float  # share of the replica's time that serves prompts (for the input/output price split)


def round_shape(
    layout: Layout, batch: int, uncached_prompt_tokens: float, decode_tokens: float, speculative_speedup: float
) -> tuple[float, float, float]:
    """(rounds per request, decoding sequences, prompt-chunk tokens) of one round, the last two per
    attention group and micro-batch: a request needs D / speculative_speedup rounds, and to keep the batch
    full each round also prefills its share of the prompts that replace finished requests (chunked
    prefill), b x uncached / rounds tokens beside b decode tokens."""
    rounds = decode_tokens / speculative_speedup if decode_tokens > 0 else 1.0
    b = batch / (min(layout.pipeline, batch) * layout.data)
    return rounds, (b if decode_tokens > 0 else 0.0), b * uncached_prompt_tokens / rounds


def decode_round(
    r: Replica, batch: int, prompt_tokens: float, uncached_prompt_tokens: float, decode_tokens: float,
    speculative_speedup: float = 1.0, speed: float = 1.0,
) -> StepTime:
    """One round with `batch` sequences in flight: every sequence makes one step (speculative: several
    tokens) beside its share of prompt chunks (round_shape). `speed` divides every step time."""
    lay = r.layout
    _, decoding, chunk = round_shape(lay, batch, uncached_prompt_tokens, decode_tokens, speculative_speedup)
    stage = stage_seconds(r, decoding, chunk, prompt_tokens + decode_tokens / 2.0,
                          prompt_tokens - uncached_prompt_tokens / 2.0, lay.data,
                          eager_share(lay, chunk, uncached_prompt_tokens))
    # Each attention group's scheduler handles its batch / data sequences once per round, overlapped
    # with the accelerators' work: the round lasts the longer of the two.
    return pipeline_round(r, stage, decoding + chunk, d.HOST_SECONDS_PER_SEQUENCE * batch / lay.data, speed)


def round_seconds(
    r: Replica, batch: int, prompt_tokens: float, uncached_prompt_tokens: float, decode_tokens: float,
    speculative_speedup: float = 1.0, speed: float = 1.0,
) -> float:
    """decode_round(...).total without building the split (the batch search's inner loop)."""
    lay = r.layout
    _, decoding, chunk = round_shape(lay, batch, uncached_prompt_tokens, decode_tokens, speculative_speedup)
    compute, memory, comm = stage_seconds(r, decoding, chunk, prompt_tokens + decode_tokens / 2.0,
                                          prompt_tokens - uncached_prompt_tokens / 2.0, lay.data,
                                          eager_share(lay, chunk, uncached_prompt_tokens))
    gpu = (compute + memory + comm + r.stage_send.seconds(decoding + chunk)) * lay.pipeline
    return max(gpu, d.HOST_SECONDS_PER_SEQUENCE * batch / lay.data) / speed


def prefill_alone(r: Replica, prompt_tokens: float, uncached_prompt_tokens: float, speed: float = 1.0) -> StepTime:
    """One prompt's uncached tokens through every stage, on one attention group (its time to first token
    before the first decode round)."""
    alone = stage_seconds(r, 0.0, uncached_prompt_tokens, 0.0, prompt_tokens - uncached_prompt_tokens / 2.0, 1)
    return pipeline_round(r, alone, uncached_prompt_tokens, speed=speed)


def serving_point(
    r: Replica, batch: int, prompt_tokens: float, uncached_prompt_tokens: float, decode_tokens: float,
    speculative_speedup: float = 1.0, speed: float = 1.0,
) -> ServingPoint:
    """Throughput and latency with `batch` sequences in flight (steady state of continuous batching)."""
    lay = r.layout
    rounds, decoding, chunk = round_shape(lay, batch, uncached_prompt_tokens, decode_tokens, speculative_speedup)
    step = decode_round(r, batch, prompt_tokens, uncached_prompt_tokens, decode_tokens, speculative_speedup, speed)
    prefill = prefill_alone(r, prompt_tokens, uncached_prompt_tokens, speed)
    requests_per_s = batch / (rounds * step.total)
    # Attribute each round's time to prompts and to generation by their standalone step times.
    prompt_part = stage_step(r, 0.0, chunk, 0.0, prompt_tokens - uncached_prompt_tokens / 2.0,
                             lay.data).total if chunk > 0 else 0.0
    decode_part = stage_step(r, decoding, 0.0, prompt_tokens + decode_tokens / 2.0, 0.0,
                             lay.data, eager=0.0).total if decoding > 0 else 0.0  # prompts make steps eager
    share = prompt_part / (prompt_part + decode_part) if prompt_part + decode_part > 0 else 0.0
    tpot = step.total / speculative_speedup
    return ServingPoint(
        batch=batch, prefill_seconds=prefill.total, step_seconds=step.total,
        output_tokens_per_second=requests_per_s * decode_tokens, requests_per_second=requests_per_s,
        ttft_seconds=prefill.total + tpot, tpot_seconds=tpot, prefill_split=prefill, step_split=step,
        input_share=share,
    )


# --- calibrated speed uncertainty -----------------------------------------------------------------

SPEED_CASES = ("dense-single-node", "pcie", "multi-node", "moe")
PCIE_GB_PER_S = 128.0  # PCIe Gen5 x16 both directions: a scale-up link this slow or slower is PCIe-class


def speed_case(r: Replica) -> str:
    """The calibration class of a replica: MoE models; layouts with pipeline stages or beyond one
    scale-up domain; tensor parallel over PCIe-class links; everything else (dense, one domain)."""
    if r.shape.expert_params:
        return "moe"
    lay = r.layout
    if lay.pipeline > 1 or lay.gpus > r.fabric.domain:
        return "multi-node"
    link = r.accel.interconnect_gb_per_s or d.DEFAULT_INTERCONNECT_GB_PER_S
    if lay.tensor > 1 and link <= PCIE_GB_PER_S:
        return "pcie"
    return "dense-single-node"


def speed_log_sigma(case: str) -> float:
    """Calibrated standard deviation of log(estimated / published throughput) for a case class (from the
    FIT runs' residuals, tested on the CHECK runs: docs/validation.md); the uncertainty ranges use it."""
    return d.SPEED_LOG_SIGMA[case]
