"""Load the bundled catalogs (package data) and a user's overrides, lazily and once per process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from ai_costs._yaml import load_yaml_file, load_yaml_text
from ai_costs.errors import CatalogError
from ai_costs.models._schema import validate
from ai_costs.models.catalog import (
    AcceleratorFile,
    ApiFile,
    Catalog,
    CloudFile,
    EnergyFile,
    ModelFile,
)

PRESETS_DIR_ENV = "AI_COSTS_PRESETS_DIR"

_FILES: dict[str, tuple[str, type, str]] = {
    # section: (file name, model, list field)
    "gpus": ("gpus.yaml", AcceleratorFile, "accelerators"),
    "models": ("models.yaml", ModelFile, "models"),
    "clouds": ("clouds.yaml", CloudFile, "offers"),
    "apis": ("apis.yaml", ApiFile, "apis"),
    "energy": ("energy.yaml", EnergyFile, "defaults"),
}


def user_dirs(presets_dirs: Sequence[Path] = ()) -> list[Path]:
    """Directories holding user scenarios and catalog overrides, highest priority first."""
    dirs = list(presets_dirs)
    env = os.environ.get(PRESETS_DIR_ENV, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    return dirs


def _entry_key(section: str, entry: dict[str, Any]) -> Any:
    if section == "clouds":
        return (entry.get("provider"), entry.get("accelerator"), entry.get("pricing"), entry.get("instance"))
    return entry.get("id")


def _merge(section: str, base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Entries of `override` replace entries of `base` with the same id (clouds: provider, accelerator,
    pricing and instance)."""
    merged = dict(base)
    for list_field in ("accelerators", "models", "offers", "apis", "defaults", "references"):
        if list_field not in override:
            continue
        entries = {_entry_key(section, e): e for e in base.get(list_field, []) if isinstance(e, dict)}
        for e in override[list_field] or []:
            if isinstance(e, dict):
                entries[_entry_key(section, e)] = e
        merged[list_field] = list(entries.values())
    return merged


def load_section(section: str, overrides: Sequence[Path] = ()) -> Any:
    """Read and validate one catalog section: the bundled file merged with user override files."""
    name, model, _ = _FILES[section]
    bundled = files("ai_costs") / "data" / name
    data = load_yaml_text(bundled.read_text(encoding="utf-8"), origin=f"bundled catalog {name}")
    origin = f"bundled catalog {name}"
    for directory in reversed(list(overrides)):  # lowest priority first, so the first dir wins
        path = directory / name
        if path.is_file():
            extra = load_yaml_file(path)
            if not isinstance(extra, dict):
                raise CatalogError(f"{path}: expected a mapping with 'version' and entries")
            data = _merge(section, data, extra)
            origin = f"catalog {name} (with overrides from {path})"
    return validate(model, data, origin=origin)


def load_catalog(presets_dirs: Sequence[Path] = ()) -> Catalog:
    """The catalog: bundled data, overridden by id from catalog files in the user's presets dirs."""
    overrides = [d for d in user_dirs(presets_dirs) if d.is_dir()]
    return Catalog(lambda section: load_section(section, overrides))
