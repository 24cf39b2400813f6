"""Models from Hugging Face config.json files: parameters counted from the shapes match the published
totals; shapes, MoE and local attention read; the model flows into train, infer and compare-gpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ai_costs.catalog import model_config_id, read_model_config
from ai_costs.errors import InvalidInput
from ai_costs.models.hf_config import HfModel, derive

from conftest import DATA, invoke

HF = DATA / "hf"  # configs written from the published config.json files (tests/data/hf/README.md)
B = 1e9


def model(name: str) -> HfModel:
    return read_model_config(HF / f"{name}.json")


# (file, published total, published active, relative tolerance, source)
PUBLISHED = [
    ("Llama-3.1-8B", 8.03e9, None, 0.005, "model card: 8.03B"),
    ("Llama-3.1-70B", 70.6e9, None, 0.005, "model card: 70.6B"),
    ("Mistral-7B-v0.1", 7.3e9, None, 0.02, "Mistral 7B announcement: 7.3B"),
    ("Qwen2.5-72B", 72.7e9, None, 0.005, "model card: 72.7B"),
    ("Qwen3-8B", 8.2e9, None, 0.01, "model card: 8.2B"),
    ("Qwen3-235B-A22B", 235e9, 22e9, 0.01, "model card: 235B total, 22B activated"),
    ("Mixtral-8x7B-v0.1", 46.7e9, 12.9e9, 0.005, "mistral.ai/news/mixtral-of-experts: 46.7B total, 12.9B per token"),
    ("gemma-2-27b", 27.2e9, None, 0.005, "model card: 27.2B"),
    ("DeepSeek-V3", 671e9, 37e9, 0.02, "DeepSeek-V3 report arXiv:2412.19437: 671B total, 37B activated"),
    ("Llama-4-Maverick-17B-128E", 400e9, 17e9, 0.02, "Meta: 400B total, 17B active"),
    # Meta's 109B includes the vision encoder, which is not counted here (the text model is 107.8B).
    ("Llama-4-Scout-17B-16E", 109e9, 17e9, 0.02, "Meta: 109B total, 17B active"),
]


@pytest.mark.parametrize(("name", "total", "active", "tol", "source"), PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_counts_match_the_published_totals(name: str, total: float, active: float | None, tol: float,
                                          source: str) -> None:
    spec = model(name).spec
    assert spec.total_params == pytest.approx(total, rel=tol), source
    assert spec.active_params == pytest.approx(active or total, rel=tol), source


@pytest.mark.parametrize(("name", "total", "active"), [("gpt-oss-120b", 116.83e9, 5.13e9), ("gpt-oss-20b", 20.91e9, 3.61e9)])
def test_gpt_oss_matches_openai_s_table(name: str, total: float, active: float) -> None:
    # gpt-oss model card (arXiv:2508.10925, Table 1): total and active parameters; OpenAI's active count
    # leaves out the input embedding (vocab 201,088 x hidden 2,880 = 579.1M), which ai-costs counts.
    found = model(name)
    input_embedding = 201_088 * 2_880
    assert found.spec.total_params == pytest.approx(total, rel=0.002)
    assert found.spec.active_params - input_embedding == pytest.approx(active, rel=0.005)


def test_gemma3_text_model_matches_the_technical_report() -> None:
    # Gemma 3 Technical Report, Table 1: 27B has 25,600M non-embedding parameters (the 417M vision
    # encoder is not counted: its compute is per image).
    found = model("gemma-3-27b-it")
    non_embedding = sum(v for k, v in found.parameters.items() if k != "embeddings")
    assert non_embedding == pytest.approx(25_600e6, rel=0.005)
    assert found.spec.vocab_size == 262_208  # text_config leaves it out: transformers' Gemma3TextConfig default
    assert any(a.startswith("vocab_size = 262208") for a in found.assumed)


def test_llama_shapes_by_hand() -> None:
    # Llama 3.1 8B: attention 4096 x (4096 + 2 x 1024 + 4096) = 41,943,040; FFN 3 x 4096 x 14336 =
    # 176,160,768; 2 norms of 4096 per layer; 32 layers; embeddings 2 x 128256 x 4096 (untied); final norm.
    per_layer = 4096 * (4096 + 2 * 1024 + 4096) + 3 * 4096 * 14336 + 2 * 4096
    assert model("Llama-3.1-8B").spec.total_params == 32 * per_layer + 2 * 128_256 * 4096 + 4096
    spec = model("Llama-3.1-8B").spec
    assert (spec.layers, spec.hidden_size, spec.heads, spec.kv_heads, spec.head_dim, spec.ffn_size) == (
        32, 4096, 32, 8, 128, 14336)
    assert (spec.context_length, spec.train_seq_len, spec.experts) == (131_072, 8192, None)


def test_deepseek_mla_and_moe_shapes() -> None:
    found = model("DeepSeek-V3")
    spec = found.spec
    assert spec.kv_cache_dim_per_layer == 512 + 64  # kv_lora_rank + qk_rope_head_dim
    assert (spec.experts, spec.experts_per_token, spec.shared_experts, spec.expert_ffn_size) == (256, 8, 1, 2048)
    assert (spec.moe_layers, spec.ffn_size) == (61 - 3, 18432)  # first_k_dense_replace = 3 dense layers
    # MLA per layer: q_a 7168x1536 + norm 1536 + q_b 1536x128x192 + kv_a 7168x576 + norm 512
    # + kv_b 512x128x256 + o 128x128x7168
    mla = 7168 * 1536 + 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 + 512 * 128 * 256 + 128 * 128 * 7168
    assert found.parameters["attention"] == 61 * mla


def test_local_attention_is_read() -> None:
    assert (model("Mistral-7B-v0.1").spec.sliding_window, model("Mistral-7B-v0.1").spec.sliding_window_layers) == (
        4096, 32)
    assert (model("gemma-2-27b").spec.sliding_window, model("gemma-2-27b").spec.sliding_window_layers) == (4096, 23)
    # Gemma 3: five local layers in six (sliding_window_pattern 6): 62 - 10 global layers.
    assert (model("gemma-3-27b-it").spec.sliding_window, model("gemma-3-27b-it").spec.sliding_window_layers) == (
        1024, 52)
    assert (model("gpt-oss-120b").spec.sliding_window, model("gpt-oss-120b").spec.sliding_window_layers) == (128, 18)
    # Llama 4: chunked attention on the RoPE layers, every 4th layer is global (NoPE).
    maverick = model("Llama-4-Maverick-17B-128E").spec
    assert (maverick.sliding_window, maverick.sliding_window_layers, maverick.moe_layers) == (8192, 36, 24)
    assert model("Qwen2.5-72B").spec.sliding_window is None  # use_sliding_window: false


def test_missing_keys_and_unknown_architectures_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs num_hidden_layers, max_position_embeddings, intermediate_size"):
        model("missing-keys")
    with pytest.raises(InvalidInput, match="unsupported architecture 'mamba'") as info:
        model("unsupported-mamba")
    assert info.value.code == "unsupported_architecture"
    with pytest.raises(InvalidInput, match="missing keys model_type and architectures"):
        derive({"hidden_size": 1}, id_="x", source="s", origin="f")
    with pytest.raises(InvalidInput, match="hidden_size must be a whole number"):
        derive({"model_type": "llama", "hidden_size": "big"}, id_="x", source="s", origin="f")
    with pytest.raises(InvalidInput, match=r"a config\.json is a JSON object"):
        derive([1], id_="x", source="s", origin="f")  # type: ignore[arg-type]
    bad = tmp_path / "config.json"
    bad.write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    with pytest.raises(InvalidInput, match="nested too deeply"):
        read_model_config(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(InvalidInput, match="got a list"):
        read_model_config(bad)


def test_the_id_comes_from_the_file_name_or_name_or_path(tmp_path: Path) -> None:
    assert model_config_id(HF / "Qwen3-8B.json", {}) == "qwen3-8b"
    assert model_config_id(tmp_path / "config.json", {"_name_or_path": "Qwen/Qwen3-30B-A3B"}) == "qwen3-30b-a3b"
    (tmp_path / "My-Model").mkdir()
    assert model_config_id(tmp_path / "My-Model" / "config.json", {}) == "my-model"


# --- into the engine ---------------------------------------------------------------------------------

INFER = ["infer", "--gpu", "h100-sxm", "--input-tokens", "1000", "--output-tokens", "500", "--format", "json"]


def test_infer_sees_the_config_as_a_catalog_model() -> None:
    r = invoke(*INFER, "--model-config", str(HF / "gpt-oss-120b.json"))
    assert r.exit_code == 0, r.stderr
    doc = r.json()
    assert doc["inputs"]["model"] == "gpt-oss-120b"
    assert {"kind": "model", "id": "gpt-oss-120b", "source": str(HF / "gpt-oss-120b.json"), "as_of": "given",
            "stale": False} in doc["sources"]
    assert doc["detail"]["moe"] is True


def test_a_config_of_a_catalog_model_gives_the_catalog_s_estimate() -> None:
    # The Llama 3.1 8B config has the shapes of the catalog's llama-3.1-8b (8.03B params).
    by_id = invoke(*INFER, "--model", "llama-3.1-8b").json()["summary"]
    by_config = invoke(*INFER, "--model-config", str(HF / "Llama-3.1-8B.json")).json()["summary"]
    for key in ("output_tokens_per_second_per_gpu", "usd_per_million_tokens", "gpus"):
        assert by_config[key] == pytest.approx(by_id[key], rel=1e-3), key


def test_train_and_compare_gpus_take_model_config() -> None:
    r = invoke("train", "--model-config", str(HF / "Qwen3-235B-A22B.json"), "--tokens", "1T", "--gpus", "1024",
               "--format", "json")
    assert r.exit_code == 0, r.stderr
    # 6 x active params x tokens, active = 22.19B: about 1.33e23 FLOPs for the dense part
    assert r.json()["inputs"]["active_params"] == pytest.approx(22.19e9, rel=0.01)
    c = invoke("compare-gpus", "--task", "infer", "--model-config", str(HF / "Mixtral-8x7B-v0.1.json"),
               "--input-tokens", "1000", "--output-tokens", "100", "--only", "h100-sxm,h200", "--format", "json")
    assert c.exit_code == 0, c.stderr
    assert {row["gpu"] for row in c.json()["summary"]["rows"]} == {"h100-sxm", "h200"}


def test_model_and_model_config_together_is_an_error() -> None:
    r = invoke(*INFER, "--model", "llama-3.1-8b", "--model-config", str(HF / "Qwen3-8B.json"))
    message = r.json()["errors"][0]["message"]
    assert r.exit_code == 2 and "model_config (--model-config) cannot be combined with model" in message


def test_scenario_model_config_is_relative_to_the_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    shutil.copy(HF / "Qwen3-8B.json", tmp_path / "configs" / "qwen3.json")
    scenario = tmp_path / "serve.yaml"
    scenario.write_text("kind: infer\nversion: 1\nmodel_config: configs/qwen3.json\ngpu: h100-sxm\n"
                        "input_tokens: 1000\noutput_tokens: 200\nrequests_per_day: 1M\n")
    r = invoke("infer", str(scenario), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["inputs"]["model"] == "qwen3"
    assert r.json()["sources"][0]["source"] == str(tmp_path / "configs" / "qwen3.json")
    # a flag replaces the file's model_config
    assert invoke("infer", str(scenario), "--model", "llama-3.1-8b", "--format", "json").json()["inputs"][
        "model"] == "llama-3.1-8b"


def test_a_missing_config_file_is_exit_2() -> None:
    r = invoke(*INFER, "--model-config", "no/such/config.json")
    assert r.exit_code == 2 and "no/such/config.json: cannot read file" in r.stderr


def test_catalog_models_from_config_prints_what_was_derived() -> None:
    doc = invoke("catalog", "models", "--from-config", str(HF / "Qwen3-235B-A22B.json"), "--format", "json").json()
    assert doc["model"]["experts"] == 128 and doc["model"]["experts_per_token"] == 8
    assert doc["model"]["expert_ffn_size"] == 1536 and doc["model"]["moe_layers"] == 94
    assert sum(doc["parameters"].values()) == doc["model"]["total_params"]
    table = invoke("catalog", "models", "--from-config", str(HF / "Qwen3-235B-A22B.json"))
    assert table.exit_code == 0 and "235,093," in table.stdout and "Qwen3MoeForCausalLM" in table.stdout
    assert json.loads(invoke("catalog", "models", "--from-config", str(HF / "missing-keys.json"), "--format",
                             "json").stdout)["errors"][0]["code"] == "invalid_model_config"
