"""Faults a well-behaved HTTP server never commits, each on a loopback server that writes the bytes
itself (tests/_rawserver.py), and the bounds (``ResponseLimits``) that keep a hostile body from filling memory.

README.rst's "Reliability" section lists each of these by its title (``test_readme_lists_these``).
"""
from __future__ import annotations

import copy
import gzip
import json
import pickle
import socket
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any, List

import pytest

from _rawserver import RawServer, response
from conftest import API_KEY
from openai_lite import (
    APIConnectionError, APIResponseValidationError, APITimeoutError, BadRequestError, InternalServerError, OpenAI,
)
from openai_lite._limits import ResponseLimits

README = Path(__file__).resolve().parent.parent / "README.rst"
CHUNK = json.dumps({"id": "c", "object": "chat.completion.chunk", "choices": [
    {"index": 0, "delta": {"content": "part"}, "finish_reason": None}]})
SSE = ("data: %s\n\n" % CHUNK).encode() * 3 + b"data: [DONE]\n\n"
OK = json.dumps({"id": "ok", "object": "chat.completion", "choices": []}).encode()
DEEP = b"[" * 100000 + b"]" * 100000
TITLES: List[str] = []


def titled(title: str) -> Any:
    TITLES.append(title)
    return lambda fn: fn


def chat(c: Any, **kwargs: Any) -> Any:
    return c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], **kwargs)


def contents(c: Any) -> List[Any]:
    return [chunk.choices[0].delta.content for chunk in chat(c, stream=True)]


def serve(payload: bytes, *, read_body: bool = True) -> RawServer:
    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(payload)
    return RawServer(handler, read_body=read_body)


def client_for(srv: RawServer, **kwargs: Any) -> OpenAI:
    kwargs.setdefault("max_retries", 0)
    return OpenAI(api_key=API_KEY, base_url=srv.url, **kwargs)


