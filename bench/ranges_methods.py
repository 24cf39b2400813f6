"""How to propagate uncertain inputs to ranges: accuracy against a large sample, and cost.

For representative estimates, each method's p5 and p95 of every ranged metric are compared with those of
a 65,536-point Halton sample (the reference); the error is the largest relative difference over the
metrics and both quantiles. Cost is the number of evaluations of the estimate's response function (what
the engine runs per draw: arithmetic, not the whole engine) and the measured time per estimate.

    python bench/ranges_methods.py                       # with the time per estimate
    python bench/ranges_methods.py --reference 8192 --no-timing    # the table in docs/methodology.md

Methods:
- two-point: the tornado's evaluations (each input at its p5, p50, p95) combined as a product of
  log-normal factors; exact for such a product, an approximation otherwise;
- halton-N: N points of a Halton sequence through the inputs' quantile functions;
- mc-256: 256 pseudo-random points (seed 0), to show what the low-discrepancy sequence gains.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ai_costs.catalog import load_catalog
from ai_costs.engine.breakeven import Sides, breakeven_model
from ai_costs.engine.infer import inference_model
from ai_costs.engine.train import training_model
from ai_costs.engine.uncertainty import (
    QUANTILES,
    Response,
    quantile_of,
    sampled,
    tornado_points,
    two_point,
)
from ai_costs.models.scenario import BreakevenScenario, InferScenario, TrainScenario

CATALOG = load_catalog()
HALTON_SIZES = (128, 256, 512, 1024)


def _train(**fields: Any) -> Response:
    return training_model(TrainScenario(**fields), CATALOG)[1]


def _infer(**fields: Any) -> Response:
    return inference_model(InferScenario(**fields), CATALOG)[1]


LLAMA_405B = {"model": "llama-3.1-405b", "gpu": "h100-sxm", "gpus": 16384}
SERVING_70B = {"model": "llama-3.1-70b", "gpu": "h100-sxm", "gpus": 2, "precision": "fp8", "requests_per_day": 1e6,
               "input_tokens": 1000, "output_tokens": 300, "peak_to_average": 2.0, "max_tpot": 0.05}


def _breakeven() -> Response:
    scen = BreakevenScenario(mode="train-vs-infer", horizon_months=24)
    serving = {**SERVING_70B, "requests_per_day": 3e8}  # crosses the training bill in about a year
    sides = Sides(train=TrainScenario(**LLAMA_405B), infer=InferScenario(**serving))
    return breakeven_model(scen, sides, CATALOG)[1]


# (name, what it shows, response factory)
CASES: list[tuple[str, str, Callable[[], Response]]] = [
    ("train, price pinned", "product of log-normals (utilization, PUE, grid)",
     lambda: _train(**LLAMA_405B, cloud="lambda")),
    ("train, price by default", "product of log-normals, the market price's spread included",
     lambda: _train(**LLAMA_405B)),
    ("train, --days", "a handful of accelerators, rounded up (not a product)",
     lambda: _train(params=8e9, tokens=1e11, gpu="h100-sxm", days=30, cloud="lambda")),
    ("serve, no volume", "product: one replica at full load",
     lambda: _infer(**{k: v for k, v in SERVING_70B.items() if k != "requests_per_day"}, cloud="lambda")),
    ("serve, 1M requests/day", "whole replicas (ceil) x market price",
     lambda: _infer(**SERVING_70B)),
    ("API, reasoning not given", "reasoning tokens add to a fixed cost",
     lambda: _infer(api="o3", requests_per_day=1e5, input_tokens=1000, output_tokens=500)),
    ("breakeven, train vs serve", "crossover of two ranged sides + price decline",
     _breakeven),
]


@dataclass
class Result:
    error: float  # largest relative error of p5/p95 over the metrics
    evaluations: int
    ms: float


def _error(ranges: dict[str, dict[str, float | None]], reference: dict[str, dict[str, float | None]]) -> float:
    worst = 0.0
    for metric, ref in reference.items():
        got = ranges.get(metric)
        for q in ("p5", "p95"):
            r, g = ref[q], None if got is None else got[q]
            if r is None or g is None:
                worst = max(worst, 0.0 if r == g else math.inf)
            elif r != 0:
                worst = max(worst, abs(g / r - 1))
    return worst


def _mc(response: Response, n: int) -> dict[str, dict[str, float | None]]:
    rng = random.Random(0)
    free = [i for i in response.inputs if i.free]
    drawn: dict[str, list[float]] = {m: [] for m in response.metrics}
    for _ in range(n):
        values = response.at(**{i.name: i.quantile(rng.random()) for i in free})
        for m in response.metrics:
            v = values.get(m)
            drawn[m].append(math.inf if v is None else float(v))
    out: dict[str, dict[str, float | None]] = {}
    for m, vs in drawn.items():
        vs.sort()
        out[m] = {k: (None if math.isinf(quantile_of(vs, p)) else quantile_of(vs, p)) for k, p in QUANTILES.items()}
    return out


def _timed(run: Callable[[], Any], repeat: int = 5) -> tuple[Any, float]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - start)
    return value, statistics.median(times) * 1000


def compare(response: Response, reference_points: int, timing: bool = True) -> dict[str, Result]:
    central = response.at()
    response = Response(response.inputs, response.evaluate,
                        tuple(m for m in response.metrics if central.get(m) is not None), None, response.product)
    reference, _ = sampled(response, reference_points)
    free = sum(1 for i in response.inputs if i.free)
    out: dict[str, Result] = {}

    def two() -> dict[str, dict[str, float | None]]:
        points = tornado_points(response)
        return {m: r for m in response.metrics if (r := two_point(response, points, m)) is not None}  # type: ignore[misc]

    got, ms = _timed(two) if timing else (two(), 0.0)
    out["two-point"] = Result(_error(got, reference) if len(got) == len(reference) else math.inf, 3 * free + 1, ms)
    for n in HALTON_SIZES:
        got, ms = _timed(lambda n=n: sampled(response, n)[0]) if timing else (sampled(response, n)[0], 0.0)
        out[f"halton-{n}"] = Result(_error(got, reference), n, ms)
    got, ms = _timed(lambda: _mc(response, 256)) if timing else (_mc(response, 256), 0.0)
    out["mc-256"] = Result(_error(got, reference), 256, ms)
    return out


Results = list[tuple[str, str, dict[str, Result]]]


def results(reference_points: int, timing: bool = True) -> Results:
    """Every case, every method: (case, why representative, method -> Result)."""
    return [(name, what, compare(make(), reference_points, timing)) for name, what, make in CASES]


def table(measured: Results, timing: bool = True) -> str:
    """A markdown table: largest relative error of p5/p95 per case and method, and what each costs."""
    methods = list(measured[0][2])
    head = "| estimate | why it is representative | " + " | ".join(methods) + " |"
    rows = [head, "|---|---|" + "---:|" * len(methods)]
    for name, what, res in measured:
        rows.append(f"| {name} | {what} | " + " | ".join(
            "n/a" if math.isinf(r.error) else f"{r.error:.1%}" for r in res.values()) + " |")
    rows.append("| *evaluations* | (two-point: 3 per free input + 1) | " + " | ".join(
        "3d+1" if m == "two-point" else str(measured[0][2][m].evaluations) for m in methods) + " |")
    if timing:
        rows.append("| *median ms per estimate* | | " + " | ".join(
            f"{statistics.median(res[m].ms for _, _, res in measured):.2f}" for m in methods) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=int, default=65536, help="Halton points of the reference")
    parser.add_argument("--no-timing", action="store_true", help="leave out the time per estimate")
    args = parser.parse_args()
    print(table(results(args.reference, timing=not args.no_timing), timing=not args.no_timing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
