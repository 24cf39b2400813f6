"""A model architecture from its Hugging Face `config.json`: shapes read, parameters counted.

Pure: it takes the parsed JSON (a mapping) and returns a ModelSpec plus the parameter breakdown; the
file is read by the loader (ai_costs/catalog.py). Supported `model_type`s (or `architectures[0]`):
llama, mistral, qwen2, qwen3, qwen3_moe, mixtral, gemma2, gemma3 / gemma3_text (the text model of a
multimodal config, `text_config`), deepseek_v3 (and kimi_k2: MLA and MoE), gpt_oss, llama4 /
llama4_text (`text_config`, interleaved MoE layers).

Parameters are counted from the shapes, as the checkpoints hold them:
- embeddings `vocab x hidden`, and the output head again unless `tie_word_embeddings`;
- attention: q, k, v, o projections (GQA: k and v have `kv_heads x head_dim` outputs), their biases
  (Qwen2: q/k/v; `attention_bias`: q/k/v/o), q/k norms (Qwen3, Gemma 3), gpt-oss's per-head sinks;
  MLA (DeepSeek-V3): q_a (hidden x q_lora_rank) + norm + q_b (q_lora_rank x heads x (nope + rope)),
  kv_a (hidden x (kv_lora_rank + rope)) + norm + kv_b (kv_lora_rank x heads x (nope + v)), o;
- gated FFNs (SwiGLU/GeGLU): 3 x hidden x intermediate; gpt-oss experts add their biases;
- MoE layers: routed experts, shared experts, the router (and its bias where the checkpoint has one);
- RMSNorm weights: 2 per layer (Gemma 2/3: 4) and the final norm.
Active parameters = total - the routed experts a token does not use (every embedding included, as
Mistral and DeepSeek count; OpenAI's gpt-oss figures leave out the input embedding).
Vision towers of multimodal configs are not counted: their compute is per image, not per token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ai_costs.errors import InvalidInput
from ai_costs.models._schema import validate
from ai_costs.models.catalog import ModelSpec


@dataclass(frozen=True)
class Arch:
    """What sets a model type's parameter count apart."""

    family: str
    qkv_bias: bool = False  # Qwen2: biases on q, k, v (not o)
    qk_norm: bool = False  # a head_dim RMSNorm on q and on k
    norms_per_layer: int = 2
    tied_default: bool = False
    moe: str | None = None  # mixtral | qwen3_moe | deepseek | gpt_oss | llama4
    mla: bool = False
    sinks: bool = False
    # transformers' defaults for keys the published configs leave out (the config class's defaults)
    defaults: Mapping[str, Any] = field(default_factory=dict)


ARCHS: dict[str, Arch] = {
    "llama": Arch("llama"),
    "mistral": Arch("mistral"),
    "qwen2": Arch("qwen", qkv_bias=True),
    "qwen3": Arch("qwen", qk_norm=True),
    "qwen3_moe": Arch("qwen", qk_norm=True, moe="qwen3_moe"),
    "mixtral": Arch("mixtral", moe="mixtral"),
    "gemma2": Arch("gemma", norms_per_layer=4, tied_default=True),
    # Gemma3TextConfig defaults (transformers): the 27B config.json omits these.
    "gemma3_text": Arch("gemma", qk_norm=True, norms_per_layer=4, tied_default=True, defaults={
        "vocab_size": 262_208, "max_position_embeddings": 131_072, "head_dim": 256, "sliding_window": 4096,
        "sliding_window_pattern": 6}),
    "deepseek_v3": Arch("deepseek", moe="deepseek", mla=True),
    "kimi_k2": Arch("kimi", moe="deepseek", mla=True),
    "gpt_oss": Arch("gpt-oss", moe="gpt_oss", sinks=True),
    # Llama4TextConfig defaults (transformers).
    "llama4_text": Arch("llama", moe="llama4", defaults={
        "interleave_moe_layer_step": 1, "num_experts_per_tok": 1, "head_dim": 128, "no_rope_layer_interval": 4}),
}
# Multimodal wrappers whose language model is `text_config`.
WRAPPERS = {"gemma3": "gemma3_text", "llama4": "llama4_text"}
BY_ARCHITECTURE = {
    "LlamaForCausalLM": "llama", "MistralForCausalLM": "mistral", "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3", "Qwen3MoeForCausalLM": "qwen3_moe", "MixtralForCausalLM": "mixtral",
    "Gemma2ForCausalLM": "gemma2", "Gemma3ForCausalLM": "gemma3_text", "Gemma3ForConditionalGeneration": "gemma3",
    "DeepseekV3ForCausalLM": "deepseek_v3", "GptOssForCausalLM": "gpt_oss", "Llama4ForCausalLM": "llama4_text",
    "Llama4ForConditionalGeneration": "llama4",
}


