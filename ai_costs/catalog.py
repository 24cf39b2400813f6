"""Load the bundled catalogs (package data) and a user's overrides, lazily and once per process."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ai_costs._yaml import check_shape, checksum, load_yaml_file, load_yaml_text, parsed_or_compiled
from ai_costs.errors import CatalogError, InvalidInput
from ai_costs.models._schema import construct, validate
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

if TYPE_CHECKING:
    from ai_costs.models.hf_config import HfModel

# The package's own data, next to this file. importlib.resources would find it in a zipped install too,
# but importing its readers costs a few milliseconds of every start-up, and the wheel installs unzipped.
PACKAGE_DIR = Path(__file__).parent
DATA_DIR = PACKAGE_DIR / "data"
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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json_file(path: Path, what: str, code: str) -> Any:
    """A user's JSON file parsed, or one message naming the file and the problem (never a traceback):
    not UTF-8, nested too deeply, NaN/Infinity, a number with too many digits, bad syntax."""
    import json

    from ai_costs._yaml import read_text

    try:
        data = json.loads(read_text(path), parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidInput(f"{path}: nested too deeply to read as {what}", code=code) from None
    except ValueError as exc:
        raise InvalidInput(f"{path}: not a JSON {what}: {str(exc).split(';')[0]}", code=code) from None
    check_shape(data, origin=str(path))
    return data


def _litellm_file(path: Path) -> dict[str, Any]:
    """A LiteLLM-format JSON price file as apis entries (priced and unpriced), dated by the file's own
    metadata or 'undated' (never by its modification time: a copied file is new, its prices are not)."""
    from ai_costs.litellm import TEXT_MODES, PriceFileError, convert, file_date

    raw = load_json_file(path, "price file", "catalog_error")
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected LiteLLM's object of model name -> prices, got a JSON "
                           f"{type(raw).__name__}")
    try:
        found = convert(raw, source=f"LiteLLM-format price file {path}", as_of=file_date(raw) or "undated",
                        modes=TEXT_MODES)
    except PriceFileError as exc:
        raise CatalogError(f"{path}: {exc}") from None
    return {"apis": found.priced, "unpriced": found.unpriced}


def _yaml_price_file(path: Path) -> dict[str, Any]:
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
        entries.append(e)
    return {"apis": entries}


def _override_file(section: str, path: Path) -> dict[str, Any]:
    """A catalog override file of a presets directory (gpus.yaml, apis.yaml, ...), its keys checked."""
    list_field = _FILES[section][2]
    extra = load_yaml_file(path)
    allowed = {"version", list_field} | {"energy": {"references"}, "apis": {"unpriced"}}.get(section, set())
    if not isinstance(extra, dict) or extra.get("version") != 1 or not set(extra) <= allowed:
        raise CatalogError(
            f"{path}: a catalog override file has 'version: 1' and '{list_field}:' entries"
            + (f"; unknown keys: {', '.join(sorted(set(extra) - allowed))}" if isinstance(extra, dict)
               and not set(extra) <= allowed else ""))
    return extra


def _price_file(path: Path) -> dict[str, Any]:
    return _litellm_file(path) if path.suffix.lower() == ".json" else _yaml_price_file(path)


def _as_known(entry: dict[str, Any], base: dict[str, Any] | None, litellm: bool) -> dict[str, Any]:
    """A price-file entry whose id is a bundled id or alias takes that entry's id (a LiteLLM-format entry
    also its name and aliases, as LiteLLM has none)."""
    if base is None:
        return entry
    if litellm:
        return {**entry, "id": base["id"], "name": base.get("name", entry["name"]), "aliases": base.get("aliases", [])}
    return {**entry, "id": base["id"]}


def _merge_api_prices(data: dict[str, Any], files_: Sequence[Path]) -> dict[str, Any]:
    """Merge price files (LiteLLM JSON or ai-costs YAML) over the API catalog, by id or alias. An unpriced
    entry of a price file does not hide a price the catalog has."""
    for path in files_:
        known = {str(n).lower(): e for e in data.get("apis", []) for n in [e.get("id", ""), *e.get("aliases", [])]}
        extra = _price_file(path)
        litellm = "unpriced" in extra
        data = _merge("apis", data, {
            "apis": [_as_known(e, known.get(e["id"].lower()), litellm) for e in extra["apis"]],
            **({"unpriced": [e for e in extra["unpriced"] if e["id"].lower() not in known]} if litellm else {}),
        })
    return data


class _ApiLayer:
    """One user file of API prices, indexed: lower-cased id -> entry, and id or alias -> entry.
    `price_file`: an --api-prices file, whose ids may name a bundled entry by an alias (a presets-dir
    apis.yaml replaces entries by id only, as for every catalog)."""

    def __init__(self, path: Path, data: dict[str, Any], price_file: bool) -> None:
        self.path, self.price_file, self.litellm = path, price_file, "unpriced" in data and price_file
        self.by_id: dict[str, tuple[type, dict[str, Any]]] = {}
        self.by_name: dict[str, tuple[type, dict[str, Any]]] = {}
        for cls, kind in ((UnpricedApi, "unpriced"), (ApiPrice, "apis")):  # priced entries win
            for entry in data.get(kind) or []:
                if not isinstance(entry, dict):
                    raise CatalogError(f"{path}: {kind} entries are mappings of fields, got {type(entry).__name__}")
                self.by_id[str(entry.get("id", "")).lower()] = (cls, entry)
                for name in (entry.get("id", ""), *(entry.get("aliases") or [])):
                    self.by_name.setdefault(str(name).lower(), (cls, entry))


class UserApiPrices:
    """--api-prices files and presets-dir apis.yaml over the bundled API catalog, resolved one id at a
    time (as load_section would merge them) so a run validates the entry it uses, not thousands."""

    def __init__(self, overrides: Sequence[Path], prices: Sequence[Path]) -> None:
        self._overrides = [d / "apis.yaml" for d in overrides if (d / "apis.yaml").is_file()]
        self._prices = list(prices)
        self._layers: list[_ApiLayer] | None = None

    def layers(self) -> list[_ApiLayer]:
        """Highest priority first: the last price file, ..., the first; then the first presets dir, ..."""
        if self._layers is None:
            files_ = [_ApiLayer(p, _price_file(p), True) for p in reversed(self._prices)]
            dirs = [_ApiLayer(p, _override_file("apis", p), False) for p in self._overrides]
            self._layers = files_ + dirs
        return self._layers

    def find(self, id_: str) -> ApiPrice | UnpricedApi | None:
        """The entry named `id_`; None when no file names it (or the bundled index is stale): the caller
        then loads the merged section, which also suggests near ids."""
        key = id_.strip().lower()
        bucket = _bundled_bucket(key)
        if bucket is None:
            return None
        bundled = bucket["apis"].get(key) or bucket["unpriced"].get(key)
        if bundled is None:
            for layer in self.layers():
                if key in layer.by_name:
                    cls, entry = layer.by_name[key]
                    return validate(cls, entry, origin=str(layer.path))
            return None
        names = [str(n).lower() for n in (bundled["id"], *bundled.get("aliases", []))]
        for layer in self.layers():
            hit = next((layer.by_id[n] for n in (names if layer.price_file else names[:1]) if n in layer.by_id), None)
            if hit is None or (hit[0] is UnpricedApi and key in bucket["apis"]):
                continue  # an unpriced entry does not hide a price
            entry = _as_known(hit[1], bundled, layer.litellm) if layer.price_file else hit[1]
            return validate(hit[0], entry, origin=str(layer.path))
        return _bundled_entry(bucket, key)


def api_price_files(given: Sequence[Path] = ()) -> list[Path]:
    """--api-prices files, else those named by AI_COSTS_API_PRICES (os.pathsep-separated)."""
    if given:
        return list(given)
    return [Path(p) for p in os.environ.get(API_PRICES_ENV, "").split(os.pathsep) if p]


COMPILED_DIR = "_compiled"  # pre-parsed JSON copies of the bundled YAML: JSON loads ~20x faster
PRESETS_COPY = "presets.json"  # ... and of the bundled presets, by file name
API_INDEX = "apis.idx"  # the API catalog by id and alias, in buckets: one lookup parses one bucket
API_INDEX_BUCKETS = 128


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


def api_bucket(key: str, buckets: int = API_INDEX_BUCKETS) -> int:
    import zlib

    return zlib.crc32(key.encode("utf-8")) % buckets


def _api_index(data: dict[str, Any], crc: int) -> bytes:
    """The index file: a JSON header line (checksum of apis.yaml, byte spans), then one JSON bucket a
    line mapping lower-cased ids and aliases to their entries (validated and normalized, as in apis.json)."""
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


def _bundled_bucket(key: str) -> dict[str, Any] | None:
    """The index bucket that would hold the lower-cased `key`; None when the index is missing or stale
    (its checksum is not that of apis.yaml's bytes: an edited file is never shadowed)."""
    import json
    import zlib

    try:
        with (DATA_DIR / COMPILED_DIR / API_INDEX).open("rb") as f:
            header = json.loads(f.readline())
            if header.get("crc32") != zlib.crc32((DATA_DIR / "apis.yaml").read_bytes()):
                return None
            start, length = header["spans"][api_bucket(key, header["buckets"])]
            f.seek(f.tell() + start)
            bucket = json.loads(f.read(length))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return bucket if isinstance(bucket, dict) else None


def _bundled_entry(bucket: dict[str, Any], key: str) -> ApiPrice | UnpricedApi | None:
    """An entry of an index bucket, built without the validators: it was validated when compiled."""
    if key in bucket["apis"]:
        return construct(ApiPrice, bucket["apis"][key])
    if key in bucket["unpriced"]:
        return construct(UnpricedApi, bucket["unpriced"][key])
    return None


def find_bundled_api(id_: str) -> ApiPrice | UnpricedApi | None:
    """One bundled API entry by id or alias from the index file; None when the index does not hold the
    name or is stale (the caller then loads the whole catalog, which also suggests near ids)."""
    key = id_.strip().lower()
    bucket = _bundled_bucket(key)
    return None if bucket is None else _bundled_entry(bucket, key)


def compile_bundled(target: Path) -> list[Path]:
    """Write the JSON copies of every bundled section into `target` (ai_costs/data/_compiled), the API
    index, and the bundled presets into presets.json there (keyed by file name). Every catalog is
    validated here: a run builds the entries it uses without the validators."""
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
        doc = copy((DATA_DIR / name).read_text(encoding="utf-8"), f"ai_costs/data/{name}", model)
        write(target / f"{section}.json", doc)
        if section == "apis":
            (target / API_INDEX).write_bytes(_api_index(doc["data"], doc["crc32"]))
            written.append(target / API_INDEX)
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
    """Read one catalog section: the bundled file (its compiled copy, validated when written) merged with
    user override files (and, for API prices, price files), validated when anything was merged."""
    name, model, _ = _FILES[section]
    data, trusted = _bundled(section)
    origin = f"bundled catalog {name}"
    for directory in reversed(list(overrides)):  # lowest priority first, so the first dir wins
        path = directory / name
        if path.is_file():
            data, trusted = _merge(section, data, _override_file(section, path)), False
            origin = f"catalog {name} (with overrides from {path})"
    if section == "apis" and api_prices:
        data, trusted = _merge_api_prices(data, api_prices), False
        origin = f"API prices (with {', '.join(str(p) for p in api_prices)})"
    return construct(model, data) if trusted else validate(model, data, origin=origin)


def load_catalog(presets_dirs: Sequence[Path] = (), api_prices: Sequence[Path] = (),
                 models: Sequence[ModelSpec] = ()) -> Catalog:
    """The catalog: bundled data, overridden by id from catalog files in the user's presets dirs, and
    API prices from --api-prices / AI_COSTS_API_PRICES files; `models` (e.g. from --model-config) are added.

    An API id is looked up in the pre-built index (and the user's price files) without loading or
    validating the thousands of bundled entries."""
    overrides = [d for d in user_dirs(presets_dirs) if d.is_dir()]
    prices = api_price_files(api_prices)
    for path in prices:
        if not path.is_file():
            raise CatalogError(f"API price file not found: {path}")
    user = UserApiPrices(overrides, prices)
    plain = not prices and not any((d / "apis.yaml").is_file() for d in overrides)
    return Catalog(lambda section: load_section(section, overrides, prices),
                   find_entry=lambda _section, id_: find_bundled_api(id_) if plain else user.find(id_),
                   models=models)


def model_config_id(path: Path, config: Any) -> str:
    """The id of a model read from a config.json: the file's name, or for a file named config.json the
    model's `_name_or_path` (its last part), else the directory holding it."""
    if path.stem.lower() != "config":
        return path.stem.lower()
    named = config.get("_name_or_path") if isinstance(config, dict) else None
    if isinstance(named, str) and named.strip("/"):
        return named.strip("/").rsplit("/", 1)[-1].lower()
    return (path.resolve().parent.name or "model").lower()


def read_model_config(path: Path) -> HfModel:
    """A Hugging Face config.json read and derived into a model (ai_costs/models/hf_config.py): its
    source is the file's path, its as_of 'given'."""
    from ai_costs.models.hf_config import derive

    config = load_json_file(path, "config.json", "invalid_model_config")
    return derive(config, id_=model_config_id(path, config), source=str(path), origin=str(path))


S = TypeVar("S")


def with_model_config(scenario: S, catalog: Catalog) -> tuple[S, Catalog]:
    """A scenario that names a config.json (`model_config`): the model it describes joins the catalog
    and the scenario points at it, so the engine sees an ordinary catalog model."""
    path = getattr(scenario, "model_config", None)
    if path is None:
        return scenario, catalog
    model = read_model_config(Path(path)).spec
    return dataclasses.replace(scenario, model=model.id, model_config=None), catalog.with_models([model])  # type: ignore[type-var]


if __name__ == "__main__":  # python -m ai_costs.catalog: refresh ai_costs/data/_compiled/
    for written in compile_bundled(Path(__file__).parent / "data" / COMPILED_DIR):
        print(f"wrote {written}")
