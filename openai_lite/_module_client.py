"""The module-level client: ``openai_lite.api_key = "..."; openai_lite.chat.completions.create(...)``.

A thin, lazy default: the client is built on first use from the module's attributes and
rebuilt when any of them changes, so tests and callers that reconfigure the module never
see a stale client. Explicit clients never read these attributes.

openai 0.28's settings are read here too (``api_base``, ``api_key_path``, ``proxy``,
``requestssession``, ``api_type`` "open_ai"/"azure"/"azure_ad", ``log``, ``debug``); where a 1.x
setting says the same thing it wins (``base_url`` over ``api_base``). The 0.28-style API
(``openai_lite.ChatCompletion`` ...) gets its own client (``legacy_client``), which also reads
the environment variables 0.28 read (``OPENAI_API_BASE``, ``OPENAI_API_KEY_PATH``,
``OPENAI_ORGANIZATION``) after the 1.x ones.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Any, Dict, Optional, Tuple

CONFIG_NAMES = (
    "api_key", "admin_api_key", "organization", "project", "webhook_secret", "base_url", "timeout",
    "max_retries", "default_headers", "default_query", "http_session", "http_client", "api_type", "api_version",
    "azure_endpoint", "azure_ad_token", "azure_ad_token_provider", "bedrock_token_provider",
    # openai 0.28's settings
    "api_base", "api_key_path", "proxy", "requestssession", "log", "debug", "verify_ssl_certs",
)
# 0.28 settings kept so that code setting them runs, with no effect today (README says why).
INERT_NAMES = ("ca_bundle_path", "app_info", "enable_telemetry", "aiosession")

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


_API_TYPES = {"openai": "openai", "open_ai": "openai", "azure": "azure", "azure_ad": "azure_ad", "azuread": "azure_ad",
              "amazon-bedrock": "amazon-bedrock"}
# What 0.28 sent when an Azure caller gave no api_version.
LEGACY_AZURE_API_VERSION = "2023-05-15"


def _api_type(cfg: dict, legacy: bool = False) -> str:
    value = cfg["api_type"]
    if value is None:
        value = os.environ.get("OPENAI_API_TYPE")
    if value is None and legacy:
        return "azure" if cfg["azure_endpoint"] is not None else "openai"
    if value is None:
        return _detected_api_type(cfg)
    kind = _API_TYPES.get(str(value).lower())
    if kind is None:
        from .error import InvalidAPIType

        raise InvalidAPIType("openai_lite.api_type must be one of 'openai' ('open_ai'), 'azure', 'azure_ad' or "
                             "'amazon-bedrock', "
                             "got %r" % (value,))
    return kind


def _detected_api_type(cfg: dict) -> str:
    """openai-python 1.x's choice when no api_type is set: Azure when Azure credentials are about
    (the module's or the environment's), OpenAI otherwise, and an error when both kinds are."""
    env = os.environ
    azure = (cfg["azure_endpoint"] is not None or env.get("AZURE_OPENAI_ENDPOINT") is not None
             or env.get("AZURE_OPENAI_API_KEY") is not None or env.get("AZURE_OPENAI_AD_TOKEN") is not None
             or cfg["azure_ad_token"] is not None or cfg["azure_ad_token_provider"] is not None)
    if azure and env.get("OPENAI_API_KEY") is not None:
        from ._exceptions import OpenAIError

        raise OpenAIError("Ambiguous use of module client: both OPENAI_API_KEY and Azure OpenAI settings are set; "
                          "set `openai_lite.api_type` or the `OPENAI_API_TYPE` environment variable to `openai` "
                          "or `azure`")
    return "azure" if azure else "openai"


def _checked_url(value: Any, name: str) -> Any:
    """A URL setting with a scheme and a host; the error names the setting and the value."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("%s must be an absolute http:// or https:// URL with a host, got %r" % (name, value))
    return value


def _read_key(path: str) -> str:
    with open(path, "rt") as handle:
        key = handle.read().strip()
    if not key:
        raise ValueError("The API key file %s is empty" % (path,))
    return key


