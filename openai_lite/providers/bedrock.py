"""Amazon Bedrock as a provider: ``OpenAI(provider=bedrock(region="us-east-1"))``.

Two endpoint families serve the OpenAI API on Bedrock, chosen by ``endpoint=``:

- ``"mantle"`` (the default): ``https://bedrock-mantle.{region}.api.aws/openai/v1``, signing name
  ``bedrock-mantle``;
- ``"runtime"``: ``https://bedrock-runtime.{region}.{dns suffix}/openai/v1`` (``amazonaws.com``, or the
  partition's: ``amazonaws.com.cn`` for ``cn-*``...), signing name ``bedrock``.

Authentication, first match wins: a bearer ``api_key`` or ``token_provider`` (called on every attempt);
static AWS keys, a ``profile`` or a ``credential_provider`` (SigV4); ``AWS_BEARER_TOKEN_BEDROCK`` (read on
every attempt); otherwise SigV4 with botocore's default credential chain (environment, profile,
container or instance role, the Lambda role). SigV4 needs botocore (``pip install openai_lite[bedrock]``;
the AWS Lambda Python runtime ships it); bearer tokens need nothing more.

Every attempt is signed anew (retries included) over the exact bytes sent; a streamed upload is hashed
by reading it through once and rewinding it. Names and rules are openai-python's ``openai.providers.bedrock``.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from typing import Any, Callable, Dict, Literal, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

import requests

from .._credentials import Provider, RequestCredentials
from .._exceptions import OpenAIError
from .._types import NOT_GIVEN, NotGiven

__all__ = ["bedrock", "BedrockEndpoint", "BedrockTokenProvider", "AwsCredentialsProvider"]

BedrockEndpoint = Literal["mantle", "runtime"]
BedrockTokenProvider = Callable[[], str]
AwsCredentialsProvider = Callable[[], object]

BEARER_TOKEN_ENV = "AWS_BEARER_TOKEN_BEDROCK"
BASE_URL_ENV = "AWS_BEDROCK_BASE_URL"
_AWS_REGION = re.compile(r"^[a-z]{2,8}(?:-[a-z0-9]+)+-\d+$")
# Headers the signature adds (dropped before signing again); x-amz-security-token is a secret.
_SIGNING_HEADERS = ("authorization", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token")
# Headers not signed: the connection layer or a proxy may set or change them.
_UNSIGNED_HEADERS = frozenset(("user-agent", "accept-encoding", "connection", "content-length",
                               "transfer-encoding", "expect", "proxy-authorization"))
_HASH_CHUNK = 1024 * 1024

# Region prefix -> (Runtime DNS suffix, dual-stack suffix) of the AWS partition.
_PARTITION_SUFFIXES = (
    ("cn-", ("amazonaws.com.cn", "api.amazonwebservices.com.cn")),
    ("eusc-", ("amazonaws.eu", "api.amazonwebservices.eu")),
    ("us-iso-", ("c2s.ic.gov", "api.aws.ic.gov")),
    ("us-isob-", ("sc2s.sgov.gov", "api.aws.scloud")),
    ("eu-isoe-", ("cloud.adc-e.uk", "api.cloud-aws.adc-e.uk")),
    ("us-isof-", ("csp.hci.ic.gov", "api.aws.hci.ic.gov")),
)


def runtime_dns_suffixes(region: str) -> Tuple[str, str]:
    for prefix, suffixes in _PARTITION_SUFFIXES:
        if region.startswith(prefix):
            return suffixes
    return ("amazonaws.com", "api.aws")


def default_base_url(endpoint: str, region: str) -> str:
    """The endpoint of ``endpoint`` ("mantle" or "runtime") in ``region``."""
    if endpoint == "runtime":
        return "https://bedrock-runtime.%s.%s/openai/v1" % (region, runtime_dns_suffixes(region)[0])
    return "https://bedrock-mantle.%s.api.aws/openai/v1" % (region,)


def parse_endpoint_host(hostname: str) -> Optional[Tuple[str, str]]:
    """``(endpoint, region)`` of a canonical Bedrock host name, None for any other host."""
    host = (hostname or "").rstrip(".").lower()
    service, _, rest = host.partition(".")
    region, _, suffix = rest.partition(".")
    if not rest or not suffix or _AWS_REGION.match(region) is None:
        return None
    if service == "bedrock-mantle" and suffix == "api.aws":
        return ("mantle", region)
    if service in ("bedrock-runtime", "bedrock-runtime-fips") and suffix in runtime_dns_suffixes(region):
        return ("runtime", region)
    return None


def _check_region(region: Optional[str]) -> None:
    if region is not None and _AWS_REGION.match(region) is None:
        raise OpenAIError("The Bedrock AWS `region` is invalid. Use a standard AWS region such as `us-east-1`.")


def _strip(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    return value.strip() or None


def _normalize_base_url(url: str) -> str:
    """No trailing slash, and no trailing ``/responses...`` (people paste the endpoint of one call)."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise OpenAIError("The Bedrock `base_url` must be an absolute http:// or https:// URL, got %r" % (url,))
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    match = re.search(r"/responses(?:/.*)?$", path)
    if match is not None:
        path = path[: match.start()]
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _check_canonical(base_url: str, endpoint: str, region: Optional[str]) -> None:
    parts = urlsplit(base_url)
    canonical = parse_endpoint_host(parts.hostname or "")
    if canonical is None:
        return
    family, host_region = canonical
    if parts.scheme != "https":
        raise OpenAIError("Canonical Amazon Bedrock endpoints require HTTPS.")
    if family != endpoint:
        raise OpenAIError("The Bedrock %s hostname does not match the selected `%s` endpoint. Set `endpoint='%s'` "
                          "to use this hostname." % (family, endpoint, family))
    if region is not None and host_region != region:
        raise OpenAIError("The Bedrock endpoint region `%s` does not match the configured AWS region `%s`."
                          % (host_region, region))


