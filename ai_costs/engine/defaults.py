"""Engine defaults. Each value's reason and source is in docs/methodology.md.

The training utilization is fitted on published runs (tests/data/calibration_training.csv; estimate
vs reported on every run in docs/validation.md).
"""

from __future__ import annotations

DEFAULT_GPU = "h100-sxm"  # the current workhorse for training and serving, with sourced rental prices
DEFAULT_TRAIN_PRECISION = "bf16"

# Training utilization (engine/utilization.py; docs/methodology.md section 3). Fitted by
# scripts/fit_training_utilization.py on the fit set of tests/data/calibration_training.csv (published
# pre-training runs, each with its source), scored on its check set in docs/validation.md.
# u = 6 x active params x tokens / (reported GPU-hours x 3,600 x dense peak at the run's precision).
TRAIN_UTIL_INTENSITY_RANGE = (312 / 2.039, 989.4 / 3.35)  # FLOP/byte: A100 80GB (153) .. H100/H800 (295)
TRAIN_UTIL_SIZE_REF = 1e10  # active params where the size term is zero
TRAIN_UTIL_SIZE_RANGE = (1.0118e9, 5.4035e11)  # active params of the published runs: Pythia 1B .. PaLM 540B
TRAIN_UTIL_COEF = {"base": -0.989, "intensity": -0.616, "intensity_x_size": 0.155, "moe": -0.280, "fp8": -0.213}
TRAIN_UTIL_LOG_SIGMA = 0.27
TRAIN_UTIL_CALIBRATED_ACCELERATORS = frozenset({"a100-40gb", "a100-80gb", "h100-sxm", "h800", "v100", "tpu-v4"})
TRAIN_UTIL_EXTRA_LOG_SIGMA = {"accelerator": 0.2, "fp4": 0.21, "size": 0.15}
FP4_OVER_FP8_UTILIZATION = 0.5
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
# source of every value below, and how the fitted ones were fitted (scripts/calibrate_serving.py, docs/validation.md).
DEFAULT_INFER_PRECISION = "bf16"
GEMM_EFFICIENCY = 0.778  # fitted: share of the matmul peak a GEMM with many rows reaches
GEMM_ROW_OVERHEAD = 124.0  # fitted: rows of work a GEMM wastes (tiles, waves): efficiency halves at this many rows
SERVING_LOW_PRECISION_FACTOR = {"fp8": 0.845, "fp4": 0.4825}  # fitted: share of the FP8 / FP4 peak reached
KV_READ_EFFICIENCY = 0.713  # fitted: paged KV-cache reads relative to streaming weight reads
HOST_SECONDS_PER_SEQUENCE = 1.71e-05  # fitted: scheduler (CPU) time per sequence per step, overlapped with the GPU
# Share of a request's yet-to-generate tokens whose KV cache the scheduler reserves at admission: 1 = never
# evict a started request (TensorRT-LLM's default GUARANTEED_NO_EVICT, also trtllm-bench's); vLLM's is 0.
KV_RESERVED_OUTPUT_SHARE = 1.0
MAX_TOKENS_PER_STEP = 8192  # tokens one scheduler step takes (TensorRT-LLM max_num_tokens default)
SERVING_MEMORY_FRACTION = 0.97  # fitted, at its bound: share of accelerator memory for weights and the KV cache
SERVING_MEMORY_EFFICIENCY = 0.859  # fitted: achieved share of HBM bandwidth in weight and paged-KV reads
COMM_BANDWIDTH_EFFICIENCY = 0.449  # fitted: achieved share of a scale-up link's bandwidth in collectives
SCALE_OUT_BANDWIDTH_EFFICIENCY = 0.9  # DeepEP: 43-47 GB/s of a 50 GB/s (400 Gb/s) InfiniBand NIC
COLLECTIVE_BASE_LATENCY_US = 5.0  # fixed cost of launching one collective (NCCL base latency 3.6-10 us)
COMM_OVERLAP = 0.0  # share of communication hidden under compute: none (collectives sit between layers)
ACTIVATION_BYTES = 2.0  # bf16 activations in all-reduces, all-to-alls and pipeline sends
EXPERT_EFFICIENCY = 0.822  # fitted: speed of routed-expert kernels relative to a dense GEMM's
EXPERT_POPULARITY_CV = 1.0  # fitted, at its bound: spread (std / mean) of tokens per expert under real routing
MOE_LAYER_SECONDS = 592e-6  # fitted: fixed time per MoE layer in a step run kernel by kernel (one with a prompt)
# Communication figures for an accelerator whose catalog entry lacks them (stated in the output):
DEFAULT_SCALE_UP_DOMAIN = 8  # an HGX/DGX board or a typical 8-card server
DEFAULT_INTERCONNECT_GB_PER_S = 64.0  # PCIe Gen4 x16, both directions: the slowest common card link
DEFAULT_INTERCONNECT_LATENCY_US = 2.5  # NCCL's per-step ring latency over PCIe (its slowest intra-node link)
DEFAULT_SCALE_OUT_GB_PER_S = 12.5  # 100 Gb/s per accelerator, one direction
DEFAULT_SCALE_OUT_LATENCY_US = 4.0  # NCCL's per-step ring latency over the network
# Calibrated spread of log(estimated / published throughput) per case class: the 90th percentile of its
# absolute value over the FIT runs, / 1.645, so p5-p95 = exp(+-1.645 sigma) holds 90% of them; the CHECK
# runs then test it out of sample (docs/validation.md; scripts/calibrate_serving.py recomputes them). Never
# below the dense single-node value (the PCIe class has 9 fit runs, too few to go lower on its own).
SPEED_LOG_SIGMA = {"dense-single-node": 0.135, "pcie": 0.135, "multi-node": 0.229, "moe": 0.267}
DEFAULT_PEAK_TO_AVERAGE = 1.0  # capacity for the average load unless a peak is given
DEFAULT_UTILIZATION = 1.0  # provision replicas to run at full capacity at the peak

