"""The boundary where errors become one message and an exit code (docs/reference/exit-codes.md).

Domain errors (AiCostsError) are turned into `Error: ...` by @handles_errors on each command; usage
errors of the parser, a closed pipe and unexpected exceptions are handled by run_command, which runs
the parser itself rather than through typer's standalone mode (that mode prints usage errors as a
boxed panel and exits 1, the over-budget code, on a closed pipe).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from typing import Any, TypeVar

import typer

from ai_costs.errors import AiCostsError, ExitCode

F = TypeVar("F", bound=Callable[..., Any])
INTERRUPTED = 130  # 128 + SIGINT, the shell convention


def emit_error(command: str, exc: AiCostsError, json_mode: bool) -> None:
    if json_mode:
        from ai_costs.render.json import error_json

        with closed_pipe_ok():
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


def silence_stdout() -> None:
    """The reader of stdout has gone (`| head -1`): send the rest of the output nowhere, so neither a
    later write nor the flush at exit fails again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # an in-memory stdout (tests): nothing to redirect
        pass


@contextmanager
def closed_pipe_ok() -> Iterator[None]:
    """Writes to stdout inside this block may meet a closed pipe; the command goes on (its exit status
    still reports the verdict) and the rest of its output is dropped."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()


def _stdout_is_devnull() -> bool:
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError, AttributeError):
        return False


def json_requested(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output (--format json, -f json, --format=json)."""
    pairs = zip(argv, [*argv[1:], ""], strict=False)
    return any((a in {"--format", "-f"} and b.lower() == "json") or a.lower() == "--format=json" for a, b in pairs)


def _is_usage_error(exc: BaseException) -> bool:
    # typer's vendored click exceptions; their classes are not public across typer versions
    return hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int)


def _options_of(ctx: Any) -> list[str]:
    params = getattr(getattr(ctx, "command", None), "params", None) or []
    return [o for p in params for o in [*p.opts, *p.secondary_opts] if o.startswith("--")]


def usage_message(exc: Any) -> str:
    """The parser's message on one line. An unknown option gets only close matches as suggestions
    (the parser's own list is loose: `--frobnicate` would suggest `--format`)."""
    name = getattr(exc, "option_name", None)
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoSuchOption" and isinstance(name, str):
        known = {o[2:]: o for o in _options_of(ctx)}
        near = [known[n] for n in get_close_matches(name.lstrip("-"), list(known), n=3, cutoff=0.75)]
        message = f"No such option: {name}" + (f" (did you mean {' or '.join(near)}?)" if near else "")
    else:
        message = str(exc.format_message()).replace("Value error, ", "")  # pydantic's prefix, via typer
    message = " ".join(message.split())
    path = getattr(ctx, "command_path", None)
    message = message.rstrip(".") + ("" if message.endswith("?") else ".")
    return f"{message} See '{path} --help'." if path else message


def run_command(app: typer.Typer, argv: Sequence[str], prog_name: str = "ai-costs") -> int:
    """Parse and run a command line; the exit status follows docs/reference/exit-codes.md: 0 ok, 1 a check
    failed, 2 usage or input error (and any internal error: never 1, which would read as over budget).

    In JSON mode a usage error is a JSON error document too, so a consumer always gets exactly one
    document. A closed stdout (`ai-costs train x | head -1`) exits 0 quietly.
    """
    json_mode = json_requested(argv)
    try:
        if os.environ.get("_" + prog_name.replace("-", "_").upper() + "_COMPLETE"):
            app(args=list(argv), prog_name=prog_name)  # typer's shell-completion protocol exits by itself
            return ExitCode.OK
        command = typer.main.get_command(app)
        with command.make_context(prog_name, list(argv)) as ctx:
            command.invoke(ctx)
        return ExitCode.OK
    except typer.Exit as exc:  # also --help and --version
        return int(exc.exit_code)
    except SystemExit as exc:  # typer's completion options exit by themselves
        if exc.code == 1 and _stdout_is_devnull():
            return ExitCode.OK  # rich met a closed pipe while printing help, and exits 1 by default
        return exc.code if isinstance(exc.code, int) else ExitCode.OK if exc.code is None else ExitCode.ERROR
    except BrokenPipeError:
        silence_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        return INTERRUPTED
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            return ExitCode.ERROR  # the help was printed; no command was given
        if _is_usage_error(exc):
            names = [a for a in argv if not a.startswith("-")]
            command_name = names[0] if names else prog_name
            emit_error(command_name, AiCostsError(usage_message(exc), code="usage_error"), json_mode=json_mode)
            return ExitCode.ERROR
        if os.environ.get("AI_COSTS_DEBUG"):
            raise
        sys.stderr.write(
            f"Error: internal error ({type(exc).__name__}: {exc}); re-run with AI_COSTS_DEBUG=1 for a traceback\n"
        )
        return ExitCode.ERROR
