"""openai-python's asynchronous names, importable so that code importing more than it uses runs.

openai_lite is synchronous. ``from openai_lite import OpenAI, AsyncOpenAI`` works; building an
``AsyncOpenAI`` (or any of these) raises, saying what to use instead.
"""
from __future__ import annotations

from typing import Any

__all__ = ["AsyncOpenAI", "AsyncAzureOpenAI", "AsyncClient", "AsyncStream", "AsyncAPIResponse",
           "DefaultAsyncHttpxClient", "DefaultAsyncHttpx2Client", "DefaultAioHttpClient", "SYNC_ONLY"]

_ADVICE = {
    "AsyncOpenAI": "use openai_lite.OpenAI (in asyncio code, call it through asyncio.to_thread or an executor)",
    "AsyncAzureOpenAI": "use openai_lite.AzureOpenAI (in asyncio code, call it through asyncio.to_thread)",
    "AsyncStream": "streams of openai_lite.OpenAI are plain iterators",
    "AsyncAPIResponse": "raw responses of openai_lite.OpenAI are openai_lite.APIResponse",
    "DefaultAsyncHttpxClient": "use openai_lite.DefaultHttpxClient (a requests.Session) with OpenAI",
    "DefaultAsyncHttpx2Client": "use openai_lite.DefaultHttpx2Client (a requests.Session) with OpenAI",
    "DefaultAioHttpClient": "use openai_lite.DefaultHttpxClient (a requests.Session) with OpenAI",
}
SYNC_ONLY = frozenset(_ADVICE) | {"AsyncClient"}


class _SyncOnly:
    """Raises on construction: openai_lite has no asynchronous client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = type(self).__name__
        raise NotImplementedError("openai_lite is a synchronous library: %s is not available; %s."
                                  % (name, _ADVICE.get(name, _ADVICE["AsyncOpenAI"])))


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
