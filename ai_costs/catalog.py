"""Load the bundled catalogs (package data) and a user's overrides, lazily and once per process."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ai_costs._yaml import check_shape, checksum, load_yaml_file, load_yaml_text, parsed_or_compiled
from ai_costs.errors import CatalogError
from ai_costs.models._schema import construct, validate
from ai_costs.models.catalog import (
    AcceleratorFile,
    ApiFile,
    Catalog,
    CloudFile,
    EnergyFile,
    ModelFile,
)

# The package's own data, next to this file. importlib.resources would find it in a zipped install too,
# but importing its readers costs a few milliseconds of every start-up, and the wheel installs unzipped.
PACKAGE_DIR = Path(__file__).parent
DATA_DIR = PACKAGE_DIR / "data"
PRESETS_DIR_ENV = "AI_COSTS_PRESETS_DIR"
API_PRICES_ENV = "AI_COSTS_API_PRICES"
PER_MILLION = 1e6
# LiteLLM "mode"s that are priced per token of text; embeddings, images and audio are left out.
_LITELLM_TEXT_MODES = {None, "chat", "completion", "responses"}

_FILES: dict[str, tuple[str, type, str]] = {
    # section: (file name, model, list field)
    "gpus": ("gpus.yaml", AcceleratorFile, "accelerators"),
    "models": ("models.yaml", ModelFile, "models"),
    "clouds": ("clouds.yaml", CloudFile, "offers"),
    "apis": ("apis.yaml", ApiFile, "apis"),
    "energy": ("energy.yaml", EnergyFile, "defaults"),
}


def user_config_dir() -> Path:
    """$XDG_CONFIG_HOME/ai-costs/presets (default ~/.config/ai-costs/presets)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ai-costs" / "presets"


def user_dirs(presets_dirs: Sequence[Path] = ()) -> list[Path]:
    """Directories holding user scenarios and catalog overrides, highest priority first: each
    --presets-dir, each entry of AI_COSTS_PRESETS_DIR, then the user config directory."""
    env = os.environ.get(PRESETS_DIR_ENV, "")
    dirs = [*presets_dirs, *(Path(p) for p in env.split(os.pathsep) if p), user_config_dir()]
    return list(dict.fromkeys(dirs))  # --presets-dir also reads the env var: list each directory once


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


def litellm_entries(data: dict[str, Any], *, source: str, as_of: str, known: dict[str, dict[str, Any]]
                    ) -> list[dict[str, Any]]:
    """Entries of LiteLLM's model_prices_and_context_window.json (USD per token) as apis.yaml entries
    (USD per million tokens). A key matching a bundled id or alias replaces that entry under its id."""
    out = []
    for key, spec in data.items():
        mode = spec.get("mode") if isinstance(spec, dict) else None
        if key == "sample_spec" or not isinstance(spec, dict) or not isinstance(mode, str | None) \
                or mode not in _LITELLM_TEXT_MODES:
            continue
        p_in, p_out = spec.get("input_cost_per_token"), spec.get("output_cost_per_token")
        if not isinstance(p_in, int | float) or not isinstance(p_out, int | float) or p_in <= 0 or p_out <= 0:
            continue  # free or unpriced models cannot be costed per token
        base = known.get(key.lower(), {})
        entry: dict[str, Any] = {
            "id": base.get("id", key.lower()), "provider": str(spec.get("litellm_provider", base.get("provider", "?"))),
            "name": base.get("name", key), "aliases": base.get("aliases", []),
            "usd_per_million_input_tokens": p_in * PER_MILLION, "usd_per_million_output_tokens": p_out * PER_MILLION,
            "reasoning": bool(spec.get("supports_reasoning", base.get("reasoning", False))),
            "source": source, "as_of": as_of,
        }
        optional = {"usd_per_million_cached_input_tokens": spec.get("cache_read_input_token_cost"),
                    "usd_per_million_cache_write_tokens": spec.get("cache_creation_input_token_cost")}
        entry |= {k: v * PER_MILLION for k, v in optional.items() if isinstance(v, int | float) and v > 0}
        batch_in = spec.get("input_cost_per_token_batches")
        if isinstance(batch_in, int | float) and 0 < batch_in < p_in:
            entry["batch_discount"] = 1 - batch_in / p_in
        for threshold in (200_000, 128_000):
            tag = f"above_{threshold // 1000}k_tokens"
            long_in, long_out = spec.get(f"input_cost_per_token_{tag}"), spec.get(f"output_cost_per_token_{tag}")
            if isinstance(long_in, int | float) and long_in > 0:
                entry["long_context_threshold_tokens"] = threshold
                entry["long_context_usd_per_million_input_tokens"] = long_in * PER_MILLION
                if isinstance(long_out, int | float) and long_out > 0:
                    entry["long_context_usd_per_million_output_tokens"] = long_out * PER_MILLION
                break
        out.append(entry)
    return out


def _merge_api_prices(data: dict[str, Any], files_: Sequence[Path]) -> dict[str, Any]:
    """Merge price files (LiteLLM JSON or ai-costs YAML) over the API catalog, by id or alias."""
    import datetime as dt
    import json

    for path in files_:
        known = {n.lower(): e for e in data.get("apis", []) for n in [e.get("id", ""), *e.get("aliases", [])]}
        if path.suffix == ".json":
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CatalogError(f"{path}: cannot read the price file: {exc}") from None
            except RecursionError:
                raise CatalogError(f"{path}: cannot read the price file: nested too deeply") from None
            check_shape(raw, origin=str(path))
            if not isinstance(raw, dict):
                raise CatalogError(f"{path}: expected LiteLLM's object of model name -> prices")
            as_of = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
            entries = litellm_entries(raw, source=f"LiteLLM-format price file {path}", as_of=as_of, known=known)
        else:
            extra = load_yaml_file(path)
            if not isinstance(extra, dict) or not isinstance(extra.get("apis"), list):
                raise CatalogError(f"{path}: expected an ai-costs API price file (version: 1, apis: [...])")
            entries = [{**e, "id": known.get(str(e.get("id", "")).lower(), {}).get("id", e.get("id"))}
                       for e in extra["apis"] if isinstance(e, dict)]
        data = _merge("apis", data, {"apis": entries})
    return data


