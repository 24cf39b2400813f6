"""`ai-costs check` and `ai-costs diff` for people (tables readable at 60 columns, markdown for pull-request
comments) and spreadsheets (CSV with unrounded numbers). JSON is the reports' own `to_dict()`.

Plain-text functions come first; rich is imported only by the table printers.
"""

from __future__ import annotations

from typing import Any

from ai_costs.models.budget import BudgetReport, DiffReport
from ai_costs.render.csv import rows_csv
from ai_costs.render.format import fmt_change, fmt_pct, fmt_value
from ai_costs.render.markdown import table as md_table

CHECK_HEADER = ["line", "scenario", "metric", "limit", "value", "result"]
DIFF_HEADER = ["scenario", "metric", "base", "head", "delta", "change %"]


def _verdict(report: BudgetReport) -> str:
    return "all lines within budget" if report.status == "ok" else "over budget"


def _bullets(title: str, items: tuple[str, ...]) -> str:
    return "" if not items else f"\n\n{title}:\n\n" + "\n".join(f"- {md_escape(i)}" for i in items)


def md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- check ------------------------------------------------------------------------------------------

def check_csv(report: BudgetReport) -> str:
    rows: list[list[Any]] = [[line.name, line.scenario, c.metric, c.limit, c.value, "pass" if c.ok else "FAIL"]
                             for line in report.lines for c in line.checks]
    return rows_csv(CHECK_HEADER, rows)


def check_markdown(report: BudgetReport) -> str:
    rows = [[line.name, line.scenario, c.metric, fmt_value(c.metric, c.limit), fmt_value(c.metric, c.value),
             "✅ pass" if c.ok else "❌ FAIL"] for line in report.lines for c in line.checks]
    return (f"### ai-costs budget check: {_verdict(report)}\n\n"
            + md_table(CHECK_HEADER, rows, ["---", "---", "---", "---:", "---:", "---"])
            + _bullets("Warnings", report.warnings) + "\n")


def check_failure(report: BudgetReport) -> str:
    return "Over budget: " + ", ".join(line.name for line in report.lines if not line.ok)


def print_check(report: BudgetReport, console: Any = None) -> None:
    """One block of rows per budget line (its name and scenario, then each metric), so the verdict and the
    numbers keep their columns on a narrow terminal; the line names wrap instead."""
    from ai_costs.render.table import grouped_table, print_bullets

    groups = [(f"{line.name} ({line.scenario})",
               [[c.metric, fmt_value(c.metric, c.limit), fmt_value(c.metric, c.value), "pass" if c.ok else "FAIL"]
                for c in line.checks]) for line in report.lines]
    console = grouped_table(f"Budget check ({report.budget}): {_verdict(report)}",
                            ["metric", "limit", "value", "result"], groups, console)
    print_bullets("Warnings", report.warnings, console)


# --- diff -------------------------------------------------------------------------------------------

def _changed(report: DiffReport) -> list[tuple[str, Any]]:
    return [(s.name, m) for s in report.scenarios for m in s.metrics]


def diff_csv(report: DiffReport) -> str:
    return rows_csv(DIFF_HEADER, [[name, m.metric, m.base, m.head, m.delta, m.pct] for name, m in _changed(report)])


def _only_in(report: DiffReport) -> str:
    parts = [f"Only in base: {', '.join(report.only_in_base)}" if report.only_in_base else "",
             f"Only in head: {', '.join(report.only_in_head)}" if report.only_in_head else ""]
    return "\n".join(p for p in parts if p)


def diff_markdown(report: DiffReport) -> str:
    """Only the metrics that changed (a pull-request comment stays short)."""
    limit = report.max_increase_pct
    verdict = "" if limit is None else (
        f" ({'over' if report.status == 'over_budget' else 'within'} the {limit:g}% limit)")
    rows = [[name, m.metric, fmt_value(m.metric, m.base), fmt_value(m.metric, m.head), fmt_change(m.metric, m.delta),
             fmt_pct(m.pct)] for name, m in _changed(report) if m.delta != 0]
    only = _only_in(report)
    return (f"### ai-costs diff{verdict}\n\nChanged metrics:\n\n"
            + md_table(DIFF_HEADER, rows, ["---", "---", "---:", "---:", "---:", "---:"])
            + (f"\n\n{only}" if only else "") + _bullets("Warnings", report.warnings) + "\n")


def diff_failure(report: DiffReport) -> str:
    over = [f"{s.name}: {metric} {fmt_pct(next(m.pct for m in s.metrics if m.metric == metric))}"
            for s in report.scenarios for metric in s.over]
    return f"Over the {report.max_increase_pct:g}% limit: {'; '.join(over)}"


def print_diff(report: DiffReport, console: Any = None) -> None:
    from ai_costs.render.table import grouped_table, print_bullets

    groups = [(f"{s.name}" + (f" (over the {report.max_increase_pct:g}% limit)" if s.over else ""),
               [[m.metric, fmt_value(m.metric, m.base), fmt_value(m.metric, m.head), fmt_change(m.metric, m.delta),
                 fmt_pct(m.pct)] for m in s.metrics]) for s in report.scenarios]
    console = grouped_table("Cost diff (head vs base)", ["metric", "base", "head", "change", "change %"], groups,
                            console)
    only = _only_in(report)
    if only:
        console.print(only)
    print_bullets("Warnings", report.warnings, console)


# --- either -----------------------------------------------------------------------------------------

def to_csv(report: BudgetReport | DiffReport) -> str:
    return check_csv(report) if isinstance(report, BudgetReport) else diff_csv(report)


def to_markdown(report: BudgetReport | DiffReport) -> str:
    return check_markdown(report) if isinstance(report, BudgetReport) else diff_markdown(report)


def print_table(report: BudgetReport | DiffReport, console: Any = None) -> None:
    if isinstance(report, BudgetReport):
        print_check(report, console)
    else:
        print_diff(report, console)


def failure(report: BudgetReport | DiffReport) -> str:
    """What failed, for stderr."""
    return check_failure(report) if isinstance(report, BudgetReport) else diff_failure(report)
