"""The command line: parse, load, call the engine, render. The only package that imports typer.

Start-up: `main()` imports only the module of the command being run and builds only its options
(typer builds a parameter table and a pydantic adapter per option, so the other commands' tables
would cost time for nothing). The full app, with every command, answers `--help`, no arguments, an
unknown command and shell completion. A new command is one line in COMMANDS; its options live only
in its function's signature.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from ai_costs import __version__

PROG = "ai-costs"
# command -> (module, attribute): a function registered as the command, or a typer.Typer of subcommands
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("ai_costs.cli.train", "train"),
    "infer": ("ai_costs.cli.infer", "infer"),
    "breakeven": ("ai_costs.cli.breakeven", "breakeven"),
    "compare-gpus": ("ai_costs.cli.compare_gpus", "compare_gpus"),
    "check": ("ai_costs.cli.check", "check"),
    "diff": ("ai_costs.cli.diff", "diff"),
    "schema": ("ai_costs.cli.schema", "schema"),
    "presets": ("ai_costs.cli.presets", "presets_app"),
    "catalog": ("ai_costs.cli.catalog", "catalog_app"),
}
HELP_FLAGS = frozenset({"-h", "--help"})
COMPLETE_VAR = "_AI_COSTS_COMPLETE"  # set by the shell when it asks for completions (typer's protocol)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ai-costs {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Cost, time and energy of AI training and inference, from public, dated sources.

    Every figure is traceable: `ai-costs catalog gpus|models|clouds|apis` shows the data with its
    source and date; `--format json` gives the resolved inputs, assumptions and sources.
    """


def help_text(doc: str | None) -> str:
    """A docstring as help: prose paragraphs joined into one line each (the terminal wraps them at its
    width), indented blocks (examples, YAML) kept line by line."""
    paragraphs = inspect.cleandoc(doc or "").split("\n\n")
    return "\n\n".join(p if p.startswith(" ") else " ".join(p.split()) for p in paragraphs)


def _without_flag_metavars(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""  # a flag takes no value: no "<bool>" in the help
    return params


def _share_text_coercion(params: list[Any]) -> None:
    """typer builds a pydantic TypeAdapter for every parameter of the command that runs, given or not (about
    0.2 ms each, and a command has 30 to 50 options). Options typed `str` carry no constraint for typer (the
    scenario validates their text), so one adapter serves them all. Uses typer's lazily filled
    `_runtime_param`; if a typer release renames it, this does nothing and typer builds its own."""
    shared = None
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if (descriptor is None or descriptor.annotation is not str or not hasattr(param, "_runtime_param")
                or param._runtime_param is not None or descriptor.parameter_info.parser is not None):
            continue
        if shared is None:
            shared = param.get_runtime_param()
        else:
            param._runtime_param = shared


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        params = _without_flag_metavars(super().get_params(ctx))
        _share_text_coercion(params)
        return params


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _without_flag_metavars(super().get_params(ctx))


def build_app(names: Iterable[str] | None = None, *, completion: bool = True) -> typer.Typer:
    """The app with the given commands (all by default); `completion` adds --install-completion and
    --show-completion."""
    app = typer.Typer(
        name=PROG,
        cls=_Group,
        help=help_text(_root.__doc__),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=completion,
        context_settings={"help_option_names": sorted(HELP_FLAGS)},
    )
    app.callback()(_root)
    for name in COMMANDS if names is None else names:
        module, attribute = COMMANDS[name]
        target = getattr(importlib.import_module(module), attribute)
        if isinstance(target, typer.Typer):
            target.info.cls = _Group
            for info in target.registered_commands:
                info.cls, info.help = _Command, help_text(info.callback.__doc__ if info.callback else None)
            app.add_typer(target, name=name)
        else:
            app.command(name, cls=_Command, help=help_text(target.__doc__))(target)
    return app


@functools.cache
def full_app() -> typer.Typer:
    return build_app()


def app_for(argv: Sequence[str]) -> typer.Typer:
    """Only the command being run, unless the full app is needed (help, completion, no or unknown command)."""
    if os.environ.get(COMPLETE_VAR) is None and not HELP_FLAGS & set(argv):
        # The root options take no values, so the first word that is not an option names the command.
        name = next((a for a in argv if not a.startswith("-")), None)
        if name in COMMANDS:
            return build_app([name], completion=False)
    return full_app()


def run(argv: Sequence[str]) -> int:
    """Run a command line (without the program name); returns the exit status."""
    from ai_costs.cli._errors import run_command

    return run_command(app_for(argv), argv)


def main() -> None:
    """Console-script entry point."""
    raise SystemExit(run(sys.argv[1:]))


def __getattr__(name: str) -> Any:
    # `from ai_costs.cli import app`: the full app, built on first use.
    if name == "app":
        return full_app()
    raise AttributeError(name)
