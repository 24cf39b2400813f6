"""Rich tables for people: readable at 80 columns, NO_COLOR and non-TTY aware (rich handles both)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ai_costs.models.report import Report
from ai_costs.render.console import console as make_console
from ai_costs.render.console import fitted_table
from ai_costs.render.format import (
    LABELS,
    edge_note,
    fmt_bound,
    fmt_count,
    fmt_input_range,
    fmt_usd,
    fmt_value,
    marked,
    shown_range,
    title,
)

TOP_DRIVERS = 3

CHART_LIMIT_USD = 1e30  # far beyond any budget; the chart's axis arithmetic overflows on larger values


def summary_table(report: Report, console: Console) -> Table:
    """Each summary metric, with its p5-p95 range in brackets when it has one. Labels wrap on a narrow
    terminal; values and ranges never do."""
    ranged = any(shown_range(report, k) for k in report.summary)
    rented = report.inputs.get("pricing") not in (None, "owned")
    rows = []
    for key, value in report.summary.items():
        shown = fmt_value(key, value)
        if key == "energy_usd" and value == 0 and rented:
            shown = "in the rental price"
        label = LABELS.get(key, key.replace("_", " "))
        rows.append([label, marked(report, key, shown), *([shown_range(report, key)] if ranged else [])])
    columns = ["metric", "value", *(["p5-p95"] if ranged else [])]
    return fitted_table(columns, rows, numeric=[False] + [True] * (len(columns) - 1), console=console,
                        show_header=False, styles=["bold", *[None] * (len(columns) - 1)])


HEADLINES = {"total_usd": "total cost", "usd_per_month": "cost per month", "usd_per_million_tokens": "cost per 1M tokens",
             "crossover_months": "crossover month", "crossover_tokens_per_day": "crossover volume"}


def _metric_label(key: str) -> str:
    return HEADLINES.get(key) or LABELS.get(key, key.replace("_", " ")).lower()


def print_drivers(report: Report, console: Console, limit: int | None = TOP_DRIVERS) -> None:
    """The inputs that move the headline metric most: each at its p5 and p95, the others central."""
    rows = report.sensitivity[:limit] if limit else report.sensitivity
    if not rows:
        return
    metric = rows[0]["metric"]
    what = "Top drivers" if limit is not None else "Drivers"
    console.print(f"[bold]{what} of the {_metric_label(metric)}[/bold] (ranges in brackets are p5-p95)")
    table = Table.grid(padding=(0, 2))
    table.add_column(width=1)
    for _ in range(3):  # wrapped on a narrow terminal, never cut short
        table.add_column(overflow="fold")
    for row in rows:
        table.add_row("", row["input"], fmt_input_range(row["unit"], row["input_p5"], row["input_p95"]),
                      f"-> {fmt_bound(metric, row['metric_at_p5'])} to {fmt_bound(metric, row['metric_at_p95'])}")
    console.print(table)
    if limit is not None and len(report.sensitivity) > limit:
        console.print(f"   ... and {len(report.sensitivity) - limit} more (--sensitivity)")
    console.print()


def tornado(report: Report, width: int) -> list[str]:
    """The headline metric with each input at its p5 and p95 as bars on one scale (| = the central value):
    a tornado chart in plain text, `width` columns wide."""
    rows = report.sensitivity
    if not rows:
        return []
    metric = rows[0]["metric"]
    central = report.summary.get(metric)
    finite = [v for r in rows for v in (r["metric_at_p5"], r["metric_at_p95"]) if v is not None]
    if central is not None:
        finite.append(central)
    lo, hi = min(finite), max(finite)
    label_w = max(len(r["input"]) for r in rows)
    texts = [f"{fmt_bound(metric, r['metric_at_p5'])} to {fmt_bound(metric, r['metric_at_p95'])}" for r in rows]
    bar_w = max(10, width - label_w - max(len(t) for t in texts) - 6)

    def col(value: float | None) -> int:
        if value is None:  # beyond the horizon: the right edge
            return bar_w - 1
        return round((value - lo) / (hi - lo) * (bar_w - 1)) if hi > lo else 0

    left, right = fmt_bound(metric, lo), fmt_bound(metric, hi)
    axis = left + right.rjust(bar_w - len(left)) if bar_w > len(left) + len(right) else f"{left} .. {right}"
    lines = [f"  {'':<{label_w}} {axis}"]
    for r, text in zip(rows, texts, strict=True):
        a, b = sorted((col(r["metric_at_p5"]), col(r["metric_at_p95"])))
        bar = [" "] * bar_w
        for i in range(a, b + 1):
            bar[i] = "="
        if central is not None:
            bar[col(central)] = "|"
        lines.append(f"  {r['input']:<{label_w}} {''.join(bar)}  {text}")
    return lines


def print_sensitivity(report: Report, console: Console) -> None:
    """--sensitivity: every uncertain input's effect on the headline metric, charted."""
    if not report.sensitivity:
        console.print("No uncertain input moves the headline metric: every one is pinned or exact.")
        return
    metric = report.sensitivity[0]["metric"]
    central = report.summary.get(metric)
    console.print(f"[bold]Sensitivity of the {_metric_label(metric)}[/bold] (each input from its p5 to its p95, "
                  f"the others as in the summary; | = {fmt_bound(metric, central)})")
    console.print(Text("\n".join(tornado(report, min(console.width, 100)))))
    console.print()
    print_drivers(report, console, limit=None)


