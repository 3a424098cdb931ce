"""Helpers for beta APIs (``openai_lite.lib.beta.agents``: the Agents API's sessions, tools and files)."""
