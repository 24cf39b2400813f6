"""`presets` and `catalog` commands, user preset directories, and every shipped preset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_costs.presets import bundled_dir

from conftest import invoke

SHIPPED_TRAIN = ["gpt-4", "llama-3.1-405b", "deepseek-v3", "bloom-176b", "llama-3.1-8b-lora"]


def test_presets_list_shows_shipped_presets() -> None:
    r = invoke("presets", "list", "--format", "json")
    assert r.exit_code == 0
    names = {p["name"]: p for p in r.json()}
    assert set(SHIPPED_TRAIN) <= set(names)
    assert names["gpt-4"]["kind"] == "train" and names["gpt-4"]["origin"] == "bundled"


@pytest.mark.parametrize("name", SHIPPED_TRAIN)
def test_every_shipped_train_preset_runs(name: str) -> None:
    r = invoke("train", name, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["gpu_hours"] > 0


def test_gpt4_preset_is_labelled_as_third_party() -> None:
    text = invoke("presets", "show", "gpt-4").stdout
    assert "third part" in text.lower()


def test_user_preset_dir_shadows_and_extends(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("kind: train\nversion: 1\ndescription: mine\nflops: 1e20\ngpus: 2\n")
    r = invoke("presets", "list", "--presets-dir", str(tmp_path), "--format", "json")
    mine = next(p for p in r.json() if p["name"] == "mine")
    assert mine["origin"] == str(tmp_path)
    r = invoke("train", "mine", "--format", "json", env={"AI_COSTS_PRESETS_DIR": str(tmp_path)})
    assert r.exit_code == 0 and r.json()["summary"]["gpus"] == 2


def test_presets_path_lists_search_order(tmp_path: Path) -> None:
    lines = invoke("presets", "path", "--presets-dir", str(tmp_path)).stdout.splitlines()
    assert lines[0].startswith(str(tmp_path))
    assert str(bundled_dir()) in lines[-1]


@pytest.mark.parametrize("section", ["gpus", "models", "clouds", "apis", "energy"])
def test_catalog_commands(section: str) -> None:
    table = invoke("catalog", section)
    assert table.exit_code == 0 and table.stdout.strip()
    rows = json.loads(invoke("catalog", section, "--format", "json").stdout)
    assert rows and all(r["source"] and r["as_of"] for r in rows)