def zeros_gzip(size: int) -> bytes:
    """``size`` zero bytes, gzip-compressed without ever holding them (about size / 1000 bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    out = [packer.compress(block) for _ in range(size >> 20)]
    out.append(packer.flush())
    return b"".join(out)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zeros_gzip(512 << 20)  # 512 MiB once decoded, about 500 KiB on the wire


def peak_mib(fn: Any) -> float:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / (1 << 20)


# -- data lost in silence ----------------------------------------------------------------------------


@titled("gzip event stream with a Content-Length (not chunked)")
@pytest.mark.parametrize("framing", ["content-length", "close"])
def test_gzip_event_stream_not_chunked(framing):
    headers = [("Content-Type", "text/event-stream"), ("Content-Encoding", "gzip")]
    if framing == "close":
        headers += [("Connection", "close"), ("Transfer-Encoding", "identity")]
    payload = response(200, gzip.compress(SSE), headers=headers)
    if framing == "close":
        payload = payload.replace(b"Transfer-Encoding: identity\r\n", b"")
    with serve(payload) as srv, client_for(srv) as c:
        assert contents(c) == ["part", "part", "part"]


# -- faults that escaped as something other than our errors ------------------------------------------


@titled("JSON body nested 100,000 levels deep")
def test_deep_json_body():
    with serve(response(200, DEEP, headers=[("Content-Type", "application/json")])) as srv, client_for(srv) as c:
        with pytest.raises(APIResponseValidationError, match="nested too deeply"):
            chat(c)


@titled("Stream event nested 100,000 levels deep")
def test_deep_json_event():
    body = b"data: " + DEEP + b"\n\n"
    with serve(response(200, body, headers=[("Content-Type", "text/event-stream")])) as srv, client_for(srv) as c:
        with pytest.raises(APIResponseValidationError, match="nested too deeply"):
            contents(c)


def test_deep_json_error_body_is_still_the_status_error():
    with serve(response(400, DEEP, headers=[("Content-Type", "application/json")], reason="Bad")) as srv, \
            client_for(srv) as c:
        with pytest.raises(BadRequestError) as info:
            chat(c)
    assert len(str(info.value)) < 700


@titled("Chunk header announcing 0x7fffffffffff bytes")
@pytest.mark.parametrize("streaming", [True, False])
def test_absurd_chunk_size(streaming):
    payload = (b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffff\r\ndata: {"
               % (b"text/event-stream" if streaming else b"application/json"))
    with serve(payload) as srv, client_for(srv) as c:
        with pytest.raises(APIConnectionError, match="ended before it was complete"):
            contents(c) if streaming else chat(c)


@titled("Redirect to ftp:// or to http://:80/")
@pytest.mark.parametrize("location,says", [("ftp://files.example/x", "ftp: URL"), ("http://:80/", "without a host"),
                                           ("/relative/../but/fine?x=1", None)])
def test_redirect_to_an_unusable_url(location, says):
    answers = [response(307, headers=[("Location", location)]), response(200, OK, headers=[
        ("Content-Type", "application/json")])]

    def handler(conn: socket.socket, head: bytes) -> bool:
        conn.sendall(answers.pop(0))
        return True

    with RawServer(handler, read_body=True) as srv, client_for(srv, max_retries=2) as c:
        if says is None:
            assert chat(c).id == "ok"
            return
        with pytest.raises(APIConnectionError, match=says) as info:
            chat(c)
        assert type(info.value) is APIConnectionError
        assert len(srv.requests) == 1  # not retried


@titled("103 Early Hints before the 200")
def test_early_hints_are_skipped():
    hints = (b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
             b"HTTP/1.1 102 Processing\r\n\r\n")
    ok = response(200, OK, headers=[("Content-Type", "application/json"), ("x-request-id", "req-7")])

    def handler(conn: socket.socket, head: bytes) -> bool:
        conn.sendall(hints + ok)
        return True

    with RawServer(handler, read_body=True) as srv, client_for(srv) as c:
        first = chat(c)
        assert (first.id, first._request_id) == ("ok", "req-7")
        assert chat(c).id == "ok"  # the connection was left clean for the next call
        assert len(srv.requests) == 2


@titled("Request body the server never reads (write timeout)")
def test_write_timeout_is_a_timeout():
    def handler(conn: socket.socket, head: bytes) -> None:
        time.sleep(5)

    with RawServer(handler, read_body=False) as srv, client_for(srv, timeout=0.5) as c:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            c.post("/uploads", body=b"x" * (64 << 20), cast_to=object)
        assert time.monotonic() - started < 4.5


# -- memory --------------------------------------------------------------------------------------------


@titled("Error body: 500 KB of gzip expanding to 512 MB")
def test_error_body_bomb_is_read_up_to_the_cap(bomb):
    payload = response(500, bomb, headers=[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
                       reason="Oops")
    with serve(payload) as srv, client_for(srv) as c:
        caught: List[Any] = []

        def call() -> None:
            with pytest.raises(InternalServerError) as info:
                chat(c)
            caught.append(info.value)

        assert peak_mib(call) < 48
    (error,) = caught
    assert len(error.response.content) == 1 << 20  # the default cap, decoded
    assert len(str(error)) < 700


@titled("Success body: gzip expanding past max_body_bytes")
def test_success_body_bomb_names_the_limit(bomb):
    payload = response(200, bomb, headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
    with serve(payload) as srv, client_for(srv, response_limits=ResponseLimits(max_body_bytes=8 << 20, max_decompression_ratio=None)) as c:
        def call() -> None:
            with pytest.raises(APIResponseValidationError, match="max_body_bytes"):
                chat(c)

        assert peak_mib(call) < 48


@titled("Success body: gzip expanding more than max_decompression_ratio times")
def test_success_body_bomb_stops_at_the_ratio(bomb):
    payload = response(200, bomb, headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
    with serve(payload) as srv, client_for(srv) as c:
        def call() -> None:
            with pytest.raises(APIResponseValidationError, match="max_decompression_ratio"):
                chat(c)

        assert peak_mib(call) < 40
    ordinary = gzip.compress(json.dumps({"id": "z", "object": "thing", "text": "z" * (4 << 20)}).encode())
    with serve(response(200, ordinary, headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")])) \
            as srv, client_for(srv, response_limits=ResponseLimits(max_decompression_ratio=None)) as c:
        assert len(chat(c).text) == 4 << 20


def test_success_body_over_the_limit_plain():
    body = b'{"id": "' + b"x" * 300000 + b'"}'
    with serve(response(200, body, headers=[("Content-Type", "application/json")])) as srv, \
            client_for(srv, response_limits=ResponseLimits(max_body_bytes=100000)) as c:
        with pytest.raises(APIResponseValidationError, match=r"limit of 100000 bytes \(ResponseLimits.max_body_bytes\)"):
            chat(c)
        assert c.with_options(response_limits=ResponseLimits()).response_limits.max_body_bytes == 256 << 20


@titled("Stream event larger than max_event_bytes")
def test_event_over_the_limit():
    body = b"data: " + b"x" * 300000 + b"\n\n"
    with serve(response(200, body, headers=[("Content-Type", "text/event-stream")])) as srv, \
            client_for(srv, response_limits=ResponseLimits(max_event_bytes=100000)) as c:
        with pytest.raises(APIResponseValidationError, match="max_event_bytes"):
            contents(c)


def test_limits_are_checked():
    with pytest.raises(ValueError, match="max_body_bytes"):
        ResponseLimits(max_body_bytes=0)
    with pytest.raises(ValueError, match="max_error_body_bytes"):
        ResponseLimits(max_error_body_bytes=None)
    with pytest.raises(TypeError, match="response_limits must be"):
        OpenAI(api_key=API_KEY, response_limits={"max_body_bytes": 1})
    assert ResponseLimits(max_body_bytes=None).max_body_bytes is None


def test_limits_are_a_read_only_value():
    limits = ResponseLimits(max_body_bytes=8 << 20, max_decompression_ratio=None)
    assert limits == ResponseLimits(8 << 20, 1 << 20, 64 << 20, None) and limits != ResponseLimits()
    assert hash(limits) == hash(ResponseLimits(max_body_bytes=8 << 20, max_decompression_ratio=None))
    assert repr(limits) == ("ResponseLimits(max_body_bytes=8388608, max_error_body_bytes=1048576, "
                            "max_event_bytes=67108864, max_decompression_ratio=None)")
    assert pickle.loads(pickle.dumps(limits)) == limits == copy.deepcopy(limits)
    with pytest.raises(AttributeError, match="read-only"):
        limits.max_body_bytes = 1  # type: ignore[misc]
    assert limits.max_body_bytes == 8 << 20


# -- bad input reported as a network fault ------------------------------------------------------------


@titled("Header that HTTP cannot carry (non-latin-1, bad name, line break)")
@pytest.mark.parametrize("headers,says", [
    ({"X-Note": "caf\u00e9 \u2615"}, "outside latin-1"),
    ({"Bad Name": "1"}, "not a valid HTTP header name"),
    ({"X:Colon": "1"}, "not a valid HTTP header name"),
    ({"Authorization": "Bearer " + API_KEY + "\r\nX-Injected: 1"}, "line break"),
    ({"X-Key": API_KEY + "\n"}, "line break"),
])
def test_bad_header_is_an_input_error(headers, says):
    with serve(response(200, OK)) as srv, client_for(srv) as c:
        with pytest.raises(ValueError, match=says) as info:
            chat(c, extra_headers=headers)
        assert not isinstance(info.value, APIConnectionError)
        assert API_KEY not in str(info.value) and API_KEY not in repr(info.value)
        assert srv.requests == []
        with pytest.raises(ValueError, match=says):
            OpenAI(api_key=API_KEY, base_url=srv.url, default_headers=headers)


@titled("base_url with a query or fragment")
@pytest.mark.parametrize("url", ["http://127.0.0.1:9/v1?tenant=7", "http://127.0.0.1:9/v1#x", "http://127.0.0.1:9/v1?",
                                 "http:///v1"])
def test_base_url_with_query_or_fragment(url):
    with pytest.raises(ValueError, match="base_url"):
        OpenAI(api_key=API_KEY, base_url=url)
    with pytest.raises(ValueError, match="base_url"):
        OpenAI(api_key=API_KEY).with_options(base_url=url)


def test_readme_lists_these():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\nReliability\n"):text.index("Where openai_lite differs from openai-python")]
    assert [title for title in TITLES if title not in section] == []
