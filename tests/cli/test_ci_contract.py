"""CI budget checks and the machine-readable contract (issue 6)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from ai_costs.schemas import all_schemas

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent.parent
SCHEMAS = ROOT / "docs" / "schema"

COMMANDS = {
    "train": ["train", "llama-3.1-405b"],
    "infer-api": ["infer", "chatgpt-scale"],
    "infer-self": ["infer", "llama-3.1-70b-self-hosted"],
    "breakeven": ["breakeven", "gpt-4-vs-chatgpt"],
    "breakeven-volume": ["breakeven", "llama-70b-self-host-vs-api"],
    "compare-gpus": ["compare-gpus", "--task", "infer", "--model", "llama-3.1-8b", "--input-tokens", "500",
                     "--output-tokens", "200", "--top", "5"],
}


def _schema(name: str) -> dict[str, object]:
    return json.loads((SCHEMAS / name).read_text())  # type: ignore[no-any-return]


def test_max_prints_the_result_then_exits_1() -> None:
    r = invoke("train", "llama-3.1-405b", "--max", "total_usd=1")
    assert r.exit_code == 1
    assert "Total cost" in r.stdout  # the full result is still printed
    assert "Over budget: total_usd" in r.stderr
    doc = invoke("train", "llama-3.1-405b", "--max", "total_usd=1", "--max", "gpus=1M", "--format", "json").json()
    assert doc["status"] == "over_budget"
    assert [c["ok"] for c in doc["checks"]] == [False, True]


def test_max_within_budget_exits_0() -> None:
    r = invoke("train", "llama-3.1-405b", "--max", "total_usd=1e12")
    assert r.exit_code == 0


def test_unknown_metric_exits_2_listing_valid_ones() -> None:
    r = invoke("train", "llama-3.1-405b", "--max", "nonsense=1")
    assert r.exit_code == 2
    assert "valid metrics: total_usd" in r.stderr
    doc = invoke("train", "llama-3.1-405b", "--max", "nonsense=1", "--format", "json").json()
    assert doc["status"] == "error" and doc["errors"][0]["code"] == "unknown_metric"


@pytest.mark.parametrize(("args", "code"), [
    (["infer", "chatgpt-scale", "--max", "usd_per_day=1M"], 0),  # $625,000/day
    (["breakeven", "gpt-4-vs-chatgpt", "--max", "crossover_months=2"], 1),  # about 4 months
    (["compare-gpus", *COMMANDS["compare-gpus"][1:], "--max", "usd_per_million_tokens=0.001"], 1),
])
def test_max_on_every_estimating_command(args: list[str], code: int) -> None:
    r = invoke(*args)
    assert r.exit_code == code, r.stderr


def _budget(tmp_path: Path, limit: str) -> Path:
    f = tmp_path / "budget.yaml"
    f.write_text(
        "version: 1\nchecks:\n"
        "  - name: pretraining\n    scenario: llama-3.1-405b\n    max: {total_usd: 1e12}\n"
        f"  - name: chat serving\n    scenario: chatgpt-scale\n    set: {{daily_users: 10M}}\n"
        f"    max: {{usd_per_day: {limit}}}\n")
    return f


def test_check_one_failing_line_exits_1_and_markdown_names_it(tmp_path: Path) -> None:
    budget = _budget(tmp_path, "10000")
    r = invoke("check", str(budget), "--format", "markdown")
    assert r.exit_code == 1
    lines = [line for line in r.stdout.splitlines() if line.startswith("|")]
    header, sep, *rows = lines
    assert header.count("|") == sep.count("|") and all(row.count("|") == header.count("|") for row in rows)
    assert set(sep.replace("|", "").replace("-", "").replace(":", "")) <= {""}
    failing = [row for row in rows if "FAIL" in row]
    assert len(failing) == 1 and "chat serving" in failing[0]


def test_check_all_passing_exits_0(tmp_path: Path) -> None:
    r = invoke("check", str(_budget(tmp_path, "1e9")), "--format", "json")
    assert r.exit_code == 0 and r.json()["status"] == "ok"


def test_check_relative_scenario_paths(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("kind: train\nversion: 1\nflops: 1e21\ngpus: 8\nusd_per_gpu_hour: 2\n")
    (tmp_path / "b.yaml").write_text("version: 1\nchecks:\n  - scenario: mine.yaml\n    max: {total_usd: 1M}\n")
    r = invoke("check", str(tmp_path / "b.yaml"))
    assert r.exit_code == 0, r.stderr


def test_diff_reports_the_right_percentage(tmp_path: Path) -> None:
    base, head = tmp_path / "base.yaml", tmp_path / "head.yaml"
    text = ("kind: infer\nversion: 1\napi: gpt-4o\ndaily_users: {}\nrequests_per_user: 5\n"
            "input_tokens: 500\noutput_tokens: 200\n")
    base.write_text(text.format("2M"))
    head.write_text(text.format("2.5M"))
    r = invoke("diff", str(base), str(head), "--format", "json")
    assert r.exit_code == 0
    rows = {m["metric"]: m for m in r.json()["scenarios"][0]["metrics"]}
    assert rows["usd_per_day"]["pct"] == pytest.approx(25.0)
    assert rows["usd_per_request"]["pct"] == pytest.approx(0.0)
    over = invoke("diff", str(base), str(head), "--max-increase", "10")
    assert over.exit_code == 1 and "usd_per_day +25.0%" in over.stderr
    assert invoke("diff", str(base), str(head), "--max-increase", "30").exit_code == 0


def test_diff_directories_match_by_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d, gpus in (("a", 8), ("b", 16)):
        (tmp_path / d / "run.yaml").write_text(f"kind: train\nversion: 1\nflops: 1e21\ngpus: {gpus}\nusd_per_gpu_hour: 2\n")
    (tmp_path / "b" / "new.yaml").write_text("kind: train\nversion: 1\nflops: 1e21\ngpus: 1\nusd_per_gpu_hour: 2\n")
    doc = invoke("diff", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json").json()
    assert doc["only_in_head"] == ["new.yaml"]
    rows = {m["metric"]: m for m in doc["scenarios"][0]["metrics"]}
    assert rows["wall_clock_days"]["pct"] == pytest.approx(-50.0)


CSV_COMMANDS = [*COMMANDS.values()]


@pytest.mark.parametrize("args", CSV_COMMANDS, ids=[" ".join(a[:2]) for a in CSV_COMMANDS])
def test_csv_parses_with_one_header_and_stable_columns(args: list[str]) -> None:
    r = invoke(*args, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
    assert len(set(rows[0])) == len(rows[0])


def test_check_and_diff_csv(tmp_path: Path) -> None:
    for args in (["check", str(_budget(tmp_path, "1e9"))],
                 ["diff", str(ROOT / "presets" / "gpt-4.yaml"), str(ROOT / "presets" / "gpt-4.yaml")]):
        rows = list(csv.reader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
        assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_validates_against_the_committed_schema(name: str) -> None:
    args = COMMANDS[name]
    doc = invoke(*args, "--format", "json").json()
    command = args[0]
    jsonschema.validate(doc, _schema(f"report-{command}.schema.json"))


def test_check_diff_and_error_documents_validate(tmp_path: Path) -> None:
    jsonschema.validate(invoke("check", str(_budget(tmp_path, "1e9")), "--format", "json").json(),
                        _schema("report-check.schema.json"))
    gpt4 = str(ROOT / "presets" / "gpt-4.yaml")
    jsonschema.validate(invoke("diff", gpt4, gpt4, "--format", "json").json(), _schema("report-diff.schema.json"))
    error = invoke("train", "--gpu", "h1000", "--flops", "1e20", "--format", "json").json()
    jsonschema.validate(error, _schema("error.schema.json"))


@pytest.mark.parametrize("preset", ["gpt-4", "chatgpt-scale", "gpt-4-vs-chatgpt"])
def test_presets_validate_against_the_scenario_schema(preset: str) -> None:
    import yaml

    data = yaml.safe_load((ROOT / "presets" / f"{preset}.yaml").read_text())
    jsonschema.validate(data, _schema(f"scenario-{data['kind']}.schema.json"))


def test_committed_schemas_match_the_models() -> None:
    generated = all_schemas()
    committed = {p.name for p in SCHEMAS.glob("*.json")}
    assert committed == set(generated), "docs/schema/ is out of date: run `python -m ai_costs.schemas`"
    for name, schema in generated.items():
        assert json.loads((SCHEMAS / name).read_text()) == schema, f"{name} drifted: run `python -m ai_costs.schemas`"


def test_schema_command_prints_the_same_schema() -> None:
    r = invoke("schema", "report", "infer")
    assert r.exit_code == 0 and json.loads(r.stdout) == _schema("report-infer.schema.json")
    assert invoke("schema", "report", "nope").exit_code == 2


def test_litellm_price_file_overrides_gpt4o(tmp_path: Path) -> None:
    # tests/data/litellm_prices.json: gpt-4o at $2/$8 per 1M (LiteLLM field names, USD per token)
    args = ["infer", "--api", "gpt-4o", "--requests-per-day", "1000", "--input-tokens", "1000",
            "--output-tokens", "100", "--format", "json"]
    bundled = invoke(*args).json()["summary"]["usd_per_request"]
    r = invoke(*args, "--api-prices", str(DATA / "litellm_prices.json"))
    assert r.exit_code == 0, r.stderr
    assert bundled == pytest.approx((1000 * 2.5 + 100 * 10) / 1e6)
    assert r.json()["summary"]["usd_per_request"] == pytest.approx((1000 * 2 + 100 * 8) / 1e6)
    assert "LiteLLM" in r.json()["sources"][0]["source"]
    via_env = invoke(*args, env={"AI_COSTS_API_PRICES": str(DATA / "litellm_prices.json")})
    assert via_env.json()["summary"]["usd_per_request"] == pytest.approx((1000 * 2 + 100 * 8) / 1e6)
    cached = invoke(*args, "--cached-fraction", "1", "--api-prices", str(DATA / "litellm_prices.json")).json()
    assert cached["summary"]["usd_per_request"] == pytest.approx((1000 * 0.5 + 100 * 8) / 1e6)


def test_own_yaml_price_file_adds_a_model(tmp_path: Path) -> None:
    f = tmp_path / "prices.yaml"
    f.write_text("version: 1\napis:\n  - {id: inhouse, provider: me, name: In-house, usd_per_million_input_tokens: 1,"
                 " usd_per_million_output_tokens: 2, source: our contract, as_of: '2026-11'}\n")
    r = invoke("infer", "--api", "inhouse", "--requests-per-day", "1M", "--input-tokens", "1000",
               "--output-tokens", "500", "--api-prices", str(f), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["summary"]["usd_per_day"] == pytest.approx(1e6 * (1000 * 1 + 500 * 2) / 1e6)
