"""ai-costs: cost, time and energy of AI training and inference.

The engine is importable without the CLI::

    from ai_costs import load_catalog, estimate_training
    from ai_costs.models.scenario import TrainScenario
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "estimate_training", "load_catalog"]


def __getattr__(name: str) -> Any:
    # Lazy re-exports keep `import ai_costs` (and so CLI start-up) cheap.
    if name == "estimate_training":
        from ai_costs.engine.train import estimate_training

        return estimate_training
    if name == "load_catalog":
        from ai_costs.catalog import load_catalog

        return load_catalog
    raise AttributeError(name)
