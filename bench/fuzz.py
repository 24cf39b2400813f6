"""Fuzz the command line in process: random commands, options and values, and mutated input files.

Commands and options are found by introspection of the typer app, so an option added later is fuzzed
too. Each invocation draws a command, a few of its options with valid, boundary or garbage values
(pools chosen by the option's name and metavar), and for file arguments a bundled preset, budget or
price file, often mutated (keys dropped or retyped, bytes flipped, truncated, re-encoded as UTF-16,
nested deeply, aliased to itself). It runs through `ai_costs.cli.run` as the console script does, with
AI_COSTS_DEBUG set so an internal error escapes as the exception it is, under a per-invocation time limit.

Outcomes: ok (0), check failed (1), usage or input error (2), internal error (an exception escaped),
timeout (over the limit), and contract violations: an exit status outside 0/1/2, 1 without a check to
fail, 2 without one `Error:` line, a JSON run whose stdout is not one JSON document, and invalid input
that was accepted (a non-number or a non-finite number for a numeric option).

    python bench/fuzz.py                       # 10,000 invocations, seed 13
    python bench/fuzz.py -n 500 --seed 1       # a quick run
    python bench/fuzz.py --write-doc           # ... and record the result in docs/validation.md

Exit status 1 when any internal error, timeout or contract violation was found.
"""

from __future__ import annotations

