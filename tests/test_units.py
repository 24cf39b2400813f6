from __future__ import annotations

import math

import pytest

from ai_costs.units import DAYS_PER_MONTH, HOURS_PER_MONTH, HOURS_PER_YEAR, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15.6T", 15.6e12),
        ("405B", 405e9),
        ("2.5M", 2.5e6),
        ("2.788M", 2.788e6),
        ("1_000", 1000.0),
        ("16,384", 16384.0),
        ("1e12", 1e12),
        ("2.15e25", 2.15e25),
        ("7k", 7000.0),
        ("0.5", 0.5),
        (" 3 ", 3.0),
        ("100M", 1e8),
    ],
)
def test_parse_quantity(text: str, expected: float) -> None:
    assert parse_quantity(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["", "abc", "15.6X", "1..2", "T"])
def test_parse_quantity_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_quantity(text)


def test_nan_and_inf_parse_so_validation_can_reject_them() -> None:
    assert math.isnan(parse_quantity("nan"))
    assert math.isinf(parse_quantity("inf"))


def test_calendar_constants() -> None:
    # DESIGN.md: a month is 730 hours / 30.4167 days; a year 365 days.
    assert HOURS_PER_MONTH == 730
    assert DAYS_PER_MONTH == pytest.approx(30.4167, abs=1e-4)
    assert HOURS_PER_YEAR == 8760


def test_models_behave_as_frozen_dataclasses_made_on_first_use() -> None:
    import dataclasses

    from ai_costs.models.report import CostLine
    from ai_costs.models.scenario import TrainScenario

    a = TrainScenario(flops=1e21, gpus=8)
    assert dataclasses.is_dataclass(a) and a == TrainScenario(flops=1e21, gpus=8) != TrainScenario(flops=1e21)
    assert hash(a) == hash(TrainScenario(flops=1e21, gpus=8))
    assert repr(a).startswith("TrainScenario(kind='train', version=1,") and "flops=1e+21" in repr(a)
    assert dataclasses.replace(a, gpus=16).gpus == 16 and a.gpus == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.gpus = 16  # type: ignore[misc]
    with pytest.raises(TypeError):
        TrainScenario(1e21)  # type: ignore[misc]  # keyword-only
    line = CostLine(name="x", quantity=2.0, unit="h", usd_per_unit=3.0, usd=6.0, assumption=False)
    assert dataclasses.asdict(line)["usd"] == 6.0 and next(f.name for f in dataclasses.fields(CostLine)) == "name"