def _origin(url: str) -> Tuple[str, str, Optional[int]]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def _no_credentials_error() -> OpenAIError:
    return OpenAIError("Could not find credentials for Bedrock. Pass a bearer credential or AWS credentials to "
                       "`bedrock(...)`, set `AWS_BEARER_TOKEN_BEDROCK`, or configure the default AWS credential "
                       "chain.")


class _BedrockCredentials(RequestCredentials):
    name = "bedrock"

    def __init__(self, base_url: str) -> None:
        self._origin = _origin(base_url)

    def _check_request(self, prepared: requests.PreparedRequest, what: str) -> None:
        if _origin(prepared.url or "") != self._origin:
            raise OpenAIError("Refusing to %s a Bedrock request for an origin other than the configured provider URL."
                              % what)


class BearerCredentials(_BedrockCredentials):
    """``Authorization: Bearer <token>``, the token asked for on every attempt."""

    def __init__(self, base_url: str, token: Callable[[], Any]) -> None:
        super().__init__(base_url)
        self._token = token

    def headers_for(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        self._check_request(prepared, "authenticate")
        try:
            token = self._token()
        except OpenAIError:
            raise
        except Exception as exc:  # noqa: BLE001 - the provider's own failure, named
            raise OpenAIError("Failed to resolve a bearer credential for Bedrock (%s)." % type(exc).__name__) from exc
        if not isinstance(token, str) or not token.strip():
            raise OpenAIError("The Bedrock bearer credential provider must return a non-empty string.")
        return {"Authorization": "Bearer " + token}


class SigV4Credentials(_BedrockCredentials):
    """AWS Signature Version 4 over each attempt's method, URL, headers and body, signed by botocore."""

    def __init__(self, base_url: str, *, region: str, service: str, credentials: Callable[[], Any]) -> None:
        super().__init__(base_url)
        self.region = region
        self.service = service
        self._credentials = credentials
        self._signer_cls, self._request_cls = _load_botocore()[:2]
        _install_log_filter()

    def headers_for(self, prepared: requests.PreparedRequest) -> Dict[str, str]:
        self._check_request(prepared, "sign")
        try:
            credentials = self._credentials()
        except OpenAIError:
            raise
        except Exception as exc:  # noqa: BLE001 - botocore's many credential errors, named once
            raise OpenAIError("Failed to resolve AWS credentials for Bedrock (%s). Verify your AWS profile, "
                              "environment variables, or runtime identity configuration." % type(exc).__name__) from exc
        if credentials is None:
            raise _no_credentials_error()
        frozen = getattr(credentials, "get_frozen_credentials", None)
        if callable(frozen):
            credentials = frozen()
        headers = {name: value for name, value in prepared.headers.items()
                   if name.lower() not in _UNSIGNED_HEADERS and name.lower() not in _SIGNING_HEADERS}
        headers["X-Amz-Content-SHA256"] = payload_sha256(prepared.body)
        aws_request = self._request_cls(method=prepared.method, url=prepared.url, headers=headers, data=b"")
        _quiet.signing = True
        try:
            self._signer_cls(credentials, self.service, self.region).add_auth(aws_request)
        finally:
            _quiet.signing = False
        signed = {name: aws_request.headers[name] for name in aws_request.headers.keys()
                  if name.lower() in _SIGNING_HEADERS}
        return signed


_quiet = threading.local()


class _QuietWhileSigning(logging.Filter):
    """botocore logs the canonical request at DEBUG, session token included; drop those records while
    this thread signs for us (botocore's other logging, boto3's own signing included, is untouched)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "signing", False)


def _install_log_filter() -> None:
    logger = logging.getLogger("botocore.auth")
    if not any(isinstance(f, _QuietWhileSigning) for f in logger.filters):
        logger.addFilter(_QuietWhileSigning())


def payload_sha256(body: Any) -> str:
    """SHA-256 (hex) of a request body: bytes, text, or a seekable stream (read through in chunks, so a
    large upload is never held in memory). A stream is hashed from its start, whatever its position: before
    a retry it sits at its end, and the transport rewinds it only after the retry's credentials are made."""
    if body is None:
        return hashlib.sha256(b"").hexdigest()
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return hashlib.sha256(body).hexdigest()
    read, seek, tell = getattr(body, "read", None), getattr(body, "seek", None), getattr(body, "tell", None)
    if read is None or seek is None or tell is None:
        raise OpenAIError("Bedrock SigV4 authentication requires a replayable request body (bytes or a seekable "
                          "stream), not %s; use bearer authentication for this body." % type(body).__name__)
    position = tell()
    seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: read(_HASH_CHUNK), b""):
        digest.update(chunk)
    seek(position)
    return digest.hexdigest()


