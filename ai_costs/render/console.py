"""The rich console every table is printed on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from rich.table import Table


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's default exits 1, the over-budget status; the CLI drops the rest of the output instead
        # and still exits with the verdict (ai_costs/cli/_errors.py, closed_pipe_ok).
        self.quiet = True
        raise BrokenPipeError


def console(width: int | None = None) -> Console:
    """stdout, without highlighting (numbers are not coloured by guesswork); NO_COLOR and non-TTY output
    are honoured by rich."""
    return _Console(highlight=False, width=width)


def fit_widths(desired: list[int], floors: list[int], fixed: list[bool], available: int, least: int = 6) -> list[int]:
    """Column widths that fit `available` characters: fixed columns (numbers, verdicts) keep their width;
    the widest text columns give up room first, none below its floor (nor, when the floors do not fit,
    below `least`). rich's own shrinking narrows every wrapping column alike and can crop a cell, so
    tables set these widths explicitly."""
    if sum(desired) <= available:
        return desired
    room = available - sum(d for d, f in zip(desired, fixed, strict=True) if f)

    def width(cap: int, lows: list[int]) -> list[int]:
        return [d if f else max(lo, min(d, cap)) for d, lo, f in zip(desired, lows, fixed, strict=True)]

    def text(widths: list[int]) -> int:
        return sum(w for w, f in zip(widths, fixed, strict=True) if not f)

    candidates = [floors, *([min(f, n) for f in floors] for n in (least, 4, 3, 1))]
    lows = next((c for c in candidates if text(width(0, c)) <= room), candidates[-1])
    lo, hi = 0, max(desired)
    while lo < hi:  # the largest cap whose text columns fit the room left by the fixed ones
        mid = (lo + hi + 1) // 2
        if text(width(mid, lows)) <= room:
            lo = mid
        else:
            hi = mid - 1
    return width(lo, lows)


def fitted_table(
    header: list[str], rows: list[list[Any]], *, numeric: list[bool], console: Console, title: str | None = None,
    first_floor: int = 24, show_header: bool = True, styles: list[str | None] | None = None,
) -> Table:
    """A table that fits the console: numeric columns (numbers, verdicts) are never wrapped or cropped;
    text columns wrap, the first one (ids, names) kept whole up to `first_floor` characters. Cells may be
    str or rich Text."""
    from rich import box
    from rich.table import Table

    def length(cell: Any) -> int:
        return max((len(line) for line in str(cell).splitlines()), default=0)

    heads = header if show_header else [""] * len(header)
    longest = [max([len(h), *(length(r[i]) for r in rows)]) for i, h in enumerate(heads)]
    floors = [n if i == 0 and n <= first_floor else max(len(h), min(n, 8))
              for i, (h, n) in enumerate(zip(heads, longest, strict=True))]
    gaps = 2 * (len(header) - 1)  # collapsed padding between columns, none at the edges
    widths = fit_widths(longest, floors, numeric, console.width - gaps)
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False,
                  collapse_padding=True, show_header=show_header)
    for column, width, number, style in zip(header, widths, numeric, styles or [None] * len(header), strict=True):
        table.add_column(column, justify="right" if number else "left", no_wrap=number, overflow="fold", width=width,
                         style=style)
    for row in rows:
        table.add_row(*row)
    return table
