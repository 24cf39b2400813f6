"""Shell conventions (issue 13): closed pipes, one-line usage errors, suggestions, completion, stdin, --quiet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ai_costs_command, invoke


def _with_closed_stdout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command with a stdout pipe whose reader has already gone (as after `| head -1`):
    the first write fails with EPIPE every time, not only when the reader wins a race."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([*ai_costs_command(), *args], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              cwd=cwd, timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ["train", "llama-3.1-405b"],
    ["compare-gpus", "llama-3.1-8b-self-hosted", "--format", "json"],
    ["catalog", "clouds"],
    ["--help"],
], ids=lambda a: " ".join(a))
def test_a_closed_pipe_exits_0_quietly(args: list[str], tmp_path: Path) -> None:
    proc = _with_closed_stdout(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr and "Exception" not in proc.stderr


def test_a_closed_pipe_does_not_hide_a_failed_check(tmp_path: Path) -> None:
    proc = _with_closed_stdout("train", "llama-3.1-405b", "--max", "total_usd=1", cwd=tmp_path)
    assert proc.returncode == 1 and "Over budget: total_usd" in proc.stderr


def test_usage_errors_are_one_line_without_a_panel() -> None:
    r = invoke("train", "--frobnicate")
    assert r.exit_code == 2
    assert r.stderr == "Error: No such option: --frobnicate. See 'ai-costs train --help'.\n"
    assert r.stdout == ""


def test_an_unknown_option_suggests_only_close_matches() -> None:
    assert "did you mean --format?" in invoke("train", "--formt", "json").stderr
    assert "did you mean --gpu-hours?" in invoke("train", "--gpu-hour", "1").stderr
    assert "did you mean" not in invoke("train", "--frobnicate").stderr


@pytest.mark.parametrize("args", [["train", "--format", "xml"], ["check"], ["nosuch"], ["train", "--gpus"]])
def test_every_parser_error_is_one_error_line(args: list[str]) -> None:
    r = invoke(*args)
    lines = r.stderr.splitlines()
    assert r.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: "), r.stderr
    assert "╭" not in r.stderr and "│" not in r.stderr


def test_usage_error_in_json_mode_is_one_json_document() -> None:
    r = invoke("train", "--frobnicate", "--format", "json")
    assert r.exit_code == 2
    assert r.json()["errors"] == [{"code": "usage_error",
                                   "message": "No such option: --frobnicate. See 'ai-costs train --help'."}]


def test_an_unknown_id_lists_the_three_closest_not_the_catalog() -> None:
    r = invoke("compare-gpus", "--task", "infer", "--model", "llama-3.1-8b", "--only", "h100,foo")
    assert r.exit_code == 2
    message = r.stderr.strip()
    assert message.startswith("Error: unknown accelerator (--only) 'foo'. Closest known: ")
    closest = message.split("Closest known: ")[1].split(".")[0].split(", ")
    assert len(closest) == 3
    assert message.endswith("`ai-costs catalog gpus` lists them all.")
    assert "Did you mean: h100" in invoke("train", "--gpu", "h10", "--flops", "1e20").stderr


def test_shell_completion_is_offered() -> None:
    out = invoke("--help", env={"COLUMNS": "120"}).stdout
    assert "--install-completion" in out and "--show-completion" in out
    script = invoke("--show-completion", "bash")
    assert script.exit_code == 0 and "_AI_COSTS_COMPLETE" in script.stdout


def test_a_json_run_of_a_preset_builds_only_its_command_and_parses_no_yaml(tmp_path: Path) -> None:
    # start-up (bench/startup.py): the other commands' modules, YAML and the unused models stay unloaded
    code = (
        "import sys\nfrom ai_costs.cli import run\n"
        "assert run(['train', 'llama-3.1-405b', '--format', 'json', '-q']) == 0\n"
        "loaded = set(sys.modules)\n"
        "assert 'yaml' not in loaded, 'yaml'\n"
        "others = {'ai_costs.cli.' + m for m in ('infer', 'breakeven', 'compare_gpus', 'check', 'diff', 'catalog')}\n"
        "assert not others & loaded, others & loaded\n"
        "assert not {'ai_costs.engine.infer', 'ai_costs.engine.breakeven', 'rich'} & loaded\n"
        "from ai_costs.models.scenario import InferScenario, TrainScenario\n"
        "assert InferScenario.__dict__['_pending_dataclass'] and not TrainScenario.__dict__['_pending_dataclass']\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr


def test_an_unknown_command_suggests_the_close_one() -> None:
    r = invoke("trian")
    assert r.stderr == "Error: No such command 'trian'. Did you mean 'train'? See 'ai-costs --help'.\n"
