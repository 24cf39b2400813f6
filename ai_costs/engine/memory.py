"""Training memory fit: the fewest accelerators that hold model states and activations."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.models.catalog import ModelSpec
from ai_costs.units import GB


@dataclass(frozen=True)
class TrainingMemory:
    """Bytes of model state (all accelerators together) and of activations per accelerator."""

    state_bytes: float
    activation_bytes_per_gpu: float | None  # None when the architecture is unknown
    tensor_parallel: int
    usable_bytes_per_gpu: float
    min_gpus: int | None  # None: activations alone exceed one accelerator even at max TP


def model_state_bytes(params: float, method: str) -> float:
    """Weights, gradients and optimizer states, fully sharded (ZeRO-3/FSDP) across the accelerators.

    Full training with mixed-precision Adam: 16 bytes/param. LoRA/QLoRA: frozen weights (bf16 or NF4)
    plus trainable adapters (~0.5% of params) with their own gradients and Adam states.
    """
    if method in d.LORA_FROZEN_BYTES_PER_PARAM:
        adapters = params * d.LORA_TRAINABLE_FRACTION * d.ADAM_MIXED_PRECISION_BYTES_PER_PARAM
        return params * d.LORA_FROZEN_BYTES_PER_PARAM[method] + adapters
    return params * d.ADAM_MIXED_PRECISION_BYTES_PER_PARAM


def activation_bytes(model: ModelSpec, seq_len: int, micro_batch: int = 1) -> float:
    """Activations of one micro-batch under full activation checkpointing: each layer's bf16 input
    (2*s*h bytes) kept for the backward pass, plus one layer's working set being recomputed
    (34*s*h bytes, Korthikanti et al. 2022 with flash attention)."""
    elements = micro_batch * seq_len * model.hidden_size
    per_layer_checkpoint = d.ACTIVATION_CHECKPOINT_BYTES_PER_ELEMENT * elements
    return model.layers * per_layer_checkpoint + d.LAYER_WORKING_SET_BYTES_PER_ELEMENT * elements


def training_memory(
    params: float, method: str, memory_gb: float, model: ModelSpec | None, seq_len: int
) -> TrainingMemory:
    """Fewest accelerators holding the sharded state beside each one's activations.

    Activations are split by tensor parallelism (1, 2, 4, 8) until they take at most half of an
    accelerator's usable memory.
    """
    usable = memory_gb * GB * d.USABLE_MEMORY_FRACTION
    states = model_state_bytes(params, method)
    if model is None:
        return TrainingMemory(states, None, 1, usable, max(1, math.ceil(states / usable)))
    act = activation_bytes(model, seq_len)
    tp = 1
    while act / tp > usable / 2 and tp < d.MAX_TENSOR_PARALLEL:
        tp *= 2
    room = usable - act / tp
    if room <= 0:
        return TrainingMemory(states, act / tp, tp, usable, None)
    return TrainingMemory(states, act / tp, tp, usable, max(tp, math.ceil(states / room)))
