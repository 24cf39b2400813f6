"""The serving model against published runs (tests/data/calibration_inference.csv, one source per row).

The FIT/CHECK split and the case classes are those of scripts/calibrate_serving.py; docs/validation.md shows
every run. The bars are the issue's targets where the model meets them (dense single-node median under
10% on both sets, every dense and PCIe run within 1.5x) and the measured level elsewhere, so that a change
that makes the model worse fails here.
"""

from __future__ import annotations

import math
import zlib

import pytest

from ai_costs.engine import defaults as d
from ai_costs.engine import serving as sv

from conftest import load_script

cal = load_script("calibrate_serving")
RESULTS = cal.results()
FIT = [r for r in RESULTS if not r.check]
CHECK = [r for r in RESULTS if r.check]


def test_every_published_run_is_estimated() -> None:
    refused = [(r.row["id"], r.case) for r in RESULTS if r.estimate is None]
    assert not refused
    assert len(FIT) > 500 and len(CHECK) > 300


@pytest.mark.parametrize("runs", [FIT, CHECK], ids=["fit", "check"])
def test_dense_single_node_median_error_under_10_percent(runs: list[cal.Result]) -> None:
    assert cal.summarize(cal.by_case(runs)["dense-single-node"]).median_error < 0.10


@pytest.mark.parametrize("case", ["dense-single-node", "pcie"])
def test_every_dense_and_pcie_run_within_1_5x(case: str) -> None:
    s = cal.summarize(cal.by_case(RESULTS)[case])
    assert s.runs > 0 and s.within == s.runs


def test_multi_node_and_moe_hold_their_measured_level() -> None:
    # Measured when calibrated (docs/validation.md), fit and check together: multi-node/pipeline median 19%,
    # 37 of 39 within 1.5x; MoE median 13%, 417 of 467 within 1.5x. A regression beyond these margins fails.
    multi = cal.summarize(cal.by_case(RESULTS)["multi-node"])
    moe = cal.summarize(cal.by_case(RESULTS)["moe"])
    assert multi.median_error < 0.22 and multi.within >= 0.9 * multi.runs
    assert moe.median_error < 0.16 and moe.within >= 0.85 * moe.runs


def test_moe_check_runs_median_error_under_20_percent() -> None:
    # The aim for mixture-of-experts models, on configurations the fit never saw
    assert cal.summarize(cal.by_case(CHECK)["moe"]).median_error < 0.20


def test_speed_log_sigma_is_the_calibrated_spread_of_the_fit_residuals() -> None:
    # The spread comes from the FIT runs only, so the CHECK set tests the ranges out of sample: the 90th
    # percentile of |log error| over a class's fit runs / 1.645 (never below the dense class's).
    measured = cal.speed_log_sigma(RESULTS)
    assert measured == cal.speed_log_sigma(FIT)  # CHECK runs do not move it
    floor = measured["dense-single-node"]
    for case in cal.CASES:
        assert sv.speed_log_sigma(case) == pytest.approx(max(measured[case], floor), abs=0.01), case
    assert set(d.SPEED_LOG_SIGMA) == set(sv.SPEED_CASES) == set(cal.CASES)


def test_every_case_class_has_fit_and_check_runs() -> None:
    fit, check = cal.by_case(FIT), cal.by_case(CHECK)
    for case in cal.CASES:
        assert fit[case] and check[case], case
    # the CHECK set holds whole configurations: no configuration has runs on both sides
    assert not {cal.configuration(r.row) for r in FIT} & {cal.configuration(r.row) for r in CHECK}


def test_split_rule_takes_every_third_configuration_per_class_and_accelerator() -> None:
    # Five configurations of one class on one accelerator, one on another: in CRC-32 order of their keys the
    # second and the fifth of the first group are CHECK; a group of one has none.
    keys = [f"m{i}|h100-sxm|8|tp=8" for i in range(5)]
    classes = dict.fromkeys(keys, "dense-single-node") | {"m0|b200|8|tp=8": "dense-single-node"}
    ordered = sorted(keys, key=lambda k: zlib.crc32(k.encode()))
    assert cal.check_configurations(classes) == {ordered[1], ordered[4]}


def _ratio(run_id: str) -> float:
    result = next(r for r in RESULTS if r.row["id"] == run_id)
    assert result.ratio is not None
    return result.ratio


@pytest.mark.parametrize(("run_id", "tolerance"), [
    # TensorRT-LLM v0.19 performance overview: Llama 3.1 70B FP8 on 4 x H200, 1000/1000, 2,174.5 tok/s/GPU
    ("trt019-llama-3.1-70b-h200-tp4-1000-1000", 0.15),
    # TensorRT-LLM v0.17: Llama 3.1 70B FP8 on 4 x L40S (PCIe, no NVLink), 1000/1000, 302.3 tok/s/GPU; the old
    # flat tensor-parallel overhead put it more than 2x too high
    ("trt017-llama-3.1-70b-l40s-tp4-1000-1000", 0.15),
    # TensorRT-LLM v0.20: Llama 3.3 70B FP4 on 4 x B200, 1000/1000, 4,103 tok/s/GPU
    ("trt020-llama-3.3-70b-b200-tp4-1000-1000", 0.15),
    # TensorRT-LLM v1.0: Llama 3.1 405B FP8 on 8 x H200, 1000/2000, 465.3 tok/s/GPU
    ("trt10-llama-3.1-405b-h200-tp8-1000-2000", 0.15),
])
def test_published_dense_runs(run_id: str, tolerance: float) -> None:
    assert abs(math.log(_ratio(run_id))) < math.log(1 + tolerance)


@pytest.mark.parametrize("run_id", [
    # TensorRT-LLM v1.0: Qwen3-235B-A22B FP8 on 8 x H200 (attention DP + EP), 1000/1000, 2,974 tok/s/GPU; the issue saw
    # MoE over-predicted 1.3-2.1x (estimated 0.94x now)
    "trt10-qwen3-235b-a22b-h200-tp8-1000-1000",
    # TensorRT-LLM 1.1 developer guide: Llama 4 Maverick FP4 on 4 x B200 (DEP4), 1000/1000, 11,337 tok/s/GPU
    "trtdev-llama-4-maverick-b200-dep4-1000-1000",
    # LMSYS: DeepSeek-V3 prefill on 4 nodes of 8 x H100 (EP32 over InfiniBand), 2,000-token prompts,
    # 6,818 input tok/s/GPU
    "sgl-ep-prefill-h100-2000",
    # DeepSeek Day 6: production decode on H800 at about 20 tokens/s per user, 1,850 tok/s/GPU (EP144,
    # modelled as EP128);
    # the 16-GPU comparison was 0.37x
    "ds-day6-decode-h800",
])
def test_published_moe_and_multi_node_runs_within_1_5x(run_id: str) -> None:
    assert abs(math.log(_ratio(run_id))) < math.log(1.5)
