"""Help texts (issue 13): every example in every --help runs, examples and YAML survive an 80-column
terminal, flags have no <bool> metavar, defaults are shown, options sit in the right panel."""

from __future__ import annotations

import functools
import re
import shlex
from pathlib import Path

import pytest
import yaml

from ai_costs.cli import full_app
from ai_costs.models._schema import validate
from ai_costs.models.scenario import BudgetFile

from conftest import invoke

SERVING = "kind: infer\nversion: 1\napi: gpt-4o-mini\nrequests_per_day: 200k\ninput_tokens: 2000\noutput_tokens: 250\n"
BUDGET = "version: 1\nchecks:\n  - scenario: serving.yaml\n    max: {usd_per_day: 150}\n"


def command_paths() -> list[list[str]]:
    """Every command and subcommand of the app, found by introspection."""
    import typer

    root = typer.main.get_command(full_app())
    paths: list[list[str]] = [[]]

    def walk(group: object, prefix: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            paths.append([*prefix, name])
            walk(command, [*prefix, name])

    walk(root, [])
    return paths


def _help(path: list[str], columns: int) -> str:
    return _cached_help(tuple(path), columns)


@functools.cache
def _cached_help(path: tuple[str, ...], columns: int) -> str:
    r = invoke(*path, "--help", env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def examples(text: str) -> list[str]:
    """The `ai-costs ...` command lines of a help text, continuation lines (ending in `\\`) joined."""
    found: list[str] = []
    lines = [line.strip() for line in text.splitlines()]
    i = 0
    while i < len(lines):
        if lines[i].startswith("ai-costs "):
            command = lines[i]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1].rstrip() + " " + lines[i]
            found.append(command)
        i += 1
    return found


PATHS = command_paths()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files the examples name (ci/budget.yaml, main/ and pr/ scenarios, two scenario directories)."""
    for directory in ("ci", "main", "pr", "base-scenarios", "head-scenarios"):
        (tmp_path / directory).mkdir()
    for directory in ("ci", "main", "pr", "base-scenarios", "head-scenarios"):
        (tmp_path / directory / "serving.yaml").write_text(SERVING)
    (tmp_path / "ci" / "budget.yaml").write_text(BUDGET)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "ai-costs")
def test_every_help_example_is_accepted(path: list[str], workspace: Path) -> None:
    text = _help(path, 300)
    for example in examples(text):
        args = shlex.split(example)[1:]
        for redirect in (">", "|"):
            if redirect in args:
                args = args[:args.index(redirect)]
        r = invoke(*args)
        assert r.exit_code in {0, 1}, (example, r.stderr)  # 1: a --max example over its limit


def test_the_examples_are_found() -> None:
    # the extraction itself: a continued line is one command
    text = "Examples:\n\n  ai-costs train --a 1 \\\n    --b 2\n\n  ai-costs infer x\n"
    assert examples(text) == ["ai-costs train --a 1 --b 2", "ai-costs infer x"]
    assert sum(len(examples(_help(p, 300))) for p in PATHS) >= 25


@pytest.mark.parametrize("path", [p for p in PATHS if p and p[0] in {"train", "infer", "breakeven", "compare-gpus"}],
                         ids=" ".join)
def test_the_max_example_is_a_metric_of_its_command(path: list[str], workspace: Path) -> None:
    text = " ".join(_help(path, 300).split())
    help_of_max = text.split("Budget limit on a summary metric")[1].split("│ --")[0]
    limits = re.findall(r"e\.g\. ([\w@]+=[\w.]+)", help_of_max)
    assert limits, help_of_max  # the value example, and the quantile one
    first = shlex.split(examples(_help(path, 300))[0])[1:]
    for limit in limits:
        r = invoke(*first, "--max", limit, "--quiet")
        assert r.exit_code in {0, 1}, (limit, r.stderr)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "ai-costs")
def test_examples_and_yaml_are_not_broken_at_80_columns(path: list[str]) -> None:
    wide, narrow = _help(path, 300), _help(path, 80)
    # every line of an indented block (an example, the budget YAML) is printed whole at 80 columns
    narrow_lines = {line.strip() for line in narrow.splitlines()}
    for line in wide.splitlines():
        if line.startswith("   ") and not line.lstrip().startswith(("│", "╭", "╰")) and line.strip():
            assert line.strip() in narrow_lines, (path, line.strip())
    assert "<bool>" not in narrow


def test_the_budget_example_in_check_help_is_a_valid_budget_file() -> None:
    text = _help(["check"], 80)
    block = text.split("A budget file:")[1].split("Examples:")[0]
    lines = [line[1:] for line in block.splitlines() if line.startswith("   ")]  # the indented block, less the margin
    budget = yaml.safe_load("\n".join(lines))
    assert validate(BudgetFile, budget, origin="help").checks[0].scenario == "llama-3.1-405b"


def _option_line(text: str, flag: str) -> str:
    joined = " ".join(text.split())
    start = joined.index(f"│ {flag} ")
    return joined[start:start + 300]


@pytest.mark.parametrize(("command", "flag", "default"), [
    ("train", "--gpus", "[default: from --days, else the fewest that fit]"),
    ("train", "--usd-per-gpu-hour", "[default: the cheapest sourced offer]"),
    ("train", "--pricing", "[default: on-demand, else any sourced offer]"),
    ("infer", "--cached-fraction", "[default: 0]"),
    ("infer", "--reasoning-tokens", "[default: 0]"),
    ("infer", "--speculative-speedup", "[default: 1]"),
    ("breakeven", "--monthly-growth", "[default: 0]"),
    ("compare-gpus", "--top", "[default: all]"),
    ("compare-gpus", "--wide", "[default: off]"),
    ("check", "--quiet", "[default: off]"),
    ("train", "--format", "[default: table]"),
])
def test_defaults_are_shown(command: str, flag: str, default: str) -> None:
    assert default in _option_line(_help([command], 300), flag)


def test_infer_model_is_a_deployment_option() -> None:
    text = _help(["infer"], 120)
    panels = re.split(r"╭─ ", text)
    deployment = next(p for p in panels if p.startswith("Deployment"))
    assert "--model" in deployment
    assert not any(p.startswith("Training job") for p in panels)


def test_prose_is_not_broken_by_the_docstrings_line_breaks() -> None:
    text = _help(["compare-gpus"], 300)
    assert ("For each accelerator: fits or not, the count, time or throughput, cost, tokens per dollar, energy, "
            "and where its price comes from") in text