@dataclass(frozen=True)
class HfModel:
    """What a config.json gives: the model, its parameters by part, and the defaults assumed."""

    spec: ModelSpec
    parameters: dict[str, int]  # embeddings, attention, dense_ffn, routed_experts, shared_experts, router, norms
    assumed: tuple[str, ...]


class _Keys:
    """Reads config keys, collecting every missing one so the error names them all at once."""

    def __init__(self, config: Mapping[str, Any], arch: Arch, origin: str) -> None:
        self.config, self.arch, self.origin = config, arch, origin
        self.missing: list[str] = []
        self.assumed: list[str] = []

    def whole(self, key: str, default: int | None = None) -> int:
        value = self.config.get(key)
        if value is None:
            if key in self.arch.defaults:
                value = self.arch.defaults[key]
                self.assumed.append(f"{key} = {value} (transformers' default)")
            elif default is not None:
                return default
            else:
                self.missing.append(key)
                return 1
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 0:
            raise InvalidInput(f"{self.origin}: {key} must be a whole number, got {value!r}", code="invalid_model_config")
        return int(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.config.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise InvalidInput(f"{self.origin}: {key} must be true or false, got {value!r}", code="invalid_model_config")
        return value

    def wholes(self, key: str) -> list[int] | None:
        value = self.config.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise InvalidInput(f"{self.origin}: {key} must be a list of whole numbers", code="invalid_model_config")
        return value

    def check(self, model_type: str) -> None:
        if self.missing:
            raise InvalidInput(f"{self.origin}: a {model_type} config.json needs {', '.join(self.missing)}; "
                               "missing from the file", code="invalid_model_config")


def _model_type(config: Mapping[str, Any], origin: str) -> tuple[str, Mapping[str, Any]]:
    """(model_type, the mapping holding the language model's keys)."""
    model_type = config.get("model_type")
    architectures = config.get("architectures")
    first = architectures[0] if isinstance(architectures, list) and architectures else None
    if model_type not in ARCHS and model_type not in WRAPPERS:
        model_type = BY_ARCHITECTURE.get(str(first)) if first is not None else None
    if model_type is None:
        given = config.get("model_type") or first
        if given is None:
            raise InvalidInput(f"{origin}: not a Hugging Face config.json: missing keys model_type and architectures",
                               code="invalid_model_config")
        raise InvalidInput(
            f"{origin}: unsupported architecture {given!r}; ai-costs reads the configs of "
            f"{', '.join(sorted({*ARCHS, *WRAPPERS}))} (give --params and --active-params instead, or add the "
            "model to a models.yaml override)", code="unsupported_architecture")
    if model_type in WRAPPERS:
        text = config.get("text_config")
        if not isinstance(text, Mapping):
            raise InvalidInput(f"{origin}: a {model_type} config.json needs text_config (the language model)",
                               code="invalid_model_config")
        return WRAPPERS[model_type], text
    return model_type, config


def _layer_types(k: _Keys, layers: int) -> list[str] | None:
    value = k.config.get("layer_types")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != layers or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{k.origin}: layer_types must list one attention type per layer ({layers})",
                           code="invalid_model_config")
    return value


