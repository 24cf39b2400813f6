"""`ai-costs presets list | show NAME | path`."""

from __future__ import annotations

import json
import sys

import typer

from ai_costs.cli._errors import closed_pipe_ok, handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt
from ai_costs.render import OutputFormat

presets_app = typer.Typer(help="Shipped and user scenarios.", no_args_is_help=True)


@presets_app.command("list")
@handles_errors("presets")
def list_(fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None) -> None:
    """List every scenario on the search path, with its kind and where it was found.

    Examples:

      ai-costs presets list --format markdown
    """
    from ai_costs.presets import list_presets

    presets = list_presets(presets_dir or [])
    if fmt is OutputFormat.json:
        rows = [
            {"name": p.name, "kind": p.kind, "description": p.description, "origin": p.origin, "path": str(p.path)}
            for p in presets
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from ai_costs.cli._render import listing

    listing("Presets (`ai-costs <kind> NAME` runs one)", ["name", "kind", "origin", "description"],
            [[p.name, p.kind, p.origin, p.description] for p in presets], fmt)


@presets_app.command("show")
@handles_errors("presets")
def show(name: str = typer.Argument(..., help="Preset name or path.", metavar="NAME", show_default=False),
         presets_dir: PresetsDirOpt = None) -> None:
    """Print a preset's YAML (a starting point for your own scenario file).

    Examples:

      ai-costs presets show llama-3.1-405b > my-run.yaml
    """
    from ai_costs._yaml import read_text
    from ai_costs.presets import resolve

    text = read_text(resolve(name, presets_dir or []))
    with closed_pipe_ok():
        sys.stdout.write(text)


@presets_app.command("path")
def path(presets_dir: PresetsDirOpt = None) -> None:
    """Print the directories searched for preset names, first match wins.

    Examples:

      ai-costs presets path
    """
    from ai_costs.presets import search_path

    for directory, origin in search_path(presets_dir or []):
        typer.echo(f"{directory}\t{origin}{'' if directory.is_dir() else ' (missing)'}")
