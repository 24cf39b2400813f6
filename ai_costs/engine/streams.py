"""Cost streams and where two cumulative streams cross (one formula each).

A stream is an upfront amount plus a monthly amount whose volume grows by `monthly_growth` per month
and whose unit prices fall by `annual_price_decline` per year, both compounding continuously:

    monthly(t) = monthly_usd * exp(k t),  k = ln(1 + monthly_growth) + ln(1 - annual_price_decline) / 12
    cumulative(t) = upfront_usd + monthly_usd * (exp(k t) - 1) / k      (monthly_usd * t when k = 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GRID_STEP_MONTHS = 0.01  # scan step when no closed form exists; the root is then refined by bisection


@dataclass(frozen=True)
class CostStream:
    name: str
    upfront_usd: float
    monthly_usd: float
    monthly_growth: float = 0.0
    annual_price_decline: float = 0.0

    @property
    def rate(self) -> float:
        """Continuous monthly growth rate k of the monthly amount."""
        return math.log1p(self.monthly_growth) + math.log1p(-self.annual_price_decline) / 12.0

    def cumulative(self, months: float) -> float:
        """Upfront plus the integral of the monthly amount over [0, months]."""
        k = self.rate
        if self.monthly_usd == 0:  # no monthly amount: however fast it would grow, it stays 0
            return self.upfront_usd
        if abs(k) < 1e-12:
            return self.upfront_usd + self.monthly_usd * months
        try:
            return self.upfront_usd + self.monthly_usd * math.expm1(k * months) / k
        except OverflowError:  # explosive growth over a long horizon: unbounded, reported as null
            return math.inf


@dataclass(frozen=True)
class Crossover:
    months: float | None  # None: the streams do not cross within the horizon
    method: str  # "closed form" or "grid + bisection"


def crossover(a: CostStream, b: CostStream, horizon_months: float) -> Crossover:
    """First time t in (0, horizon] where the cumulative costs of `a` and `b` become equal, the
    cheaper-at-start stream being overtaken. Closed form when one stream has no monthly amount or
    both grow at the same rate; otherwise scanned on a 0.01-month grid and refined by bisection."""
    closed = _closed_form(a, b)
    if closed is not None:
        t = closed if closed > 0 else None
        return Crossover(t if t is not None and t <= horizon_months else None, "closed form")
    return Crossover(_numeric(a, b, horizon_months), f"grid of {GRID_STEP_MONTHS} months + bisection")


def _closed_form(a: CostStream, b: CostStream) -> float | None:
    """Solve U_a + m_a E(t) = U_b + m_b E(t) when both share the rate k (E(t) = (e^{kt}-1)/k or t).
    Returns math.inf when they never cross, None when no closed form applies."""
    if a.monthly_usd != 0 and b.monthly_usd != 0 and abs(a.rate - b.rate) > 1e-12:
        return None
    k = a.rate if a.monthly_usd != 0 else b.rate
    du = b.upfront_usd - a.upfront_usd  # the extra upfront of b ...
    dm = a.monthly_usd - b.monthly_usd  # ... repaid by its lower monthly amount
    if dm == 0 or du / dm <= 0:
        return math.inf
    e = du / dm  # required value of E(t)
    if abs(k) < 1e-12:
        return e
    arg = 1.0 + k * e
    return math.log(arg) / k if arg > 0 else math.inf


def _numeric(a: CostStream, b: CostStream, horizon: float) -> float | None:
    """First sign change of a - b on the grid (after the first point where they differ), refined by
    bisection. Streams that start equal and drift apart never cross."""

    def diff(t: float) -> float:
        return a.cumulative(t) - b.cumulative(t)

    steps = max(1, math.ceil(horizon / GRID_STEP_MONTHS))
    sign = 0.0
    prev_t = 0.0
    for i in range(1, steps + 1):
        t = min(horizon, i * GRID_STEP_MONTHS)
        value = diff(t)
        if sign == 0.0:
            sign = math.copysign(1.0, value) if value != 0 else 0.0
        elif value != 0 and math.copysign(1.0, value) != sign:
            lo, hi = prev_t, t
            for _ in range(100):
                mid = (lo + hi) / 2
                if math.copysign(1.0, diff(mid)) == sign:
                    lo = mid
                else:
                    hi = mid
            return (lo + hi) / 2
        prev_t = t
    return None


def series(streams: list[CostStream], horizon_months: float) -> list[dict[str, float]]:
    """Cumulative cost of each stream month by month (whole months up to the horizon)."""
    months = max(1, math.ceil(horizon_months))
    return [{"month": float(m), **{s.name: s.cumulative(float(m)) for s in streams}} for m in range(months + 1)]
