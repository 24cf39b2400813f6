"""Start-up benchmark: wall time of an ai-costs JSON run against a bare typer app (the floor), side by side.

The floor is a typer app with one option: since typer 0.29, typer coerces every parameter through a
pydantic TypeAdapter, which imports pydantic's validation stack, so no typer CLI starts faster. The
limit (1.2 for one estimate, DESIGN.md and issue 13; 1.5 for compare-gpus over the whole catalog, issue
5) is on `floor x`, the median wall time of the run over the floor's. The baseline, `python -c "import
typer, pydantic, yaml"`, is kept as a second reference (`base x`).

Ranges (issue 10): each case also runs with --no-ranges, interleaved, and the cost of the ranges is the
ratio of the two medians: at most 1.10 for one estimate, 1.5 for compare-gpus.

Runs are interleaved (baseline, floor, command, command --no-ranges, ...) so machine noise hits all
alike, and each one's CPU time (user + system of the child) is recorded too: on a machine shared with
other work, the `cpu` columns (the same ratios on CPU time) move less than the wall-time ones. Every run
may write bytecode (PYTHONDONTWRITEBYTECODE is dropped), as a normal installation has it: comparing
compiled site-packages with a source tree compiled on every run would measure the compiler.

    python bench/startup.py                    # every case, 21 rounds
    python bench/startup.py --rounds 41 --case train-preset

Exit status 1 when a case exceeds a limit.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import typer, pydantic, yaml"]
FLOOR = [sys.executable, "-c", "import typer\napp = typer.Typer()\n@app.command()\n"
         "def main(x: str = typer.Option(None, '--x')) -> None:\n    print('{}')\napp()", "--x", "1"]
# (name, arguments, limit on the floor ratio)
CASES: list[tuple[str, list[str], float]] = [
    ("train-preset", ["train", "llama-3.1-405b", "--format", "json"], 1.2),
    ("train-flags", ["train", "--params", "405B", "--tokens", "15.6T", "--gpu", "h100-sxm",
                     "--gpus", "16384", "--format", "json"], 1.2),
    ("infer-api", ["infer", "chatgpt-scale", "--format", "json"], 1.2),
    ("infer-self", ["infer", "llama-3.1-70b-self-hosted", "--format", "json"], 1.2),
    ("breakeven", ["breakeven", "gpt-4-vs-chatgpt", "--format", "json"], 1.2),
    # both sides ranged (utilization, serving speed, prices) plus the price decline
    ("breakeven-sides", ["breakeven", "--mode", "train-vs-infer", "--train", "llama-3.1-405b", "--infer",
                         "llama-3.1-70b-self-hosted", "--format", "json"], 1.2),
    # a whole catalog in one process
    ("compare-gpus", ["compare-gpus", "--task", "infer", "--model", "llama-3.1-70b", "--precision", "fp8",
                      "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"], 1.5),
]
RANGES_LIMIT = {"compare-gpus": 1.5}
RANGES_DEFAULT_LIMIT = 1.10
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command() -> list[str]:
    script = Path(sys.executable).parent / "ai-costs"
    if script.exists():
        return [str(script)]
    found = shutil.which("ai-costs")
    return [found] if found else [sys.executable, "-m", "ai_costs"]


def run(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    if hasattr(os, "wait4"):
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above; keep Popen from waiting again
        cpu = usage.ru_utime + usage.ru_stime
    else:  # no per-child CPU time here: wall time only
        child.wait()
        cpu = math.nan
    return time.perf_counter() - start, cpu


def measure(argv: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of the baseline, the floor, the command and the command with --no-ranges."""
    cases = {"base": BASELINE, "floor": FLOOR, "cmd": argv, "plain": [*argv, "--no-ranges"]}
    for _ in range(3):  # warm the page cache and write the bytecode
        for case in cases.values():
            run(case)
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for _ in range(rounds):
        for key, case in cases.items():
            runs[key].append(run(case))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--case", action="append", help="run only these cases")
    args = parser.parse_args()
    failed = False
    print(f"{'case':<15} {'base ms':>8} {'floor ms':>9} {'ai-costs ms':>11} {'base x':>7} {'floor x':>8} {'cpu':>5} "
          f"{'limit':>6} {'no-ranges ms':>12} {'ranges':>7} {'cpu':>5} {'limit':>6}")
    for name, extra, limit in CASES:
        if args.case and name not in args.case:
            continue
        m = measure([*command(), *extra], args.rounds)
        (base, _), (floor, floor_cpu), (cmd, cmd_cpu), (plain, plain_cpu) = m["base"], m["floor"], m["cmd"], m["plain"]
        ratio, cost = cmd / floor, cmd / plain
        cost_limit = RANGES_LIMIT.get(name, RANGES_DEFAULT_LIMIT)
        over = ratio > limit or cost > cost_limit
        failed |= over
        print(f"{name:<15} {base * 1000:>8.1f} {floor * 1000:>9.1f} {cmd * 1000:>11.1f} {cmd / base:>7.2f} "
              f"{ratio:>8.2f} {cmd_cpu / floor_cpu:>5.2f} {limit:>6.2f} {plain * 1000:>12.1f} {cost:>7.2f} "
              f"{cmd_cpu / plain_cpu:>5.2f} {cost_limit:>6.2f}{'  OVER' if over else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
