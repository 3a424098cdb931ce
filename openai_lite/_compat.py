"""Every place openai_lite touches a private part of requests, urllib3, http.client or sseclient-py.

Each entry says what it relies on and why the public API is not enough. tests/test_compat.py
has a test per entry, run against the oldest (requests 2.25.1, urllib3 1.26) and newest supported
versions and the pre-release set, so an upstream change shows up as one failing test here.

Entries:
- ``InformationalSkippingResponse`` / ``pool_classes``: skip 1xx answers such as 103 Early Hints.
- ``PerCallRetries``: the urllib3 ``Retry`` of one ``HTTPAdapter.send`` on one thread.
- ``is_pristine_default_adapter``: the adapter a new ``requests.Session`` mounts, untouched.
- ``body_is_read`` / ``read_content`` / ``set_body``: the ``requests.Response`` body we read ourselves (bounded).
- ``response_socket`` / ``interrupt``: wake a read blocked in another thread.
- ``hold_connection`` / ``restore_pool`` / ``give_back``: keep urllib3 from pooling a connection while we still act on it.
- ``http_client_read1``: one socket read of a body on urllib3 < 2.3 (no ``HTTPResponse.read1``).
- ``EventParser``: sseclient-py's field parser over events we frame ourselves.
- ``no_cookies``: the empty cookie jar requests' redirect helpers expect on a request.
"""
from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from typing import Any, Dict, Iterator, Optional

__all__ = [
    "InformationalSkippingResponse", "pool_classes", "PerCallRetries", "is_pristine_default_adapter", "body_is_read",
    "read_content", "set_body", "response_socket", "interrupt", "hold_connection", "restore_pool", "give_back", "http_client_read1", "EventParser",
    "no_cookies",
]

_MAX_SKIPPED_HEADER_LINES = 100


# -- 1xx answers -------------------------------------------------------------------------------------


class InformationalSkippingResponse(http.client.HTTPResponse):
    """An ``http.client.HTTPResponse`` that reads past 1xx answers (103 Early Hints, 102 Processing).

    Relies on: ``http.client.HTTPResponse._read_status`` (private; present 3.5 - 3.14) returning
    ``(version, status, reason)`` and being called in a loop by ``begin``, which itself skips only
    ``100 Continue``. Why: http.client would hand a 103 up as the answer and leave the real one
    unread on the socket; there is no public hook between the status line and the headers.
    101 is left alone (it switches protocols: nothing follows that HTTP could read).
    """

    def _read_status(self) -> Any:
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 102 <= status < 200:
                return version, status, reason
            for _ in range(_MAX_SKIPPED_HEADER_LINES):
                line = self.fp.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
            else:
                raise http.client.HTTPException("an informational (%d) answer with too many header lines" % status)


def pool_classes() -> Dict[str, type]:
    """urllib3 pool classes whose connections read answers with ``InformationalSkippingResponse``.

    Relies on: ``PoolManager.pool_classes_by_scheme`` (an attribute, not a documented parameter),
    ``HTTPConnectionPool.ConnectionCls`` and http.client's ``HTTPConnection.response_class``
    (public in http.client; urllib3 1.26 and 2.x both call ``super().getresponse()``, which uses it).
    """
    global _POOL_CLASSES
    if _POOL_CLASSES is None:
        from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

        found: Dict[str, type] = {}
        for scheme, base in (("http", HTTPConnectionPool), ("https", HTTPSConnectionPool)):
            connection = type("Skip1xx" + base.ConnectionCls.__name__, (base.ConnectionCls,),
                              {"response_class": InformationalSkippingResponse})
            found[scheme] = type("Skip1xx" + base.__name__, (base,), {"ConnectionCls": connection})
        _POOL_CLASSES = found
    return dict(_POOL_CLASSES)


_POOL_CLASSES: Optional[Dict[str, type]] = None


# -- adapters and pools ------------------------------------------------------------------------------


