"""Find and load scenario files: shipped presets, the user's own, or any path.

Lookup for a name (first match wins): each --presets-dir, each entry of AI_COSTS_PRESETS_DIR, the
user dir ($XDG_CONFIG_HOME or ~/.config)/ai-costs/presets, then the presets shipped in the wheel.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ai_costs import catalog as _catalog
from ai_costs._yaml import STDIN, load_yaml_file, origin_of, parsed_or_compiled, read_text
from ai_costs.catalog import COMPILED_DIR, PACKAGE_DIR, PRESETS_COPY, user_config_dir, user_dirs
from ai_costs.errors import InvalidInput, UnknownId
from ai_costs.models._schema import construct, validate
from ai_costs.models.scenario import rivals

T = TypeVar("T")
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class PresetInfo:
    name: str
    kind: str
    description: str
    path: Path
    origin: str  # 'bundled', 'user', or the directory it came from


def bundled_dir() -> Path:
    """Presets shipped in the wheel (ai_costs/_presets), or the repo's presets/ in a source checkout."""
    shipped = PACKAGE_DIR / "_presets"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "presets"


def search_path(presets_dirs: Sequence[Path] = ()) -> list[tuple[Path, str]]:
    """Directories searched for preset names, highest priority first, with their origin label."""
    user = user_config_dir()
    dirs = [(p, "user" if p == user else str(p)) for p in user_dirs(presets_dirs)]
    return [*dirs, (bundled_dir(), "bundled")]


@functools.cache
def _compiled_presets() -> dict[str, Any]:
    import json

    try:
        # read at call time (not bound at import): the data directory is the catalog module's
        copies = json.loads((_catalog.DATA_DIR / COMPILED_DIR / PRESETS_COPY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return copies if isinstance(copies, dict) else {}


def read_data(path: Path) -> Any:
    """A scenario file's data (`-`: standard input). A bundled preset is read from its pre-parsed JSON copy
    when that was made from exactly this file, so the JSON path of a preset needs no YAML parser."""
    return _read(path)[0]


def _read(path: Path) -> tuple[Any, bool]:
    """The data, and whether it is a bundled preset's compiled copy (validated when it was written)."""
    if path != STDIN and path.parent == bundled_dir():
        copy_ = _compiled_presets().get(path.name)
        data = parsed_or_compiled(read_text(path), copy_, origin=str(path))
        trusted = isinstance(copy_, dict) and copy_.get("validated") is True and data is copy_.get("data")
        # a copy: callers may change the data, and the parsed copies are shared for the whole process
        return copy.deepcopy(data), trusted
    return load_yaml_file(path), False


def _looks_like_path(ref: str) -> bool:
    return ref.endswith(SUFFIXES) or os.sep in ref or "/" in ref or Path(ref).is_file()


def resolve(ref: str, presets_dirs: Sequence[Path] = ()) -> Path:
    """A preset name or a path -> the scenario file (`-`: standard input)."""
    if ref == "-":
        return STDIN
    if _looks_like_path(ref):
        path = Path(ref)
        if not path.is_file():
            raise InvalidInput(f"scenario file not found: {ref}", code="file_not_found")
        return path
    for directory, _ in search_path(presets_dirs):
        for suffix in SUFFIXES:
            candidate = directory / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    raise UnknownId("preset", ref, [p.name for p in list_presets(presets_dirs)], code="preset_not_found",
                    listing="ai-costs presets list")


def list_presets(presets_dirs: Sequence[Path] = ()) -> list[PresetInfo]:
    """Every scenario file on the search path; a name found twice is listed where it wins."""
    seen: dict[str, PresetInfo] = {}
    for directory, origin in search_path(presets_dirs):
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.suffix not in SUFFIXES or path.stem in seen:
                continue
            data = read_data(path)
            if not isinstance(data, dict) or "kind" not in data:
                continue  # catalog override files share the directory
            seen[path.stem] = PresetInfo(
                path.stem, str(data.get("kind")), str(data.get("description", "")).strip(), path, origin
            )
    return sorted(seen.values(), key=lambda p: (p.kind, p.name))


def scenario_kind(path: Path) -> str:
    """The `kind:` of a scenario file."""
    data = read_data(path)
    if not isinstance(data, dict) or "kind" not in data:
        raise InvalidInput(f"{origin_of(path)}: a scenario file is a mapping with kind, version and fields",
                           code="invalid_preset")
    return str(data["kind"])


def read_scenario_file(path: Path, kind: str) -> dict[str, Any]:
    """The raw mapping of a scenario file, after checking it is a mapping of the expected kind."""
    data = read_data(path)
    where = origin_of(path)
    if not isinstance(data, dict):
        raise InvalidInput(f"{where}: a scenario file is a mapping with kind, version and fields", code="invalid_preset")
    found = data.get("kind")
    if found != kind:
        # a preset by its name; a file (or standard input) as given
        name = path.stem if any(path.parent == d for d, _ in search_path()) else origin_of(path)
        known = isinstance(found, str) and found in {"train", "infer", "breakeven"}
        hint = f"; run it with `ai-costs {found} {name}`" if known else ""
        raise InvalidInput(f"{where}: kind is {found!r}, not {kind!r}{hint}", code="wrong_kind")
    return data


def build_scenario(
    cls: type[T],
    kind: str,
    ref: str | None,
    overrides: Mapping[str, Any],
    *,
    presets_dirs: Sequence[Path] = (),
    flags: Mapping[str, str] | None = None,
    exclusive: Any = (),
) -> T:
    """Scenario from a preset or file (optional) with command-line overrides applied on top.

    An override replaces the file's value and clears the file's fields that contradict it (e.g.
    `--days` clears a preset's `gpus`); contradictions among the overrides themselves are errors.
    """
    data: dict[str, Any] = {}
    origin = "options"
    if ref:
        path = resolve(ref, presets_dirs)
        data = read_scenario_file(path, kind)
        origin = origin_of(path)
        config = data.get("model_config")
        if isinstance(config, str) and config and not Path(config).is_absolute():
            data = {**data, "model_config": str(path.parent / config)}  # relative to the scenario file
        if not overrides and _read(path)[1]:  # a bundled preset as compiled: validated already
            return construct(cls, data)
        for key in overrides:
            for rival in rivals(key, exclusive):
                data.pop(rival, None)
    merged = {**data, **overrides}
    # Name flags only for values that came from flags; a file's fields keep their own names.
    given_flags = {k: v for k, v in (flags or {}).items() if k in overrides}
    return validate(cls, merged, origin=origin, flags=given_flags)
