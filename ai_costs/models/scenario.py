"""Scenarios: what a user asks to estimate, from a YAML file, flags, or both.

Field names match the command-line options in snake_case (`--gpu-hours` is `gpu_hours:`).
Unset fields are None; the engine resolves defaults and reports every one in `inputs`.
"""

from dataclasses import fields
from typing import Annotated, Any, Literal

from ai_costs.errors import InvalidInput
from ai_costs.models._base import Model, model
from ai_costs.models._schema import QUANTITY, Bounds, Fraction, NonNegativeFloat, PositiveFloat, PositiveInt
from ai_costs.models.layout import parse_layout

Multiplier = Annotated[float, Bounds(ge=1), QUANTITY]  # >= 1: overhead on top of the final run

TrainPrecision = Literal["fp32", "tf32", "bf16", "fp16", "fp8", "fp4"]
Method = Literal["pretrain", "full", "lora", "qlora"]
Pricing = Literal["on-demand", "reserved-1y", "reserved-3y", "spot", "capacity-block", "assumed", "owned"]


@model
class TrainScenario(Model):
    """A pre-training or fine-tuning run. Exactly one compute source: params x tokens, flops, gpu_hours."""

    kind: Literal["train"] = "train"
    version: Literal[1] = 1
    description: str | None = None
    note: str | None = None
    # what is trained
    model: str | None = None
    params: PositiveFloat | None = None
    active_params: PositiveFloat | None = None
    tokens: PositiveFloat | Literal["chinchilla"] | None = None
    seq_len: PositiveInt | None = None
    flops: PositiveFloat | None = None
    gpu_hours: PositiveFloat | None = None
    method: Method | None = None
    epochs: PositiveFloat | None = None
    # on what
    gpu: str | None = None
    gpus: PositiveInt | None = None
    days: PositiveFloat | None = None
    precision: TrainPrecision | None = None
    mfu: Fraction | None = None
    # pricing
    usd_per_gpu_hour: PositiveFloat | None = None
    cloud: str | None = None
    pricing: Pricing | None = None
    purchase_usd_per_gpu: PositiveFloat | None = None
    lifetime_years: PositiveFloat | None = None
    overhead: Multiplier | None = None
    # energy
    pue: PositiveFloat | None = None
    usd_per_kwh: PositiveFloat | None = None
    grid_gco2_per_kwh: PositiveFloat | None = None

    def __post_init__(self) -> None:
        check_exclusive(self, TRAIN_EXCLUSIVE)
        if self.active_params is not None and self.params is not None and self.active_params > self.params:
            raise InvalidInput("active_params cannot exceed params (active <= total for MoE models)")
        if self.pricing == "owned" and (self.cloud or self.usd_per_gpu_hour):
            raise InvalidInput("pricing 'owned' cannot be combined with cloud or usd_per_gpu_hour")
        check_owned_only(self)


InferPrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"]
KvPrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8"]
NonNegInt = Annotated[int, Bounds(ge=0), QUANTITY]
Share = Annotated[float, Bounds(ge=0, le=1)]


