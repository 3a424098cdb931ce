"""``deadline=`` (one budget for a whole call, streams included) and ending calls from outside:
``stream.close()`` from another thread, ``client.close()`` ending the streams it owns, calls on a
closed client. Time bounds here are generous (the budget is a fraction of what the server would hold)."""
from __future__ import annotations

import datetime
import json
import logging
import socket
import threading
import time
from typing import Any, List

import pytest

from _rawserver import RawServer, response
from conftest import API_KEY, chat, wait_until
from openai_lite import APITimeoutError, OpenAI, OpenAIError
from openai_lite.testing import Scripted

CHUNK = json.dumps({"id": "c", "object": "chat.completion.chunk", "choices": [
    {"index": 0, "delta": {"content": "part"}, "finish_reason": None}]})


def trickle(content_type: bytes, first: bytes, drip: bytes, every: float = 0.2, total: float = 15.0) -> RawServer:
    """Headers, ``first``, then ``drip`` every ``every`` seconds (chunked) until the client hangs up."""
    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        if first:
            conn.sendall(b"%x\r\n%s\r\n" % (len(first), first))
        ends = time.monotonic() + total
        while time.monotonic() < ends:
            time.sleep(every)
            conn.sendall(b"%x\r\n%s\r\n" % (len(drip), drip))
    return RawServer(handler, read_body=True)


def timed(fn: Any) -> Any:
    started = time.monotonic()
    try:
        return fn(), time.monotonic() - started
    except Exception as exc:  # noqa: BLE001 - returned for the test to judge
        return exc, time.monotonic() - started


# -- deadline= ----------------------------------------------------------------------------------------


def test_a_trickling_body_is_cut_at_the_deadline():
    with trickle(b"application/json", b'{"id": "x", "pad": "', b"x") as srv:
        with OpenAI(api_key=API_KEY, base_url=srv.url, timeout=2, max_retries=0, deadline=1.0) as client:
            error, took = timed(lambda: chat(client))
    assert isinstance(error, APITimeoutError), error
    assert took < 4, took  # without the deadline: 15 s (each byte arrives within the read timeout)


@pytest.mark.parametrize("first", [b"", ("data: %s\n\n" % CHUNK).encode()])
def test_a_stream_is_cut_at_the_deadline(first):
    with trickle(b"text/event-stream", first, b": keep-alive\n\n") as srv:
        with OpenAI(api_key=API_KEY, base_url=srv.url, timeout=2, max_retries=0) as client:
            got: List[Any] = []

            def consume() -> None:
                for chunk in chat(client.with_options(deadline=1.0), stream=True):
                    got.append(chunk.choices[0].delta.content)

            error, took = timed(consume)
    assert isinstance(error, APITimeoutError), error
    assert took < 4, took
    assert got == (["part"] if first else [])


def test_stalled_headers_end_at_the_deadline_not_the_read_timeout(server):
    server.enqueue(Scripted(fault="stall_headers", stall=8))
    with OpenAI(api_key=API_KEY, base_url=server.url, timeout=30, max_retries=0) as client:
        error, took = timed(lambda: client.post("/chat/completions", body={}, cast_to=object,
                                                options={"deadline": 0.8}))
    assert isinstance(error, APITimeoutError), error
    assert took < 4, took


def test_retries_and_their_waits_share_the_budget(server, caplog):
    caplog.set_level(logging.INFO, logger="openai_lite")
    server.enqueue(Scripted.error(500, "busy", headers={"retry-after-ms": "700"}, repeat=6))
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=5, deadline=1.0) as client:
        error, took = timed(lambda: chat(client))
    assert isinstance(error, APITimeoutError), error
    assert took < 3, took
    assert len(server.requests) in (1, 2)  # a third attempt would start after the deadline (one, on a slow machine)
    assert any("deadline" in r.getMessage() for r in caplog.records)


def test_a_deadline_in_the_past_sends_nothing(server):
    past = datetime.datetime.now() - datetime.timedelta(seconds=1)
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        with pytest.raises(APITimeoutError):
            chat(client.with_options(deadline=past))
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
        assert chat(client.with_options(deadline=later)).object == "chat.completion"
    assert len(server.requests) == 1


