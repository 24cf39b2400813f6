"""Steps shared by the estimating engines: pricing accelerator-hours, their energy, and sources."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.engine.energy import co2_kg, facility_kwh
from ai_costs.engine.pricing import HourlyPrice, resolve_price
from ai_costs.engine.sources import SourceList
from ai_costs.engine.uncertainty import Exact, LogNormal, UncertainInput, lognormal_between, pinned
from ai_costs.models.catalog import Accelerator, Catalog, is_stale
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
        return total(self.compute_usd, self.energy_usd)


def total(compute_usd: float | None, energy_usd: float | None) -> float | None:
    """Compute plus energy; unknown (None) when either is."""
    return None if compute_usd is None or energy_usd is None else compute_usd + energy_usd


def price_hours(
    accel_hours: float, tdp_watts: float | None, power_fraction: float, owned: bool, usd_per_gpu_hour: float | None,
    pue: float, usd_per_kwh: float, grid_gco2_per_kwh: float,
) -> tuple[float | None, float | None, float | None, float | None]:
    """(compute USD, energy USD, kWh, CO2 kg) of `accel_hours`: energy is billed only when owned."""
    kwh = co2 = None
    if tdp_watts is not None:
        kwh = facility_kwh(accel_hours, tdp_watts, power_fraction, pue)
        co2 = co2_kg(kwh, grid_gco2_per_kwh)
    compute = accel_hours * usd_per_gpu_hour if usd_per_gpu_hour is not None else None
    energy = (kwh * usd_per_kwh if kwh is not None else None) if owned else 0.0
    return compute, energy, kwh, co2


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
    if accel.tdp_watts is None:
        warnings.append(f"{accel.id} has no published power figure: energy and CO2 not estimated")
    compute, energy, kwh, co2 = price_hours(accel_hours, accel.tdp_watts, power_fraction, price.owned,
                                            price.usd_per_gpu_hour, pue, usd_per_kwh, grid)
    return AcceleratorCost(price, pue, usd_per_kwh, grid, power_fraction, kwh, co2, compute, energy)


# --- uncertain inputs of pricing and energy (docs/methodology.md, "Ranges") -----------------------

ENERGY_FLAGS = {"pue": "--pue", "usd_per_kwh": "--usd-per-kwh", "grid_gco2_per_kwh": "--grid-gco2-per-kwh"}
ENERGY_UNITS = {"pue": "ratio", "usd_per_kwh": "USD/kWh", "grid_gco2_per_kwh": "gCO2/kWh"}


def price_input(price: HourlyPrice, accel: Accelerator, catalog: Catalog, today: dt.date) -> UncertainInput | None:
    """The price per accelerator-hour as an uncertain input. When no provider was chosen, the summary uses
    the cheapest offer and the price you would pay is log-normal around it, as dispersed as the current
    (under 18 months old) sourced offers of the same kind for this accelerator: the standard deviation of
    their logs. A given price, cloud or purchase price pins it. None when unpriced."""
    value = price.usd_per_gpu_hour
    if value is None:
        return None
    unit = "USD/GPU-hour"
    if price.pricing == "given":
        return pinned("price", value, "--usd-per-gpu-hour", unit)
    if price.owned:
        if not price.chosen_by_default:
            return pinned("price", value, "--purchase-usd-per-gpu", unit)
        return UncertainInput("price", value, Exact(value), f"owned: the catalog's one purchase price of {accel.id}, "
                              "amortized (no spread is sourced)", unit)
    offer = price.offer
    assert offer is not None
    if price.within_cloud is not None:
        return pinned("price", value, "--cloud", unit)
    current = sorted((o for o in catalog.offers_for(accel.id)
                      if o.pricing == offer.pricing and not is_stale(o.as_of, today)), key=lambda o: o.usd_per_gpu_hour)
    logs = [math.log(o.usd_per_gpu_hour) for o in current]
    if len(set(logs)) < 2:
        return UncertainInput("price", value, Exact(value), f"the only current sourced {offer.pricing} offer for "
                              f"{accel.id}: no market spread", unit)
    sigma = statistics.stdev(logs)
    listed = ", ".join(f"{o.provider} ${o.usd_per_gpu_hour:g}" for o in current)
    return UncertainInput("price", value, LogNormal(value, sigma),
                          f"your provider is not given: log-normal around the cheapest offer, log_sigma {sigma:.3f}, "
                          f"the spread of the {len(current)} current sourced {offer.pricing} offers for {accel.id} "
                          f"({listed}) (--cloud or --usd-per-gpu-hour pins it)", unit)


def energy_input(key: str, given: float | None, value: float, catalog: Catalog) -> UncertainInput:
    """An energy default (PUE, $/kWh, grid gCO2/kWh) as a log-normal centred on it, whose p5-p95 spans
    the two catalog references named in defaults.ENERGY_RANGES; a given value is exact."""
    unit = ENERGY_UNITS[key]
    if given is not None:
        return pinned(key, given, ENERGY_FLAGS[key], unit)
    refs = {r.id: r for r in catalog.energy.references}
    low, high = (refs.get(ref) for ref in d.ENERGY_RANGES[key])
    if low is None or high is None or low.value >= high.value:
        return UncertainInput(key, value, Exact(value), "no range references in the energy catalog", unit)
    return UncertainInput(key, value, lognormal_between(value, low.value, high.value),
                          f"centred on the default; p5-p95 as wide as {low.id} ({low.value:g}) to {high.id} "
                          f"({high.value:g}): {d.ENERGY_RANGE_REASONS[key]}", unit)


def cost_inputs(s: TrainScenario | InferScenario, accel: Accelerator, cost: AcceleratorCost,
                catalog: Catalog, today: dt.date) -> list[UncertainInput]:
    """Price, PUE, electricity price (owned only) and grid intensity (when energy is estimated)."""
    inputs = [i for i in (price_input(cost.price, accel, catalog, today),) if i is not None]
    if cost.kwh is not None:
        inputs.append(energy_input("pue", s.pue, cost.pue, catalog))
        if cost.price.owned:
            inputs.append(energy_input("usd_per_kwh", s.usd_per_kwh, cost.usd_per_kwh, catalog))
        inputs.append(energy_input("grid_gco2_per_kwh", s.grid_gco2_per_kwh, cost.grid_gco2_per_kwh, catalog))
    return inputs