def _load_botocore() -> Tuple[Any, Any, Any, Any]:
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        from botocore.session import Session
    except ImportError as exc:
        raise OpenAIError("Bedrock AWS (SigV4) authentication requires botocore, which is not installed. Install it "
                          "with `pip install openai_lite[bedrock]`, or use a bearer token (`api_key=`, "
                          "`token_provider=` or AWS_BEARER_TOKEN_BEDROCK).") from exc
    return SigV4Auth, AWSRequest, Credentials, Session


class _Hidden(dict):
    """The provider's settings: a dict that does not show its contents (AWS keys may be among them)."""

    def __repr__(self) -> str:
        return "<hidden>"


class BedrockProvider(Provider):
    """The settings ``bedrock(...)`` was called with (opaque: its repr shows no credential)."""

    name = "bedrock"

    def __init__(self, settings: Dict[str, Any]) -> None:
        self.__settings = _Hidden(settings)

    def __reduce__(self) -> Any:
        # Pickles (a client sent to another process) carry keys scrambled, as the client's own options do.
        from .._options import _Scrambled

        state = dict(self.__settings)
        if state["static"] is not None:
            state["static"] = tuple(_Scrambled.wrap(v) for v in state["static"])
        return (_rebuild_provider, (state,))

    @property
    def endpoint(self) -> str:
        return self.__settings["endpoint"]

    @property
    def region(self) -> Optional[str]:
        """The region given or found in the environment (None: from the AWS profile, or the URL's)."""
        return self.__settings["region"]

    def configure(self) -> Tuple[str, RequestCredentials]:
        s = self.__settings
        region = s["region"]
        base_url = s["base_url"]
        bearer = s["bearer"]
        if bearer is None:
            # SigV4: the region may still come from the AWS profile.
            signer_cls, request_cls, credentials_cls, session_cls = _load_botocore()
            try:
                session = session_cls(profile=s["profile"])
            except Exception as exc:  # noqa: BLE001 - e.g. a profile that does not exist
                raise OpenAIError("Failed to resolve AWS credentials for Bedrock (%s). Verify your AWS profile."
                                  % type(exc).__name__) from exc
            if region is None:
                region = _strip(session.get_config_variable("region"))
                _check_region(region)
            if region is None:
                raise _region_error()
            if base_url is None:
                base_url = default_base_url(s["endpoint"], region)
            _check_canonical(base_url, s["endpoint"], region)
            static = s["static"]
            if s["credential_provider"] is not None:
                credentials: Callable[[], Any] = s["credential_provider"]
            elif static is not None:
                fixed = credentials_cls(*static)
                credentials = lambda: fixed  # noqa: E731 - built per client, never pickled
            else:
                credentials = session.get_credentials  # botocore refreshes role credentials itself
            service = "bedrock" if s["endpoint"] == "runtime" else "bedrock-mantle"
            return base_url, SigV4Credentials(base_url, region=region, service=service, credentials=credentials)
        if base_url is None:
            if region is None:
                raise _region_error()
            base_url = default_base_url(s["endpoint"], region)
        return base_url, BearerCredentials(base_url, bearer)


