"""`ai-costs infer` through the CLI: the issue's acceptance commands and error handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke

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


def test_calibration_command_reproduces_the_engine() -> None:
    # TensorRT-LLM v0.19 performance overview: Llama 3.1 70B FP8 on 4 x H200, 1000/1000, 2,174.5 tok/s/GPU
    r = invoke("infer", "--model", "llama-3.1-70b", "--gpu", "h200", "--parallelism", "tp=4", "--precision", "fp8",
               "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()["summary"]
    assert list(s) == SELF_KEYS
    assert s["output_tokens_per_second_per_gpu"] == pytest.approx(2174.5, rel=0.15)


def test_parallelism_option_and_its_errors() -> None:
    base = ["infer", "--model", "mixtral-8x7b", "--gpu", "h100-sxm", "--precision", "fp8", "--input-tokens", "500",
            "--output-tokens", "500"]
    r = invoke(*base, "--parallelism", "tp=1,ep=4,dp=4", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["detail"]["parallelism"] == {"tensor": 1, "pipeline": 1, "expert": 4, "data": 4}
    r = invoke(*base, "--parallelism", "tp=1,ep=3,dp=3")
    assert r.exit_code == 2 and "ep=3 does not divide the 8 experts" in r.stderr
    assert "nearest layout that works: --parallelism" in r.stderr and "Traceback" not in r.stderr
    r = invoke(*base, "--parallelism", "tp=eight")
    assert r.exit_code == 2 and "expected comma-separated degrees" in r.stderr
    r = invoke(*base, "--parallelism", "tp=2", "--gpus", "2")
    assert r.exit_code == 2 and "parallelism (--parallelism) cannot be combined with gpus (--gpus)" in r.stderr


def test_parallelism_in_a_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "serve.yaml"
    path.write_text("kind: infer\nversion: 1\nmodel: llama-3.1-405b\ngpu: h100-sxm\nprecision: bf16\n"
                    "parallelism: tp=8,pp=2\ninput_tokens: 1000\noutput_tokens: 500\n")
    r = invoke("infer", str(path), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["inputs"]["parallelism"] == "tp=8,pp=2" and r.json()["inputs"]["gpus"] == 16
    r = invoke("infer", str(path), "--parallelism", "tp=4,pp=4", "--format", "json")  # the flag wins
    assert r.exit_code == 0 and r.json()["inputs"]["parallelism"] == "tp=4,pp=4"


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
