"""Serving calibration: every published run in tests/data/calibration_inference.csv through the engine.

The runs are split by a stated rule into a FIT set (the model's physical parameters are fitted on it)
and a CHECK set (never fitted on). A configuration is a model, accelerator, accelerator count and layout:
every length of one configuration lands on the same side, so the CHECK set holds configurations the fit
never saw. Configurations with a run from outside the TensorRT-LLM performance-overview tables (blogs,
production reports: other frameworks and set-ups) are CHECK. The tables' other configurations are grouped by case class and
accelerator and ordered within a group by the CRC-32 of their key "model|accelerator|count|layout"; the
second of every three (positions 1, 4, 7, ...) is CHECK. So both sets span the accelerators of every
class, and every class has CHECK runs.

    python scripts/calibrate_serving.py          # errors per case class, fit and check sets
    python scripts/calibrate_serving.py --fit    # refit the parameters (a few minutes); prints the values

docs/validation.md is generated from these functions by tests/test_validation_doc.py.
"""

from __future__ import annotations

import csv
import functools
import math
import statistics
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_costs.catalog import load_catalog
from ai_costs.engine import defaults as d
from ai_costs.engine.infer import estimate_inference
from ai_costs.errors import AiCostsError
from ai_costs.models._schema import validate
from ai_costs.models.catalog import Catalog
from ai_costs.models.scenario import InferScenario

ROOT = Path(__file__).resolve().parent.parent

CSV = ROOT / "tests" / "data" / "calibration_inference.csv"
TABLE_SOURCES = "performance overview"  # in the source of every TensorRT-LLM performance-overview table
CASES = ("dense-single-node", "pcie", "multi-node", "moe")
WITHIN = 1.5  # the bound for every case


