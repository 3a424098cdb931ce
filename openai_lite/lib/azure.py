"""``openai_lite.lib.azure``: the Azure client under openai-python's module path."""
from typing import Callable

from .._async import AsyncAzureOpenAI
from .._azure import AzureOpenAI

__all__ = ["AzureOpenAI", "AsyncAzureOpenAI", "AzureADTokenProvider", "AsyncAzureADTokenProvider"]

AzureADTokenProvider = Callable[[], str]
AsyncAzureADTokenProvider = Callable[[], str]  # openai-python's name for an async provider (no async client here)
