"""FLOP counts of training (one formula each)."""

from __future__ import annotations

from ai_costs.models.catalog import ModelSpec

# Passes over the weights per token: forward 2N; backward 4N (activation and weight gradients).
# LoRA/QLoRA skip the frozen weights' gradients: forward 2N + backward 2N.
FLOPS_PER_PARAM_PER_TOKEN = {"pretrain": 6.0, "full": 6.0, "lora": 4.0, "qlora": 4.0}


def dense_training_flops(active_params: float, tokens: float, method: str) -> float:
    """Matmul FLOPs of the weights: k x active params x tokens (k = 6 full training, 4 LoRA)."""
    return FLOPS_PER_PARAM_PER_TOKEN[method] * active_params * tokens


def attention_training_flops(model: ModelSpec, seq_len: int, tokens: float, method: str) -> float:
    """Attention score and value FLOPs, causal (half the S x S matrix): per token per layer the
    forward pass costs 2 x seq_len x heads x head_dim; training multiplies by k/2 (3 full, 2 LoRA)."""
    forward = 2.0 * model.layers * seq_len * model.heads * model.head_dim * tokens
    return forward * FLOPS_PER_PARAM_PER_TOKEN[method] / 2.0