def test_calls_within_the_deadline_work_and_reuse_the_connection(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, deadline=30) as client:
        before = server.connections_opened
        for i in range(3):
            assert chat(client, content="n%d" % i).choices[0].message.content == "You said: n%d" % i
            assert "".join(c.choices[0].delta.content or "" for c in chat(client, content="s", stream=True)
                           if c.choices) == "You said: s"
        assert server.connections_opened - before == 1
        assert client.deadline == 30


@pytest.mark.parametrize("value,error", [(-1, ValueError), (0, ValueError), ("5", TypeError), (True, TypeError)])
def test_bad_deadlines(value, error):
    with pytest.raises(error, match="deadline"):
        OpenAI(api_key=API_KEY, deadline=value)
    with pytest.raises(error, match="deadline"):
        OpenAI(api_key=API_KEY).with_options(deadline=value)


# -- closing from outside -------------------------------------------------------------------------------


def consume_in_thread(stream: Any) -> Any:
    """Iterate ``stream`` in a thread; ``outcome`` gets the items (or the exception) at the end,
    ``got`` each item as it arrives."""
    outcome: List[Any] = []
    got: List[Any] = []

    def run() -> None:
        try:
            for chunk in stream:
                got.append(chunk)
            outcome.append(list(got))
        except BaseException as exc:  # noqa: BLE001 - judged by the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.got = got  # type: ignore[attr-defined]
    return thread, outcome


@pytest.mark.parametrize("first", [b"", ("data: %s\n\n" % CHUNK).encode()])
def test_close_from_another_thread_wakes_a_blocked_read(first):
    with trickle(b"text/event-stream", first, b": keep-alive\n\n", every=0.5) as srv:
        with OpenAI(api_key=API_KEY, base_url=srv.url, max_retries=0) as client:
            stream = chat(client, stream=True)
            thread, outcome = consume_in_thread(stream)
            if first:
                assert wait_until(lambda: len(thread.got) == 1)  # the consumer is now waiting for more
            else:
                time.sleep(0.3)  # most likely blocked on its read by now (either way its loop must end)
            started = time.monotonic()
            stream.close()
            assert time.monotonic() - started < 1
            thread.join(5)
            assert not thread.is_alive()
    (result,) = outcome
    assert isinstance(result, list), result  # the loop just ends, no error
    assert len(result) == (1 if first else 0)


def test_client_close_ends_its_streams_and_later_calls_fail():
    with trickle(b"text/event-stream", b"", b": keep-alive\n\n", every=0.5) as srv:
        client = OpenAI(api_key=API_KEY, base_url=srv.url, max_retries=0)
        copy = client.with_options(timeout=5)
        streams = [chat(client, stream=True), chat(copy, stream=True)]
        consumers = [consume_in_thread(s) for s in streams]
        time.sleep(0.3)
        client.close()
        for thread, outcome in consumers:
            thread.join(5)
            assert not thread.is_alive() and outcome == [[]]
        sent = len(srv.requests)
        for c in (client, copy):
            with pytest.raises(OpenAIError, match="closed"):
                chat(c)
        assert len(srv.requests) == sent


def test_closing_a_finished_or_idle_stream_is_harmless(server):
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        stream = chat(client, stream=True)
        closer = threading.Thread(target=stream.close)
        closer.start()
        closer.join(5)
        assert list(stream) == []
        stream.close()
        assert chat(client).object == "chat.completion"


def test_a_trickling_error_body_is_cut_at_the_deadline():
    def handler(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 400 Bad\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        for _ in range(50):
            time.sleep(0.2)
            conn.sendall(b" ")

    with RawServer(handler, read_body=True) as srv:
        with OpenAI(api_key=API_KEY, base_url=srv.url, timeout=2, max_retries=0, deadline=1.0) as client:
            error, took = timed(lambda: chat(client))
    assert isinstance(error, APITimeoutError), error
    assert took < 4, took
