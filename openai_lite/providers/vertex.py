"""Google Vertex AI as a provider: ``OpenAI(provider=vertex(project="p", location="us-central1"))``.

The endpoint is ``https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/
publishers/openai/v1`` (``aiplatform.googleapis.com`` for ``location="global"``); ``project`` and
``location`` default to ``GOOGLE_CLOUD_PROJECT`` and ``GOOGLE_CLOUD_LOCATION``. Each attempt carries a
Google OAuth access token: from ``token_provider()`` (called per attempt), or from Google's Application
Default Credentials (or ``credentials=``) through google-auth, when it is installed (``pip install
google-auth``). Names and rules are openai-python's ``openai.providers.vertex``.
"""
from __future__ import annotations

import os
import re
import threading
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import urlsplit

import requests

from .._credentials import Provider, RequestCredentials
from .._exceptions import OpenAIError

__all__ = ["vertex", "VertexTokenProvider"]

VertexTokenProvider = Callable[[], str]
_CLOUD_PLATFORM_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
# Vertex owns authentication: these request headers would conflict with (or leak next to) its token.
_FORBIDDEN_HEADERS = ("authorization", "api-key", "openai-organization", "openai-project")


def _origin(url: str) -> Tuple[str, str, int]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80))


class VertexCredentials(RequestCredentials):
    """``Authorization: Bearer <Google access token>`` on every attempt, for the configured origin only."""

    name = "vertex"

    def __init__(self, base_url: str, token_provider: Optional[Callable[[], Any]], credentials: Any) -> None:
        self._origin = _origin(base_url)
        self._token_provider = token_provider
        self._given_credentials = credentials
        self._credentials: Any = None
        self._lock = threading.Lock()

    def headers_for(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        if _origin(prepared.url or "") != self._origin:
            raise OpenAIError("Refusing to send Vertex credentials outside the configured origin.")
        # (A custom Authorization header is refused by the client before the first attempt.)
        if any(name in prepared.headers for name in _FORBIDDEN_HEADERS[1:]):
            raise OpenAIError("Vertex owns authentication; remove OpenAI project/organization and custom "
                              "Authorization or api-key headers.")
        if self._token_provider is None:
            return self._google_headers(prepared)
        try:
            token = self._token_provider()
        except Exception:  # noqa: BLE001 - the provider's message may hold a secret: not shown
            raise OpenAIError("Vertex token provider failed.") from None
        if not isinstance(token, str) or not token.strip() or any(ord(c) < 33 or ord(c) > 126 for c in token):
            raise OpenAIError("Vertex token provider must return a nonempty bearer token suitable for an HTTP header.")
        return {"Authorization": "Bearer " + token}

    def _google_headers(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        with self._lock:  # one credential refresh at a time; google-auth caches the token until it expires
            try:
                import google.auth
                import google.auth.credentials
                from google.auth.transport.requests import Request
            except ImportError:
                raise OpenAIError("Google credentials for Vertex need google-auth (`pip install google-auth`); "
                                  "or pass token_provider= to vertex(...).") from None
            try:
                with requests.Session() as session:
                    transport = Request(session)
                    if self._credentials is None:
                        if self._given_credentials is None:
                            self._credentials, _ = google.auth.default(scopes=_CLOUD_PLATFORM_SCOPES,
                                                                       request=transport)
                        else:
                            self._credentials = google.auth.credentials.with_scopes_if_required(
                                self._given_credentials, scopes=_CLOUD_PLATFORM_SCOPES)
                    headers: Dict[str, str] = {}
                    self._credentials.before_request(transport, prepared.method, prepared.url, headers)
                    return {k: v for k, v in headers.items()}
            except Exception:  # noqa: BLE001 - credential errors can carry keys or request bodies
                raise OpenAIError("Vertex Google authentication failed. Check ADC, project access and credential "
                                  "expiry.") from None


class VertexProvider(Provider):
    name = "vertex"

    def __init__(self, base_url: str, token_provider: Optional[Callable[[], Any]], credentials: Any) -> None:
        self._base_url = base_url
        self._token_provider = token_provider
        self._google_credentials = credentials

    def configure(self) -> Tuple[str, RequestCredentials]:
        return self._base_url, VertexCredentials(self._base_url, self._token_provider, self._google_credentials)


def vertex(*, project: Optional[str] = None, location: Optional[str] = None, base_url: Optional[str] = None,
           token_provider: Optional[VertexTokenProvider] = None, credentials: Any = None) -> Provider:
    """Configure ``OpenAI(provider=...)`` for Google Vertex AI. An explicit ``base_url`` is the whole API root
    (before ``/responses``) and wins over ``project``/``location``."""
    if token_provider is not None and credentials is not None:
        raise OpenAIError("Set only one of credentials and token_provider.")
    if token_provider is not None and not callable(token_provider):
        raise TypeError("token_provider must be a callable returning an access token, not %s"
                        % type(token_provider).__name__)
    if base_url is None:
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT")
        location = location or os.environ.get("GOOGLE_CLOUD_LOCATION")
        # Legacy domain-scoped project ids have dots and a colon; no dot-only path segments.
        if not project or not re.fullmatch(r"[a-zA-Z0-9_-][a-zA-Z0-9_.:-]*", project):
            raise OpenAIError("Vertex requires a project ID (project or GOOGLE_CLOUD_PROJECT).")
        if not location or not re.fullmatch(r"[a-z0-9-]+", location):
            raise OpenAIError("Vertex requires a location (location or GOOGLE_CLOUD_LOCATION).")
        host = "aiplatform.googleapis.com" if location == "global" else "%s-aiplatform.googleapis.com" % location
        base_url = "https://%s/v1/projects/%s/locations/%s/publishers/openai/v1" % (host, project, location)
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username
            or parts.password or parts.query or parts.fragment):
        raise OpenAIError("Vertex base_url must be an HTTP(S) API root without credentials, query or fragment.")
    host = parts.hostname.rstrip(".")
    if parts.scheme != "https" and (host == "googleapis.com" or host.endswith(".googleapis.com")):
        raise OpenAIError("Google Vertex endpoints require HTTPS.")
    return VertexProvider(base_url.rstrip("/"), token_provider, credentials)
