"""Finish every estimating command the same way: checks, warnings to stderr, the chosen format, exit code.

JSON and CSV are written as plain text; only table mode imports rich (and plotext for charts).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import typer

from ai_costs.cli._errors import closed_pipe_ok
from ai_costs.errors import ExitCode
from ai_costs.models.report import Report
from ai_costs.render import OutputFormat

if TYPE_CHECKING:
    from ai_costs.models.budget import BudgetReport, DiffReport


def _print_table(report: Report) -> None:
    from ai_costs.render.table import print_report

    print_report(report)


def warn(warnings: Sequence[str], quiet: bool) -> None:
    """Warnings go to stderr unless --quiet (they stay in the JSON and markdown output either way)."""
    if not quiet:
        for warning in warnings:
            sys.stderr.write(f"Warning: {warning}\n")


def report_table(sensitivity: bool) -> Callable[[Report], None]:
    """The table of a train or infer estimate; with --sensitivity, its full tornado too."""

    def table(report: Report) -> None:
        from ai_costs.render.table import print_report

        print_report(report, sensitivity=sensitivity)

    return table


def range_options(spread: list[str] | None, no_ranges: bool, sensitivity: bool = False) -> dict[str, Any]:
    """--spread / --no-ranges / --sensitivity as engine keywords (`ranges`, `spreads`); conflicts are errors."""
    from ai_costs.errors import InvalidInput

    if no_ranges and spread:
        raise InvalidInput("--spread widens a range: it cannot be combined with --no-ranges", code="no_ranges")
    if no_ranges and sensitivity:
        raise InvalidInput("--sensitivity charts the ranges: it cannot be combined with --no-ranges", code="no_ranges")
    if not spread:
        return {"ranges": not no_ranges}
    from ai_costs.engine.uncertainty import parse_spreads

    return {"ranges": True, "spreads": parse_spreads(spread)}


def finish(
    report: Report, fmt: OutputFormat, max_items: list[str] | None = None,
    table: Callable[[Report], None] = _print_table, quiet: bool = False,
) -> None:
    """Apply --max limits, print the full result, then exit 1 naming each metric over its limit."""
    if max_items:
        from ai_costs.engine.checks import check_limits, parse_limits

        report = dataclasses.replace(report, checks=check_limits(report, parse_limits(max_items)))
    warn(report.warnings, quiet)
    with closed_pipe_ok():
        _write(report, fmt, table)
    failed = [c for c in report.checks if not c.ok]
    if failed:
        from ai_costs.render.format import fmt_value

        for c in failed:
            value = "unknown (not estimated)" if c.value is None else fmt_value(c.metric, c.value)
            sys.stderr.write(f"Over budget: {c.metric} = {value}, limit {fmt_value(c.metric, c.limit)}\n")
        raise typer.Exit(ExitCode.CHECK_FAILED)


def _write(report: Report, fmt: OutputFormat, table: Callable[[Report], None]) -> None:
    if fmt is OutputFormat.json:
        from ai_costs.render.json import report_json

        sys.stdout.write(report_json(report) + "\n")
    elif fmt is OutputFormat.csv:
        from ai_costs.render.csv import report_csv

        sys.stdout.write(report_csv(report))
    elif fmt is OutputFormat.markdown:
        from ai_costs.render.markdown import report_markdown

        sys.stdout.write(report_markdown(report))
    else:
        table(report)


def listing(title: str, columns: list[str], rows: list[list[str]], fmt: OutputFormat) -> None:
    """A preset listing as a table, CSV or markdown (JSON is the caller's full records)."""
    with closed_pipe_ok():
        _listing(title, columns, rows, fmt)


def _listing(title: str, columns: list[str], rows: list[list[str]], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.csv:
        from ai_costs.render.csv import rows_csv

        sys.stdout.write(rows_csv(columns, [list(r) for r in rows]))
    elif fmt is OutputFormat.markdown:
        from ai_costs.render.markdown import table as md_table

        sys.stdout.write(f"### {title}\n\n{md_table(columns, rows)}\n")
    else:
        from ai_costs.render.catalog import print_rows

        print_rows(title, columns, rows)


def finish_budget(report: BudgetReport | DiffReport, fmt: OutputFormat, quiet: bool = False) -> None:
    """`check` and `diff`: each scenario's warnings, the chosen format, then exit 1 naming what failed."""
    from ai_costs.render import budget as render

    warn(report.warnings, quiet)
    with closed_pipe_ok():
        if fmt is OutputFormat.json:
            from ai_costs.render.json import dumps

            sys.stdout.write(dumps(report.to_dict()) + "\n")
        elif fmt is OutputFormat.csv:
            sys.stdout.write(render.to_csv(report))
        elif fmt is OutputFormat.markdown:
            sys.stdout.write(render.to_markdown(report))
        else:
            render.print_table(report)
    if report.status == "over_budget":
        sys.stderr.write(render.failure(report) + "\n")
        raise typer.Exit(ExitCode.CHECK_FAILED)
