"""Plain listings (catalogs, presets) as rich tables."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table


def print_rows(title: str, columns: list[str], rows: list[list[str]], console: Console | None = None) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 or not rows else "right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    (console or Console(highlight=False)).print(table)