class PerCallRetries:
    """Mixin for a ``requests.adapters.HTTPAdapter``: ``retries_for_this_send(policy)`` makes ``policy``
    the ``Retry`` of the ``send`` it wraps, on this thread only.

    Relies on: ``HTTPAdapter.send`` reading ``self.max_retries`` when it calls urllib3's ``urlopen``
    (requests 2.0 - 2.34; an attribute, but when it is read is not documented). Why: ``send`` takes
    no ``retries`` argument, and the policy is per call (its retry count, deadline, credential
    refresh) while the adapter is shared by every thread; a thread-local keeps them apart.
    """

    _default_retries: Any = None

    @property
    def _per_call(self) -> threading.local:
        local = self.__dict__.get("_local")  # made lazily: HTTPAdapter pickles only its __attrs__
        if local is None:
            local = self.__dict__.setdefault("_local", threading.local())
        return local

    @property
    def max_retries(self) -> Any:
        return getattr(self._per_call, "retries", None) or self._default_retries

    @max_retries.setter
    def max_retries(self, value: Any) -> None:
        self._default_retries = value

    @contextlib.contextmanager
    def retries_for_this_send(self, retries: Any) -> Iterator[None]:
        local = self._per_call
        local.retries = retries
        try:
            yield
        finally:
            local.retries = None



def is_pristine_default_adapter(adapter: Any) -> bool:
    """The ``HTTPAdapter()`` a new ``requests.Session`` mounts, untouched (no retries, default pool).

    Relies on: ``HTTPAdapter._pool_connections`` / ``_pool_maxsize`` / ``_pool_block`` (private;
    requests 2.0 - 2.34 keep the constructor arguments there). Why: a user's session is kept as
    given except for these untouched defaults, and nothing public tells them apart.
    """
    from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter

    if type(adapter) is not HTTPAdapter:
        return False
    retries = getattr(adapter, "max_retries", None)
    return (getattr(retries, "total", None) == 0
            and getattr(adapter, "_pool_connections", None) == DEFAULT_POOLSIZE
            and getattr(adapter, "_pool_maxsize", None) == DEFAULT_POOLSIZE
            and not getattr(adapter, "_pool_block", False))


# -- response bodies ---------------------------------------------------------------------------------


def body_is_read(response: Any) -> bool:
    """Whether the ``requests.Response`` body was consumed (read whole, or iterated to its end).

    Relies on: ``Response._content_consumed`` (private; requests 2.0 - 2.34). Why: ``.content``
    would read an unread body whole (or fail on an iterated one), and nothing public says which.
    """
    return bool(getattr(response, "_content_consumed", False))


def read_content(response: Any) -> Optional[bytes]:
    """The body if it was read whole already (``.content`` costs nothing), else None.

    Relies on: ``Response._content`` (private; requests 2.0 - 2.34: ``False`` until read). Why: as
    for ``body_is_read``; a bounded reader must never let ``.content`` read an unread body.
    """
    content = getattr(response, "_content", None)
    return content if isinstance(content, bytes) else None


def set_body(response: Any, body: bytes) -> None:
    """Make ``response.content`` return ``body`` (read by us, with limits and a deadline).

    Relies on: ``Response._content`` and ``_content_consumed`` (private; requests 2.0 - 2.34, the
    pair ``Response.content`` itself fills). Why: requests has no public way to read a body in
    bounded pieces and still offer ``.content`` / ``.json()`` to the user's raw response.
    """
    response._content = body
    response._content_consumed = True


def response_socket(raw: Any) -> Any:
    """The socket a urllib3 response is read from, or None once released.

    Relies on: ``HTTPResponse._connection`` (private; urllib3 1.26 and 2.x set it when the
    response is not preloaded, which is how requests reads) and ``HTTPConnection.sock``.
    """
    return getattr(getattr(raw, "_connection", None), "sock", None)


def interrupt(raw: Any) -> bool:
    """Wake a read blocked on this response, from any thread: shut the socket down for reading.

    urllib3 >= 2.3 has ``HTTPResponse.shutdown()`` for this; older ones need the socket itself
    (``response_socket``). Returns whether a socket was shut down.
    """
    shutdown = getattr(raw, "shutdown", None)
    if shutdown is not None and getattr(raw, "_sock_shutdown", None) is not None:
        try:
            shutdown()
            return True
        except (OSError, RuntimeError, ValueError):
            pass
    sock = response_socket(raw)
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
        return True
    except OSError:
        return False


