"""The console script's entry point (`ai-costs`, and `python -m ai_costs`).

A run is a short-lived process: the cyclic garbage collector is switched off before anything is imported,
so the collections that tens of thousands of new objects would trigger during imports and parsing do not
cost start-up time (about 15 ms of a 200 ms run, bench/startup.py). Reference counting still frees
almost everything; the little cyclic garbage left is freed when the process ends. Library users, who
import ai_costs or ai_costs.cli, are not affected.
"""

from __future__ import annotations

import gc

gc.disable()

from ai_costs.cli import main  # noqa: E402  (after the collector is off)

__all__ = ["main"]
