"""`ai-costs check BUDGET.yaml`: every budget line estimated and checked; exit 1 if any line fails."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt
from ai_costs.errors import ExitCode
from ai_costs.render import OutputFormat


def _resolve_ref(ref: str, budget: Path) -> str:
    """Paths in a budget file are relative to the file; names are presets."""
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        candidate = Path(ref)
        return str(candidate if candidate.is_absolute() else budget.parent / candidate)
    return ref


@handles_errors("check")
def check(
    budget: Annotated[Path, typer.Argument(help="Budget file: scenarios with limits.", show_default=False)],
    fmt: FormatOpt = OutputFormat.table,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Check every line of a budget file: estimate its scenario, compare its metrics with the limits.
    Prints a pass/fail table (or JSON, CSV, or markdown for a pull-request comment); exits 1 when
    any line is over budget.

    Budget file:

      version: 1
      checks:
        - name: pre-training run
          scenario: llama-3.1-405b      # a preset name, or a path relative to this file
          set: {gpus: 8192}             # field overrides (optional)
          max: {total_usd: 100M, total_usd@p95: 150M, wall_clock_days: 120}

    A limit on METRIC@p95 (or @p5, @p50) applies to that quantile of the metric's range.

    Example: ai-costs check ci/budget.yaml --format markdown > comment.md
    """
    from ai_costs._yaml import load_yaml_file
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._scenarios import estimate_ref
    from ai_costs.engine.checks import check_limits, ranges_of_report
    from ai_costs.models._schema import validate
    from ai_costs.models.report import SCHEMA_VERSION
    from ai_costs.models.scenario import BudgetFile

    dirs = presets_dir or []
    spec = validate(BudgetFile, load_yaml_file(budget), origin=str(budget))
    catalog = load_catalog(dirs)
    lines: list[dict[str, Any]] = []
    for i, line in enumerate(spec.checks, 1):
        ref = _resolve_ref(line.scenario, budget)
        report = estimate_ref(ref, line.set or {}, catalog, dirs)
        checks = check_limits(report, line.max or {})
        lines.append({
            "name": line.name or f"line {i}: {line.scenario}", "scenario": line.scenario,
            "command": report.command, "ok": all(c.ok for c in checks),
            "checks": [dataclasses.asdict(c) for c in checks], "summary": report.summary,
            "ranges": ranges_of_report(report),
        })
    ok = all(line["ok"] for line in lines)
    doc = {"schema_version": SCHEMA_VERSION, "command": "check", "status": "ok" if ok else "over_budget",
           "budget": str(budget), "lines": lines}
    _write(doc, fmt)
    if not ok:
        failing = ", ".join(line["name"] for line in lines if not line["ok"])
        sys.stderr.write(f"Over budget: {failing}\n")
        raise typer.Exit(ExitCode.CHECK_FAILED)


def _rows(doc: dict[str, Any]) -> list[list[Any]]:
    return [[line["name"], line["scenario"], c["metric"], c["limit"], c["value"], "pass" if c["ok"] else "FAIL"]
            for line in doc["lines"] for c in line["checks"]]


def _write(doc: dict[str, Any], fmt: OutputFormat) -> None:
    header = ["line", "scenario", "metric", "limit", "value", "result"]
    if fmt is OutputFormat.json:
        from ai_costs.render.json import dumps

        sys.stdout.write(dumps(doc) + "\n")
        return
    if fmt is OutputFormat.csv:
        from ai_costs.render.csv import rows_csv

        sys.stdout.write(rows_csv(header, _rows(doc)))
        return
    from ai_costs.render.format import fmt_value

    shown = [[r[0], r[1], r[2], fmt_value(r[2], r[3]), fmt_value(r[2], r[4]), r[5]] for r in _rows(doc)]
    verdict = "all lines within budget" if doc["status"] == "ok" else "over budget"
    if fmt is OutputFormat.markdown:
        from ai_costs.render.markdown import table

        marked = [[*row[:5], "✅ pass" if row[5] == "pass" else "❌ FAIL"] for row in shown]
        sys.stdout.write(f"### ai-costs budget check: {verdict}\n\n"
                         + table(header, marked, ["---", "---", "---", "---:", "---:", "---"]) + "\n")
        return
    from ai_costs.render.catalog import print_rows

    print_rows(f"Budget check ({doc['budget']}): {verdict}", header, shown)

