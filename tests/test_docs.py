"""Docs that cannot drift: example output is the real output, the README's test command is CI's.

Each ```console block starting with `$ ai-costs ...` holds that command's stdout (COLUMNS=80,
NO_COLOR=1). A ```json summary block holds the `summary` of the JSON command in the ```sh or
```console block just before it; ```json ranges, ```json sensitivity, ```json uncertain_inputs (any
top-level key) likewise.
Regenerate with AI_COSTS_UPDATE_DOCS=1.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest

from conftest import invoke

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```(console|json [a-z_]+|sh)\n(.*?)```", re.S)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
UPDATE = os.environ.get("AI_COSTS_UPDATE_DOCS") == "1"


def _run(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "ai-costs", command
    r = invoke(*args[1:], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert r.exit_code == 0, (command, r.stderr)
    return r.stdout


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
    return "".join(out)


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
