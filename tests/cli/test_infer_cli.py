"""`ai-costs infer` through the CLI: the issue's acceptance commands and error handling."""

from __future__ import annotations

import csv

import pytest

from conftest import DATA, invoke

API_KEYS = ("usd_per_request usd_per_day usd_per_month usd_per_year usd_per_million_input_tokens "
            "usd_per_million_output_tokens usd_per_million_tokens tokens_per_day").split()
SELF_KEYS = API_KEYS + ("gpus replicas output_tokens_per_second output_tokens_per_second_per_gpu ttft_seconds "
                        "tpot_seconds utilization kwh_per_day co2_kg_per_day").split()


def test_chatgpt_scale_command() -> None:
    r = invoke("infer", "--api", "gpt-4o", "--daily-users", "100M", "--requests-per-user", "5",
               "--input-tokens", "500", "--output-tokens", "0", "--format", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()["summary"]
    assert list(s) == API_KEYS
    assert s["usd_per_day"] == pytest.approx(625_000, rel=1e-3)
    assert s["usd_per_year"] == pytest.approx(228_125_000, rel=1e-3)


def _rows() -> list[dict[str, str]]:
    with (DATA / "calibration_inference.csv").open() as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["id"])
def test_calibration_commands(row: dict[str, str]) -> None:
    # TensorRT-LLM v0.17 performance overview, via shared/reference/calibration_inference.csv
    r = invoke("infer", "--model", row["model"], "--gpu", row["gpu"], "--gpus", row["gpus"], "--precision",
               row["precision"], "--input-tokens", row["input_tokens"], "--output-tokens", row["output_tokens"],
               "--format", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()["summary"]
    assert list(s) == SELF_KEYS
    assert s["output_tokens_per_second_per_gpu"] == pytest.approx(float(row["reported_tokens_per_s_per_gpu"]), rel=0.25)


def test_405b_on_one_gpu_exits_2_naming_the_fewest() -> None:
    r = invoke("infer", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--gpus", "1", "--precision", "bf16",
               "--input-tokens", "1000", "--output-tokens", "100")
    assert r.exit_code == 2
    assert "at least 16 x h100-sxm" in r.stderr and "Traceback" not in r.stderr


def test_unknown_api_suggests() -> None:
    r = invoke("infer", "--api", "gpt-4-o", "--requests-per-day", "1", "--input-tokens", "1", "--output-tokens", "1")
    assert r.exit_code == 2 and "gpt-4o" in r.stderr


def test_table_shows_memory_breakdown_for_self_hosted() -> None:
    r = invoke("infer", "llama-3.1-70b-self-hosted")
    assert r.exit_code == 0, r.stderr
    assert "Memory per accelerator" in r.stdout and "kv cache" in r.stdout


@pytest.mark.parametrize("name", ["chatgpt-scale", "chatgpt-scale-full", "support-chatbot", "coding-agent",
                                  "reasoning-heavy", "llama-3.1-70b-self-hosted", "llama-3.1-8b-self-hosted"])
def test_every_infer_preset_runs(name: str) -> None:
    r = invoke("infer", name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["usd_per_day"] > 0


def test_train_preset_given_to_infer_is_a_wrong_kind_error() -> None:
    r = invoke("infer", "gpt-4")
    assert r.exit_code == 2 and "kind is 'train', not 'infer'" in r.stderr
