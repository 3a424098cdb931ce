"""Helpers built on top of the raw API client (schemas, function tools, parsing)."""