def _proxies(proxy: Any) -> Optional[Dict[str, str]]:
    if proxy is None:
        return None
    if isinstance(proxy, str):
        return {"http": proxy, "https": proxy}
    if isinstance(proxy, dict):
        return dict(proxy)
    raise TypeError("openai_lite.proxy must be a URL string or a dict with 'http' and/or 'https' URLs, not %s"
                    % type(proxy).__name__)


def _session(cfg: dict) -> Any:
    session = cfg["http_session"] or cfg["http_client"]
    if session is None and cfg["requestssession"] is not None:
        import requests

        session = cfg["requestssession"]
        if not isinstance(session, requests.Session):
            session = session()  # 0.28: a Session or a factory returning one
    return session


def _build(cfg: dict, legacy: bool = False) -> Any:
    from ._types import DEFAULT_MAX_RETRIES, NOT_GIVEN

    env = os.environ
    kind = _api_type(cfg, legacy)
    if cfg["log"] is not None:
        from ._logging import console_log

        console_log(cfg["log"])
    if cfg["verify_ssl_certs"] is False:
        import warnings

        warnings.warn("openai_lite.verify_ssl_certs = False is ignored: certificates are always verified "
                      "(as in openai 0.28); give a CA bundle with OpenAI(verify=...) instead", stacklevel=3)
    headers = cfg["default_headers"]
    if cfg["debug"]:
        headers = dict(headers or {}, **{"OpenAI-Debug": "true"})  # what 0.28 sent for openai.debug
    api_key = cfg["api_key"]
    key_path = cfg["api_key_path"] or (env.get("OPENAI_API_KEY_PATH") if legacy else None)
    if api_key is None and key_path:
        api_key = _read_key(key_path)
    organization = cfg["organization"]
    if organization is None and legacy and not env.get("OPENAI_ORG_ID"):
        organization = env.get("OPENAI_ORGANIZATION")
    base_url = _checked_url(cfg["base_url"], "openai_lite.base_url")
    api_base = _checked_url(cfg["api_base"], "openai_lite.api_base")
    if api_base is None and legacy and not env.get("OPENAI_BASE_URL"):
        api_base = _checked_url(env.get("OPENAI_API_BASE"), "OPENAI_API_BASE")
    common = dict(
        organization=organization, project=cfg["project"], webhook_secret=cfg["webhook_secret"],
        timeout=NOT_GIVEN if cfg["timeout"] is None else cfg["timeout"],
        max_retries=DEFAULT_MAX_RETRIES if cfg["max_retries"] is None else cfg["max_retries"],
        default_headers=headers, default_query=cfg["default_query"], http_session=_session(cfg),
        proxies=_proxies(cfg["proxy"]),
    )
    if kind == "amazon-bedrock":
        from .lib.bedrock import BedrockOpenAI

        # region from AWS_REGION / AWS_DEFAULT_REGION, as openai-python's module client does
        return BedrockOpenAI(api_key=api_key, bedrock_token_provider=cfg["bedrock_token_provider"],
                             base_url=base_url or api_base, **common)
    if kind != "openai":
        from ._azure import AzureOpenAI

        token = cfg["azure_ad_token"]
        if kind == "azure_ad" and token is None and cfg["azure_ad_token_provider"] is None:
            token, api_key = api_key, None  # 0.28's azure_ad: the key setting holds the AD token
            if token is None and legacy and not env.get("AZURE_OPENAI_AD_TOKEN"):
                token = env.get("OPENAI_API_KEY")
        elif api_key is None and legacy:
            api_key = env.get("AZURE_OPENAI_API_KEY") or env.get("OPENAI_API_KEY")  # 0.28 read the latter
        endpoint = cfg["azure_endpoint"]
        if endpoint is None and base_url is None:
            endpoint = api_base  # 0.28's api_base was the Azure resource's endpoint
        api_version = cfg["api_version"]
        if api_version is None and legacy and not env.get("OPENAI_API_VERSION"):
            api_version = LEGACY_AZURE_API_VERSION
        _check_legacy_key(legacy, api_key or token or cfg["azure_ad_token_provider"])
        return AzureOpenAI(api_key=api_key, api_version=api_version, azure_endpoint=endpoint,
                           azure_ad_token=token, azure_ad_token_provider=cfg["azure_ad_token_provider"],
                           base_url=base_url, **common)
    from ._client import OpenAI

    _check_legacy_key(legacy, api_key or cfg["admin_api_key"] or env.get("OPENAI_API_KEY"))
    return OpenAI(api_key=api_key, admin_api_key=cfg["admin_api_key"], base_url=base_url or api_base, **common)


