"""``OpenAI``: options, one transport, and the single request funnel every method goes through.

    resource method -> OpenAI._request -> Call -> _prepare (URL, query, headers, body)
        -> Transport.send (urllib3 retries inside) -> status check -> _parse (object, page,
        stream or bytes)

Resources are properties on ``ClientResources`` (generated) and are imported on first use.
"""
from __future__ import annotations

import collections.abc
import json
import os
import re
from urllib.parse import urlsplit
from typing import Any, Callable, Dict, List, Mapping, Optional, TypeVar, Union

import requests
from requests.hooks import default_hooks
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, requote_uri

from . import _compat
from ._deadline import check_deadline
from ._encoding import Querystring, dump_json, encode_query, format_path, merge_body
from ._deadline import Deadline, watch
from ._exceptions import (
    APIConnectionError, APIResponseValidationError, APITimeoutError, OpenAIError, status_error_from_response,
)
from ._limits import DEFAULT_LIMITS, ResponseLimits, read_error_body
from ._logging import log, redact_headers, scrub, secrets_in_headers, setup_from_env
from ._models import construct, resolve_model
from ._options import Call, ClientOptions
from ._retry import RetryPolicy
from ._transport import DEFAULT_POOL_MAXSIZE, Transport, translate
from ._types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN, NotGiven, Omit, to_requests_timeout
from ._version import __version__
from .resources._client_resources import ClientResources

__all__ = ["OpenAI", "Client"]

_Client = TypeVar("_Client", bound="OpenAI")


def _check_base_url(url: str) -> str:
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise ValueError("base_url must be an absolute http:// or https:// URL, got %r" % (url,))
    parts = urlsplit(url)
    if parts.query or parts.fragment or url.rstrip("/").endswith(("?", "#")):
        # paths are appended to base_url: a query or fragment would swallow them
        raise ValueError("base_url must not have a query (?...) or fragment (#...), got %r; pass query "
                         "parameters as default_query" % (url,))
    if not parts.hostname:
        raise ValueError("base_url has no host, got %r" % (url,))
    return url.rstrip("/")


# RFC 9110 token characters: what a header name may be made of
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_HEADER_VALUE_BREAK = re.compile(r"[\r\n\x00]")


def _check_header(name: Any, value: str, where: str) -> None:
    """A header HTTP can carry, or a ValueError naming it; the value is never shown (it may be a key)."""
    if not isinstance(name, str) or _HEADER_NAME.match(name) is None:
        raise ValueError("%s: %r is not a valid HTTP header name" % (where, name))
    if _HEADER_VALUE_BREAK.search(value) is not None:
        raise ValueError("%s: the value of header %r has a line break or NUL character, which an HTTP header "
                         "cannot carry (the value is not shown here)" % (where, name))
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("%s: the value of header %r has characters outside latin-1, which an HTTP header "
                         "cannot carry; encode it first (the value is not shown here)" % (where, name)) from None


_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]|^\s|\s$")


def _check_credential(value: str, what: str) -> str:
    """A credential that an HTTP header can carry; the error never shows the value."""
    if _HEADER_UNSAFE.search(value) is not None:
        raise OpenAIError("The %s has a control character (a line break?) or surrounding whitespace, which an "
                          "HTTP header cannot carry; strip it (the value is not shown here)" % what)
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise OpenAIError("The %s has characters an HTTP header cannot carry (the value is not shown here)"
                          % what) from None
    return value


def _check_limits(value: Any) -> ResponseLimits:
    if value is None:
        return DEFAULT_LIMITS
    if not isinstance(value, ResponseLimits):
        raise TypeError("response_limits must be an openai_lite.ResponseLimits, not %s" % type(value).__name__)
    return value


def _check_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("max_retries must be an int, not %s" % type(value).__name__)
    if value < 0:
        raise ValueError("max_retries must be >= 0, got %d" % value)
    return value


def _check_key(value: Any, what: str) -> Any:
    """A key is a string or a callable returning one; anything else fails now, not at the first call."""
    if value is not None and not isinstance(value, str) and not callable(value):
        raise TypeError("%s must be a string or a callable returning one, not %s" % (what, type(value).__name__))
    return value


def _check_mapping(value: Any, what: str) -> Any:
    if value is not None and not isinstance(value, collections.abc.Mapping):
        raise TypeError("%s must be a mapping (a dict), not %s" % (what, type(value).__name__))
    return value


def _session_from(http_session: Any, http_client: Any) -> Optional[requests.Session]:
    session = http_session if http_session is not None else http_client
    if session is not None and not isinstance(session, requests.Session):
        raise TypeError("http_session must be a requests.Session (openai_lite does not use httpx), got %s"
                        % type(session).__name__)
    return session


_USER_AGENT = "OpenAI/Python openai_lite/%s" % __version__


def _session_defaults(session: Any, timeout: Any, pool_maxsize: int) -> Any:
    """(timeout, pool_maxsize): a session made by ``DefaultHttpxClient(timeout=..., limits=...)``
    carries both; the client's own arguments win."""
    if session is not None:
        from ._http_client import HttpClient

        if isinstance(session, HttpClient):
            if timeout is NOT_GIVEN:
                timeout = session.timeout
            if session.pool_maxsize is not None and pool_maxsize == DEFAULT_POOL_MAXSIZE:
                pool_maxsize = session.pool_maxsize
    return timeout, pool_maxsize


