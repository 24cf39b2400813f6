"""Fit the default training utilization on published runs; report it on runs it was not fitted on.

    python scripts/fit_training_utilization.py                # coefficients, sigma, fit and check tables
    python scripts/fit_training_utilization.py --check        # exit 1 if defaults.py or the split are stale
    python scripts/fit_training_utilization.py --write-split  # rewrite the CSV's `set` column from the rule

Data: tests/data/calibration_training.csv (every row's source in tests/data/calibration_training.md).
Model: engine/utilization.py; reasons: docs/methodology.md section 3. A five-column least squares needs
no numpy: plain Python.

Split rule (reproducible, decided by the data file alone): runs of one family (one paper or model card)
share a set. Families are put in four strata by what the model distinguishes (FP8; mixture of experts;
dense on an accelerator of >= 250 FLOP per byte of memory bandwidth, i.e. H100/H800; dense on the older,
less compute-heavy ones), ordered by first publication within each stratum, and the middle one of every
three (positions 2, 5, 8, ...) goes to the check set. Families whose hours include work a pre-training
scenario cannot describe are `out` (OUT_OF_SCOPE).

Sigma: the spread is calibrated for coverage, not fitted in-sample: each fit family is predicted by a fit
without it (leave-one-family-out), and sigma = the 90th percentile (nearest rank) of those |ln(reported /
estimated)| divided by 1.645, so that p5-p95 covers 90% of runs the fit has not seen.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from ai_costs.catalog import load_catalog
from ai_costs.engine import defaults as d
from ai_costs.engine.flops import dense_training_flops
from ai_costs.engine.train import peak_flops
from ai_costs.engine.utilization import Z_P95, compute_intensity, design_row, is_moe
from ai_costs.models.catalog import Accelerator

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "calibration_training.csv"
OUT_OF_SCOPE = {"llama-3.2": "pruned from Llama 3.1 8B and trained on teacher logits (distillation)"}
HIGH_INTENSITY = 250.0  # FLOP/byte: separates H100/H800 (295) from A100 (153-201), TPU v4 (229), V100 (139)
COLUMNS = tuple(d.TRAIN_UTIL_COEF)


@dataclass(frozen=True)
class Run:
    id: str
    family: str
    published: str
    set: str
    accel: Accelerator
    precision: str
    params: float
    active: float
    tokens: float
    gpus: int | None
    reported_hours: float

    @property
    def moe(self) -> bool:
        return is_moe(self.active, self.params)

    def row(self) -> tuple[float, ...]:
        return design_row(self.accel, self.precision, self.active, self.moe)

    def log_implied(self) -> float:
        """ln u: 6 x active params x tokens over the reported hours at the dense peak of the precision."""
        flops = dense_training_flops(self.active, self.tokens, "pretrain")
        return math.log(flops / (self.reported_hours * 3600 * peak_flops(self.accel, self.precision)))

    def stratum(self) -> str:
        if self.precision in ("fp8", "fp4"):
            return "fp8"
        if self.moe:
            return "moe"
        return "dense-high" if (compute_intensity(self.accel) or 0) >= HIGH_INTENSITY else "dense-low"


def load_runs(path: Path = DATA) -> list[Run]:
    catalog = load_catalog()
    with path.open(newline="") as f:
        return [
            Run(id=r["id"], family=r["family"], published=r["published"], set=r["set"],
                accel=catalog.accelerator(r["gpu"]), precision=r["precision"], params=float(r["params"]),
                active=float(r["active_params"]), tokens=float(r["tokens"]),
                gpus=int(r["gpus"]) if r["gpus"] else None, reported_hours=float(r["reported_gpu_hours"]))
            for r in csv.DictReader(f)
        ]


def split(runs: list[Run]) -> dict[str, str]:
    """run id -> fit/check/out by the rule in the module doc."""
    sets = {r.id: "out" for r in runs if r.family in OUT_OF_SCOPE}
    strata: dict[str, dict[str, list[Run]]] = {}
    for r in runs:
        if r.id not in sets:
            strata.setdefault(r.stratum(), {}).setdefault(r.family, []).append(r)
    for families in strata.values():
        order = sorted(families, key=lambda f: (min(r.published for r in families[f]), f))
        for i, family in enumerate(order):
            for r in families[family]:
                sets[r.id] = "check" if i % 3 == 1 else "fit"
    return sets


def least_squares(rows: list[tuple[float, ...]], y: list[float]) -> list[float]:
    """Normal equations by Gauss-Jordan elimination. A 1e-9 ridge keeps a column that a held-out
    family alone identified (e.g. FP8) at zero instead of singular."""
    n = len(rows[0])
    m = [[sum(a[i] * a[j] for a in rows) + (1e-9 if i == j else 0.0) for j in range(n)]
         + [sum(a[i] * v for a, v in zip(rows, y, strict=True))] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                k = m[r][col] / m[col][col]
                m[r] = [a - k * b for a, b in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(runs: list[Run], extra: list[float] | None = None) -> list[float]:
    rows = [r.row() + ((e,) if extra else ()) for r, e in zip(runs, extra or [0.0] * len(runs), strict=True)]
    return least_squares(rows, [r.log_implied() for r in runs])


def predict(coef: list[float], run: Run) -> float:
    return sum(c * v for c, v in zip(coef, run.row(), strict=False))


def lofo_residuals(runs: list[Run]) -> list[tuple[Run, float]]:
    """ln(implied / predicted utilization) = ln(estimated / reported hours) for each run, predicted by
    a fit without its whole family."""
    out = []
    for family in sorted({r.family for r in runs}):
        coef = fit([r for r in runs if r.family != family])
        out += [(r, r.log_implied() - predict(coef, r)) for r in runs if r.family == family]
    return out


def calibrated_sigma(fit_runs: list[Run]) -> float:
    errors = sorted(abs(e) for _, e in lofo_residuals(fit_runs))
    return errors[math.ceil(0.9 * len(errors)) - 1] / Z_P95


@dataclass(frozen=True)
class Result:
    coef: dict[str, float]
    sigma: float
    fit_runs: list[Run]
    check_runs: list[Run]
    out_runs: list[Run]


def run_fit(runs: list[Run]) -> Result:
    sets = split(runs)
    by = {s: [r for r in runs if sets[r.id] == s] for s in ("fit", "check", "out")}
    coef = dict(zip(COLUMNS, fit(by["fit"]), strict=True))
    return Result(coef, calibrated_sigma(by["fit"]), by["fit"], by["check"], by["out"])


def table(runs: list[Run], coef: dict[str, float], sigma: float) -> tuple[list[str], list[float], int]:
    """Rows 'id reported estimate error p5 p95 covered', the ln errors, and the count covered."""
    lines, errors, covered = [], [], 0
    spread = math.exp(Z_P95 * sigma)
    for r in runs:
        ln_err = r.log_implied() - predict(list(coef.values()), r)  # = ln(estimated / reported hours)
        est = r.reported_hours * math.exp(ln_err)
        ok = est / spread <= r.reported_hours <= est * spread
        covered += ok
        errors.append(ln_err)
        lines.append(f"  {r.id:22s} {r.reported_hours / 1e6:9.3f}M {est / 1e6:9.3f}M {math.exp(ln_err) - 1:+7.1%} "
                     f"{est / spread / 1e6:9.3f}M {est * spread / 1e6:9.3f}M  {'yes' if ok else 'NO'}")
    return lines, errors, covered


def summary(errors: list[float]) -> str:
    rel = [abs(math.exp(e) - 1) for e in errors]
    within = sum(x <= 0.25 for x in rel)
    return f"median |error| {statistics.median(rel):.1%}, within 25%: {within}/{len(rel)}"


def cluster_size_test(fit_runs: list[Run]) -> str:
    """Does ln(accelerator count) explain what the model leaves? Only runs that publish a count."""
    counted = [(r, math.log(r.gpus / 1000)) for r in fit_runs if r.gpus]
    runs = [r for r, _ in counted]
    with_count = fit(runs, [g for _, g in counted])

    def rms(coef: list[float], extra: bool) -> float:
        return math.sqrt(statistics.fmean(
            (r.log_implied() - sum(k * v for k, v in zip(coef, r.row() + ((g,) if extra else ()), strict=True))) ** 2
            for r, g in counted))

    return (f"cluster size ({len(counted)} fit runs publish a count): ln(gpus/1000) coefficient "
            f"{with_count[-1]:+.3f}; in-sample rms {rms(fit(runs), False):.3f} -> {rms(with_count, True):.3f}")


def stale(result: Result, runs: list[Run]) -> list[str]:
    """What in defaults.py or the CSV no longer matches a fresh fit (rounded as stored)."""
    problems = [f"{r.id}: set {r.set!r} in the CSV, {s!r} by the rule"
                for r, s in ((r, split(runs)[r.id]) for r in runs) if r.set != s]
    for k, v in result.coef.items():
        if abs(d.TRAIN_UTIL_COEF[k] - round(v, 3)) > 1e-9:
            problems.append(f"TRAIN_UTIL_COEF[{k!r}] = {d.TRAIN_UTIL_COEF[k]}, the fit gives {v:.3f}")
    if abs(d.TRAIN_UTIL_LOG_SIGMA - round(result.sigma, 3)) > 1e-9:
        problems.append(f"TRAIN_UTIL_LOG_SIGMA = {d.TRAIN_UTIL_LOG_SIGMA}, the fit gives {result.sigma:.3f}")
    calibrated = {r.accel.id for r in result.fit_runs + result.check_runs}
    if set(d.TRAIN_UTIL_CALIBRATED_ACCELERATORS) != calibrated:
        problems.append(f"TRAIN_UTIL_CALIBRATED_ACCELERATORS should be {sorted(calibrated)}")
    sizes = [r.active for r in result.fit_runs + result.check_runs]
    if d.TRAIN_UTIL_SIZE_RANGE != (min(sizes), max(sizes)):
        problems.append(f"TRAIN_UTIL_SIZE_RANGE should be ({min(sizes):.3g}, {max(sizes):.3g})")
    return problems


def write_split(runs: list[Run], path: Path = DATA) -> None:
    sets = split(runs)
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        row["set"] = sets[row["id"]]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields or [], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if defaults.py or the CSV split are stale")
    parser.add_argument("--write-split", action="store_true", help="rewrite the CSV's set column from the rule")
    args = parser.parse_args(argv)
    runs = load_runs()
    if args.write_split:
        write_split(runs)
        runs = load_runs()
    result = run_fit(runs)
    if args.check:
        problems = stale(result, runs)
        print("\n".join(problems) or "defaults.py and the split match the fit")
        return 1 if problems else 0

    print(f"{len(result.fit_runs)} fit runs, {len(result.check_runs)} check runs, {len(result.out_runs)} out\n")
    print("TRAIN_UTIL_COEF = {" + ", ".join(f'"{k}": {v:.3f}' for k, v in result.coef.items()) + "}")
    print(f"TRAIN_UTIL_LOG_SIGMA = {result.sigma:.3f}   # p95/p5 = {math.exp(2 * Z_P95 * result.sigma):.2f}")
    c = result.coef
    top = math.log(d.TRAIN_UTIL_INTENSITY_RANGE[1] / d.TRAIN_UTIL_INTENSITY_RANGE[0])
    print(f"  base utilization (A100 class, 10B active, dense, 16-bit): {math.exp(c['base']):.3f}")
    print(f"  H100 class vs A100 at 10B active: x{math.exp(c['intensity'] * top):.3f}; per e-fold of "
          f"active params there: x{math.exp(c['intensity_x_size'] * top):.3f}")
    print(f"  mixture of experts: x{math.exp(c['moe']):.3f}; FP8 (of the FP8 peak): x{math.exp(c['fp8']):.3f}")
    print(f"  {cluster_size_test(result.fit_runs)}\n")
    header = f"  {'run':22s} {'reported':>10s} {'estimate':>10s} {'error':>7s} {'p5':>10s} {'p95':>10s}  covered"
    for name, subset in (("fit", result.fit_runs), ("check", result.check_runs), ("out of scope", result.out_runs)):
        lines, errors, covered = table(subset, c, result.sigma)
        print(f"{name}:\n{header}\n" + "\n".join(lines))
        print(f"  {summary(errors)}; p5-p95 covers {covered}/{len(subset)}\n")
    everything = result.fit_runs + result.check_runs
    lofo = lofo_residuals(everything)
    inside = sum(abs(e) <= Z_P95 * result.sigma for _, e in lofo)
    print(f"leave-one-family-out over all {len(everything)} fit and check runs: "
          f"{summary([e for _, e in lofo])}; p5-p95 covers {inside}/{len(lofo)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
