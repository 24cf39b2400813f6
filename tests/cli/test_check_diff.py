"""`check` and `diff` on the engine -> report -> render path (issues 13 and 14): warnings kept, tables
readable on narrow terminals, small changes printed as numbers, standard input."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke

SERVING = ("kind: infer\nversion: 1\napi: gpt-4o\nrequests_per_day: 1M\ninput_tokens: {}\noutput_tokens: 200\n")


def _budget(tmp_path: Path) -> Path:
    f = tmp_path / "budget.yaml"
    f.write_text(
        "version: 1\nchecks:\n"
        "  - name: pretraining\n    scenario: llama-3.1-405b\n    set: {gpus: 100}\n"
        "    max: {total_usd: 1e12, wall_clock_days: 1e6}\n"
        "  - name: chat serving\n    scenario: chatgpt-scale\n    set: {daily_users: 10M}\n"
        "    max: {usd_per_day: 10000}\n")
    return f


def _pair(tmp_path: Path, head_input_tokens: int) -> tuple[str, str]:
    base, head = tmp_path / "base.yaml", tmp_path / "serving.yaml"
    base.write_text(SERVING.format(500))
    head.write_text(SERVING.format(head_input_tokens))
    return str(base), str(head)


@pytest.mark.parametrize("columns", ["80", "60"])
def test_check_keeps_its_verdict_column_on_a_narrow_terminal(tmp_path: Path, columns: str) -> None:
    r = invoke("check", str(_budget(tmp_path)), env={"COLUMNS": columns})
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns) and "…" not in r.stdout
    header = next(line for line in lines if "metric" in line)
    assert header.split() == ["metric", "limit", "value", "result"]
    assert [line.split()[-1] for line in lines if line.strip().startswith(("total_usd", "usd_per_day"))] \
        == ["pass", "FAIL"]
    # chatgpt-scale at 10M users: 10M x 5 requests x 500 tokens x $2.50/1M = $62,500 a day
    assert "$62,500" in r.stdout and "$10,000" in r.stdout


def test_check_shows_each_lines_warnings(tmp_path: Path) -> None:
    r = invoke("check", str(_budget(tmp_path)), "--format", "json")
    lines = {line["name"]: line for line in r.json()["lines"]}
    # 100 H100s cannot hold Llama 3.1 405B's training states (at least 123 are needed): a warning
    assert any("cannot hold this run" in w for w in lines["pretraining"]["warnings"])
    assert not lines["chat serving"]["warnings"]  # gpt-4o's price: LiteLLM 1.110.2, 2026-11-20
    table = invoke("check", str(_budget(tmp_path)))
    assert "Warnings" in table.stdout and "pretraining: 100 x h100-sxm cannot hold" in table.stdout
    assert "Warning: pretraining: 100 x h100-sxm cannot hold" in table.stderr
    markdown = invoke("check", str(_budget(tmp_path)), "--format", "markdown")
    assert "- pretraining: 100 x h100-sxm cannot hold" in markdown.stdout


def test_quiet_keeps_warnings_out_of_stderr_but_in_the_output(tmp_path: Path) -> None:
    r = invoke("check", str(_budget(tmp_path)), "--quiet")
    assert "Warning" not in r.stderr and "Over budget: chat serving" in r.stderr
    assert "pretraining: 100 x h100-sxm cannot hold" in r.stdout
    train = invoke("train", "llama-3.1-405b", "--gpus", "100", "-q", "--format", "json")
    assert train.stderr == "" and train.json()["warnings"]
    assert invoke("train", "llama-3.1-405b", "--gpus", "100", "--format", "json").stderr.startswith("Warning: ")


@pytest.mark.parametrize("columns", ["80", "60"])
def test_diff_keeps_change_percent_readable(tmp_path: Path, columns: str) -> None:
    base, head = _pair(tmp_path, 1000)
    r = invoke("diff", base, head, env={"COLUMNS": columns})
    assert r.exit_code == 0
    assert max(len(line) for line in r.stdout.splitlines()) <= int(columns) and "…" not in r.stdout
    assert "change %" in r.stdout
    # 1M requests: base 500 x $2.50 + 200 x $10 = $3,250 a day; head 1000 x $2.50 + 2,000 = $4,500: +38.5%
    day = next(line for line in r.stdout.splitlines() if line.strip().startswith("usd_per_day"))
    assert day.split() == ["usd_per_day", "$3,250", "$4,500", "+$1,250", "+38.5%"]


def test_small_deltas_are_plain_decimals(tmp_path: Path) -> None:
    base, head = _pair(tmp_path, 536)
    r = invoke("diff", base, head)
    row = next(line for line in r.stdout.splitlines() if line.strip().startswith("usd_per_request"))
    # 36 more input tokens x $2.50 / 1M = $0.00009 per request; base (500 x 2.5 + 200 x 10) / 1M = $0.00325
    assert row.split() == ["usd_per_request", "$0.00325", "$0.00334", "+$0.00009", "+2.8%"]
    assert "e-0" not in r.stdout


def test_unchanged_metrics_are_zero_not_rounding_noise(tmp_path: Path) -> None:
    base, head = _pair(tmp_path, 500)
    doc = invoke("diff", base, head, "--format", "json").json()
    assert {m["delta"] for m in doc["scenarios"][0]["metrics"]} == {0.0}
    assert doc["scenarios"][0]["warnings"] == [w for w in doc["scenarios"][0]["warnings"] if not w.startswith("base")]


def test_diff_over_the_limit_names_the_metric(tmp_path: Path) -> None:
    base, head = _pair(tmp_path, 1000)
    r = invoke("diff", base, head, "--max-increase", "30")
    assert r.exit_code == 1 and "serving: usd_per_day +38.5%" in r.stderr
    assert invoke("diff", base, head, "--max-increase", "nan").exit_code == 2


def test_dash_reads_the_scenario_or_budget_from_standard_input(tmp_path: Path) -> None:
    text = SERVING.format(500)
    r = invoke("infer", "-", "--format", "json", input=text)
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["usd_per_day"] == pytest.approx(3250.0)  # see test_diff_keeps_change_percent_readable
    train = invoke("train", "-", "--format", "json", input="kind: train\nversion: 1\nflops: 1e21\ngpus: 8\n"
                   "usd_per_gpu_hour: 2\n")
    assert train.exit_code == 0, train.stderr
    budget = "version: 1\nchecks:\n  - scenario: gpt-4\n    max: {total_usd: 1e12}\n"
    checked = invoke("check", "-", "--format", "json", input=budget)
    assert checked.exit_code == 0 and checked.json()["budget"] == "<stdin>"
    wrong = invoke("train", "-", input=text)
    assert wrong.exit_code == 2 and "<stdin>: kind is 'infer', not 'train'" in wrong.stderr
