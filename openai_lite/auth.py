"""Workload identity: short-lived OpenAI access tokens instead of a long-lived API key.

``OpenAI(workload_identity={...})`` exchanges a token your platform already gives the workload
(a Kubernetes service-account token, an Azure managed-identity token, a GCP identity token, or
anything a function of yours returns) for an OpenAI access token, by OAuth 2.0 token exchange
(RFC 8693) at ``https://auth.openai.com/oauth/token``; an X.509 identity exchanges the client
certificate of the client's own connection instead (``x509_workload_identity``).

The access token is cached and shared by every thread of the client, exchanged again shortly
before it expires (``refresh_buffer_seconds``, 20 minutes by default, at most half its lifetime),
and once more when the API answers 401 to it. Tokens never appear in logs, reprs or errors.

Names and shapes are openai-python's (``openai.auth``).
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Dict, Literal, Optional, Tuple, TypedDict

import requests

from ._exceptions import OAuthError, OpenAIError, SubjectTokenProviderError
from ._logging import log

__all__ = [
    "SubjectTokenProvider",
    "WorkloadIdentity",
    "SubjectTokenWorkloadIdentity",
    "X509WorkloadIdentity",
    "WorkloadIdentityAuth",
    "x509_workload_identity",
    "k8s_service_account_token_provider",
    "azure_managed_identity_token_provider",
    "gcp_id_token_provider",
]


TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
DEFAULT_TOKEN_EXCHANGE_URL = "https://auth.openai.com/oauth/token"
DEFAULT_REFRESH_BUFFER_SECONDS = 1200.0
SUBJECT_TOKEN_TYPES = {
    "jwt": "urn:ietf:params:oauth:token-type:jwt",
    "id": "urn:ietf:params:oauth:token-type:id_token",
}
# X.509: the certificate of the TLS connection is the subject; issuer and API are the mTLS hosts.
X509_SUBJECT_TOKEN_TYPE = "urn:openai:params:oauth:token-type:x509"
X509_TOKEN_EXCHANGE_URL = "https://mtls.auth.openai.com/oauth/token"
MTLS_API_BASE_URL = "https://mtls.api.openai.com/v1"
MTLS_REGIONAL_BASE_URLS = {
    "global": MTLS_API_BASE_URL,
    "us": "https://mtls-us.api.openai.com/v1",
    "eu": "https://mtls-eu.api.openai.com/v1",
}

EXCHANGE_TIMEOUT = 10.0
# After a failed refresh while the old token is still valid: try again this much later, not on every call.
_RETRY_REFRESH_AFTER = 0.5

K8S_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token"
AZURE_IMDS_TOKEN_URL = "http://169.254.169.254/metadata/identity/oauth2/token"
GCP_IDENTITY_URL = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity"


class SubjectTokenProvider(TypedDict):
    """Where the subject token comes from: ``get_token()`` returns it, ``token_type`` says what it is
    (``"jwt"`` or ``"id"``)."""

    token_type: Literal["jwt", "id"]
    get_token: Callable[[], str]


class _WorkloadIdentityRequired(TypedDict):
    identity_provider_id: str
    service_account_id: str
    provider: SubjectTokenProvider


class WorkloadIdentity(_WorkloadIdentityRequired, total=False):
    """A subject-token workload identity: the identity provider and service account registered with
    OpenAI, the ``provider`` of the subject token, and optionally ``refresh_buffer_seconds``."""

    refresh_buffer_seconds: float


SubjectTokenWorkloadIdentity = WorkloadIdentity


class _X509Required(TypedDict):
    type: Literal["x509"]
    identity_provider_id: str
    service_account_id: str


class X509WorkloadIdentity(_X509Required, total=False):
    """An X.509 workload identity: the client certificate configured on the client's connection
    (``cert=`` or the session's) is the credential."""

    refresh_buffer_seconds: float


def x509_workload_identity(*, identity_provider_id: str, service_account_id: str,
                           refresh_buffer_seconds: Optional[float] = None) -> X509WorkloadIdentity:
    """An X.509 workload identity configuration (no certificate material passes through here)."""
    identity: Dict[str, Any] = {"type": "x509", "identity_provider_id": identity_provider_id,
                                "service_account_id": service_account_id}
    if refresh_buffer_seconds is not None:
        identity["refresh_buffer_seconds"] = refresh_buffer_seconds
    return identity  # type: ignore[return-value]


def is_x509(identity: Any) -> bool:
    return isinstance(identity, dict) and identity.get("type") == "x509"


# -- subject-token providers --------------------------------------------------------------------------


# The ``get_token`` of each provider below is a small class, not a closure, so that a client configured
# with it pickles (worker processes) like any other client.


class _TokenFile:
    def __init__(self, path: Any) -> None:
        self.path = path

    def __call__(self) -> str:
        try:
            with open(self.path, "r") as f:
                token = f.read().strip()
        except OSError as exc:
            raise SubjectTokenProviderError("Failed to read the token file at %s: %s" % (self.path, exc)) from exc
        if not token:
            raise SubjectTokenProviderError("The token file at %s is empty." % (self.path,))
        return token

    def __repr__(self) -> str:
        return "<token file %s>" % (self.path,)


def k8s_service_account_token_provider(token_file_path: Any = K8S_TOKEN_PATH) -> SubjectTokenProvider:
    """The projected service-account token Kubernetes mounts into the pod (read on every exchange:
    the kubelet rotates the file)."""
    return {"token_type": "jwt", "get_token": _TokenFile(token_file_path)}


class _MetadataToken:
    """One GET to a cloud metadata service; ``read(response)`` takes the token out of its answer."""

    what = "subject token"
    url = ""

    def __init__(self, params: Dict[str, str], headers: Dict[str, str], timeout: float,
                 http_client: Optional[requests.Session]) -> None:
        self.params = params
        self.headers = headers
        self.timeout = timeout
        self.http_client = http_client

    def __call__(self) -> str:
        session = self.http_client if self.http_client is not None else requests.Session()
        try:
            response = session.get(self.url, params=self.params, headers=self.headers, timeout=self.timeout,
                                   allow_redirects=False)
            response.content  # read it whole while the session is open
        except requests.RequestException as exc:
            raise SubjectTokenProviderError("Failed to fetch %s: %s" % (self.what, type(exc).__name__)) from exc
        finally:
            if self.http_client is None:
                session.close()
        if response.status_code >= 400:
            raise SubjectTokenProviderError("Failed to fetch %s: HTTP %d" % (self.what, response.status_code),
                                            response=response)
        return self.read(response)

    def read(self, response: requests.Response) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return "<%s from %s>" % (self.what, self.url)


class _AzureIMDSToken(_MetadataToken):
    what = "Azure subject token from IMDS"
    url = AZURE_IMDS_TOKEN_URL

    def read(self, response: requests.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise SubjectTokenProviderError("Azure IMDS response did not include an access_token", response=response)
        return token


class _GCPIdentityToken(_MetadataToken):
    what = "GCP subject token from metadata server"
    url = GCP_IDENTITY_URL

    def read(self, response: requests.Response) -> str:
        token = response.text.strip()
        if not token:
            raise SubjectTokenProviderError("GCP metadata server returned an empty token", response=response)
        return token


def azure_managed_identity_token_provider(
    resource: str = "https://management.azure.com/",
    *,
    object_id: Optional[str] = None,
    client_id: Optional[str] = None,
    msi_res_id: Optional[str] = None,
    api_version: str = "2018-02-01",
    timeout: float = 10.0,
    http_client: Optional[requests.Session] = None,
) -> SubjectTokenProvider:
    """An Azure managed-identity token from the instance metadata service (IMDS). ``object_id``,
    ``client_id`` or ``msi_res_id`` pick one identity when several are assigned; ``http_client`` is a
    ``requests.Session`` to send with (a fresh one per fetch otherwise)."""
    params = {"api-version": api_version, "resource": resource}
    for name, value in (("object_id", object_id), ("client_id", client_id), ("msi_res_id", msi_res_id)):
        if value is not None:
            params[name] = value
    return {"token_type": "jwt",
            "get_token": _AzureIMDSToken(params, {"Metadata": "true"}, timeout, http_client)}


def gcp_id_token_provider(
    audience: str = "https://api.openai.com/v1",
    *,
    timeout: float = 10.0,
    http_client: Optional[requests.Session] = None,
) -> SubjectTokenProvider:
    """A Google identity token for ``audience`` from the GCE metadata server; ``http_client`` is a
    ``requests.Session`` to send with (a fresh one per fetch otherwise)."""
    return {"token_type": "id",
            "get_token": _GCPIdentityToken({"audience": audience}, {"Metadata-Flavor": "Google"}, timeout, http_client)}


# -- the token cache and exchange -------------------------------------------------------------------------


def _check_identity(identity: Any) -> None:
    if not isinstance(identity, dict):
        raise TypeError("workload_identity must be a dict (WorkloadIdentity or X509WorkloadIdentity), not %s"
                        % type(identity).__name__)
    for name in ("identity_provider_id", "service_account_id"):
        if not isinstance(identity.get(name), str) or not identity[name]:
            raise OpenAIError("workload_identity needs a non-empty %r" % (name,))
    buffer = identity.get("refresh_buffer_seconds")
    if buffer is not None and (isinstance(buffer, bool) or not isinstance(buffer, (int, float))
                               or not 0 <= buffer < float("inf")):
        raise OpenAIError("workload_identity 'refresh_buffer_seconds' must be a finite number >= 0")
    if is_x509(identity):
        extra = set(identity) - {"type", "identity_provider_id", "service_account_id", "refresh_buffer_seconds"}
        if extra:
            raise OpenAIError("X.509 workload identity accepts only identity IDs and an optional refresh buffer, "
                              "not %s" % ", ".join(sorted(extra)))
        return
    provider = identity.get("provider")
    if not isinstance(provider, dict) or not callable(provider.get("get_token")):
        raise OpenAIError("Invalid `workload_identity` configuration: expected an X.509 identity "
                          "(type='x509') or a 'provider' with a callable 'get_token'")
    if provider.get("token_type") not in SUBJECT_TOKEN_TYPES:
        raise OpenAIError("Unsupported token type: %r. Supported types: %s"
                          % (provider.get("token_type"), ", ".join(SUBJECT_TOKEN_TYPES)))


class WorkloadIdentityAuth:
    """Exchanges and caches the access token of one workload identity; safe to share between threads.

    ``get_token()`` answers from the cache while the token is fresh; one thread exchanges a new one
    when it is due (the others keep using the old one while it is still valid, or wait when it is not).
    ``settings(url)`` gives the proxies, CA bundle and client certificate to exchange with (the client
    passes its own, so ``proxies=``, ``verify=`` and ``cert=`` apply to the issuer too); without it the
    environment's apply.
    """

    def __init__(self, *, workload_identity: Any, token_exchange_url: Optional[str] = None,
                 settings: Optional[Callable[[str], Dict[str, Any]]] = None) -> None:
        _check_identity(workload_identity)
        self.workload_identity = workload_identity
        x509 = is_x509(workload_identity)
        if token_exchange_url is None:
            token_exchange_url = X509_TOKEN_EXCHANGE_URL if x509 else DEFAULT_TOKEN_EXCHANGE_URL
        self.token_exchange_url = token_exchange_url
        self._settings = settings
        self._cond = threading.Condition(threading.Lock())
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._refresh_at = 0.0
        self._refreshing = False

    def __repr__(self) -> str:
        ident = self.workload_identity
        return "<%s identity_provider_id=%r service_account_id=%r>" % (
            type(self).__name__, ident.get("identity_provider_id"), ident.get("service_account_id"))

    def __reduce__(self) -> Any:
        raise TypeError("a WorkloadIdentityAuth (holding a live access token) cannot be pickled")

    # -- the cache ------------------------------------------------------------------------------

    def get_token(self) -> str:
        """A valid access token, exchanged anew when the cached one is due."""
        with self._cond:
            while True:
                now = time.monotonic()
                usable = self._token is not None and now < self._expires_at
                if usable and (now < self._refresh_at or self._refreshing):
                    return self._token  # type: ignore[return-value]
                if not self._refreshing:
                    self._refreshing = True
                    break
                self._cond.wait()
        try:
            token, expires_in = self._exchange()
        except Exception:
            with self._cond:
                self._refreshing = False
                self._cond.notify_all()
                now = time.monotonic()
                if self._token is not None and now < self._expires_at:
                    # The old token still works: keep serving it, and try again shortly.
                    self._refresh_at = now + _RETRY_REFRESH_AFTER
                    log.warning("workload identity: token refresh failed; using the current token until it expires",
                                exc_info=True)
                    return self._token
            raise
        with self._cond:
            now = time.monotonic()
            self._token = token
            self._expires_at = now + expires_in
            self._refresh_at = now + max(expires_in - min(self._buffer(), expires_in / 2.0), 0.0)
            self._refreshing = False
            self._cond.notify_all()
            log.debug("workload identity: new access token, valid for %.0f s", expires_in)
            return token

    def invalidate_token(self, token: Optional[str] = None) -> None:
        """Forget the cached token (only if it is still ``token``, when given: another thread may have
        replaced it already)."""
        with self._cond:
            if token is not None and self._token != token:
                return
            self._token = None
            self._expires_at = self._refresh_at = 0.0

    def _buffer(self) -> float:
        return float(self.workload_identity.get("refresh_buffer_seconds", DEFAULT_REFRESH_BUFFER_SECONDS))

    # -- the exchange ----------------------------------------------------------------------------

    def _payload(self) -> Dict[str, str]:
        ident = self.workload_identity
        payload = {
            "grant_type": TOKEN_EXCHANGE_GRANT_TYPE,
            "identity_provider_id": ident["identity_provider_id"],
            "service_account_id": ident["service_account_id"],
        }
        if is_x509(ident):
            payload["subject_token_type"] = X509_SUBJECT_TOKEN_TYPE
            return payload
        provider = ident["provider"]
        subject_token = provider["get_token"]()
        if not isinstance(subject_token, str) or not subject_token:
            raise OpenAIError("The workload identity provider returned an empty subject token")
        payload["subject_token"] = subject_token
        payload["subject_token_type"] = SUBJECT_TOKEN_TYPES[provider["token_type"]]
        return payload

    def _exchange(self) -> Tuple[str, float]:
        payload = self._payload()
        url = self.token_exchange_url
        settings = self._settings(url) if self._settings is not None else {}
        # A session of its own, not the client's: an exchange can happen while the client's adapter is
        # inside a retry of an API call on this thread, and must not inherit that call's retry policy.
        with requests.Session() as session:
            session.trust_env = self._settings is None  # the client's settings already include the environment
            try:
                # No redirects: the subject token must reach the issuer and nobody else.
                response = session.post(url, json=payload, timeout=EXCHANGE_TIMEOUT, allow_redirects=False,
                                        **settings)
                response.content
            except requests.RequestException as exc:
                from ._transport import translate

                raise translate(exc, None) from None
        return _read_token_response(response)


def _read_token_response(response: requests.Response) -> Tuple[str, float]:
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = None
    if response.status_code in (400, 401, 403):
        safe = {k: body[k] for k in ("error", "error_description", "error_uri") if k in body} \
            if isinstance(body, dict) else None
        raise OAuthError(response=response, body=safe)
    if not 200 <= response.status_code < 300:
        raise OpenAIError("Token exchange failed with status %d" % response.status_code)
    if not isinstance(body, dict):
        raise OpenAIError("Token exchange succeeded but the response body was not a JSON object")
    token = body.get("access_token")
    expires_in = body.get("expires_in")
    if not isinstance(token, str) or not token:
        raise OpenAIError("Token exchange response did not include a valid access_token")
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or not 0 < expires_in < float("inf"):
        raise OpenAIError("Token exchange response did not include a valid expires_in")
    return token, float(expires_in)

