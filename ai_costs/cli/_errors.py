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


def json_requested(argv: list[str]) -> bool:
    """Whether the command line asks for JSON output (--format json, -f json, --format=json)."""
    pairs = zip(argv, [*argv[1:], ""], strict=False)
    return any((a in {"--format", "-f"} and b.lower() == "json") or a.lower() == "--format=json" for a, b in pairs)


def run_app(app: typer.Typer) -> None:
    """Run the app; an unexpected exception exits 2 (never 1, which means 'over budget').

    In JSON mode a usage error caught by the parser (an unknown option, a bad choice) is a JSON error
    document too, so a consumer always gets exactly one document (STYLE.md practice 12).
    """
    argv = sys.argv[1:]
    try:
        if not json_requested(argv):
            app()
            return
        code = app(args=argv, prog_name="ai-costs", standalone_mode=False)
        raise SystemExit(code or 0)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:
        if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
            # typer's (vendored click's) usage error; its class is not public across typer versions
            names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
            command = next((a for a in argv if a in names), "ai-costs")
            emit_error(command, AiCostsError(str(exc.format_message()), code="usage_error"), json_mode=True)
            raise SystemExit(ExitCode.ERROR) from None
        if os.environ.get("AI_COSTS_DEBUG"):
            raise
        sys.stderr.write(
            f"Error: internal error ({type(exc).__name__}: {exc}); "
            "re-run with AI_COSTS_DEBUG=1 for a traceback\n"
        )
        raise SystemExit(ExitCode.ERROR) from None
