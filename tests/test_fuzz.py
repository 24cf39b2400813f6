"""The fuzzer of bench/fuzz.py at a small size (the full run, 10,000 invocations, is reported in
docs/validation.md): random commands, options and mutated files never end in an internal error, a
hang or an exit status that breaks the contract."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import fuzz  # noqa: E402


def test_a_small_fuzz_run_finds_nothing() -> None:
    results = fuzz.fuzz(150, seed=13, limit=10.0)
    _, problems = fuzz.summarise(results, 13)
    assert not problems, "\n".join(problems)
    outcomes = {r.outcome for r in results}
    assert {"ok", "usage or input error"} <= outcomes  # the run exercised both paths
    assert len({r.command for r in results}) >= 10  # and most commands


def test_the_oracles_catch_what_they_are_for() -> None:
    assert fuzz.contract_violation(["train"], 1, "", "", must_reject=False) == "exit 1 without a check to fail"
    assert fuzz.contract_violation(["train", "--max", "x=1"], 1, "", "", must_reject=False) == ""
    assert fuzz.contract_violation(["train"], 2, "", "oops\n", must_reject=False).startswith("exit 2 without")
    assert fuzz.contract_violation(["train", "--gpus", "nan"], 0, "", "", must_reject=True) \
        == "accepted an invalid value"
    assert fuzz.contract_violation(["train", "-f", "json"], 0, "table", "", must_reject=False).startswith("JSON mode")
    assert fuzz.contract_violation(["train"], 3, "", "", must_reject=False) == "exit status 3"


def test_the_validation_doc_records_a_full_run_without_failures() -> None:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    table = text.split("<!-- fuzz-table:start -->")[1].split("<!-- fuzz-table:end -->")[0]
    invocations = int(table.split(" invocations")[0].strip().replace(",", ""))
    assert invocations >= 10_000
    for outcome in ("internal error", "timeout", "contract violation"):
        assert f"| {outcome} | 0 |" in table, outcome