def _check_legacy_key(legacy: bool, key: Any) -> None:
    if legacy and not key:
        from .error import AuthenticationError

        raise AuthenticationError(
            "No API key provided. Set openai_lite.api_key = <API-KEY>, or the environment variable "
            "OPENAI_API_KEY, or point openai_lite.api_key_path at a file holding the key.")


_legacy_lock = threading.Lock()
_legacy_clients: Dict[Tuple[Any, ...], Any] = {}
_LEGACY_CACHE_SIZE = 16


def legacy_client(overrides: Optional[Dict[str, Any]] = None) -> Any:
    """The client behind the 0.28-style API: the module settings with a call's own ``api_key=``,
    ``api_base=``, ``api_type=``, ``api_version=``, ``organization=`` over them.

    Clients are kept per distinct settings (a few), so calls with the same settings share one
    connection pool; a call's own key or organization is applied with ``with_options``, which
    shares the pool too.
    """
    cfg = dict(zip(CONFIG_NAMES, _config()))
    per_call: Dict[str, Any] = {}
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name == "api_base":
            cfg["api_base"], cfg["base_url"], cfg["azure_endpoint"] = value, None, None
        elif name in ("api_key", "organization"):
            per_call[name] = value
        else:
            cfg[name] = value
    if "api_key" in per_call and _api_type(cfg, legacy=True) == "azure_ad":
        cfg["api_key"] = per_call.pop("api_key")  # an AD token is set at construction
    key = (_api_type(cfg, legacy=True),) + tuple(cfg[name] for name in CONFIG_NAMES)
    client = _legacy_clients.get(key)
    if client is None:
        with _legacy_lock:
            client = _legacy_clients.get(key)
            if client is None:
                if cfg["api_key"] is None and "api_key" in per_call:
                    # no key of the module's own: build with this call's (later calls bring theirs)
                    cfg = dict(cfg, api_key=per_call["api_key"])
                client = _build(cfg, legacy=True)
                if len(_legacy_clients) >= _LEGACY_CACHE_SIZE:
                    _legacy_clients.clear()  # settings that change all the time: do not hoard pools
                _legacy_clients[key] = client
    if per_call:
        client = client.with_options(**per_call)
    return client


def reset() -> None:
    """Forget the module-level client (tests; after changing environment variables)."""
    global _client, _snapshot
    with _lock:
        _client = None
        _snapshot = None
    with _legacy_lock:
        _legacy_clients.clear()


def warn_unknown_setting(name: str, settings: Any) -> None:
    """``openai_lite.<name> = ...`` for a name openai_lite does not read: say so, with the close match."""
    import difflib
    import warnings

    close = difflib.get_close_matches(name, sorted(settings), n=1)
    hint = "; did you mean openai_lite.%s?" % close[0] if close else ""
    warnings.warn("openai_lite.%s is not a setting openai_lite reads: the value is kept as an attribute but "
                  "changes nothing%s" % (name, hint), UserWarning, stacklevel=3)


class ModuleResource:
    """Stands for ``openai_lite.<resource>``: every attribute read goes to the current client."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(load_client(), self._name), attr)

    def __repr__(self) -> str:
        return "<module-level openai_lite.%s>" % self._name