@model
class InferScenario(Model):
    """A serving workload, priced through an API (`api`) or on self-hosted accelerators (`model`)."""

    kind: Literal["infer"] = "infer"
    version: Literal[1] = 1
    description: str | None = None
    note: str | None = None
    # workload
    daily_users: PositiveFloat | None = None
    requests_per_user: PositiveFloat | None = None
    requests_per_day: PositiveFloat | None = None
    calls_per_request: PositiveFloat | None = None
    input_tokens: NonNegInt | None = None
    output_tokens: NonNegInt | None = None
    reasoning_tokens: NonNegInt | None = None
    cached_fraction: Share | None = None
    batch_fraction: Share | None = None
    peak_to_average: Multiplier | None = None
    # deployment: an API ...
    api: str | None = None
    # ... or self-hosted
    model: str | None = None
    gpu: str | None = None
    gpus: PositiveInt | None = None
    parallelism: str | None = None  # 'tp=8,pp=2,ep=16,dp=1' (ai_costs/models/layout.py)
    precision: InferPrecision | None = None
    kv_precision: KvPrecision | None = None
    batch_size: PositiveInt | Literal["auto"] | None = None
    max_ttft: PositiveFloat | None = None
    max_tpot: PositiveFloat | None = None
    speculative_speedup: Multiplier | None = None
    utilization: Fraction | None = None
    usd_per_gpu_hour: PositiveFloat | None = None
    cloud: str | None = None
    pricing: Pricing | None = None
    purchase_usd_per_gpu: PositiveFloat | None = None
    lifetime_years: PositiveFloat | None = None
    # energy
    pue: PositiveFloat | None = None
    usd_per_kwh: PositiveFloat | None = None
    grid_gco2_per_kwh: PositiveFloat | None = None

    def __post_init__(self) -> None:
        check_exclusive(self, INFER_EXCLUSIVE)
        if self.api is None and self.model is None:
            raise InvalidInput("choose a deployment: --api ID (per-token prices) or --model ID --gpu ID (self-hosted)")
        if self.pricing == "owned" and (self.cloud or self.usd_per_gpu_hour):
            raise InvalidInput("pricing 'owned' cannot be combined with cloud or usd_per_gpu_hour")
        check_owned_only(self)
        if self.requests_per_user is not None and self.daily_users is None:
            raise InvalidInput("requests_per_user (--requests-per-user) needs daily_users (--daily-users)")
        if self.parallelism is not None:
            parse_layout(self.parallelism, "parallelism (--parallelism)")


SELF_HOSTED_FIELDS = frozenset({
    "model", "gpu", "gpus", "parallelism", "precision", "kv_precision", "batch_size", "max_ttft", "max_tpot",
    "speculative_speedup", "utilization", "usd_per_gpu_hour", "cloud", "pricing", "purchase_usd_per_gpu",
    "lifetime_years",
})
INFER_EXCLUSIVE: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"api"}), SELF_HOSTED_FIELDS),
    (frozenset({"requests_per_day"}), frozenset({"daily_users", "requests_per_user"})),
    (frozenset({"usd_per_gpu_hour"}), frozenset({"cloud", "pricing"})),
    # a layout fixes the accelerators per replica (tp x pp x dp); --gpus alone searches layouts of that size
    (frozenset({"parallelism"}), frozenset({"gpus"})),
)


BreakevenMode = Literal["train-vs-infer", "self-host-vs-api", "finetune-vs-api", "buy-vs-rent"]
# A century: longer than any accelerator or model is used, and the month-by-month series stays small
# enough to compute and print at once (docs/reference/breakeven.md).
MAX_HORIZON_MONTHS = 1200
Horizon = Annotated[float, Bounds(gt=0, le=MAX_HORIZON_MONTHS), QUANTITY]
Growth = Annotated[float, Bounds(ge=0, le=10), QUANTITY]  # up to +1,000% a month
Decline = Annotated[float, Bounds(ge=0, lt=1)]


