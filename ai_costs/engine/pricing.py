"""Which price per accelerator-hour applies: given, a cloud offer, or owned hardware."""

from __future__ import annotations

from dataclasses import dataclass

from ai_costs.engine import defaults as d
from ai_costs.errors import InvalidInput, UnknownId
from ai_costs.models.catalog import Accelerator, Catalog, CloudOffer
from ai_costs.units import HOURS_PER_YEAR

MARKET = ("on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block")


@dataclass(frozen=True)
class HourlyPrice:
    """The resolved price of one accelerator-hour, and how it was chosen."""

    usd_per_gpu_hour: float | None  # None: no sourced price (unpriced, never $0)
    pricing: str  # on-demand, ..., 'owned', 'given', 'unpriced'
    label: str  # human description, e.g. "lambda on-demand"
    offer: CloudOffer | None = None
    chosen_by_default: bool = False
    within_cloud: str | None = None  # the --cloud the default choice was made within
    lifetime_years: float | None = None
    purchase_usd_per_gpu: float | None = None

    @property
    def owned(self) -> bool:
        return self.pricing == "owned"


def owned_usd_per_gpu_hour(purchase_usd: float, lifetime_years: float) -> float:
    """Straight-line amortization of the purchase price over every hour of the lifetime."""
    return purchase_usd / (lifetime_years * HOURS_PER_YEAR)


def resolve_price(
    accel: Accelerator,
    catalog: Catalog,
    *,
    usd_per_gpu_hour: float | None = None,
    cloud: str | None = None,
    pricing: str | None = None,
    purchase_usd_per_gpu: float | None = None,
    lifetime_years: float | None = None,
) -> HourlyPrice:
    """Explicit price > owned > the chosen cloud/commitment > the cheapest sourced offer."""
    if usd_per_gpu_hour is not None:
        return HourlyPrice(usd_per_gpu_hour, "given", f"${usd_per_gpu_hour:g}/GPU-hour (given)")
    if pricing == "owned":
        purchase = purchase_usd_per_gpu or accel.purchase_usd
        if purchase is None:
            raise InvalidInput(
                f"no sourced purchase price for {accel.id}; pass --purchase-usd-per-gpu with --pricing owned",
                code="unpriced",
            )
        years = lifetime_years or d.DEFAULT_LIFETIME_YEARS
        return HourlyPrice(
            owned_usd_per_gpu_hour(purchase, years),
            "owned",
            f"owned: ${purchase:,.0f} per accelerator over {years:g} years",
            lifetime_years=years,
            purchase_usd_per_gpu=purchase,
            chosen_by_default=purchase_usd_per_gpu is None,
        )
    offers = catalog.offers_for(accel.id)
    if cloud is not None:
        cloud = cloud.strip().lower()
        if cloud not in catalog.providers():
            raise UnknownId("cloud (--cloud)", cloud, catalog.providers(), code="unknown_cloud",
                            listing="ai-costs catalog clouds")
        offers = [o for o in offers if o.provider == cloud]
    if pricing is not None:
        offers = [o for o in offers if o.pricing == pricing]
    if cloud is not None or pricing is not None:
        if not offers:
            available = ", ".join(f"{o.provider} {o.pricing}" for o in catalog.offers_for(accel.id))
            raise InvalidInput(
                f"no {cloud or ''} {pricing or ''} price for {accel.id} in the catalog".replace("  ", " ")
                + (f"; available: {available}" if available else "; it has no sourced cloud price")
                + "; or pass --usd-per-gpu-hour",
                code="unpriced",
            )
        if pricing is None:  # a cloud without a commitment: its on-demand price when it has one
            offers = [o for o in offers if o.pricing == "on-demand"] or offers
        best = min(offers, key=lambda o: o.usd_per_gpu_hour)
        return HourlyPrice(best.usd_per_gpu_hour, best.pricing, f"{best.provider} {best.pricing}", best,
                           chosen_by_default=pricing is None, within_cloud=cloud)
    # Nothing asked: on-demand first, then any market offer, then rates assumed in published estimates.
    for kinds in (("on-demand",), MARKET, ("assumed",)):
        pool = [o for o in offers if o.pricing in kinds]
        if pool:
            best = min(pool, key=lambda o: o.usd_per_gpu_hour)
            return HourlyPrice(
                best.usd_per_gpu_hour, best.pricing, f"{best.provider} {best.pricing}", best,
                chosen_by_default=True,
            )
    return HourlyPrice(None, "unpriced", "no sourced price", chosen_by_default=True)
