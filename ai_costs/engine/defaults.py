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

# Inference (self-hosted). Calibrated on shared/reference/calibration_inference.csv (TensorRT-LLM
# v0.17 offline max-throughput runs: Llama 3.1 8B/70B on H100 FP8 and A100 FP16, TP 1-8); all twelve
# runs within about 10% (docs/validation.md). The low-precision factor above applies to FP8/INT8 peaks.
DEFAULT_INFER_PRECISION = "bf16"
PREFILL_COMPUTE_EFFICIENCY = 0.8  # large prompt GEMMs run near peak
DECODE_COMPUTE_EFFICIENCY = 0.7  # decode GEMMs have only `batch` rows
SERVING_MEMORY_EFFICIENCY = 0.7  # achieved share of HBM bandwidth in weight and paged-KV reads
TP_OVERHEAD_PER_EXTRA_GPU = 0.1  # step time grows 10% per extra tensor-parallel accelerator
DEFAULT_PEAK_TO_AVERAGE = 1.0  # capacity for the average load unless a peak is given
DEFAULT_UTILIZATION = 1.0  # provision replicas to run at full capacity at the peak

# Breakeven (docs/explanation/methodology-breakeven.md)
DEFAULT_HORIZON_MONTHS = 36.0  # three years: a typical model's service life and a reserved-3y term
DEFAULT_BUY_GPUS = 8  # one HGX/DGX server, the unit accelerators are bought in
DEFAULT_BUY_UTILIZATION = 1.0  # busy every hour unless --utilization says otherwise (stated in the output)

# Ranges: the spread of each uncertain input (docs/methodology.md, "Ranges").
# Training utilization: log-normal around the central MFU. Provisional until the fitted utilization
# model lands (it brings its own held-out log_sigma): a median absolute error of 29% on 20 published
# runs the defaults were not calibrated on (issue 10) is a log-normal with log_sigma = ln(1.29) / 0.6745.
TRAIN_UTILIZATION_LOG_SIGMA = 0.38
# Serving speed: log-normal factor on the modelled step times. Provisional until the serving rewrite
# brings a calibrated value: the RMS of ln(estimate / reported) over the twelve TensorRT-LLM runs.
SERVING_SPEED_LOG_SIGMA = 0.083
# Energy defaults: log-normal centred on the default, p5-p95 as wide as two catalog references.
ENERGY_RANGES = {
    "pue": ("pue-ai-datacentre-low", "pue-ai-datacentre-high"),
    "usd_per_kwh": ("usd-per-kwh-iowa", "usd-per-kwh-illinois"),
    "grid_gco2_per_kwh": ("grid-us-2023", "grid-us-2019"),
}
ENERGY_RANGE_REASONS = {
    "pue": "the 1.1-1.3 range SemiAnalysis gives for AI data centres, the default's own source",
    "usd_per_kwh": "the lowest and highest 2024 industrial prices among the data-centre states the default "
                   "is taken from (EIA)",
    "grid_gco2_per_kwh": "the US averages of 2023 and 2019 (EIA); a specific site can differ far more",
}
# Reasoning tokens per call of a reasoning API when not given: "anywhere from a few hundred to tens of
# thousands" (OpenAI's reasoning guide), read as p5 = 300 and p95 = 30,000, log-normal.
REASONING_TOKENS_P5_P95 = (300.0, 30_000.0)
# Yearly unit-price multiplier (1 - annual price decline) of inference spend when not given: log-uniform
# between 0.1 ("10x per year", a16z; Epoch AI's slowest rate at a fixed capability is 9x) and 1 (flat).
PRICE_MULTIPLIER_PER_YEAR_RANGE = (0.1, 1.0)