def load_rows(path: Path = CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def configuration(row: dict[str, str]) -> str:
    """A run's configuration key: model|accelerator|count|layout."""
    return "|".join((row["model"], row["gpu"], row["gpus"], row["parallelism"]))


def check_configurations(classes: dict[str, str]) -> frozenset[str]:
    """The stated split rule (module docstring), given each table configuration's case class: per case class
    and accelerator, the configurations at positions 1, 4, 7, ... in CRC-32 order."""
    groups: dict[tuple[str, str], list[str]] = {}
    for key, case in classes.items():
        groups.setdefault((case, key.split("|")[1]), []).append(key)
    chosen = set()
    for keys in groups.values():
        ordered = sorted(keys, key=lambda k: (zlib.crc32(k.encode()), k))
        chosen.update(ordered[1::3])
    return frozenset(chosen)


@functools.cache
def _check_set(path: Path = CSV) -> frozenset[str]:
    """CHECK configurations of the bundled runs: those with a run from outside the tables, and the rule's
    choice among the others (each configuration's class from its first run)."""
    catalog = load_catalog()
    rows = load_rows(path)
    outside = {configuration(r) for r in rows if TABLE_SOURCES not in r["source"]}
    classes: dict[str, str] = {}
    for row in rows:
        key = configuration(row)
        if key not in outside and key not in classes:
            classes[key] = run(row, catalog).case
    return frozenset(outside) | check_configurations(classes)


def in_check(row: dict[str, str]) -> bool:
    """Whether a bundled run is in the CHECK set (module docstring)."""
    return configuration(row) in _check_set()


def arguments(row: dict[str, str]) -> list[str]:
    """The `ai-costs infer` options that reproduce a run (no request volume: one replica at full load)."""
    args = ["--model", row["model"], "--gpu", row["gpu"]]
    args += ["--parallelism", row["parallelism"]] if row["parallelism"] else ["--gpus", row["gpus"]]
    args += ["--precision", row["precision"]]
    for column in ("kv_precision", "input_tokens", "output_tokens", "cached_fraction", "batch_size", "max_tpot"):
        if row[column]:
            args += ["--" + column.replace("_", "-"), row[column]]
    return args


def scenario(row: dict[str, str]) -> InferScenario:
    fields: dict[str, Any] = {"model": row["model"], "gpu": row["gpu"], "precision": row["precision"]}
    if row["parallelism"]:
        fields["parallelism"] = row["parallelism"]
    else:
        fields["gpus"] = row["gpus"]
    for column in ("kv_precision", "input_tokens", "output_tokens", "cached_fraction", "batch_size", "max_tpot"):
        if row[column]:
            fields[column] = row[column]
    return validate(InferScenario, fields, origin=row["id"])


@dataclass(frozen=True)
class Result:
    row: dict[str, str]
    estimate: float | None  # None: the engine refused the run (its message is in `case`)
    case: str
    layout: str
    batch: int

    @property
    def reported(self) -> float:
        return float(self.row["reported"])

    @property
    def ratio(self) -> float | None:
        return None if self.estimate is None else self.estimate / self.reported

    @property
    def check(self) -> bool:
        return in_check(self.row)


def run(row: dict[str, str], catalog: Catalog, scen: InferScenario | None = None) -> Result:
    try:
        report = estimate_inference(scen or scenario(row), catalog, ranges=False)
    except AiCostsError as exc:
        return Result(row, None, exc.message, "", 0)
    gpus = report.inputs["gpus"]
    if row["metric"] == "input_tokens_per_s_per_gpu":
        value = report.detail["replica_requests_per_second"] * float(row["input_tokens"]) / gpus
    else:
        value = report.summary["output_tokens_per_second_per_gpu"]
    return Result(row, value, report.detail["speed_case"], report.inputs["parallelism"], report.detail["batch_size"])


def results(catalog: Catalog | None = None, rows: list[dict[str, str]] | None = None) -> list[Result]:
    catalog = catalog or load_catalog()
    return [run(r, catalog) for r in (rows if rows is not None else load_rows())]


@dataclass(frozen=True)
class Summary:
    runs: int
    median_error: float  # median |estimate / reported - 1|, taken on the log scale
    worst: float  # the ratio furthest from 1
    within: int  # runs within WITHIN x either way
    rms_log: float  # root-mean-square of log(estimate / reported)
    refused: int


def summarize(items: Iterable[Result]) -> Summary:
    items = list(items)
    logs = [math.log(r.ratio) for r in items if r.ratio is not None]
    refused = sum(1 for r in items if r.ratio is None)
    if not logs:
        return Summary(0, math.nan, math.nan, 0, math.nan, refused)
    worst = max(logs, key=abs)
    return Summary(
        runs=len(logs), median_error=math.exp(statistics.median(abs(x) for x in logs)) - 1,
        worst=math.exp(worst), within=sum(1 for x in logs if abs(x) <= math.log(WITHIN)),
        rms_log=math.sqrt(statistics.fmean(x * x for x in logs)), refused=refused,
    )


def by_case(items: Iterable[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {case: [] for case in CASES}
    for r in items:
        if r.case in out:
            out[r.case].append(r)
    return out


Z_P95 = 1.645  # the standard normal's 95th percentile


def speed_log_sigma(items: Iterable[Result]) -> dict[str, float]:
    """engine/defaults.py's SPEED_LOG_SIGMA: per case class, the 90th percentile (nearest rank) of
    |log(estimate / reported)| over the FIT runs, / 1.645, so that a p5-p95 range of exp(+-1.645 sigma)
    around each estimate holds 90% of them; the CHECK runs then test the range out of sample."""
    out = {}
    for case, rs in by_case(r for r in items if not r.check).items():
        logs = sorted(abs(math.log(r.ratio)) for r in rs if r.ratio is not None)
        out[case] = logs[math.ceil(0.9 * len(logs)) - 1] / Z_P95 if logs else math.nan
    return out


# --- fitting ---------------------------------------------------------------------------------------

# Each stage fits physically meaningful parameters (bounds = their plausible range) on the FIT runs of
# its case classes. Stage 1: the dense and communication physics; stage 2: mixture-of-experts kernels,
# expert load imbalance and the scheduler's per-sequence time, with stage 1 held.
STAGES: tuple[tuple[tuple[str, ...], dict[str, tuple[float, float]]], ...] = (
    (("dense-single-node", "pcie", "multi-node"), {
        "GEMM_EFFICIENCY": (0.3, 1.0), "GEMM_ROW_OVERHEAD": (1.0, 512.0),
        "SERVING_MEMORY_EFFICIENCY": (0.3, 0.95), "KV_READ_EFFICIENCY": (0.3, 1.2),
        "COMM_BANDWIDTH_EFFICIENCY": (0.1, 1.0), "SERVING_MEMORY_FRACTION": (0.8, 0.97),
        "fp8": (0.3, 1.0), "fp4": (0.15, 1.0),
    }),
    (("moe",), {
        "EXPERT_EFFICIENCY": (0.1, 1.0), "EXPERT_POPULARITY_CV": (0.0, 1.0),
        "HOST_SECONDS_PER_SEQUENCE": (1e-7, 1e-4), "MOE_LAYER_SECONDS": (1e-6, 1e-3),
    }),
)


def set_parameter(name: str, value: float) -> None:
    if name in {"fp8", "fp4"}:
        d.SERVING_LOW_PRECISION_FACTOR = {**d.SERVING_LOW_PRECISION_FACTOR, name: value}
    else:
        setattr(d, name, value)


def get_parameter(name: str) -> float:
    return float(d.SERVING_LOW_PRECISION_FACTOR[name] if name in {"fp8", "fp4"} else getattr(d, name))


def fit(rounds: int = 3, log: Callable[[str], None] = print) -> dict[str, float]:
    """Coordinate descent in log space on the mean |log(estimate / reported)| of the FIT runs."""
    catalog = load_catalog()
    rows = [r for r in load_rows() if not in_check(r)]
    scenarios = [scenario(r) for r in rows]
    fitted: dict[str, float] = {}
    for cases, bounds in STAGES:
        # the class of a run does not depend on the parameters: select once
        chosen = [(r, s) for r, s in zip(rows, scenarios, strict=True) if run(r, catalog, s).case in cases]

        def loss() -> float:
            logs = [run(r, catalog, s).ratio for r, s in chosen]  # noqa: B023
            return statistics.fmean(abs(math.log(x)) if x else 5.0 for x in logs)

        best = loss()
        step = dict.fromkeys(bounds, 0.25)
        for n in range(rounds):
            for name, (lo, hi) in bounds.items():
                while step[name] > 0.01:
                    start = get_parameter(name)
                    for sign in (1, -1):
                        set_parameter(name, min(hi, max(lo, start * math.exp(sign * step[name]))))
                        trial = loss()
                        if trial < best - 1e-6:
                            best = trial
                            break
                        set_parameter(name, start)
                    else:
                        step[name] /= 2
            log(f"{'/'.join(cases)} round {n + 1}: mean |log error| {best:.4f} "
                + ", ".join(f"{k}={get_parameter(k):.4g}" for k in bounds))
        fitted.update({k: get_parameter(k) for k in bounds})
    return fitted


def main(argv: list[str]) -> None:
    if "--fit" in argv:
        fitted = fit()
        print("\nfitted:", ", ".join(f"{k} = {v:.4g}" for k, v in fitted.items()))
    items = results()
    for label, subset in (("FIT", [r for r in items if not r.check]), ("CHECK", [r for r in items if r.check])):
        print(f"\n{label}")
        for case, rs in by_case(subset).items():
            s = summarize(rs)
            print(f"  {case:<18} runs {s.runs:4d}  median |error| {s.median_error:6.1%}  worst x{s.worst:.2f}  "
                  f"within {WITHIN}x {s.within}/{s.runs}  refused {s.refused}")
    print("\nSPEED_LOG_SIGMA", {k: round(v, 3) for k, v in speed_log_sigma(items).items()})


if __name__ == "__main__":
    main(sys.argv[1:])
