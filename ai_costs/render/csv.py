"""CSV: one header row and stable columns, unrounded numbers.

Estimates give one row (command, status, then the fixed summary keys); compare-gpus gives one row per
accelerator with its fixed row keys.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ai_costs.models.report import Report


def _cell(value: Any) -> Any:
    return "" if value is None else value


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report.command == "compare-gpus":
        rows = report.summary["rows"]
        keys = list(rows[0]) if rows else []
        writer.writerow(["best", *keys])
        for row in rows:
            writer.writerow([report.summary["best"] == row["gpu"], *(_cell(row[k]) for k in keys)])
    else:
        keys = list(report.summary)
        writer.writerow(["command", "status", *keys])
        writer.writerow([report.command, report.status, *(_cell(report.summary[k]) for k in keys)])
    return out.getvalue()


def rows_csv(header: list[str], rows: list[list[Any]]) -> str:
    """A header row, then the rows; None is written as an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()
