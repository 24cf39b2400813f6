"""`ai-costs diff BASE HEAD`: two scenarios (or two directories of them) side by side."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt, num
from ai_costs.errors import ExitCode, InvalidInput
from ai_costs.render import OutputFormat

SUFFIXES = (".yaml", ".yml")


def _pairs(base: Path, head: Path) -> tuple[list[tuple[str, Path, Path]], list[str], list[str]]:
    """(name, base file, head file) pairs; directories are matched by file name."""
    if base.is_dir() != head.is_dir():
        raise InvalidInput("diff compares two files or two directories, not one of each")
    if not base.is_dir():
        return [(head.stem, base, head)], [], []
    a = {p.name: p for p in base.iterdir() if p.suffix in SUFFIXES}
    b = {p.name: p for p in head.iterdir() if p.suffix in SUFFIXES}
    both = sorted(set(a) & set(b))
    return [(Path(n).stem, a[n], b[n]) for n in both], sorted(set(a) - set(b)), sorted(set(b) - set(a))


@handles_errors("diff")
def diff(
    base: Annotated[Path, typer.Argument(help="Base scenario file or directory.", show_default=False)],
    head: Annotated[Path, typer.Argument(help="Head scenario file or directory.", show_default=False)],
    max_increase: str | None = num("--max-increase", "Exit 1 when a cost metric (USD) rises by more than PCT "
                                   "percent.", "Checks", "PCT"),
    fmt: FormatOpt = OutputFormat.table,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Evaluate two scenario files (or two directories of them, matched by file name) and show each
    summary metric side by side with its absolute and percentage change.

    Examples:

      ai-costs diff main/serving.yaml pr/serving.yaml

      ai-costs diff base-scenarios/ head-scenarios/ --max-increase 10 --format markdown
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._scenarios import estimate_ref
    from ai_costs.engine.diff import cost_increases, summary_deltas
    from ai_costs.models.report import SCHEMA_VERSION
    from ai_costs.units import parse_quantity

    for path in (base, head):
        if not path.exists():
            raise InvalidInput(f"{path}: no such file or directory", code="file_not_found")
    limit = None
    if max_increase is not None:
        try:
            limit = parse_quantity(max_increase)
        except ValueError as exc:
            raise InvalidInput(f"--max-increase: {exc}") from None
    dirs = presets_dir or []
    catalog = load_catalog(dirs)
    pairs, removed, added = _pairs(base, head)
    scenarios = []
    over: list[str] = []
    for name, a, b in pairs:
        # diff compares central values: no ranges needed
        rows = summary_deltas(estimate_ref(str(a), {}, catalog, dirs, ranges=False),
                              estimate_ref(str(b), {}, catalog, dirs, ranges=False))
        bad = cost_increases(rows, limit) if limit is not None else []
        over += [f"{name}: {r['metric']} +{r['pct']:.1f}%" for r in bad]
        scenarios.append({"name": name, "base": str(a), "head": str(b), "metrics": rows,
                          "ok": not bad})
    doc = {"schema_version": SCHEMA_VERSION, "command": "diff", "status": "over_budget" if over else "ok",
           "max_increase_pct": limit, "scenarios": scenarios, "only_in_base": removed, "only_in_head": added}
    _write(doc, fmt)
    if over:
        sys.stderr.write(f"Over the {limit:g}% limit: {'; '.join(over)}\n")
        raise typer.Exit(ExitCode.CHECK_FAILED)


def _write(doc: dict[str, Any], fmt: OutputFormat) -> None:
    header = ["scenario", "metric", "base", "head", "delta", "change %"]
    rows = [[s["name"], r["metric"], r["base"], r["head"], r["delta"], r["pct"]]
            for s in doc["scenarios"] for r in s["metrics"]]
    if fmt is OutputFormat.json:
        from ai_costs.render.json import dumps

        sys.stdout.write(dumps(doc) + "\n")
        return
    if fmt is OutputFormat.csv:
        from ai_costs.render.csv import rows_csv

        sys.stdout.write(rows_csv(header, rows))
        return
    from ai_costs.render.format import fmt_value

    def pct(value: float | None) -> str:
        return "" if value is None else f"{value:+.1f}%"

    shown = [[r[0], r[1], fmt_value(r[1], r[2]), fmt_value(r[1], r[3]),
              "" if r[4] is None else ("+" if r[4] > 0 else "") + fmt_value(r[1], r[4]), pct(r[5])]
             for r in rows if r[4] != 0 or fmt is not OutputFormat.markdown]
    extra = "".join(f"\nOnly in base: {', '.join(doc['only_in_base'])}" if doc["only_in_base"] else "")
    extra += "".join(f"\nOnly in head: {', '.join(doc['only_in_head'])}" if doc["only_in_head"] else "")
    if fmt is OutputFormat.markdown:
        from ai_costs.render.markdown import table

        verdict = "" if doc["max_increase_pct"] is None else (
            f" ({'over' if doc['status'] == 'over_budget' else 'within'} the {doc['max_increase_pct']:g}% limit)")
        sys.stdout.write(f"### ai-costs diff{verdict}\n\nChanged metrics:\n\n"
                         + table(header, shown, ["---", "---", "---:", "---:", "---:", "---:"]) + "\n" + extra)
        return
    from ai_costs.render.catalog import print_rows

    print_rows("Cost diff (head vs base)", header, shown)
    if extra:
        sys.stdout.write(extra.lstrip("\n") + "\n")
