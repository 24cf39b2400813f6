"""Docs that cannot drift: example output is the real output, the README's test command is CI's.

Each ```console block starting with `$ ai-costs ...` holds that command's stdout (COLUMNS=80,
NO_COLOR=1), whatever its exit status. The command may end in shell plumbing that the test performs
too: `2>/dev/null` (the default), `2>&1 >/dev/null` (stderr instead of stdout) and `| jq [-r] [-c]
FILTER` for jq paths (`.a.b`, `.a[]`, `select(.a)`, stages joined by `|`).

A ```json summary block holds the `summary` of the JSON command in the ```sh or ```console block just
before it; ```json ranges, ```json sensitivity, ```json uncertain_inputs (any top-level key) likewise.

A number in prose is written `<!-- value: ai-costs ARGS | EXPRESSION | FORMAT -->TEXT<!-- end -->`:
the command's JSON document (or `exit`, its exit status) gives the EXPRESSION's value (paths like
`summary.total_usd` or `detail.series[3].month`, and + - * / with numbers), printed with FORMAT (see
FORMATS below) as TEXT. The comments are invisible in rendered Markdown.

Regenerate with AI_COSTS_UPDATE_DOCS=1.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ai_costs.render.format import fmt_count, fmt_usd

from conftest import Run, invoke

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```(console|json [a-z_]+|sh)\n(.*?)```", re.S)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
UPDATE = os.environ.get("AI_COSTS_UPDATE_DOCS") == "1"


@functools.cache
def _invoke(command: str) -> Run:
    args = shlex.split(command)
    assert args[0] == "ai-costs", command
    return invoke(*args[1:], env={"COLUMNS": "80", "NO_COLOR": "1"})


def _run(command: str) -> str:
    """What the shell would print for a documented command line (see the module docstring)."""
    command, _, jq = command.partition(" | jq ")
    words = command.split()
    stderr_only = "2>&1" in words and ">/dev/null" in words
    command = " ".join(w for w in words if w not in {"2>/dev/null", "2>&1", ">/dev/null"})
    r = _invoke(command)
    if stderr_only:
        return r.stderr
    assert r.exit_code == 0 or "--format json" in command or "-f json" in command, (command, r.stderr)
    return _jq(shlex.split(jq), r.stdout) if jq else r.stdout


def _jq_json(value: Any, compact: bool) -> str:
    # jq prints an integral number without ".0"
    def clean(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return [clean(x) for x in v] if isinstance(v, list) else v

    return json.dumps(clean(value), separators=(",", ":")) if compact else json.dumps(clean(value), indent=2)


def _jq(args: list[str], stdout: str) -> str:
    """A small part of jq: enough for the documented filters."""
    raw, compact = "-r" in args, "-c" in args
    values: list[Any] = [json.loads(stdout)]
    for stage in (s.strip() for s in next(a for a in args if not a.startswith("-")).split("|")):
        if stage.startswith("select(") and stage.endswith(")"):
            values = [v for v in values if _path(stage[7:-1], v)]
        elif stage.endswith("[]"):
            values = [x for v in values for x in _path(stage[:-2], v)]
        else:
            values = [_path(stage, v) for v in values]
    return "".join((v if raw and isinstance(v, str) else _jq_json(v, compact)) + "\n" for v in values)


def _path(path: str, value: Any) -> Any:
    for key in (k for k in path.split(".") if k):
        value = value[key]
    return value


FORMATS: dict[str, Callable[[Any], str]] = {
    "usd": fmt_usd,  # $76.57M, $625,000, $0.00117
    "count": fmt_count,  # 159.47M, 399,950
    "int": lambda v: f"{v:,.0f}",
    "f2": lambda v: f"{v:,.2f}",
    "f1": lambda v: f"{v:,.1f}",
    "f3": lambda v: f"{v:.3f}",
    "pct": lambda v: f"{v:.1%}",
    "pct0": lambda v: f"{v:.0%}",
    "usd2": lambda v: f"${v:,.2f}",
    "usd5": lambda v: f"${v:.5f}",
}
VALUE = re.compile(r"<!-- value: (ai-costs [^|]+?) \| (.+?) \| (\w+) -->(.*?)<!-- end -->", re.S)


def _evaluate(expression: str, doc: Any) -> Any:
    """Arithmetic on paths of a JSON document (no names, calls or anything else)."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Name):
            return doc[node.id]
        if isinstance(node, ast.Attribute):
            return ev(node.value)[node.attr]
        if isinstance(node, ast.Subscript):
            return ev(node.value)[ev(node.slice)]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
                   ast.Div: lambda a, b: a / b}
            return ops[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError(f"not allowed in a doc value: {ast.dump(node)}")

    return ev(ast.parse(expression.strip(), mode="eval"))


def _value(match: re.Match[str]) -> str:
    command, expression, fmt, _ = match.groups()
    json_command = command if "--format json" in command or "-f json" in command else f"{command} --format json"
    r = _invoke(json_command)
    doc = {"exit": r.exit_code} if expression.strip() == "exit" else json.loads(r.stdout)
    value = doc["exit"] if expression.strip() == "exit" else _evaluate(expression, doc)
    return f"<!-- value: {command} | {expression} | {fmt} -->{FORMATS[fmt](value)}<!-- end -->"


def _expected(text: str) -> str:
    out: list[str] = []
    last_json: str | None = None
    pos = 0
    for m in BLOCK.finditer(text):
        out.append(text[pos:m.start()])
        kind, body = m.groups()
        if kind == "sh" and body.startswith("ai-costs ") and "--format json" in body and "\n" not in body.strip():
            last_json = _run(body.strip())
            out.append(m.group(0))
        elif kind == "console" and body.startswith("$ ai-costs"):
            command = body.splitlines()[0][2:]
            stdout = _run(command)
            last_json = stdout if "--format json" in command else None
            out.append(f"```console\n$ {command}\n{stdout.rstrip()}\n```")
        elif kind.startswith("json ") and last_json is not None:
            key = kind.split()[1]
            part = json.dumps(json.loads(last_json)[key], indent=2)
            out.append(f"```{kind}\n{part}\n```")
        else:
            out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:])
    return VALUE.sub(_value, "".join(out))


