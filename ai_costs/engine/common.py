"""Steps shared by the estimating engines: pricing accelerator-hours, their energy, and sources."""

from __future__ import annotations

from dataclasses import dataclass

from ai_costs.engine.energy import co2_kg, facility_kwh
from ai_costs.engine.pricing import HourlyPrice, resolve_price
from ai_costs.engine.sources import SourceList
from ai_costs.models.catalog import Accelerator, Catalog
from ai_costs.models.scenario import InferScenario, TrainScenario


def energy_value(given: float | None, key: str, catalog: Catalog, src: SourceList) -> float:
    """The given value, or the catalog default (recorded as a source)."""
    if given is not None:
        return given
    value = catalog.energy_default(key)
    src.add("energy", value.id, value.source, value.as_of)
    return value.value


def record_price(
    price: HourlyPrice, accel: Accelerator, src: SourceList, assumptions: list[str], warnings: list[str]
) -> None:
    """State how the price was chosen: sources, the assumption when defaulted, a warning when weak."""
    if price.offer is not None:
        o = price.offer
        src.add("cloud_price", f"{o.provider}/{o.accelerator}/{o.pricing}", o.source, o.as_of)
        if price.chosen_by_default:
            scope = f" from {price.within_cloud}" if price.within_cloud else ""
            assumptions.append(
                f"price: {o.provider} {o.pricing} ${o.usd_per_gpu_hour:g}/GPU-hour, the cheapest sourced "
                f"{'on-demand ' if o.pricing == 'on-demand' else ''}offer for {accel.id}{scope} "
                "(--cloud, --pricing or --usd-per-gpu-hour to choose)"
            )
        if o.pricing == "assumed":
            warnings.append(
                f"the only price for {accel.id} is a rate assumed in a published estimate ({o.provider}), "
                "not a market quote"
            )
    elif price.owned:
        if price.chosen_by_default:  # the catalog's purchase price, dated on its own
            src.add("purchase_price", accel.id, accel.purchase_source or "", accel.purchase_as_of or accel.as_of)
        else:
            src.add("purchase_price", accel.id, "given (--purchase-usd-per-gpu)", "given")
        assumptions.append(f"{price.label}; energy billed separately")
    elif price.usd_per_gpu_hour is None:
        warnings.append(
            f"{accel.id} has no sourced price: costs are not estimated (--usd-per-gpu-hour or --pricing owned)"
        )


@dataclass(frozen=True)
class AcceleratorCost:
    """What accelerator-hours cost: rent or amortization, plus energy (billed only when owned: a rental
    price includes it), with kWh and CO2 either way."""

    price: HourlyPrice
    pue: float
    usd_per_kwh: float
    grid_gco2_per_kwh: float
    power_fraction: float
    kwh: float | None  # None: the accelerator has no published power figure
    co2_kg: float | None
    compute_usd: float | None  # None: unpriced
    energy_usd: float | None

    @property
    def total_usd(self) -> float | None:
        if self.compute_usd is None or self.energy_usd is None:
            return None
        return self.compute_usd + self.energy_usd


def scenario_price(s: TrainScenario | InferScenario, accel: Accelerator, catalog: Catalog) -> HourlyPrice:
    """The price per accelerator-hour the scenario's pricing options select."""
    return resolve_price(accel, catalog, usd_per_gpu_hour=s.usd_per_gpu_hour, cloud=s.cloud, pricing=s.pricing,
                         purchase_usd_per_gpu=s.purchase_usd_per_gpu, lifetime_years=s.lifetime_years)


def accelerator_cost(
    s: TrainScenario | InferScenario, accel: Accelerator, accel_hours: float, power_key: str, catalog: Catalog,
    src: SourceList, assumptions: list[str], warnings: list[str], price: HourlyPrice | None = None,
) -> AcceleratorCost:
    """Price `accel_hours` of `accel` as the scenario asks (or at `price`, already resolved by
    `scenario_price`), and their energy at the `power_key` fraction of TDP."""
    price = price or scenario_price(s, accel, catalog)
    record_price(price, accel, src, assumptions, warnings)
    pue = energy_value(s.pue, "pue", catalog, src)
    # The electricity price matters (and is cited) only when energy is billed, i.e. when owned.
    usd_per_kwh = energy_value(s.usd_per_kwh, "usd_per_kwh", catalog, src if price.owned else SourceList.unused())
    grid = energy_value(s.grid_gco2_per_kwh, "grid_gco2_per_kwh", catalog, src)
    power_fraction = catalog.energy_default(power_key).value
    kwh = co2 = None
    if accel.tdp_watts is not None:
        kwh = facility_kwh(accel_hours, accel.tdp_watts, power_fraction, pue)
        co2 = co2_kg(kwh, grid)
    else:
        warnings.append(f"{accel.id} has no published power figure: energy and CO2 not estimated")
    compute = accel_hours * price.usd_per_gpu_hour if price.usd_per_gpu_hour is not None else None
    energy = (kwh * usd_per_kwh if kwh is not None else None) if price.owned else 0.0
    return AcceleratorCost(price, pue, usd_per_kwh, grid, power_fraction, kwh, co2, compute, energy)
