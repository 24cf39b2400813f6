"""LiteLLM's model price file (model_prices_and_context_window.json) as ai-costs API price entries.

Pure: it takes the parsed JSON and returns apis.yaml entries (dicts, USD per million tokens). Used by
scripts/import_litellm_prices.py, which generates the bundled ai_costs/data/apis.yaml, and by
`--api-prices FILE` at run time, so both read LiteLLM's fields the same way.

LiteLLM's fields are USD per token:
- `input_cost_per_token`, `output_cost_per_token`: both must be > 0, else the entry is *unpriced*
  (LiteLLM writes 0 or leaves a price out when it does not know it; that is never free);
- `cache_read_input_token_cost`, `cache_creation_input_token_cost`: cached input, cache write;
- `output_cost_per_reasoning_token`: reasoning tokens, when not billed as output;
- `*_batches`: the batch API's prices;
- `*_above_<N>k_tokens` and `tiered_pricing` ranges: long-context tiers (the whole call is priced at
  the tier its prompt falls in; N k = N x 1,000 tokens);
- `supports_reasoning`, `litellm_provider`, `deprecation_date`, `source` (LiteLLM's own citation).
Other prices (priority, flex, audio, images, per-second, regional uplifts) are not read.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PER_MILLION = 1e6
CHAT_MODES = frozenset({"chat"})
# --api-prices reads every per-token text mode; an entry without `mode` is taken as text.
TEXT_MODES = frozenset({"chat", "completion", "responses", None})
_TIER = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")
# Top-level keys (or keys of `sample_spec`) that may date a LiteLLM-format file.
DATE_KEYS = ("as_of", "date", "updated", "updated_at", "last_updated", "generated_at")


class PriceFileError(ValueError):
    """The file's structure or a field cannot be read; the message names the entry and the field."""


@dataclass
class Converted:
    priced: list[dict[str, Any]] = field(default_factory=list)
    unpriced: list[dict[str, Any]] = field(default_factory=list)


def per_million(usd_per_token: float) -> float:
    """USD per token -> USD per million tokens, without float noise (2.5e-06 -> 2.5, not 2.4999999999999996)."""
    return float(f"{usd_per_token * PER_MILLION:.12g}")


def file_date(data: Mapping[str, Any]) -> str | None:
    """The date a LiteLLM-format file carries about itself ('YYYY-MM-DD' prefix of a date field), if any.

    LiteLLM's own file has none today; a copy stamped by whoever exported it may."""
    spec = data.get("sample_spec")
    places = [data, spec] if isinstance(spec, Mapping) else [data]
    for place in places:
        for key in DATE_KEYS:
            value = place.get(key)
            if isinstance(value, str) and _date(value[:10]) is not None:
                return value[:10]
    return None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _price(key: str, spec: Mapping[str, Any], name: str) -> float | None:
    """A per-token price field: None when absent or 0 (not priced), an error when it is not a number."""
    value = spec.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PriceFileError(f"{key!r}: {name} must be a number (USD per token), got {type(value).__name__} {value!r}")
    if not _finite(value) or value < 0:
        raise PriceFileError(f"{key!r}: {name} must be a finite number >= 0 (USD per token), got {str(value)[:40]}")
    if value == 0:
        return None
    result = per_million(value)
    if not math.isfinite(result):
        raise PriceFileError(f"{key!r}: {name} = {value!r} USD per token is not a usable price")
    return result


def _optional(key: str, spec: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, float]:
    """ai-costs field -> price, for each LiteLLM field that holds a price."""
    out = {}
    for ours, theirs in fields.items():
        value = _price(key, spec, theirs)
        if value is not None:
            out[ours] = value
    return out


_BASE = {
    "usd_per_million_cached_input_tokens": "cache_read_input_token_cost",
    "usd_per_million_cache_write_tokens": "cache_creation_input_token_cost",
    "usd_per_million_reasoning_tokens": "output_cost_per_reasoning_token",
    "usd_per_million_batch_input_tokens": "input_cost_per_token_batches",
    "usd_per_million_batch_output_tokens": "output_cost_per_token_batches",
    "usd_per_million_batch_cached_input_tokens": "cache_read_input_token_cost_batches",
}