@pytest.mark.parametrize("path", [p for p in DOCS if p.exists()], ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_show_real_output(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _expected(text)
    if UPDATE and expected != text:
        path.write_text(expected, encoding="utf-8")
        return
    assert text == expected, f"{path}: example output is stale; run AI_COSTS_UPDATE_DOCS=1 pytest tests/test_docs.py"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/pytest -q"
    assert command in readme and command in ci


def test_every_command_has_help_with_an_example() -> None:
    for args in (["train"], ["presets", "list"], ["presets", "show"], ["catalog", "gpus"]):
        r = invoke(*args, "--help")
        assert r.exit_code == 0 and "Example" in r.stdout, args


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", [p for p in DOCS if p.exists()], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"


def test_every_preset_and_command_is_documented() -> None:
    presets_doc = (ROOT / "docs" / "reference" / "presets.md").read_text()
    for preset in (ROOT / "presets").glob("*.yaml"):
        assert f"`{preset.stem}`" in presets_doc, preset.stem
    cli_doc = (ROOT / "docs" / "reference" / "cli.md").read_text()
    from ai_costs.cli import app

    for command in app.registered_commands:
        name = command.name or ""
        assert f"`ai-costs {name}" in cli_doc, name
        assert invoke(name, "--help").exit_code == 0


def test_a_stale_number_in_prose_or_in_a_jq_example_is_caught() -> None:
    # the figures issue 13 found stale: $143.52 (now the replica's daily cost) and total_usd 92281969.03
    prose = ("`c` = <!-- value: ai-costs breakeven llama-70b-self-host-vs-api | inputs.replica_usd_per_day | usd2 -->"
             "$143.52<!-- end -->")
    assert _expected(prose) != prose and "$143.52" not in _expected(prose)
    block = ("```console\n$ ai-costs train llama-3.1-405b -f json 2>/dev/null | jq '.summary.total_usd'\n"
             "92281969.03290075\n```")
    assert "92281969.03290075" not in _expected(block)
    # chatgpt-scale: 100M users x 5 requests x 500 tokens x $2.50 / 1M = $625,000 a day
    assert _expected("<!-- value: ai-costs infer chatgpt-scale | summary.usd_per_day | usd -->?<!-- end -->") \
        .endswith("-->$625,000<!-- end -->")
    assert _jq(["-r", ".sources[] | select(.stale) | .id"], '{"sources": [{"id": "a", "stale": true}, '
               '{"id": "b", "stale": false}]}') == "a\n"
