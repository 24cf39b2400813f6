"""Side-by-side deltas of two reports' summary metrics (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from ai_costs.engine.checks import metrics
from ai_costs.models.budget import DiffReport, MetricDelta, ScenarioDiff
from ai_costs.models.report import Report

# Two figures that differ by less than this share of their size differ only by floating-point rounding
# (the same estimate reached by another order of operations): the change is reported as 0, not as a
# stray "+$9e-05" or "+0.0%".
ROUNDING = 1e-9


def summary_deltas(base: Report, head: Report) -> tuple[MetricDelta, ...]:
    """Per metric: base, head, absolute and percentage change (None when either side is unknown; the
    percentage also when the base is zero)."""
    a, b = metrics(base), metrics(head)
    rows = []
    for key in dict.fromkeys([*a, *b]):
        x, y = a.get(key), b.get(key)
        delta = None if x is None or y is None else y - x
        if delta is not None and x is not None and y is not None and abs(delta) <= ROUNDING * max(abs(x), abs(y)):
            delta = 0.0
        pct = None if delta is None or not x else delta / abs(x) * 100.0
        rows.append(MetricDelta(metric=key, base=x, head=y, delta=delta, pct=pct))
    return tuple(rows)


def cost_increases(rows: Sequence[MetricDelta], max_increase_pct: float) -> tuple[str, ...]:
    """Cost metrics (USD) whose increase exceeds the limit, in percent."""
    return tuple(r.metric for r in rows if "usd" in r.metric and r.pct is not None and r.pct > max_increase_pct)


def _warnings(base: Sequence[str], head: Sequence[str]) -> tuple[str, ...]:
    """Warnings of both estimates once; one that only one side has says which."""
    both = [w for w in head if w in base]
    return (*both, *(f"base: {w}" for w in base if w not in both), *(f"head: {w}" for w in head if w not in both))


def diff_reports(
    pairs: Sequence[tuple[str, str, str, Report, Report]], max_increase_pct: float | None,
    only_in_base: Sequence[str] = (), only_in_head: Sequence[str] = (),
) -> DiffReport:
    """Each (name, base file, head file, base estimate, head estimate) compared; with a limit, a cost metric
    rising by more than `max_increase_pct` percent fails its scenario. Both estimates' warnings are kept."""
    scenarios = []
    for name, base_file, head_file, base, head in pairs:
        rows = summary_deltas(base, head)
        scenarios.append(ScenarioDiff(
            name=name, base=base_file, head=head_file, metrics=rows,
            over=() if max_increase_pct is None else cost_increases(rows, max_increase_pct),
            warnings=_warnings(base.warnings, head.warnings),
        ))
    return DiffReport(max_increase_pct=max_increase_pct, scenarios=tuple(scenarios),
                      only_in_base=tuple(only_in_base), only_in_head=tuple(only_in_head))
