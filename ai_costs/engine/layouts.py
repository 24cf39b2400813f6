"""Parallel layouts of a serving replica: which divide the model, which fit, and which serves cheapest.

The search is cheap by construction: layouts are pruned by divisibility and memory first, each survivor
is scored once at the largest batch its KV cache holds (an upper bound on its throughput), and only then,
best bound first, are latency targets solved by bisection until no remaining bound can win.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.engine import serving as sv
from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Accelerator, ModelSpec
from ai_costs.models.layout import Layout

SEARCH_GPUS = (1, 2, 4, 8, 16, 32, 64, 128)  # replica sizes the default search tries
SEARCH_SPAN = 8  # ... from the fewest that fit up to this many times that


@dataclass(frozen=True)
class Request:
    """What one request asks of a replica, and the targets a layout must meet."""

    prompt_tokens: float
    uncached_tokens: float
    decode_tokens: float
    speculative_speedup: float = 1.0
    max_ttft: float | None = None
    max_tpot: float | None = None
    batch: int | None = None  # fixed --batch-size; None = auto
    speed: float = 1.0  # divides every step time (factors["serving_efficiency"])

    @property
    def context(self) -> float:
        """Longest sequence: prompt plus every generated token."""
        return self.prompt_tokens + self.decode_tokens

    @property
    def average_context(self) -> float:
        return self.prompt_tokens + self.decode_tokens / 2.0

    @property
    def reserved_context(self) -> float:
        """KV tokens the scheduler sets aside per sequence in flight: what a sequence holds on average plus the
        reserved share of what it has yet to generate (KV_RESERVED_OUTPUT_SHARE; 1: admitted requests are never
        evicted, TensorRT-LLM's default)."""
        return self.average_context + self.decode_tokens / 2.0 * d.KV_RESERVED_OUTPUT_SHARE

    def meets(self, p: sv.ServingPoint) -> bool:
        return (self.max_tpot is None or p.tpot_seconds <= self.max_tpot) and (
            self.max_ttft is None or p.ttft_seconds <= self.max_ttft)


# --- validity -------------------------------------------------------------------------------------

def problems(model: ModelSpec, layout: Layout) -> list[str]:
    """Constraints the layout breaks for this model, each named (empty: it divides the model)."""
    tp, pp, ep, dp = layout.tensor, layout.pipeline, layout.expert, layout.data
    out = []
    if tp > model.heads:
        out.append(f"tp={tp} exceeds the {model.heads} attention heads of {model.id} (each accelerator "
                   "needs at least one query head)")
    elif model.heads % tp:
        out.append(f"tp={tp} does not divide the {model.heads} attention heads of {model.id}")
    kv = model.kv_heads
    if model.kv_cache_dim_per_layer is None and tp <= model.heads:
        if tp <= kv and kv % tp:
            out.append(f"tp={tp} does not divide the {kv} key/value heads of {model.id}")
        elif tp > kv and tp % kv:
            out.append(f"tp={tp} is above the {kv} key/value heads of {model.id} but not a multiple of them: "
                       f"each key/value head is copied tp/{kv} times, at most {model.heads // kv} times "
                       f"(the query heads sharing it), so tp must be {kv} x 1..{model.heads // kv}")
    if pp > model.layers:
        out.append(f"pp={pp} exceeds the {model.layers} layers of {model.id}")
    experts = model.experts if model.is_moe else None
    if experts is None:
        if ep > 1:
            out.append(f"ep={ep}: {model.id} is dense (expert parallelism applies to mixture-of-experts models)")
        if dp > 1:
            out.append(f"dp={dp}: attention data parallelism applies to mixture-of-experts models; a dense "
                       "model scales out with more replicas")
    else:
        if ep > experts:
            out.append(f"ep={ep} exceeds the {experts} experts of {model.id}")
        elif experts % ep:
            out.append(f"ep={ep} does not divide the {experts} experts of {model.id}")
        if layout.stage_gpus % ep:
            out.append(f"ep={ep} does not divide the tp x dp = {layout.stage_gpus} accelerators of a pipeline "
                       "stage (an MoE layer's experts live on the accelerators of its stage)")
    return out


def _divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0]


