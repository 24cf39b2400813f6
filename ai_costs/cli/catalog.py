"""`ai-costs catalog gpus | models | apis | clouds | energy`: the data behind the numbers."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

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


FROM_CONFIG = typer.Option(None, "--from-config", metavar="FILE", show_default=False,
                           help="Instead of the catalog: the model a Hugging Face config.json describes, as "
                           "--model-config reads it.")


@catalog_app.command("models")
@handles_errors("catalog")
def models(fmt: FormatOpt = OutputFormat.table, search: str | None = SEARCH, wide: bool = WIDE,
           from_config: Path | None = FROM_CONFIG, presets_dir: PresetsDirOpt = None) -> None:
    """Model architectures: parameters (total, active), layers, hidden size, heads, KV heads, context.

    With --from-config FILE: every field ai-costs derives from a config.json, the parameters by part,
    and the defaults it assumed for keys the file leaves out.

    Examples:

      ai-costs catalog models

      ai-costs catalog models --search llama --format csv
    """
    if from_config is not None:
        _derived(from_config, fmt)
        return
    _show("models", fmt, presets_dir, wide, search)


def _derived(path: Path, fmt: OutputFormat) -> None:
    """The model a config.json describes: every field, the parameters by part, the defaults assumed."""
    from ai_costs.catalog import read_model_config

    found = read_model_config(path)
    with closed_pipe_ok():
        if fmt is OutputFormat.json:
            doc = {"model": dataclasses.asdict(found.spec), "parameters": found.parameters,
                   "assumed": list(found.assumed)}
            sys.stdout.write(json.dumps(doc, indent=2) + "\n")
            return
        from ai_costs.cli._render import listing

        rows = [[name, _value(value)] for name, value in dataclasses.asdict(found.spec).items()
                if value not in (None, ())]
        rows += [[f"parameters: {part}", f"{count:,}"] for part, count in found.parameters.items() if count]
        rows += [["assumed", text] for text in found.assumed]
        listing(f"Model derived from {path}", ["field", "value"], rows, fmt)


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


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
    """API prices per million tokens: input, cached input, output, batch, long-context tiers.

    Thousands of models from LiteLLM's community price file (docs/reference/catalog.md); models it lists
    without a price are shown as unpriced and cannot be estimated.

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
