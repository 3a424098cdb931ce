"""Credentials that are more than a key: what the request funnel asks of them, and the regional endpoints.

The client's funnel (``OpenAI._execute``) calls one ``RequestCredentials`` object, when the client has
one (workload identity, a provider such as Bedrock):

- ``headers_for(prepared)`` once the request is prepared, and again before every retry: the headers
  that authenticate this attempt (a bearer token, or a SigV4 signature over the final request);
- ``retry_unauthorized(prepared)`` when the answer is 401: True sends the request once more (the
  stale token was dropped), False gives the 401 to the caller.

Built from the client's options by ``build_credentials``; each kind lives in its own module
(``auth`` for workload identity, ``providers.bedrock`` for Amazon Bedrock).
"""
from __future__ import annotations

import os
from typing import Any, Dict, Literal, Optional, Tuple

import requests

from ._exceptions import OpenAIError

__all__ = ["RequestCredentials", "Provider", "DataResidency", "DATA_RESIDENCY_BASE_URLS", "resolve_data_residency"]

DataResidency = Literal["global", "us", "eu", "ae", "au", "in", "jp"]

DATA_RESIDENCY_BASE_URLS = {
    "global": "https://api.openai.com/v1",
    "us": "https://us.api.openai.com/v1",
    "eu": "https://eu.api.openai.com/v1",
    "ae": "https://ae.api.openai.com/v1",
    "au": "https://au.api.openai.com/v1",
    "in": "https://in.api.openai.com/v1",
    "jp": "https://jp.api.openai.com/v1",
}


def resolve_data_residency(data_residency: Any, base_url: Any, websocket_base_url: Any, provider: Any,
                           workload_identity: Any) -> Optional[str]:
    """The base URL ``data_residency`` names (None when it is not set); it excludes an explicit
    ``base_url``, ``websocket_base_url`` or ``provider``, as in openai-python."""
    if data_residency is None:
        return None
    if base_url is not None:
        raise ValueError("The `data_residency` and `base_url` arguments are mutually exclusive")
    if websocket_base_url is not None:
        raise ValueError("The `data_residency` and `websocket_base_url` arguments are mutually exclusive")
    if provider is not None:
        raise OpenAIError("The `data_residency` and `provider` arguments are mutually exclusive")
    if not isinstance(data_residency, str) or data_residency not in DATA_RESIDENCY_BASE_URLS:
        raise ValueError("Invalid `data_residency` %r; expected one of %s"
                         % (data_residency, ", ".join(repr(k) for k in DATA_RESIDENCY_BASE_URLS)))
    from .auth import MTLS_REGIONAL_BASE_URLS, is_x509

    if is_x509(workload_identity):
        if data_residency not in MTLS_REGIONAL_BASE_URLS:
            raise OpenAIError("X.509 workload identity has no mTLS endpoint for data_residency=%r (only %s)"
                              % (data_residency, ", ".join(repr(k) for k in MTLS_REGIONAL_BASE_URLS)))
        return MTLS_REGIONAL_BASE_URLS[data_residency]
    return DATA_RESIDENCY_BASE_URLS[data_residency]


