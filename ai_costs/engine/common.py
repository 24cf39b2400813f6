"""Steps shared by the estimating engines: energy defaults and how a price was chosen."""

from __future__ import annotations

from ai_costs.engine.pricing import HourlyPrice
from ai_costs.engine.sources import SourceList
from ai_costs.models.catalog import Accelerator, Catalog


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
            assumptions.append(
                f"price: {o.provider} {o.pricing} ${o.usd_per_gpu_hour:g}/GPU-hour, the cheapest sourced "
                f"{'on-demand ' if o.pricing == 'on-demand' else ''}offer for {accel.id} "
                "(--cloud, --pricing or --usd-per-gpu-hour to choose)"
            )
        if o.pricing == "assumed":
            warnings.append(
                f"the only price for {accel.id} is a rate assumed in a published estimate ({o.provider}), "
                "not a market quote"
            )
    elif price.owned:
        src.add("purchase_price", accel.id, accel.purchase_source or "given", accel.as_of)
        assumptions.append(f"{price.label}; energy billed separately")
    elif price.usd_per_gpu_hour is None:
        warnings.append(
            f"{accel.id} has no sourced price: costs are not estimated (--usd-per-gpu-hour or --pricing owned)"
        )
