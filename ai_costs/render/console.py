"""The rich console every table is printed on."""

from __future__ import annotations

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's default exits 1, the over-budget status; the CLI drops the rest of the output instead
        # and still exits with the verdict (ai_costs/cli/_errors.py, closed_pipe_ok).
        self.quiet = True
        raise BrokenPipeError


def console(width: int | None = None) -> Console:
    """stdout, without highlighting (numbers are not coloured by guesswork); NO_COLOR and non-TTY output
    are honoured by rich."""
    return _Console(highlight=False, width=width)
