"""Options shared by the commands, defined once (STYLE.md practice 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ai_costs.render import OutputFormat

ScenarioArg = Annotated[
    str | None,
    typer.Argument(help="Preset name or path to a scenario YAML file.", show_default=False),
]
PresetOpt = Annotated[
    str | None,
    typer.Option("--preset", help="Same as the SCENARIO argument.", show_default=False),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
]
MaxOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--max",
        metavar="METRIC=VALUE",
        help="Budget limit on a summary metric, e.g. total_usd=2M (repeatable): the full result is printed, "
        "then the exit code is 1 if any metric is over its limit.",
        show_default=False,
    ),
]
ApiPricesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--api-prices",
        help="API price file merged over the bundled prices by id: LiteLLM's model_prices JSON or ai-costs "
        "YAML (repeatable; env AI_COSTS_API_PRICES).",
        show_default=False,
    ),
]
PresetsDirOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--presets-dir",
        envvar="AI_COSTS_PRESETS_DIR",
        help="Directory of user scenarios and catalog overrides (repeatable; env AI_COSTS_PRESETS_DIR).",
        show_default=False,
    ),
]


def num(flag: str, help: str, panel: str, metavar: str = "N") -> Any:
    """A numeric option (default None); parsed with the scenario, so '15.6T', '405B', '1e12' work."""
    return typer.Option(None, flag, help=help, metavar=metavar, rich_help_panel=panel, show_default=False)


def text(flag: str, help: str, panel: str, metavar: str = "TEXT") -> Any:
    return typer.Option(None, flag, help=help, metavar=metavar, rich_help_panel=panel, show_default=False)


def scenario_ref(scenario: str | None, preset: str | None) -> str | None:
    if scenario and preset and scenario != preset:
        raise typer.BadParameter("give the scenario once: as SCENARIO or as --preset", param_hint="--preset")
    return scenario or preset


def overrides(values: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """Option values that were given, keyed by scenario field name."""
    return {k: v for k, v in values.items() if k in fields and v is not None}


def flag_names(fields: list[str]) -> dict[str, str]:
    return {f: "--" + f.replace("_", "-") for f in fields}