def _local_attention(k: _Keys, model_type: str, layers: int) -> tuple[int | None, int | None]:
    """(sliding_window, layers that use it): local attention keeps only the last `window` tokens' KV."""
    types = _layer_types(k, layers)
    if model_type == "llama4_text":  # chunked attention on the RoPE layers
        chunk = k.config.get("attention_chunk_size")
        if not chunk:
            return None, None
        rope = k.wholes("no_rope_layers")
        if not rope or len(rope) != layers:
            interval = k.whole("no_rope_layer_interval")
            rope = [int((i + 1) % interval != 0) for i in range(layers)]
        return k.whole("attention_chunk_size"), sum(rope)
    if k.config.get("sliding_window") is None and "sliding_window" not in k.arch.defaults:
        return None, None
    window = k.whole("sliding_window")
    if types is not None:
        local = sum(t in {"sliding_attention", "chunked_attention"} for t in types)
    elif model_type in {"qwen2", "qwen3", "qwen3_moe"}:
        if not k.flag("use_sliding_window", False):
            return None, None
        local = layers - min(layers, k.whole("max_window_layers", 0))
    elif model_type in {"gemma2", "gpt_oss"}:
        local = (layers + 1) // 2  # even layers are local
    elif model_type == "gemma3_text":
        pattern = k.whole("sliding_window_pattern")
        local = sum(1 for i in range(layers) if (i + 1) % pattern)
    else:  # mistral: every layer
        local = layers
    return (window, local) if window and local else (None, None)


