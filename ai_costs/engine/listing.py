"""Catalog entries selected for a listing (`ai-costs catalog ... --search/--vendor/--provider`); pure."""

from __future__ import annotations

from typing import Any

from ai_costs.errors import InvalidInput
from ai_costs.models.catalog import Catalog

VENDORS = ("nvidia", "amd", "intel", "google", "aws")


def _entries(section: str, catalog: Catalog) -> tuple[Any, ...]:
    if section == "gpus":
        return catalog.accelerators
    if section == "models":
        return catalog.models
    if section == "clouds":
        return catalog.offers
    if section == "apis":
        return catalog.apis
    return catalog.energy.defaults + catalog.energy.references


def _words(entry: Any) -> list[str]:
    """What --search looks in: ids, names, aliases, providers, vendors, families."""
    fields = ("id", "name", "vendor", "family", "provider", "accelerator", "instance", "unit")
    return [str(getattr(entry, f)).lower() for f in fields if getattr(entry, f, None)] + [
        a.lower() for a in getattr(entry, "aliases", ())]


def select_entries(
    section: str, catalog: Catalog, *, search: str | None = None, vendor: str | None = None,
    provider: str | None = None,
) -> tuple[Any, ...]:
    """The section's entries, in catalog order, that contain `search` (case-insensitive, in any of their
    names), whose accelerator is made by `vendor` (gpus, clouds) and that `provider` sells (apis, clouds)."""
    entries = _entries(section, catalog)
    if vendor is not None:
        vendor = vendor.strip().lower()
        if vendor not in VENDORS:
            raise InvalidInput(f"--vendor {vendor!r}: one of {', '.join(VENDORS)}")
        made_by = {a.id for a in catalog.accelerators if a.vendor == vendor}
        entries = tuple(e for e in entries if (e.id if section == "gpus" else e.accelerator) in made_by)
    if provider is not None:
        entries = tuple(e for e in entries if e.provider == provider.strip().lower())
    if search is not None:
        needle = search.strip().lower()
        entries = tuple(e for e in entries if any(needle in w for w in _words(e)))
    return entries
