"""Exit codes and the domain errors the CLI turns into messages (one place, STYLE.md practice 11)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from enum import IntEnum


class ExitCode(IntEnum):
    """The documented exit-status contract (docs/reference/exit-codes.md)."""

    OK = 0
    CHECK_FAILED = 1  # over a --max limit or a failing budget line
    ERROR = 2  # invalid input or usage, and any internal error


class AiCostsError(Exception):
    """An error a user can cause and fix; printed as one message, never a traceback."""

    exit_code: int = ExitCode.ERROR
    code: str = "invalid_input"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class UnknownId(AiCostsError):
    """An id that is not in a catalog or preset directory; names the three nearest known ids (never a
    long list) and the command that lists them all."""

    def __init__(
        self, what: str, given: str, known: Iterable[str], *, code: str = "unknown_id", listing: str | None = None
    ) -> None:
        self.what, self.given, self.known, self.listing = what, given, sorted(set(known)), listing
        near = suggest(given, self.known)
        hint = f" Did you mean: {', '.join(near)}?" if near else (
            f" Closest known: {', '.join(closest(given, self.known))}." if self.known else "")
        tail = f" `{listing}` lists them all." if listing else ""
        super().__init__(f"unknown {what} {given!r}.{hint}{tail}", code=code)
        self.suggestions = near


class InvalidInput(AiCostsError):
    """A value, combination of options, or file content that cannot be used."""


class CatalogError(AiCostsError):
    code = "catalog_error"


def suggest(given: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Nearest known ids to `given` (difflib ratio), best first."""
    known = list(known)
    near = get_close_matches(given.lower(), known, n=n, cutoff=0.5)
    if not near:
        # Prefix/containment hits catch 'h100' -> 'h100-sxm', 'llama-405b' -> 'llama-3.1-405b'.
        tokens = [t for t in given.lower().replace("_", "-").split("-") if t]
        near = [k for k in known if tokens and all(t in k for t in tokens)][:n]
    return near


def closest(given: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The `n` known ids most similar to `given`, however far (difflib ratio)."""
    return get_close_matches(given.lower(), list(known), n=n, cutoff=0.0)
