"""Finish every estimating command the same way: checks, warnings to stderr, the chosen format, exit code.

JSON and CSV are written as plain text; only table mode imports rich (and plotext for charts).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

import typer

from ai_costs.errors import ExitCode
from ai_costs.models.report import Report
from ai_costs.render import OutputFormat


def _print_table(report: Report) -> None:
    from ai_costs.render.table import print_report

    print_report(report)


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
    table: Callable[[Report], None] = _print_table,
) -> None:
    """Apply --max limits, print the full result, then exit 1 naming each metric over its limit."""
    if max_items:
        from ai_costs.engine.checks import check_limits, parse_limits

        report = dataclasses.replace(report, checks=check_limits(report, parse_limits(max_items)))
    for warning in report.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
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
    failed = [c for c in report.checks if not c.ok]
    if failed:
        from ai_costs.render.format import fmt_value

        for c in failed:
            value = "unknown (not estimated)" if c.value is None else fmt_value(c.metric, c.value)
            sys.stderr.write(f"Over budget: {c.metric} = {value}, limit {fmt_value(c.metric, c.limit)}\n")
    if failed:
        raise typer.Exit(ExitCode.CHECK_FAILED)


def listing(title: str, columns: list[str], rows: list[list[str]], fmt: OutputFormat, fold_first: bool = False) -> None:
    """A catalog or preset listing as a table, CSV or markdown (JSON is the caller's full records).
    `fold_first`: the first column (long ids) may wrap in a table rather than push other columns out."""
    if fmt is OutputFormat.csv:
        from ai_costs.render.csv import rows_csv

        sys.stdout.write(rows_csv(columns, [list(r) for r in rows]))
    elif fmt is OutputFormat.markdown:
        from ai_costs.render.markdown import table as md_table

        sys.stdout.write(f"### {title}\n\n{md_table(columns, rows)}\n")
    else:
        from ai_costs.render.catalog import print_rows

        print_rows(title, columns, rows, fold_first=fold_first)
