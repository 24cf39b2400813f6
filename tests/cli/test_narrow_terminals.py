"""Tables on 80- and 60-column terminals (issue 13): no column dropped or cropped, every number whole.

The reference is the same command on a 99-column terminal (the widest with the same columns): every
number printed there must be printed, whole, on the narrow terminal too; names may wrap instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import invoke

NUMBER = re.compile(r"(?<![\w./-])[$+-]?\d[\d,.]*(?:[eE][+-]?\d+)?[%KMBT]?(?![\w-])")  # not inside an id
BUDGET = ("version: 1\nchecks:\n  - name: pretraining\n    scenario: llama-3.1-405b\n    max: {total_usd: 100M}\n"
          "  - name: serving\n    scenario: chatgpt-scale\n    max: {usd_per_day: 10000}\n")
COMMANDS = [
    ["train", "llama-3.1-405b"],
    ["infer", "llama-3.1-70b-self-hosted"],
    ["infer", "chatgpt-scale"],
    ["compare-gpus", "llama-3.1-8b-self-hosted"],
    ["compare-gpus", "llama-3.1-405b", "--top", "8"],
    ["breakeven", "gpt-4-vs-chatgpt"],
    ["breakeven", "llama-70b-self-host-vs-api"],
    ["check", "{budget}"],
    ["diff", "{presets}/gpt-4.yaml", "{presets}/llama-3.1-405b.yaml"],
    ["catalog", "gpus"],
    ["catalog", "models"],
    ["catalog", "clouds"],
    ["catalog", "apis"],
    ["catalog", "energy"],
    ["presets", "list"],
]


@pytest.fixture(scope="module")
def budget(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("narrow") / "budget.yaml"
    path.write_text(BUDGET)
    return path


_REFERENCE: dict[tuple[str, ...], str] = {}


def _run(args: list[str], columns: int, budget: Path) -> str:
    presets = Path(__file__).resolve().parents[2] / "presets"
    argv = [a.format(budget=budget, presets=presets) for a in args]
    quiet = ["--quiet"] if args[0] not in {"catalog", "presets"} else []
    r = invoke(*argv, *quiet, env={"COLUMNS": str(columns)})
    assert r.exit_code in {0, 1}, r.stderr
    # breakeven's chart is drawn to the terminal's width, so its axis labels differ: compare the tables
    return r.stdout.split("Cumulative cost (USD millions)")[0].split("USD per day against tokens")[0]


@pytest.mark.parametrize("columns", [80, 60])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_tables_keep_every_column_and_number(args: list[str], columns: int, budget: Path) -> None:
    narrow = _run(args, columns, budget)
    key = tuple(args)
    if key not in _REFERENCE:
        _REFERENCE[key] = _run(args, 99, budget)  # compare-gpus adds its p5-p95 column from 100 columns on
    wide = _REFERENCE[key]
    lines = narrow.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert "…" not in narrow
    missing = set(NUMBER.findall(wide)) - set(NUMBER.findall(narrow))
    assert not missing, f"numbers cropped or split at {columns} columns: {sorted(missing)}"
