"""The one place that parses YAML: fast C loader when available, errors with file and line.

Every file a user can hand over (scenario, budget, preset, catalog override) is read here, so a file
that is not UTF-8 text, nested absurdly deep or refers to itself is one clear error naming the file,
never an internal error. PyYAML is imported only when a file is actually parsed: bundled catalogs and
presets are read from pre-parsed JSON copies (ai_costs/data/_compiled/).
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import Any

from ai_costs.errors import InvalidInput

STDIN = Path("-")  # a scenario or budget file given as `-` is read from standard input
# Scenario, budget and catalog files nest three or four levels; far deeper is a broken or hostile file.
MAX_DEPTH = 32
_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_stdin: tuple[object, bytes] | None = None  # standard input is read once, whoever asks first


def origin_of(path: Path) -> str:
    """How a file is named in messages."""
    return "<stdin>" if path == STDIN else str(path)


def _read_bytes(path: Path) -> bytes:
    global _stdin
    if path == STDIN:
        if _stdin is None or _stdin[0] is not sys.stdin:
            _stdin = (sys.stdin, sys.stdin.buffer.read())
        return _stdin[1]
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read file: {exc.strerror}", code="file_error") from None


def decode(data: bytes, *, origin: str) -> str:
    """UTF-8 text (a UTF-8 byte-order mark is allowed); anything else is an input error saying what it is."""
    if data.startswith(_UTF16_32_BOMS):
        raise InvalidInput(f"{origin}: the file is UTF-16 or UTF-32 text; save it as UTF-8", code="invalid_encoding")
    if b"\x00" in data:
        raise InvalidInput(f"{origin}: a binary file (it contains NUL bytes), not YAML text", code="invalid_encoding")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{origin}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            code="invalid_encoding") from None


def read_text(path: Path) -> str:
    return decode(_read_bytes(path), origin=origin_of(path))


def checksum(text: str) -> int:
    """The CRC-32 that keys a pre-parsed copy to the exact text it was made from."""
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def check_shape(data: Any, *, origin: str, max_depth: int = MAX_DEPTH) -> None:
    """Reject nesting deeper than `max_depth` and structures that contain themselves (a YAML alias to its
    own ancestor). Shared nodes (aliases) are measured once, so a 'billion laughs' file costs no time."""
    heights: dict[int, int] = {}
    active: set[int] = set()

    def height(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 0
        key = id(node)
        if key in heights:
            h = heights[key]
        else:
            if key in active:
                raise InvalidInput(f"{origin}: a YAML alias refers to a node that contains it (a cycle)",
                                   code="invalid_yaml")
            if depth > max_depth:
                raise InvalidInput(f"{origin}: nested more than {max_depth} levels deep", code="invalid_yaml")
            active.add(key)
            children = node.values() if isinstance(node, dict) else node
            h = 1 + max((height(child, depth + 1) for child in children), default=0)
            active.discard(key)
            heights[key] = h
        if depth - 1 + h > max_depth:
            raise InvalidInput(f"{origin}: nested more than {max_depth} levels deep", code="invalid_yaml")
        return h

    height(data, 1)


def load_yaml_text(text: str, *, origin: str) -> Any:
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput(f"{origin}{where}: invalid YAML: {problem}", code="invalid_yaml") from None
    except RecursionError:
        raise InvalidInput(f"{origin}: nested more than {MAX_DEPTH} levels deep", code="invalid_yaml") from None
    check_shape(data, origin=origin)
    return data


def load_yaml_file(path: Path) -> Any:
    """A YAML file (or standard input for `-`), parsed and checked."""
    return load_yaml_text(read_text(path), origin=origin_of(path))


def parsed_or_compiled(text: str, copy: Any, *, origin: str) -> Any:
    """A bundled file's data: its pre-parsed JSON copy when the copy was made from exactly this text, else
    the text parsed (an edited file is never shadowed by a stale copy)."""
    if isinstance(copy, dict) and copy.get("crc32") == checksum(text):
        return copy["data"]
    return load_yaml_text(text, origin=origin)
