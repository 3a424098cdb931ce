"""The HTTP layer: one ``requests.Session`` per client and the one place errors are translated.

What it owns:
- building the session (``RetryAdapter`` on http:// and https://, pool size), or taking the
  user's session as given (only its untouched default adapters are swapped for ours);
- proxies / CA bundle / client cert, resolved once per host from the arguments and the
  environment (HTTP(S)_PROXY, NO_PROXY, ALL_PROXY, REQUESTS_CA_BUNDLE, SSL_CERT_FILE);
- sending, following redirects (credentials dropped when the host changes), and retrying a
  body that broke while being read;
- ``translate``: every requests/urllib3/socket exception -> APIConnectionError/APITimeoutError.
"""
from __future__ import annotations

import http.client
import os
import socket
import threading
import weakref
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    HTTPError as Urllib3HTTPError,
    IncompleteRead,
    InvalidChunkLength,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    TimeoutError as Urllib3TimeoutError,
)

from . import _compat
from ._deadline import Deadline, watch
from ._exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError
from ._limits import DEFAULT_LIMITS, LimitExceeded, ResponseLimits, read_limited
from ._logging import SECRET_HEADERS, log
from ._retry import RefreshFailed, RetryPolicy

DEFAULT_POOL_MAXSIZE = 64
MAX_REDIRECTS = 20
# Credentials that must not follow a redirect to another host: the secret headers, less those that
# belong to the hop (Proxy-Authorization) or that requests' cookie handling already scopes.
_CREDENTIAL_HEADERS = tuple(sorted(SECRET_HEADERS - {"proxy-authorization", "cookie", "set-cookie"}))


