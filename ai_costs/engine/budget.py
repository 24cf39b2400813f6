"""Budget checks of several scenarios at once (`ai-costs check`), and the engine for any scenario (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ai_costs.engine.checks import check_limits, ranges_of_report
from ai_costs.models.budget import BudgetLine, BudgetReport
from ai_costs.models.catalog import Catalog
from ai_costs.models.report import Report
from ai_costs.models.scenario import InferScenario, TrainScenario


def estimate(scenario: Any, catalog: Catalog, sides: Any = None, *, ranges: bool = True) -> Report:
    """Run the engine that matches the scenario's kind (a breakeven takes its loaded `sides`), with ranges
    unless `ranges` is False."""
    if isinstance(scenario, TrainScenario):
        from ai_costs.engine.train import estimate_training

        return estimate_training(scenario, catalog, ranges=ranges)
    if isinstance(scenario, InferScenario):
        from ai_costs.engine.infer import estimate_inference

        return estimate_inference(scenario, catalog, ranges=ranges)
    from ai_costs.engine.breakeven import estimate_breakeven

    return estimate_breakeven(scenario, sides, catalog, ranges=ranges)


def check_budget(
    budget: str, lines: Sequence[tuple[str, str, Report, Mapping[str, float]]]
) -> BudgetReport:
    """Each (name, scenario, its estimate, limits) checked; the estimate's warnings stay with its line."""
    return BudgetReport(budget=budget, lines=tuple(
        BudgetLine(name=name, scenario=scenario, command=report.command, checks=check_limits(report, limits),
                   summary=report.summary, warnings=report.warnings, ranges=dict(ranges_of_report(report)))
        for name, scenario, report, limits in lines
    ))
