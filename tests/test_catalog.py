"""Bundled data: validates strictly, ids unique, provenance on every entry, DESIGN.md ids present."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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
    return [*catalog.accelerators, *catalog.models, *catalog.offers, *catalog.apis, *catalog.unpriced_apis,
            *catalog.energy.defaults, *catalog.energy.references]


def test_every_entry_has_source_and_a_parseable_as_of(catalog) -> None:  # type: ignore[no-untyped-def]
    for entry in _all_entries(catalog):
        assert entry.source.strip(), entry
        assert as_of_date(entry.as_of) is not None, (entry, entry.as_of)


@pytest.mark.parametrize("section", ["accelerators", "models", "apis"])
def test_ids_and_aliases_unique(catalog, section: str) -> None:  # type: ignore[no-untyped-def]
    entries = [*getattr(catalog, section), *(catalog.unpriced_apis if section == "apis" else ())]
    names = [n.lower() for e in entries for n in (e.id, *e.aliases)]  # ids are matched ignoring case
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
    import dataclasses
    import json
    import zlib

    import yaml

    from ai_costs.catalog import _FILES
    from ai_costs.models._schema import validate

    data = Path(__file__).resolve().parent.parent / "ai_costs" / "data"
    for section, (name, model, _) in _FILES.items():
        text = (data / name).read_text(encoding="utf-8")
        copy = json.loads((data / "_compiled" / f"{section}.json").read_text(encoding="utf-8"))
        assert copy["crc32"] == zlib.crc32(text.encode("utf-8")), f"{section}: run python -m ai_costs.catalog"
        # the copy holds the catalog as validated (every field, numbers parsed), so a run can skip validation
        parsed = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C loader: apis.yaml is 1.4 MB
        validated = dataclasses.asdict(validate(model, parsed, origin=name))
        assert copy["validated"] is True and copy["data"] == json.loads(json.dumps(validated))
    index = (data / "_compiled" / "apis.idx").read_bytes()
    assert json.loads(index.split(b"\n", 1)[0])["crc32"] == zlib.crc32((data / "apis.yaml").read_bytes())


def test_compiling_validates_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Run time builds the entries it uses without validating them, so compiling must reject a bad entry.
    import shutil

    import ai_costs.catalog as c

    data = tmp_path / "data"
    shutil.copytree(c.DATA_DIR, data, ignore=shutil.ignore_patterns("_compiled"))
    apis = data / "apis.yaml"
    apis.write_text(apis.read_text().replace("usd_per_million_input_tokens: 2.5,", "usd_per_million_input_tokens: -2.5,",
                                             1))
    monkeypatch.setattr(c, "DATA_DIR", data)
    with pytest.raises(InvalidInput, match=r"ai_costs/data/apis\.yaml"):
        c.compile_bundled(tmp_path / "out")


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
    import dataclasses
    import json
    import zlib

    import yaml

    from ai_costs.models._schema import validate
    from ai_costs.models.scenario import SCENARIO_KINDS

    root = Path(__file__).resolve().parent.parent
    copies = json.loads((root / "ai_costs" / "data" / "_compiled" / "presets.json").read_text(encoding="utf-8"))
    presets = sorted((root / "presets").glob("*.yaml"))
    assert sorted(copies) == [p.name for p in presets], "run python -m ai_costs.catalog"
    for path in presets:
        text = path.read_text(encoding="utf-8")
        assert copies[path.name]["crc32"] == zlib.crc32(text.encode("utf-8")), f"{path.name}: run python -m ai_costs.catalog"
        data = yaml.safe_load(text)
        validated = dataclasses.asdict(validate(SCENARIO_KINDS[data["kind"]], data, origin=path.name))
        assert copies[path.name]["validated"] is True and copies[path.name]["data"] == json.loads(json.dumps(validated))


# --- provenance and staleness (issue 12) ------------------------------------------------------------

def test_every_dated_figure_has_a_source_and_a_parseable_date(catalog) -> None:  # type: ignore[no-untyped-def]
    for entry in _all_entries(catalog):
        assert entry.as_of.strip(), entry
    # A purchase price is a second figure inside an accelerator entry: it carries its own pair.
    for acc in catalog.accelerators:
        if acc.purchase_usd is not None:
            assert acc.purchase_source and acc.purchase_source.strip(), acc.id
            assert acc.purchase_as_of and as_of_date(acc.purchase_as_of) is not None, acc.id
        else:
            assert acc.purchase_source is None and acc.purchase_as_of is None, acc.id


def test_no_duplicate_offer_keys(catalog) -> None:  # type: ignore[no-untyped-def]
    keys = [(o.provider, o.accelerator, o.pricing, o.instance) for o in catalog.offers]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1}, key=str)


def test_flagship_prices_are_fresh_and_old_ones_still_flagged() -> None:
    # README examples run on H100 rentals: at a fixed date (2026-12-03), an H100 on-demand offer younger than
    # 18 months must exist, while the 2023 AWS p5 launch price keeps its stale flag.
    from ai_costs.models.catalog import is_stale

    catalog = load_catalog()
    today = dt.date(2026, 12, 3)
    h100 = [o for o in catalog.offers_for("h100-sxm") if o.pricing == "on-demand"]
    assert any(not is_stale(o.as_of, today) for o in h100)
    aws = next(o for o in h100 if o.provider == "aws" and o.instance == "p5.48xlarge")
    assert is_stale(aws.as_of, today)
    # MI300X and GB200 were unpriced before issue 12.
    for acc in ("mi300x", "gb200"):
        assert any(not is_stale(o.as_of, today) for o in catalog.offers_for(acc)), acc


FLAGSHIPS = (("train", "llama-3.1-405b"), ("infer", "llama-3.1-70b-self-hosted"))


def _flagship(kind: str, preset: str, today: dt.date, **overrides: Any) -> dict[str, Any]:
    """A bundled preset estimated as `ai-costs <kind> <preset>` would, but at a fixed date."""
    from ai_costs.cli._scenarios import load
    from ai_costs.engine.infer import estimate_inference
    from ai_costs.engine.train import estimate_training

    scenario = load(kind, preset, overrides, ())
    if kind == "train":
        return estimate_training(scenario, load_catalog(), today=today).to_dict()
    return estimate_inference(scenario, load_catalog(), today=today).to_dict()


@pytest.mark.parametrize(("kind", "preset"), FLAGSHIPS)
def test_flagship_stale_warning_iff_a_used_figure_is_over_18_months_old(kind: str, preset: str) -> None:
    # Fixed dates, never the wall clock. An as_of reads as the end of its period; stale after 548 days.
    # On 2026-12-03:  grid_gco2_per_kwh "2025-10" -> 2025-10-28,  401 days: fresh
    #                 pue "2025"                  -> 2025-12-28,  340 days: fresh
    #                 nebius h100 "2025"          -> 2025-12-28,  340 days: fresh
    # so the flagships print no stale-data warning. On 2027-06-01 the grid figure is 581 days old (the
    # others 520): the warning names it alone, and an AWS 2023 price the run does not use never appears.
    late = _flagship(kind, preset, dt.date(2026, 12, 3))
    assert not any(s["stale"] for s in late["sources"])
    assert not any("over 18 months old" in w for w in late["warnings"])

    later = _flagship(kind, preset, dt.date(2027, 6, 1))
    stale = {s["id"]: s["as_of"] for s in later["sources"] if s["stale"]}
    assert stale == {"grid_gco2_per_kwh": "2025-10"}
    warned = [w for w in later["warnings"] if "over 18 months old" in w]
    assert len(warned) == 1 and "grid_gco2_per_kwh (2025-10)" in warned[0] and "aws" not in warned[0]


def test_owned_flagship_electricity_price_is_fresh_at_a_fixed_date() -> None:
    # usd_per_kwh "2025-12" (EIA 2025 US industrial average) -> 2025-12-28, 340 days before 2026-12-03: fresh.
    report = _flagship("train", "llama-3.1-405b", dt.date(2026, 12, 3), pricing="owned")
    kwh = next(s for s in report["sources"] if s["id"] == "usd_per_kwh")
    assert kwh["as_of"] == "2025-12" and not kwh["stale"]


# --- model shapes (issue 12) -----------------------------------------------------------------------

def test_moe_and_local_attention_fields_are_consistent(catalog) -> None:  # type: ignore[no-untyped-def]
    for m in catalog.models:
        if m.experts is not None:
            assert m.experts_per_token is not None and m.experts_per_token <= m.experts, m.id
            assert m.is_moe, m.id
        if m.moe_layers is not None:
            assert m.experts is not None and m.moe_layers <= m.layers, m.id
        if m.sliding_window_layers is not None:
            assert m.sliding_window is not None and m.sliding_window_layers <= m.layers, m.id
        assert m.active_params <= m.total_params, m.id


@pytest.mark.parametrize(("model_id", "published"), [
    # Exact counts published in keras-team/keras-hub (qwen3_presets.py, qwen3_moe_presets.py, gemma3_presets.py).
    ("qwen3-0.6b", 596_049_920), ("qwen3-8b", 8_190_735_360), ("qwen3-32b", 32_762_123_264),
    ("qwen3-30b-a3b", 30_532_122_624), ("qwen3-235b-a22b", 235_093_634_560), ("gemma-3-1b", 999_885_952),
])
def test_param_counts_match_published_exact_counts(catalog, model_id: str, published: int) -> None:  # type: ignore[no-untyped-def]
    # The catalog rounds to 3-4 significant figures: within 0.2%.
    assert catalog.model(model_id).total_params == pytest.approx(published, rel=2e-3)


def test_dense_param_count_from_shapes_by_hand(catalog) -> None:  # type: ignore[no-untyped-def]
    # Qwen3-8B (config.json: untied embeddings, QK-norm, no biases). By hand from the published shapes:
    # attention 4096*128*(32+8+8+32) = 41,943,040; MLP 3*4096*12288 = 150,994,944; norms 2*4096 + 2*128 = 8,448
    # -> 192,946,432 per layer x 36 = 6,946,071,552; embeddings 2*151936*4096 = 1,244,659,712; final norm 4,096
    # -> 8,190,735,360, keras-hub's published count. The same sum over the catalog's shapes must give it.
    m = catalog.model("qwen3-8b")
    attention = m.hidden_size * m.head_dim * (2 * m.heads + 2 * m.kv_heads)
    per_layer = attention + 3 * m.hidden_size * m.ffn_size + 2 * m.hidden_size + 2 * m.head_dim
    total = m.layers * per_layer + 2 * m.vocab_size * m.hidden_size + m.hidden_size
    assert total == 8_190_735_360
    assert m.total_params == pytest.approx(total, rel=2e-3)


def test_new_accelerators_present_with_dense_peaks(catalog) -> None:  # type: ignore[no-untyped-def]
    for acc in ("b300", "gb300", "mi350x", "mi355x", "tpu-v7", "trainium3", "rtx-pro-6000", "h20"):
        assert catalog.accelerator(acc).peak_tflops, acc
    # AMD: MI355X 20.1 PFLOPS FP4 *with sparsity* (AMD, 2025-06), so ~10,050 dense.
    assert catalog.accelerator("mi355x").peak_tflops["fp4"] == pytest.approx(10_050, rel=0.01)
    # Google Cloud TPU7x docs: 2,307 BF16 TFLOPS per chip, 9,216 chips per pod.
    assert catalog.accelerator("ironwood").peak_tflops["bf16"] == pytest.approx(2307)
    assert catalog.accelerator("tpu-v7").scale_up_domain == 9216
    assert catalog.accelerator("gb200").scale_up_domain == 72


@pytest.mark.parametrize("section", ["gpus", "models", "clouds", "apis", "energy"])
def test_the_unvalidated_fast_path_builds_what_validation_builds(section: str) -> None:
    # load_section builds the bundled entries from the compiled copy without the validators
    from ai_costs._yaml import load_yaml_text
    from ai_costs.catalog import _FILES, DATA_DIR
    from ai_costs.models._schema import validate

    name, model, field = _FILES[section]
    fast = load_section(section)
    slow = validate(model, load_yaml_text((DATA_DIR / name).read_text(encoding="utf-8"), origin=name), origin=name)
    assert fast == slow and isinstance(getattr(fast, field), tuple)
    assert all(isinstance(e.aliases, tuple) for e in getattr(fast, field) if hasattr(e, "aliases"))


def test_a_bundled_preset_without_overrides_is_built_as_validation_builds_it() -> None:
    from ai_costs.models._schema import validate
    from ai_costs.models.scenario import SCENARIO_KINDS
    from ai_costs.presets import build_scenario, bundled_dir, read_data

    for path in sorted(bundled_dir().glob("*.yaml")):
        kind = read_data(path)["kind"]
        fast = build_scenario(SCENARIO_KINDS[kind], kind, path.stem, {})
        assert fast == validate(SCENARIO_KINDS[kind], read_data(path), origin=path.name), path.name


def test_entries_built_from_the_compiled_copy_are_complete_dataclasses(tmp_path: Path) -> None:
    # in a fresh process, before anything else makes the classes dataclasses (models/_base.py makes them on
    # first use): replace, asdict, equality and repr must work on entries built without __init__
    import subprocess
    import sys

    code = ("import dataclasses\nfrom ai_costs.catalog import load_catalog\n"
            "m = load_catalog().model('llama-3.1-8b')\n"
            "assert dataclasses.replace(m, layers=1).layers == 1 and dataclasses.asdict(m)['id'] == 'llama-3.1-8b'\n"
            "assert m == load_catalog().model('llama-3.1-8b') and repr(m).startswith('ModelSpec(id=')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
