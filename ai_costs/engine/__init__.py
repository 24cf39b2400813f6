"""The engine: pure functions from scenarios and a catalog to reports. No printing, no files."""