@model
class BreakevenScenario(Model):
    """Two cost streams and when they cross. Sides are scenarios (preset names or paths) or amounts."""

    kind: Literal["breakeven"] = "breakeven"
    version: Literal[1] = 1
    description: str | None = None
    note: str | None = None
    mode: BreakevenMode | None = None
    horizon_months: Horizon | None = None
    monthly_growth: Growth | None = None
    annual_price_decline: Decline | None = None
    # train-vs-infer
    train: str | None = None
    train_usd: PositiveFloat | None = None
    infer: str | None = None
    infer_usd_per_day: PositiveFloat | None = None
    # self-host-vs-api and finetune-vs-api: the API model priced for the same workload
    api: str | None = None
    self_hosted: str | None = None
    # finetune-vs-api
    finetune: str | None = None
    finetune_usd: PositiveFloat | None = None
    small: str | None = None
    small_usd_per_day: PositiveFloat | None = None
    large_usd_per_day: PositiveFloat | None = None
    # buy-vs-rent
    gpu: str | None = None
    gpus: PositiveInt | None = None
    purchase_usd_per_gpu: PositiveFloat | None = None
    usd_per_gpu_hour: PositiveFloat | None = None
    cloud: str | None = None
    pricing: Pricing | None = None
    utilization: Fraction | None = None
    resale_fraction: Share | None = None
    lifetime_years: PositiveFloat | None = None
    pue: PositiveFloat | None = None
    usd_per_kwh: PositiveFloat | None = None

    def __post_init__(self) -> None:
        check_exclusive(self, BREAKEVEN_EXCLUSIVE)


BREAKEVEN_EXCLUSIVE: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"train"}), frozenset({"train_usd"})),
    (frozenset({"infer"}), frozenset({"infer_usd_per_day"})),
    (frozenset({"finetune"}), frozenset({"finetune_usd"})),
    (frozenset({"small"}), frozenset({"small_usd_per_day"})),
    (frozenset({"api"}), frozenset({"large_usd_per_day"})),
    (frozenset({"usd_per_gpu_hour"}), frozenset({"cloud", "pricing"})),
)


SCENARIO_KINDS: dict[str, type] = {"train": TrainScenario, "infer": InferScenario, "breakeven": BreakevenScenario}


# Groups of fields that contradict each other when two are set together. A flag given on the
# command line clears its rivals from the scenario file (the flag wins); two rivals given in the
# same place are an error.
TRAIN_EXCLUSIVE: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"flops"}), frozenset({"gpu_hours", "tokens", "params", "active_params"})),
    (frozenset({"gpu_hours"}), frozenset({"flops", "tokens", "params", "active_params"})),
    (frozenset({"gpus"}), frozenset({"days"})),
    (frozenset({"usd_per_gpu_hour"}), frozenset({"cloud", "pricing"})),
)


def check_exclusive(
    obj: object, groups: tuple[tuple[frozenset[str], frozenset[str]], ...]
) -> None:
    for left, right in groups:
        a = sorted(f for f in left if getattr(obj, f) is not None)
        b = sorted(f for f in right if getattr(obj, f) is not None)
        if a and b:
            raise InvalidInput(
                f"contradictory fields: {_names(a)} cannot be combined with {_names(b)}; give one"
            )


def check_owned_only(obj: Any) -> None:
    """Purchase price and lifetime mean nothing for rented accelerators: say so instead of ignoring them."""
    given = [f for f in ("purchase_usd_per_gpu", "lifetime_years") if getattr(obj, f) is not None]
    if given and obj.pricing != "owned":
        raise InvalidInput(f"{_names(given)} applies to owned accelerators: add pricing: owned (--pricing owned)")


def _names(fields: list[str]) -> str:
    return ", ".join(f"{f} (--{f.replace('_', '-')})" for f in fields)


def rivals(field_name: str, groups: tuple[tuple[frozenset[str], frozenset[str]], ...]) -> set[str]:
    """Fields that a value for `field_name` replaces when it comes from a flag."""
    out: set[str] = set()
    for left, right in groups:
        if field_name in left:
            out |= right
        if field_name in right:
            out |= left
    return out


def field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


@model
class BudgetLine(Model):
    """One line of a budget file: a scenario (preset or path), field overrides, and limits."""

    scenario: str
    name: str | None = None
    set: dict[str, Any] | None = None
    max: dict[str, NonNegativeFloat] | None = None


@model
class BudgetFile(Model):
    """`ai-costs check BUDGET.yaml`: scenarios with limits; exit 1 when a line fails."""

    version: Literal[1]
    checks: tuple[BudgetLine, ...]
    description: str | None = None
