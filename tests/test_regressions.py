"""Bugs found in review, each pinned by a test."""

from __future__ import annotations

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