def lines_table(report: Report, console: Console) -> Table:
    rows = [[line.name + (" *" if line.assumption else ""), f"{fmt_count(line.quantity)} {line.unit}",
             "n/a" if line.usd_per_unit is None else f"{fmt_usd(line.usd_per_unit)}/{line.unit}", fmt_usd(line.usd)]
            for line in report.line_items]
    return fitted_table(["item", "quantity", "unit price", "cost"], rows, numeric=[False, True, True, True],
                        console=console, title="Cost lines (* = rests on an assumption)")


def memory_table(memory: dict[str, float]) -> Table:
    """Memory per accelerator of a self-hosted replica: weights, KV cache at the batch, free."""
    table = Table(box=box.SIMPLE_HEAD, title="Memory per accelerator (GB)", title_justify="left")
    for column in ("capacity", "usable", "weights", "kv_cache", "free"):
        table.add_column(column.replace("_", " "), justify="right")
    table.add_row(*(f"{memory[c]:,.1f}" for c in ("capacity", "usable", "weights", "kv_cache", "free")))
    return table


def print_checks(report: Report, console: Console) -> None:
    """The --max limits and whether each holds (the exit code is 1 when one does not)."""
    if not report.checks:
        return
    table = Table(box=box.SIMPLE_HEAD, title="Budget checks", title_justify="left")
    for column in ("metric", "limit", "value", "result"):
        table.add_column(column, justify="left" if column in {"metric", "result"} else "right")
    for c in report.checks:
        table.add_row(c.metric, fmt_value(c.metric, c.limit), fmt_value(c.metric, c.value),
                      "ok" if c.ok else "OVER")
    console.print(table)


def print_bullets(title: str, items: tuple[str, ...], console: Console) -> None:
    """A titled list whose items wrap at the terminal's width."""
    if not items:
        return
    console.print(title, style="bold")
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(width=3, justify="right")
    bullets.add_column(overflow="fold")
    for text in items:
        bullets.add_row("-", Text(text))
    console.print(bullets)


def print_assumptions(report: Report, console: Console) -> None:
    print_bullets("Assumptions", report.assumptions, console)


def grouped_table(
    title: str, header: list[str], groups: list[tuple[str, list[list[str]]]], console: Console | None = None
) -> Console:
    """Rows in named groups: each group's name on a row of its own, then its rows. The first column
    (names) wraps; the others (numbers, verdicts) never do, so no column is lost on a narrow terminal."""
    console = console or make_console()
    rows: list[list[Any]] = []
    for name, group in groups:
        rows += [[Text(name, style="bold"), *[""] * (len(header) - 1)], *group]
    console.print(fitted_table(header, rows, numeric=[False] + [True] * (len(header) - 1), console=console,
                              title=title))
    return console


def _print_edge_note(report: Report, keys: Iterable[str], console: Console) -> None:
    note = edge_note(report, keys)
    if note:
        console.print(Text(note), style="dim")
        console.print()


def print_report(report: Report, console: Console | None = None, *, sensitivity: bool = False) -> None:
    console = console or make_console()
    console.print(title(report), style="bold")
    console.print(summary_table(report, console))
    _print_edge_note(report, report.summary, console)
    if sensitivity:
        print_sensitivity(report, console)
    else:
        print_drivers(report, console)
    if report.line_items:
        console.print(lines_table(report, console))
    memory = report.detail.get("memory_per_gpu_gb")
    if memory:
        console.print(memory_table(memory))
    print_assumptions(report, console)
    print_checks(report, console)
    if report.sources:
        dates = sorted({s.as_of for s in report.sources})
        console.print(
            f"\nSources as of {dates[0]} to {dates[-1]}; `--format json` lists each one.", style="dim"
        )


