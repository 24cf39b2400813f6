"""Load any scenario (train, infer, breakeven) and run its engine: shared by breakeven, check and diff."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ai_costs.models.catalog import Catalog
from ai_costs.models.report import Report
from ai_costs.models.scenario import (
    BREAKEVEN_EXCLUSIVE,
    INFER_EXCLUSIVE,
    TRAIN_EXCLUSIVE,
    BreakevenScenario,
    InferScenario,
    TrainScenario,
)
from ai_costs.presets import build_scenario, resolve, scenario_kind

KINDS: dict[str, tuple[type, Any]] = {
    "train": (TrainScenario, TRAIN_EXCLUSIVE),
    "infer": (InferScenario, INFER_EXCLUSIVE),
    "breakeven": (BreakevenScenario, BREAKEVEN_EXCLUSIVE),
}


def load(kind: str, ref: str, overrides: Mapping[str, Any], dirs: Sequence[Path]) -> Any:
    cls, exclusive = KINDS[kind]
    return build_scenario(cls, kind, ref, overrides, presets_dirs=dirs, exclusive=exclusive)


def breakeven_sides(scen: BreakevenScenario, dirs: Sequence[Path]) -> Any:
    """The scenarios a breakeven refers to by preset name or path, loaded."""
    from ai_costs.engine.breakeven import Sides

    def side(kind: str, ref: str | None) -> Any:
        return None if ref is None else load(kind, ref, {}, dirs)

    return Sides(train=side("train", scen.train), infer=side("infer", scen.infer),
                 self_hosted=side("infer", scen.self_hosted), finetune=side("train", scen.finetune),
                 small=side("infer", scen.small))


def estimate_ref(
    ref: str, overrides: Mapping[str, Any], catalog: Catalog, dirs: Sequence[Path], ranges: bool = True
) -> Report:
    """A preset name or scenario path, with field overrides, estimated."""
    kind = scenario_kind(resolve(ref, dirs))
    if kind not in KINDS:
        from ai_costs.errors import InvalidInput

        raise InvalidInput(f"{ref}: unknown scenario kind {kind!r}; one of: {', '.join(KINDS)}")
    from ai_costs.engine.budget import estimate

    scenario = load(kind, ref, overrides, dirs)
    sides = breakeven_sides(scenario, dirs) if isinstance(scenario, BreakevenScenario) else None
    return estimate(scenario, catalog, sides, ranges=ranges)
