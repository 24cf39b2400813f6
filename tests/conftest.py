"""Shared fixtures: a hermetic environment, a CLI runner, and the installed command."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ai_costs.cli import run

DATA = Path(__file__).parent / "data"
SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@functools.cache
def load_script(name: str) -> Any:
    """A module of scripts/ (they are run as files, not installed)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user presets or config leak into a test (llm's env_setup pattern)."""
    monkeypatch.delenv("AI_COSTS_PRESETS_DIR", raising=False)
    monkeypatch.delenv("AI_COSTS_DEBUG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(*args: str, env: dict[str, str] | None = None, input: str | bytes | None = None) -> Run:
    """Run the CLI in-process through its real entry point (`ai_costs.cli.run`, as the console script
    does), with stdin, stdout, stderr and the environment isolated. Bugs are not hidden: with
    AI_COSTS_DEBUG an internal error raises instead of becoming exit status 2."""
    with CliRunner().isolation(input=input, env={"AI_COSTS_DEBUG": "1", **(env or {})}) as (out, err, _):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


def ai_costs_command() -> list[str]:
    """The installed console script, next to this interpreter (falls back to `python -m ai_costs`)."""
    script = Path(sys.executable).parent / "ai-costs"
    if script.exists():
        return [str(script)]
    found = shutil.which("ai-costs")
    return [found] if found else [sys.executable, "-m", "ai_costs"]


def run_installed(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed command as a subprocess from `cwd` (not the source tree)."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [*ai_costs_command(), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