class OpenAI(ClientResources):
    """A client for the OpenAI API. Safe to share between threads."""

    _options: ClientOptions
    _transport: Transport

    def __init__(
        self,
        *,
        api_key: Union[str, Callable[[], str], None] = None,
        admin_api_key: Union[str, Callable[[], str], None] = None,
        workload_identity: Optional[Mapping[str, Any]] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        provider: Any = None,
        base_url: Optional[str] = None,
        data_residency: Optional[str] = None,
        websocket_base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_session: Optional[requests.Session] = None,
        http_client: Optional[requests.Session] = None,
        proxies: Optional[Mapping[str, str]] = None,
        verify: Union[bool, str, None] = None,
        cert: Union[str, tuple, None] = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        response_limits: Optional[ResponseLimits] = None,
        deadline: Any = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
    ) -> None:
        env = os.environ
        if data_residency is not None or provider is not None or workload_identity is not None:
            # ``workload_identity``, ``provider`` (Bedrock) and ``data_residency``: their rules are in _credentials.
            from ._credentials import resolve_client_auth

            api_key, admin_api_key, base_url, organization, project = resolve_client_auth(
                api_key=api_key, admin_api_key=admin_api_key, workload_identity=workload_identity,
                provider=provider, base_url=base_url, data_residency=data_residency,
                websocket_base_url=websocket_base_url, organization=organization, project=project)
        else:
            if api_key is None:
                api_key = env.get("OPENAI_API_KEY")
            if admin_api_key is None:
                admin_api_key = env.get("OPENAI_ADMIN_KEY")
        if api_key is None and admin_api_key is None and workload_identity is None and provider is None \
                and _enforce_credentials:
            raise OpenAIError(
                "The api_key client option must be set either by passing api_key to the client or by setting "
                "the OPENAI_API_KEY environment variable (or admin_api_key / OPENAI_ADMIN_KEY for admin endpoints)"
            )
        _check_key(api_key, "api_key")
        _check_key(admin_api_key, "admin_api_key")
        _check_mapping(default_headers, "default_headers")
        _check_mapping(default_query, "default_query")
        session = _session_from(http_session, http_client)
        timeout, pool_maxsize = _session_defaults(session, timeout, pool_maxsize)
        options = ClientOptions(
            api_key=api_key,
            admin_api_key=admin_api_key,
            # with a provider (Bedrock), OpenAI's organization and project variables do not apply
            organization=organization if organization is not None or provider is not None else env.get("OPENAI_ORG_ID"),
            project=project if project is not None or provider is not None else env.get("OPENAI_PROJECT_ID"),
            webhook_secret=webhook_secret if webhook_secret is not None else env.get("OPENAI_WEBHOOK_SECRET"),
            base_url=_check_base_url(base_url or env.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"),
            websocket_base_url=websocket_base_url,
            timeout=DEFAULT_TIMEOUT if timeout is NOT_GIVEN else timeout,
            max_retries=_check_retries(max_retries),
            default_headers=dict(default_headers or {}),
            default_query=dict(default_query or {}),
            workload_identity=workload_identity,
            provider=provider,
            data_residency=data_residency,
            response_limits=_check_limits(response_limits),
            deadline=check_deadline(deadline),
        )
        transport = Transport(session=session,
                              proxies=dict(proxies) if proxies is not None else None,
                              verify=verify, cert=cert, pool_maxsize=pool_maxsize)
        self._setup(options, transport)

    def _setup(self, options: ClientOptions, transport: Transport, credentials: Any = None) -> None:
        setup_from_env()
        self._options = options
        self._transport = transport
        self._resources: Dict[str, Any] = {}
        self._credentials: Any = credentials  # see _credentials.RequestCredentials; a copy shares its source's
        if credentials is None and (options.provider is not None or options.workload_identity is not None):
            from ._credentials import build_credentials

            options, self._credentials = build_credentials(options, transport)
            self._options = options
        self._base_url = _check_base_url(options.base_url)
        self._plain_base = _is_plain_url(self._base_url)
        self._timeout = to_requests_timeout(options.timeout)
        self._limits = options.response_limits or DEFAULT_LIMITS
        headers = {
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        if options.organization:
            headers["OpenAI-Organization"] = options.organization
        if options.project:
            headers["OpenAI-Project"] = options.project
        _apply_headers(headers, options.default_headers, "default_headers")
        self._static_headers = headers

    # -- configuration, as openai-python names it ---------------------------------------------

    api_key = property(lambda self: self._options.api_key)
    admin_api_key = property(lambda self: self._options.admin_api_key)
    organization = property(lambda self: self._options.organization)
    project = property(lambda self: self._options.project)
    webhook_secret = property(lambda self: self._options.webhook_secret)
    websocket_base_url = property(lambda self: self._options.websocket_base_url)
    timeout = property(lambda self: self._options.timeout)
    max_retries = property(lambda self: self._options.max_retries)
    default_query = property(lambda self: dict(self._options.default_query))
    response_limits = property(lambda self: self._limits)
    deadline = property(lambda self: self._options.deadline)

    @property
    def base_url(self) -> str:
        return self._base_url + "/"

    @property
    def default_headers(self) -> Dict[str, str]:
        return dict(self._static_headers)

    @property
    def http_session(self) -> requests.Session:
        return self._transport.session

    @property
    def user_agent(self) -> str:
        return _USER_AGENT

    @property
    def auth_headers(self) -> Dict[str, str]:
        """The credential headers a request gets now (a callable ``api_key`` is called)."""
        return self._auth_headers("api")

    custom_auth = None  # openai-python's httpx auth hook: none here (a callable api_key or a provider)

    def platform_headers(self) -> Dict[str, str]:
        """openai-python sends ``X-Stainless-*`` platform headers; this library sends none."""
        return {}

    def copy(
        self,
        *,
        api_key: Union[str, Callable[[], str], None] = None,
        admin_api_key: Union[str, Callable[[], str], None] = None,
        organization: Optional[str] = None,
        project: Optional[str] = None,
        webhook_secret: Optional[str] = None,
        websocket_base_url: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Any = NOT_GIVEN,
        http_session: Optional[requests.Session] = None,
        http_client: Optional[requests.Session] = None,
        max_retries: Union[int, NotGiven] = NOT_GIVEN,
        default_headers: Optional[Mapping[str, str]] = None,
        set_default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
        workload_identity: Optional[Mapping[str, Any]] = None,
        provider: Any = NOT_GIVEN,
        data_residency: Optional[str] = None,
        response_limits: Optional[ResponseLimits] = None,
        deadline: Any = NOT_GIVEN,
        _enforce_credentials: Optional[bool] = None,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> "OpenAI":
        """A new client with some options changed; it shares this one's connection pool."""
        if _extra_kwargs:
            raise TypeError("copy() got unexpected keyword(s) in _extra_kwargs: %s" % ", ".join(sorted(_extra_kwargs)))
        if default_headers is not None and set_default_headers is not None:
            raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
        if default_query is not None and set_default_query is not None:
            raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")
        for name, value in (("default_headers", default_headers), ("set_default_headers", set_default_headers),
                            ("default_query", default_query), ("set_default_query", set_default_query)):
            _check_mapping(value, name)
        _check_key(api_key, "api_key")
        _check_key(admin_api_key, "admin_api_key")
        old = self._options
        headers = dict(set_default_headers) if set_default_headers is not None else dict(old.default_headers, **(default_headers or {}))
        query = dict(set_default_query) if set_default_query is not None else dict(old.default_query, **(default_query or {}))
        changes = {
            "api_key": api_key if api_key is not None else old.api_key,
            "admin_api_key": admin_api_key if admin_api_key is not None else old.admin_api_key,
            "organization": organization if organization is not None else old.organization,
            "project": project if project is not None else old.project,
            "webhook_secret": webhook_secret if webhook_secret is not None else old.webhook_secret,
            "websocket_base_url": websocket_base_url if websocket_base_url is not None else old.websocket_base_url,
            "base_url": _check_base_url(base_url) if base_url is not None else old.base_url,
            "timeout": old.timeout if timeout is NOT_GIVEN else timeout,
            "max_retries": old.max_retries if max_retries is NOT_GIVEN else _check_retries(max_retries),
            "default_headers": headers,
            "default_query": query,
            "workload_identity": old.workload_identity,
            "provider": old.provider,
            "data_residency": old.data_residency if base_url is None else None,
            "response_limits": _check_limits(response_limits) if response_limits is not None else old.response_limits,
            "deadline": old.deadline if deadline is NOT_GIVEN else check_deadline(deadline),
        }
        if (workload_identity is not None or provider is not NOT_GIVEN or data_residency is not None
                or old.provider is not None or (api_key is not None and old.workload_identity is not None)):
            from ._credentials import copy_auth_changes

            self._check_copy_auth(provider, data_residency, workload_identity)
            copy_auth_changes(changes, old, api_key=api_key, admin_api_key=admin_api_key,
                              workload_identity=workload_identity, provider=provider, base_url=base_url,
                              data_residency=data_residency, websocket_base_url=websocket_base_url)
        to_requests_timeout(changes["timeout"])  # validate now, not on the first request
        session = _session_from(http_session, http_client)
        transport = self._transport
        if session is not None:
            transport = Transport(session=session, proxies=transport.proxies, verify=transport.verify,
                                  cert=transport.cert)
        clone = type(self).__new__(type(self))
        # Same identity or provider on the same connection: share the credentials (one token cache, one
        # AWS session), so with_options() per call exchanges nothing.
        same = (transport is self._transport and changes["provider"] is old.provider
                and changes["workload_identity"] is old.workload_identity)
        clone._setup(ClientOptions(**changes), transport, self._credentials if same else None)
        self._copy_extra(clone)
        return clone

    with_options = copy

    def _check_copy_auth(self, provider: Any, data_residency: Any, workload_identity: Any) -> None:
        """Subclasses (Azure) refuse what they cannot use."""

    def _copy_extra(self, clone: "OpenAI") -> None:
        """Subclasses (Azure) carry their own settings over to copies."""

    def close(self) -> None:
        """End the streams this client (and its copies) still have open, close the connection pool
        (only when the client created its own session); later calls raise ``OpenAIError``."""
        self._transport.close()

    def __enter__(self: _Client) -> _Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<%s base_url=%r max_retries=%d>" % (type(self).__name__, self.base_url, self._options.max_retries)

    def __reduce__(self) -> Any:
        transport = self._transport
        session = None if transport.owns_session else transport.session
        from ._options import _Scrambled

        proxies = transport.proxies  # proxy URLs may carry a password: scrambled like the keys
        if proxies is not None:
            proxies = {scheme: _Scrambled.wrap(url) for scheme, url in proxies.items()}
        return (_rebuild_client, (type(self), self._options, self._pickle_extra(), session,
                                  proxies, transport.verify, transport.cert))

    def _pickle_extra(self) -> Dict[str, Any]:
        return {}

    # -- fan-out -------------------------------------------------------------------------------

    def map(self, method: Callable[..., Any], inputs: Any, *, max_concurrency: int = 8, ordered: bool = True,
            max_retries: Optional[int] = None, progress: bool = False,
            on_progress: Optional[Callable[[int, Optional[int], int], Any]] = None) -> Any:
        """Call ``method`` (e.g. ``client.embeddings.create``) once per input on up to ``max_concurrency``
        threads, paced by the API's ``x-ratelimit-*`` headers and 429s; yields a ``MapResult`` per input
        (``.value`` or ``.error``, ``.index``, ``.attempts``), in input order or, with ``ordered=False``,
        as they complete.

        An input that is a dict is passed as keywords (``method(**input)``), anything else as the one
        positional argument. Failures are results, not exceptions. Retryable failures are sent again
        at most ``max_retries`` times (the client's setting by default) by the fan-out alone: the client's
        own retries are off for these calls. ``progress=True`` keeps a status line on stderr;
        ``on_progress(done, total, failed)`` is called after each input (``total`` is None for an
        iterator without a length). Inputs are read as the work goes; stopping the iteration drops the
        inputs not started. See ``openai_lite.lib.fanout``.
        """
        from .lib.fanout import fan_out

        return fan_out(method, inputs, max_concurrency=max_concurrency, ordered=ordered, max_retries=max_retries,
                       progress=progress, on_progress=on_progress)

    # -- authentication ------------------------------------------------------------------------

    def _auth_headers(self, auth: str) -> Dict[str, str]:
        options = self._options
        if self._credentials is not None and not (auth == "admin" and options.admin_api_key):
            return {}  # the request's credentials hook authenticates it, in _execute
        if auth == "admin":
            key = options.admin_api_key or options.api_key
        else:
            key = options.api_key or options.admin_api_key
        if key is None:
            return {}  # _enforce_credentials=False: the caller authenticates (default_headers, a proxy...)
        if callable(key):
            key = key()
            if not isinstance(key, str) or not key:
                raise OpenAIError("The api_key callable must return a non-empty string")
        what = "admin_api_key" if auth == "admin" else "api_key"
        return {"Authorization": "Bearer " + _check_credential(key, what)}

    def _auth_is_dynamic(self) -> bool:
        return callable(self._options.api_key) or callable(self._options.admin_api_key)

    # -- the funnel ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        mode: str = "parsed",
        path_params: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        files: Any = None,
        headers: Optional[Mapping[str, Any]] = None,
        cast_to: Any = None,
        page: Any = None,
        stream: Any = False,
        stream_cls: Any = None,
        stream_cast_to: Any = None,
        binary: bool = False,
        auth: str = "api",
        extra_headers: Optional[Mapping[str, Any]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
        timeout: Any = NOT_GIVEN,
        deadline: Any = NOT_GIVEN,
    ) -> Any:
        _check_mapping(extra_headers, "extra_headers")
        _check_mapping(extra_query, "extra_query")
        _check_mapping(extra_body, "extra_body")
        url = format_path(path, path_params) if path_params else path
        if query is not None or extra_query:
            query = dict(query or {}, **(extra_query or {}))
        if headers and extra_headers:
            headers = dict(headers, **extra_headers)
        else:
            headers = headers or extra_headers
        if isinstance(timeout, Omit):
            timeout = NOT_GIVEN
        if timeout is not NOT_GIVEN:
            to_requests_timeout(timeout)  # bad values fail before anything is sent
        if files is not None:
            from ._files import coerce_files

            files = coerce_files(files)  # a wrong file type fails here, before anything is sent
        call = Call(method.upper(), url, query=query,
                    body=merge_body(body, extra_body) if (body is not None or extra_body) else None,
                    files=files, headers=headers, cast_to=cast_to, page=page, stream=stream is True,
                    stream_cls=stream_cls, stream_cast_to=stream_cast_to, binary=binary, auth=auth,
                    timeout=timeout, deadline=deadline if deadline is NOT_GIVEN else check_deadline(deadline))
        return self._execute(call, mode)

    def get(self, path: str, *, cast_to: Any = None, query: Optional[Mapping[str, Any]] = None,
            headers: Optional[Mapping[str, Any]] = None, stream: bool = False, stream_cls: Any = None,
            timeout: Any = NOT_GIVEN, options: Optional[Mapping[str, Any]] = None) -> Any:
        """Call an endpoint this library has no method for; same auth, retries and errors."""
        return self._undocumented("GET", path, None, None, cast_to, query, headers, stream, stream_cls, timeout, options)

    def post(self, path: str, *, cast_to: Any = None, body: Any = None, files: Any = None,
             query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, Any]] = None,
             stream: bool = False, stream_cls: Any = None, timeout: Any = NOT_GIVEN,
             options: Optional[Mapping[str, Any]] = None) -> Any:
        return self._undocumented("POST", path, body, files, cast_to, query, headers, stream, stream_cls, timeout, options)

    def put(self, path: str, *, cast_to: Any = None, body: Any = None, files: Any = None,
            query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, Any]] = None,
            timeout: Any = NOT_GIVEN, options: Optional[Mapping[str, Any]] = None) -> Any:
        return self._undocumented("PUT", path, body, files, cast_to, query, headers, False, None, timeout, options)

    def patch(self, path: str, *, cast_to: Any = None, body: Any = None, files: Any = None,
              query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, Any]] = None,
              timeout: Any = NOT_GIVEN, options: Optional[Mapping[str, Any]] = None) -> Any:
        return self._undocumented("PATCH", path, body, files, cast_to, query, headers, False, None, timeout, options)

    def delete(self, path: str, *, cast_to: Any = None, body: Any = None,
               query: Optional[Mapping[str, Any]] = None, headers: Optional[Mapping[str, Any]] = None,
               timeout: Any = NOT_GIVEN, options: Optional[Mapping[str, Any]] = None) -> Any:
        return self._undocumented("DELETE", path, body, None, cast_to, query, headers, False, None, timeout, options)

    def request(self, cast_to: Any, options: Any, *, stream: bool = False, stream_cls: Any = None) -> Any:
        """openai-python's low-level call: ``options`` is a mapping (or an object with these
        attributes) of ``method``, ``url`` and optionally ``params``, ``headers``, ``json_data``,
        ``files``, ``timeout``, ``max_retries``, ``extra_json``."""
        known = ("method", "url", "params", "headers", "json_data", "files", "timeout", "max_retries",
                 "extra_json")
        if isinstance(options, Mapping):
            unknown = sorted(set(options) - set(known))
            if unknown:
                raise TypeError("unknown request option(s): %s" % ", ".join(unknown))
            values = {k: options.get(k) for k in known}
        else:
            values = {k: getattr(options, k, None) for k in known}
        method, url = values["method"], values["url"]
        if not isinstance(method, str) or not isinstance(url, str):
            raise TypeError("request() options need a 'method' and a 'url' (strings)")
        per_call = {k: values[k] for k in ("timeout", "max_retries", "extra_json")
                    if values[k] is not None and not isinstance(values[k], (NotGiven, Omit))}
        files = values["files"]
        return self._undocumented(method.upper(), url, values["json_data"], files, cast_to, values["params"],
                                  values["headers"], stream, stream_cls, NOT_GIVEN, per_call)

    def get_api_list(self, path: str, *, model: Any, page: Any, body: Any = None,
                     options: Optional[Mapping[str, Any]] = None, method: str = "get") -> Any:
        """openai-python's low-level list call: a page (``openai_lite.pagination.SyncCursorPage[FileObject]``...)
        from ``path``; iterate it to walk every page. As in openai-python the items are of the page's
        type argument (plain dicts for a bare page class; ``model`` is not used for them). ``options`` as
        for ``request()``: ``params``, ``headers``, ``timeout``, ``max_retries``, ``extra_json``."""
        page_class = getattr(page, "__origin__", page)
        if not isinstance(page_class, type):
            raise TypeError("get_api_list() needs a page class (openai_lite.pagination), not %r" % (page,))
        item = (getattr(page, "__args__", None) or (dict,))[0]
        return self._undocumented(method.upper(), path, body, None, item, None, None, False, None, NOT_GIVEN,
                                  options, page=page_class)

    @property
    def qs(self) -> Querystring:
        """The query-string encoder (``Querystring``: ``stringify``, ``stringify_items``, ``parse``), as in
        openai-python; a new one each time, in the API's bracket style."""
        return Querystring()

    def is_closed(self) -> bool:
        """Whether ``close()`` was called (on this client or the copy sharing its connections)."""
        return self._transport.closed

    def _undocumented(self, method: str, path: str, body: Any, files: Any, cast_to: Any, query: Any, headers: Any,
                      stream: bool, stream_cls: Any, timeout: Any, options: Optional[Mapping[str, Any]],
                      page: Any = None) -> Any:
        # openai-python spells per-call settings as options={"headers": ..., "params": ..., "timeout": ...}
        opts = dict(options or {})
        query = dict(opts.pop("params", None) or {}, **(query or {}))
        headers = dict(opts.pop("headers", None) or {}, **(headers or {}))
        if "timeout" in opts and timeout is NOT_GIVEN:
            timeout = opts.pop("timeout")
        extra_body = opts.pop("extra_json", None)
        max_retries = opts.pop("max_retries", NOT_GIVEN)
        deadline = opts.pop("deadline", NOT_GIVEN)
        if opts:
            raise TypeError("unknown request option(s): %s" % ", ".join(sorted(opts)))
        client = self if max_retries is NOT_GIVEN else self.with_options(max_retries=max_retries)
        return client._request(method, path, body=body, files=files, cast_to=cast_to, query=query or None,
                               headers=headers or None, stream=stream, stream_cls=stream_cls, timeout=timeout,
                               extra_body=extra_body, deadline=deadline, page=page)

    def _known_secrets(self, headers: Any = None, url: Optional[str] = None) -> List[str]:
        """Every credential this client knows: its keys, the request's secret headers, proxy passwords."""
        options = self._options
        found = [value for value in (options.api_key, options.admin_api_key, options.webhook_secret)
                 if isinstance(value, str)]
        found += self._extra_secrets()
        found += secrets_in_headers(headers)
        try:
            found += self._transport.proxy_secrets(url or self._base_url)
        except Exception:  # noqa: BLE001 - a proxy setting that cannot be read holds nothing to hide
            pass
        return found

    def _extra_secrets(self) -> List[str]:
        """Subclasses (Azure) add the credentials only they know."""
        return []

    def _scrub(self, exc: BaseException, request: Any = None) -> BaseException:
        """``exc`` with every credential the client knows removed from its text (on the way out)."""
        return scrub(exc, self._known_secrets(getattr(request, "headers", None), getattr(request, "url", None)))

    def _execute(self, call: Call, mode: str = "parsed") -> Any:
        try:
            return self._send(call, mode)
        except Exception as exc:
            self._scrub(exc, getattr(exc, "request", None))
            raise

    def _send(self, call: Call, mode: str) -> Any:
        if self._transport.closed:
            raise OpenAIError("This client was closed (close() or the end of its `with` block) and makes no more "
                              "calls; create a new client")
        deadline = Deadline.start(self._options.deadline if call.deadline is NOT_GIVEN else call.deadline)
        prepared = self._prepare(call)
        timeout = self._timeout if call.timeout is NOT_GIVEN else to_requests_timeout(call.timeout)
        max_retries = self._options.max_retries if call.max_retries is NOT_GIVEN else call.max_retries
        refresh = self._credentials_refresh(call, prepared)  # workload identity / provider: see _credentials
        if refresh is None and self._auth_is_dynamic():
            live = prepared.headers = _LiveHeaders(prepared.headers)

            def refresh(auth: str = call.auth) -> None:
                live.refresh(self._auth_headers(auth))
        if deadline is not None:
            if deadline.expired():
                raise APITimeoutError(prepared, message="Request timed out (deadline reached).")
            timeout = deadline.timeout(timeout)  # one Timeout per call: the retry policy shrinks it
            retries = RetryPolicy.build(max_retries, refresh, deadline, timeout)
        else:
            retries = _shared_policy(max_retries) if refresh is None else RetryPolicy.build(max_retries, refresh)
        if log.isEnabledFor(10):
            log.debug("Request: %s %s headers=%s", prepared.method, prepared.url, redact_headers(prepared.headers))
        # .with_raw_response reads a binary body whole, as openai-python
        stream = call.stream or (call.binary and mode != "raw") or mode == "streaming"
        try:
            response = self._transport.send(prepared, timeout=timeout, retries=retries, stream=stream,
                                            limits=self._limits, deadline=deadline)
            if response.status_code == 401 and self._credentials is not None:
                response = self._resend_unauthorized(prepared, response, refresh, timeout, retries, stream)
        except APIConnectionError as exc:
            if deadline is not None and deadline.expired() and not isinstance(exc, APITimeoutError):
                raise APITimeoutError(prepared, message="Request timed out (deadline reached).") from exc
            raise
        finally:
            if call.files is not None and hasattr(prepared.body, "close"):
                prepared.body.close()  # a multipart body: let go of file handles it opened
        if log.isEnabledFor(10):
            log.debug("Response: %s %s %s request_id=%s", prepared.method, prepared.url, response.status_code,
                      response.headers.get("x-request-id"))
        if response.status_code >= 400:
            if deadline is None:
                raise self._status_error(response)
            # the error body is read under the deadline too (a watchdog wakes a trickling read)
            watching = watch(deadline, lambda: _compat.interrupt(response.raw))
            try:
                error = self._status_error(response)
            finally:
                watching.cancel()
            if isinstance(error, APIConnectionError) and deadline.expired():
                raise APITimeoutError(prepared, message="Request timed out (deadline reached).") from error
            raise error
        if mode == "parsed":
            result = self._parse(call, response)
            if call.stream:
                from ._streaming import Stream

                if isinstance(result, Stream):  # (a stream_cls of the caller's own is left as it is)
                    self._transport.track_stream(result)  # client.close() ends it
                    if deadline is not None:
                        result._arm(deadline)
            return result
        from ._response import APIResponse, LegacyAPIResponse

        raw_retries = getattr(response.raw, "retries", None)
        taken = len(raw_retries.history) if raw_retries is not None else 0
        cls = LegacyAPIResponse if mode == "raw" else APIResponse
        return cls(response, client=self, call=call, retries_taken=taken)

    # -- credentials other than a key (workload identity, providers): the funnel's two hooks ----------

    def _credentials_refresh(self, call: Call, prepared: requests.PreparedRequest) -> Optional[Callable[[], None]]:
        """Authenticate ``prepared`` with the client's credentials hook (``_credentials.RequestCredentials``),
        and return what re-authenticates it before each retry (a new token, a new signature); None when the
        client has no hook, or the key (admin calls) or the caller's own Authorization header does it."""
        creds = self._credentials
        if creds is None or (call.auth == "admin" and self._options.admin_api_key):
            return None
        if "Authorization" in prepared.headers:
            if creds.name != "workload_identity":
                raise OpenAIError("%s provider authentication cannot be combined with a custom `Authorization` "
                                  "header." % creds.name.capitalize())
            return None  # the caller's own Authorization header wins over the workload identity
        live = prepared.headers = _LiveHeaders(prepared.headers)

        def refresh() -> None:
            live.refresh(creds.headers_for(prepared))
        refresh.from_credentials = True  # type: ignore[attr-defined]
        refresh()
        return refresh

    def _resend_unauthorized(self, prepared: requests.PreparedRequest, response: requests.Response,
                             refresh: Optional[Callable[[], None]], timeout: Any, retries: RetryPolicy,
                             stream: bool) -> requests.Response:
        """A 401 to a token the credentials hook gave (revoked before its time): once, a new token and the
        request again."""
        if not getattr(refresh, "from_credentials", False) or not self._credentials.retry_unauthorized(prepared):
            return response
        log.debug("401 with a workload identity token: exchanging a new one and sending again")
        response.close()
        _rewind_body(prepared.body)
        refresh()  # type: ignore[misc]
        return self._transport.send(prepared, timeout=timeout, retries=retries, stream=stream, limits=self._limits)

    def _prepare(self, call: Call) -> requests.PreparedRequest:
        url = call.url if call.url.startswith(("http://", "https://")) else self._base_url + call.url
        query = encode_query(self._options.default_query, call.query) if (self._options.default_query or call.query) else ""
        if query:
            url += ("&" if "?" in url else "?") + query
        headers = dict(self._static_headers)
        headers.update(self._auth_headers(call.auth))
        if call.headers:
            _apply_headers(headers, call.headers)
        data: Any = None
        if call.files is not None:
            from ._files import build_multipart

            data = build_multipart(call.body, call.files)
            _apply_headers(headers, {"Content-Type": data.content_type})
        elif isinstance(call.body, (bytes, bytearray)):
            data = bytes(call.body)  # a pre-encoded body (client.post(path, body=b"..."))
        elif call.body is not None:
            data = dump_json(call.body)
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        session = self._transport.session
        if (self._plain_base and (data is None or type(data) is bytes) and url.startswith(self._base_url)
                and self._transport.owns_session and not session.cookies and session.auth is None
                and not any(session.hooks.values())):
            return _prepared_directly(call.method, url, session.headers, headers, data)
        # A do-nothing auth keeps requests from putting ~/.netrc credentials over the API key
        # (a session.auth the user set is still applied, as given).
        request = requests.Request(call.method, url, headers=headers, data=data,
                                   auth=None if session.auth else _no_netrc)
        return session.prepare_request(request)

    def _status_error(self, response: requests.Response) -> Exception:
        content = _compat.read_content(response)
        if content is None:
            try:
                # Error bodies are read up to a cap, decoded piece by piece: neither a huge HTML page
                # nor a small gzip body that expands to gigabytes may fill memory.
                content, _ = read_error_body(response.raw, self._limits.max_error_body_bytes)
            except Exception as exc:  # noqa: BLE001
                response.close()
                return translate(exc, response.request)
            _compat.set_body(response, content)
        response.close()
        error = status_error_from_response(response, content)
        log.debug("API error: %s", error)
        return error

    def _parse(self, call: Call, response: requests.Response) -> Any:
        if call.stream:
            from ._streaming import Stream

            # streams carry their own event type (ChatCompletionChunk for a ChatCompletion call)
            cast_to = call.stream_cast_to if call.stream_cast_to is not None else call.cast_to
            return (call.stream_cls or Stream)(response=response, client=self, cast_to=resolve_model(cast_to))
        if call.binary:
            from ._response import BinaryResponseContent

            return BinaryResponseContent(response)
        try:
            content = response.content
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, response.request) from exc
        if call.cast_to is str:
            return content.decode(response.encoding or "utf-8", "replace")
        if call.cast_to == "None":  # operations that answer with no body (e.g. realtime calls hangup)
            return None
        if call.cast_to is not None and call.cast_to.__class__ is not str:
            special = _cast_special(call.cast_to, response, content)
            if special is not _NOT_SPECIAL:
                return special
        try:
            data = json.loads(content)
        except RecursionError:
            raise APIResponseValidationError(
                response, None, message="The JSON body from %s %s is nested too deeply to parse" % (call.method, call.url),
            ) from None
        except ValueError:
            text = content[:200].decode("utf-8", "replace")
            raise APIResponseValidationError(
                response, text,
                message="Expected a JSON body from %s %s, got %s: %r" % (
                    call.method, call.url, response.headers.get("content-type", "no content type"), text),
            ) from None
        request_id = response.headers.get("x-request-id")
        if call.page is not None:
            from ._pagination import resolve_page

            return resolve_page(call.page)(data, client=self, call=call, request_id=request_id)
        cast_to = call.cast_to
        if cast_to is None or cast_to.__class__ is str or _is_our_model(cast_to):
            return construct(resolve_model(cast_to), data, request_id)
        validate = getattr(cast_to, "model_validate", None)
        if callable(validate):  # a pydantic model of the caller's
            return validate(data)
        return data  # object, dict, list, Dict[str, Any]...: the decoded JSON as it came


