"""Ranges through the CLI: options and their errors, quantile budgets, tables at 80 columns, CSV, markdown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import invoke

TRAIN = ["train", "llama-3.1-405b"]
SERVE = ["infer", "llama-3.1-70b-self-hosted"]


def test_json_runs_are_byte_identical() -> None:
    a = invoke(*TRAIN, "--format", "json")
    b = invoke(*TRAIN, "--format", "json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = a.json()
    assert set(doc["ranges"]) >= {"total_usd", "gpu_hours", "wall_clock_days", "kwh", "co2_kg"}
    assert doc["sensitivity"][0]["metric"] == "total_usd"
    assert {i["name"] for i in doc["uncertain_inputs"]} >= {"utilization", "price"}


def test_no_ranges_keeps_the_keys_empty_and_the_summary() -> None:
    doc = invoke(*TRAIN, "--format", "json", "--no-ranges").json()
    assert (doc["ranges"], doc["sensitivity"], doc["uncertain_inputs"]) == ({}, [], [])
    assert doc["summary"] == invoke(*TRAIN, "--format", "json").json()["summary"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--max", "total_usd@p97=2M"], "unknown quantile 'p97'"),
    (["--max", "training_flops@p95=1"], "training_flops has no range"),
    (["--max", "nonsense@p95=1"], "unknown metric 'nonsense@p95'"),
    (["--spread", "nonsense=2"], "unknown input 'nonsense'"),
    (["--spread", "utilization=0"], "must be a positive number"),
    (["--spread", "utilization=-1.5"], "must be a positive number"),
    (["--mfu", "0.4", "--spread", "utilization=2"], "utilization is given (--mfu"),
    (["--spread", "serving_speed=2"], "'serving_speed' is not an uncertain input of this estimate"),
    (["--no-ranges", "--max", "total_usd@p95=1"], "--no-ranges"),
    (["--no-ranges", "--spread", "utilization=2"], "--no-ranges"),
    (["--no-ranges", "--sensitivity"], "--no-ranges"),
])
def test_bad_range_options_exit_2_naming_the_problem(extra: list[str], message: str) -> None:
    r = invoke(*TRAIN, *extra)
    assert r.exit_code == 2, r.stdout
    assert message in r.stderr


def test_quantile_budget_at_exactly_the_limit_passes_and_just_below_fails() -> None:
    p95 = invoke(*TRAIN, "--format", "json").json()["ranges"]["total_usd"]["p95"]
    assert invoke(*TRAIN, "--max", f"total_usd@p95={p95!r}").exit_code == 0  # a limit equal to the value holds
    over = invoke(*TRAIN, "--max", f"total_usd@p95={p95 * 0.999!r}", "--format", "json")
    assert over.exit_code == 1 and "Over budget: total_usd@p95" in over.stderr
    check = over.json()["checks"][0]
    assert check["metric"] == "total_usd@p95" and check["value"] == p95 and not check["ok"]
    # the plain metric keeps meaning the central value
    central = invoke(*TRAIN, "--format", "json").json()["summary"]["total_usd"]
    assert invoke(*TRAIN, "--max", f"total_usd={central!r}").exit_code == 0


def test_budget_file_limits_a_quantile(tmp_path: Path) -> None:
    budget = tmp_path / "budget.yaml"
    budget.write_text("version: 1\nchecks:\n  - scenario: llama-3.1-405b\n"
                      "    max: {total_usd: 100M, total_usd@p95: 150M}\n")
    r = invoke("check", str(budget), "--format", "json")
    assert r.exit_code == 1  # the central $91M holds, its p95 does not
    checks = {c["metric"]: c["ok"] for c in r.json()["lines"][0]["checks"]}
    assert checks == {"total_usd": True, "total_usd@p95": False}
    assert "total_usd" in r.json()["lines"][0]["ranges"]
    table = invoke("check", str(budget))
    assert "total_usd@p95" in table.stdout and "FAIL" in table.stdout
    budget.write_text("version: 1\nchecks:\n  - scenario: llama-3.1-405b\n    max: {total_usd@p99: 200M}\n")
    bad = invoke("check", str(budget))
    assert bad.exit_code == 2 and "unknown quantile 'p99'" in bad.stderr


@pytest.mark.parametrize("args", [
    TRAIN, [*TRAIN, "--sensitivity"], SERVE, [*SERVE, "--sensitivity"], ["infer", "reasoning-heavy"],
    ["breakeven", "gpt-4-vs-chatgpt"], ["breakeven", "llama-70b-self-host-vs-api", "--sensitivity"],
    ["compare-gpus", "--task", "train", "--params", "70B", "--tokens", "2T", "--days", "30"],
])
def test_tables_with_ranges_fit_80_columns(args: list[str]) -> None:
    r = invoke(*args, env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_table_shows_ranges_and_drivers() -> None:
    out = invoke(*TRAIN, env={"COLUMNS": "80"}).stdout
    doc = invoke(*TRAIN, "--format", "json").json()
    total = next(line for line in out.splitlines() if "Total cost" in line)
    low, high = (f"${doc['ranges']['total_usd'][q] / 1e6:,.2f}M" for q in ("p5", "p95"))
    assert f"({low}-{high})" in total
    assert "Top drivers of the total cost" in out
    chart = invoke(*TRAIN, "--sensitivity", env={"COLUMNS": "80"}).stdout
    assert "Sensitivity of the total cost" in chart and "|" in chart and "=" in chart


def test_compare_cost_range_shows_from_100_columns_or_with_wide() -> None:
    args = ["compare-gpus", "--task", "train", "--params", "70B", "--tokens", "2T", "--days", "30"]
    def header(out: str) -> str:
        return next(line for line in out.splitlines() if "accelerator" in line)

    assert "p5-p95" not in header(invoke(*args, env={"COLUMNS": "80"}).stdout)
    wide = invoke(*args, env={"COLUMNS": "100"}).stdout
    assert "p5-p95" in header(wide) and max(len(line) for line in wide.splitlines()) <= 100
    assert "p5-p95" in header(invoke(*args, "--wide", env={"COLUMNS": "80"}).stdout)


def test_csv_and_markdown_carry_p5_and_p95() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke(*TRAIN, "--format", "csv").stdout)))
    doc = invoke(*TRAIN, "--format", "json").json()
    assert float(rows[0]["total_usd_p95"]) == doc["ranges"]["total_usd"]["p95"]
    assert rows[0]["gpus_p5"] == ""  # the count is given: no range
    md = invoke(*TRAIN, "--format", "markdown").stdout
    assert "| metric | key | value | p5 | p95 |" in md
    compare = invoke("compare-gpus", "--task", "infer", "--model", "llama-3.1-8b", "--input-tokens", "100",
                     "--output-tokens", "100", "--only", "h100-sxm,l4", "--format", "csv").stdout
    header = next(csv.reader(io.StringIO(compare)))
    assert "usd_per_million_tokens_p95" in header and "ranges" not in header


def test_spread_widens_the_range() -> None:
    base = invoke(*TRAIN, "--format", "json").json()["ranges"]["gpu_hours"]
    wide = invoke(*TRAIN, "--format", "json", "--spread", "utilization=2").json()
    assert wide["ranges"]["gpu_hours"]["p95"] > base["p95"] and wide["ranges"]["gpu_hours"]["p5"] < base["p5"]
    assert next(i for i in wide["uncertain_inputs"] if i["name"] == "utilization")["spread"] == 2
