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
    ApiPrice,
    Catalog,
    CloudFile,
    EnergyFile,
    ModelFile,
    ModelSpec,
    UnpricedApi,
)

PRESETS_DIR_ENV = "AI_COSTS_PRESETS_DIR"
API_PRICES_ENV = "AI_COSTS_API_PRICES"

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
    if section == "apis":
        return str(entry.get("id", "")).lower()  # API ids are matched ignoring case
    return entry.get("id")


LIST_FIELDS = ("accelerators", "models", "offers", "apis", "unpriced", "defaults", "references")


def _merge(section: str, base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Entries of `override` replace entries of `base` with the same id (clouds: provider, accelerator,
    pricing and instance). For API prices a priced entry also removes an unpriced one of the same name."""
    merged = dict(base)
    for list_field in LIST_FIELDS:
        if list_field not in override:
            continue
        entries = {_entry_key(section, e): e for e in base.get(list_field, []) if isinstance(e, dict)}
        for e in override[list_field] or []:
            if isinstance(e, dict):
                entries[_entry_key(section, e)] = e
        merged[list_field] = list(entries.values())
    if section == "apis" and merged.get("unpriced"):
        priced = {str(n).lower() for e in merged.get("apis", []) if isinstance(e, dict)
                  for n in [e.get("id", ""), *(e.get("aliases") or [])]}
        merged["unpriced"] = [e for e in merged["unpriced"] if not isinstance(e, dict)
                              or str(e.get("id", "")).lower() not in priced]
    return merged


def _litellm_file(path: Path, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A LiteLLM-format JSON price file as apis entries, dated by the file's own metadata or 'undated'
    (never by its modification time: a copied file is new, its prices are not). A key matching a bundled
    id or alias replaces that entry under its id, keeping its aliases and name."""
    import json

    from ai_costs._yaml import read_text
    from ai_costs.litellm import TEXT_MODES, PriceFileError, convert, file_date

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        raw = json.loads(read_text(path), parse_constant=constant)
    except RecursionError:
        raise CatalogError(f"{path}: nested too deeply to read as a price file") from None
    except ValueError as exc:
        raise CatalogError(f"{path}: not a JSON price file: {exc}") from None
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected LiteLLM's object of model name -> prices, got a JSON "
                           f"{type(raw).__name__}")
    as_of = file_date(raw) or "undated"
    try:
        found = convert(raw, source=f"LiteLLM-format price file {path}", as_of=as_of, modes=TEXT_MODES)
    except PriceFileError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    entries = []
    for entry in found.priced:
        base = known.get(entry["id"].lower())
        if base is not None:
            entry = {**entry, "id": base["id"], "name": base.get("name", entry["name"]),
                     "aliases": base.get("aliases", [])}
        entries.append(entry)
    return {"apis": entries, "unpriced": [e for e in found.unpriced if e["id"].lower() not in known]}


