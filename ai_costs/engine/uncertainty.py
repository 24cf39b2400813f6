"""Ranges: the uncertain inputs of an estimate, their distributions, and how their spread reaches the metrics.

An engine describes its estimate's uncertainty as a `Response`: the uncertain inputs (each with the
value the summary uses, a distribution, its source, and whether a flag pinned it) and a cheap function
from input values to the ranged metrics, built from the same arithmetic that produced the summary.
`ranges_of` turns it into p5/p50/p95 per metric and a tornado of the headline metric:

- analytic, when every metric is a product of powers of the inputs and every free input is log-normal:
  the log of a product of log-normals is normal, and the two evaluations per input that the tornado
  needs anyway give each input's share of its variance exactly;
- otherwise by quasi-random sampling: a fixed Halton sequence pushed through the inputs' quantile
  functions, so the same input gives byte-identical output.

bench/ranges_methods.py measures both against a large sample (docs/methodology.md, "Ranges").
Inputs are independent. Pure: no I/O.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Any

from ai_costs.errors import InvalidInput
from ai_costs.models.report import Report
from ai_costs.units import parse_quantity

QUANTILES = {"p5": 0.05, "p50": 0.5, "p95": 0.95}
_NORMAL = NormalDist()
Z95 = _NORMAL.inv_cdf(0.95)  # 1.6449: a log-normal's p95 is its median x exp(Z95 x log_sigma)
SAMPLES = 512  # quasi-random points per estimate (bench/ranges_methods.py: accuracy vs cost)
# Every input name the engines use, for error messages (docs/methodology.md, "Ranges").
INPUT_NAMES = ("utilization", "serving_speed", "price", "pue", "usd_per_kwh", "grid_gco2_per_kwh",
               "reasoning_tokens", "annual_price_decline")


# --- distributions --------------------------------------------------------------------------------
# Each gives the quantile of the input's value at probability p, widened by `spread` (a multiplier of
# its spread in log space around its median: 1 = as sourced).

@dataclass(frozen=True)
class LogNormal:
    """ln(value) ~ Normal(ln median, log_sigma)."""

    median: float
    log_sigma: float
    kind = "lognormal"

    def quantile(self, p: float, spread: float = 1.0) -> float:
        return self.median * math.exp(_NORMAL.inv_cdf(p) * self.log_sigma * spread)

    def parameters(self) -> dict[str, Any]:
        return {"median": self.median, "log_sigma": self.log_sigma}


@dataclass(frozen=True)
class LogUniform:
    """ln(x) uniform on [ln low, ln high]; with `complement`, the input's value is 1 - x (a decline
    whose complement, the yearly price multiplier, is log-uniform)."""

    low: float
    high: float
    complement: bool = False
    kind = "loguniform"

    def quantile(self, p: float, spread: float = 1.0) -> float:
        u = 1.0 - p if self.complement else p  # the value falls as x rises
        x = float(math.sqrt(self.low * self.high) * (self.high / self.low) ** ((u - 0.5) * spread))
        return 1.0 - x if self.complement else x

    def parameters(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "of": "1 - value" if self.complement else "value"}


@dataclass(frozen=True)
class Exact:
    """No spread is known: the value is used as it is."""

    value: float
    kind = "exact"

    def quantile(self, p: float, spread: float = 1.0) -> float:
        return self.value

    def parameters(self) -> dict[str, Any]:
        return {"value": self.value}


Distribution = LogNormal | LogUniform | Exact


def lognormal_between(median: float, p5: float, p95: float) -> LogNormal:
    """A log-normal with this median whose p5-p95 interval is as wide (in log) as [p5, p95]."""
    return LogNormal(median, math.log(p95 / p5) / (2 * Z95))


# --- inputs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UncertainInput:
    """One input of an estimate whose value is not known exactly."""

    name: str  # e.g. "utilization"; inside breakeven prefixed by its side: "training.utilization"
    central: float  # the value the summary uses
    distribution: Distribution
    source: str  # why this distribution: the figures and where they come from
    unit: str = ""
    pinned_by: str | None = None  # the flag (or field) that gave the value: exact
    spread: float = 1.0  # the user's --spread multiplier

    @property
    def free(self) -> bool:
        """Whether the input varies (not pinned, and with a known spread)."""
        return self.pinned_by is None and not isinstance(self.distribution, Exact)

    def quantile(self, p: float) -> float:
        return self.distribution.quantile(p, self.spread) if self.free else self.central

    def to_dict(self) -> dict[str, Any]:
        dist: Distribution = self.distribution if self.free else Exact(self.central)
        return {
            "name": self.name, "unit": self.unit, "distribution": dist.kind, "parameters": dist.parameters(),
            "central": self.central, "p5": self.quantile(0.05), "p95": self.quantile(0.95),
            "pinned": self.pinned_by is not None, "pinned_by": self.pinned_by, "spread": self.spread,
            "source": self.source,
        }


def pinned(name: str, value: float, flag: str, unit: str = "") -> UncertainInput:
    """An input given by the user (`flag`): exact."""
    return UncertainInput(name, value, Exact(value), f"given ({flag})", unit, pinned_by=flag)


Metrics = Mapping[str, float | None]


@dataclass(frozen=True)
class Response:
    """How an estimate's metrics respond to its uncertain inputs.

    `evaluate` maps a value for every input (by name) to the metrics; evaluated at the central values it
    reproduces the summary. `product` declares that every metric is a product of powers of the inputs
    (so the analytic log-normal propagation is exact when the free inputs are log-normal)."""

    inputs: tuple[UncertainInput, ...]
    evaluate: Callable[[Mapping[str, float]], Metrics]
    metrics: tuple[str, ...]  # the metrics to range
    headline: str | None  # the metric of the tornado
    product: bool = False
    probability: tuple[str, str] | None = None  # (summary key, metric): the share of outcomes where it is finite
    samples: int = SAMPLES  # quasi-random points when the analytic form does not apply

    def central(self) -> dict[str, float]:
        return {i.name: i.central for i in self.inputs}

    def at(self, **values: float) -> Metrics:
        """The metrics with some inputs moved (the others central)."""
        return self.evaluate({**self.central(), **values})


@dataclass(frozen=True)
class Ranges:
    """What the JSON report carries: `ranges`, `sensitivity`, `uncertain_inputs` (and how computed)."""

    ranges: dict[str, dict[str, float | None]]
    sensitivity: tuple[dict[str, Any], ...]
    inputs: tuple[dict[str, Any], ...]
    method: str
    finite_share: dict[str, float]  # per metric, the share of outcomes that are finite (a crossing)



# --- user options ---------------------------------------------------------------------------------

def parse_spreads(items: Sequence[str]) -> dict[str, float]:
    """'NAME=F' strings (--spread) into a mapping; F must be a positive number."""
    spreads: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise InvalidInput(f"--spread {item!r}: expected INPUT=FACTOR, e.g. --spread utilization=1.5",
                               code="invalid_spread")
        try:
            factor = parse_quantity(value)
        except ValueError as exc:
            raise InvalidInput(f"--spread {item!r}: {exc}", code="invalid_spread") from None
        if not math.isfinite(factor) or factor <= 0:
            raise InvalidInput(
                f"--spread {item!r}: the factor must be a positive number that multiplies the input's spread "
                "(1 = as sourced, 2 = twice as wide, 0.5 = half); to fix an input, give its value instead",
                code="invalid_spread")
        if name not in INPUT_NAMES and name.rpartition(".")[2] not in INPUT_NAMES:
            raise InvalidInput(f"--spread {item!r}: unknown input {name!r}; uncertain inputs: "
                               f"{', '.join(INPUT_NAMES)}", code="unknown_input")
        spreads[name] = factor
    return spreads


def _matches(key: str, name: str) -> bool:
    return name == key or name.rpartition(".")[2] == key


def with_spreads(response: Response, spreads: Mapping[str, float]) -> Response:
    """Apply --spread factors; a factor naming no input of this estimate, or only pinned or exact ones,
    is an input error."""
    if not spreads:
        return response
    inputs = list(response.inputs)
    for key, factor in spreads.items():
        hits = [k for k, i in enumerate(inputs) if _matches(key, i.name)]
        if not hits:
            have = ", ".join(i.name for i in inputs) or "none"
            raise InvalidInput(f"--spread {key}: {key!r} is not an uncertain input of this estimate; its inputs: "
                               f"{have}", code="unknown_input")
        free = [k for k in hits if inputs[k].free]
        if not free:
            i = inputs[hits[0]]
            field = i.pinned_by.removeprefix("--").replace("-", "_") if i.pinned_by else ""
            why = (f"given ({i.pinned_by}, or {field}: in the scenario), so it is exact; drop --spread {key} or "
                   "the given value" if i.pinned_by else f"exact here ({i.source}): there is no spread to widen")
            raise InvalidInput(f"--spread {key}: {i.name} is {why}", code="pinned_input")
        for k in free:
            inputs[k] = replace(inputs[k], spread=inputs[k].spread * factor)
    return replace(response, inputs=tuple(inputs))


# --- propagation ----------------------------------------------------------------------------------

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


@functools.cache
def halton(n: int, dims: int) -> tuple[tuple[float, ...], ...]:
    """The first n points of the Halton sequence in `dims` dimensions, each coordinate moved to the middle
    of its cell (+ 1/(2 b^m), b^m >= n): in one dimension with n = 2^k the points are (j + 0.5) / n."""
    if dims > len(_PRIMES):
        raise ValueError(f"at most {len(_PRIMES)} dimensions")
    return tuple(zip(*(_van_der_corput(n, base) for base in _PRIMES[:dims]), strict=True)) if dims else ((),) * n


def _van_der_corput(n: int, base: int) -> list[float]:
    """Radical inverses of 0..n-1 in `base`, centred in their cells. Built digit by digit: the inverse of
    i + j b^k is that of i plus j / b^(k+1), so each block of b^k points extends to b^(k+1)."""
    points, scale = [0.0], 1.0
    while len(points) < n:
        scale /= base
        points = points + [x + j * scale for j in range(1, base) for x in points]
    shift = scale / 2  # half a cell of the finest level used
    return [x + shift for x in points[:n]]


def quantile_of(sorted_values: Sequence[float], p: float) -> float:
    """Sample quantile of sorted values at the midpoint plotting positions (i + 0.5) / n (Hyndman-Fan
    type 5), which match the centred points above; next to an infinite value, the nearer one."""
    n = len(sorted_values)
    h = n * p - 0.5
    if h <= 0:
        return sorted_values[0]
    if h >= n - 1:
        return sorted_values[-1]
    i = int(h)
    lo, hi, f = sorted_values[i], sorted_values[i + 1], h - i
    if math.isinf(lo) or math.isinf(hi):
        return hi if f >= 0.5 else lo
    return lo + f * (hi - lo)


def _finite(value: float | None) -> float:
    """None or a non-finite value is an outcome beyond any bound (e.g. no crossing): +infinity."""
    return math.inf if value is None or not math.isfinite(value) else float(value)


def _q(value: float) -> float | None:
    return None if math.isinf(value) else value


def sample(response: Response, n: int = SAMPLES) -> dict[str, list[float]]:
    """The metrics at n quasi-random draws of the free inputs, sorted per metric (+inf = unbounded)."""
    free = [i for i in response.inputs if i.free]
    points = halton(n, len(free))
    # each free input's value at every point, then one evaluation per point
    columns = [[i.distribution.quantile(u[k], i.spread) for u in points] for k, i in enumerate(free)]
    names = [i.name for i in free]
    values = response.central()  # updated in place: the response functions only read it
    evaluate = response.evaluate
    results = []
    for row in zip(*columns, strict=True) if columns else [()] * n:
        for name, x in zip(names, row, strict=True):
            values[name] = x
        results.append(evaluate(values))
    inf = math.inf
    out = {}
    for m in response.metrics:
        drawn = [x if (x := r.get(m)) is not None and -inf < x < inf else inf for r in results]
        drawn.sort()
        out[m] = drawn
    return out


Points = list[tuple[Metrics, Metrics, Metrics]]


def tornado_points(response: Response) -> Points:
    """The metrics with each free input at its p5, p50 and p95, the others central."""
    return [(response.at(**{i.name: i.quantile(0.05)}), response.at(**{i.name: i.quantile(0.5)}),
             response.at(**{i.name: i.quantile(0.95)})) for i in response.inputs if i.free]


def two_point(response: Response, points: Points, metric: str) -> dict[str, float] | None:
    """p5/p50/p95 from the tornado points, as if the metric were a product of log-normal factors: ln of
    the median = ln central + each input's shift of ln metric at its median; log-sigma = root sum of
    squares of ln(metric at p95 / at p5) / (2 x 1.645) per input. Exact for such a product; None when a
    point is not a positive number."""
    c = response.at().get(metric)
    if c is None or not 0 <= c < math.inf:
        return None
    if c == 0:
        return dict.fromkeys(QUANTILES, 0.0) if all(p.get(metric) == 0 for pts in points for p in pts) else None
    if all(p.get(metric) == c for pts in points for p in pts):
        return dict.fromkeys(QUANTILES, c)  # no input moves it: exactly the central value
    shift, variance = 0.0, 0.0
    for pts in points:
        lo, mid, hi = (p.get(metric) for p in pts)
        if lo is None or mid is None or hi is None or not all(0 < x < math.inf for x in (lo, mid, hi)):
            return None
        shift += math.log(mid / c)
        variance += (math.log(hi / lo) / (2 * Z95)) ** 2
    median = c * math.exp(shift)  # exactly c when every input's median is its central value
    width = math.exp(Z95 * math.sqrt(variance))
    return {"p5": median / width, "p50": median, "p95": median * width}


def _whole(values: list[float]) -> bool:
    """Counts (replicas, accelerators): their quantiles are outcomes, not interpolations between them."""
    return all(math.isinf(x) or float(x).is_integer() for x in values)


def sampled(response: Response, n: int = SAMPLES) -> tuple[dict[str, dict[str, float | None]], dict[str, float]]:
    """p5/p50/p95 of each metric over n Halton draws (None: unbounded), and the share of finite outcomes."""
    drawn = sample(response, n)
    ranges = {m: {k: _q(quantile_of(v, p) if not _whole(v) else v[min(len(v) - 1, math.ceil(len(v) * p) - 1)])
                  for k, p in QUANTILES.items()} for m, v in drawn.items()}
    return ranges, {m: bisect.bisect_left(v, math.inf) / len(v) for m, v in drawn.items()}


def ranges_of(response: Response) -> Ranges:
    """Ranges, tornado and the input list of one estimate. In a product, a metric that only log-normal
    inputs move (the others leave it unchanged at their p5, p50 and p95) is analytic; the rest are sampled."""
    central = response.at()
    response = replace(response, metrics=tuple(m for m in response.metrics if central.get(m) is not None))
    free = [i for i in response.inputs if i.free]
    points = tornado_points(response)
    ranges: dict[str, dict[str, float | None]] = {}
    finite_share: dict[str, float] = {}
    if not free:
        method = ("exact: every uncertain input is pinned or has no known spread" if response.inputs
                  else "exact: no uncertain input")
        for m in response.metrics:
            value = _finite(central[m])
            ranges[m] = dict.fromkeys(QUANTILES, _q(value))
            finite_share[m] = 0.0 if math.isinf(value) else 1.0
        return Ranges(ranges, (), tuple(i.to_dict() for i in response.inputs), method, finite_share)
    for m in response.metrics if response.product else ():
        movers = [(i, pts) for i, pts in zip(free, points, strict=True) if any(p.get(m) != central[m] for p in pts)]
        if all(isinstance(i.distribution, LogNormal) for i, _ in movers):
            r = two_point(response, [pts for _, pts in movers], m)
            if r is not None:
                ranges[m], finite_share[m] = dict(r), 1.0
    rest = tuple(m for m in response.metrics if m not in ranges)
    if rest:
        drawn, shares = sampled(replace(response, metrics=rest), response.samples)
        ranges.update(drawn)
        finite_share.update(shares)
    methods = [f"analytic ({', '.join(m for m in response.metrics if m not in rest)}): products of log-normal "
               "inputs"] if len(rest) < len(response.metrics) else []
    methods += [f"quasi-random ({', '.join(rest)}): {response.samples} Halton points"] if rest else []
    ranges = {m: ranges[m] for m in response.metrics}
    return Ranges(ranges, _tornado(response, free, points), tuple(i.to_dict() for i in response.inputs),
                  "; ".join(methods), finite_share)


def _tornado(
    response: Response, free: list[UncertainInput], points: list[tuple[Metrics, Metrics, Metrics]]
) -> tuple[dict[str, Any], ...]:
    """The headline metric with each free input at its p5 and p95 (others central), largest swing first."""
    metric = response.headline
    if metric is None or response.at().get(metric) is None:
        return ()
    rows = []
    for i, (lo, _, hi) in zip(free, points, strict=True):
        a, b = _finite(lo.get(metric)), _finite(hi.get(metric))
        swing = abs(b - a) if not (math.isinf(a) or math.isinf(b)) else (0.0 if a == b else math.inf)
        if swing == 0:
            continue  # the input moves other metrics, not this one
        rows.append((swing, i.name, {"input": i.name, "unit": i.unit, "input_p5": i.quantile(0.05),
                                     "input_p95": i.quantile(0.95), "metric": metric,
                                     "metric_at_p5": _q(a), "metric_at_p95": _q(b)}))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return tuple(r[2] for r in rows)


def attach(report: Report, response: Response, *, enabled: bool, spreads: Mapping[str, float]) -> Report:
    """The report with its `ranges`, `sensitivity` and `uncertain_inputs` (left empty when not enabled)."""
    if not enabled:
        if spreads:
            raise InvalidInput("--spread widens a range: it cannot be combined with --no-ranges", code="no_ranges")
        return report
    r = ranges_of(with_spreads(response, spreads))
    summary = report.summary
    if response.probability is not None:
        key, metric = response.probability
        summary = {**summary, key: r.finite_share.get(metric)}
    return replace(report, summary=summary, ranges=r.ranges, sensitivity=r.sensitivity, uncertain_inputs=r.inputs,
                   detail={**report.detail, "ranges_method": r.method})


def moves(response: Response, name: str, metric: str) -> bool:
    """Whether `metric` depends on input `name`: it changes between the input's extreme quantiles (0.1%,
    5%, 95%, 99.9%), or, for a pinned or exact input, when the value moves 10% (to 1 from 0)."""
    i = next(i for i in response.inputs if i.name == name)
    values = [i.quantile(p) for p in (0.001, 0.05, 0.95, 0.999)] if i.free else [i.central * 1.1 if i.central else 1.0]
    base = response.at().get(metric)
    return any(response.at(**{name: v}).get(metric) != base for v in values)
