"""API prices: per-token prices of hosted models, and models listed without a price.

Kept apart from ai_costs/models/catalog.py so a run that prices no API does not build these classes
(start-up time, bench/startup.py); ai_costs.models.catalog re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ai_costs.models._schema import Fraction, PositiveFloat, PositiveInt


@dataclass(frozen=True, kw_only=True)
class ApiTier:
    """Long-context tier: prices for a whole call whose prompt exceeds `above_input_tokens`. The engine
    fills a price the tier does not list from the base prices (docs/explanation/methodology-inference.md)."""

    above_input_tokens: PositiveInt
    usd_per_million_input_tokens: PositiveFloat
    usd_per_million_output_tokens: PositiveFloat | None = None
    usd_per_million_cached_input_tokens: PositiveFloat | None = None
    usd_per_million_cache_write_tokens: PositiveFloat | None = None
    usd_per_million_reasoning_tokens: PositiveFloat | None = None
    usd_per_million_batch_input_tokens: PositiveFloat | None = None
    usd_per_million_batch_output_tokens: PositiveFloat | None = None


@dataclass(frozen=True, kw_only=True)
class ApiPrice:
    """Per-token prices of a hosted model API, in USD per million tokens.

    Batch prices: explicit `usd_per_million_batch_*` prices (LiteLLM's `*_batches`) or one
    `batch_discount` off every price. `long_context_threshold_tokens` and its two prices are the
    one-tier shorthand of `long_context_tiers` (both may be given; `tiers` merges them)."""

    id: str
    provider: str
    name: str
    usd_per_million_input_tokens: PositiveFloat
    usd_per_million_output_tokens: PositiveFloat
    source: str
    as_of: str
    aliases: tuple[str, ...] = ()
    usd_per_million_cached_input_tokens: PositiveFloat | None = None
    usd_per_million_cache_write_tokens: PositiveFloat | None = None
    usd_per_million_reasoning_tokens: PositiveFloat | None = None  # when reasoning is not billed as output
    batch_discount: Fraction | None = None
    usd_per_million_batch_input_tokens: PositiveFloat | None = None
    usd_per_million_batch_output_tokens: PositiveFloat | None = None
    usd_per_million_batch_cached_input_tokens: PositiveFloat | None = None
    long_context_threshold_tokens: PositiveInt | None = None
    long_context_usd_per_million_input_tokens: PositiveFloat | None = None
    long_context_usd_per_million_output_tokens: PositiveFloat | None = None
    long_context_tiers: tuple[ApiTier, ...] = ()
    reasoning: bool = False
    status: Literal["active", "legacy", "retired", "superseded"] = "active"
    note: str | None = None

    @property
    def tiers(self) -> tuple[ApiTier, ...]:
        """Every long-context tier, lowest threshold first (the shorthand fields included)."""
        tiers = list(self.long_context_tiers)
        if self.long_context_threshold_tokens is not None and self.long_context_usd_per_million_input_tokens:
            tiers.append(ApiTier(above_input_tokens=self.long_context_threshold_tokens,
                                 usd_per_million_input_tokens=self.long_context_usd_per_million_input_tokens,
                                 usd_per_million_output_tokens=self.long_context_usd_per_million_output_tokens))
        return tuple(sorted(tiers, key=lambda t: t.above_input_tokens))

    def tier_for(self, input_tokens: float) -> ApiTier | None:
        """The tier whose threshold the prompt exceeds by the most, if any."""
        above = [t for t in self.tiers if input_tokens > t.above_input_tokens]
        return above[-1] if above else None


@dataclass(frozen=True, kw_only=True)
class UnpricedApi:
    """A hosted model its source lists without a per-token price (0 or missing): shown, never costed as $0."""

    id: str
    provider: str
    name: str
    source: str
    as_of: str
    aliases: tuple[str, ...] = ()
    status: Literal["unpriced"] = "unpriced"
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApiFile:
    version: Literal[1]
    apis: tuple[ApiPrice, ...]
    unpriced: tuple[UnpricedApi, ...] = field(default=())