def candidates(model: ModelSpec, gpus: int, domain: int) -> Iterator[Layout]:
    """Valid layouts of exactly `gpus` accelerators with tensor parallelism inside one scale-up domain.
    MoE layers are split over all accelerators of a stage (ep = tp x dp, as serving frameworks do when
    the experts divide evenly; otherwise each expert is split tensor-parallel, ep = 1)."""
    moe = model.is_moe and bool(model.experts)
    for tp in _divisors(gpus):
        if tp > domain:
            break
        for dp in _divisors(gpus // tp) if moe else (1,):
            pp = gpus // (tp * dp)
            ep = 1
            if moe and model.experts and model.experts % (tp * dp) == 0:
                ep = tp * dp
            elif dp > 1:
                continue  # attention data parallel needs the experts spread over the stage
            layout = Layout(tp, pp, ep, dp)
            if not problems(model, layout):
                yield layout


# --- scoring --------------------------------------------------------------------------------------

class Deployment:
    """Model, accelerator and precisions, with a memo of replicas per layout."""

    def __init__(self, model: ModelSpec, accel: Accelerator, precision: str, kv_precision: str,
                 scale_out_gb_per_s: float | None = None) -> None:
        self.model, self.accel = model, accel
        self.precision, self.kv_precision = precision, kv_precision
        self.scale_out = scale_out_gb_per_s
        sv.matmul_peak(accel, precision)  # unsupported precision: fail before any search
        self.fabric = sv.fabric(accel, scale_out_gb_per_s)
        self.weight_bytes = sv.weight_bytes(model, precision)
        self.usable_bytes = sv.usable_bytes(accel)
        self.domain = self.fabric.domain
        self._replicas: dict[Layout, sv.Replica] = {}

    def replica(self, layout: Layout) -> sv.Replica:
        r = self._replicas.get(layout)
        if r is None:
            r = sv.make_replica(self.model, self.accel, layout, self.precision, self.kv_precision, self.scale_out,
                                self.fabric)
            self._replicas[layout] = r
        return r

    def fitting(self, gpus: int, context: float, every: bool = False) -> list[sv.Replica]:
        """Valid layouts of `gpus` accelerators that fit; unless `every`, per tensor degree only those with
        the fewest pipeline stages (stages cost every token a trip through each; they are added where
        memory needs them), which keeps the search small for MoE models' many data x pipeline splits."""
        if self.weight_bytes > gpus * self.usable_bytes:
            return []  # the weights alone exceed the replica's memory in any layout
        fit = [r for r in map(self.replica, candidates(self.model, gpus, self.domain)) if sv.fits(r, context)]
        if every:
            return fit
        fewest: dict[int, int] = {}
        for r in fit:
            fewest[r.layout.tensor] = min(fewest.get(r.layout.tensor, r.layout.pipeline), r.layout.pipeline)
        return [r for r in fit if r.layout.pipeline == fewest[r.layout.tensor]]

    def fewest_gpus(self, context: float) -> int | None:
        """Smallest searched replica size with a valid layout that fits one full-length sequence."""
        return next((n for n in SEARCH_GPUS if self.fitting(n, context)), None)


def point(r: sv.Replica, q: Request, batch: int) -> sv.ServingPoint:
    return sv.serving_point(r, batch, q.prompt_tokens, q.uncached_tokens, q.decode_tokens,
                            q.speculative_speedup, q.speed)


class Probe:
    """Latency and throughput of one replica at any batch, computing only the decode round per batch (the
    prompt's own prefill does not depend on the batch). Both targets bound the round time: TPOT = round /
    speculative speed-up, TTFT = prefill + TPOT."""

    def __init__(self, r: sv.Replica, q: Request) -> None:
        self.r, self.q = r, q
        self.prefill = sv.prefill_alone(r, q.prompt_tokens, q.uncached_tokens, q.speed).total
        self.rounds = q.decode_tokens / q.speculative_speedup if q.decode_tokens > 0 else 1.0
        limits = [math.inf]
        if q.max_tpot is not None:
            limits.append(q.max_tpot * q.speculative_speedup)
        if q.max_ttft is not None:
            limits.append((q.max_ttft - self.prefill) * q.speculative_speedup)
        self.max_round = min(limits)

    def round(self, batch: int) -> float:
        q = self.q
        return sv.round_seconds(self.r, batch, q.prompt_tokens, q.uncached_tokens, q.decode_tokens,
                                q.speculative_speedup, q.speed)

    def requests_per_second(self, batch: int) -> float:
        return batch / (self.rounds * self.round(batch))


def largest_meeting(probe: Probe, lo: int, hi: int) -> int:
    """The largest batch in [lo, hi) whose round time meets the targets, given that lo does and hi does
    not. The round time grows with the batch, nearly linearly, so each step interpolates between the
    bracket's ends (regula falsi), falling back to bisection when one end stops moving."""
    limit = probe.max_round
    t_lo, t_hi = probe.round(lo), probe.round(hi)
    last, repeats = 0, 0  # which end moved last (+1 lo, -1 hi) and how many times in a row
    while hi - lo > 1:
        if repeats < 2 and t_hi > t_lo:
            mid = min(hi - 1, max(lo + 1, lo + int((limit - t_lo) / (t_hi - t_lo) * (hi - lo))))
        else:
            mid, repeats = (lo + hi) // 2, 0
        t_mid = probe.round(mid)
        side = 1 if t_mid <= limit else -1
        repeats = repeats + 1 if side == last else 1
        last = side
        if side > 0:
            lo, t_lo = mid, t_mid
        else:
            hi, t_hi = mid, t_mid
    return lo


def choose_batch(r: sv.Replica, q: Request) -> tuple[sv.ServingPoint, int]:
    """The largest batch that fits the KV cache and meets the latency targets (both grow with batch),
    or the fixed batch, with the memory limit; raises InvalidInput naming the target or the memory
    limit it breaks."""
    batch, limit = batch_for(Probe(r, q))
    return point(r, q, batch), limit


def batch_for(probe: Probe) -> tuple[int, int]:
    """choose_batch's batch and memory limit, from a probe (no full serving point is built)."""
    r, q = probe.r, probe.q
    limit = max(1, sv.max_batch(r, q.reserved_context))
    where = f"{r.gpus} x {r.accel.id} ({r.layout.label})"
    if q.batch is not None:
        held = max(1, sv.max_batch(r, q.average_context))  # a fixed batch may use the memory it holds
        if q.batch > held:
            raise InvalidInput(
                f"--batch-size {q.batch} does not fit: the KV cache of {where} holds at most {held} sequences "
                f"of {q.average_context:,.0f} tokens on average", code="does_not_fit")
        if probe.round(q.batch) > probe.max_round:
            raise missed(q, point(r, q, q.batch), where, fixed=True)
        return q.batch, limit
    top = auto_batch(r, q, limit)
    if probe.round(top) <= probe.max_round:
        return top, limit
    if probe.round(1) > probe.max_round:
        raise missed(q, point(r, q, 1), where, fixed=False)
    return largest_meeting(probe, 1, top), limit


def auto_batch(r: sv.Replica, q: Request, limit: int) -> int:
    """The most sequences `auto` keeps in flight: what the KV cache holds, within the scheduler's default."""
    return max(1, min(limit, sv.scheduler_batch(q.uncached_tokens, q.decode_tokens, q.speculative_speedup,
                                                 r.layout)))


class MissedTarget(InvalidInput):
    """A latency target a replica cannot meet; `excess` (value / target) ranks the closest miss."""

    def __init__(self, message: str, excess: float) -> None:
        super().__init__(message, code="latency_target")
        self.excess = excess


def missed(q: Request, p: sv.ServingPoint, where: str, fixed: bool) -> MissedTarget:
    if q.max_tpot is not None and p.tpot_seconds > q.max_tpot:
        target, value, what, limit = f"--max-tpot {q.max_tpot:g}", p.tpot_seconds, "time per output token", q.max_tpot
    else:
        assert q.max_ttft is not None
        target, value, what, limit = f"--max-ttft {q.max_ttft:g}", p.ttft_seconds, "time to first token", q.max_ttft
    if fixed:
        return MissedTarget(f"{target} s cannot be met at --batch-size {p.batch}: the {what} there is "
                            f"{value:.4g} s on {where} (a smaller batch or 'auto' may meet it)", value / limit)
    return MissedTarget(f"{target} s cannot be met: the best achievable {what} on {where} is {value:.4g} s "
                        "(batch 1)", value / limit)


@dataclass(frozen=True)
class Choice:
    replica: sv.Replica
    point: sv.ServingPoint
    batch_limit: int
    considered: int  # layouts scored


Score = Callable[[float, int], tuple[float, ...]]  # (requests/s of a replica, its accelerators) -> smaller wins


def per_gpu_throughput(requests_per_s: float, gpus: int) -> tuple[float, ...]:
    return (-requests_per_s / gpus,)


def best(replicas: list[sv.Replica], q: Request, score: Score) -> Choice:
    """The replica whose chosen batch scores lowest. Replicas are visited best upper bound first; the
    bisection for latency targets runs only while a bound can still beat the best found."""
    bounds = []
    for r in replicas:
        probe = Probe(r, q)
        limit = max(1, sv.max_batch(r, q.reserved_context))
        fixed = q.batch is not None and q.batch <= sv.max_batch(r, q.average_context)
        batch = q.batch if fixed and q.batch is not None else auto_batch(r, q, limit)
        bounds.append((score(probe.requests_per_second(batch), r.gpus), probe))
    bounds.sort(key=lambda item: item[0])
    found: tuple[Probe, int, int] | None = None
    found_score: tuple[float, ...] = ()
    closest: InvalidInput | None = None  # the layout that misses a target by the least, else the first error
    for bound, probe in bounds:
        if found is not None and bound >= found_score:
            break
        try:
            batch, limit = batch_for(probe)
        except MissedTarget as exc:
            if not isinstance(closest, MissedTarget) or exc.excess < closest.excess:
                closest = exc
            continue
        except InvalidInput as exc:
            closest = closest or exc
            continue
        s = score(probe.requests_per_second(batch), probe.r.gpus)
        if found is None or s < found_score:
            found, found_score = (probe, batch, limit), s
    if found is None:
        assert closest is not None
        raise closest
    probe, batch, limit = found
    return Choice(probe.r, point(probe.r, q, batch), limit, len(bounds))


# --- nearest working layout -----------------------------------------------------------------------

def distance(a: Layout, b: Layout) -> float:
    return sum(abs(math.log2(x / y)) for x, y in zip(
        (a.tensor, a.pipeline, a.expert, a.data), (b.tensor, b.pipeline, b.expert, b.data), strict=True))


def nearest(dep: Deployment, wanted: Layout, context: float) -> Layout | None:
    """The valid layout that fits, closest to `wanted` (same accelerator count first, then more), with
    tensor parallelism inside the scale-up domain."""
    for n in [wanted.gpus] + [n for n in SEARCH_GPUS if n > wanted.gpus]:
        pool = [r.layout for r in dep.fitting(n, context, every=True)]
        if pool:
            return min(pool, key=lambda lay: (distance(lay, wanted), lay))
    return None
