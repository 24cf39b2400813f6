"""Strict validation of dataclass models with pydantic-core.

The models of ai-costs are frozen stdlib dataclasses. This module turns each one into a
pydantic-core schema (``extra`` forbidden, numbers finite, bounds checked) and validates with the
Rust validator that ``import pydantic`` already loads. Importing ``pydantic.BaseModel`` costs about
30 ms, half the start-up budget of a JSON run (see bench/ and docs/methodology.md), so
the full pydantic machinery is used only where time does not matter: JSON Schema generation
(``ai-costs schema``, docs/schema/) and the tests that cross-check it.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Annotated, Any, Literal, TypeVar, Union, cast, get_args, get_origin

from pydantic_core import CoreSchema, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from ai_costs.errors import InvalidInput
from ai_costs.units import parse_quantity

T = TypeVar("T")


@dataclass(frozen=True)
class Bounds:
    """Numeric bounds for an ``Annotated`` field; NaN and infinity are always rejected."""

    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None


@dataclass(frozen=True)
class Quantity:
    """Marker: the number may be written with a suffix ('15.6T', '405B', '2.5M', '1_000')."""


QUANTITY = Quantity()

# Reusable annotated number types (units live in the field names, STYLE.md practice 6).
PositiveFloat = Annotated[float, Bounds(gt=0), QUANTITY]
NonNegativeFloat = Annotated[float, Bounds(ge=0), QUANTITY]
NonNegativeInt = Annotated[int, Bounds(ge=0), QUANTITY]
PositiveInt = Annotated[int, Bounds(gt=0), QUANTITY]
Fraction = Annotated[float, Bounds(gt=0, le=1)]  # a share in (0, 1]
UnitInterval = Annotated[float, Bounds(ge=0, le=1)]  # a share in [0, 1]


def _coerce_quantity(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return parse_quantity(value)
        except ValueError:
            return value  # let the number schema report it
    return value


def _number_schema(base: type, bounds: Bounds | None, quantity: bool) -> CoreSchema:
    kw: dict[str, Any] = {}
    if bounds is not None:  # not dataclasses.asdict: it deep-copies, at every start-up
        kw = {k: v for k, v in (("gt", bounds.gt), ("ge", bounds.ge), ("lt", bounds.lt), ("le", bounds.le))
              if v is not None}
    schema: CoreSchema
    if base is int:
        schema = cs.int_schema(**kw)
    else:
        schema = cs.float_schema(allow_inf_nan=False, **kw)
    if quantity:
        schema = cs.no_info_before_validator_function(
            _coerce_quantity,
            schema,
            json_schema_input_schema=cs.union_schema([schema, cs.str_schema(pattern=_QUANTITY_PATTERN)]),
        )
    return schema


_QUANTITY_PATTERN = r"^\s*[+]?[\d_,.]+([eE][+-]?\d+)?\s*[kKMBGTP]?\s*$"


def _schema_for_type(tp: Any, owner: type) -> CoreSchema:
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        bounds = next((m for m in meta if isinstance(m, Bounds)), None)
        quantity = any(isinstance(m, Quantity) for m in meta)
        if base in (int, float):
            return _number_schema(base, bounds, quantity)
        return _schema_for_type(base, owner)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        inner = _schema_for_type(args[0], owner) if len(args) == 1 else cs.union_schema(
            [_schema_for_type(a, owner) for a in args]
        )
        return cs.nullable_schema(inner) if len(args) < len(get_args(tp)) else inner
    if origin is Literal:
        return cs.literal_schema(list(get_args(tp)))
    if origin in (tuple, list):
        item = get_args(tp)[0]
        inner = cs.list_schema(_schema_for_type(item, owner))
        return cs.no_info_after_validator_function(tuple, inner) if origin is tuple else inner
    if origin is dict:
        key, value = get_args(tp)
        return cs.dict_schema(_schema_for_type(key, owner), _schema_for_type(value, owner))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return cs.no_info_after_validator_function(_constructor(tp), _typed_dict_schema(tp))
    if tp is float or tp is int:
        return _number_schema(tp, None, quantity=False)
    if tp is str:
        return cs.str_schema(min_length=1)
    if tp is bool:
        return cs.bool_schema()
    if tp is Any:
        return cs.any_schema()
    raise TypeError(f"{owner.__name__}: unsupported field type {tp!r}")


def _constructor(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    def build(values: dict[str, Any]) -> T:
        return cls(**values)

    return build


@functools.cache
def _typed_dict_schema(cls: type) -> CoreSchema:
    hints = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        fields[f.name] = cs.typed_dict_field(_schema_for_type(hints[f.name], cls), required=required)
    return cs.typed_dict_schema(fields, extra_behavior="forbid", ref=cls.__name__, cls_name=cls.__name__)


def core_schema_for(cls: type) -> CoreSchema:
    """The pydantic-core schema of a dataclass model (used for validation and JSON Schema)."""
    return _typed_dict_schema(cls)


@functools.cache
def _validator(cls: type) -> SchemaValidator:
    return SchemaValidator(cs.definitions_schema(cs.definition_reference_schema(cls.__name__), [
        _typed_dict_schema(cls)
    ]))


def validate(cls: type[T], data: Any, *, origin: str, flags: Mapping[str, str] | None = None) -> T:
    """Validate `data` (a mapping) strictly into `cls`; raise InvalidInput citing `origin` and fields.

    `flags` maps the field names that came from command-line options to their flags, so errors
    name `--gpus` rather than `gpus`.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{origin}: expected a mapping of fields, got {type(data).__name__}")
    try:
        values = _validator(cls).validate_python(dict(data))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidInput(format_errors(exc, cls, origin=origin, flags=flags)) from None
    try:
        return cls(**values)
    except InvalidInput as exc:  # cross-field checks in __post_init__
        raise InvalidInput(_prefix(origin, [exc.message]), code=exc.code) from None


