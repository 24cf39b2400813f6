"""Catalog and preset listings: each section's columns defined once, with the raw value (CSV writes it
unrounded) and its display form (tables and markdown). `--wide` adds aliases and sources."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ai_costs.render.csv import rows_csv
from ai_costs.render.markdown import table as md_table

# A formatted number: "$1.2M", "1,979", "36.0%", "157.0 days", "28.2 kWh", "2026-01-14".
_NUMBER = re.compile(r"^[+-]?\$?[\d.,]+(e[+-]?\d+)?[KMBT%]?( [a-zA-Z/]+)?$|^\d{4}(-\d\d){0,2}$|^\d+/\d+$")


def _num(spec: str = ",.4g") -> Callable[[Any], str]:
    return lambda v: "" if v is None else format(v, spec)


def _billions(v: Any) -> str:
    return f"{v / 1e9:,.1f}B"


def _text(v: Any) -> str:
    if v is None:
        return ""
    return ", ".join(v) if isinstance(v, list | tuple) else str(v)


@dataclass(frozen=True)
class Column:
    header: str  # in tables and markdown
    key: str  # in CSV: the catalog's field name, with its unit
    value: Callable[[Any], Any]  # the raw value (CSV)
    show: Callable[[Any], str] = _text  # its display form
    # where it appears: "all" (tables and CSV), "wide" (tables only with --wide; CSV always), "table" (tables
    # only: combines other columns for display), "csv" (CSV only)
    where: str = "all"


def _field(name: str) -> Callable[[Any], Any]:
    return lambda e: getattr(e, name)


def _col(header: str, key: str, show: Callable[[Any], str] = _text, where: str = "all") -> Column:
    return Column(header, key, _field(key), show, where)


_SOURCE = [Column("aliases", "aliases", lambda e: list(e.aliases), where="wide"), _col("source", "source", where="wide")]
SECTIONS: dict[str, tuple[str, list[Column]]] = {
    "gpus": ("Accelerators (dense peaks, TFLOP/s)", [
        _col("id", "id"), _col("vendor", "vendor", where="wide"), _col("GB", "memory_gb", _num()),
        _col("GB/s", "memory_bandwidth_gb_per_s", _num(",.0f")),
        Column("bf16", "bf16_tflops", lambda a: a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16"), _num()),
        Column("fp8", "fp8_tflops", lambda a: a.peak_tflops.get("fp8"), _num()),
        _col("W", "tdp_watts", _num(",.0f")), _col("as of", "as_of"), *_SOURCE]),
    "models": ("Models", [
        _col("id", "id"), _col("params", "total_params", _billions), _col("active", "active_params", _billions),
        _col("layers", "layers", _num(",")),
        Column("heads/kv", "heads/kv", lambda m: f"{m.heads}/{m.kv_heads}", where="table"),
        _col("context", "context_length", _num(",")), _col("hidden", "hidden_size", _num(""), where="wide"),
        _col("heads", "heads", where="csv"), _col("kv heads", "kv_heads", where="csv"),
        _col("as of", "as_of", where="wide"), *_SOURCE]),
    "clouds": ("Cloud prices (USD per accelerator-hour)", [
        _col("provider", "provider"), _col("accelerator", "accelerator"), _col("pricing", "pricing"),
        _col("$/h", "usd_per_gpu_hour", _num(",.3f")), _col("as of", "as_of"),
        _col("instance", "instance", where="wide"), _col("source", "source", where="wide")]),
    "apis": ("API prices (USD per 1M tokens)", [
        _col("id", "id"), _col("provider", "provider", where="wide"),
        _col("input", "usd_per_million_input_tokens", _num()),
        _col("cached", "usd_per_million_cached_input_tokens", _num()),
        _col("output", "usd_per_million_output_tokens", _num()),
        _col("batch", "batch_discount", lambda v: "" if v is None else f"-{v:.0%}"), _col("as of", "as_of"),
        *_SOURCE]),
    "energy": ("Energy figures (the first ones are the defaults)", [
        _col("id", "id"), _col("value", "value", _num()), _col("unit", "unit"), _col("as of", "as_of"),
        _col("source", "source", where="wide")]),
}


def _shown(section: str, wide: bool) -> list[Column]:
    return [c for c in SECTIONS[section][1] if c.where in ({"all", "table", "wide"} if wide else {"all", "table"})]


def catalog_csv(section: str, entries: Sequence[Any]) -> str:
    """Every column, numbers unrounded, lists joined with '; '."""
    columns = [c for c in SECTIONS[section][1] if c.where in {"all", "wide", "csv"}]

    def cell(c: Column, e: Any) -> Any:
        v = c.value(e)
        return "; ".join(v) if isinstance(v, list | tuple) else v

    return rows_csv([c.key for c in columns], [[cell(c, e) for c in columns] for e in entries])


def _display_rows(section: str, entries: Sequence[Any], wide: bool) -> tuple[list[str], list[list[str]]]:
    columns = _shown(section, wide)
    return [c.header for c in columns], [[c.show(c.value(e)) for c in columns] for e in entries]


def catalog_markdown(section: str, entries: Sequence[Any], wide: bool = False) -> str:
    header, rows = _display_rows(section, entries, wide)
    return f"### {SECTIONS[section][0]}\n\n{md_table(header, rows)}\n"


def print_catalog(section: str, entries: Sequence[Any], wide: bool = False, console: Any = None) -> None:
    header, rows = _display_rows(section, entries, wide)
    if console is None and wide:
        from ai_costs.render.console import console as make_console

        console = make_console(240)  # --wide asks for every column: room for sources rather than folding
    print_rows(SECTIONS[section][0], header, rows, console)


def print_rows(title: str, columns: list[str], rows: list[list[str]], console: Any = None) -> None:
    """A listing as a table: numbers never wrap (right-aligned), text wraps or folds, so no column is
    dropped or cropped on a narrow terminal."""
    from ai_costs.render.console import console as make_console
    from ai_costs.render.console import fitted_table

    console = console or make_console()
    numeric = [bool(vs) and all(_NUMBER.match(v) for v in vs) for vs in ([r[i] for r in rows if r[i]]
                                                                         for i in range(len(columns)))]
    console.print(fitted_table(columns, rows, numeric=numeric, console=console, title=title))
