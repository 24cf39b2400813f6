"""Start-up benchmark: wall time of an ai-costs JSON run against a bare typer app (the floor), side by side.

The floor is a typer app with one option: since typer 0.29, typer coerces every parameter through a
pydantic TypeAdapter, which imports pydantic's validation stack, so no typer CLI starts faster. The
limit (1.2, DESIGN.md and issue 13) is on `floor x`, the median wall time of the run over the floor's.
The baseline, `python -c "import typer, pydantic, yaml"`, is kept as a second reference (`base x`).

Runs are interleaved (baseline, floor, command, ...) so machine noise hits all alike, and each one's CPU
time (user + system) is recorded too: on a machine shared with other work, `cpu x` (the same ratio on
CPU time) moves less than the wall-time ratio. Every run may write bytecode (PYTHONDONTWRITEBYTECODE is
dropped), as a normal installation has it: comparing compiled site-packages with a source tree compiled
on every run would measure the compiler.

    python bench/startup.py                    # every case, 21 rounds
    python bench/startup.py --rounds 41 --case train-preset

Exit status 1 when a case's floor ratio exceeds its limit.
"""

from __future__ import annotations

import argparse
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
# (name, arguments, limit on the floor ratio): 1.2 for one estimate (issue 13); compare-gpus evaluates the
# whole catalog in one process, at most 1.5x (issue 5).
CASES: list[tuple[str, list[str], float]] = [
    ("train-preset", ["train", "llama-3.1-405b", "--format", "json"], 1.2),
    ("train-flags", ["train", "--params", "405B", "--tokens", "15.6T", "--gpu", "h100-sxm",
                     "--gpus", "16384", "--format", "json"], 1.2),
    ("infer-api", ["infer", "chatgpt-scale", "--format", "json"], 1.2),
    ("infer-self", ["infer", "llama-3.1-70b-self-hosted", "--format", "json"], 1.2),
    ("breakeven", ["breakeven", "gpt-4-vs-chatgpt", "--format", "json"], 1.2),
    ("compare-gpus", ["compare-gpus", "--task", "infer", "--model", "llama-3.1-70b", "--precision", "fp8",
                      "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"], 1.5),
]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command() -> list[str]:
    script = Path(sys.executable).parent / "ai-costs"
    if script.exists():
        return [str(script)]
    found = shutil.which("ai-costs")
    return [found] if found else [sys.executable, "-m", "ai_costs"]


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run, in seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def measure(argv: list[str], rounds: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of the baseline, the floor and the command."""
    runs: dict[str, list[tuple[float, float]]] = {"base": [], "floor": [], "cmd": []}
    for _ in range(3):  # warm the page cache and write the bytecode
        timed(BASELINE)
        timed(FLOOR)
        timed(argv)
    for _ in range(rounds):
        runs["base"].append(timed(BASELINE))
        runs["floor"].append(timed(FLOOR))
        runs["cmd"].append(timed(argv))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--case", action="append", help="run only these cases")
    args = parser.parse_args()
    failed = False
    print(f"{'case':<14} {'base ms':>8} {'floor ms':>9} {'ai-costs ms':>11} {'base x':>7} {'floor x':>8} "
          f"{'cpu x':>6} {'own ms':>7} {'limit':>6}")
    for name, extra, limit in CASES:
        if args.case and name not in args.case:
            continue
        m = measure([*command(), *extra], args.rounds)
        (base, _), (floor, floor_cpu), (cmd, cmd_cpu) = m["base"], m["floor"], m["cmd"]
        ratio = cmd / floor
        failed |= ratio > limit
        print(f"{name:<14} {base * 1000:>8.1f} {floor * 1000:>9.1f} {cmd * 1000:>11.1f} {cmd / base:>7.2f} "
              f"{ratio:>8.2f} {cmd_cpu / floor_cpu:>6.2f} {(cmd - floor) * 1000:>7.1f} {limit:>6.1f}"
              f"{'  OVER' if ratio > limit else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
