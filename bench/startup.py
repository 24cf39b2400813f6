"""Start-up benchmark: median wall time of an ai-costs JSON run / that of importing its stack.

The baseline is `python -c "import typer, pydantic, yaml"` (DESIGN.md quality bar). Runs are
interleaved (baseline, floor, command, ...) so machine noise hits all alike.

The floor is a bare typer app with one option: since typer 0.29, typer coerces every parameter
through a pydantic TypeAdapter, which imports pydantic's validation stack (about 25 ms) that the
baseline's lazy `import pydantic` does not. No typer CLI can run faster than the floor; the
`own` column is ai-costs' share on top of it.

    python bench/startup.py                    # every case, 21 rounds
    python bench/startup.py --rounds 41 --case train-preset

Ranges (issue 10): each case also runs with --no-ranges, interleaved, and the cost of the ranges is the
ratio of the two medians: at most 1.10 for one estimate, 1.5 for compare-gpus over the whole catalog.
The `cpu` column is the same ratio of CPU time (user + system of the child), which a busy machine
disturbs less than wall time.

Exit status 1 when a case exceeds its limit, so CI can run it as a check.
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
# (name, arguments, limit) - limits from the issues: 1.3 for one estimate.
CASES: list[tuple[str, list[str], float]] = [
    ("train-preset", ["train", "llama-3.1-405b", "--format", "json"], 1.3),
    ("train-flags", ["train", "--params", "405B", "--tokens", "15.6T", "--gpu", "h100-sxm",
                     "--gpus", "16384", "--format", "json"], 1.3),
    ("infer-api", ["infer", "chatgpt-scale", "--format", "json"], 1.3),
    ("infer-self", ["infer", "llama-3.1-70b-self-hosted", "--format", "json"], 1.3),
    ("breakeven", ["breakeven", "gpt-4-vs-chatgpt", "--format", "json"], 1.3),
    # both sides ranged (utilization, serving speed, prices) plus the price decline
    ("breakeven-sides", ["breakeven", "--mode", "train-vs-infer", "--train", "llama-3.1-405b", "--infer",
                         "llama-3.1-70b-self-hosted", "--format", "json"], 1.3),
    # a whole catalog in one process: 1.5 (issue 5)
    ("compare-gpus", ["compare-gpus", "--task", "infer", "--model", "llama-3.1-70b", "--precision", "fp8",
                      "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"], 1.5),
]


def command() -> list[str]:
    script = Path(sys.executable).parent / "ai-costs"
    if script.exists():
        return [str(script)]
    found = shutil.which("ai-costs")
    return [found] if found else [sys.executable, "-m", "ai_costs"]


def timed(argv: list[str]) -> float:
    return run(argv)[0]


def run(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if hasattr(os, "wait4"):
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above; keep Popen from waiting again
        cpu = usage.ru_utime + usage.ru_stime
    else:  # no per-child CPU time here: wall time only
        child.wait()
        cpu = math.nan
    return time.perf_counter() - start, cpu


# The cost of the ranges: with / without --no-ranges (issue 10: 1.10 for one estimate, 1.5 for the catalog).
RANGES_LIMIT = {"compare-gpus": 1.5}
RANGES_DEFAULT_LIMIT = 1.10


def measure(argv: list[str], rounds: int) -> tuple[float, float, float, float, float]:
    """Medians of the baseline, the floor, the command and the command with --no-ranges (wall), and the
    CPU-time ratio of the command with and without ranges."""
    plain = [*argv, "--no-ranges"]
    for _ in range(3):  # warm the page cache and .pyc files
        timed(BASELINE)
        timed(FLOOR)
        timed(argv)
        timed(plain)
    base, floor, cmd, without, cpu, cpu_without = [], [], [], [], [], []
    for _ in range(rounds):
        base.append(timed(BASELINE))
        floor.append(timed(FLOOR))
        wall, used = run(argv)
        cmd.append(wall)
        cpu.append(used)
        wall, used = run(plain)
        without.append(wall)
        cpu_without.append(used)
    return (statistics.median(base), statistics.median(floor), statistics.median(cmd), statistics.median(without),
            statistics.median(cpu) / statistics.median(cpu_without))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--case", action="append", help="run only these cases")
    args = parser.parse_args()
    failed = False
    print(f"{'case':<14} {'baseline ms':>11} {'floor ms':>9} {'ai-costs ms':>11} {'ratio':>6} {'floor':>6} "
          f"{'own ms':>7} {'limit':>6} {'no-ranges ms':>12} {'ranges':>6} {'cpu':>6} {'limit':>6}")
    for name, extra, limit in CASES:
        if args.case and name not in args.case:
            continue
        base, floor, cmd, without, cpu = measure([*command(), *extra], args.rounds)
        ratio, cost = cmd / base, cmd / without
        cost_limit = RANGES_LIMIT.get(name, RANGES_DEFAULT_LIMIT)
        over = ratio > limit or cost > cost_limit
        failed |= over
        print(f"{name:<14} {base * 1000:>11.1f} {floor * 1000:>9.1f} {cmd * 1000:>11.1f} {ratio:>6.2f} "
              f"{floor / base:>6.2f} {(cmd - floor) * 1000:>7.1f} {limit:>6.1f} {without * 1000:>12.1f} "
              f"{cost:>6.2f} {cpu:>6.2f} {cost_limit:>6.2f}{'  OVER' if over else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
