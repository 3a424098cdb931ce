"""openai-python's WebSocket reconnection types, for code that names them.

openai_lite opens no WebSockets (Realtime over WebSocket is not supported), so nothing here builds or
reads these; they exist so that code written for openai-python (an ``on_reconnecting`` handler with
its annotations, a test building an event) imports and runs. openai-python's module path
``openai_lite.types.websocket_reconnection`` gives the same objects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping

__all__ = ["ReconnectingEvent", "ReconnectingOverrides"]

from typing import TypedDict


@dataclass(frozen=True)
class ReconnectingEvent:
    """One reconnection attempt, as openai-python passes it to ``on_reconnecting``."""

    attempt: int
    """Which attempt this is (from 1)."""
    max_attempts: int
    """How many attempts will be made in all."""
    delay: float
    """Seconds waited before this attempt connects."""
    close_code: int
    """The WebSocket close code that started the reconnection."""
    extra_query: Mapping[str, object]
    """The query parameters of the connection."""
    extra_headers: Mapping[str, str]
    """The headers of the connection."""


class ReconnectingOverrides(TypedDict, total=False):
    """What an ``on_reconnecting`` handler may return to change the next attempt."""

    extra_query: Dict[str, object]
    extra_headers: Dict[str, str]
    abort: bool
