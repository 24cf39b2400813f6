"""Unit constants and number parsing: the single source for every conversion (DESIGN.md)."""

from __future__ import annotations

import re

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.0
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR  # 8760
HOURS_PER_MONTH = 730.0  # 8760 / 12, the cloud-billing month (infracost uses the same)
DAYS_PER_MONTH = HOURS_PER_MONTH / HOURS_PER_DAY  # 30.4167
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = SECONDS_PER_HOUR * HOURS_PER_DAY
TERA = 1e12
MILLION = 1e6
GB = 1e9  # memory sizes are decimal gigabytes, as on the datasheets
WATTS_PER_KW = 1000.0
GRAMS_PER_KG = 1000.0

_SUFFIXES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}
# ASCII digits only: float() would also read other scripts' digits ("١٢٣"), which no one means as a quantity
# Digits may be grouped by underscores (1_000) or by commas in threes (1,000, not 1,5: a decimal comma).
_QUANTITY = re.compile(
    r"^\s*([+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([kKMBGTP]?)\s*$",
    re.ASCII)


def parse_quantity(text: str) -> float:
    """Parse '15.6T', '405B', '2.5M', '1_000', '1,000', '1e12' into a float.

    Suffixes: k/K thousand, M million, B/G billion, T trillion, P quadrillion.
    Raises ValueError naming the accepted forms.
    """
    match = _QUANTITY.match(text)
    if match is None:
        special = text.strip().lower()
        if special in {"nan", "inf", "+inf", "-inf", "infinity", "-infinity"}:
            return float(special)
        raise ValueError(f"{text!r} is not a number (examples: 405B, 15.6T, 2.5M, 1e12, 1_000)")
    number, suffix = match.groups()
    value = float(number.replace("_", "").replace(",", ""))
    return value * _SUFFIXES.get(suffix, 1.0)

