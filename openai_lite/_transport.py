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
from typing import Any, Dict, Optional

import requests
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter
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

from ._exceptions import APIConnectionError, APITimeoutError
from ._logging import log
from ._retry import RefreshFailed, RetryPolicy

DEFAULT_POOL_MAXSIZE = 64
MAX_REDIRECTS = 20
_CREDENTIAL_HEADERS = ("Authorization", "api-key", "X-Amz-Security-Token")


class RetryAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose urllib3 ``Retry`` can be chosen per request.

    requests reads ``adapter.max_retries`` inside ``send``; a per-call policy is handed
    over through a thread-local so threads sharing the adapter never see each other's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._default_retries: Any = None
        super().__init__(*args, **kwargs)

    @property
    def _per_call(self) -> threading.local:
        local = self.__dict__.get("_local")
        if local is None:
            local = self.__dict__.setdefault("_local", threading.local())
        return local

    @property  # type: ignore[override]
    def max_retries(self) -> Any:
        return getattr(self._per_call, "retries", None) or self._default_retries

    @max_retries.setter
    def max_retries(self, value: Any) -> None:
        self._default_retries = value

    def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None, retries: Optional[RetryPolicy] = None) -> requests.Response:
        if retries is None:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        local = self._per_call
        local.retries = retries
        try:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        finally:
            local.retries = None


def _is_pristine_default_adapter(adapter: Any) -> bool:
    """The ``HTTPAdapter()`` a new ``requests.Session`` mounts, untouched (no retries, default pool)."""
    if type(adapter) is not HTTPAdapter:
        return False
    retries = getattr(adapter, "max_retries", None)
    return (getattr(retries, "total", None) == 0
            and getattr(adapter, "_pool_connections", None) == DEFAULT_POOLSIZE
            and getattr(adapter, "_pool_maxsize", None) == DEFAULT_POOLSIZE
            and not getattr(adapter, "_pool_block", False))


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
            if current is None or _is_pristine_default_adapter(current):
                session.mount(prefix, RetryAdapter(pool_connections=4, pool_maxsize=pool_maxsize))
        self.proxies = proxies
        self.verify = verify
        self.cert = cert
        self._settings: Dict[str, Dict[str, Any]] = {}
        self._pid = os.getpid()

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

    # -- sending -----------------------------------------------------------------------------

    def send(self, prepared: requests.PreparedRequest, *, timeout: Any, retries: RetryPolicy,
             stream: bool) -> requests.Response:
        """Send, follow redirects, and (unless streaming) read the body, retrying as the policy says."""
        if self._pid != os.getpid():
            self._after_fork()
        while True:
            response = self._send_following_redirects(prepared, timeout, retries)
            if stream:
                return response
            try:
                response.content  # read the body now, inside the retry loop
                return response
            except Exception as exc:  # noqa: BLE001 - classified just below
                used = getattr(response.raw, "retries", None)
                response.close()
                cause = _urllib3_cause(exc)
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
        try:
            response.content  # drain so the connection goes back to the pool
        except Exception:  # noqa: BLE001 - a broken redirect body does not matter
            pass
        response.close()
        new = prepared.copy()
        new.prepare_url(requests.compat.urljoin(response.url, target), None)
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
        for adapter in self.session.adapters.values():
            manager = getattr(adapter, "poolmanager", None)
            if manager is not None:
                manager.pools.clear()
            for proxy_manager in getattr(adapter, "proxy_manager", {}).values():
                proxy_manager.pools.clear()
        self._pid = os.getpid()

    closed = False

    def close(self) -> None:
        self.closed = True
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


def _urllib3_cause(exc: BaseException) -> Any:
    """The urllib3 error underneath a requests exception (requests puts it in args[0])."""
    seen = 0
    current: Any = exc
    while current is not None and seen < 8:
        seen += 1
        if isinstance(current, (ProtocolError, ReadTimeoutError)):
            return current
        if isinstance(current, MaxRetryError):
            current = current.reason
            continue
        args = getattr(current, "args", ())
        nxt = args[0] if args and isinstance(args[0], BaseException) else current.__context__
        current = nxt
    return None


_NETWORK_ERRORS = (OSError, Urllib3HTTPError, http.client.HTTPException, requests.exceptions.RequestException)
# a body shorter than announced: a chunked body without its last chunk, or fewer bytes than Content-Length
_CUT_SHORT = (InvalidChunkLength, IncompleteRead, http.client.IncompleteRead, requests.exceptions.ChunkedEncodingError)


def _chain(exc: BaseException) -> Any:
    seen = 0
    current: Any = exc
    while current is not None and seen < 8:
        seen += 1
        yield current
        if isinstance(current, MaxRetryError):
            current = current.reason
        else:
            args = getattr(current, "args", ())
            current = args[0] if args and isinstance(args[0], BaseException) else (current.__cause__ or current.__context__)


def translate(exc: BaseException, request: Any) -> APIConnectionError:
    """Every low-level failure becomes one of two public errors, here and nowhere else."""
    if isinstance(exc, APIConnectionError):
        return exc
    for link in _chain(exc):
        if isinstance(link, NewConnectionError):
            break  # urllib3 derives it from ConnectTimeoutError, but a refusal is not a timeout
        if isinstance(link, (requests.exceptions.Timeout, Urllib3TimeoutError, socket.timeout)):
            return APITimeoutError(request)
    return APIConnectionError(message="Connection error: %s" % (_short_reason(exc),), request=request)


def _short_reason(exc: BaseException) -> str:
    """What went wrong on the wire, in a line: the innermost network failure of the chain (not, say, the
    ``ValueError`` urllib3 got parsing the chunk size of a body that was cut off), and for a body that
    ended early, that it did."""
    links = list(_chain(exc))
    innermost = next((link for link in reversed(links) if isinstance(link, _NETWORK_ERRORS)), links[-1])
    text = str(innermost) or type(innermost).__name__
    if any(isinstance(link, _CUT_SHORT) for link in links):
        text = "the response ended before it was complete (%s)" % (text,)
    return text if len(text) <= 300 else text[:300] + "..."
