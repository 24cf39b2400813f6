"""Output formats. Only this package (and the CLI) imports rich; rounding happens only here."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
