"""``DefaultHttpxClient(...)`` for code written for openai-python: a ``requests.Session``.

openai-python's users configure its HTTP client with httpx keywords::

    client = OpenAI(http_client=DefaultHttpxClient(proxy="http://proxy:8080", verify="/ca.pem"))

Here the same call builds an :class:`HttpClient`, a ``requests.Session`` carrying those settings
(proxies, TLS verification, client certificate, headers, trust_env) plus the ones a session has
no place for (timeout, pool size, whether redirects are followed), which ``OpenAI`` reads when it
is given the session. A keyword that has no meaning over requests is an error naming it.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import requests

from ._types import NOT_GIVEN, NotGiven, Omit, Timeout

__all__ = ["HttpClient", "DefaultHttpxClient", "DefaultHttpx2Client", "Limits", "DEFAULT_CONNECTION_LIMITS",
           "Transport"]

# openai-python's ``Transport`` is httpx's transport class; a requests adapter plays that part here
# (mount one on a Session: ``session.mount("https://", adapter)``).
Transport = requests.adapters.BaseAdapter

# Keywords of httpx.Client that cannot be carried over to requests, and why.
_UNSUPPORTED = {
    "transport": "an httpx transport cannot drive requests; mount a requests adapter on a Session instead",
    "mounts": "httpx mounts cannot drive requests; mount requests adapters on a Session instead",
    "event_hooks": "httpx event hooks do not apply; use a requests Session's hooks instead",
    "auth": "httpx auth does not apply; the client sends the API key (a callable api_key is called per attempt)",
    "app": "requests cannot call a WSGI/ASGI app directly",
    "base_url": "give base_url to OpenAI(...) instead",
    "params": "give default_query to OpenAI(...) instead",
    "cookies": "set cookies on a requests Session instead",
    "default_encoding": "responses are decoded as UTF-8 JSON",
}


class HttpClient(requests.Session):
    """A ``requests.Session`` made by :func:`DefaultHttpxClient`, with the settings a session
    lacks: ``timeout`` (used when ``OpenAI`` gets no ``timeout`` of its own), ``pool_maxsize``
    (connections kept per host) and ``follow_redirects``."""

    __attrs__ = requests.Session.__attrs__ + ["timeout", "pool_maxsize", "follow_redirects"]

    def __init__(self) -> None:
        super().__init__()
        self.timeout: Any = NOT_GIVEN
        self.pool_maxsize: Optional[int] = None
        self.follow_redirects = True

    def __repr__(self) -> str:
        return "<HttpClient timeout=%r pool_maxsize=%r follow_redirects=%r>" % (
            self.timeout, self.pool_maxsize, self.follow_redirects)


def _proxy_url(value: Any, name: str) -> str:
    url = getattr(value, "url", value)  # an httpx.Proxy carries its URL
    if not isinstance(url, str):
        url = str(url)
    if "://" not in url:
        raise ValueError("%s must be a URL such as 'http://proxy:8080', got %r" % (name, url))
    return url


def _proxies(value: Any) -> Dict[str, str]:
    """httpx ``proxies`` (a URL, or patterns such as ``"https://"``/``"all://"``) -> requests' form."""
    if not isinstance(value, Mapping):
        url = _proxy_url(value, "proxies")
        return {"http": url, "https": url}
    out: Dict[str, str] = {}
    for pattern, target in value.items():
        if target is None:
            continue
        key = str(pattern).rstrip("/").rstrip(":")  # "https://" -> "https", "all://" -> "all"
        out[key] = _proxy_url(target, "proxies[%r]" % (pattern,))
    return out


class Limits:
    """``httpx.Limits``' shape, for ``DefaultHttpxClient(limits=...)``: requests keeps up to
    ``max_keepalive_connections`` (else ``max_connections``) connections per host."""

    def __init__(self, *, max_connections: Optional[int] = None, max_keepalive_connections: Optional[int] = None,
                 keepalive_expiry: Optional[float] = 5.0) -> None:
        self.max_connections = max_connections
        self.max_keepalive_connections = max_keepalive_connections
        self.keepalive_expiry = keepalive_expiry

    def __repr__(self) -> str:
        return "Limits(max_connections=%r, max_keepalive_connections=%r, keepalive_expiry=%r)" % (
            self.max_connections, self.max_keepalive_connections, self.keepalive_expiry)


DEFAULT_CONNECTION_LIMITS = Limits(max_connections=1000, max_keepalive_connections=100)


def _pool_size(limits: Any) -> Optional[int]:
    """``httpx.Limits(max_connections=..., max_keepalive_connections=...)`` (or a dict) -> pool size:
    the connections kept per host, which is what requests' pool size means."""
    if limits is None:
        return None
    get = limits.get if isinstance(limits, Mapping) else (lambda key: getattr(limits, key, None))
    for key in ("max_keepalive_connections", "max_connections"):
        value = get(key)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError("limits.%s must be a positive integer, got %r" % (key, value))
            return value
    return None


def _timeout(value: Any) -> Any:
    converted = Timeout(value)  # an httpx.Timeout becomes ours; a bad value fails here, naming itself
    return value if isinstance(value, (int, float)) or value is None else converted


def DefaultHttpxClient(**kwargs: Any) -> HttpClient:  # noqa: N802 - openai-python's name
    """A ``requests.Session`` configured from httpx.Client keywords, for ``OpenAI(http_client=...)``.

    Understood: ``proxy``, ``proxies``, ``verify`` (bool or CA bundle path), ``cert``, ``timeout``,
    ``limits`` (its ``max_connections`` sizes the pool), ``follow_redirects``, ``max_redirects``,
    ``headers``, ``trust_env``, ``http1``; ``http2=True`` is refused (requests speaks HTTP/1.1).
    """
    session = HttpClient()
    for name, value in kwargs.items():
        if isinstance(value, (NotGiven, Omit)):
            continue
        if name == "proxy":
            if value is not None:
                url = _proxy_url(value, "proxy")
                session.proxies = {"http": url, "https": url}
        elif name == "proxies":
            if value is not None:
                session.proxies = _proxies(value)
        elif name == "verify":
            if not isinstance(value, (bool, str)) and not hasattr(value, "__fspath__"):
                raise TypeError("verify must be True, False or a CA bundle path with requests, got %s (an "
                                "ssl.SSLContext cannot be given to requests; pass its CA file instead)"
                                % type(value).__name__)
            session.verify = value if isinstance(value, (bool, str)) else str(value)
        elif name == "cert":
            session.cert = value
        elif name == "timeout":
            session.timeout = _timeout(value)
        elif name == "limits":
            session.pool_maxsize = _pool_size(value)
        elif name == "follow_redirects":
            session.follow_redirects = bool(value)
        elif name == "max_redirects":
            session.max_redirects = int(value)
        elif name == "headers":
            session.headers.update(dict(value or {}))
        elif name == "trust_env":
            session.trust_env = bool(value)
        elif name == "http1":
            if not value:
                raise ValueError("http1=False is not supported: requests speaks HTTP/1.1 only")
        elif name == "http2":
            if value:
                raise ValueError("http2=True is not supported: requests speaks HTTP/1.1 only (drop http2=)")
        elif name in _UNSUPPORTED:
            raise TypeError("DefaultHttpxClient(%s=...) is not supported: %s" % (name, _UNSUPPORTED[name]))
        else:
            raise TypeError("DefaultHttpxClient() got an unexpected keyword argument %r" % (name,))
    return session


DefaultHttpx2Client = DefaultHttpxClient