def _rebuild_provider(state: Dict[str, Any]) -> BedrockProvider:
    from .._options import _Scrambled

    if state["static"] is not None:
        state["static"] = tuple(v.unwrap() if isinstance(v, _Scrambled) else v for v in state["static"])
    return BedrockProvider(state)


class _FixedToken:
    """A bearer token given as a string (callable like a token provider; hidden and scrambled in pickles)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self) -> str:
        return self._token

    def __repr__(self) -> str:
        return "<bearer token>"

    def __reduce__(self) -> Any:
        from .._options import _Scrambled

        return (_rebuild_fixed_token, (_Scrambled.wrap(self._token),))


def _rebuild_fixed_token(token: Any) -> _FixedToken:
    return _FixedToken(token.unwrap() if hasattr(token, "unwrap") else token)


def _region_error() -> OpenAIError:
    return OpenAIError("Bedrock requires an AWS region. Pass `region` to `bedrock(...)`, or set `AWS_REGION` or "
                       "`AWS_DEFAULT_REGION`.")


def _environment_token() -> str:
    token = os.environ.get(BEARER_TOKEN_ENV)
    if not token:
        raise _no_credentials_error()
    return token


def bedrock(
    *,
    endpoint: Optional[BedrockEndpoint] = None,
    region: Optional[str] = None,
    base_url: Any = NOT_GIVEN,
    api_key: Any = NOT_GIVEN,
    token_provider: Optional[BedrockTokenProvider] = None,
    access_key_id: Optional[str] = None,
    secret_access_key: Optional[str] = None,
    session_token: Optional[str] = None,
    profile: Optional[str] = None,
    credential_provider: Optional[AwsCredentialsProvider] = None,
) -> Provider:
    """Configure ``OpenAI(provider=...)`` for Amazon Bedrock Mantle (default) or Runtime.

    ``region`` defaults to ``AWS_REGION`` / ``AWS_DEFAULT_REGION`` (or the AWS profile's, for SigV4);
    ``base_url`` to ``AWS_BEDROCK_BASE_URL`` or the endpoint of the region (``base_url=None`` ignores the
    variable). ``api_key=None`` ignores ``AWS_BEARER_TOKEN_BEDROCK``. Configure at most one explicit
    authentication: ``api_key``, ``token_provider``, static keys, ``profile`` or ``credential_provider``.
    """
    if endpoint is not None and endpoint not in ("mantle", "runtime"):
        raise OpenAIError("The Bedrock `endpoint` must be either `mantle` or `runtime`.")
    region_given = _strip(region)
    if region is not None and region_given is None:
        raise OpenAIError("The Bedrock AWS `region` must not be empty.")
    _check_region(region_given)

    configured_url: Optional[str]
    if isinstance(base_url, NotGiven):
        from_env = _strip(os.environ.get(BASE_URL_ENV))
        configured_url = _normalize_base_url(from_env) if from_env else None
    elif base_url is None:
        configured_url = None
    else:
        if isinstance(base_url, str) and not base_url.strip():
            raise OpenAIError("The Bedrock `base_url` must not be empty.")
        configured_url = _normalize_base_url(str(base_url))
    canonical = parse_endpoint_host(urlsplit(configured_url).hostname or "") if configured_url else None
    chosen_endpoint = endpoint or (canonical[0] if canonical is not None else "mantle")

    profile_given = _strip(profile)
    if profile is not None and profile_given is None:
        raise OpenAIError("The Bedrock AWS `profile` must not be empty.")
    if (access_key_id is None) != (secret_access_key is None) or (session_token is not None and access_key_id is None):
        raise OpenAIError("Static AWS credentials require both `access_key_id` and `secret_access_key`. "
                          "A `session_token` may only be used with both.")
    if access_key_id is not None and (not access_key_id.strip() or not str(secret_access_key).strip()):
        raise OpenAIError("Static AWS credentials require non-empty `access_key_id` and `secret_access_key` values.")
    if session_token is not None and not session_token.strip():
        raise OpenAIError("A static AWS `session_token` must not be empty when provided.")
    if token_provider is not None and not callable(token_provider):
        raise TypeError("token_provider must be a callable returning a bearer token, not %s"
                        % type(token_provider).__name__)

    explicit_key = not isinstance(api_key, NotGiven) and api_key is not None
    if explicit_key and (not isinstance(api_key, str) or not api_key.strip()):
        raise OpenAIError("The Bedrock bearer credential must not be empty.")
    if explicit_key and token_provider is not None:
        raise OpenAIError("The `api_key` and `token_provider` options are mutually exclusive. Configure only one.")
    explicit_bearer = explicit_key or token_provider is not None
    aws_modes = sum((access_key_id is not None, profile_given is not None, credential_provider is not None))
    if aws_modes > 1:
        raise OpenAIError("Bedrock authentication is ambiguous. Configure exactly one explicit AWS mode: static "
                          "credentials, profile, or credential provider.")
    if explicit_bearer and aws_modes:
        raise OpenAIError("Bedrock authentication is ambiguous. Configure exactly one explicit mode: bearer "
                          "credential, static AWS credentials, profile, or credential provider.")
    ignore_env_bearer = not isinstance(api_key, NotGiven) and api_key is None
    env_bearer = (not explicit_bearer and not aws_modes and not ignore_env_bearer
                  and bool(os.environ.get(BEARER_TOKEN_ENV)))

    bearer: Optional[Callable[[], Any]] = None
    if explicit_key:
        bearer = _FixedToken(api_key)
    elif token_provider is not None:
        bearer = token_provider
    elif env_bearer:
        bearer = _environment_token  # read on every attempt: a rotated token is picked up

    # A bearer with its own URL needs no region; anything else does.
    if region_given is None and (configured_url is None or bearer is None):
        region_given = _strip(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
        _check_region(region_given)
    if configured_url is not None:
        _check_canonical(configured_url, chosen_endpoint, region_given)

    return BedrockProvider({
        "endpoint": chosen_endpoint,
        "region": region_given,
        "base_url": configured_url,
        "bearer": bearer,
        "profile": profile_given,
        "static": (access_key_id, secret_access_key, session_token) if access_key_id is not None else None,
        "credential_provider": credential_provider,
    })