# Breakeven (docs/explanation/methodology-breakeven.md)
DEFAULT_HORIZON_MONTHS = 36.0  # three years: a typical model's service life and a reserved-3y term
DEFAULT_BUY_GPUS = 8  # one HGX/DGX server, the unit accelerators are bought in
DEFAULT_BUY_UTILIZATION = 1.0  # busy every hour unless --utilization says otherwise (stated in the output)

# Ranges: the spread of each uncertain input (docs/methodology.md, "Ranges").
# Serving speed: log-normal factor on the modelled step times, log-sigma SPEED_LOG_SIGMA of its case class.
# Energy defaults: log-normal centred on the default, p5-p95 as wide as two catalog references.
ENERGY_RANGES = {
    "pue": ("pue-ai-datacentre-low", "pue-ai-datacentre-high"),
    "usd_per_kwh": ("usd-per-kwh-iowa", "usd-per-kwh-illinois"),
    "grid_gco2_per_kwh": ("grid-us-2023", "grid-us-2019"),
}
ENERGY_RANGE_REASONS = {
    "pue": "the 1.1-1.3 range SemiAnalysis gives for AI data centres, the default's own source",
    "usd_per_kwh": "the lowest and highest 2024 industrial prices among data-centre states (EIA Table 5.6.B: "
                   "Iowa, Illinois), on both sides of the US average",
    "grid_gco2_per_kwh": "the US averages of 2023 and 2019 (EIA); a specific site can differ far more",
}
# Reasoning tokens per call of a reasoning API when not given: "anywhere from a few hundred to tens of
# thousands" (OpenAI's reasoning guide), read as p5 = 300 and p95 = 30,000, log-normal.
REASONING_TOKENS_P5_P95 = (300.0, 30_000.0)
# Yearly unit-price multiplier (1 - annual price decline) of inference spend when not given: log-uniform
# between 0.1 ("10x per year", a16z; Epoch AI's slowest rate at a fixed capability is 9x) and 1 (flat).
PRICE_MULTIPLIER_PER_YEAR_RANGE = (0.1, 1.0)
