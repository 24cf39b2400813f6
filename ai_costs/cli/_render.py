"""Write a report in the chosen format: JSON as plain text, tables through rich (lazily).

Warnings go to stderr in every format, so stdout carries only the result.
"""

from __future__ import annotations

import sys

from ai_costs.models.report import Report
from ai_costs.render import OutputFormat


def render(report: Report, fmt: OutputFormat) -> None:
    for warning in report.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    if fmt is OutputFormat.json:
        from ai_costs.render.json import report_json

        sys.stdout.write(report_json(report) + "\n")
        return
    from ai_costs.render.table import print_report

    print_report(report)