_NOT_SPECIAL = object()


def _is_our_model(cast_to: Any) -> bool:
    from ._models import BaseModel

    return isinstance(cast_to, type) and issubclass(cast_to, BaseModel)


def _cast_special(cast_to: Any, response: requests.Response, content: bytes) -> Any:
    """``cast_to`` values of openai-python's undocumented calls that need no JSON: the response
    itself (requests', or ``httpx.Response`` named by code written for openai-python), bytes,
    no body, a bare number or boolean. Anything else: ``_NOT_SPECIAL``."""
    if cast_to is requests.Response or (getattr(cast_to, "__name__", None) == "Response"
                                        and getattr(cast_to, "__module__", "").startswith("httpx")):
        return response
    if cast_to is bytes:
        return content
    if cast_to is type(None):
        return None
    if cast_to in (int, float):
        return cast_to(content.decode("utf-8", "replace").strip())
    if cast_to is bool:
        return content.strip().lower() == b"true"
    return _NOT_SPECIAL


class _LiveHeaders(CaseInsensitiveDict):
    """Request headers whose credentials can be replaced between attempts.

    urllib3 sends a *copy* of the headers on every attempt (``urlopen`` copies them to merge
    proxy headers), so updating the prepared request in place would never reach a retry.
    Copies share the credential values set by ``refresh``; a copy from which a credential
    was removed (a redirect to another host) does not get it back.
    """

    def __init__(self, data: Any = None, live: Optional[Dict[str, str]] = None) -> None:
        self._live: Dict[str, str] = {} if live is None else live
        super().__init__(data)

    def copy(self) -> "_LiveHeaders":
        return _LiveHeaders(self.items(), self._live)

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        return self._live.get(key.lower(), value)

    def refresh(self, credentials: Mapping[str, str]) -> None:
        for name, value in credentials.items():
            self._live[name.lower()] = value
            self[name] = value