def api_price_files(given: Sequence[Path] = ()) -> list[Path]:
    """--api-prices files, else those named by AI_COSTS_API_PRICES (os.pathsep-separated)."""
    if given:
        return list(given)
    return [Path(p) for p in os.environ.get(API_PRICES_ENV, "").split(os.pathsep) if p]


COMPILED_DIR = "_compiled"  # pre-parsed JSON copies of the bundled YAML: JSON loads ~20x faster
PRESETS_COPY = "presets.json"  # ... and of the bundled presets, by file name


def bundled_data(section: str) -> Any:
    """The bundled YAML of a section, parsed. A JSON copy made by `python -m ai_costs.catalog` is used
    when its checksum matches the YAML, so an edited YAML file is never shadowed by a stale copy."""
    return _bundled(section)[0]


def _bundled(section: str) -> tuple[Any, bool]:
    """The section's data, and whether it is the compiled copy (validated and normalized when written)."""
    name = _FILES[section][0]
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    copy = _json_copy(DATA_DIR / COMPILED_DIR / f"{section}.json")
    data = parsed_or_compiled(text, copy, origin=f"bundled catalog {name}")
    return data, isinstance(copy, dict) and copy.get("validated") is True and data is copy.get("data")


def _json_copy(path: Any) -> Any:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def compile_bundled(target: Path) -> list[Path]:
    """Write the JSON copies of every bundled section into `target` (ai_costs/data/_compiled), and of the
    bundled presets into presets.json there (keyed by file name)."""
    import json

    from ai_costs.presets import SUFFIXES, bundled_dir

    target.mkdir(parents=True, exist_ok=True)
    written = []

    def copy(text: str, source: str, model: type | None = None) -> dict[str, Any]:
        data = load_yaml_text(text, origin=source)
        if model is None:
            return {"crc32": checksum(text), "source": source, "data": data}
        # catalogs: validated here, so a run can build the entries without the validators (models/_schema.py)
        normal = dataclasses.asdict(validate(model, data, origin=source))
        return {"crc32": checksum(text), "source": source, "validated": True, "data": normal}

    def write(path: Path, doc: dict[str, Any]) -> None:
        path.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
        written.append(path)

    for section, (name, model, _) in _FILES.items():
        write(target / f"{section}.json", copy((DATA_DIR / name).read_text(encoding="utf-8"),
                                               f"ai_costs/data/{name}", model))
    from ai_costs.models.scenario import SCENARIO_KINDS

    presets = sorted(p for p in bundled_dir().iterdir() if p.suffix in SUFFIXES)
    copies = {}
    for p in presets:
        text = p.read_text(encoding="utf-8")
        kind = load_yaml_text(text, origin=p.name).get("kind")
        copies[p.name] = copy(text, f"presets/{p.name}", SCENARIO_KINDS.get(kind))
    write(target / PRESETS_COPY, copies)
    return written


def load_section(section: str, overrides: Sequence[Path] = (), api_prices: Sequence[Path] = ()) -> Any:
    """Read and validate one catalog section: the bundled file merged with user override files (and,
    for API prices, price files)."""
    name, model, _ = _FILES[section]
    data, trusted = _bundled(section)
    origin = f"bundled catalog {name}"
    for directory in reversed(list(overrides)):  # lowest priority first, so the first dir wins
        path = directory / name
        if path.is_file():
            extra = load_yaml_file(path)
            allowed = {"version", _FILES[section][2]} | ({"references"} if section == "energy" else set())
            if not isinstance(extra, dict) or extra.get("version") != 1 or not set(extra) <= allowed:
                raise CatalogError(
                    f"{path}: a catalog override file has 'version: 1' and '{_FILES[section][2]}:' entries"
                    + (f"; unknown keys: {', '.join(sorted(set(extra) - allowed))}" if isinstance(extra, dict)
                       and not set(extra) <= allowed else ""))
            data, trusted = _merge(section, data, extra), False
            origin = f"catalog {name} (with overrides from {path})"
    if section == "apis" and api_prices:
        data, trusted = _merge_api_prices(data, api_prices), False
        origin = f"API prices (with {', '.join(str(p) for p in api_prices)})"
    return construct(model, data) if trusted else validate(model, data, origin=origin)


def load_catalog(presets_dirs: Sequence[Path] = (), api_prices: Sequence[Path] = ()) -> Catalog:
    """The catalog: bundled data, overridden by id from catalog files in the user's presets dirs, and
    API prices from --api-prices / AI_COSTS_API_PRICES files."""
    overrides = [d for d in user_dirs(presets_dirs) if d.is_dir()]
    prices = api_price_files(api_prices)
    for path in prices:
        if not path.is_file():
            raise CatalogError(f"API price file not found: {path}")
    return Catalog(lambda section: load_section(section, overrides, prices))


if __name__ == "__main__":  # python -m ai_costs.catalog: refresh ai_costs/data/_compiled/
    for written in compile_bundled(Path(__file__).parent / "data" / COMPILED_DIR):
        print(f"wrote {written}")
