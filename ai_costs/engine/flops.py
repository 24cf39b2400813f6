"""FLOP counts of training (one formula each)."""

from __future__ import annotations

from ai_costs.models.catalog import ModelSpec

# Passes over the weights per token: forward 2N; backward 4N (activation and weight gradients).
# LoRA/QLoRA skip the frozen weights' gradients: forward 2N + backward 2N.
FLOPS_PER_PARAM_PER_TOKEN = {"pretrain": 6.0, "full": 6.0, "lora": 4.0, "qlora": 4.0}


def dense_training_flops(active_params: float, tokens: float, method: str) -> float:
    """Matmul FLOPs of the weights: k x active params x tokens (k = 6 full training, 4 LoRA)."""
    return FLOPS_PER_PARAM_PER_TOKEN[method] * active_params * tokens


def attention_training_flops(model: ModelSpec, seq_len: int, tokens: float) -> float:
    """Attention score and value FLOPs, causal (half the S x S matrix): per token per layer the
    forward pass costs 2 x seq_len x heads x head_dim, and training 3x that (the backward pass needs the
    gradients of both operands of each product). Attention has no weights, so LoRA changes nothing here."""
    forward = 2.0 * model.layers * seq_len * model.heads * model.head_dim * tokens
    return 3.0 * forward