def _rewind_body(body: Any) -> None:
    seek = getattr(body, "seek", None)
    if seek is not None:
        seek(0)


def _no_netrc(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


_POLICIES: Dict[Any, RetryPolicy] = {}


def _shared_policy(total: int) -> RetryPolicy:
    """One ``RetryPolicy`` per retry count, shared by every call and thread that needs no credential
    refresh: urllib3 never changes a ``Retry`` (``increment`` returns a new one), so building one per
    call was pure cost."""
    key = (RetryPolicy, total)
    policy = _POLICIES.get(key)
    if policy is None:
        policy = _POLICIES[key] = RetryPolicy.build(total)
    return policy


def _is_plain_url(base_url: str) -> bool:
    """An ASCII base URL that requests would leave exactly as it is (no IDNA, no re-quoting)."""
    if not base_url.isascii():
        return False
    probe = requests.PreparedRequest()
    probe.prepare_url(base_url + "/", None)
    return probe.url == base_url + "/"


def _prepared_directly(method: str, url: str, session_headers: Mapping[str, Any], headers: Dict[str, Any],
                       body: Optional[bytes]) -> requests.PreparedRequest:
    """What ``session.prepare_request`` builds for our own session's plain calls (no cookies, auth,
    hooks or files), without its cookie-jar, hook and URL-parsing machinery: that machinery is most
    of the per-call CPU requests spends, and under the GIL it is what many threads queue on."""
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = requote_uri(url)
    merged = CaseInsensitiveDict(session_headers)
    for name, value in headers.items():
        check_header_validity((name, value))
        merged[name] = value
    if body is not None:
        merged["Content-Length"] = str(len(body))
    elif method not in ("GET", "HEAD"):
        merged["Content-Length"] = "0"
    prepared.headers = CaseInsensitiveDict((k, v) for k, v in merged.items() if v is not None)
    prepared.body = body
    prepared.hooks = default_hooks()
    _compat.no_cookies(prepared)  # requests peeks at redirects with it (empty: no cookies)
    return prepared


def _apply_headers(headers: Dict[str, Any], extra: Mapping[str, Any], where: str = "extra_headers") -> None:
    """Case-insensitive update; ``omit`` (or ``NOT_GIVEN``) removes a header. A header HTTP cannot
    carry is a ValueError here, before anything is sent."""
    for name, value in extra.items():
        if not isinstance(name, str):
            raise ValueError("%s: header names must be strings, got %r" % (where, name))
        lower = name.lower()
        for existing in [k for k in headers if k.lower() == lower]:
            del headers[existing]
        if isinstance(value, (Omit, NotGiven)) or value is None:
            continue
        value = value if isinstance(value, str) else str(value)
        _check_header(name, value, where)
        headers[name] = value


def _rebuild_client(cls: type, options: ClientOptions, extra: Dict[str, Any], session: Any, proxies: Any,
                    verify: Any, cert: Any) -> OpenAI:
    client = cls.__new__(cls)
    from ._options import _Scrambled

    for name, value in extra.items():
        setattr(client, name, value.unwrap() if isinstance(value, _Scrambled) else value)
    if proxies is not None:
        proxies = {scheme: url.unwrap() if isinstance(url, _Scrambled) else url for scheme, url in proxies.items()}
    client._setup(options, Transport(session=session, proxies=proxies, verify=verify, cert=cert))
    return client


Client = OpenAI
