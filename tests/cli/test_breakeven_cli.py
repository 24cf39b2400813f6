"""`ai-costs breakeven` through the CLI: the acceptance command, presets, the chart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import invoke

KEYS = ["crossover_months", "crossover_tokens_per_day", "a_total_usd", "b_total_usd", "horizon_months",
        "inference_share", "crossover_probability"]


def test_acceptance_command() -> None:
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "78M", "--infer-usd-per-day", "625000",
               "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert list(doc["summary"]) == KEYS
    assert doc["summary"]["crossover_months"] == pytest.approx(4.10, rel=0.01)
    assert doc["detail"]["series"][0]["month"] == 0


@pytest.mark.parametrize("name", ["gpt-4-vs-chatgpt", "llama-70b-self-host-vs-api", "finetune-8b-vs-gpt-4o",
                                  "h100-buy-vs-rent"])
def test_every_breakeven_preset_runs(name: str) -> None:
    r = invoke("breakeven", name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["status"] == "ok"


def test_table_mode_chart_fits_80_columns_without_colour() -> None:
    r = invoke("breakeven", "gpt-4-vs-chatgpt", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    assert "Cumulative cost" in r.stdout and "\x1b[" not in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_json_mode_does_not_import_the_plotting_library() -> None:
    code = ("import sys; from ai_costs.cli import app\n"
            "try:\n app(['breakeven','--mode','train-vs-infer','--train-usd','1M','--infer-usd-per-day','1000',"
            "'--format','json'])\nexcept SystemExit: pass\n"
            "assert 'plotext' not in sys.modules and 'rich.table' not in sys.modules, 'heavy import'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_missing_side_is_a_clear_error() -> None:
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train-usd", "1M")
    assert r.exit_code == 2 and "--infer SCENARIO or --infer-usd-per-day" in r.stderr
    r = invoke("breakeven", "--mode", "train-vs-infer", "--train", "chatgpt-scale", "--infer-usd-per-day", "1")
    assert r.exit_code == 2 and "kind is 'infer', not 'train'" in r.stderr
