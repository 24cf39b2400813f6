"""`ai-costs diff BASE HEAD`: two scenarios (or two directories of them) side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt, QuietOpt, num
from ai_costs.errors import InvalidInput
from ai_costs.render import OutputFormat

SUFFIXES = (".yaml", ".yml")


def _pairs(base: Path, head: Path) -> tuple[list[tuple[str, Path, Path]], list[str], list[str]]:
    """(name, base file, head file) pairs; directories are matched by file name."""
    for path in (base, head):
        if not path.exists():
            raise InvalidInput(f"{path}: no such file or directory", code="file_not_found")
    if base.is_dir() != head.is_dir():
        raise InvalidInput("diff compares two files or two directories, not one of each")
    if not base.is_dir():
        return [(head.stem, base, head)], [], []
    a = {p.name: p for p in base.iterdir() if p.suffix in SUFFIXES}
    b = {p.name: p for p in head.iterdir() if p.suffix in SUFFIXES}
    both = sorted(set(a) & set(b))
    return [(Path(n).stem, a[n], b[n]) for n in both], sorted(set(a) - set(b)), sorted(set(b) - set(a))


def _limit(max_increase: str | None) -> float | None:
    from ai_costs.units import parse_quantity

    if max_increase is None:
        return None
    try:
        limit = parse_quantity(max_increase)
    except ValueError as exc:
        raise InvalidInput(f"--max-increase: {exc}") from None
    if limit != limit or limit in (float("inf"), float("-inf")):
        raise InvalidInput(f"--max-increase: {max_increase!r} is not a finite number of percent")
    return limit


@handles_errors("diff")
def diff(
    base: Annotated[Path, typer.Argument(help="Base scenario file or directory.", metavar="BASE", show_default=False)],
    head: Annotated[Path, typer.Argument(help="Head scenario file or directory.", metavar="HEAD", show_default=False)],
    max_increase: str | None = num("--max-increase", "Exit 1 when a cost metric (USD) rises by more than PCT "
                                   "percent  [default: no limit]", "Checks", "PCT"),
    fmt: FormatOpt = OutputFormat.table,
    quiet: QuietOpt = False,
    presets_dir: PresetsDirOpt = None,
) -> None:
    """Two scenario files, or two directories of them, side by side: each summary metric and its change.

    Directories are matched by file name. With --max-increase, a cost metric that rises by more than
    that percentage fails the scenario (exit 1). Each scenario's warnings are shown with it.

    Examples:

      ai-costs diff main/serving.yaml pr/serving.yaml

      ai-costs diff base-scenarios/ head-scenarios/ --max-increase 10 \\
        --format markdown
    """
    from ai_costs.catalog import load_catalog
    from ai_costs.cli._render import finish_budget
    from ai_costs.cli._scenarios import estimate_ref
    from ai_costs.engine.diff import diff_reports

    limit = _limit(max_increase)
    dirs = presets_dir or []
    catalog = load_catalog(dirs)
    pairs, removed, added = _pairs(base, head)
    # diff compares central values: no ranges needed
    estimates = [(name, str(a), str(b), estimate_ref(str(a), {}, catalog, dirs, ranges=False),
                  estimate_ref(str(b), {}, catalog, dirs, ranges=False)) for name, a, b in pairs]
    finish_budget(diff_reports(estimates, limit, removed, added), fmt, quiet)
