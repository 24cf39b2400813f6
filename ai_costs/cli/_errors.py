"""The boundary where domain errors become one message and an exit code (STYLE.md practice 11)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from ai_costs.errors import AiCostsError, ExitCode

F = TypeVar("F", bound=Callable[..., Any])


def emit_error(command: str, exc: AiCostsError, json_mode: bool) -> None:
    if json_mode:
        from ai_costs.render.json import error_json

        sys.stdout.write(error_json(command, exc.code, exc.message) + "\n")
    sys.stderr.write(f"Error: {exc.message}\n")


def handles_errors(command: str) -> Callable[[F], F]:
    """Turn AiCostsError into `Error: ...` on stderr (and a JSON error document in JSON mode)."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except AiCostsError as exc:
                fmt = kwargs.get("fmt")
                emit_error(command, exc, json_mode=getattr(fmt, "value", fmt) == "json")
                raise typer.Exit(exc.exit_code) from None

        return inner  # type: ignore[return-value]

    return wrap


def run_app(app: typer.Typer) -> None:
    """Run the app; an unexpected exception exits 2 (never 1, which means 'over budget')."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:
        if os.environ.get("AI_COSTS_DEBUG"):
            raise
        sys.stderr.write(
            f"Error: internal error ({type(exc).__name__}: {exc}); "
            "re-run with AI_COSTS_DEBUG=1 for a traceback\n"
        )
        raise SystemExit(ExitCode.ERROR) from None