def format_errors(
    exc: ValidationError, cls: type, *, origin: str, flags: Mapping[str, str] | None = None
) -> str:
    """One line per field: `origin: field: message`, with 'did you mean' for unknown fields."""
    known = [f.name for f in dataclasses.fields(cls)]
    by_field: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not _is_internal_loc(p)]
        field = ".".join(loc) or "(top level)"
        if flags and len(loc) == 1 and loc[0] in flags:
            field = flags[loc[0]]
        msg = err["msg"].replace("Input should be", "must be")
        if err["type"] == "extra_forbidden":
            near = get_close_matches(loc[-1], known, n=2, cutoff=0.6)
            msg = "unknown field" + (f" (did you mean {' or '.join(near)}?)" if near else "")
        elif err["type"] == "finite_number" or (
            isinstance(err.get("input"), float) and not math.isfinite(err["input"])
        ):
            msg = "must be a finite number"
        elif err["type"] in {"float_parsing", "int_parsing"}:
            msg = f"{err.get('input')!r} is not a number (examples: 405B, 15.6T, 2.5M, 1e12)"
        elif loc == ["version"]:
            msg = f"unsupported version {err.get('input')!r}; this ai-costs reads version 1"
        elif err["type"] in {"greater_than", "greater_than_equal", "less_than_equal"}:
            msg = f"{msg} (got {err.get('input')!r})"
        by_field.setdefault(field, [])
        if msg not in by_field[field]:
            by_field[field].append(msg)
    return _prefix(origin, [f"{field}: {' or '.join(msgs)}" for field, msgs in by_field.items()])


def _prefix(origin: str, lines: list[str]) -> str:
    if origin == "options":
        return "\n".join(lines)
    return f"{origin}: {lines[0]}" if len(lines) == 1 else f"{origin}:\n  " + "\n  ".join(lines)


def _is_internal_loc(part: Any) -> bool:
    # Union branches and function wrappers add loc parts that mean nothing to a user.
    return isinstance(part, str) and (
        part.startswith("function-") or part in {"literal['chinchilla']", "float", "int", "str"}
        or part.startswith("literal[") or part.startswith("nullable[")
    )


def construct(cls: type[T], data: Mapping[str, Any]) -> T:
    """An instance of `cls` from data that `validate` already accepted and normalized (the compiled copies
    of the bundled catalogs, validated when they were written): no checks, no conversions but lists to
    tuples. Building the validators costs more than the rest of a run's catalog loading."""
    built: T = _builder(cast(Any, cls))(data)
    return built


@functools.cache
def _builder(tp: Any) -> Callable[[Any], Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _builder(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            inner = _builder(args[0])
            return lambda v: None if v is None else inner(v)
        return _same
    if origin in (tuple, list):
        item = _builder(get_args(tp)[0])
        convert: Callable[[Any], Any] = tuple if origin is tuple else list
        return lambda v: convert(item(x) for x in v)
    if origin is dict:
        value = _builder(get_args(tp)[1])
        return lambda v: {k: value(x) for k, x in v.items()}
    if isinstance(tp, type) and "_pending_dataclass" in tp.__dict__:  # a model class (models/_base.py)
        dataclasses.fields(tp)  # made a dataclass now: instances made without __init__ must still be complete
        hints = typing.get_type_hints(tp, include_extras=True)
        fields = {name: _builder(hint) for name, hint in hints.items() if not name.startswith("_")}

        def build(values: Mapping[str, Any]) -> Any:
            obj: Any = object.__new__(tp)
            obj.__dict__.update({k: fields[k](v) for k, v in values.items()})
            return obj

        return build
    return _same


def _same(value: Any) -> Any:
    return value
