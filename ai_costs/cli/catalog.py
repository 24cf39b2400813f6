"""`ai-costs catalog gpus | models | apis | clouds | energy`: the data behind the numbers."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import typer

from ai_costs.cli._errors import closed_pipe_ok, handles_errors
from ai_costs.cli._options import FormatOpt, PresetsDirOpt
from ai_costs.render import OutputFormat

catalog_app = typer.Typer(help="The data behind the numbers, with sources and dates.", no_args_is_help=True)

SEARCH = typer.Option(None, "--search", "-s", metavar="TEXT", show_default=False,
                      help="Only entries whose id, name, alias, vendor or provider contains TEXT.")
WIDE = typer.Option(False, "--wide", help="Also aliases and sources (table, markdown; CSV always has them)  "
                    "\\[default: off]", show_default=False)
VENDOR = typer.Option(None, "--vendor", metavar="V", show_default=False,
                      help="Only accelerators of this vendor: nvidia | amd | intel | google | aws.")
PROVIDER = typer.Option(None, "--provider", metavar="ID", show_default=False, help="Only this provider's entries.")


def _show(
    section: str, fmt: OutputFormat, presets_dir: list[Path] | None, wide: bool = False, search: str | None = None,
    vendor: str | None = None, provider: str | None = None,
) -> None:
    from ai_costs.catalog import load_catalog
    from ai_costs.engine.listing import select_entries

    entries = select_entries(section, load_catalog(presets_dir or []), search=search, vendor=vendor,
                             provider=provider)
    with closed_pipe_ok():
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps([dataclasses.asdict(e) for e in entries], indent=2) + "\n")
            return
        from ai_costs.render import catalog as render

        if fmt is OutputFormat.csv:
            sys.stdout.write(render.catalog_csv(section, entries))
        elif fmt is OutputFormat.markdown:
            sys.stdout.write(render.catalog_markdown(section, entries, wide))
        else:
            render.print_catalog(section, entries, wide)


@catalog_app.command("gpus")
@handles_errors("catalog")
def gpus(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, vendor: str | None = VENDOR,
         wide: bool = WIDE, presets_dir: PresetsDirOpt = None) -> None:
    """Accelerators: memory, bandwidth, dense peaks, power.

    Examples:

      ai-costs catalog gpus --vendor amd

      ai-costs catalog gpus --search h100 --wide
    """
    _show("gpus", fmt, presets_dir, wide, search, vendor=vendor)


@catalog_app.command("models")
@handles_errors("catalog")
def models(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, wide: bool = WIDE,
           presets_dir: PresetsDirOpt = None) -> None:
    """Model architectures: parameters (total, active), layers, hidden size, heads, KV heads, context.

    Examples:

      ai-costs catalog models

      ai-costs catalog models --search llama --format csv
    """
    _show("models", fmt, presets_dir, wide, search)


@catalog_app.command("clouds")
@handles_errors("catalog")
def clouds(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, vendor: str | None = VENDOR,
           provider: str | None = PROVIDER, wide: bool = WIDE, presets_dir: PresetsDirOpt = None) -> None:
    """Cloud prices per accelerator-hour by provider and commitment.

    Examples:

      ai-costs catalog clouds --search h100

      ai-costs catalog clouds --provider aws --wide
    """
    _show("clouds", fmt, presets_dir, wide, search, vendor=vendor, provider=provider)


@catalog_app.command("apis")
@handles_errors("catalog")
def apis(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, provider: str | None = PROVIDER,
         wide: bool = WIDE, presets_dir: PresetsDirOpt = None) -> None:
    """API prices per million tokens: input, cached input, output, batch discount.

    Examples:

      ai-costs catalog apis --provider openai

      ai-costs catalog apis --search gemini --format json
    """
    _show("apis", fmt, presets_dir, wide, search, provider=provider)


@catalog_app.command("energy")
@handles_errors("catalog")
def energy(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, wide: bool = WIDE,
           presets_dir: PresetsDirOpt = None) -> None:
    """Energy defaults and reference values: PUE, $/kWh, grid gCO2/kWh, power fractions.

    Examples:

      ai-costs catalog energy --wide
    """
    _show("energy", fmt, presets_dir, wide, search)