def _yaml_price_file(path: Path, known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An ai-costs YAML price file (version: 1, apis: [...]); a top-level source/as_of dates entries
    that have none of their own. Each entry is checked here, so an error names the file and the entry."""
    extra = load_yaml_file(path)
    if not isinstance(extra, dict) or not isinstance(extra.get("apis"), list):
        raise CatalogError(f"{path}: expected an ai-costs API price file (version: 1, apis: [...])")
    unknown = sorted(str(k) for k in set(extra) - {"version", "apis", "source", "as_of"})
    if unknown:
        raise CatalogError(f"{path}: unknown top-level keys {', '.join(unknown)} (version, apis, source, as_of)")
    defaults = {k: extra[k] for k in ("source", "as_of") if k in extra}
    entries = []
    for i, e in enumerate(extra["apis"]):
        if not isinstance(e, dict):
            raise CatalogError(f"{path}: apis[{i}] must be a mapping of fields, got {type(e).__name__}")
        e = {**defaults, **e}
        validate(ApiPrice, e, origin=f"{path}: apis[{i}] ({e.get('id', 'no id')})")
        base = known.get(str(e.get("id", "")).lower())
        entries.append({**e, "id": base["id"]} if base is not None else e)
    return {"apis": entries}


def _merge_api_prices(data: dict[str, Any], files_: Sequence[Path]) -> dict[str, Any]:
    """Merge price files (LiteLLM JSON or ai-costs YAML) over the API catalog, by id or alias."""
    for path in files_:
        known = {str(n).lower(): e for e in data.get("apis", []) for n in [e.get("id", ""), *e.get("aliases", [])]}
        extra = _litellm_file(path, known) if path.suffix.lower() == ".json" else _yaml_price_file(path, known)
        data = _merge("apis", data, extra)
    return data


def api_price_files(given: Sequence[Path] = ()) -> list[Path]:
    """--api-prices files, else those named by AI_COSTS_API_PRICES (os.pathsep-separated)."""
    if given:
        return list(given)
    return [Path(p) for p in os.environ.get(API_PRICES_ENV, "").split(os.pathsep) if p]


COMPILED_DIR = "_compiled"  # pre-parsed JSON copies of the bundled YAML: JSON loads ~20x faster
API_INDEX = "apis.idx"  # the API catalog by id and alias, in buckets: one lookup parses one bucket
API_INDEX_BUCKETS = 128


def _crc(data: bytes) -> int:
    import zlib

    return zlib.crc32(data)


def _bundled_bytes(name: str) -> bytes:
    return (files("ai_costs") / "data" / name).read_bytes()


def bundled_data(section: str) -> Any:
    """The bundled YAML of a section, parsed. A JSON copy made by `python -m ai_costs.catalog` is used
    when its checksum matches the YAML, so an edited YAML file is never shadowed by a stale copy."""
    import json

    name = _FILES[section][0]
    raw = _bundled_bytes(name)
    compiled = files("ai_costs") / "data" / COMPILED_DIR / f"{section}.json"
    try:
        copy = json.loads(compiled.read_bytes())
    except (OSError, ValueError):
        copy = None
    if isinstance(copy, dict) and copy.get("crc32") == _crc(raw):
        return copy["data"]
    return load_yaml_text(raw.decode("utf-8"), origin=f"bundled catalog {name}")


def api_bucket(key: str, buckets: int = API_INDEX_BUCKETS) -> int:
    import zlib

    return zlib.crc32(key.encode("utf-8")) % buckets


def _api_index(data: dict[str, Any], crc: int) -> bytes:
    """The index file: a JSON header line (checksum of apis.yaml, byte spans), then one JSON bucket a
    line mapping lower-cased ids and aliases to their entries."""
    import json

    buckets: list[dict[str, dict[str, Any]]] = [{"apis": {}, "unpriced": {}} for _ in range(API_INDEX_BUCKETS)]
    for kind in ("apis", "unpriced"):
        for entry in data.get(kind, []):
            for name in (entry["id"], *entry.get("aliases", [])):
                buckets[api_bucket(name.lower())][kind][name.lower()] = entry
    lines = [json.dumps(b, separators=(",", ":")).encode("utf-8") + b"\n" for b in buckets]
    spans, start = [], 0
    for line in lines:
        spans.append([start, len(line)])
        start += len(line)
    header = {"crc32": crc, "buckets": API_INDEX_BUCKETS, "spans": spans}
    return json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(lines)


def find_bundled_api(id_: str) -> ApiPrice | UnpricedApi | None:
    """One bundled API entry by id or alias from the index file, validated; None when the index does not
    hold the name or is stale (the caller then loads the whole catalog, which also suggests near ids)."""
    import json

    key = id_.strip().lower()
    try:
        with (files("ai_costs") / "data" / COMPILED_DIR / API_INDEX).open("rb") as f:
            header = json.loads(f.readline())
            if header.get("crc32") != _crc(_bundled_bytes("apis.yaml")):
                return None
            start, length = header["spans"][api_bucket(key, header["buckets"])]
            f.seek(f.tell() + start)
            bucket = json.loads(f.read(length))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    origin = "bundled catalog apis.yaml"
    if key in bucket["apis"]:
        return validate(ApiPrice, bucket["apis"][key], origin=origin)
    if key in bucket["unpriced"]:
        return validate(UnpricedApi, bucket["unpriced"][key], origin=origin)
    return None


def compile_bundled(target: Path) -> list[Path]:
    """Validate every bundled section, then write its JSON copy into `target` (ai_costs/data/_compiled),
    and the API index. Run time validates only the entries it uses, so the whole files are checked here
    (and by the tests)."""
    import json

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for section, (name, model, _) in _FILES.items():
        raw = _bundled_bytes(name)
        data = load_yaml_text(raw.decode("utf-8"), origin=name)
        validate(model, data, origin=f"bundled catalog {name}")
        doc = {"crc32": _crc(raw), "source": f"ai_costs/data/{name}", "data": data}
        path = target / f"{section}.json"
        path.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
        written.append(path)
        if section == "apis":
            index = target / API_INDEX
            index.write_bytes(_api_index(data, _crc(raw)))
            written.append(index)
    return written


def load_section(section: str, overrides: Sequence[Path] = (), api_prices: Sequence[Path] = ()) -> Any:
    """Read and validate one catalog section: the bundled file merged with user override files (and,
    for API prices, price files)."""
    name, model, list_field = _FILES[section]
    data = bundled_data(section)
    origin = f"bundled catalog {name}"
    for directory in reversed(list(overrides)):  # lowest priority first, so the first dir wins
        path = directory / name
        if path.is_file():
            extra = load_yaml_file(path)
            allowed = {"version", list_field} | {"energy": {"references"}, "apis": {"unpriced"}}.get(section, set())
            if not isinstance(extra, dict) or extra.get("version") != 1 or not set(extra) <= allowed:
                raise CatalogError(
                    f"{path}: a catalog override file has 'version: 1' and '{list_field}:' entries"
                    + (f"; unknown keys: {', '.join(sorted(set(extra) - allowed))}" if isinstance(extra, dict)
                       and not set(extra) <= allowed else ""))
            data = _merge(section, data, extra)
            origin = f"catalog {name} (with overrides from {path})"
    if section == "apis" and api_prices:
        data = _merge_api_prices(data, api_prices)
        origin = f"API prices (with {', '.join(str(p) for p in api_prices)})"
    return validate(model, data, origin=origin)


def load_catalog(presets_dirs: Sequence[Path] = (), api_prices: Sequence[Path] = (),
                 models: Sequence[ModelSpec] = ()) -> Catalog:
    """The catalog: bundled data, overridden by id from catalog files in the user's presets dirs, and
    API prices from --api-prices / AI_COSTS_API_PRICES files; `models` (e.g. from --model-config) are added.

    When nothing overrides the API prices, an API id is looked up in the pre-built index without
    loading (or validating) the thousands of bundled entries."""
    overrides = [d for d in user_dirs(presets_dirs) if d.is_dir()]
    prices = api_price_files(api_prices)
    for path in prices:
        if not path.is_file():
            raise CatalogError(f"API price file not found: {path}")
    plain_apis = not prices and not any((d / "apis.yaml").is_file() for d in overrides)
    return Catalog(lambda section: load_section(section, overrides, prices),
                   find_entry=(lambda _section, id_: find_bundled_api(id_)) if plain_apis else None,
                   models=models)


if __name__ == "__main__":  # python -m ai_costs.catalog: refresh ai_costs/data/_compiled/
    for written in compile_bundled(Path(__file__).parent / "data" / COMPILED_DIR):
        print(f"wrote {written}")
