"""openai-python's asynchronous names, importable so that code importing more than it uses runs.

openai_lite is synchronous. ``from openai_lite import OpenAI, AsyncOpenAI`` works; building an
``AsyncOpenAI`` (or any of these) raises, saying what to use instead.
"""
from __future__ import annotations

from typing import Any

__all__ = ["AsyncOpenAI", "AsyncAzureOpenAI", "AsyncClient", "AsyncStream", "AsyncAPIResponse",
           "DefaultAsyncHttpxClient", "DefaultAsyncHttpx2Client", "DefaultAioHttpClient",
           "AsyncAssistantEventHandler", "AsyncComputerDriver", "AsyncComputerToolset", "SYNC_ONLY"]

_ADVICE = {
    "AsyncOpenAI": "use openai_lite.OpenAI (in asyncio code, call it through asyncio.to_thread or an executor)",
    "AsyncAzureOpenAI": "use openai_lite.AzureOpenAI (in asyncio code, call it through asyncio.to_thread)",
    "AsyncStream": "streams of openai_lite.OpenAI are plain iterators",
    "AsyncAPIResponse": "raw responses of openai_lite.OpenAI are openai_lite.APIResponse",
    "DefaultAsyncHttpxClient": "use openai_lite.DefaultHttpxClient (a requests.Session) with OpenAI",
    "DefaultAsyncHttpx2Client": "use openai_lite.DefaultHttpx2Client (a requests.Session) with OpenAI",
    "DefaultAioHttpClient": "use openai_lite.DefaultHttpxClient (a requests.Session) with OpenAI",
    "AsyncAssistantEventHandler": "use openai_lite.AssistantEventHandler (subclass it)",
    "AsyncComputerDriver": "use openai_lite.ComputerDriver (implement it)",
    "AsyncComputerToolset": "use openai_lite.ComputerToolset",
}
SYNC_ONLY = frozenset(_ADVICE) | {"AsyncClient"}


class _SyncOnly:
    """Raises on construction: openai_lite has no asynchronous client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # a user's subclass (class Handler(AsyncAssistantEventHandler)) gets its base's advice
        name = next((c.__name__ for c in type(self).__mro__ if c.__name__ in _ADVICE), "AsyncOpenAI")
        raise NotImplementedError("openai_lite is a synchronous library: %s is not available; %s."
                                  % (type(self).__name__, _ADVICE[name]))


class AsyncOpenAI(_SyncOnly):
    """Not available (openai_lite is synchronous): use ``OpenAI``."""


AsyncClient = AsyncOpenAI


class AsyncAzureOpenAI(AsyncOpenAI):
    """Not available (openai_lite is synchronous): use ``AzureOpenAI``."""


class AsyncStream(_SyncOnly):
    """Not available: streams are plain iterators here."""


class AsyncAPIResponse(_SyncOnly):
    """Not available: raw responses are ``APIResponse``."""


class DefaultAsyncHttpxClient(_SyncOnly):
    """Not available: use ``DefaultHttpxClient``."""


class DefaultAsyncHttpx2Client(_SyncOnly):
    """Not available: use ``DefaultHttpx2Client``."""


class DefaultAioHttpClient(_SyncOnly):
    """Not available: use ``DefaultHttpxClient``."""


class AsyncAssistantEventHandler(_SyncOnly):
    """Not available: subclass ``AssistantEventHandler`` (a subclass of this one may be defined, not built)."""


class AsyncComputerDriver(_SyncOnly):
    """Not available: implement ``ComputerDriver``."""


class AsyncComputerToolset(_SyncOnly):
    """Not available: use ``ComputerToolset``."""
