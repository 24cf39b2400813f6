"""Terminal line charts with plotext (>= 6; imported lazily, so JSON runs never load it)."""

from __future__ import annotations

import os

MARKERS = ("x", "o", "+", "*")


def line_chart(
    x: list[float], series: dict[str, list[float]], *, title: str, width: int, height: int = 16
) -> str:
    """A plain-text chart of one or more series, `width` columns wide. Series are told apart by
    marker, so the chart reads without colour; ANSI colour is dropped under NO_COLOR."""
    import plotext as plt

    fig = plt.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.theme("clear")
    for marker, (name, ys) in zip(MARKERS, series.items(), strict=False):
        signal = fig.signal(x, ys, marker=marker)
        signal.label(name)
        signal.lines()
        fig.draw(signal)
    fig.title(title)
    text = str(fig.build())
    return plt.uncolorize(text) if os.environ.get("NO_COLOR") is not None else text
