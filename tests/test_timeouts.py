"""Timeouts: stalled headers and bodies, per-call forms, connect failures on loopback."""
from __future__ import annotations

import time

import pytest

from conftest import API_KEY, chat
from openai_lite import APIConnectionError, APITimeoutError, OpenAI, Timeout
from openai_lite._types import to_requests_timeout
from openai_lite.testing import Scripted

SHORT = 0.3


def test_stalled_headers_time_out_and_are_retried(client, server):
    server.enqueue(Scripted(fault="stall_headers", stall=3, repeat=3))
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        chat(client, timeout=SHORT)
    assert time.monotonic() - started < 10
    assert isinstance(info.value, APIConnectionError)
    assert str(info.value) == "Request timed out."
    assert len(server.requests) == 3


def test_stalled_headers_then_success(client, server):
    server.enqueue(Scripted(fault="stall_headers", stall=3))
    assert chat(client, timeout=SHORT).choices[0].message.content == "You said: hello there"
    assert len(server.requests) == 2


def test_stalled_headers_without_retries(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, timeout=SHORT, max_retries=0) as client:
        server.enqueue(Scripted(fault="stall_headers", stall=3))
        with pytest.raises(APITimeoutError):
            chat(client)
    assert len(server.requests) == 1


def test_stalled_body_times_out_on_a_plain_call(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        server.enqueue(Scripted(fault="stall_body", stall=3))
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            chat(client, timeout=SHORT)
        assert time.monotonic() - started < 10
    assert len(server.requests) == 1


def test_stalled_body_is_retried(client, server):
    server.enqueue(Scripted(fault="stall_body", stall=3, repeat=3))
    with pytest.raises(APITimeoutError):
        chat(client, timeout=SHORT)
    assert len(server.requests) == 3
    server.enqueue(Scripted(fault="stall_body", stall=3))
    assert chat(client, timeout=SHORT).object == "chat.completion"


@pytest.mark.parametrize("timeout", [SHORT, (5.0, SHORT), Timeout(SHORT), Timeout(600, read=SHORT, connect=5)])
def test_per_call_timeout_forms(server, timeout):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        server.enqueue(Scripted(json={"id": "late"}, delay=3))
        with pytest.raises(APITimeoutError):
            chat(client, timeout=timeout)
        server.enqueue(Scripted(json={"id": "soon"}))
        assert chat(client, timeout=timeout).id == "soon"


def test_client_and_with_options_timeouts(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0, timeout=SHORT) as client:
        server.enqueue(Scripted(json={"id": "late"}, delay=3))
        with pytest.raises(APITimeoutError):
            chat(client)
        server.enqueue(Scripted(json={"id": "slowish"}, delay=0.5))
        assert chat(client.with_options(timeout=10)).id == "slowish"
        server.enqueue(Scripted(json={"id": "slowish"}, delay=0.5))
        assert chat(client, timeout=10).id == "slowish"  # per call wins over the client
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        server.enqueue(Scripted(json={"id": "late"}, delay=3))
        with pytest.raises(APITimeoutError):
            chat(client.with_options(timeout=SHORT))


def test_read_timeout_bounds_each_read_not_the_whole_body(server):
    # 4 pieces, 0.3 s apart: 0.9 s in all, but no single wait reaches the 2 s read timeout.
    pieces = ['{"id": "slow", ', '"a": 1, ', '"b": 2, ', '"c": 3}']
    server.enqueue(Scripted(chunks=pieces, chunk_delay=0.3, content_type="application/json"))
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0, timeout=(5, 2.0)) as client:
        result = chat(client)
    assert (result.id, result.c) == ("slow", 3)


def test_connect_error_on_a_closed_port_is_not_a_timeout(closed_port):
    client = OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port,
                    timeout=Timeout(30, connect=SHORT))
    with pytest.raises(APIConnectionError) as info:
        chat(client)
    assert type(info.value) is APIConnectionError
    assert "Connection error" in str(info.value)
    client.close()


def test_timeout_type():
    t = Timeout(600, connect=5)
    assert (t.connect, t.read, t.write, t.pool) == (5.0, 600.0, 600.0, 600.0)
    assert Timeout((3, 7)).as_tuple() == (3.0, 7.0, 7.0, 7.0)
    assert Timeout(None).as_tuple() == (None, None, None, None)
    assert Timeout(t) == t and hash(Timeout(t)) == hash(t)
    with pytest.raises(ValueError):
        Timeout()
    with pytest.raises(ValueError):
        Timeout(-1)
    with pytest.raises(TypeError):
        Timeout("5")
    with pytest.raises(AttributeError):
        t.read = 3  # type: ignore[misc]
    assert to_requests_timeout(t) == (5.0, 600.0)
    assert to_requests_timeout(2) == (2.0, 2.0)
    assert to_requests_timeout((1, 2)) == (1.0, 2.0)
    assert to_requests_timeout(None) is None
    import pickle

    assert pickle.loads(pickle.dumps(t)) == t
