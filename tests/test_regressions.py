"""Bugs found in review, each pinned by a test."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke


def test_help_shows_the_defaults() -> None:
    # "[default: ...]" used to be swallowed as rich markup
    out = invoke("train", "--help", env={"COLUMNS": "160"}).stdout
    assert "[default: h100-sxm]" in out and "[default: bf16]" in out


def test_nothing_to_compute_is_an_input_error_not_a_crash() -> None:
    r = invoke("infer", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "100",
               "--output-tokens", "0", "--cached-fraction", "1")
    assert r.exit_code == 2 and "nothing to compute" in r.stderr


def test_fixed_batch_size_still_honours_latency_targets() -> None:
    r = invoke("infer", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "100",
               "--output-tokens", "100", "--batch-size", "400", "--max-tpot", "0.005")
    assert r.exit_code == 2 and "cannot be met at --batch-size 400" in r.stderr


def test_buy_vs_rent_rejects_owned_rent_pricing() -> None:
    r = invoke("breakeven", "--mode", "buy-vs-rent", "--pricing", "owned")
    assert r.exit_code == 2 and "rental commitment" in r.stderr


def test_long_context_tier_raises_the_cached_price_too() -> None:
    # gemini-2.5-pro: $1.25 / cached $0.125; above 200K tokens input $2.50, so cached $0.25 (same 0.1x share)
    def per_million_input(tokens: str) -> float:
        r = invoke("infer", "--api", "gemini-2.5-pro", "--requests-per-day", "1", "--input-tokens", tokens,
                   "--output-tokens", "0", "--cached-fraction", "1", "--format", "json")
        return float(r.json()["summary"]["usd_per_million_input_tokens"])

    assert per_million_input("100000") == pytest.approx(0.125)
    assert per_million_input("300000") == pytest.approx(0.25)


def test_electricity_price_is_cited_only_when_energy_is_billed() -> None:
    rented = invoke("train", "--flops", "1e21", "--gpus", "8", "--format", "json").json()
    owned = invoke("train", "--flops", "1e21", "--gpus", "8", "--pricing", "owned", "--format", "json").json()
    assert "usd_per_kwh" not in {s["id"] for s in rented["sources"]}
    assert "usd_per_kwh" in {s["id"] for s in owned["sources"]}


def test_explosive_growth_is_bounded_not_a_crash() -> None:
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "1M", "--infer-usd-per-day", "10",
               "--monthly-growth", "78M")
    assert r.exit_code == 2 and "--monthly-growth" in r.stderr
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "1M", "--infer-usd-per-day", "10",
               "--monthly-growth", "10", "--horizon-months", "1200", "--format", "json")
    assert r.exit_code == 0 and r.json()["summary"]["b_total_usd"] is None  # unbounded: null, not inf
    assert r.json()["summary"]["a_total_usd"] == 1e6  # no monthly amount: growth leaves it at its upfront
    assert r.json()["summary"]["inference_share"] == 1.0


def test_cloud_without_pricing_takes_its_on_demand_price_and_says_so() -> None:
    doc = invoke("train", "--flops", "1e21", "--gpus", "8", "--cloud", "aws", "--format", "json").json()
    assert doc["inputs"]["pricing"] == "on-demand"  # not aws's cheaper capacity-block offer
    assert any("from aws" in a for a in doc["assumptions"])


def test_purchase_price_without_owned_pricing_is_an_error() -> None:
    r = invoke("train", "--flops", "1e21", "--purchase-usd-per-gpu", "30000")
    assert r.exit_code == 2 and "--pricing owned" in r.stderr


def test_flops_without_a_count_leaves_the_wall_clock_unestimated() -> None:
    doc = invoke("train", "--flops", "1e21", "--usd-per-gpu-hour", "2", "--format", "json").json()
    assert doc["summary"]["gpus"] is None and doc["summary"]["wall_clock_days"] is None
    assert doc["summary"]["total_usd"] > 0


def test_purchase_price_is_dated_on_its_own() -> None:
    doc = invoke("train", "--flops", "1e21", "--gpus", "8", "--pricing", "owned", "--format", "json").json()
    ref = next(s for s in doc["sources"] if s["kind"] == "purchase_price")
    assert ref["as_of"] == "2023-05" and ref["stale"]  # the DGX H100 price, not the spec sheet's date


def test_catalog_override_with_a_misspelt_key_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "clouds.yaml").write_text("version: 1\noffer:\n  - {provider: x}\n")
    r = invoke("train", "--flops", "1e21", "--gpus", "8", "--presets-dir", str(tmp_path))
    assert r.exit_code == 2 and "unknown keys: offer" in r.stderr


def test_catalog_overrides_are_read_from_the_user_config_dir(tmp_path: Path) -> None:
    user = tmp_path / "config" / "ai-costs" / "presets"  # XDG_CONFIG_HOME is tmp_path/config (conftest)
    user.mkdir(parents=True)
    (user / "clouds.yaml").write_text(
        "version: 1\noffers:\n  - {provider: mine, accelerator: h100-sxm, pricing: on-demand, "
        "usd_per_gpu_hour: 0.5, source: contract, as_of: '2026-11'}\n")
    doc = invoke("train", "--flops", "1e21", "--gpus", "8", "--format", "json").json()
    assert doc["inputs"]["cloud"] == "mine" and doc["inputs"]["usd_per_gpu_hour"] == 0.5


def test_listings_honour_csv_and_markdown() -> None:
    assert invoke("catalog", "clouds", "--format", "csv").stdout.startswith("provider,accelerator,pricing")
    assert "| name | kind | origin | description |" in invoke("presets", "list", "--format", "markdown").stdout


def test_presets_path_lists_each_directory_once(tmp_path: Path) -> None:
    lines = invoke("presets", "path", env={"AI_COSTS_PRESETS_DIR": str(tmp_path)}).stdout.splitlines()
    assert len(lines) == len(set(lines)) == 3


def test_table_mode_breakeven_with_unbounded_growth_does_not_crash() -> None:
    # the chart's axis used to be computed on inf: "internal error (ValueError: cannot convert float NaN ...)"
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "1M", "--infer-usd-per-day", "10",
               "--monthly-growth", "1", "--horizon-months", "1200", env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.stderr
    assert "unbounded" in r.stdout and "The chart stops at month" in r.stdout and "$inf" not in r.stdout


@pytest.mark.parametrize("horizon", ["1201", "1e7"])
def test_the_horizon_is_at_most_a_century(horizon: str) -> None:
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "1M", "--infer-usd-per-day", "10",
               "--horizon-months", horizon)
    assert r.exit_code == 2 and "--horizon-months: must be less than or equal to 1200" in r.stderr
    owned = invoke("breakeven", "--mode", "buy-vs-rent", "--lifetime-years", "101")
    assert owned.exit_code == 2 and "at most 1200" in owned.stderr


@pytest.mark.parametrize("limit", ["nan", "inf", "-inf", "-1"])
def test_a_limit_that_is_not_a_finite_non_negative_number_is_a_usage_error(limit: str) -> None:
    r = invoke("train", "llama-3.1-405b", "--max", f"total_usd={limit}")
    assert r.exit_code == 2 and "a limit is a finite number >= 0" in r.stderr


def test_text_fields_of_compare_gpus_are_not_metrics() -> None:
    r = invoke("compare-gpus", "llama-3.1-8b-self-hosted", "--only", "h100-sxm", "--max", "message=1")
    assert r.exit_code == 2 and "unknown metric 'message'" in r.stderr
    valid = r.stderr.split("valid metrics: ")[1].strip().split(", ")
    assert not {"gpu", "vendor", "status", "price", "price_as_of", "message", "fits", "pareto"} & set(valid)


def test_an_override_does_not_change_the_preset_for_the_next_run() -> None:
    # the pre-parsed preset copies are shared by the process: --model used to pop `api` from them for good
    assert invoke("infer", "chatgpt-scale-full", "--model", "llama-3.1-70b", "--gpu", "h100", "--format", "json",
                  "-q").exit_code == 0
    again = invoke("infer", "chatgpt-scale-full", "--format", "json", "-q")
    assert again.exit_code == 0 and again.json()["inputs"]["api"] == "gpt-4o"


def test_a_price_file_with_a_list_as_mode_is_skipped_not_a_crash(tmp_path: Path) -> None:
    # found by bench/fuzz.py: `"mode": ["chat"]` made the set lookup raise TypeError
    f = tmp_path / "prices.json"
    f.write_text('{"gpt-4o": {"mode": ["chat"], "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}')
    r = invoke("infer", "--api", "gpt-4o", "--requests-per-day", "1", "--input-tokens", "1", "--output-tokens", "1",
               "--api-prices", str(f), "-q")
    assert r.exit_code == 0, r.stderr
