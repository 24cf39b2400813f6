"""Are the ranges calibrated? The share of published figures inside the estimate's p5-p95, and the width.

Given calibration rows (published training runs with their GPU-hours, published serving throughput) and
the engine, each row is estimated with its ranges; the row is covered when the reported figure lies in
[p5, p95]. A calibrated 90% range covers about 90% of rows it was not fitted on, and is no wider than it
must be (the issue's bar: p95/p5 at most 2.5 for training, 2.0 for serving).

Rows may carry a `set` column (`fit`, `check`, `out`: tests/data/calibration_training.csv); the
summary is given per set. docs/validation.md's coverage tables are generated from these functions by
tests/test_validation_doc.py.

    python bench/range_coverage.py                                    # the bundled rows (tests/data/)
    python bench/range_coverage.py --training runs.csv --serving throughput.csv
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_costs.catalog import load_catalog
from ai_costs.engine.infer import estimate_inference
from ai_costs.engine.train import estimate_training
from ai_costs.models.catalog import Catalog
from ai_costs.models.report import Report
from ai_costs.models.scenario import InferScenario, TrainScenario

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


@dataclass(frozen=True)
class Case:
    """One published figure and the scenario that estimates it."""

    id: str
    scenario: TrainScenario | InferScenario
    metric: str  # the summary metric compared with `reported`
    reported: float
    split: str = "calibration"  # the row's `set`: fit | check | out; calibration when the file has none


@dataclass(frozen=True)
class Outcome:
    case: Case
    estimate: float
    p5: float
    p95: float

    @property
    def covered(self) -> bool:
        return self.p5 <= self.case.reported <= self.p95

    @property
    def width(self) -> float:
        """p95 / p5."""
        return self.p95 / self.p5


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def training_cases(path: Path = DATA / "calibration_training.csv") -> list[Case]:
    """Runs with reported GPU-hours (columns as tests/data/calibration_training.csv)."""
    cases = []
    for row in _rows(path):
        if not row.get("reported_gpu_hours"):
            continue
        scenario = TrainScenario(params=float(row["params"]), active_params=float(row["active_params"]),
                                 tokens=float(row["tokens"]), gpu=row["gpu"],
                                 gpus=int(row["gpus"]) if row.get("gpus") else None,
                                 precision=row["precision"])  # type: ignore[arg-type]
        cases.append(Case(row["id"], scenario, "gpu_hours", float(row["reported_gpu_hours"]),
                          row.get("set") or "calibration"))
    return cases


def serving_outcomes(results: Iterable[Any]) -> list[Outcome]:
    """Published serving runs as estimated by scripts/calibrate_serving.py (`results()`: each with its
    row, estimate and speed case), with the engine's p5-p95 for their metric. Without a request volume
    the throughput is a product of the serving speed alone, so its range is the estimate x exp(-+1.645
    sigma) of its case class (tests/test_validation_doc.py checks this against a full engine run). Runs
    the engine refused are left out; `split` is "<case class> <fit|check>"."""
    from ai_costs.engine.serving import speed_log_sigma
    from ai_costs.engine.uncertainty import Z95

    outcomes = []
    for r in results:
        if r.estimate is None:
            continue
        spread = math.exp(Z95 * speed_log_sigma(r.case))
        case = Case(r.row["id"], InferScenario(model=r.row["model"]), r.row["metric"], r.reported,
                    f"{r.case} {'check' if r.check else 'fit'}")
        outcomes.append(Outcome(case, r.estimate, r.estimate / spread, r.estimate * spread))
    return outcomes


def _estimate(scenario: TrainScenario | InferScenario, catalog: Catalog) -> Report:
    if isinstance(scenario, TrainScenario):
        return estimate_training(scenario, catalog)
    return estimate_inference(scenario, catalog)


def evaluate(cases: Iterable[Case], catalog: Catalog | None = None,
             estimate: Callable[[Any, Catalog], Report] = _estimate) -> list[Outcome]:
    """Each case estimated with its ranges."""
    catalog = catalog or load_catalog()
    outcomes = []
    for case in cases:
        report = estimate(case.scenario, catalog)
        r = report.ranges[case.metric]
        outcomes.append(Outcome(case, float(report.summary[case.metric]), float(r["p5"]),  # type: ignore[arg-type]
                                float(r["p95"])))  # type: ignore[arg-type]
    return outcomes


@dataclass(frozen=True)
class Coverage:
    split: str
    rows: int
    covered: int
    median_width: float
    max_width: float

    @property
    def share(self) -> float:
        return self.covered / self.rows


def coverage(outcomes: list[Outcome]) -> list[Coverage]:
    """Per split: rows, rows covered, median and largest p95/p5."""
    out = []
    for split in dict.fromkeys(o.case.split for o in outcomes):
        rows = [o for o in outcomes if o.case.split == split]
        widths = [o.width for o in rows]
        out.append(Coverage(split, len(rows), sum(o.covered for o in rows), statistics.median(widths), max(widths)))
    return out


def markdown(outcomes: list[Outcome], fmt: Callable[[float], str] = "{:,.0f}".format) -> str:
    """Per row: estimate, p5-p95, reported, covered; then the coverage per set."""
    lines = ["| row | set | estimate | p5 | p95 | reported | inside p5-p95 | p95/p5 |",
             "|---|---|---:|---:|---:|---:|---|---:|"]
    for o in outcomes:
        lines.append(f"| {o.case.id} | {o.case.split} | {fmt(o.estimate)} | {fmt(o.p5)} | {fmt(o.p95)} | "
                     f"{fmt(o.case.reported)} | {'yes' if o.covered else 'no'} | {o.width:.2f} |")
    return "\n".join([*lines, "", summary_table(outcomes)])


def summary_table(outcomes: list[Outcome]) -> str:
    """Per set: rows, rows inside p5-p95, median and largest p95/p5."""
    lines = ["| set | rows | inside p5-p95 | median p95/p5 | largest p95/p5 |", "|---|---:|---:|---:|---:|"]
    for c in coverage(outcomes):
        lines.append(f"| {c.split} | {c.rows} | {c.covered} ({c.share:.0%}) | {c.median_width:.2f} | "
                     f"{c.max_width:.2f} |")
    return "\n".join(lines)


def _serving_script() -> Any:
    """scripts/calibrate_serving.py (run as a file, not installed)."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "scripts" / "calibrate_serving.py"
    spec = importlib.util.spec_from_file_location("calibrate_serving", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def millions(value: float) -> str:
    return f"{value / 1e6:.3f}M"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--training", type=Path, default=DATA / "calibration_training.csv")
    parser.add_argument("--serving", type=Path, default=DATA / "calibration_inference.csv")
    args = parser.parse_args()
    print("Training: GPU-hours\n")
    print(markdown(evaluate(training_cases(args.training)), millions))
    print("\nServing: tokens/s per GPU, per case class and set\n")
    print(summary_table(sorted(serving_outcomes(_serving_script().results(rows=_rows(args.serving))),
                               key=lambda o: o.case.split)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