class RetryAdapter(_compat.PerCallRetries, HTTPAdapter):
    """The client's ``HTTPAdapter``: the urllib3 ``Retry`` is the call's own (``send(retries=)``),
    and answers are read past 1xx (103 Early Hints)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _compat.pool_classes()  # 103 Early Hints are skipped

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        fresh = proxy not in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if fresh and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _compat.pool_classes()
        return manager

    def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None, retries: Optional[RetryPolicy] = None) -> requests.Response:
        if retries is None:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        with self.retries_for_this_send(retries):
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


class Transport:
    def __init__(self, *, session: Optional[requests.Session] = None, proxies: Optional[Dict[str, str]] = None,
                 verify: Any = None, cert: Any = None, pool_maxsize: int = DEFAULT_POOL_MAXSIZE) -> None:
        if pool_maxsize < 1:
            raise ValueError("pool_maxsize must be >= 1, got %r" % (pool_maxsize,))
        self.owns_session = session is None
        if session is None:
            session = requests.Session()
        self.session = session
        for prefix in ("https://", "http://"):
            current = session.adapters.get(prefix)
            if current is None or _compat.is_pristine_default_adapter(current):
                session.mount(prefix, RetryAdapter(pool_connections=4, pool_maxsize=pool_maxsize))
        self.proxies = proxies
        self.verify = verify
        self.cert = cert
        self._settings: Dict[str, Dict[str, Any]] = {}
        self._pid = os.getpid()
        self.closed = False
        self._streams: "weakref.WeakSet[Any]" = weakref.WeakSet()  # open streams, ended by close()
        self._streams_lock = threading.Lock()

    def track_stream(self, stream: Any) -> None:
        with self._streams_lock:
            self._streams.add(stream)

    def forget_stream(self, stream: Any) -> None:
        with self._streams_lock:
            self._streams.discard(stream)

    # -- configuration -----------------------------------------------------------------------

    def settings_for(self, url: str) -> Dict[str, Any]:
        """verify / cert / proxies for this URL's origin, read from the environment once."""
        origin = url[: url.find("/", url.find("//") + 2)] if url.count("/") >= 3 else url
        found = self._settings.get(origin)
        if found is None:
            found = self._settings[origin] = self._resolve(url)
        return found

    def _resolve(self, url: str) -> Dict[str, Any]:
        s = self.session
        if s.trust_env:
            merged = s.merge_environment_settings(url, {}, None, None, None)
            proxies, verify, cert = merged["proxies"], merged["verify"], merged["cert"]
            if verify is True:
                verify = os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR") or True
        else:
            proxies, verify, cert = dict(s.proxies), s.verify, s.cert
        if self.proxies is not None:
            proxies = dict(self.proxies)
        if self.verify is not None:
            verify = self.verify
        if self.cert is not None:
            cert = self.cert
        return {"proxies": proxies, "verify": verify, "cert": cert}

    def proxy_secrets(self, url: str) -> List[str]:
        """Proxy passwords for this URL, as they may show in a message: plain, as ``user:password``,
        percent-encoded, and base64 as in ``Proxy-Authorization``."""
        import base64
        from urllib.parse import unquote

        found: List[str] = []
        proxies = list((self.proxies or {}).values()) + list((self.settings_for(url).get("proxies") or {}).values())
        for proxy in proxies:
            try:
                parts = urlsplit(proxy)
                password = parts.password
            except (TypeError, ValueError):
                continue
            if password:
                user = parts.username or ""
                pair = "%s:%s" % (unquote(user), unquote(password))
                found += [password, unquote(password), "%s:%s" % (user, password), pair,
                          base64.b64encode(pair.encode("latin-1", "replace")).decode("ascii")]
        return found

    # -- sending -----------------------------------------------------------------------------

    def send(self, prepared: requests.PreparedRequest, *, timeout: Any, retries: RetryPolicy,
             stream: bool, limits: ResponseLimits = DEFAULT_LIMITS, deadline: Optional[Deadline] = None) -> requests.Response:
        """Send, follow redirects, and (unless streaming) read a success body, retrying as the policy
        says. An error body is left for the caller, who reads only as much as it keeps."""
        if self._pid != os.getpid():
            self._after_fork()
        while True:
            response = self._send_following_redirects(prepared, timeout, retries)
            if stream or response.status_code >= 400:
                return response
            try:
                # read the body now, inside the retry loop, decoded a bounded piece at a time
                _compat.set_body(response, self._read_body(response, limits, deadline))
                return response
            except LimitExceeded as exc:
                response.close()
                raise APIResponseValidationError(response, None, message=str(exc)) from None
            except Exception as exc:  # noqa: BLE001 - classified just below
                used = getattr(response.raw, "retries", None)
                response.close()
                if deadline is not None and deadline.expired():
                    raise APITimeoutError(prepared) from exc
                cause = next((link for link in chain(exc) if isinstance(link, (ProtocolError, ReadTimeoutError))), None)
                if not isinstance(used, RetryPolicy) or not isinstance(cause, (ProtocolError, ReadTimeoutError)):
                    raise translate(exc, prepared) from exc
                try:
                    retries = used.increment(prepared.method, prepared.url, error=cause)
                except MaxRetryError:
                    raise translate(exc, prepared) from exc
                try:
                    retries.sleep()
                except RefreshFailed as failed:
                    raise failed.error from None
                _rewind(prepared.body)

    def _read_body(self, response: requests.Response, limits: ResponseLimits, deadline: Optional[Deadline]) -> bytes:
        raw = response.raw
        if deadline is None:
            return read_limited(raw, limits.max_body_bytes, limits.max_decompression_ratio)
        # Under a deadline a watchdog shuts the socket down when it passes (a server trickling a
        # byte per read timeout would otherwise hold the call). The connection is kept out of the
        # pool until the watch is over, so the shutdown can only ever hit this response's socket.
        pool = _compat.hold_connection(raw)
        watching = watch(deadline, lambda: _compat.interrupt(raw))
        ok = False
        try:
            body = read_limited(raw, limits.max_body_bytes, limits.max_decompression_ratio)
            ok = True
            return body
        finally:
            _compat.give_back(raw, pool, reusable=watching.cancel() and ok)

    def _send_once(self, prepared: requests.PreparedRequest, timeout: Any, retries: RetryPolicy) -> requests.Response:
        settings = self.settings_for(prepared.url)
        session = self.session
        kwargs: Dict[str, Any] = {"stream": True, "timeout": timeout, "allow_redirects": False,
                                  "verify": settings["verify"], "cert": settings["cert"],
                                  "proxies": settings["proxies"]}
        if isinstance(session.get_adapter(prepared.url), RetryAdapter):
            kwargs["retries"] = retries
        try:
            response = session.send(prepared, **kwargs)
        except RefreshFailed as failed:
            raise failed.error from None
        except Exception as exc:  # noqa: BLE001 - translated in one place
            raise translate(exc, prepared) from exc
        _enforce_length(response)
        return response

    def _send_following_redirects(self, prepared: requests.PreparedRequest, timeout: Any,
                                  retries: RetryPolicy) -> requests.Response:
        response = self._send_once(prepared, timeout, retries)
        if getattr(self.session, "follow_redirects", True) is False:  # DefaultHttpxClient(follow_redirects=False)
            return response
        for _ in range(MAX_REDIRECTS):
            if not response.is_redirect:
                return response
            prepared = self._redirected(prepared, response)
            log.debug("Following redirect %s to %s", response.status_code, prepared.url)
            response = self._send_once(prepared, timeout, retries)
        response.close()
        raise APIConnectionError(message="Too many redirects (more than %d)." % MAX_REDIRECTS, request=prepared)

    def _redirected(self, prepared: requests.PreparedRequest, response: requests.Response) -> requests.PreparedRequest:
        target = self.session.get_redirect_target(response)
        drain(response)
        location = requests.compat.urljoin(response.url, target)
        parts = urlsplit(location)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            what = "a URL without a host" if parts.scheme.lower() in ("http", "https") else (
                "a %s: URL" % parts.scheme if parts.scheme else "a URL without a scheme")
            raise APIConnectionError(message="The server redirected (%d) to %s; only http:// and https:// URLs "
                                             "with a host are followed." % (response.status_code, what),
                                     request=prepared)
        new = prepared.copy()
        try:
            new.prepare_url(location, None)
        except (requests.exceptions.RequestException, ValueError) as exc:
            raise APIConnectionError(message="The server redirected (%d) to a URL that cannot be used: %s"
                                             % (response.status_code, exc), request=prepared) from None
        status, method = response.status_code, prepared.method
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            new.method = "GET"
            new.body = None
            for name in ("Content-Length", "Content-Type", "Transfer-Encoding"):
                new.headers.pop(name, None)
        else:
            _rewind(new.body)
        if self.session.should_strip_auth(prepared.url, new.url):
            for name in _CREDENTIAL_HEADERS:
                new.headers.pop(name, None)
        return new

    def _after_fork(self) -> None:
        # The parent's pooled sockets must not be shared: drop (not close) them in the child.
        # Closing a socket in the child closes only the child's copy of the descriptor: the parent's
        # connections are untouched, and the child opens its own.
        for adapter in self.session.adapters.values():
            for manager in [getattr(adapter, "poolmanager", None)] + list(getattr(adapter, "proxy_manager", {}).values()):
                if manager is not None:
                    manager.clear()
        self._pid = os.getpid()

    closed = False

    def close(self) -> None:
        """End the streams still open, then close the pool (if the session is ours). Later calls fail."""
        self.closed = True
        with self._streams_lock:
            streams = list(self._streams)
        for stream in streams:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - closing the rest matters more
                pass
        if self.owns_session:
            self.session.close()