def derive(config: Mapping[str, Any], *, id_: str, source: str, origin: str) -> HfModel:
    """The ModelSpec a config.json describes. `origin` names the file in errors."""
    if not isinstance(config, Mapping):
        raise InvalidInput(f"{origin}: a config.json is a JSON object, got a {type(config).__name__}",
                           code="invalid_model_config")
    model_type, c = _model_type(config, origin)
    arch = ARCHS[model_type]
    k = _Keys(c, arch, origin)
    hidden, layers, heads = k.whole("hidden_size"), k.whole("num_hidden_layers"), k.whole("num_attention_heads")
    kv_heads = k.whole("num_key_value_heads", heads)
    vocab, context = k.whole("vocab_size"), k.whole("max_position_embeddings")
    head_dim = k.whole("head_dim", hidden // max(heads, 1))
    ffn = k.whole("intermediate_size")
    k.check(model_type)

    # attention, per layer
    kv_cache_dim = None
    if arch.mla:
        q_rank = k.config.get("q_lora_rank")
        kv_rank, rope, nope = k.whole("kv_lora_rank"), k.whole("qk_rope_head_dim"), k.whole("qk_nope_head_dim")
        v_dim = k.whole("v_head_dim")
        k.check(model_type)
        q = (hidden * int(q_rank) + int(q_rank) + int(q_rank) * heads * (nope + rope) if q_rank
             else hidden * heads * (nope + rope))
        attention = q + hidden * (kv_rank + rope) + kv_rank + kv_rank * heads * (nope + v_dim) + heads * v_dim * hidden
        kv_cache_dim, head_dim = kv_rank + rope, v_dim
    else:
        q_out, kv_out = heads * head_dim, kv_heads * head_dim
        attention = hidden * q_out + 2 * hidden * kv_out + q_out * hidden
        if arch.qkv_bias:
            attention += q_out + 2 * kv_out
        if k.flag("attention_bias", arch.sinks):  # gpt-oss has biases on q, k, v and o
            attention += q_out + 2 * kv_out + hidden
        if arch.qk_norm:  # (Llama 4's use_qk_norm is an L2 norm without weights)
            attention += 2 * head_dim
        if arch.sinks:
            attention += heads

    # feed-forward, per layer kind
    experts = per_token = shared = expert_ffn = 0
    moe_layer_ids: list[int] = []
    router = 0
    dense_ffn_size = ffn
    if arch.moe == "mixtral":
        experts, per_token, expert_ffn = k.whole("num_local_experts"), k.whole("num_experts_per_tok"), ffn
        moe_layer_ids, router = list(range(layers)), hidden * experts
    elif arch.moe == "qwen3_moe":
        experts, per_token = k.whole("num_experts"), k.whole("num_experts_per_tok")
        expert_ffn, step = k.whole("moe_intermediate_size"), k.whole("decoder_sparse_step", 1)
        dense_only = set(k.wholes("mlp_only_layers") or [])
        moe_layer_ids = [i for i in range(layers) if i not in dense_only and (i + 1) % step == 0]
        router = hidden * experts
    elif arch.moe == "deepseek":
        experts, per_token = k.whole("n_routed_experts"), k.whole("num_experts_per_tok")
        expert_ffn, shared = k.whole("moe_intermediate_size"), k.whole("n_shared_experts", 0)
        first, freq = k.whole("first_k_dense_replace", 0), k.whole("moe_layer_freq", 1)
        moe_layer_ids = [i for i in range(layers) if i >= first and i % freq == 0]
        router = hidden * experts + experts  # + e_score_correction_bias
    elif arch.moe == "gpt_oss":
        experts, per_token = k.whole("num_local_experts"), k.whole("num_experts_per_tok")
        expert_ffn, moe_layer_ids, router = ffn, list(range(layers)), hidden * experts + experts
    elif arch.moe == "llama4":
        experts, per_token, expert_ffn, shared = k.whole("num_local_experts"), k.whole("num_experts_per_tok"), ffn, 1
        step = k.whole("interleave_moe_layer_step")
        listed = k.wholes("moe_layers")
        moe_layer_ids = listed if listed is not None else list(range(step - 1, layers, step))
        dense_ffn_size = k.whole("intermediate_size_mlp", 16384) if len(moe_layer_ids) < layers else ffn
        router = hidden * experts
    k.check(model_type)

    def gated(inner: int) -> int:
        return 3 * hidden * inner

    expert_params = gated(expert_ffn) + (2 * expert_ffn + hidden if arch.moe == "gpt_oss" else 0)
    moe_layers, dense_layers = len(moe_layer_ids), layers - len(moe_layer_ids)
    tied = k.flag("tie_word_embeddings", arch.tied_default)
    parameters = {
        "embeddings": vocab * hidden * (1 if tied else 2),
        "attention": attention * layers,
        "dense_ffn": gated(dense_ffn_size) * dense_layers,
        "routed_experts": experts * expert_params * moe_layers,
        "shared_experts": shared * gated(expert_ffn) * moe_layers,
        "router": router * moe_layers,
        "norms": arch.norms_per_layer * hidden * layers + hidden,  # MLA's q/kv norms are in attention
    }
    total = sum(parameters.values())
    active = total - (experts - per_token) * expert_params * moe_layers
    window, local_layers = _local_attention(k, model_type, layers)
    k.check(model_type)
    rope_scaling = c.get("rope_scaling")
    trained = (rope_scaling.get("original_max_position_embeddings") if isinstance(rope_scaling, Mapping) else None) \
        or c.get("initial_context_length")
    architectures = config.get("architectures")
    fields: dict[str, Any] = {
        "id": id_, "name": str(config.get("_name_or_path") or id_), "family": arch.family,
        "total_params": float(total), "active_params": float(active), "layers": layers, "hidden_size": hidden,
        "heads": heads, "kv_heads": kv_heads, "head_dim": head_dim,
        "ffn_size": dense_ffn_size if dense_layers else expert_ffn, "vocab_size": vocab, "context_length": context,
        "train_seq_len": int(trained) if isinstance(trained, int | float) and trained > 0 else None,
        "experts": experts or None, "experts_per_token": per_token or None,
        "kv_cache_dim_per_layer": kv_cache_dim, "expert_ffn_size": expert_ffn or None,
        "shared_experts": shared if experts else None, "moe_layers": moe_layers or None,
        "sliding_window": window, "sliding_window_layers": local_layers,
        "architecture": str(architectures[0]) if isinstance(architectures, list) and architectures else model_type,
        "source": source, "as_of": "given",
    }
    spec = validate(ModelSpec, {k_: v for k_, v in fields.items() if v is not None}, origin=origin)
    return HfModel(spec=spec, parameters=parameters, assumed=tuple(k.assumed))