# The prices a tiered_pricing range may hold.
_RANGE = {"usd_per_million_input_tokens": "input_cost_per_token",
          "usd_per_million_output_tokens": "output_cost_per_token",
          **{k: _BASE[k] for k in ("usd_per_million_cached_input_tokens", "usd_per_million_cache_write_tokens",
                                   "usd_per_million_reasoning_tokens")}}


def _tier_fields(tag: str) -> dict[str, str]:
    return {
        "usd_per_million_output_tokens": f"output_cost_per_token_{tag}",
        "usd_per_million_cached_input_tokens": f"cache_read_input_token_cost_{tag}",
        "usd_per_million_cache_write_tokens": f"cache_creation_input_token_cost_{tag}",
        "usd_per_million_batch_input_tokens": f"input_cost_per_token_{tag}_batches",
        "usd_per_million_batch_output_tokens": f"output_cost_per_token_{tag}_batches",
    }


def _above_tiers(key: str, spec: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """Tiers from `input_cost_per_token_above_<N>k_tokens` and the fields of the same tag."""
    tiers = {}
    for name in spec:
        match = _TIER.match(name)
        if not match:
            continue
        price = _price(key, spec, name)
        if price is None:
            continue
        threshold = int(match.group(1)) * 1000
        tag = f"above_{match.group(1)}k_tokens"
        tiers[threshold] = {"above_input_tokens": threshold, "usd_per_million_input_tokens": price,
                            **_optional(key, spec, _tier_fields(tag))}
    return tiers


def _ranged_tiers(key: str, spec: Mapping[str, Any]) -> tuple[dict[str, float], dict[int, dict[str, Any]]]:
    """`tiered_pricing`: a list of {range: [from, to], prices...}; the range from 0 is the base price."""
    ranges = spec.get("tiered_pricing")
    if ranges is None:
        return {}, {}
    if not isinstance(ranges, list):
        raise PriceFileError(f"{key!r}: tiered_pricing must be a list of ranges, got {type(ranges).__name__}")
    base: dict[str, float] = {}
    tiers: dict[int, dict[str, Any]] = {}
    for item in ranges:
        bounds = item.get("range") if isinstance(item, Mapping) else None
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, int | float) and not isinstance(b, bool) and _finite(b) and b >= 0
                           for b in bounds)):
            raise PriceFileError(f"{key!r}: each tiered_pricing item needs range: [from, to] in tokens, got {item!r}")
        assert isinstance(item, Mapping)
        prices = _optional(key, item, _RANGE)
        start = int(bounds[0])
        if start == 0:
            base = prices
        elif "usd_per_million_input_tokens" in prices:
            tiers[start] = {"above_input_tokens": start, **prices}
    return base, tiers


def convert_entry(key: str, spec: Mapping[str, Any], *, source: str, as_of: str) -> tuple[bool, dict[str, Any]]:
    """(priced?, entry) for one LiteLLM entry; the entry's id is LiteLLM's key."""
    provider = spec.get("litellm_provider", "unknown")
    if not isinstance(provider, str) or not provider:
        raise PriceFileError(f"{key!r}: litellm_provider must be a text, got {provider!r}")
    base, ranged = _ranged_tiers(key, spec)
    p_in = _price(key, spec, "input_cost_per_token") or base.get("usd_per_million_input_tokens")
    p_out = _price(key, spec, "output_cost_per_token") or base.get("usd_per_million_output_tokens")
    notes = []
    deprecated = spec.get("deprecation_date")
    status = "active"
    if isinstance(deprecated, str) and _date(deprecated[:10]) is not None:
        released = _date(as_of[:10])
        if released is not None and _date(deprecated[:10]) <= released:  # type: ignore[operator]
            status = "retired"
        notes.append(f"LiteLLM lists a deprecation date of {deprecated[:10]}.")
    cited = spec.get("source")
    if isinstance(cited, str) and cited.strip():
        notes.append(f"LiteLLM's source: {cited.strip()}")
    common = {"id": key, "provider": provider, "name": key, "source": source, "as_of": as_of}
    if p_in is None or p_out is None:
        missing = " and ".join(n for n, p in (("input", p_in), ("output", p_out)) if p is None)
        return False, {**common, "note": " ".join([f"No per-token {missing} price (0 or missing).", *notes])}
    entry: dict[str, Any] = {**common, "usd_per_million_input_tokens": p_in, "usd_per_million_output_tokens": p_out}
    entry |= {k: v for k, v in base.items() if k not in entry}
    entry |= _optional(key, spec, _BASE)
    tiers = {**ranged, **_above_tiers(key, spec)}
    if tiers:
        entry["long_context_tiers"] = [tiers[t] for t in sorted(tiers)]
    reasoning = spec.get("supports_reasoning", False)
    if not isinstance(reasoning, bool):
        raise PriceFileError(f"{key!r}: supports_reasoning must be true or false, got {reasoning!r}")
    entry["reasoning"] = reasoning or "usd_per_million_reasoning_tokens" in entry
    entry["status"] = status
    if notes:
        entry["note"] = " ".join(notes)
    return True, entry