def hold_connection(raw: Any) -> Any:
    """Keep urllib3 from giving this response's connection back to the pool on its own; returns what
    ``give_back`` needs.

    Relies on: ``HTTPResponse._pool`` (private; urllib3 1.26 and 2.x release to it at the end of
    the body only when it is set). Why: while a watchdog may still shut the socket down (deadline,
    ``close()`` from another thread), the connection must not be lent to another request.
    """
    pool = getattr(raw, "_pool", None)
    if pool is not None:
        raw._pool = None
    return pool


def restore_pool(raw: Any, pool: Any) -> None:
    """Undo ``hold_connection`` only (the caller releases the connection itself)."""
    if pool is not None:
        raw._pool = pool


def give_back(raw: Any, pool: Any, reusable: bool) -> None:
    """Undo ``hold_connection``: the connection goes back to its pool (its slot is not lost), closed
    first unless ``reusable`` (its socket may have been shut down), once the body has ended."""
    if pool is None:
        return
    raw._pool = pool
    if not reusable:
        raw.close()
    fp = getattr(raw, "_fp", None)
    if fp is None or (hasattr(fp, "isclosed") and fp.isclosed()):
        raw.release_conn()


def http_client_read1(raw: Any) -> Any:
    """``http.client.HTTPResponse.read1`` of a urllib3 response that lacks its own ``read1`` (< 2.3).

    Relies on: ``HTTPResponse._fp`` (private; the http.client response in urllib3 1.26 - 2.x).
    Why: ``read`` of http.client waits for the whole amount asked, and an event stream must
    hand on each event as it arrives. None when there is no such method.
    """
    fp = getattr(raw, "_fp", None)
    return fp if hasattr(fp, "read1") else None


# -- sseclient-py ------------------------------------------------------------------------------------


class _NoLog:
    @staticmethod
    def debug(*args: Any, **kwargs: Any) -> None:
        pass


def EventParser(frames: Iterator[bytes]) -> Any:
    """sseclient-py's field parsing (``SSEClient.events()``) over events already cut out.

    Relies on: ``SSEClient._read`` (the private method ``events`` reads its input through),
    ``_event_source`` (where the constructor keeps that input) and ``_logger`` (sseclient-py
    0.0.20 - 0.0.27). Why: sseclient's own ``_read`` re-splits the input and joins lines with
    ``+=`` (quadratic for one large event); handed whole events, parsing stays linear. The
    public API has no way to give it pre-framed input. ``events_of(frame)`` parses one more
    frame on the same parser (it replaces ``_event_source``): the stream parses the common event
    shapes itself and hands only the others to sseclient-py.
    """
    return _event_parser_class()(frames)


_PARSER_CLASS: Any = None


def _event_parser_class() -> Any:
    global _PARSER_CLASS
    if _PARSER_CLASS is None:
        from sseclient import SSEClient

        class _Parser(SSEClient):  # type: ignore[misc]
            def __init__(self, frames: Iterator[bytes]) -> None:
                super().__init__(frames)
                self._logger = _NoLog()  # its per-event debug log is not wanted on the hot path

            def _read(self) -> Iterator[bytes]:
                return self._event_source  # type: ignore[attr-defined,no-any-return]

            def events_of(self, frame: bytes) -> Iterator[Any]:
                """The events of one more frame, on this same parser (the stream's fast path hands
                it only the frames it does not parse itself)."""
                self._event_source = (frame,)
                return self.events()  # type: ignore[no-any-return]

        _PARSER_CLASS = _Parser
    return _PARSER_CLASS


# -- requests' prepared requests ---------------------------------------------------------------------


def no_cookies(prepared: Any) -> None:
    """Give a hand-built ``PreparedRequest`` the empty cookie jar ``prepare_cookies`` would.

    Relies on: ``PreparedRequest._cookies`` (private; requests 2.0 - 2.34 read it in
    ``Session.send`` / ``rebuild_auth`` paths). Why: building the request without
    ``Session.prepare_request`` saves most of requests' per-call CPU; the jar must still exist.
    """
    from requests.cookies import RequestsCookieJar

    prepared._cookies = RequestsCookieJar()
