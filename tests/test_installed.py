"""The installed console script, run as a user would: from another directory, as a subprocess."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_installed


def test_lists_presets_and_runs_every_one_from_another_directory(tmp_path: Path) -> None:
    listed = run_installed("presets", "list", "--format", "json", cwd=tmp_path)
    assert listed.exit_code == 0, listed.stderr
    import json

    presets = json.loads(listed.stdout)
    assert presets, "no presets shipped"
    for preset in presets:
        r = run_installed(preset["kind"], preset["name"], "--format", "json", cwd=tmp_path)
        assert r.exit_code == 0, (preset["name"], r.stderr)
        assert json.loads(r.stdout)["status"] == "ok"


def test_errors_have_no_traceback(tmp_path: Path) -> None:
    r = run_installed("train", "--gpu", "h1000", "--flops", "1e20", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Traceback" not in r.stderr and "Did you mean" in r.stderr


@pytest.mark.parametrize("args", [["--version"], ["train", "--help"]])
def test_python_dash_m(tmp_path: Path, args: list[str]) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ai_costs", *args], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="CI installs the wheel; a dev checkout may be editable")
def test_ci_tests_the_installed_wheel_not_the_source_tree() -> None:
    import ai_costs

    assert "site-packages" in ai_costs.__file__, ai_costs.__file__


def test_usage_errors_are_json_in_json_mode(tmp_path: Path) -> None:
    import json

    import jsonschema

    r = run_installed("train", "--frobnicate", "--format", "json", cwd=tmp_path)
    assert r.exit_code == 2 and "No such option" in r.stderr
    doc = json.loads(r.stdout)
    assert doc["status"] == "error" and doc["errors"][0]["code"] == "usage_error" and doc["command"] == "train"
    schema = json.loads((Path(__file__).parent.parent / "docs/schema/error.schema.json").read_text())
    jsonschema.validate(doc, schema)
    plain = run_installed("train", "--frobnicate", cwd=tmp_path)  # table mode: typer's usual message
    assert plain.exit_code == 2 and plain.stdout == ""
