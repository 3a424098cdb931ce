"""The module-level client: ``openai_lite.api_key = "..."; openai_lite.chat.completions.create(...)``.

A thin, lazy default: the client is built on first use from the module's attributes and
rebuilt when any of them changes, so tests and callers that reconfigure the module never
see a stale client. Explicit clients never read these attributes.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, Optional, Tuple

CONFIG_NAMES = (
    "api_key", "admin_api_key", "organization", "project", "webhook_secret", "base_url", "timeout",
    "max_retries", "default_headers", "default_query", "http_session", "http_client", "api_type", "api_version",
    "azure_endpoint", "azure_ad_token", "azure_ad_token_provider",
)

_lock = threading.Lock()
_client: Any = None
_snapshot: Optional[Tuple[Any, ...]] = None


def _config() -> Tuple[Any, ...]:
    module = sys.modules["openai_lite"]
    return tuple(getattr(module, name, None) for name in CONFIG_NAMES)


def load_client() -> Any:
    global _client, _snapshot
    snapshot = _config()
    client = _client
    if client is not None and snapshot == _snapshot:
        return client
    with _lock:
        if _client is None or snapshot != _snapshot:
            _client = _build(dict(zip(CONFIG_NAMES, snapshot)))
            _snapshot = snapshot
        return _client


def _build(cfg: dict) -> Any:
    from ._types import DEFAULT_MAX_RETRIES, NOT_GIVEN

    common = dict(
        organization=cfg["organization"], project=cfg["project"], webhook_secret=cfg["webhook_secret"],
        timeout=NOT_GIVEN if cfg["timeout"] is None else cfg["timeout"],
        max_retries=DEFAULT_MAX_RETRIES if cfg["max_retries"] is None else cfg["max_retries"],
        default_headers=cfg["default_headers"], default_query=cfg["default_query"],
        http_session=cfg["http_session"] or cfg["http_client"],
    )
    azure = cfg["api_type"] == "azure" or (cfg["api_type"] is None and cfg["azure_endpoint"] is not None)
    if azure:
        from ._azure import AzureOpenAI

        return AzureOpenAI(api_key=cfg["api_key"], api_version=cfg["api_version"],
                           azure_endpoint=cfg["azure_endpoint"], azure_ad_token=cfg["azure_ad_token"],
                           azure_ad_token_provider=cfg["azure_ad_token_provider"], base_url=cfg["base_url"],
                           **common)
    from ._client import OpenAI

    return OpenAI(api_key=cfg["api_key"], admin_api_key=cfg["admin_api_key"], base_url=cfg["base_url"], **common)


def reset() -> None:
    """Forget the module-level client (tests; after changing environment variables)."""
    global _client, _snapshot
    with _lock:
        _client = None
        _snapshot = None


class ModuleResource:
    """Stands for ``openai_lite.<resource>``: every attribute read goes to the current client."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(load_client(), self._name), attr)

    def __repr__(self) -> str:
        return "<module-level openai_lite.%s>" % self._name
