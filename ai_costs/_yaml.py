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
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput(f"{origin}{where}: invalid YAML: {problem}", code="invalid_yaml") from None


def load_yaml_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read file: {exc.strerror}", code="file_error") from None
    return load_yaml_text(text, origin=str(path))
