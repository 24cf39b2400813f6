"""`--api-prices FILE`: dated by the file itself or reported as undated; a hostile file is exit 2 with a
message naming the file and the problem, never an internal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, invoke

ARGS = ["infer", "--api", "m", "--requests-per-day", "1000", "--input-tokens", "1000", "--output-tokens", "100",
        "--format", "json"]
PRICED = {"mode": "chat", "litellm_provider": "lab", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}


def run(path: Path) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    r = invoke(*ARGS, "--api-prices", str(path))
    return r.exit_code, r.stderr, r.json()


def test_an_undated_litellm_file_is_reported_undated_not_as_today(tmp_path: Path) -> None:
    f = tmp_path / "prices.json"
    f.write_text(json.dumps({"m": PRICED}))
    code, stderr, doc = run(f)
    assert code == 0, stderr
    assert doc["sources"][0]["as_of"] == "undated"
    assert any(w.startswith("undated, check how current they are: m") for w in doc["warnings"])
    # $1 and $2 per 1M tokens: (1000 x 1 + 100 x 2) / 1e6 per request
    assert doc["summary"]["usd_per_request"] == pytest.approx(1200 / 1e6)


def test_a_dated_litellm_file_carries_its_date(tmp_path: Path) -> None:
    f = tmp_path / "prices.json"
    f.write_text(json.dumps({"as_of": "2026-10-01", "m": PRICED}))
    assert run(f)[2]["sources"][0]["as_of"] == "2026-10-01"
    f.write_text(json.dumps({"sample_spec": {"last_updated": "2026-09-15T10:00:00Z"}, "m": PRICED}))
    doc = run(f)[2]
    assert doc["sources"][0]["as_of"] == "2026-09-15" and not doc["warnings"]


def test_the_bundled_litellm_fixture_overrides_by_id() -> None:
    # tests/data/litellm_prices.json: gpt-4o at $2/$8 per 1M; the file carries no date.
    r = invoke("infer", "--api", "gpt-4o", "--requests-per-day", "1", "--input-tokens", "1000",
               "--output-tokens", "100", "--api-prices", str(DATA / "litellm_prices.json"), "--format", "json")
    assert r.json()["sources"][0]["as_of"] == "undated"
    assert r.json()["summary"]["usd_per_request"] == pytest.approx((1000 * 2 + 100 * 8) / 1e6)


def _deep_json(path: Path) -> None:
    path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000)


def _utf16(path: Path) -> None:
    path.write_text(json.dumps({"m": PRICED}), encoding="utf-16")


HOSTILE = {
    # name: (file name, writer, expected words of the message)
    "deep nesting": ("p.json", _deep_json, "nested too deeply"),
    "deep YAML": ("p.yaml", lambda p: p.write_text("apis: " + "[" * 100_000 + "]" * 100_000), "invalid YAML"),
    "huge number": ("p.json", lambda p: p.write_text('{"m": {"mode": "chat", "input_cost_per_token": 1e999,'
                                                       ' "output_cost_per_token": 1e-6}}'), "finite number"),
    "huge integer": ("p.json", lambda p: p.write_text('{"m": {"mode": "chat", "input_cost_per_token": '
                                                        + "9" * 400 + ', "output_cost_per_token": 1e-6}}'),
                     "finite number"),
    "too many digits": ("p.json", lambda p: p.write_text('{"m": {"input_cost_per_token": ' + "9" * 5000 + "}}"),
                        "not a JSON price file"),
    "Infinity literal": ("p.json", lambda p: p.write_text('{"m": {"mode": "chat", "input_cost_per_token": Infinity,'
                                                            ' "output_cost_per_token": 1e-6}}'), "Infinity"),
    "YAML infinity": ("p.yaml", lambda p: p.write_text(
        "version: 1\napis:\n  - {id: m, provider: p, name: m, usd_per_million_input_tokens: .inf,"
        " usd_per_million_output_tokens: 1, source: s, as_of: '2026'}\n"), "must be a finite number"),
    "non-UTF-8": ("p.json", lambda p: p.write_bytes(b'{"m\xe9": {"mode": "chat"}}'), "not UTF-8 text"),
    "UTF-16": ("p.json", _utf16, "UTF-16 or UTF-32 text; save it as UTF-8"),
    "binary": ("p.yaml", lambda p: p.write_bytes(bytes(range(256)) * 8), "a binary file"),
    "not UTF-8": ("p.yaml", lambda p: p.write_bytes(bytes(range(1, 256)) * 8), "not UTF-8 text"),
    "NUL bytes": ("p.json", lambda p: p.write_bytes(b'{"m": 1}\x00\x00'), "NUL bytes"),
    "top-level list (JSON)": ("p.json", lambda p: p.write_text('[{"m": 1}]'), "got a JSON list"),
    "top-level list (YAML)": ("p.yaml", lambda p: p.write_text("- a\n- b\n"), "expected an ai-costs API price file"),
    "price as text": ("p.json", lambda p: p.write_text(json.dumps({"m": {**PRICED, "input_cost_per_token": "cheap"}})),
                      "input_cost_per_token must be a number"),
    "negative price": ("p.json", lambda p: p.write_text(json.dumps({"m": {**PRICED, "output_cost_per_token": -1}})),
                       "finite number >= 0"),
    "mode not text": ("p.json", lambda p: p.write_text(json.dumps({"m": {**PRICED, "mode": 5}})), "mode must be a text"),
    "reasoning flag not boolean": ("p.json", lambda p: p.write_text(json.dumps(
        {"m": {**PRICED, "supports_reasoning": "y"}})), "supports_reasoning must be true or false"),
    "entry is a list": ("p.json", lambda p: p.write_text('{"m": [1, 2]}'), "expected an object of prices"),
    "bad tiered_pricing": ("p.json", lambda p: p.write_text(json.dumps(
        {"m": {**PRICED, "tiered_pricing": [{"range": "x"}]}})), "range: [from, to]"),
    "YAML price as text": ("p.yaml", lambda p: p.write_text(
        "version: 1\napis:\n  - {id: m, provider: p, name: m, usd_per_million_input_tokens: abc,"
        " usd_per_million_output_tokens: 1, source: s, as_of: '2026'}\n"), "apis[0] (m): usd_per_million_input_tokens"),
    "YAML apis not a list": ("p.yaml", lambda p: p.write_text("version: 1\napis: 5\n"), "apis: [...]"),
    "YAML entry not a mapping": ("p.yaml", lambda p: p.write_text("version: 1\napis: [5]\n"), "apis[0] must be a mapping"),
    "YAML unknown key": ("p.yaml", lambda p: p.write_text("version: 1\napis: []\nprices: 1\n"), "unknown top-level keys"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_price_file_is_exit_2_naming_the_file(tmp_path: Path, case: str) -> None:
    name, write, words = HOSTILE[case]
    path = tmp_path / name
    write(path)
    r = invoke(*ARGS, "--api-prices", str(path))
    assert r.exit_code == 2, (case, r.stderr)
    assert "internal error" not in r.stderr
    message = r.json()["errors"][0]["message"]
    assert str(path) in message and words in message, message
