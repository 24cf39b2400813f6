"""compare-gpus: one row per accelerator, rows equal to train/infer, sort order, Pareto front."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_costs.catalog import load_catalog
from ai_costs.engine.compare import mark_pareto, sort_rows

from conftest import invoke

CATALOG = load_catalog()
ALL_IDS = {a.id for a in CATALOG.accelerators}
INFER = ["compare-gpus", "--task", "infer", "--model", "llama-3.1-70b", "--precision", "fp8",
         "--input-tokens", "1000", "--output-tokens", "1000"]
TRAIN = ["compare-gpus", "--task", "train", "--params", "70B", "--tokens", "2T", "--days", "30"]


def _json(*args: str) -> dict[str, Any]:
    r = invoke(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return r.json()  # type: ignore[no-any-return]


def test_infer_acceptance_one_row_per_accelerator_with_explicit_states() -> None:
    doc = _json(*INFER)
    rows = doc["summary"]["rows"]
    assert {r["gpu"] for r in rows} == ALL_IDS and len(rows) == len(ALL_IDS)
    for r in rows:
        assert r["status"] in {"ok", "unpriced", "does_not_fit", "unsupported", "assumed_price"}
        if r["status"] in {"ok", "unpriced", "assumed_price"}:
            assert r["fits"] and r["gpus"] >= 1 and r["output_tokens_per_second_per_gpu"] > 0
        if r["status"] in {"ok", "assumed_price"}:
            assert r["usd_per_million_tokens"] > 0
        else:
            assert r["usd_per_million_tokens"] is None  # unpriced or not run: never $0
    assert doc["summary"]["best"] in ALL_IDS


def test_train_acceptance_count_and_total_cost() -> None:
    rows = _json(*TRAIN)["summary"]["rows"]
    assert {r["gpu"] for r in rows} == ALL_IDS
    for r in rows:
        if r["status"] in {"ok", "assumed_price"}:
            assert r["gpus"] >= 1 and r["total_usd"] > 0 and r["wall_clock_days"] <= 30 * (1 + 1e-9)
        elif r["status"] == "unpriced":
            assert r["gpus"] >= 1 and r["total_usd"] is None


@pytest.mark.parametrize("gpu", ["h100-sxm", "h200", "mi300x", "b200"])
def test_infer_row_equals_infer_for_the_same_scenario(gpu: str) -> None:
    row = next(r for r in _json(*INFER)["summary"]["rows"] if r["gpu"] == gpu)
    s = _json("infer", *INFER[3:], "--gpu", gpu, "--gpus", str(row["gpus"]))["summary"]
    for key in ("output_tokens_per_second_per_gpu", "usd_per_million_tokens", "usd_per_month", "tpot_seconds",
                "kwh_per_day"):
        assert row[key] == s[key], key


@pytest.mark.parametrize("gpu", ["h100-sxm", "a100-80gb", "tpu-v5p"])
def test_train_row_equals_train_for_the_same_scenario(gpu: str) -> None:
    row = next(r for r in _json(*TRAIN)["summary"]["rows"] if r["gpu"] == gpu)
    s = _json("train", *TRAIN[3:], "--gpu", gpu)["summary"]
    for key in ("gpus", "wall_clock_days", "gpu_hours", "total_usd", "kwh", "co2_kg", "min_gpus_to_fit"):
        assert row[key] == s[key], key


@pytest.mark.parametrize(("metric", "order"), [("usd_per_million_tokens", "asc"),
                                               ("output_tokens_per_second_per_gpu", "desc"), ("gpus", "asc")])
def test_rows_are_in_sort_order(metric: str, order: str) -> None:
    rows = _json(*INFER, "--sort", metric)["summary"]["rows"]
    values = [r[metric] for r in rows if r[metric] is not None]
    assert values == sorted(values, reverse=order == "desc")
    assert all(r[metric] is None for r in rows[len(values):])  # missing values last


def test_filters() -> None:
    rows = _json(*INFER, "--vendor", "amd")["summary"]["rows"]
    assert {r["gpu"] for r in rows} == {"mi300x", "mi325x", "mi350x", "mi355x"}
    rows = _json(*INFER, "--only", "h100-sxm,h200", "--top", "1")["summary"]["rows"]
    assert len(rows) == 1


def test_errors() -> None:
    r = invoke(*INFER, "--sort", "speed")
    assert r.exit_code == 2 and "not a row metric" in r.stderr
    r = invoke(*TRAIN, "--input-tokens", "5")
    assert r.exit_code == 2 and "--input-tokens does not apply to --task train" in r.stderr
    r = invoke("compare-gpus", "--model", "llama-3.1-8b")
    assert r.exit_code == 2 and "--task" in r.stderr
    r = invoke(*INFER, "--only", "h100,h1000")
    assert r.exit_code == 2 and "h1000" in r.stderr


def test_table_fits_100_columns() -> None:
    r = invoke(*INFER, env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert r.exit_code == 0
    assert max(len(line) for line in r.stdout.splitlines()) <= 100


rows_strategy = st.lists(
    st.fixed_dictionaries({"status": st.just("ok"), "usd_per_million_tokens": st.floats(0.01, 100),
                           "output_tokens_per_second_per_gpu": st.floats(1, 1e4)}), min_size=1, max_size=25)


@settings(max_examples=200, deadline=None)
@given(rows=rows_strategy)
def test_pareto_rows_are_not_dominated(rows: list[dict[str, Any]]) -> None:
    for i, r in enumerate(rows):
        r["gpu"] = f"g{i}"
    mark_pareto("infer", rows)
    for r in rows:
        dominated = any(o["usd_per_million_tokens"] <= r["usd_per_million_tokens"]
                        and o["output_tokens_per_second_per_gpu"] >= r["output_tokens_per_second_per_gpu"]
                        and (o["usd_per_million_tokens"] < r["usd_per_million_tokens"]
                             or o["output_tokens_per_second_per_gpu"] > r["output_tokens_per_second_per_gpu"])
                        for o in rows)
        assert r["pareto"] == (not dominated)
    assert any(r["pareto"] for r in rows)


@settings(max_examples=100, deadline=None)
@given(rows=rows_strategy, desc=st.booleans())
def test_sort_rows_orders_by_metric(rows: list[dict[str, Any]], desc: bool) -> None:
    for i, r in enumerate(rows):
        r["gpu"] = f"g{i}"
    out = sort_rows(rows, "usd_per_million_tokens", desc)
    values = [r["usd_per_million_tokens"] for r in out]
    assert values == sorted(values, reverse=desc)