import argparse
import codecs
import collections
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
OUTCOMES = ("ok", "check failed", "usage or input error", "internal error", "timeout", "contract violation")
NUMERIC_METAVARS = {"N", "F", "USD", "Y", "G", "S", "M", "PCT"}


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so no `except Exception` in the code under test swallows it."""


# --- value pools -------------------------------------------------------------------------------------

VALID_NUMBERS = ["1", "2", "8", "0.5", "0.9", "100", "1000", "1e6", "405B", "15.6T", "2.5M", "1_000", "1,000",
                 "70B", "1e21", "30", "0.02", "1.5", "64", "16384"]
BOUNDARY_NUMBERS = ["0", "0.0", "1e-300", "1e308", "1e400", "-0", "99999999999999999999", "1e-9", "1200", "1201",
                    "0.999999", "1.0000001", "10", "11", "2147483648", "1e12"]
INVALID_NUMBERS = ["nan", "inf", "-inf", "abc", "", " ", "12x", "1..2", "--", "0x10", "1e", "½", "1 000 000",
                   "NaN", "Infinity", "1_", "١٢٣"]
GARBAGE = ["", " ", "-", "--", "x" * 300, "ümlaut", "名前", "a/b", "../..", "'", '"', "{", "[", "*", "%s", "\\",
           "😀", "line\nbreak", "tab\there", "None", "null", "true", "-1", "0"]
CHOICES = {
    "precision": ["fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8", "int4"],
    "kv-precision": ["bf16", "fp16", "fp8", "int8", "fp32"],
    "method": ["pretrain", "full", "lora", "qlora"],
    "pricing": ["on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "assumed", "owned"],
    "mode": ["train-vs-infer", "self-host-vs-api", "finetune-vs-api", "buy-vs-rent"],
    "task": ["train", "infer"],
    "vendor": ["nvidia", "amd", "intel", "google", "aws"],
    "sort": ["total_usd", "usd_per_million_tokens", "wall_clock_days", "output_tokens_per_second_per_gpu",
             "gpus", "tokens_per_usd", "fits", "pareto", "gpu"],
    "tokens": ["chinchilla"],
    "batch-size": ["auto"],
    "kind": ["scenario", "report", "budget", "error"],
    "command": ["train", "infer", "breakeven", "compare-gpus", "check", "diff"],
}
METRICS = ["total_usd", "usd_per_day", "gpus", "wall_clock_days", "crossover_months", "usd_per_million_tokens",
           "message", "gpu", "best", "rows", "nonsense", "tokens_per_day", "mfu"]


@dataclass
class Pools:
    """Ids from the bundled catalogs and presets, and the files the fuzzer made."""

    gpus: list[str]
    models: list[str]
    apis: list[str]
    clouds: list[str]
    presets: list[str]
    preset_kinds: dict[str, str]
    scenario_files: list[str] = field(default_factory=list)
    budget_files: list[str] = field(default_factory=list)
    price_files: list[str] = field(default_factory=list)
    diff_base_is_file: bool = True
    dirs: list[str] = field(default_factory=list)
    stdin_texts: list[bytes] = field(default_factory=list)


def load_pools() -> Pools:
    from ai_costs.catalog import load_catalog
    from ai_costs.presets import list_presets

    catalog = load_catalog()
    return Pools(gpus=[a.id for a in catalog.accelerators] + [x for a in catalog.accelerators for x in a.aliases],
                 models=[m.id for m in catalog.models], apis=[p.id for p in catalog.apis],
                 clouds=sorted({o.provider for o in catalog.offers}), presets=[p.name for p in list_presets()],
                 preset_kinds={p.name: p.kind for p in list_presets()})


# --- file mutation -----------------------------------------------------------------------------------

def _garbage_value(rng: random.Random) -> Any:
    return rng.choice([None, -1, 0, 1e308, float("nan"), "", "x" * 1000, [], {}, [1, 2], {"a": {"b": 1}}, True,
                       "15.6T", "nan", -1e9, 10**30, "名前", ["h100"], {"max": 1}])


def mutate_data(data: Any, rng: random.Random, keys: list[str]) -> Any:
    """A parsed scenario/budget/price mapping with one to three structural changes."""
    if not isinstance(data, dict):
        return data
    data = json.loads(json.dumps(data))
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        target: dict[str, Any] = data
        nested = [v for v in data.values() if isinstance(v, dict)]
        lists = [x for v in data.values() if isinstance(v, list) for x in v if isinstance(x, dict)]
        if (nested or lists) and rng.random() < 0.4:
            target = rng.choice(nested + lists)
        if op < 0.25 and target:
            target.pop(rng.choice(list(target)))
        elif op < 0.6 and target:
            target[rng.choice(list(target))] = _garbage_value(rng)
        elif op < 0.8:
            target[rng.choice(keys)] = rng.choice([*VALID_NUMBERS, *BOUNDARY_NUMBERS, *INVALID_NUMBERS, 1, 0, -5,
                                                   1e30, "h100", "gpt-4o", "llama-3.1-8b", "auto", "chinchilla"])
        else:
            target[rng.choice(["kind", "version", "unknown_field", "gpu_cuont"])] = rng.choice(
                ["train", "infer", "breakeven", 2, "1", None, "check"])
    return data


def to_bytes(data: Any, rng: random.Random) -> bytes:
    """Serialise as YAML or JSON text, sometimes damaged at the byte level."""
    import yaml

    text = yaml.safe_dump(data, sort_keys=False) if rng.random() < 0.7 else json.dumps(data, default=str)
    raw = text.encode("utf-8")
    op = rng.random()
    if op < 0.55:
        return raw
    if op < 0.62 and raw:
        return raw[: rng.randrange(len(raw))]
    if op < 0.69 and raw:
        pos = rng.randrange(len(raw))
        return raw[:pos] + bytes([rng.randrange(256)]) + raw[pos + 1:]
    if op < 0.74:
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if op < 0.78:
        return b"\xff\xfe\x00garbage" + os.urandom(rng.randint(0, 64))
    if op < 0.82:
        depth = rng.choice([40, 1000, 100_000])
        return f"kind: train\nversion: 1\nnote: {'[' * depth}{']' * depth}\n".encode()
    if op < 0.85:
        return b"kind: train\nversion: 1\nnote: &a [*a]\n"
    if op < 0.88:
        row = ", ".join(["*{}"] * 9)
        laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{row.format(*[p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
        return (laughs + "kind: train\nversion: 1\n").encode()
    if op < 0.91:
        return b""
    if op < 0.94:
        return raw + b"\nkind: infer\nkind: train\n"  # duplicate keys
    if op < 0.97:
        return "kind: train\nversion: 1\ndescription: caf\xe9\n".encode("latin-1")
    return b"\x00" * 10 + raw


def make_files(workdir: Path, pools: Pools, rng: random.Random, count: int) -> None:
    """Scenario, budget and price files (valid and mutated) and presets directories with catalog overrides."""
    import yaml

    from ai_costs.presets import bundled_dir

    scenario_keys = ["gpus", "gpu", "model", "api", "params", "tokens", "flops", "gpu_hours", "days", "mfu",
                     "precision", "input_tokens", "output_tokens", "requests_per_day", "daily_users",
                     "batch_size", "horizon_months", "monthly_growth", "mode", "train", "infer", "self_hosted",
                     "lifetime_years", "pricing", "cloud", "usd_per_gpu_hour", "max_tpot", "epochs", "seq_len"]
    presets = [yaml.safe_load(p.read_text()) for p in sorted(bundled_dir().glob("*.yaml"))]
    budget = {"version": 1, "checks": [
        {"name": "train", "scenario": "llama-3.1-405b", "set": {"gpus": 8192}, "max": {"total_usd": "100M"}},
        {"scenario": "chatgpt-scale", "max": {"usd_per_day": 1e6}},
        {"scenario": "scenario-0.yaml", "max": {"total_usd": 1e12}}]}
    prices_yaml = {"version": 1, "apis": [{"id": "inhouse", "provider": "me", "name": "In-house",
                                           "usd_per_million_input_tokens": 1, "usd_per_million_output_tokens": 2,
                                           "source": "contract", "as_of": "2026-11"}]}
    prices_json = json.loads((ROOT / "tests" / "data" / "litellm_prices.json").read_text())
    for i in range(count):
        base = presets[i % len(presets)]
        data = base if i < len(presets) else mutate_data(base, rng, scenario_keys)
        raw = yaml.safe_dump(data).encode() if i < len(presets) else to_bytes(data, rng)
        path = workdir / f"scenario-{i}.yaml"
        path.write_bytes(raw)
        pools.scenario_files.append(str(path))
        pools.stdin_texts.append(raw)
        budget_path = workdir / f"budget-{i}.yaml"
        intact = i % 2 == 0  # half the budget files are valid, so budget lines get checked too
        budget_data = budget if intact else mutate_data(budget, rng, ["scenario", "name", "set", "max", "version"])
        budget_path.write_bytes(yaml.safe_dump(budget).encode() if intact else to_bytes(budget_data, rng))
        pools.budget_files.append(str(budget_path))
        price = workdir / f"prices-{i}.{'yaml' if i % 2 else 'json'}"
        if i % 2:
            price.write_bytes(to_bytes(mutate_data(prices_yaml, rng, ["usd_per_million_input_tokens", "id"]), rng))
        else:
            price.write_bytes(json.dumps(mutate_data(prices_json, rng, ["gpt-4o", "input_cost_per_token"]),
                                         default=str).encode() if i % 4 else to_bytes(prices_json, rng))
        pools.price_files.append(str(price))
    for i in range(max(2, count // 10)):
        directory = workdir / f"dir-{i}"
        directory.mkdir()
        for j in range(rng.randint(0, 3)):
            shutil.copy(rng.choice(pools.scenario_files), directory / f"s{j}.yaml")
        if rng.random() < 0.6:
            name = rng.choice(["gpus.yaml", "models.yaml", "clouds.yaml", "apis.yaml", "energy.yaml"])
            catalog = {"version": 1, "offers": [{"provider": "mine", "accelerator": "h100-sxm", "pricing": "on-demand",
                                                 "usd_per_gpu_hour": 0.5, "source": "x", "as_of": "2026-11"}]}
            (directory / name).write_bytes(to_bytes(mutate_data(catalog, rng, ["offers", "version", "gpus"]), rng))
        pools.dirs.append(str(directory))


# --- invocations -------------------------------------------------------------------------------------

@dataclass
class Option:
    opts: list[str]
    secondary: list[str]
    flag: bool
    multiple: bool
    metavar: str | None
    choices: list[str] | None
    name: str
    argument: bool
    required: bool


def commands() -> dict[tuple[str, ...], list[Option]]:
    """Every leaf command of the app and its parameters, by introspection."""
    import typer

    from ai_costs.cli import full_app

    found: dict[tuple[str, ...], list[Option]] = {}

    def walk(group: Any, prefix: tuple[str, ...]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            if getattr(command, "commands", None) is not None:
                walk(command, (*prefix, name))
                continue
            params = []
            for p in command.params:
                descriptor = getattr(p, "type_descriptor", None)
                choices = getattr(descriptor, "choices", None)
                params.append(Option(list(p.opts), list(p.secondary_opts), bool(getattr(p, "is_flag", False)),
                                     bool(p.multiple), p.metavar, [str(getattr(c, "value", c)) for c in choices]
                                     if choices else None, p.name or "", p.param_type_name == "argument",
                                     bool(p.required)))
            found[(*prefix, name)] = params

    walk(typer.main.get_command(full_app()), ())
    return found


def value_for(option: Option, command: tuple[str, ...], pools: Pools, rng: random.Random) -> tuple[str, bool]:
    """A value for the option, and whether the command must reject it (exit 2)."""
    long = next((o for o in option.opts if o.startswith("--")), option.name).lstrip("-")
    kind = rng.random()
    if option.choices:
        return (rng.choice(option.choices), False) if kind < 0.85 else (rng.choice(GARBAGE), False)
    if option.argument or long in {"preset", "train", "infer", "self-hosted", "finetune", "small"}:
        return _file_value(option, command, pools, rng), False
    if long == "max":
        metric = rng.choice(METRICS)
        if kind < 0.7:
            return f"{metric}={rng.choice(VALID_NUMBERS)}", False
        bad = rng.choice(["nan", "inf", "-1", "abc", ""])
        return (f"{metric}={bad}", True) if kind < 0.85 else (rng.choice(["total_usd", "=", "x==1", "a=b=c"]), True)
    if long == "api-prices":
        return rng.choice(pools.price_files), False
    if long == "presets-dir":
        return rng.choice(pools.dirs), False
    pools_by_name = {"gpu": pools.gpus, "model": pools.models, "api": pools.apis, "cloud": pools.clouds,
                     "only": [",".join(rng.sample(pools.gpus, k=min(3, len(pools.gpus))))],
                     "search": ["h100", "llama", "gpt", "nvidia", "", "zzz"], "provider": [*pools.clouds, "openai"]}
    if long in pools_by_name or long in CHOICES:
        valid = pools_by_name.get(long) or CHOICES[long]
        return (rng.choice(valid), False) if kind < 0.8 else (rng.choice(GARBAGE), False)
    if option.metavar in NUMERIC_METAVARS or long in {"top", "horizon-months"}:
        if kind < 0.7:
            return rng.choice(VALID_NUMBERS), False
        if kind < 0.87:
            return rng.choice(BOUNDARY_NUMBERS), False
        bad = rng.choice(INVALID_NUMBERS)
        # a non-number or a non-finite number can never be a valid amount
        return bad, long not in {"batch-size"} or bad.strip().lower() not in {"auto"}
    return rng.choice([*GARBAGE, *VALID_NUMBERS]), False


def _file_value(option: Option, command: tuple[str, ...], pools: Pools, rng: random.Random) -> str:
    name = option.name
    if command == ("check",):
        return rng.choice([*pools.budget_files, "-", "missing.yaml"])
    if command == ("diff",):  # mostly two files or two directories, as diff expects
        return rng.choice(pools.scenario_files if name == "head" and rng.random() < 0.8 and pools.diff_base_is_file
                          else [*pools.scenario_files, *pools.dirs, "missing.yaml"])
    if command == ("schema",):
        return rng.choice([*CHOICES["kind" if name == "kind" else "command"], "nope"])
    if command[0] == "presets":
        return rng.choice([*pools.presets, *pools.scenario_files, "nope"])
    wanted = {"train": {"train"}, "infer": {"infer"}, "breakeven": {"breakeven"}, "compare-gpus": {"train", "infer"}}
    matching = [name for name, kind in pools.preset_kinds.items() if kind in wanted.get(command[0], {kind})]
    if rng.random() < 0.75 and matching:
        return rng.choice(matching)
    return rng.choice([*pools.presets, *pools.scenario_files, *pools.scenario_files, "-", "nosuch", "x.yaml"])


def invocation(cmds: dict[tuple[str, ...], list[Option]], pools: Pools, rng: random.Random
               ) -> tuple[tuple[str, ...], list[str], bool, bytes]:
    """The command, argv (without the program name), whether it must be rejected, and the bytes on stdin."""
    command = rng.choice(sorted(cmds))
    params = cmds[command]
    argv = list(command)
    must_reject = False
    arguments = [p for p in params if p.argument]
    options = [p for p in params if not p.argument]
    for argument in arguments:
        if argument.required or rng.random() < 0.85:
            argv.append(_file_value(argument, command, pools, rng))
            pools.diff_base_is_file = not argv[-1].rsplit("/", 1)[-1].startswith("dir-")
    for option in rng.sample(options, k=min(len(options), rng.choice([0, 0, 1, 1, 1, 2, 2, 3, 4, 6]))):
        name = rng.choice(option.opts + option.secondary)
        if option.flag:
            argv.append(name)
            continue
        value, reject = value_for(option, command, pools, rng)
        argv += [name, value]
        must_reject |= reject
    if rng.random() < 0.03:
        argv.insert(rng.randrange(len(argv) + 1), rng.choice(["--frobnicate", "--formt", "-x", "--", "--help"]))
    if rng.random() < 0.02:
        argv = argv[: rng.randrange(len(argv) + 1)]  # cut short: a missing value or argument
        must_reject = False  # the invalid value may be gone
    stdin = rng.choice(pools.stdin_texts) if "-" in argv else b""
    return command, argv, must_reject, stdin


# --- running -----------------------------------------------------------------------------------------

@dataclass
class Result:
    argv: list[str]
    outcome: str
    detail: str = ""
    seconds: float = 0.0
    command: str = ""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_one(argv: list[str], must_reject: bool, stdin: bytes, limit: float, env: dict[str, str]) -> Result:
    from typer.testing import CliRunner

    from ai_costs.cli import run

    start = time.perf_counter()
    with CliRunner().isolation(input=stdin, env={**env, "AI_COSTS_DEBUG": "1"}) as (out, err, _):
        try:
            with time_limit(limit):
                code = run(argv)
        except Timeout:
            return Result(argv, "timeout", f"over {limit:g} s", time.perf_counter() - start)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            return Result(argv, "internal error", f"{type(exc).__name__} at {where}: {str(exc)[:160]}",
                          time.perf_counter() - start)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(errors="replace"), err.getvalue().decode(errors="replace")
    seconds = time.perf_counter() - start
    violation = contract_violation(argv, code, stdout, stderr, must_reject)
    if violation:
        return Result(argv, "contract violation", violation, seconds)
    first = next((line for line in stderr.splitlines() if line.startswith("Error: ")), "")
    return Result(argv, {0: "ok", 1: "check failed", 2: "usage or input error"}[code], first[7:], seconds)


def contract_violation(argv: list[str], code: int, stdout: str, stderr: str, must_reject: bool) -> str:
    """docs/reference/exit-codes.md and docs/reference/json-output.md, as checks on one run."""
    if code not in {0, 1, 2}:
        return f"exit status {code}"
    checked = "--max" in argv or argv[:1] == ["check"] or "--max-increase" in argv
    if code == 1 and not checked:
        return "exit 1 without a check to fail"
    no_command = stdout.lstrip().startswith("Usage:")  # `ai-costs` or a group alone prints its help (exit 2)
    if code == 2 and not no_command and not any(line.startswith("Error: ") for line in stderr.splitlines()):
        return "exit 2 without an 'Error:' message"
    if code != 2 and must_reject and "--help" not in argv:
        return "accepted an invalid value"
    json_mode = any(a in {"--format", "-f"} and b.lower() == "json" for a, b in zip(argv, [*argv[1:], ""],
                                                                                     strict=False))
    if json_mode and "--help" not in argv and argv[:2] not in (["presets", "show"], ["presets", "path"]):
        try:
            json.loads(stdout)
        except ValueError:
            return "JSON mode without one JSON document on stdout"
    return ""


def fuzz(n: int, seed: int, limit: float = 10.0, progress: bool = False) -> list[Result]:
    rng = random.Random(seed)
    cmds = commands()
    pools = load_pools()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ai-costs-fuzz-") as tmp:
        work = Path(tmp)
        make_files(work, pools, rng, count=max(20, min(200, n // 50)))
        env = {"XDG_CONFIG_HOME": str(work / "config"), "AI_COSTS_PRESETS_DIR": "", "AI_COSTS_API_PRICES": "",
               "NO_COLOR": "1"}
        cwd = os.getcwd()
        os.chdir(work)
        try:
            for i in range(n):
                command, argv, must_reject, stdin = invocation(cmds, pools, rng)
                env["COLUMNS"] = rng.choice(["40", "60", "80", "120", "200"])
                result = run_one(argv, must_reject, stdin, limit, env)
                result.command = " ".join(command)
                results.append(result)
                if progress and (i + 1) % 500 == 0:
                    print(f"{i + 1} invocations", file=sys.stderr)
        finally:
            os.chdir(cwd)
    return results


def summarise(results: list[Result], seed: int) -> tuple[str, list[str]]:
    """The markdown table for docs/validation.md, and one line per distinct failure."""
    counts = collections.Counter(r.outcome for r in results)
    per_command: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for r in results:
        per_command[r.command][r.outcome] += 1
    generated = re.compile(r"/(scenario|budget|prices|dir)-\d+")
    files = sum(1 for r in results if any(generated.search(a) for a in r.argv) or "-" in r.argv)
    lines = [f"{len(results):,} invocations, seed {seed}; {files:,} of them read a generated (often mutated) "
             "scenario, budget, price or catalog file.", "",
             "| outcome | invocations |", "|---|---:|"]
    lines += [f"| {o} | {counts.get(o, 0):,} |" for o in OUTCOMES]
    lines += ["", "| command | " + " | ".join(OUTCOMES[:3]) + " | other |", "|---|---:|---:|---:|---:|"]
    for command in sorted(per_command):
        c = per_command[command]
        other = sum(v for k, v in c.items() if k not in OUTCOMES[:3])
        lines.append(f"| `{command}` | " + " | ".join(f"{c.get(o, 0):,}" for o in OUTCOMES[:3]) + f" | {other:,} |")
    failures = {}
    for r in results:
        if r.outcome in OUTCOMES[3:]:
            failures.setdefault((r.outcome, re.sub(r"\d+", "N", r.detail)), r)
    problems = [f"{r.outcome}: {r.detail}\n    ai-costs {' '.join(repr(a) if ' ' in a or not a else a for a in r.argv)}"
                for r in failures.values()]
    return "\n".join(lines), problems


def write_doc(table: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- fuzz-table:start -->", "<!-- fuzz-table:end -->"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    DOC.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="invocations (default 10,000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds per invocation before it is a timeout")
    parser.add_argument("--write-doc", action="store_true", help="record the table in docs/validation.md")
    parser.add_argument("--errors", type=int, default=0, help="also print the N most frequent input errors")
    args = parser.parse_args()
    start = time.perf_counter()
    results = fuzz(args.n, args.seed, args.limit, progress=True)
    table, problems = summarise(results, args.seed)
    print(table)
    slowest = max(results, key=lambda r: r.seconds)
    print(f"\n{time.perf_counter() - start:.0f} s in all; slowest invocation {slowest.seconds:.2f} s: "
          f"ai-costs {' '.join(slowest.argv)}")
    for problem in problems:
        print(problem)
    if args.errors:
        shapes = collections.Counter(re.sub(r"'[^']*'|\S*/\S*|\d[\d.,e+-]*", "…", r.detail)[:100]
                                     for r in results if r.outcome == "usage or input error")
        for shape, count in shapes.most_common(args.errors):
            print(f"{count:6}  {shape}")
    if args.write_doc:
        write_doc(table)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
