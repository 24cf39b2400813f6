"""Collect the catalog entries an estimate used, flagging those older than 18 months."""

from __future__ import annotations

import datetime as dt

from ai_costs.models.catalog import is_stale
from ai_costs.models.report import SourceRef

# Prices and energy figures go stale; a published architecture or spec sheet does not.
AGEING_KINDS = frozenset({"cloud_price", "api_price", "purchase_price", "energy"})


class SourceList:
    def __init__(self, today: dt.date) -> None:
        self._today = today
        self._refs: dict[tuple[str, str], SourceRef] = {}

    def add(self, kind: str, id_: str, source: str, as_of: str) -> None:
        self._refs[(kind, id_)] = SourceRef(
            kind=kind, id=id_, source=source, as_of=as_of, stale=kind in AGEING_KINDS and is_stale(as_of, self._today)
        )

    @property
    def today(self) -> dt.date:
        """The date staleness is judged at."""
        return self._today

    @classmethod
    def unused(cls) -> SourceList:
        """A list whose entries are discarded: for a default looked up but not used in the result."""
        return cls(dt.date.min)

    def refs(self) -> tuple[SourceRef, ...]:
        return tuple(self._refs.values())

    def stale_warnings(self) -> list[str]:
        """One warning naming every price or energy figure over 18 months old (DESIGN.md)."""
        stale = [f"{r.id} ({r.as_of})" for r in self._refs.values() if r.stale]
        if not stale:
            return []
        return [f"over 18 months old, check for newer figures: {', '.join(stale)}"]
