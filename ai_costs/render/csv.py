"""CSV: one header row and stable columns, unrounded numbers.

Estimates give one row (command, status, the fixed summary keys, then METRIC_p5 and METRIC_p95 for each
metric that can carry a range, empty without one); compare-gpus gives one row per accelerator with its
fixed row keys, then the p5 and p95 of its cost and speed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ai_costs.models.report import RANGE_KEYS, ROW_RANGE_KEYS, Report


def _cell(value: Any) -> Any:
    return "" if value is None else value


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report.command == "compare-gpus":
        rows = report.summary["rows"]
        keys = [k for k in (rows[0] if rows else {}) if k != "ranges"]
        ranged: tuple[str, ...] = ROW_RANGE_KEYS[report.detail["task"]]
        writer.writerow(["best", *keys, *_range_header(ranged)])
        for row in rows:
            writer.writerow([report.summary["best"] == row["gpu"], *(_cell(row[k]) for k in keys),
                             *_range_cells(row.get("ranges") or {}, ranged)])
    else:
        keys = list(report.summary)
        ranged = RANGE_KEYS.get(report.command, ())
        writer.writerow(["command", "status", *keys, *_range_header(ranged)])
        writer.writerow([report.command, report.status, *(_cell(report.summary[k]) for k in keys),
                         *_range_cells(report.ranges, ranged)])
    return out.getvalue()


def _range_header(keys: tuple[str, ...]) -> list[str]:
    return [f"{k}_{q}" for k in keys for q in ("p5", "p95")]


def _range_cells(ranges: dict[str, Any], keys: tuple[str, ...]) -> list[Any]:
    return [_cell((ranges.get(k) or {}).get(q)) for k in keys for q in ("p5", "p95")]


def rows_csv(header: list[str], rows: list[list[Any]]) -> str:
    """A header row, then the rows; None is written as an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()