class RequestCredentials:
    """Authenticates each attempt of a request; see the module docstring."""

    #: The name ``OpenAI(provider=...)`` errors use ("bedrock"), or "workload_identity".
    name = "credentials"

    def headers_for(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        raise NotImplementedError

    def retry_unauthorized(self, prepared: requests.PreparedRequest) -> bool:
        return False

    def __repr__(self) -> str:
        return "<%s>" % type(self).__name__


class Provider:
    """What a provider factory (``openai_lite.providers.bedrock(...)``) returns, for ``OpenAI(provider=...)``.

    Opaque: its settings (credentials among them) are not shown. ``configure()`` gives the base URL
    and the ``RequestCredentials`` of one client.
    """

    name = "provider"

    def configure(self) -> Tuple[str, RequestCredentials]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return "<openai_lite provider %r>" % (self.name,)


class WorkloadCredentials(RequestCredentials):
    """A workload identity's access token as the bearer of every attempt; one exchange more on a 401."""

    name = "workload_identity"

    def __init__(self, auth: Any) -> None:
        self.auth = auth  # openai_lite.auth.WorkloadIdentityAuth

    def headers_for(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        return {"Authorization": "Bearer " + self.auth.get_token()}

    def retry_unauthorized(self, prepared: requests.PreparedRequest) -> bool:
        used = prepared.headers.get("Authorization") or ""
        if used.startswith("Bearer "):
            self.auth.invalidate_token(used[len("Bearer "):])
        return True


def workload_credentials(identity: Any, session: requests.Session, settings: Any) -> WorkloadCredentials:
    from .auth import WorkloadIdentityAuth, is_x509

    # The exchange uses the client's connection settings: its proxies and CA bundle, and for X.509 its
    # client certificate (the credential itself).
    auth = WorkloadIdentityAuth(workload_identity=dict(identity), settings=settings)
    if is_x509(identity) and not _has_client_cert(session, settings(auth.token_exchange_url)):
        raise OpenAIError("X.509 workload identity needs a client certificate on the client's connection: pass "
                          "cert=(certfile, keyfile) to OpenAI(...) or use an http_client session with .cert set")
    return WorkloadCredentials(auth)


def _has_client_cert(session: requests.Session, settings: Dict[str, Any]) -> bool:
    return bool(settings.get("cert") or session.cert)


def resolve_client_auth(*, api_key: Any, admin_api_key: Any, workload_identity: Any, provider: Any, base_url: Any,
                        data_residency: Any, websocket_base_url: Any, organization: Any,
                        project: Any) -> Tuple[Any, Any, Any, Any, Any]:
    """``OpenAI(...)``'s keys, base URL, organization and project when ``workload_identity``, ``provider``
    or ``data_residency`` is given (openai-python's rules: a provider brings its own authentication and
    URL; a workload identity replaces the API key)."""
    env = os.environ
    residency_url = resolve_data_residency(data_residency, base_url, websocket_base_url, provider, workload_identity)
    if provider is not None:
        if not isinstance(provider, Provider):
            raise OpenAIError("Invalid provider %r: providers must be created by a provider factory such as "
                              "openai_lite.providers.bedrock(...)." % (type(provider).__name__,))
        conflicts = [name for name, value in (("api_key", api_key), ("admin_api_key", admin_api_key),
                                              ("workload_identity", workload_identity), ("base_url", base_url))
                     if value is not None]
        if conflicts:
            raise OpenAIError("`provider` cannot be combined with top-level %s. Move provider authentication and "
                              "routing options into `%s(...)`." % (", ".join("`%s`" % n for n in conflicts),
                                                                   provider.name))
        # The URL comes from the provider (build_credentials); OpenAI organization/project variables do not apply.
        return None, None, "https://provider.invalid", organization, project
    if workload_identity is not None:
        from .auth import MTLS_API_BASE_URL, _check_identity, is_x509

        if api_key is not None:
            raise OpenAIError("The `api_key` and `workload_identity` arguments are mutually exclusive")
        _check_identity(workload_identity)
        if admin_api_key is None:
            admin_api_key = env.get("OPENAI_ADMIN_KEY")
        if base_url is None:
            base_url = residency_url or env.get("OPENAI_BASE_URL") or (
                MTLS_API_BASE_URL if is_x509(workload_identity) else None)
        if is_x509(workload_identity) and not str(base_url or "").lower().startswith("https://"):
            raise OpenAIError("X.509 workload identity requires an absolute HTTPS API URL")
        return None, admin_api_key, base_url, organization, project
    if api_key is None:
        api_key = env.get("OPENAI_API_KEY")
    if admin_api_key is None:
        admin_api_key = env.get("OPENAI_ADMIN_KEY")
    return api_key, admin_api_key, residency_url, organization, project


def build_credentials(options: Any, transport: Any) -> Tuple[Any, RequestCredentials]:
    """The credentials hook of a client (and its options, with the provider's base URL)."""
    if options.provider is not None:
        base_url, creds = options.provider.configure()
        return options._replace(base_url=base_url.rstrip("/")), creds
    return options, workload_credentials(options.workload_identity, transport.session, transport.settings_for)


def copy_auth_changes(changes: Dict[str, Any], old: Any, *, api_key: Any, admin_api_key: Any, workload_identity: Any,
                      provider: Any, base_url: Any, data_residency: Any, websocket_base_url: Any) -> None:
    """``client.copy(...)`` / ``with_options(...)``: the options a copy gets when it changes (or keeps) a
    provider, a workload identity or a data residency; ``changes`` is updated in place."""
    from ._types import NOT_GIVEN

    next_provider = old.provider if provider is NOT_GIVEN else provider
    if next_provider is not None:
        if not isinstance(next_provider, Provider):
            raise OpenAIError("Invalid provider %r: providers must be created by a provider factory such as "
                              "openai_lite.providers.bedrock(...)." % (type(next_provider).__name__,))
        conflicts = [name for name, value in (("api_key", api_key), ("admin_api_key", admin_api_key),
                                              ("workload_identity", workload_identity), ("base_url", base_url))
                     if value is not None]
        if conflicts:
            raise OpenAIError("`provider` cannot be combined with %s. Move provider authentication and routing options "
                              "into `%s(...)`." % (", ".join("`%s`" % n for n in conflicts), next_provider.name))
        if data_residency is not None:
            raise OpenAIError("The `data_residency` and `provider` arguments are mutually exclusive")
        changes.update(api_key=None, admin_api_key=None, workload_identity=None, provider=next_provider,
                       data_residency=None)
        if next_provider is not old.provider:  # another provider: the old one's organization/project do not carry
            changes.update(organization=None, project=None)
        return
    changes["provider"] = None
    if workload_identity is not None:
        from .auth import _check_identity

        if api_key is not None:
            raise OpenAIError("The `api_key` and `workload_identity` arguments are mutually exclusive")
        _check_identity(workload_identity)
        changes.update(workload_identity=dict(workload_identity), api_key=None)
    elif api_key is not None:
        changes["workload_identity"] = None  # a key replaces the workload identity
    if old.provider is not None:
        # Leaving a provider: back to OpenAI's own key and URL.
        env = os.environ
        if changes["api_key"] is None and changes["workload_identity"] is None:
            changes["api_key"] = env.get("OPENAI_API_KEY")
        if changes["admin_api_key"] is None:
            changes["admin_api_key"] = env.get("OPENAI_ADMIN_KEY")
        if changes["api_key"] is None and changes["admin_api_key"] is None and changes["workload_identity"] is None:
            raise OpenAIError("copy(provider=None) needs an api_key (or OPENAI_API_KEY) or a workload_identity")
        if base_url is None:
            changes["base_url"] = (env.get("OPENAI_BASE_URL") or DATA_RESIDENCY_BASE_URLS["global"]).rstrip("/")
    if data_residency is not None:
        changes["base_url"] = resolve_data_residency(data_residency, base_url, websocket_base_url, None,
                                                     changes["workload_identity"])
        changes["websocket_base_url"] = None
        changes["data_residency"] = data_residency
