"""openai_lite: a small, synchronous client for the OpenAI API, built on requests.

``from openai_lite import OpenAI`` is the whole migration from the official package.
Importing this package loads almost nothing; classes load on first use.
"""
from __future__ import annotations

import sys as _sys
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Union

from ._version import __title__, __version__


class _TypePathsHook:
    """On the first import under ``openai_lite.types``, installs ``_type_paths``' finder (openai-python's
    type module paths, ``openai_lite.types.chat.chat_completion``...); until then nothing is loaded."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "openai_lite.types" and not fullname.startswith("openai_lite.types."):
            return None
        from ._type_paths import install, _finder

        install()
        try:
            _sys.meta_path.remove(_TypePathsHook)  # type: ignore[arg-type]
        except ValueError:  # another thread got here first
            pass
        return _finder.find_spec(fullname, path, target)


_sys.meta_path.insert(0, _TypePathsHook)  # type: ignore[arg-type]

if TYPE_CHECKING:  # what editors and type checkers see; at run time these load lazily
    from ._azure import AzureOpenAI
    from ._client import Client, OpenAI
    from ._exceptions import (
        APIConnectionError, APIError, APIResponseValidationError, APIStatusError, APITimeoutError,
        AuthenticationError, BadRequestError, ConflictError, ContentFilterFinishReasonError, InternalServerError,
        InvalidWebhookSignatureError, LengthFinishReasonError, NotFoundError, OpenAIError, PermissionDeniedError,
        RateLimitError, UnprocessableEntityError, OAuthError, SubjectTokenProviderError,
        WebSocketConnectionClosedError, WebSocketQueueFullError,
    )
    from ._websocket import ReconnectingEvent, ReconnectingOverrides
    from ._credentials import DataResidency
    from .lib.bedrock import AsyncBedrockOpenAI, BedrockOpenAI
    from ._async import (
        AsyncAPIResponse, AsyncAzureOpenAI, AsyncClient, AsyncOpenAI, AsyncStream, DefaultAioHttpClient,
        DefaultAsyncHttpx2Client, DefaultAsyncHttpxClient, AsyncAssistantEventHandler, AsyncComputerDriver,
        AsyncComputerToolset,
    )
    from ._files import file_from_path, to_file
    from ._http_client import DEFAULT_CONNECTION_LIMITS, DefaultHttpx2Client, DefaultHttpxClient
    from ._http_client import Transport
    from ._types import NoneType, ProxiesTypes, RequestOptions, override
    from .version import VERSION
    from . import auth, lib, pagination, providers, types, version
    from ._limits import ResponseLimits
    from .lib.polling import PollTimeoutError
    from ._models import BaseModel
    from ._pagination import SyncCursorPage, SyncPage
    from ._response import APIResponse, BinaryResponseContent, HttpxBinaryResponseContent, LegacyAPIResponse
    from ._streaming import Stream
    from ._types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven, Omit, Timeout, not_given, omit
    from .lib._schema import function_tool
    from .lib.computer import ComputerDriver, ComputerToolset
    from .lib.streaming.assistants import AssistantEventHandler
    from .lib.structured import pydantic_function_tool, pydantic_responses_function_tool
    from .resources import (
        admin as _r_admin, audio as _r_audio, batches as _r_batches, beta as _r_beta, chat as _r_chat,
        completions as _r_completions, containers as _r_containers, content_provenance_checks as _r_cpc,
        conversations as _r_conversations, decisions as _r_decisions, embeddings as _r_embeddings, evals as _r_evals, files as _r_files,
        fine_tuning as _r_fine_tuning, images as _r_images, live as _r_live, models as _r_models, moderations as _r_moderations,
        realtime as _r_realtime, responses as _r_responses, safety as _r_safety, skills as _r_skills, uploads as _r_uploads,
        vector_stores as _r_vector_stores, videos as _r_videos, webhooks as _r_webhooks,
    )

    # The module-level client's resources (``openai_lite.chat.completions.create(...)``), typed as the client's.
    admin: _r_admin.Admin
    audio: _r_audio.Audio
    batches: _r_batches.Batches
    beta: _r_beta.Beta
    chat: _r_chat.Chat
    completions: _r_completions.Completions
    containers: _r_containers.Containers
    content_provenance_checks: _r_cpc.ContentProvenanceChecks
    conversations: _r_conversations.Conversations
    decisions: _r_decisions.Decisions
    embeddings: _r_embeddings.Embeddings
    evals: _r_evals.Evals
    files: _r_files.Files
    fine_tuning: _r_fine_tuning.FineTuning
    images: _r_images.Images
    live: _r_live.Live
    models: _r_models.Models
    moderations: _r_moderations.Moderations
    realtime: _r_realtime.Realtime
    responses: _r_responses.Responses
    safety: _r_safety.Safety
    skills: _r_skills.Skills
    uploads: _r_uploads.Uploads
    vector_stores: _r_vector_stores.VectorStores
    videos: _r_videos.Videos
    webhooks: _r_webhooks.Webhooks

_LAZY = {
    "OpenAI": "._client", "Client": "._client", "AzureOpenAI": "._azure",
    "BaseModel": "._models", "Stream": "._streaming", "to_file": "._files",
    "AssistantEventHandler": ".lib.streaming.assistants",
    "SyncPage": "._pagination", "SyncCursorPage": "._pagination",
    "APIResponse": "._response", "LegacyAPIResponse": "._response", "BinaryResponseContent": "._response",
    "HttpxBinaryResponseContent": "._response",
    "NOT_GIVEN": "._types", "NotGiven": "._types", "Omit": "._types", "omit": "._types", "not_given": "._types",
    "Timeout": "._types",
    "DEFAULT_TIMEOUT": "._types", "DEFAULT_MAX_RETRIES": "._types",
    "PollTimeoutError": ".lib.polling",
    "ResponseLimits": "._limits",
    "function_tool": ".lib._schema", "pydantic_function_tool": ".lib.structured",
    "BedrockOpenAI": ".lib.bedrock", "AsyncBedrockOpenAI": ".lib.bedrock", "DataResidency": "._credentials",
    "pydantic_responses_function_tool": ".lib.structured", "ComputerDriver": ".lib.computer",
    "ComputerToolset": ".lib.computer", "file_from_path": "._files", "VERSION": ".version",
    "DefaultHttpxClient": "._http_client", "DefaultHttpx2Client": "._http_client",
    "DEFAULT_CONNECTION_LIMITS": "._http_client", "NoneType": "._types",
    "ProxiesTypes": "._types", "RequestOptions": "._types", "override": "._types", "Transport": "._http_client",
}
# openai-python's asynchronous names: importable, failing on construction (this library is synchronous)
_LAZY.update((name, "._async") for name in (
    "AsyncOpenAI", "AsyncAzureOpenAI", "AsyncClient", "AsyncStream", "AsyncAPIResponse",
    "DefaultAsyncHttpxClient", "DefaultAsyncHttpx2Client", "DefaultAioHttpClient",
    "AsyncAssistantEventHandler", "AsyncComputerDriver", "AsyncComputerToolset"))

_ERRORS = (
    "OpenAIError", "APIError", "APIStatusError", "APIConnectionError", "APITimeoutError",
    "APIResponseValidationError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
    "NotFoundError", "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError",
    "LengthFinishReasonError", "ContentFilterFinishReasonError", "InvalidWebhookSignatureError",
    "OAuthError", "SubjectTokenProviderError", "WebSocketConnectionClosedError", "WebSocketQueueFullError",
)
_LAZY.update((name, "._exceptions") for name in _ERRORS)
# openai 0.28's module API (README "Coming from openai 0.28"); 1.x names win where they meet.
_LEGACY = (
    "ChatCompletion", "Completion", "Embedding", "Image", "Audio", "File", "FineTuningJob", "Moderation", "Model",
    "Edit", "FineTune", "Engine", "Customer", "Deployment", "ErrorObject",
)
_LAZY.update((name, "._legacy") for name in _LEGACY)
_LAZY["InvalidRequestError"] = ".error"
_LAZY.update(ReconnectingEvent="._websocket", ReconnectingOverrides="._websocket")
# Submodules reachable as attributes (``openai_lite.types.chat``, 0.28's ``openai_lite.error``),
# imported on first use.
_SUBMODULES = frozenset(("auth", "lib", "pagination", "providers", "resources", "types", "version",
                         "error", "util", "openai_object"))

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
bedrock_token_provider: Optional[Callable[[], str]] = None  # with api_type = "amazon-bedrock"
# openai 0.28's settings (read when a client is built; 1.x settings win where they say the same thing)
api_base: Optional[str] = None  # 0.28's name for base_url (the Azure endpoint with api_type="azure")
api_key_path: Optional[str] = None  # a file holding the key, read when api_key is unset
proxy: Union[str, Dict[str, str], None] = None  # one URL, or {"http": ..., "https": ...}
requestssession: Any = None  # a requests.Session, or a function returning one
log: Optional[str] = None  # "debug" or "info": log to stderr
debug: bool = False  # sends OpenAI-Debug: true
verify_ssl_certs: bool = True  # False is refused with a warning: certificates are always verified
# 0.28 settings with no effect (kept so that code assigning them runs; README says why)
ca_bundle_path: Optional[str] = None
app_info: Any = None
enable_telemetry: bool = False
aiosession: Any = None

_MODULE_RESOURCES = frozenset((
    "admin", "audio", "batches", "beta", "chat", "completions", "containers", "content_provenance_checks",
    "conversations", "decisions", "embeddings", "evals", "files", "fine_tuning", "images", "live", "models",
    "moderations", "realtime", "responses", "safety", "skills", "uploads", "vector_stores", "videos", "webhooks",
))

__all__ = sorted(list(_LAZY) + ["__version__", "__title__"])

_SETTINGS = frozenset((
    "api_key", "admin_api_key", "organization", "project", "webhook_secret", "base_url", "timeout", "max_retries",
    "default_headers", "default_query", "http_session", "http_client", "api_type", "api_version", "azure_endpoint",
    "azure_ad_token", "azure_ad_token_provider", "api_base", "api_key_path", "proxy", "requestssession", "log",
    "debug", "verify_ssl_certs", "ca_bundle_path", "app_info", "enable_telemetry", "aiosession",
))


class _Module(_ModuleType):
    """The package module: an assignment to a name that is no setting warns (a typo is never silent)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (name[:1] != "_" and name not in _SETTINGS and name not in self.__dict__ and name not in _LAZY
                and name not in _MODULE_RESOURCES and not isinstance(value, _ModuleType)):
            from ._module_client import warn_unknown_setting

            warn_unknown_setting(name, _SETTINGS)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Module


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        import importlib

        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module("." + name, __name__)
    if name in _MODULE_RESOURCES:
        from ._module_client import ModuleResource

        return ModuleResource(name)
    raise AttributeError("module 'openai_lite' has no attribute %r" % (name,))


def __dir__() -> Any:
    return sorted(set(globals()) | set(_LAZY) | _MODULE_RESOURCES | _SUBMODULES)
