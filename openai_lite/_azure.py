"""``AzureOpenAI``: the same client, with Azure's URLs, ``api-version`` and credentials.

- base URL: ``{azure_endpoint}/openai`` or ``{azure_endpoint}/openai/deployments/{azure_deployment}``;
  model endpoints called without a deployment in the URL are routed to
  ``/deployments/{model}/...`` as openai-python does;
- credentials: ``azure_ad_token_provider`` (called on every attempt, retries included), else
  ``azure_ad_token`` (``AZURE_OPENAI_AD_TOKEN``), sent as ``Authorization: Bearer``; else the key
  (``AZURE_OPENAI_API_KEY``) sent as ``api-key``.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Mapping, Optional

import requests

from ._client import (
    OpenAI, _check_base_url, _check_credential, _check_key, _check_mapping, _check_retries, _session_defaults,
    _session_from,
)
from ._exceptions import OpenAIError
from ._options import Call, ClientOptions, _Scrambled
from ._transport import DEFAULT_POOL_MAXSIZE, Transport
from ._types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN

__all__ = ["AzureOpenAI"]

_DEPLOYMENT_ENDPOINTS = frozenset((
    "/completions", "/chat/completions", "/embeddings", "/audio/transcriptions", "/audio/translations",
    "/audio/speech", "/images/generations", "/images/edits",
))


class AzureOpenAI(OpenAI):
    _api_version: str
    _azure_endpoint: Optional[str]
    _azure_deployment: Optional[str]
    _azure_ad_token: Optional[str]
    _azure_ad_token_provider: Optional[Callable[[], str]]

    def __init__(
        self,
        *,
        api_version: Optional[str] = None,
        azure_endpoint: Optional[str] = None,
        azure_deployment: Optional[str] = None,
        api_key: Optional[str] = None,
        admin_api_key: Optional[str] = None,
        workload_identity: Optional[Mapping[str, Any]] = None,
        azure_ad_token: Optional[str] = None,
        azure_ad_token_provider: Optional[Callable[[], str]] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        websocket_base_url: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_session: Optional[requests.Session] = None,
        http_client: Optional[requests.Session] = None,
        proxies: Optional[Mapping[str, str]] = None,
        verify: Any = None,
        cert: Any = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
    ) -> None:
        env = os.environ
        if workload_identity is not None:
            raise _azure_workload_identity_error()
        if api_key is None:
            api_key = env.get("AZURE_OPENAI_API_KEY")
        if azure_ad_token is None:
            azure_ad_token = env.get("AZURE_OPENAI_AD_TOKEN")
        if api_key is None and azure_ad_token is None and azure_ad_token_provider is None and _enforce_credentials:
            raise OpenAIError(
                "Missing credentials. Please pass one of `api_key`, `azure_ad_token`, `azure_ad_token_provider`, "
                "or the `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_AD_TOKEN` environment variables."
            )
        if api_version is None:
            api_version = env.get("OPENAI_API_VERSION")
        if api_version is None:
            raise ValueError(
                "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment variable"
            )
        if base_url is None:
            if azure_endpoint is None:
                azure_endpoint = env.get("AZURE_OPENAI_ENDPOINT")
            if azure_endpoint is None:
                raise ValueError(
                    "Must provide one of the `base_url` or `azure_endpoint` arguments, or the "
                    "`AZURE_OPENAI_ENDPOINT` environment variable"
                )
            base_url = azure_endpoint.rstrip("/") + "/openai"
            if azure_deployment is not None:
                base_url += "/deployments/" + azure_deployment
        elif azure_endpoint is not None:
            raise ValueError("base_url and azure_endpoint are mutually exclusive")

        _check_key(api_key, "api_key")
        if azure_ad_token is not None and not isinstance(azure_ad_token, str):
            raise TypeError("azure_ad_token must be a string (use azure_ad_token_provider for a callable)")
        if azure_ad_token_provider is not None and not callable(azure_ad_token_provider):
            raise TypeError("azure_ad_token_provider must be a callable returning a token")
        _check_mapping(default_headers, "default_headers")
        _check_mapping(default_query, "default_query")
        self._api_version = api_version
        self._azure_endpoint = azure_endpoint
        self._azure_deployment = azure_deployment
        self._azure_ad_token = azure_ad_token
        self._azure_ad_token_provider = azure_ad_token_provider
        _check_key(admin_api_key, "admin_api_key")
        session = _session_from(http_session, http_client)
        timeout, pool_maxsize = _session_defaults(session, timeout, pool_maxsize)
        options = ClientOptions(
            api_key=api_key,
            admin_api_key=admin_api_key,
            organization=organization if organization is not None else env.get("OPENAI_ORG_ID"),
            project=project if project is not None else env.get("OPENAI_PROJECT_ID"),
            webhook_secret=webhook_secret if webhook_secret is not None else env.get("OPENAI_WEBHOOK_SECRET"),
            base_url=_check_base_url(base_url),
            websocket_base_url=websocket_base_url,
            timeout=DEFAULT_TIMEOUT if timeout is NOT_GIVEN else timeout,
            max_retries=_check_retries(max_retries),
            default_headers=dict(default_headers or {}),
            default_query=dict(default_query or {}, **{"api-version": api_version}),
        )
        transport = Transport(session=session,
                              proxies=dict(proxies) if proxies is not None else None,
                              verify=verify, cert=cert, pool_maxsize=pool_maxsize)
        self._setup(options, transport)

    @property
    def api_version(self) -> str:
        return self._api_version

    def _auth_headers(self, auth: str) -> Dict[str, str]:
        token = self._azure_ad_token
        provider = self._azure_ad_token_provider
        if provider is not None:
            token = provider()
            if not isinstance(token, str) or not token:
                raise ValueError("Expected `azure_ad_token_provider` to return a non-empty string, got %r"
                                 % type(token).__name__)
        if token is not None:
            return {"Authorization": "Bearer " + _check_credential(token, "Azure AD token")}
        key = self._options.api_key
        if callable(key):
            key = key()
        if key:
            return {"api-key": _check_credential(key, "api_key")}
        if auth == "admin" and self._options.admin_api_key:
            return super()._auth_headers(auth)
        if key is None and token is None:
            return {}  # _enforce_credentials=False: the caller authenticates (default_headers...)
        raise OpenAIError("Unable to handle auth: no api_key or Azure AD token")

    def _auth_is_dynamic(self) -> bool:
        return self._azure_ad_token_provider is not None or callable(self._options.api_key)

    def _prepare(self, call: Call) -> requests.PreparedRequest:
        body = call.body
        if (call.url in _DEPLOYMENT_ENDPOINTS and isinstance(body, dict) and body.get("model")
                and "/deployments" not in self._base_url):
            call = call.replace(url="/deployments/%s%s" % (body["model"], call.url))
        return super()._prepare(call)

    def _check_copy_auth(self, provider: Any, data_residency: Any, workload_identity: Any) -> None:
        if data_residency is not None:
            raise OpenAIError("`data_residency` is only supported by OpenAI clients (an Azure resource's region is "
                              "its endpoint)")
        if provider is not NOT_GIVEN:
            raise OpenAIError("Configure `provider` on `OpenAI`, not on `AzureOpenAI.with_options()`.")
        if workload_identity is not None:
            raise _azure_workload_identity_error()
    def _extra_secrets(self) -> List[str]:
        return [self._azure_ad_token] if isinstance(self._azure_ad_token, str) else []

    def _copy_extra(self, clone: OpenAI) -> None:
        for name, value in self._azure_state().items():
            setattr(clone, name, value)

    def _azure_state(self) -> Dict[str, Any]:
        return {
            "_api_version": self._api_version, "_azure_endpoint": self._azure_endpoint,
            "_azure_deployment": self._azure_deployment, "_azure_ad_token": self._azure_ad_token,
            "_azure_ad_token_provider": self._azure_ad_token_provider,
        }

    def _pickle_extra(self) -> Dict[str, Any]:
        state = self._azure_state()
        state["_azure_ad_token"] = _Scrambled.wrap(state["_azure_ad_token"])
        return state


def _azure_workload_identity_error() -> OpenAIError:
    # openai-python accepts the keyword on Azure clients and does nothing with it; silence would hide that.
    return OpenAIError("workload_identity is not supported by AzureOpenAI: an Azure OpenAI resource authenticates "
                       "with api_key, azure_ad_token or azure_ad_token_provider (for a managed identity, pass an "
                       "azure_ad_token_provider that returns its Microsoft Entra token)")
