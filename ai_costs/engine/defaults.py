"""Engine defaults. Each value's reason and source is in docs/methodology.md.

The MFU defaults are calibrated on shared/reference/calibration_training.csv (see
docs/validation.md for estimate vs reported on every run).
"""

from __future__ import annotations

DEFAULT_GPU = "h100-sxm"  # the current workhorse for training and serving, with sourced rental prices
DEFAULT_TRAIN_PRECISION = "bf16"

# Model FLOPs utilization of a dense model trained in BF16/FP16, measured against the dense peak and
# the wall-clock GPU-hours a run reports (so it absorbs restarts and stragglers). Implied by the
# calibration runs with 6 x params x tokens: BLOOM-176B 0.318, Llama-3.1-405B 0.345, MPT-7B 0.357; with
# the attention term counted from the architecture: 0.322, 0.374, 0.371. Range over both: 0.32-0.37.
DENSE_MFU = 0.36
DENSE_MFU_RANGE = (0.32, 0.37)
# FP8/FP4 peaks are 2x/4x BF16, but end-to-end speed-ups of FP8 training are ~1.3-1.4x (attention,
# norms, communication stay in higher precision), so utilization of the FP8 peak is ~0.7 of BF16's.
LOW_PRECISION_MFU_FACTOR = {"fp8": 0.7, "fp4": 0.7 * 0.5}
# Mixture-of-experts: all-to-all token routing and smaller expert GEMMs. Fitted on DeepSeek-V3 (FP8,
# 2,048 H800, 2.664M pre-training GPU-hours), which needs 0.69 counting 6 x active params x tokens and
# 0.76 with attention: 0.72 sits between (estimates -4.6% and +6.0%).
MOE_MFU_FACTOR = 0.72

CHINCHILLA_TOKENS_PER_PARAM = 20.0  # Hoffmann et al. 2022, compute-optimal tokens per parameter

# Memory fit (training)
ADAM_MIXED_PRECISION_BYTES_PER_PARAM = 16.0  # bf16 weights 2 + grads 2 + fp32 master 4 + Adam m, v 8
LORA_FROZEN_BYTES_PER_PARAM = {"lora": 2.0, "qlora": 0.5 + 0.127 / 8}  # bf16; NF4 + double-quant consts
LORA_TRAINABLE_FRACTION = 0.005  # rank-16 adapters on every projection of Llama-3-8B: 42M / 8.0B
USABLE_MEMORY_FRACTION = 0.9  # runtime context, communication buffers, allocator fragmentation
ACTIVATION_CHECKPOINT_BYTES_PER_ELEMENT = 2.0  # bf16 layer inputs kept under full recomputation
LAYER_WORKING_SET_BYTES_PER_ELEMENT = 34.0  # Korthikanti et al. 2022: 34*s*h bytes per layer
DEFAULT_SEQ_LEN = 4096  # used for activations/attention when neither scenario nor catalog gives one
MAX_TENSOR_PARALLEL = 8  # one NVLink/scale-up domain

# Owned hardware
DEFAULT_LIFETIME_YEARS = 5.0

# Inference (self-hosted): docs/explanation/methodology-inference.md gives each formula, the reason and
# source of every value below, and how the fitted ones were fitted (tests/calibration.py, docs/validation.md).
DEFAULT_INFER_PRECISION = "bf16"
GEMM_EFFICIENCY = 0.79  # fitted: share of the matmul peak a GEMM with many rows reaches
GEMM_ROW_OVERHEAD = 112.0  # fitted: rows of work a GEMM wastes (tiles, waves): efficiency halves at this many rows
SERVING_LOW_PRECISION_FACTOR = {"fp8": 0.745, "fp4": 0.475}  # fitted: share of the FP8 / FP4 peak reached
KV_READ_EFFICIENCY = 0.86  # fitted: paged KV-cache reads relative to streaming weight reads
HOST_SECONDS_PER_SEQUENCE = 1.9e-05  # fitted: scheduler (CPU) time per sequence per step, overlapped with the GPU
MAX_TOKENS_PER_STEP = 8192  # tokens one scheduler step takes (TensorRT-LLM max_num_tokens default)
SERVING_MEMORY_FRACTION = 0.96  # share of accelerator memory that holds weights and the KV cache
SERVING_MEMORY_EFFICIENCY = 0.68  # fitted: achieved share of HBM bandwidth in weight and paged-KV reads
COMM_BANDWIDTH_EFFICIENCY = 0.47  # fitted: achieved share of a scale-up link's bandwidth in collectives
SCALE_OUT_BANDWIDTH_EFFICIENCY = 0.9  # DeepEP: 43-47 GB/s of a 50 GB/s (400 Gb/s) InfiniBand NIC
COLLECTIVE_BASE_LATENCY_US = 5.0  # fixed cost of launching one collective (NCCL base latency 3.6-10 us)
COMM_OVERLAP = 0.0  # share of communication hidden under compute: none (collectives sit between layers)
ACTIVATION_BYTES = 2.0  # bf16 activations in all-reduces, all-to-alls and pipeline sends
EXPERT_EFFICIENCY = 0.65  # fitted: speed of routed-expert kernels relative to a dense GEMM's
EXPERT_POPULARITY_CV = 1.0  # fitted: spread (std / mean) of tokens per expert under real routing
# Communication figures for an accelerator whose catalog entry lacks them (stated in the output):
DEFAULT_SCALE_UP_DOMAIN = 8  # an HGX/DGX board or a typical 8-card server
DEFAULT_INTERCONNECT_GB_PER_S = 64.0  # PCIe Gen4 x16, both directions: the slowest common card link
DEFAULT_INTERCONNECT_LATENCY_US = 2.5  # NCCL's per-step ring latency over PCIe (its slowest intra-node link)
DEFAULT_SCALE_OUT_GB_PER_S = 12.5  # 100 Gb/s per accelerator, one direction
DEFAULT_SCALE_OUT_LATENCY_US = 4.0  # NCCL's per-step ring latency over the network
# Root-mean-square of log(estimated / published throughput) over the calibration runs of each class,
# fit and check sets together (docs/validation.md; tests/calibration.py recomputes them), never below the
# dense single-node value (the PCIe class has only 18 runs and comes out lower).
SPEED_LOG_SIGMA = {"dense-single-node": 0.126, "pcie": 0.126, "multi-node": 0.248, "moe": 0.361}
DEFAULT_PEAK_TO_AVERAGE = 1.0  # capacity for the average load unless a peak is given
DEFAULT_UTILIZATION = 1.0  # provision replicas to run at full capacity at the peak

# Breakeven (docs/explanation/methodology-breakeven.md)
DEFAULT_HORIZON_MONTHS = 36.0  # three years: a typical model's service life and a reserved-3y term
DEFAULT_BUY_GPUS = 8  # one HGX/DGX server, the unit accelerators are bought in
DEFAULT_BUY_UTILIZATION = 1.0  # busy every hour unless --utilization says otherwise (stated in the output)
