"""Results of `ai-costs check` and `ai-costs diff` (kept apart from report.py: only these two commands
build them, so the other commands do not create these classes at start-up)."""

import dataclasses
from dataclasses import field
from typing import Any

from ai_costs.models._base import Model, model
from ai_costs.models.report import SCHEMA_VERSION, Check


@model
class BudgetLine(Model):
    """One line of a budget file, estimated and checked: ok when every limit holds."""

    name: str
    scenario: str
    command: str
    checks: tuple[Check, ...]
    summary: dict[str, Any]
    warnings: tuple[str, ...] = ()
    ranges: dict[str, Any] = field(default_factory=dict)  # p5/p50/p95 of each ranged metric

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@model
class BudgetReport(Model):
    """`ai-costs check`: every line of a budget file; over budget when any line fails (exit code 1)."""

    budget: str
    lines: tuple[BudgetLine, ...]
    command: str = "check"
    schema_version: str = SCHEMA_VERSION

    @property
    def status(self) -> str:
        return "ok" if all(line.ok for line in self.lines) else "over_budget"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Each line's warnings, prefixed with the line's name."""
        return tuple(f"{line.name}: {w}" for line in self.lines for w in line.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version, "command": self.command, "status": self.status,
            "budget": self.budget,
            "lines": [{"name": line.name, "scenario": line.scenario, "command": line.command, "ok": line.ok,
                       "checks": [dataclasses.asdict(c) for c in line.checks], "summary": line.summary,
                       "warnings": list(line.warnings), "ranges": line.ranges} for line in self.lines],
        }


@model
class MetricDelta(Model):
    """One summary metric of two estimates: head - base, and that change in percent of |base| (None when
    either side is unknown, or the base is zero)."""

    metric: str
    base: float | None
    head: float | None
    delta: float | None
    pct: float | None


@model
class ScenarioDiff(Model):
    """Two estimates of one scenario side by side; `over` names the cost metrics above the allowed rise."""

    name: str
    base: str
    head: str
    metrics: tuple[MetricDelta, ...]
    over: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # of both estimates; those of only one are prefixed 'base: ' or 'head: '

    @property
    def ok(self) -> bool:
        return not self.over


@model
class DiffReport(Model):
    """`ai-costs diff`: scenarios matched by name; over budget when a cost metric rises past the limit."""

    max_increase_pct: float | None
    scenarios: tuple[ScenarioDiff, ...]
    only_in_base: tuple[str, ...] = ()
    only_in_head: tuple[str, ...] = ()
    command: str = "diff"
    schema_version: str = SCHEMA_VERSION

    @property
    def status(self) -> str:
        return "ok" if all(s.ok for s in self.scenarios) else "over_budget"

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{s.name}: {w}" for s in self.scenarios for w in s.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version, "command": self.command, "status": self.status,
            "max_increase_pct": self.max_increase_pct,
            "scenarios": [{"name": s.name, "base": s.base, "head": s.head,
                           "metrics": [dataclasses.asdict(m) for m in s.metrics], "ok": s.ok,
                           "warnings": list(s.warnings)} for s in self.scenarios],
            "only_in_base": list(self.only_in_base), "only_in_head": list(self.only_in_head),
        }
