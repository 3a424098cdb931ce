"""openai_lite: a small, synchronous client for the OpenAI API, built on requests.

``from openai_lite import OpenAI`` is the whole migration from the official package.
Importing this package loads almost nothing; classes load on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

from ._version import __title__, __version__

if TYPE_CHECKING:  # what editors and type checkers see; at run time these load lazily
    from ._azure import AzureOpenAI
    from ._client import Client, OpenAI
    from ._exceptions import (
        APIConnectionError, APIError, APIResponseValidationError, APIStatusError, APITimeoutError,
        AuthenticationError, BadRequestError, ConflictError, ContentFilterFinishReasonError, InternalServerError,
        InvalidWebhookSignatureError, LengthFinishReasonError, NotFoundError, OpenAIError, PermissionDeniedError,
        RateLimitError, UnprocessableEntityError,
    )
    from ._files import to_file
    from .lib.polling import PollTimeoutError
    from ._models import BaseModel
    from ._pagination import SyncCursorPage, SyncPage
    from ._response import APIResponse, BinaryResponseContent, HttpxBinaryResponseContent, LegacyAPIResponse
    from ._streaming import Stream
    from ._types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven, Omit, Timeout, omit
    from .lib._schema import function_tool
    from .lib.streaming.assistants import AssistantEventHandler
    from .lib.structured import pydantic_function_tool

_LAZY = {
    "OpenAI": "._client", "Client": "._client", "AzureOpenAI": "._azure",
    "BaseModel": "._models", "Stream": "._streaming", "to_file": "._files",
    "AssistantEventHandler": ".lib.streaming.assistants",
    "SyncPage": "._pagination", "SyncCursorPage": "._pagination",
    "APIResponse": "._response", "LegacyAPIResponse": "._response", "BinaryResponseContent": "._response",
    "HttpxBinaryResponseContent": "._response",
    "NOT_GIVEN": "._types", "NotGiven": "._types", "Omit": "._types", "omit": "._types", "Timeout": "._types",
    "DEFAULT_TIMEOUT": "._types", "DEFAULT_MAX_RETRIES": "._types",
    "PollTimeoutError": ".lib.polling",
    "function_tool": ".lib._schema", "pydantic_function_tool": ".lib.structured",
}
_ERRORS = (
    "OpenAIError", "APIError", "APIStatusError", "APIConnectionError", "APITimeoutError",
    "APIResponseValidationError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
    "NotFoundError", "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError",
    "LengthFinishReasonError", "ContentFilterFinishReasonError", "InvalidWebhookSignatureError",
)
_LAZY.update((name, "._exceptions") for name in _ERRORS)

# Module-level client configuration (read when the module-level client is built).
api_key: Union[str, Callable[[], str], None] = None
admin_api_key: Optional[str] = None
organization: Optional[str] = None
project: Optional[str] = None
webhook_secret: Optional[str] = None
base_url: Optional[str] = None
timeout: Any = None
max_retries: Optional[int] = None
default_headers: Optional[Mapping[str, str]] = None
default_query: Optional[Mapping[str, object]] = None
http_session: Any = None
http_client: Any = None
api_type: Optional[str] = None
api_version: Optional[str] = None
azure_endpoint: Optional[str] = None
azure_ad_token: Optional[str] = None
azure_ad_token_provider: Optional[Callable[[], str]] = None

_MODULE_RESOURCES = frozenset((
    "admin", "audio", "batches", "beta", "chat", "completions", "containers", "content_provenance_checks",
    "conversations", "embeddings", "evals", "files", "fine_tuning", "images", "models", "moderations",
    "realtime", "responses", "skills", "uploads", "vector_stores", "videos", "webhooks",
))

__all__ = sorted(list(_LAZY) + ["__version__", "__title__"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        import importlib

        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    if name in _MODULE_RESOURCES:
        from ._module_client import ModuleResource

        return ModuleResource(name)
    raise AttributeError("module 'openai_lite' has no attribute %r" % (name,))


def __dir__() -> Any:
    return sorted(set(globals()) | set(_LAZY) | _MODULE_RESOURCES)