def _enforce_length(response: requests.Response) -> None:
    """A body that ends before its Content-Length must raise (ProtocolError), not pass as complete:
    urllib3 2.x checks by default, 1.26 only when asked. Every reader (eager, binary, raw) inherits it."""
    raw = response.raw
    if getattr(raw, "enforce_content_length", True) is False:
        raw.enforce_content_length = True


def _rewind(body: Any) -> None:
    seek = getattr(body, "seek", None)
    if seek is not None:
        seek(0)


# The one tuple of errors that mean "the network failed" (what translate() turns into ours).
NETWORK_ERRORS = (OSError, Urllib3HTTPError, http.client.HTTPException, requests.exceptions.RequestException)
# a body shorter than announced: a chunked body without its last chunk, or fewer bytes than Content-Length
_CUT_SHORT = (InvalidChunkLength, IncompleteRead, http.client.IncompleteRead, requests.exceptions.ChunkedEncodingError)


def chain(exc: BaseException, limit: int = 16) -> List[BaseException]:
    """``exc`` and every exception it wraps, outermost first: a ``MaxRetryError``'s reason, exceptions
    passed as arguments (requests and urllib3 wrap that way: ``ProtocolError("Connection aborted.",
    TimeoutError(...))``), then ``__cause__`` / ``__context__``. The one chain-walker of the package."""
    out: List[BaseException] = []
    seen = set()
    queue: List[Any] = [exc]
    while queue and len(out) < limit:
        current = queue.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        out.append(current)
        if isinstance(current, MaxRetryError):
            queue.append(current.reason)
        queue.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        queue.append(current.__cause__ or current.__context__)
    return out


def drain(response: requests.Response, limit: int = 65536) -> None:
    """Read a small body that does not matter (a redirect's) so the connection can be reused; a body
    bigger than ``limit``, or broken, closes the connection instead."""
    try:
        if not _compat.body_is_read(response):
            data = response.raw.read(limit + 1, decode_content=False) or b""
            if len(data) <= limit:
                response.raw.read(1, decode_content=False)  # sees the end, releases the connection
            else:
                response.raw.close()
    except Exception:  # noqa: BLE001 - a broken body that does not matter: the connection is closed
        response.raw.close()
    response.close()


def translate(exc: BaseException, request: Any) -> APIConnectionError:
    """Every low-level failure becomes one of two public errors, here and nowhere else."""
    if isinstance(exc, APIConnectionError):
        return exc
    links = chain(exc)
    # urllib3 derives NewConnectionError from ConnectTimeoutError, but a refusal is not a timeout. A
    # timeout may sit deep inside: a body the server never reads is ProtocolError("Connection aborted.",
    # TimeoutError("timed out")) (a write timeout).
    if not any(isinstance(link, NewConnectionError) for link in links) and any(
            isinstance(link, (requests.exceptions.Timeout, Urllib3TimeoutError, socket.timeout)) for link in links):
        return APITimeoutError(request)
    return APIConnectionError(message="Connection error: %s" % (_short_reason(exc),), request=request)


def _short_reason(exc: BaseException) -> str:
    """What went wrong on the wire, in a line: the innermost network failure of the chain (not, say, the
    ``ValueError`` urllib3 got parsing the chunk size of a body that was cut off), and for a body that
    ended early, that it did."""
    links = chain(exc)
    innermost = next((link for link in reversed(links) if isinstance(link, NETWORK_ERRORS)), links[-1])
    text = str(innermost) or type(innermost).__name__
    if any(isinstance(link, _CUT_SHORT) for link in links):
        text = "the response ended before it was complete (%s)" % (text,)
    return text if len(text) <= 300 else text[:300] + "..."
