"""The base of the model dataclasses (kept free of pydantic: reports are built and rendered without it).

Start-up (bench/startup.py): `dataclass` compiles an `__init__`, `__eq__`, `__hash__`, `__repr__`,
`__setattr__` and `__delattr__` for each class, about 0.1 ms per field, and the models have a few hundred
fields of which one command uses a third. So a model class is made a dataclass when it is first used
(instantiated, or asked for its fields), not when its module is imported, and equality, hash and repr are
written once in `Model` rather than compiled per class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


class _DataclassOnFirstUse(type):
    """Metaclass of the models: runs `dataclass` on a class the first time it is called or asked for a
    dataclass attribute (`dataclasses.fields`, `is_dataclass`, `replace` and `asdict` all ask)."""

    def __getattr__(cls, name: str) -> Any:  # only reached when the attribute is missing
        if name.startswith("__dataclass_") and cls.__dict__.get("_pending_dataclass"):
            _make_dataclass(cls)
            return getattr(cls, name)
        raise AttributeError(name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.__dict__.get("_pending_dataclass"):
            _make_dataclass(cls)
        return super().__call__(*args, **kwargs)


def _make_dataclass(cls: type) -> None:
    type.__setattr__(cls, "_pending_dataclass", False)
    dataclass(frozen=True, kw_only=True, eq=False, repr=False)(cls)


class Model(metaclass=_DataclassOnFirstUse):
    """Base of the models: equality, hash and repr over the fields, the same as `dataclass` would generate."""

    __slots__ = ()
    __dataclass_fields__: dict[str, Any]

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).__dataclass_fields__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__dataclass_fields__)
        return f"{type(self).__name__}({fields})"


@dataclass_transform(frozen_default=True, kw_only_default=True)
def model(cls: type[T]) -> type[T]:
    """A model class: a frozen, keyword-only dataclass (made so on first use) that takes equality, hash and
    repr from `Model`."""
    if not issubclass(cls, Model):
        raise TypeError(f"{cls.__name__} must derive from Model")
    type.__setattr__(cls, "_pending_dataclass", True)
    return cls
