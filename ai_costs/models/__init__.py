"""Data models: frozen dataclasses validated strictly with pydantic-core (no I/O here)."""
