"""Catalog entries: accelerators, model architectures, cloud offers, API prices, energy defaults.

Every entry carries `source` and `as_of`. Field names carry their units.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import field
from typing import Any, Literal, Protocol, TypeVar

from ai_costs.errors import CatalogError, UnknownId
from ai_costs.models._base import Model, model
from ai_costs.models._schema import Fraction, NonNegativeInt, PositiveFloat, PositiveInt

Precision = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8", "int4"]
PricingKind = Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "assumed"]
STALE_AFTER_DAYS = 548  # 18 months (DESIGN.md: entries older than this are flagged)


def as_of_date(as_of: str) -> dt.date | None:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (the end of the period, to be generous)."""
    if as_of == "given":  # a figure the user gave: dated by the user's own run
        return None
    parts = as_of.strip().split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 12
        day = int(parts[2][:2]) if len(parts) > 2 else 28
        return dt.date(year, month, day)
    except (ValueError, IndexError):
        return None


def is_stale(as_of: str, today: dt.date) -> bool:
    date = as_of_date(as_of)
    return date is not None and (today - date).days > STALE_AFTER_DAYS


@model
class Accelerator(Model):
    """One accelerator (GPU, TPU, ...): dense peaks in TFLOP/s per precision, memory, power."""

    id: str
    name: str
    vendor: Literal["nvidia", "amd", "intel", "google", "aws"]
    memory_gb: PositiveFloat
    memory_bandwidth_gb_per_s: PositiveFloat
    peak_tflops: dict[Precision, PositiveFloat]
    source: str
    as_of: str
    aliases: tuple[str, ...] = ()
    tdp_watts: PositiveFloat | None = None
    interconnect: str | None = None
    interconnect_gb_per_s: PositiveFloat | None = None
    # Serving/training communication (issue 11). scale_up_domain: accelerators joined by the scale-up
    # fabric (8 for an HGX NVLink board, 72 for GB200 NVL72, 4 for a PCIe box, a TPU slice).
    # interconnect_latency_us: latency of one collective step on that fabric. scale_out_gb_per_s: the
    # per-accelerator network to other nodes (InfiniBand/RoCE/EFA), ONE direction, GB/s (400 Gb/s = 50).
    scale_up_domain: PositiveInt | None = None
    interconnect_latency_us: PositiveFloat | None = None
    scale_out_gb_per_s: PositiveFloat | None = None
    scale_out_latency_us: PositiveFloat | None = None
    launch: str | None = None
    purchase_usd: PositiveFloat | None = None
    purchase_source: str | None = None
    purchase_as_of: str | None = None
    note: str | None = None


@model
class ModelSpec(Model):
    """A model architecture: parameter counts and the shapes that set FLOPs and KV-cache size."""

    id: str
    name: str
    family: str
    total_params: PositiveFloat
    active_params: PositiveFloat
    layers: PositiveInt
    hidden_size: PositiveInt
    heads: PositiveInt
    kv_heads: PositiveInt
    head_dim: PositiveInt
    ffn_size: PositiveInt
    vocab_size: PositiveInt
    context_length: PositiveInt
    source: str
    as_of: str
    aliases: tuple[str, ...] = ()
    train_seq_len: PositiveInt | None = None
    training_tokens: PositiveFloat | None = None
    experts: PositiveInt | None = None
    experts_per_token: PositiveInt | None = None
    kv_cache_dim_per_layer: PositiveInt | None = None
    # Mixture-of-experts shape (issues 11, 12). expert_ffn_size: intermediate size of one routed expert;
    # shared_experts: always-active experts per MoE layer; moe_layers: layers with an MoE FFN (the rest
    # are dense with ffn_size); None = every layer when `experts` is set.
    expert_ffn_size: PositiveInt | None = None
    shared_experts: NonNegativeInt | None = None
    moe_layers: PositiveInt | None = None
    # Local attention: `sliding_window_layers` of the layers attend over `sliding_window` tokens only, so
    # their KV cache stops growing there (Gemma 2/3, gpt-oss, Mistral 7B v0.1).
    sliding_window: PositiveInt | None = None
    sliding_window_layers: NonNegativeInt | None = None
    architecture: str | None = None  # Hugging Face model_type / architectures[0], when known
    note: str | None = None

    @property
    def is_moe(self) -> bool:
        return self.active_params < self.total_params * 0.95

    @property
    def kv_elements_per_token_per_layer(self) -> int:
        """K and V elements cached per token per layer (GQA-aware; MLA via the override)."""
        return self.kv_cache_dim_per_layer or 2 * self.kv_heads * self.head_dim


