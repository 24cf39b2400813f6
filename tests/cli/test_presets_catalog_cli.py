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


@pytest.mark.parametrize(("section", "numeric"), [
    ("gpus", ["memory_gb", "memory_bandwidth_gb_per_s", "bf16_tflops", "tdp_watts"]),
    ("models", ["total_params", "active_params", "layers", "context_length", "heads", "kv_heads"]),
    ("clouds", ["usd_per_gpu_hour"]),
    ("apis", ["usd_per_million_input_tokens", "usd_per_million_output_tokens"]),
    ("energy", ["value"]),
])
def test_catalog_csv_writes_numbers_not_display_strings(section: str, numeric: list[str]) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(invoke("catalog", section, "--format", "csv").stdout)))
    assert len(rows) == len(json.loads(invoke("catalog", section, "--format", "json").stdout))
    for key in numeric:
        cells = [row[key] for row in rows if row[key] != ""]
        assert cells, key
        for cell in cells:
            float(cell)  # "1,555", "8.0B" or "-50%" would raise


def test_catalog_csv_keeps_the_h100_figures_exact() -> None:
    import csv
    import io

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(invoke("catalog", "gpus", "--format", "csv").stdout))}
    # NVIDIA H100 SXM datasheet: 80 GB, 3.35 TB/s, 989 dense BF16 TFLOP/s (1,979 with sparsity), 700 W
    h100 = rows["h100-sxm"]
    assert (float(h100["memory_gb"]), float(h100["memory_bandwidth_gb_per_s"]), float(h100["tdp_watts"])) \
        == (80, 3350, 700)
    assert float(h100["bf16_tflops"]) == pytest.approx(989, abs=1)
    assert "h100" in h100["aliases"].split("; ") and h100["source"]
    models = {r["id"]: r for r in csv.DictReader(io.StringIO(invoke("catalog", "models", "--format", "csv").stdout))}
    # Llama 3.1 8B config.json: 32 layers, 32 heads, 8 KV heads, 131,072 context
    assert [int(models["llama-3.1-8b"][k]) for k in ("layers", "heads", "kv_heads", "context_length")] \
        == [32, 32, 8, 131072]


def test_catalog_filters() -> None:
    amd = json.loads(invoke("catalog", "gpus", "--vendor", "amd", "--format", "json").stdout)
    assert amd and {a["vendor"] for a in amd} == {"amd"}
    llama = json.loads(invoke("catalog", "models", "--search", "LLAMA-3.1", "--format", "json").stdout)
    assert {m["id"] for m in llama} >= {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"}
    assert all("llama-3.1" in m["id"] or any("llama-3.1" in a for a in m["aliases"]) for m in llama)
    by_alias = json.loads(invoke("catalog", "gpus", "--search", "sxm5", "--format", "json").stdout)
    assert "h100-sxm" in {a["id"] for a in by_alias}  # found by its alias h100-sxm5
    aws = json.loads(invoke("catalog", "clouds", "--provider", "aws", "--vendor", "nvidia", "--format", "json").stdout)
    assert aws and {o["provider"] for o in aws} == {"aws"}
    assert invoke("catalog", "gpus", "--vendor", "nvida").exit_code == 2


def test_catalog_wide_shows_aliases_and_sources() -> None:
    narrow = invoke("catalog", "gpus", "--search", "h100-sxm").stdout
    wide = invoke("catalog", "gpus", "--search", "h100-sxm", "--wide").stdout
    assert "aliases" not in narrow and "source" not in narrow
    assert "aliases" in wide and "h100-sxm5" in wide and "NVIDIA" in wide
