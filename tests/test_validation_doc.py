"""docs/validation.md: the estimate-vs-reported tables are regenerated from the engine and checked.

Regenerate with AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import calibration as cal
from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
UPDATE = os.environ.get("AI_COSTS_UPDATE_DOCS") == "1"


def _summary(args: list[str]) -> dict[str, float]:
    r = invoke(*args, "--format", "json")
    assert r.exit_code == 0, (args, r.stderr)
    return r.json()["summary"]  # type: ignore[no-any-return]


def training_table() -> str:
    rows = ["| run | command | estimated GPU-hours | reported GPU-hours | error |", "|---|---|---:|---:|---:|"]
    with (DATA / "calibration_training.csv").open() as f:
        for row in csv.DictReader(f):
            args = ["train", "--params", row["params"], "--active-params", row["active_params"],
                    "--tokens", row["tokens"], "--gpu", row["gpu"], "--gpus", row["gpus"],
                    "--precision", row["precision"]]
            est = _summary(args)["gpu_hours"]
            command = "`ai-costs " + " ".join(args) + "`"
            if row["reported_gpu_hours"]:
                rep = float(row["reported_gpu_hours"])
                rows.append(f"| {row['id']} | {command} | {est / 1e6:.3f}M | {rep / 1e6:.3f}M | {est / rep - 1:+.1%} |")
            else:
                rows.append(f"| {row['id']} | {command} | {est / 1e6:.3f}M | not reported | n/a |")
    return "\n".join(rows)


def preset_table() -> str:
    reported = {"llama-3.1-405b": 30.84e6, "deepseek-v3": 2.664e6, "bloom-176b": 1_082_990}
    rows = ["| preset | estimated GPU-hours | reported GPU-hours | error |", "|---|---:|---:|---:|"]
    for name, rep in reported.items():
        est = _summary(["train", name])["gpu_hours"]
        rows.append(f"| `ai-costs train {name}` | {est / 1e6:.3f}M | {rep / 1e6:.3f}M | {est / rep - 1:+.1%} |")
    return "\n".join(rows)


def _pct(ratio: float) -> str:
    return f"{ratio - 1:+.0%}"


def inference_summary(results: list[cal.Result]) -> str:
    rows = [f"| set | case class | runs | median error | worst | within {cal.WITHIN:g}x |",
            "|---|---|---:|---:|---:|---:|"]
    for label, check in (("fit", False), ("check", True)):
        for case, items in cal.by_case(r for r in results if r.check == check).items():
            s = cal.summarize(items)
            if s.runs:
                rows.append(f"| {label} | {case} | {s.runs} | {s.median_error:.1%} | x{s.worst:.2f} | "
                            f"{s.within} of {s.runs} |")
    return "\n".join(rows)


def inference_runs(results: list[cal.Result], check: bool) -> str:
    """One line per configuration (source, model, accelerator, layout, precision), every length's error."""
    groups: dict[tuple[str, ...], list[cal.Result]] = {}
    for r in results:
        if r.check == check:
            key = (r.case, r.row["source"].replace(" performance overview", ""), r.row["model"], r.row["gpu"],
                   r.layout, r.row["precision"])
            groups.setdefault(key, []).append(r)
    rows = ["| class | source | model | accelerator | layout | precision | error by input/output tokens |",
            "|---|---|---|---|---|---|---|"]
    for key in sorted(groups):
        items = sorted(groups[key], key=lambda r: (int(r.row["input_tokens"]), int(r.row["output_tokens"])))
        errors = ", ".join(f"{r.row['input_tokens']}/{r.row['output_tokens']} {_pct(r.ratio or 0)}" for r in items)
        rows.append("| " + " | ".join(key) + f" | {errors} |")
    return "\n".join(rows)


def inference_parameters() -> str:
    rows = ["| parameter (engine/defaults.py) | value | fitted on |", "|---|---:|---|"]
    for cases, bounds in cal.STAGES:
        for name in bounds:
            label = f"SERVING_LOW_PRECISION_FACTOR[{name}]" if name in {"fp8", "fp4"} else name
            rows.append(f"| `{label}` | {cal.get_parameter(name):.4g} | FIT runs of {', '.join(cases)} |")
    return "\n".join(rows)


METHODOLOGY = ROOT / "docs" / "explanation" / "methodology-inference.md"


def worked_example() -> str:
    doc = invoke("infer", "llama-3.1-70b-self-hosted", "--format", "json").json()
    d, s = doc["detail"], doc["summary"]
    mem, step, prefill = d["memory_per_gpu_gb"], d["decode_step_time_split"], d["prefill_time_split"]
    ms = 1e3
    rows = [
        "| quantity | value |", "|---|---|",
        f"| layout | `{doc['inputs']['parallelism']}` on {doc['inputs']['gpus']} x {doc['inputs']['gpu']} |",
        f"| memory per accelerator: usable, weights, KV cache in use | {mem['usable']:.1f} GB, {mem['weights']:.1f} GB, "
        f"{mem['kv_cache']:.1f} GB |",
        f"| KV cache per token (whole model) | {d['kv_cache_bytes_per_token']:,.0f} bytes |",
        f"| batch: by memory, chosen (TPOT target) | {d['max_batch_by_memory']:,}, {d['batch_size']:,} |",
        f"| one prompt alone: compute, memory, communication | {prefill['compute_seconds'] * ms:.1f} ms, "
        f"{prefill['memory_seconds'] * ms:.1f} ms, {prefill['communication_seconds'] * ms:.2f} ms |",
        f"| one round: compute, memory, communication, host | {step['compute_seconds'] * ms:.1f} ms, "
        f"{step['memory_seconds'] * ms:.1f} ms, {step['communication_seconds'] * ms:.2f} ms, "
        f"{step['host_seconds'] * ms:.1f} ms |",
        f"| TPOT, TTFT | {s['tpot_seconds'] * ms:.1f} ms, {s['ttft_seconds'] * ms:.0f} ms |",
        f"| replica requests/s, output tokens/s per accelerator | {d['replica_requests_per_second']:.2f}, "
        f"{s['output_tokens_per_second_per_gpu']:,.0f} |",
        f"| replicas for 1M requests/day at twice the average, average load | {s['replicas']}, {s['utilization']:.1%} |",
    ]
    return "\n".join(rows)


def test_methodology_worked_example_is_current() -> None:
    text = METHODOLOGY.read_text(encoding="utf-8")
    expected = _replace(text, "worked-example", worked_example())
    if UPDATE and expected != text:
        METHODOLOGY.write_text(expected, encoding="utf-8")
        return
    assert text == expected, "the worked example is stale; run AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py"


def _replace(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def test_validation_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = _replace(_replace(text, "training-table", training_table()), "preset-table", preset_table())
    results = cal.results()
    expected = _replace(expected, "inference-summary", inference_summary(results))
    expected = _replace(expected, "inference-parameters", inference_parameters())
    expected = _replace(expected, "inference-fit", inference_runs(results, check=False))
    expected = _replace(expected, "inference-check", inference_runs(results, check=True))
    if UPDATE and expected != text:
        DOC.write_text(expected, encoding="utf-8")
        return
    assert text == expected, "docs/validation.md is stale; run AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py"
