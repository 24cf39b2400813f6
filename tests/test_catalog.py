"""Bundled data: validates strictly, ids unique, provenance on every entry, DESIGN.md ids present."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_costs.catalog import load_catalog, load_section
from ai_costs.errors import InvalidInput, UnknownId
from ai_costs.models.catalog import as_of_date

DESIGN_GPUS = (
    "a100-40gb a100-80gb h100-sxm h100-pcie h100-nvl h800 h200 b200 gb200 l40s l4 a10g t4 v100 rtx-4090 "
    "mi300x mi325x gaudi3 tpu-v4 tpu-v5e tpu-v5p tpu-v6e trainium2 inferentia2"
).split()
DESIGN_MODELS = (
    "llama-3.1-8b llama-3.1-70b llama-3.1-405b llama-2-70b llama-3-8b llama-3-70b mixtral-8x7b "
    "mixtral-8x22b deepseek-v3 deepseek-r1 qwen2.5-72b mistral-7b gpt-3-175b"
).split()


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


def _all_entries(catalog):  # type: ignore[no-untyped-def]
    return [*catalog.accelerators, *catalog.models, *catalog.offers, *catalog.apis,
            *catalog.energy.defaults, *catalog.energy.references]


def test_every_entry_has_source_and_a_parseable_as_of(catalog) -> None:  # type: ignore[no-untyped-def]
    for entry in _all_entries(catalog):
        assert entry.source.strip(), entry
        assert as_of_date(entry.as_of) is not None, (entry, entry.as_of)


@pytest.mark.parametrize("section", ["accelerators", "models", "apis"])
def test_ids_and_aliases_unique(catalog, section: str) -> None:  # type: ignore[no-untyped-def]
    names = [n for e in getattr(catalog, section) for n in (e.id, *e.aliases)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_design_ids_present(catalog) -> None:  # type: ignore[no-untyped-def]
    assert set(DESIGN_GPUS) <= {a.id for a in catalog.accelerators}
    assert set(DESIGN_MODELS) <= {m.id for m in catalog.models}
    assert len(catalog.models) >= 15
    assert {m.id for m in catalog.models if m.is_moe} >= {"mixtral-8x7b", "deepseek-v3"}


def test_alias_resolves(catalog) -> None:  # type: ignore[no-untyped-def]
    assert catalog.accelerator("h100").id == "h100-sxm"
    assert catalog.accelerator("H100-SXM").id == "h100-sxm"


def test_unknown_id_suggests_near_ids(catalog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownId) as info:
        catalog.accelerator("h1000")
    assert any(s.startswith("h100") for s in info.value.suggestions)


def test_cloud_offers_reference_known_accelerators_and_three_providers(catalog) -> None:  # type: ignore[no-untyped-def]
    ids = {a.id for a in catalog.accelerators}
    assert {o.accelerator for o in catalog.offers} <= ids
    market = {o.provider for o in catalog.offers if o.pricing != "assumed"}
    assert len(market) >= 3
    assert any(o.pricing == "on-demand" for o in catalog.offers)


def test_energy_defaults_present(catalog) -> None:  # type: ignore[no-untyped-def]
    for key in ("pue", "usd_per_kwh", "grid_gco2_per_kwh", "training_power_fraction", "inference_power_fraction"):
        assert catalog.energy_default(key).value > 0


def test_dense_peaks_are_not_sparse_figures(catalog) -> None:  # type: ignore[no-untyped-def]
    # NVIDIA H100 SXM datasheet: 1,979 BF16 TFLOPS *with sparsity*, so 989.4 dense.
    assert catalog.accelerator("h100-sxm").peak_tflops["bf16"] == pytest.approx(989.4, rel=0.01)
    # NVIDIA A100 datasheet: 312 BF16 TFLOPS dense.
    assert catalog.accelerator("a100-80gb").peak_tflops["bf16"] == pytest.approx(312, rel=0.01)


def test_override_file_replaces_entry_by_id(tmp_path: Path) -> None:
    (tmp_path / "gpus.yaml").write_text(
        "version: 1\naccelerators:\n"
        "  - {id: h100-sxm, name: mine, vendor: nvidia, memory_gb: 80, memory_bandwidth_gb_per_s: 3350,"
        " peak_tflops: {bf16: 500}, source: my lab, as_of: '2026-01'}\n"
    )
    catalog = load_catalog([tmp_path])
    assert catalog.accelerator("h100-sxm").peak_tflops["bf16"] == 500
    assert catalog.accelerator("a100-80gb").id == "a100-80gb"  # the rest is still bundled


def test_override_with_unknown_field_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "gpus.yaml").write_text(
        "version: 1\naccelerators:\n"
        "  - {id: x1, name: x, vendor: nvidia, memory_gb: 80, memory_bandwidth_gb_per_s: 1,"
        " peak_tflops: {bf16: 1}, source: s, as_of: '2026', memroy_gb: 3}\n"
    )
    with pytest.raises(InvalidInput, match="memroy_gb: unknown field"):
        load_section("gpus", [tmp_path])


def test_compiled_json_copies_match_the_yaml() -> None:
    # ai_costs/data/_compiled/*.json are pre-parsed copies (start-up time); regenerate them with
    # `python -m ai_costs.catalog` after editing a catalog.
    import json
    import zlib

    import yaml

    from ai_costs.catalog import _FILES

    data = Path(__file__).resolve().parent.parent / "ai_costs" / "data"
    for section, (name, _, _) in _FILES.items():
        text = (data / name).read_text(encoding="utf-8")
        copy = json.loads((data / "_compiled" / f"{section}.json").read_text(encoding="utf-8"))
        assert copy["crc32"] == zlib.crc32(text.encode("utf-8")), f"{section}: run python -m ai_costs.catalog"
        assert copy["data"] == yaml.safe_load(text)


def test_a_stale_compiled_copy_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    import ai_costs._yaml as y
    import ai_costs.catalog as c
    from ai_costs.presets import bundled_dir, read_data

    monkeypatch.setattr(y, "load_yaml_text", lambda text, origin: {"parsed": "from yaml"})
    preset = bundled_dir() / "gpt-4.yaml"
    assert c.bundled_data("energy") != {"parsed": "from yaml"}  # the matching JSON copy is used
    assert read_data(preset) != {"parsed": "from yaml"}
    monkeypatch.setattr(y, "checksum", lambda text: -1)  # as if the YAML had been edited since compiling
    assert c.bundled_data("energy") == {"parsed": "from yaml"}  # the stale copy is ignored
    assert read_data(preset) == {"parsed": "from yaml"}


def test_compiled_preset_copies_match_the_presets() -> None:
    import json
    import zlib

    import yaml

    root = Path(__file__).resolve().parent.parent
    copies = json.loads((root / "ai_costs" / "data" / "_compiled" / "presets.json").read_text(encoding="utf-8"))
    presets = sorted((root / "presets").glob("*.yaml"))
    assert sorted(copies) == [p.name for p in presets], "run python -m ai_costs.catalog"
    for path in presets:
        text = path.read_text(encoding="utf-8")
        assert copies[path.name]["crc32"] == zlib.crc32(text.encode("utf-8")), f"{path.name}: run python -m ai_costs.catalog"
        assert copies[path.name]["data"] == yaml.safe_load(text)
