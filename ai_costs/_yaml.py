"""The one place that parses YAML: fast C loader when available, errors with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ai_costs.errors import InvalidInput

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str, *, origin: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except RecursionError:
        raise InvalidInput(f"{origin}: nested too deeply to read", code="invalid_yaml") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput(f"{origin}{where}: invalid YAML: {problem}", code="invalid_yaml") from None


_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
         b"\xfe\xff": "UTF-16"}


def read_text(path: Path) -> str:
    """A user's text file as UTF-8 (a UTF-8 byte-order mark is allowed), or one message saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read file: {exc.strerror}", code="file_error") from None
    encoding = next((name for bom, name in _BOMS.items() if raw.startswith(bom)), None)
    if encoding:
        raise InvalidInput(f"{path}: the file is {encoding} text; save it as UTF-8", code="file_error")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                           "is it a binary file?", code="file_error") from None
    if "\x00" in text:
        raise InvalidInput(f"{path}: not a text file (it contains NUL bytes)", code="file_error")
    return text


def load_yaml_file(path: Path) -> Any:
    return load_yaml_text(read_text(path), origin=str(path))