def convert(data: Any, *, source: str, as_of: str, modes: Iterable[str | None] = CHAT_MODES) -> Converted:
    """Every entry of `modes` in a LiteLLM price file, priced or unpriced, in the file's order."""
    if not isinstance(data, Mapping):
        raise PriceFileError(f"expected LiteLLM's object of model name -> prices, got a {type(data).__name__}")
    wanted = frozenset(modes)
    out = Converted()
    for key, spec in data.items():
        if key == "sample_spec" or key in DATE_KEYS:
            continue
        if not isinstance(spec, Mapping):
            raise PriceFileError(f"{key!r}: expected an object of prices, got {type(spec).__name__} {str(spec)[:40]!r}")
        mode = spec.get("mode")
        if mode is not None and not isinstance(mode, str):
            raise PriceFileError(f"{key!r}: mode must be a text, got {mode!r}")
        if mode not in wanted:
            continue
        priced, entry = convert_entry(str(key), spec, source=source, as_of=as_of)
        (out.priced if priced else out.unpriced).append(entry)
    return out


def _names(entry: Mapping[str, Any]) -> list[str]:
    return [str(n).lower() for n in (entry["id"], *entry.get("aliases", []))]


def _price_text(entry: Mapping[str, Any]) -> str:
    return f"${entry['usd_per_million_input_tokens']:g}/${entry['usd_per_million_output_tokens']:g} per 1M"


def merge_curated(found: Converted, curated: Mapping[str, Any], *, label: str) -> Converted:
    """LiteLLM's entries with the curated file merged in (scripts/apis_curated.yaml):
    - `apis:` entries win over every LiteLLM entry named by their id or an alias (ignoring case); their
      note then says which entries they replaced and at what price, or that LiteLLM has no such id;
    - `aliases:` (LiteLLM id -> [older ids]) keeps earlier ids reachable.
    `label` names the LiteLLM file in notes ("LiteLLM 1.110.2"). Raises PriceFileError on a clash."""
    priced = {e["id"].lower(): dict(e) for e in found.priced}
    unpriced = {e["id"].lower(): dict(e) for e in found.unpriced}
    for litellm_id, olds in (curated.get("aliases") or {}).items():
        entry = priced.get(str(litellm_id).lower())
        if entry is None:
            raise PriceFileError(f"curated aliases: {litellm_id!r} is not a priced id of {label}")
        entry["aliases"] = [*entry.get("aliases", []), *olds]
    out_curated = []
    for entry in curated.get("apis") or []:
        replaced = [priced.pop(n) for n in _names(entry) if n in priced]
        gone = [unpriced.pop(n) for n in _names(entry) if n in unpriced]
        if replaced:
            said = "; ".join(f"{e['id']} at {_price_text(e)}" for e in replaced)
            why = f"Curated: wins over {label}'s {said}."
        elif gone:
            why = f"Curated: {label} lists {', '.join(e['id'] for e in gone)} without a price."
        else:
            why = f"Curated: {label} has no entry with this id."
        out_curated.append({**entry, "note": f"{entry['note']} {why}" if entry.get("note") else why})
    result = Converted(priced=[*priced.values(), *out_curated], unpriced=list(unpriced.values()))
    seen: dict[str, str] = {}
    for entry in [*result.priced, *result.unpriced]:
        for name in _names(entry):
            if seen.setdefault(name, entry["id"]) != entry["id"]:
                raise PriceFileError(f"{name!r} names both {seen[name]!r} and {entry['id']!r}")
    return result
