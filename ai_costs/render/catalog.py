"""Plain listings (catalogs, presets) as rich tables."""

from __future__ import annotations

import re

from rich import box
from rich.console import Console
from rich.table import Table

from ai_costs.render.console import console as make_console

# A formatted number: "$1.2M", "1,979", "36.0%", "157.0 days", "28.2 kWh", "2026-01-14".
_NUMBER = re.compile(r"^[+-]?\$?[\d.,]+(e[+-]?\d+)?[KMBT%]?( [a-zA-Z/]+)?$|^\d{4}(-\d\d){0,2}$")


def print_rows(title: str, columns: list[str], rows: list[list[str]], console: Console | None = None) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    last = len(columns) - 1
    for i, column in enumerate(columns):
        values = [row[i] for row in rows if row[i]]
        numeric = bool(values) and all(_NUMBER.match(v) for v in values)
        # ids and numbers stay whole; only the last column (prose, or a number) may wrap
        table.add_column(column, justify="right" if numeric else "left", no_wrap=i != last, overflow="fold",
                         min_width=len(column))
    for row in rows:
        table.add_row(*row)
    (console or make_console()).print(table)
