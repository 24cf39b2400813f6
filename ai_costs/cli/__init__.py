"""The command line: parse, load, call the engine, render. The only package that imports typer."""

from __future__ import annotations

import typer

from ai_costs import __version__
from ai_costs.cli._errors import run_app
from ai_costs.cli.breakeven import breakeven
from ai_costs.cli.catalog import catalog_app
from ai_costs.cli.check import check
from ai_costs.cli.compare_gpus import compare_gpus
from ai_costs.cli.diff import diff
from ai_costs.cli.infer import infer
from ai_costs.cli.presets import presets_app
from ai_costs.cli.schema import schema
from ai_costs.cli.train import train

app = typer.Typer(
    name="ai-costs",
    help="Cost, time and energy of AI training and inference, from public, dated sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ai-costs {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Cost, time and energy of AI training and inference, from public, dated sources.

    Every figure is traceable: `ai-costs catalog gpus|models|clouds|apis` shows the data with its
    source and date; `--format json` gives the resolved inputs, assumptions and sources.
    """


app.command("train")(train)
app.command("infer")(infer)
app.command("breakeven")(breakeven)
app.command("compare-gpus")(compare_gpus)
app.command("check")(check)
app.command("diff")(diff)
app.command("schema")(schema)
app.add_typer(presets_app, name="presets")
app.add_typer(catalog_app, name="catalog")


def main() -> None:
    """Console-script entry point."""
    run_app(app)
