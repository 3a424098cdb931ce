"""One test per entry of openai_lite/_compat.py: each pins what the entry relies on in requests,
urllib3, http.client or sseclient-py, so an upstream change fails here first, by name. Run on the
oldest (requests 2.25.1, urllib3 1.26), newest and pre-release dependency sets (tools/test.sh)."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

from _rawserver import RawServer, response
from openai_lite import _compat
from openai_lite._transport import RetryAdapter
from openai_lite.testing import Scripted


def session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    s.mount("http://", RetryAdapter())
    return s


def test_informational_answers_are_skipped():
    assert callable(getattr(__import__("http.client").client.HTTPResponse, "_read_status"))

    def handler(conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + response(200, b"whole"))
        return True

    with RawServer(handler) as srv, session() as s:
        manager = s.get_adapter(srv.url).poolmanager
        assert manager.pool_classes_by_scheme == _compat.pool_classes()
        pool_cls = manager.pool_classes_by_scheme["http"]
        assert pool_cls.ConnectionCls.response_class is _compat.InformationalSkippingResponse
        for _ in range(2):
            got = s.get(srv.url + "/x")
            assert (got.status_code, got.content) == (200, b"whole")


def test_per_call_retries(server):
    from urllib3.util.retry import Retry

    server.enqueue(Scripted(status=503, body=b"", repeat=2))
    with session() as s:
        adapter = s.get_adapter(server.url)
        assert isinstance(adapter, _compat.PerCallRetries)
        default = adapter.max_retries
        seen = []
        with adapter.retries_for_this_send(Retry(total=1, status_forcelist=[503], backoff_factor=0,
                                                 raise_on_status=False)):
            seen.append(adapter.max_retries.total)
            other = threading.Thread(target=lambda: seen.append(adapter.max_retries is default))
            other.start()
            other.join()
            # requests' send reads adapter.max_retries: the per-send policy retries the 503 once
            assert s.get(server.url + "/models").status_code == 503
        assert adapter.max_retries is default and seen == [1, True]
    assert len(server.requests) == 2


def test_pristine_default_adapter():
    assert _compat.is_pristine_default_adapter(requests.Session().adapters["https://"])
    assert not _compat.is_pristine_default_adapter(HTTPAdapter(pool_maxsize=5))
    assert not _compat.is_pristine_default_adapter(HTTPAdapter(max_retries=3))
    assert not _compat.is_pristine_default_adapter(RetryAdapter())
    assert all(hasattr(HTTPAdapter(), name) for name in ("_pool_connections", "_pool_maxsize", "_pool_block"))


def test_response_body_entries(server):
    with session() as s:
        unread = s.get(server.url + "/models", stream=True)
        assert _compat.read_content(unread) is None and not _compat.body_is_read(unread)
        _compat.set_body(unread, b'{"ok": 1}')
        assert unread.content == b'{"ok": 1}' and unread.json() == {"ok": 1} and _compat.body_is_read(unread)
        read = s.get(server.url + "/models")
        assert _compat.read_content(read) == read.content and _compat.body_is_read(read)
        iterated = s.get(server.url + "/models", stream=True)
        b"".join(iterated.iter_content(100))
        assert _compat.body_is_read(iterated) and _compat.read_content(iterated) is None


def test_interrupt_wakes_a_blocked_read():
    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
        time.sleep(10)

    with RawServer(handler) as srv, session() as s:
        got = s.get(srv.url + "/x", stream=True, timeout=30)
        assert isinstance(_compat.response_socket(got.raw), socket.socket)
        outcome = []

        def read() -> None:
            try:
                outcome.append(got.raw.read(100))
            except Exception as exc:  # noqa: BLE001
                outcome.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        time.sleep(0.3)
        assert _compat.interrupt(got.raw)
        reader.join(5)
        assert not reader.is_alive() and outcome


def test_hold_connection_and_give_back(server):
    with session() as s:
        got = s.get(server.url + "/models", stream=True)
        pool = _compat.hold_connection(got.raw)
        assert pool is not None and got.raw._pool is None
        assert json.loads(got.raw.read())["object"] == "list"
        assert got.raw._connection is not None  # urllib3 did not release it on its own
        _compat.give_back(got.raw, pool, reusable=True)
        assert got.raw._connection is None
        assert s.get(server.url + "/models").status_code == 200
        other = s.get(server.url + "/models", stream=True)
        _compat.restore_pool(other.raw, _compat.hold_connection(other.raw))
        assert other.raw._pool is not None
        other.content
    assert server.connections_opened == 1


def test_http_client_read1(server):
    server.enqueue(Scripted(chunks=["first ", "second"], chunk_delay=0.1, content_type="text/plain"))
    with session() as s:
        got = s.get(server.url + "/models", stream=True)
        fp = _compat.http_client_read1(got.raw)
        assert fp is not None
        assert fp.read1(65536) == b"first "


def test_event_parser():
    frames = [b"event: a\ndata: 1\n\n", b"data: x\ndata: y\nid: 7\n\n", b": comment\n\n"]
    events = [(e.event, e.data, e.id) for e in _compat.EventParser(iter(frames)).events()]
    assert events == [("a", "1", None), ("message", "x\ny", "7")]
    parser = _compat.EventParser(())  # one parser, handed one frame at a time
    assert [(e.event, e.data, e.id) for frame in frames for e in parser.events_of(frame)] == events


def test_no_cookies(server):
    from requests.cookies import RequestsCookieJar

    assert isinstance(requests.Session().prepare_request(requests.Request("GET", server.url))._cookies,
                      RequestsCookieJar)
    prepared = requests.PreparedRequest()
    prepared.prepare(method="GET", url=server.url + "/models")
    _compat.no_cookies(prepared)
    assert isinstance(prepared._cookies, RequestsCookieJar)
    server.enqueue(Scripted(status=302, headers={"Location": "/v1/models"}, body=b""), path="/v1/old")
    with session() as s:
        old = requests.PreparedRequest()
        old.prepare(method="GET", url=server.url + "/old")
        _compat.no_cookies(old)
        assert s.send(old, allow_redirects=True).json()["object"] == "list"


@pytest.mark.parametrize("name", _compat.__all__)
def test_every_entry_has_a_test(name):
    source = open(__file__, encoding="utf-8").read()
    assert "_compat.%s" % name in source, "no test uses _compat.%s" % name