@model
class CloudOffer(Model):
    """A rental price for one accelerator from one provider under one commitment."""

    provider: str
    accelerator: str
    pricing: PricingKind
    usd_per_gpu_hour: PositiveFloat
    source: str
    as_of: str
    instance: str | None = None
    gpus_per_instance: PositiveInt | None = None
    region: str | None = None
    scale_out_gb_per_s: PositiveFloat | None = None  # per-GPU network of this instance, one direction
    note: str | None = None


@model
class ApiPrice(Model):
    """Per-token prices of a hosted model API, in USD per million tokens."""

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
    batch_discount: Fraction | None = None
    long_context_threshold_tokens: PositiveInt | None = None
    long_context_usd_per_million_input_tokens: PositiveFloat | None = None
    long_context_usd_per_million_output_tokens: PositiveFloat | None = None
    reasoning: bool = False
    status: Literal["active", "legacy", "retired", "superseded"] = "active"
    note: str | None = None


@model
class EnergyValue(Model):
    """A sourced energy figure (PUE, $/kWh, gCO2/kWh, power fractions)."""

    id: str
    value: PositiveFloat
    unit: str
    source: str
    as_of: str
    reason: str | None = None
    note: str | None = None


@model
class AcceleratorFile(Model):
    version: Literal[1]
    accelerators: tuple[Accelerator, ...]


@model
class ModelFile(Model):
    version: Literal[1]
    models: tuple[ModelSpec, ...]


@model
class CloudFile(Model):
    version: Literal[1]
    offers: tuple[CloudOffer, ...]


@model
class ApiFile(Model):
    version: Literal[1]
    apis: tuple[ApiPrice, ...]


@model
class EnergyFile(Model):
    version: Literal[1]
    defaults: tuple[EnergyValue, ...]
    references: tuple[EnergyValue, ...] = field(default=())


SECTIONS = ("gpus", "models", "clouds", "apis", "energy")


class Catalog:
    """All catalog data, each section loaded on first use through `load_section`.

    The loader is injected (ai_costs.catalog.load_catalog reads the bundled YAML and any override
    files), so this class and the engine that uses it never touch the file system.
    """

    def __init__(self, load_section: Callable[[str], Any]) -> None:
        self._load_section = load_section
        self._cache: dict[str, Any] = {}

    def _section(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = self._load_section(name)
        return self._cache[name]

    # -- collections -------------------------------------------------------------------------
    @property
    def accelerators(self) -> tuple[Accelerator, ...]:
        return tuple(self._section("gpus").accelerators)

    @property
    def models(self) -> tuple[ModelSpec, ...]:
        return tuple(self._section("models").models)

    @property
    def offers(self) -> tuple[CloudOffer, ...]:
        return tuple(self._section("clouds").offers)

    @property
    def apis(self) -> tuple[ApiPrice, ...]:
        return tuple(self._section("apis").apis)

    @property
    def energy(self) -> EnergyFile:
        return self._section("energy")  # type: ignore[no-any-return]

    # -- lookups with suggestions ------------------------------------------------------------
    def accelerator(self, id_: str) -> Accelerator:
        return _lookup(self.accelerators, id_, "accelerator (--gpu)", "unknown_gpu", "ai-costs catalog gpus")

    def model(self, id_: str) -> ModelSpec:
        return _lookup(self.models, id_, "model (--model)", "unknown_model", "ai-costs catalog models")

    def api(self, id_: str) -> ApiPrice:
        return _lookup(self.apis, id_, "API model (--api)", "unknown_api", "ai-costs catalog apis")

    def energy_default(self, id_: str) -> EnergyValue:
        for value in self.energy.defaults:
            if value.id == id_:
                return value
        raise CatalogError(f"energy catalog has no default {id_!r}")

    def offers_for(self, accelerator_id: str) -> list[CloudOffer]:
        return [o for o in self.offers if o.accelerator == accelerator_id]

    def providers(self) -> list[str]:
        return sorted({o.provider for o in self.offers})


class _HasId(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


E = TypeVar("E", bound=_HasId)


def _lookup(entries: tuple[E, ...], id_: str, what: str, code: str, listing: str) -> E:
    key = id_.strip().lower()
    for entry in entries:
        if entry.id == key or key in entry.aliases:
            return entry
    known = [e.id for e in entries] + [a for e in entries for a in e.aliases]
    raise UnknownId(what, id_, known, code=code, listing=listing)
