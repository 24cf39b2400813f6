"""docs/validation.md: the estimate-vs-reported tables are regenerated from the engine and checked.

Regenerate with AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
METHODOLOGY = ROOT / "docs" / "methodology.md"
sys.path.insert(0, str(ROOT / "bench"))
import range_coverage as coverage  # noqa: E402  (bench/range_coverage.py)
import ranges_methods  # noqa: E402  (bench/ranges_methods.py)

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


def inference_table() -> str:
    rows = ["| run | command | estimated tokens/s/GPU | reported | error | batch |", "|---|---|---:|---:|---:|---:|"]
    with (DATA / "calibration_inference.csv").open() as f:
        for row in csv.DictReader(f):
            args = ["infer", "--model", row["model"], "--gpu", row["gpu"], "--gpus", row["gpus"],
                    "--precision", row["precision"], "--input-tokens", row["input_tokens"],
                    "--output-tokens", row["output_tokens"]]
            r = invoke(*args, "--format", "json")
            assert r.exit_code == 0, r.stderr
            doc = r.json()
            est = doc["summary"]["output_tokens_per_second_per_gpu"]
            rep = float(row["reported_tokens_per_s_per_gpu"])
            command = "`ai-costs " + " ".join(args) + "`"
            rows.append(f"| {row['id']} | {command} | {est:,.0f} | {rep:,.0f} | {est / rep - 1:+.1%} | "
                        f"{doc['detail']['batch_size']:,} |")
    return "\n".join(rows)


def _replace(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def test_validation_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    expected = _replace(_replace(text, "training-table", training_table()), "preset-table", preset_table())
    expected = _replace(expected, "inference-table", inference_table())
    expected = _replace(expected, "coverage-training",
                        coverage.markdown(coverage.evaluate(coverage.training_cases()), coverage.millions))
    expected = _replace(expected, "coverage-serving", coverage.markdown(coverage.evaluate(coverage.serving_cases())))
    if UPDATE and expected != text:
        DOC.write_text(expected, encoding="utf-8")
        return
    assert text == expected, "docs/validation.md is stale; run AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py"


def test_methodology_ranges_table_is_current() -> None:
    text = METHODOLOGY.read_text(encoding="utf-8")
    expected = _replace(text, "ranges-methods", ranges_methods.table(8192, timing=False))
    if UPDATE and expected != text:
        METHODOLOGY.write_text(expected, encoding="utf-8")
        return
    assert text == expected, "docs/methodology.md is stale; run AI_COSTS_UPDATE_DOCS=1 pytest tests/test_validation_doc.py"


def test_coverage_counts_figures_inside_the_range(tmp_path: Path) -> None:
    # Two copies of the MPT-7B run: one reporting the estimate itself (inside), one reporting 10x it
    # (outside): half covered. The width is that of the utilization alone: p95/p5 of 1/MFU.
    rows = [next(r for r in csv.DictReader((DATA / "calibration_training.csv").open()) if r["id"] == "mpt-7b")]
    estimate = coverage.evaluate(coverage.training_cases(DATA / "calibration_training.csv"))
    mpt = next(o for o in estimate if o.case.id == "mpt-7b")
    path = tmp_path / "runs.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, [*rows[0], "split"])
        writer.writeheader()
        writer.writerow({**rows[0], "id": "same", "reported_gpu_hours": mpt.estimate, "split": "check"})
        writer.writerow({**rows[0], "id": "tenfold", "reported_gpu_hours": 10 * mpt.estimate, "split": "check"})
    outcomes = coverage.evaluate(coverage.training_cases(path))
    assert [o.covered for o in outcomes] == [True, False]
    (summary,) = coverage.coverage(outcomes)
    assert (summary.split, summary.rows, summary.covered, summary.share) == ("check", 2, 1, 0.5)
    assert summary.median_width == mpt.width
