"""`ai-costs train` through typer's CliRunner: exit codes, stdout vs stderr, the JSON contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke

TRAIN_SUMMARY = (
    "total_usd compute_usd energy_usd gpu_hours wall_clock_days gpus training_flops mfu kwh co2_kg "
    "min_gpus_to_fit"
).split()
ENVELOPE = ["schema_version", "command", "status", "inputs", "summary", "ranges", "sensitivity", "uncertain_inputs",
            "line_items", "assumptions", "warnings", "sources", "detail", "checks"]


def test_json_contract_keys() -> None:
    r = invoke("train", "--gpu", "h800", "--gpu-hours", "2.788M", "--usd-per-gpu-hour", "2", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert list(doc) == ENVELOPE
    assert doc["schema_version"] == "1"
    assert list(doc["summary"]) == TRAIN_SUMMARY
    assert doc["summary"]["total_usd"] == pytest.approx(5_576_000, rel=1e-3)
    line = doc["line_items"][0]
    assert set(line) == {"name", "quantity", "unit", "usd_per_unit", "usd", "assumption"}
    assert all({"kind", "id", "source", "as_of", "stale"} == set(s) for s in doc["sources"])


def test_table_output_marks_assumptions_and_keeps_warnings_off_stdout() -> None:
    r = invoke("train", "--params", "7B", "--tokens", "1T", "--gpus", "8")
    assert r.exit_code == 0
    assert "Total cost" in r.stdout and "*" in r.stdout
    assert "Warning" not in r.stdout


def test_unknown_gpu_exits_2_with_suggestions_and_no_traceback() -> None:
    r = invoke("train", "--gpu", "h1000", "--params", "7B", "--tokens", "1T")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert "unknown accelerator" in r.stderr and "h100" in r.stderr
    assert "Traceback" not in r.stderr


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: train\nversion: 1\nparams: 7B\ntokens: [1T\n")
    r = invoke("train", str(bad))
    assert r.exit_code == 2
    assert str(bad) in r.stderr and "line 5" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--params", "0", "--tokens", "1T"], "--params: must be greater than 0"),
        (["--params", "-7B", "--tokens", "1T"], "--params: must be greater than 0"),
        (["--params", "nan", "--tokens", "1T"], "--params: must be a finite number"),
        (["--params", "inf", "--tokens", "1T"], "--params: must be a finite number"),
        (["--params", "7B", "--tokens", "lots"], "not a number"),
        (["--params", "7B", "--tokens", "1T", "--gpus", "8", "--days", "3"], "contradictory"),
        (["--params", "7B", "--tokens", "1T", "--flops", "1e20"], "contradictory"),
        (["--params", "7B", "--tokens", "1T", "--precision", "fp9"], "--precision"),
        (["--params", "7B", "--tokens", "1T", "--mfu", "1.5"], "--mfu"),
        (["--model", "lama-3.1-8b", "--tokens", "1T"], "llama-3.1-8b"),
        (["no-such-preset"], "unknown preset"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(args: list[str], needle: str) -> None:
    r = invoke("train", *args)
    assert r.exit_code == 2, r.stdout
    assert needle in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_field_in_file_is_rejected_with_suggestion(tmp_path: Path) -> None:
    f = tmp_path / "typo.yaml"
    f.write_text("kind: train\nversion: 1\nparams: 7B\ntokns: 1T\n")
    r = invoke("train", str(f))
    assert r.exit_code == 2
    assert "tokns: unknown field (did you mean tokens?)" in r.stderr


def test_preset_of_the_wrong_kind(tmp_path: Path) -> None:
    f = tmp_path / "serve.yaml"
    f.write_text("kind: infer\nversion: 1\n")
    r = invoke("train", str(f))
    assert r.exit_code == 2 and "kind is 'infer', not 'train'" in r.stderr


def test_unsupported_version(tmp_path: Path) -> None:
    f = tmp_path / "v2.yaml"
    f.write_text("kind: train\nversion: 2\nflops: 1e20\n")
    r = invoke("train", str(f))
    assert r.exit_code == 2 and "unsupported version 2" in r.stderr


def test_flag_overrides_preset_and_clears_its_rival() -> None:
    # the preset sets gpus; --days replaces it instead of contradicting it
    r = invoke("train", "llama-3.1-405b", "--days", "60", "--format", "json")
    assert r.exit_code == 0, r.stderr
    s = r.json()["summary"]
    assert s["wall_clock_days"] <= 60 and s["gpus"] != 16384


def test_json_mode_errors_are_json_too() -> None:
    r = invoke("train", "--gpu", "h1000", "--flops", "1e20", "--format", "json")
    assert r.exit_code == 2
    doc = r.json()
    assert doc["status"] == "error" and doc["schema_version"] == "1"
    assert doc["errors"][0]["code"] == "unknown_gpu"


def test_version_and_help() -> None:
    from ai_costs import __version__

    assert invoke("--version").stdout.strip() == f"ai-costs {__version__}"
    help_text = invoke("train", "--help").stdout
    assert "Examples" in help_text and "--gpu-hours" in help_text