def print_breakeven(report: Report, console: Console | None = None, *, sensitivity: bool = False) -> None:
    """Crossover summary, the month-by-month (or volume) series and a chart of the two curves."""
    from ai_costs.render.chart import line_chart

    console = console or make_console()
    i, s, d = report.inputs, report.summary, report.detail
    console.print(f"Breakeven ({i['mode']}): {d['a']['name']} vs {d['b']['name']}", style="bold")
    head: list[list[str]] = []
    if i["mode"] == "self-host-vs-api":
        v = s["crossover_tokens_per_day"]
        head.append(["Self-hosting cheaper above",
                     marked(report, "crossover_tokens_per_day", "never" if v is None else f"{fmt_count(v)} tokens/day"),
                     shown_range(report, "crossover_tokens_per_day")])
        if "cheaper_at_given_volume" in d:
            head.append(["Cheaper at the given volume", d["cheaper_at_given_volume"], ""])
    else:
        m = s["crossover_months"]
        head.append(["Crossover", marked(report, "crossover_months",
                                         f"never within {s['horizon_months']:g} months" if m is None
                                         else f"{m:.2f} months"),
                     shown_range(report, "crossover_months")])
        head.append([f"{d['a']['name']} over {s['horizon_months']:g} months",
                     marked(report, "a_total_usd", fmt_usd(s["a_total_usd"])), shown_range(report, "a_total_usd")])
        head.append([f"{d['b']['name']} over {s['horizon_months']:g} months",
                     marked(report, "b_total_usd", fmt_usd(s["b_total_usd"])), shown_range(report, "b_total_usd")])
        if s["inference_share"] is not None:
            head.append(["Inference share of lifetime cost",
                         marked(report, "inference_share", f"{s['inference_share']:.1%}"),
                         shown_range(report, "inference_share")])
    if s.get("crossover_probability") is not None:
        head.append([f"Chance of a crossover{'' if i['mode'] == 'self-host-vs-api' else ' within the horizon'}",
                     f"{s['crossover_probability']:.0%}", ""])
    console.print(fitted_table(["metric", "value", "p5-p95"], head, numeric=[False, True, True], console=console,
                               show_header=False, styles=["bold", None, None]))
    _print_edge_note(report, s, console)
    if sensitivity:
        print_sensitivity(report, console)
    else:
        print_drivers(report, console)

    rows = d["series"]
    width = min(console.width, 80)
    if i["mode"] == "self-host-vs-api":
        series_table = Table(box=box.SIMPLE_HEAD, title="Cost per day by volume", title_justify="left")
        for column in ("tokens/day", "self-hosted", "API"):
            series_table.add_column(column, justify="right")
        for r in rows:
            series_table.add_row(fmt_count(r["tokens_per_day"]), fmt_usd(r["self_hosted_usd_per_day"]),
                                 fmt_usd(r["api_usd_per_day"]))
        console.print(series_table)
        chart = line_chart(list(range(len(rows))),
                           {"self-hosted": [r["self_hosted_usd_per_day"] for r in rows],
                            "API": [r["api_usd_per_day"] for r in rows]},
                           title="USD per day against tokens per day (points of the table above)", width=width)
    else:
        names = [d["a"]["name"], d["b"]["name"]]
        series_table = Table(box=box.SIMPLE_HEAD, title="Cumulative cost by month", title_justify="left")
        series_table.add_column("month", justify="right")
        for name in names:
            series_table.add_column(name, justify="right")
        step = max(1, len(rows) // 12)
        for r in rows[::step]:
            series_table.add_row(f"{r['month']:.0f}", *(fmt_usd(r[n]) for n in names))
        console.print(series_table)
        # An explosive growth makes a curve unbounded (inf, null in JSON) within the horizon: chart the months
        # where both curves are finite and say where it stops.
        shown = [r for r in rows if all(math.isfinite(r[n]) and abs(r[n]) < CHART_LIMIT_USD for n in names)]
        chart = line_chart([r["month"] for r in shown], {n: [r[n] / 1e6 for r in shown] for n in names},
                           title="Cumulative cost (USD millions) by month", width=width)
        if len(shown) < len(rows):
            last = shown[-1]["month"] if shown else 0.0
            chart += f"\nThe chart stops at month {last:.0f}: beyond it a cost is too large to draw (see the table)."
    console.print(Text(chart))
    print_assumptions(report, console)
    print_checks(report, console)
