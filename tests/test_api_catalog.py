"""The API catalog: generated from LiteLLM's price file (scripts/import_litellm_prices.py), curated entries
merged over it, unpriced entries never costed, one id looked up without loading thousands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_costs import catalog as loader
from ai_costs.catalog import find_bundled_api, load_catalog
from ai_costs.errors import InvalidInput
from ai_costs.litellm import PriceFileError, convert, merge_curated
from ai_costs.models.catalog import ApiPrice, UnpricedApi

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
# Verbatim entries of LiteLLM 1.110.2's model_prices_and_context_window.json (tests/data/README.md).
SUBSET = DATA / "litellm_1.110.2_subset.json"
SOURCE, AS_OF = "LiteLLM 1.110.2 model price file", "2026-11-20"  # PyPI upload date of litellm 1.110.2


@pytest.fixture(scope="module")
def converted() -> dict[str, dict[str, Any]]:
    found = convert(json.loads(SUBSET.read_text()), source=SOURCE, as_of=AS_OF)
    return {e["id"]: e for e in [*found.priced, *found.unpriced]}


def test_prices_are_the_file_s_per_million(converted: dict[str, dict[str, Any]]) -> None:
    # gpt-5.4 in the file: input 2.5e-06, cache read 2.5e-07, output 1.5e-05 USD per token; batches 1.25e-06
    # / 7.5e-06, cache read batches 1.3e-07; above 272k: 5e-06 / 2.25e-05, cache read 5e-07, batches
    # 2.5e-06 / 1.125e-05.
    e = converted["gpt-5.4"]
    assert (e["usd_per_million_input_tokens"], e["usd_per_million_cached_input_tokens"],
            e["usd_per_million_output_tokens"]) == (2.5, 0.25, 15)
    assert (e["usd_per_million_batch_input_tokens"], e["usd_per_million_batch_output_tokens"],
            e["usd_per_million_batch_cached_input_tokens"]) == (1.25, 7.5, 0.13)
    assert e["long_context_tiers"] == [{
        "above_input_tokens": 272_000, "usd_per_million_input_tokens": 5, "usd_per_million_output_tokens": 22.5,
        "usd_per_million_cached_input_tokens": 0.5, "usd_per_million_batch_input_tokens": 2.5,
        "usd_per_million_batch_output_tokens": 11.25}]
    assert e["reasoning"] is True and e["provider"] == "openai" and (e["source"], e["as_of"]) == (SOURCE, AS_OF)
    # claude-opus-4-8: 5e-06 / 2.5e-05, cache read 5e-07, cache write 6.25e-06.
    e = converted["claude-opus-4-8"]
    assert (e["usd_per_million_input_tokens"], e["usd_per_million_output_tokens"],
            e["usd_per_million_cached_input_tokens"], e["usd_per_million_cache_write_tokens"]) == (5, 25, 0.5, 6.25)
    # deepseek-v4-pro: 1.32e-06 / 3.96e-06, cache read 4.4e-08; its cache write is 0.0 = not priced, left out.
    e = converted["deepseek-v4-pro"]
    assert (e["usd_per_million_input_tokens"], e["usd_per_million_output_tokens"],
            e["usd_per_million_cached_input_tokens"]) == (1.32, 3.96, 0.044)
    assert "usd_per_million_cache_write_tokens" not in e
    # perplexity/sonar-deep-research: output 8e-06, output_cost_per_reasoning_token 3e-06.
    assert converted["perplexity/sonar-deep-research"]["usd_per_million_reasoning_tokens"] == 3


def test_tiered_pricing_ranges_become_base_price_and_tiers(converted: dict[str, dict[str, Any]]) -> None:
    # dashscope/qwen-flash has no flat price, only ranges: [0, 256000] at 5e-08 / 4e-07 and
    # [256000, 1000000] at 2.5e-07 / 2e-06 USD per token.
    e = converted["dashscope/qwen-flash"]
    assert (e["usd_per_million_input_tokens"], e["usd_per_million_output_tokens"]) == (0.05, 0.4)
    assert e["long_context_tiers"] == [{"above_input_tokens": 256_000, "usd_per_million_input_tokens": 0.25,
                                        "usd_per_million_output_tokens": 2}]


def test_zero_or_missing_prices_are_unpriced_and_other_modes_left_out(converted: dict[str, dict[str, Any]]) -> None:
    # azure/container (mode chat) has only a code-interpreter session price: no per-token price.
    e = converted["azure/container"]
    assert "usd_per_million_input_tokens" not in e and "No per-token input and output price" in e["note"]
    assert "text-embedding-3-small" not in converted  # mode: embedding


def test_deprecation_before_the_release_retires_the_entry(converted: dict[str, dict[str, Any]]) -> None:
    assert converted["gpt-4"]["status"] == "retired"  # deprecation_date 2026-10-23, before 2026-11-20
    assert converted["gpt-4o"]["status"] == "active"  # deprecation_date 2027-01-14
    assert "2027-01-14" in converted["gpt-4o"]["note"]


def test_curated_entries_win_and_say_so() -> None:
    found = convert(json.loads(SUBSET.read_text()), source=SOURCE, as_of=AS_OF)
    curated = yaml.safe_load((ROOT / "scripts" / "apis_curated.yaml").read_text())
    merged = {e["id"]: e for e in merge_curated(found, curated, label="LiteLLM 1.110.2").priced}
    sonnet = merged["claude-sonnet-4-5"]
    assert sonnet["long_context_usd_per_million_input_tokens"] == 6  # Anthropic pricing page, >200K input
    assert "wins over LiteLLM 1.110.2's claude-sonnet-4-5 at $3/$15 per 1M" in sonnet["note"]
    assert "claude-sonnet-4-5-20250929" not in merged  # LiteLLM's dated id is now an alias of the curated one
    assert "claude-sonnet-4-5-20250929" in sonnet["aliases"]
    assert "together/llama-3.1-405b" in merged["together_ai/meta-llama/Llama-3.1-405B-Instruct"]["aliases"]
    assert "has no entry with this id" in merged["claude-3-opus"]["note"]


def test_a_name_given_to_two_entries_is_an_error() -> None:
    found = convert(json.loads(SUBSET.read_text()), source=SOURCE, as_of=AS_OF)
    with pytest.raises(PriceFileError, match="'gpt-4o' names both"):
        merge_curated(found, {"aliases": {"gpt-5.4": ["gpt-4o"]}}, label="LiteLLM")
    with pytest.raises(PriceFileError, match="not a priced id"):
        merge_curated(found, {"aliases": {"no-such-model": ["x"]}}, label="LiteLLM")


def _generate(out: Path) -> bytes:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "import_litellm_prices.py"), str(SUBSET),
                    "--litellm-version", "1.110.2", "--as-of", AS_OF, "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    return out.read_bytes()


def test_the_script_is_deterministic_and_sorted(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a.yaml")
    assert first == _generate(tmp_path / "b.yaml")
    text = first.decode()
    assert text.startswith("# GENERATED by scripts/import_litellm_prices.py")
    data = yaml.safe_load(text)
    keys = [(e["provider"].lower(), e["id"].lower()) for e in data["apis"]]
    assert keys == sorted(keys)
    assert [e["id"] for e in data["unpriced"]] == ["azure/container"]


# --- the bundled, generated catalog -----------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():  # type: ignore[no-untyped-def]
    return load_catalog()


def test_bundled_catalog_has_the_2026_models_at_the_file_s_prices(bundled) -> None:  # type: ignore[no-untyped-def]
    assert len(bundled.apis) >= 300
    # (input, output, cached) USD per 1M from LiteLLM 1.110.2 (values above, times 1e6).
    expected = {"gpt-5.4": (2.5, 15, 0.25), "claude-opus-4-8": (5, 25, 0.5),
                "gemini-3.1-pro-preview": (2, 12, 0.2), "deepseek-v4-pro": (1.32, 3.96, 0.044)}
    for id_, (p_in, p_out, p_cached) in expected.items():
        api = bundled.api(id_)
        assert (api.usd_per_million_input_tokens, api.usd_per_million_output_tokens,
                api.usd_per_million_cached_input_tokens) == pytest.approx((p_in, p_out, p_cached), rel=1e-12)
        assert (api.source, api.as_of) == (SOURCE, AS_OF)


def test_gpt4o_keeps_its_price(bundled) -> None:  # type: ignore[no-untyped-def]
    # OpenAI pricing page: GPT-4o $2.50 input, $1.25 cached, $10 output, batch API half price; LiteLLM
    # 1.110.2 lists the same, so its entry (dated 2026-11-20) replaced the curated one (dated 2024-08-06).
    api = bundled.api("gpt-4o")
    assert (api.usd_per_million_input_tokens, api.usd_per_million_cached_input_tokens,
            api.usd_per_million_output_tokens) == (2.5, 1.25, 10)
    assert (api.usd_per_million_batch_input_tokens, api.usd_per_million_batch_output_tokens) == (1.25, 5)


# The 42 ids of the catalog before it was generated, and their aliases: all still resolve.
EARLIER_IDS = """
gpt-4 gpt-4-0613 gpt-4-turbo gpt-4-turbo-2024-04-09 gpt-4-1106-preview gpt-4o-2024-05-13 gpt-4o gpt-4o-2024-08-06
gpt-4o-2024-11-20 gpt-4o-mini gpt-4o-mini-2024-07-18 o1 o1-2024-12-17 o3 o3-2025-04-16 o3-mini o3-mini-2025-01-31
o4-mini o4-mini-2025-04-16 gpt-4.1 gpt-4.1-2025-04-14 gpt-4.1-mini gpt-4.1-mini-2025-04-14 gpt-4.1-nano
gpt-4.1-nano-2025-04-14 gpt-5 gpt-5-2025-08-07 claude-3-opus claude-3-opus-20240229 claude-3-haiku
claude-3-haiku-20240307 claude-3-5-sonnet claude-3-5-sonnet-20240620 claude-3-5-sonnet-20241022 claude-3-5-haiku
claude-3-5-haiku-20241022 claude-3-7-sonnet claude-3-7-sonnet-20250219 claude-sonnet-4 claude-sonnet-4-20250514
claude-sonnet-4-5 claude-sonnet-4-5-20250929 claude-opus-4 claude-opus-4-20250514 claude-opus-4-1
claude-opus-4-1-20250805 claude-opus-4-5 claude-opus-4-5-20251101 claude-haiku-4-5 claude-haiku-4-5-20251001
gemini-1.5-pro gemini-1.5-pro-002 gemini-1.5-flash gemini-1.5-flash-002 gemini-2.0-flash gemini-2.0-flash-001
gemini-2.5-pro gemini-2.5-flash deepseek-chat deepseek-reasoner deepseek-v3 deepseek-r1 mistral-large-2407
mistral-large-latest mistral-large-2512 mistral-small-latest mistral-small-2603 together/llama-3.1-405b
together_ai/meta-llama/Llama-3.1-405B-Instruct together/llama-3.1-70b
together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo together/llama-3.1-8b
together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo fireworks/llama-3.1-405b
fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct fireworks/llama-3.1-70b
fireworks_ai/accounts/fireworks/models/llama-v3p1-70b-instruct fireworks/llama-3.1-8b
fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct
""".split()


def test_earlier_ids_stay_reachable(bundled) -> None:  # type: ignore[no-untyped-def]
    for id_ in EARLIER_IDS:
        assert isinstance(bundled.api(id_), ApiPrice), id_
        assert isinstance(find_bundled_api(id_), ApiPrice), id_


def test_curated_fireworks_price_wins_over_litellm(bundled) -> None:  # type: ignore[no-untyped-def]
    # Fireworks pricing page: $0.20 per 1M for 4B-16B models; LiteLLM 1.110.2 lists $0.10.
    api = bundled.api("fireworks/llama-3.1-8b")
    assert api.id == "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct"
    assert api.usd_per_million_input_tokens == 0.2 and "Fireworks pricing page" in api.source


def test_index_lookup_equals_the_full_catalog(bundled) -> None:  # type: ignore[no-untyped-def]
    for api in [*bundled.apis[::97], *bundled.unpriced_apis[::17]]:
        for name in (api.id, api.id.upper(), *api.aliases):
            assert find_bundled_api(name) == api, name
    assert find_bundled_api("no-such-model") is None


def test_a_stale_index_falls_back_to_the_full_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # apis.yaml edited since compiling (here: gpt-4o at $3): the index is not used, the YAML itself is
    import shutil

    data = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, data)
    apis = data / "apis.yaml"
    text = apis.read_text()
    line = next(x for x in text.splitlines() if x.startswith("  - {id: gpt-4o, "))
    apis.write_text(text.replace(line, line.replace("usd_per_million_input_tokens: 2.5,",
                                                    "usd_per_million_input_tokens: 3.0,")))
    monkeypatch.setattr(loader, "DATA_DIR", data)
    assert find_bundled_api("gpt-4o") is None
    assert load_catalog().api("gpt-4o").usd_per_million_input_tokens == 3.0


def test_unpriced_model_is_listed_and_never_costed(bundled) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(find_bundled_api("azure/container"), UnpricedApi)
    with pytest.raises(InvalidInput, match="'azure/container' is unpriced") as info:
        bundled.api("azure/container")
    assert info.value.code == "unpriced_api"
    r = invoke("infer", "--api", "azure/container", "--requests-per-day", "1", "--input-tokens", "1",
               "--output-tokens", "1", "--format", "json")
    assert r.exit_code == 2 and r.json()["errors"][0]["code"] == "unpriced_api"
    listed = invoke("catalog", "apis", "--format", "json", "--search", "azure/container").json()
    assert [(e["id"], e["status"]) for e in listed] == [("azure/container", "unpriced")]
    table = invoke("catalog", "apis", "--search", "azure/container")
    assert "unpriced" in table.stdout


def test_a_price_file_prices_an_unpriced_model(tmp_path: Path) -> None:
    f = tmp_path / "prices.yaml"
    f.write_text("version: 1\nsource: our Azure contract\nas_of: '2026-11'\napis:\n"
                 "  - {id: azure/container, provider: azure, name: c, usd_per_million_input_tokens: 1,"
                 " usd_per_million_output_tokens: 2}\n")
    r = invoke("infer", "--api", "azure/container", "--requests-per-day", "1M", "--input-tokens", "1000",
               "--output-tokens", "500", "--api-prices", str(f), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["usd_per_day"] == pytest.approx(1e6 * (1000 * 1 + 500 * 2) / 1e6)
    assert r.json()["sources"][0]["as_of"] == "2026-11"  # the file's top-level as_of


def test_user_files_resolve_one_id_as_the_merged_catalog_does(tmp_path: Path) -> None:
    # A run looks one id up through the user's files (UserApiPrices); `catalog apis` merges them all
    # (load_section). Both must give the same entry.
    from ai_costs.catalog import load_section
    from ai_costs.models.catalog import Catalog

    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "apis.yaml").write_text(
        "version: 1\napis:\n"
        "  - {id: gpt-4o, provider: openai, name: ours, usd_per_million_input_tokens: 1,"
        " usd_per_million_output_tokens: 2, source: our contract, as_of: '2026-11'}\n"
        "  - {id: in-house, provider: us, name: ours, aliases: [ours-v1], usd_per_million_input_tokens: 3,"
        " usd_per_million_output_tokens: 4, source: our contract, as_of: '2026-11'}\n")
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({
        "o3": {"mode": "chat", "litellm_provider": "openai", "input_cost_per_token": 1e-6, "output_cost_per_token": 4e-6},
        "azure/container": {"mode": "chat", "input_cost_per_token": 5e-7, "output_cost_per_token": 5e-7},
        "claude-opus-4-8": {"mode": "chat", "input_cost_per_token": 0, "output_cost_per_token": 0},
        "new-model": {"mode": "chat", "input_cost_per_token": 0},
    }))
    lazy = load_catalog([presets], [prices])
    merged = Catalog(lambda section: load_section(section, [presets], [prices]))
    for name in ("gpt-4o", "o3", "azure/container", "claude-opus-4-8", "in-house", "ours-v1", "gpt-5.4",
                 "together/llama-3.1-405b"):
        assert lazy.api(name) == merged.api(name), name
    assert lazy.api("gpt-4o").usd_per_million_input_tokens == 1  # the presets-dir entry
    assert lazy.api("o3").as_of == "undated"  # the price file's
    assert lazy.api("claude-opus-4-8").usd_per_million_input_tokens == 5  # a 0 price does not hide the catalog's
    for catalog in (lazy, merged):
        with pytest.raises(InvalidInput, match="'new-model' is unpriced"):
            catalog.api("new-model")
