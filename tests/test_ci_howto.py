"""docs/how-to/ci-budget-check.md: its files are written out and its commands run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ai_costs_command

DOC = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "ci-budget-check.md"
FILE_BLOCK = re.compile(r"```\w+ (\S+)\n(.*?)```", re.S)


def _workspace(tmp_path: Path) -> Path:
    for name, body in FILE_BLOCK.findall(DOC.read_text(encoding="utf-8")):
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return tmp_path


def _env(tmp_path: Path) -> dict[str, str]:
    bin_dir = str(Path(ai_costs_command()[0]).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "GITHUB_BASE_REF": "main",
            "HOME": str(tmp_path)}


def _run(line: str, cwd: Path, env: dict[str, str]) -> int:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120).returncode


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_github_workflow_commands_run(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    env = _env(tmp_path)
    workflow = yaml.safe_load((ws / ".github/workflows/ai-costs.yml").read_text())
    ran = 0
    for step in workflow["jobs"]["budget"]["steps"]:
        for line in str(step.get("run", "")).splitlines():
            if line.startswith("git show"):  # no git history here: the base is the same file
                (ws / "base-serving.yaml").write_text((ws / "ci/serving.yaml").read_text())
            elif line.startswith("ai-costs"):
                assert _run(line, ws, env) == 0, line
                ran += 1
    assert ran == 2
    assert "within budget" in (ws / "budget.md").read_text()
    assert (ws / "diff.md").read_text().startswith("### ai-costs diff")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_shell_script_passes_then_fails_when_a_limit_is_tightened(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    env = _env(tmp_path)
    assert _run("bash ci/check-budget.sh", ws, env) == 0
    budget = ws / "ci/budget.yaml"
    budget.write_text(budget.read_text().replace("usd_per_day: 150", "usd_per_day: 1"))
    assert _run("bash ci/check-budget.sh", ws, env) == 1
    budget.write_text(budget.read_text().replace("scenario: serving.yaml", "scenario: missing.yaml"))
    assert _run("bash ci/check-budget.sh", ws, env) == 2
