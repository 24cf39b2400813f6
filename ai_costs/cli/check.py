"""`ai-costs check BUDGET.yaml`: every budget line estimated and checked; exit 1 if any line fails."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt, QuietOpt
from ai_costs.render import OutputFormat


def _resolve_ref(ref: str, budget: Path) -> str:
    """Paths in a budget file are relative to the file; names are presets."""
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        candidate = Path(ref)
        return str(candidate if candidate.is_absolute() else budget.parent / candidate)
    return ref


@handles_errors("check")
def check(
    budget: Annotated[Path, typer.Argument(help="Budget file: scenarios with limits ('-': standard input).",
                                           metavar="BUDGET", show_default=False)],
    fmt: FormatOpt = OutputFormat.table,
    quiet: QuietOpt = False,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Check every line of a budget file against its limits; exit 1 when a line is over budget.

    Each line's scenario is estimated and its summary metrics compared with the line's limits. The
    result is a pass/FAIL table, or JSON, CSV, or markdown for a pull-request comment; each line's
    warnings are shown with it.

    A budget file:

      version: 1
      checks:
        - name: pre-training run
          scenario: llama-3.1-405b  # preset, or path from here
          set: {gpus: 8192}         # field overrides (optional)
          max: {total_usd: 100M, total_usd@p95: 150M, wall_clock_days: 120}

    A limit on METRIC@p95 (or @p5, @p50) applies to that quantile of the metric's range.

    Examples:

      ai-costs check ci/budget.yaml

      ai-costs check ci/budget.yaml --format markdown > comment.md
    """
    from ai_costs._yaml import origin_of
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish_budget
    from ai_costs.cli._scenarios import estimate_ref
    from ai_costs.engine.budget import check_budget
    from ai_costs.models._schema import validate
    from ai_costs.models.scenario import BudgetFile
    from ai_costs.presets import read_data

    dirs = presets_dir or []
    spec = validate(BudgetFile, read_data(budget), origin=origin_of(budget))
    catalog = load_catalog(dirs)
    lines = [(line.name or f"line {i}: {line.scenario}", line.scenario,
              estimate_ref(_resolve_ref(line.scenario, budget), line.set or {}, catalog, dirs), line.max or {})
             for i, line in enumerate(spec.checks, 1)]
    finish_budget(check_budget(origin_of(budget), lines), fmt, quiet)
