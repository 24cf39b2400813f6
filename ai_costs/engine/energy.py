"""Energy and emissions (one formula each)."""

from __future__ import annotations

from ai_costs.units import GRAMS_PER_KG, WATTS_PER_KW


def facility_kwh(accelerator_hours: float, tdp_watts: float, power_fraction: float, pue: float) -> float:
    """kWh at the meter: accelerator-hours x TDP x average fraction of TDP drawn x PUE."""
    return accelerator_hours * tdp_watts / WATTS_PER_KW * power_fraction * pue


def co2_kg(kwh: float, grid_gco2_per_kwh: float) -> float:
    """Operational emissions: kWh x grid carbon intensity."""
    return kwh * grid_gco2_per_kwh / GRAMS_PER_KG
