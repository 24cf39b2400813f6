"""`ai-costs catalog gpus | models | apis | clouds | energy`: the data behind the numbers."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.cli._errors import handles_errors
from ai_costs.cli._options import ApiPricesOpt, FormatOpt, PresetsDirOpt
from ai_costs.render import OutputFormat

catalog_app = typer.Typer(help="The data behind the numbers, with sources and dates.", no_args_is_help=True)


def _num(value: float | None, spec: str = ",.4g") -> str:
    return "" if value is None else format(value, spec)


def _show(
    section: str, fmt: OutputFormat, presets_dir: list[Any] | None, title: str,
    columns: list[str], row: Callable[[Any], list[str]],
) -> None:
    from ai_costs.catalog import load_catalog
    from ai_costs.models.catalog import Catalog

    catalog: Catalog = load_catalog(presets_dir or [])
    entries: tuple[Any, ...] = {
        "gpus": lambda: catalog.accelerators, "models": lambda: catalog.models,
        "clouds": lambda: catalog.offers, "apis": lambda: catalog.apis,
        "energy": lambda: catalog.energy.defaults + catalog.energy.references,
    }[section]()  # type: ignore[no-untyped-call]
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([dataclasses.asdict(e) for e in entries], indent=2) + "\n")
        return
    from ai_costs.cli._render import listing

    listing(title, columns, [row(e) for e in entries], fmt)


@catalog_app.command("gpus")
@handles_errors("catalog")
def gpus(fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None) -> None:
    """Accelerators: memory, bandwidth, dense peaks, power, purchase price.

    Example: ai-costs catalog gpus --format json
    """
    _show("gpus", fmt, presets_dir, "Accelerators (dense peaks, TFLOP/s)",
          ["id", "GB", "GB/s", "bf16", "fp8", "W", "as of"],
          lambda a: [a.id, _num(a.memory_gb), _num(a.memory_bandwidth_gb_per_s, ",.0f"),
                     _num(a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16")),
                     _num(a.peak_tflops.get("fp8")), _num(a.tdp_watts, ",.0f"), a.as_of])


FromConfigOpt = Annotated[Path | None, typer.Option(
    "--from-config", metavar="FILE", show_default=False, help="Show the model a Hugging Face config.json describes.")]


@catalog_app.command("models")
@handles_errors("catalog")
def models(
    fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None,
    from_config: FromConfigOpt = None,
) -> None:
    """Model architectures: parameters (total, active), layers, hidden size, heads, KV heads, context.

    With --from-config, what ai-costs derives from a config.json (the model --model-config uses).

    Examples:

      ai-costs catalog models

      ai-costs catalog models --from-config Qwen3-235B-A22B/config.json --format json
    """
    if from_config is not None:
        _derived(from_config, fmt)
        return
    _show("models", fmt, presets_dir, "Models",
          ["id", "params", "active", "layers", "hidden", "heads/kv", "context"],
          lambda m: [m.id, f"{m.total_params / 1e9:,.1f}B", f"{m.active_params / 1e9:,.1f}B", str(m.layers),
                     str(m.hidden_size), f"{m.heads}/{m.kv_heads}", f"{m.context_length:,}"])


def _derived(path: Path, fmt: OutputFormat) -> None:
    """The model a config.json describes: every field, the parameters by part, the defaults assumed."""
    from ai_costs.catalog import read_model_config

    found = read_model_config(path)
    if fmt is OutputFormat.json:
        doc = {"model": dataclasses.asdict(found.spec), "parameters": found.parameters, "assumed": list(found.assumed)}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    from ai_costs.cli._render import listing

    rows = [[name, "" if value is None else _value(value)] for name, value in dataclasses.asdict(found.spec).items()
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
def clouds(fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None) -> None:
    """Cloud prices per accelerator-hour by provider and commitment.

    Example: ai-costs catalog clouds
    """
    _show("clouds", fmt, presets_dir, "Cloud prices (USD per accelerator-hour)",
          ["provider", "accelerator", "pricing", "$/h", "as of"],
          lambda o: [o.provider, o.accelerator, o.pricing, _num(o.usd_per_gpu_hour, ",.3f"), o.as_of])


@catalog_app.command("apis")
@handles_errors("catalog")
def apis(
    fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None, api_prices: ApiPricesOpt = None,
    search: str | None = typer.Option(None, "--search", metavar="TEXT",
                                      help="Only ids, aliases or providers containing TEXT (ignoring case).",
                                      show_default=False),
    provider: str | None = typer.Option(None, "--provider", metavar="P", help="Only this provider, e.g. openai.",
                                        show_default=False),
) -> None:
    """API prices per million tokens: input, cached input, output, batch, reasoning, long-context tiers.

    Thousands of models (LiteLLM's price file, docs/reference/catalog.md); models listed without a
    price are shown as unpriced and cannot be estimated.

    Examples:

      ai-costs catalog apis --search claude-opus

      ai-costs catalog apis --provider openai --format json
    """
    from ai_costs.catalog import load_catalog

    catalog = load_catalog(presets_dir or [], api_prices or [])
    needle = (search or "").lower()

    def wanted(e: Any) -> bool:
        names = " ".join((e.id, *e.aliases, e.provider)).lower()
        return needle in names and (provider is None or e.provider.lower() == provider.lower())

    entries: list[Any] = [e for e in (*catalog.apis, *catalog.unpriced_apis) if wanted(e)]
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([dataclasses.asdict(e) for e in entries], indent=2) + "\n")
        return
    from ai_costs.cli._render import listing
    from ai_costs.models.apis import ApiPrice

    def row(p: Any) -> list[str]:
        if not isinstance(p, ApiPrice):
            return [p.id, "unpriced", "", "", "", "", p.as_of]
        batch = _num(p.usd_per_million_batch_input_tokens) or (
            "" if p.batch_discount is None else f"-{p.batch_discount:.0%}")
        tiers = ", ".join(f">{t.above_input_tokens // 1000:,}K" for t in p.tiers)
        return [p.id, _num(p.usd_per_million_input_tokens), _num(p.usd_per_million_cached_input_tokens),
                _num(p.usd_per_million_output_tokens), batch, tiers, p.as_of]

    listing("API prices (USD per 1M tokens)", ["id", "input", "cached", "output", "batch in",
                                               ">tokens", "as of"], [row(e) for e in entries], fmt,
            fold_first=True)


@catalog_app.command("energy")
@handles_errors("catalog")
def energy(fmt: FormatOpt = OutputFormat.table, presets_dir: PresetsDirOpt = None) -> None:
    """Energy defaults and reference values: PUE, $/kWh, grid gCO2/kWh, power fractions.

    Example: ai-costs catalog energy
    """
    _show("energy", fmt, presets_dir, "Energy figures (the first ones are the defaults)",
          ["id", "value", "unit", "as of"], lambda e: [e.id, _num(e.value), e.unit, e.as_of])
