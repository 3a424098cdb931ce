"""The fault catalogue: loopback servers that misbehave on purpose, one case per fault.

Every case runs through the same harness, which checks what "How it fails" promises:

- the call ends in the named exception class (exactly that class) or in a correct result;
- it ends within a generous bound derived from the configured timeouts (no hang);
- the attempts are counted: the requests the server(s) recorded and the ``Retrying`` lines
  the client logged are both what the retry policy says, and no scripted answer is left over;
- the key never shows in the exception's text;
- afterwards the same client (same connection pool) makes four more calls on at most one
  new connection: no slot was lost, no broken connection went back to the pool.

README.rst's "Reliability" section lists every case by its title; ``test_readme_lists_every_case``
keeps the two in step. Backoff is pinned near zero by conftest; waits the server asks for are real.
"""
from __future__ import annotations

import email.utils
import gzip
import hashlib
import io
import json
import logging
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable, List, Optional

import multipart
import pytest

from conftest import API_KEY, chat
from openai_lite import (
    APIConnectionError, APIError, APIResponseValidationError, APITimeoutError, AuthenticationError,
    BadRequestError, InternalServerError, NotFoundError, OpenAI, RateLimitError, Timeout,
)
from openai_lite.testing import OfflineServer, Scripted

README = Path(__file__).resolve().parent.parent / "README.rst"
SHORT = 0.3  # a read timeout that stalls exceed
FAST = {"retry-after-ms": "1"}


# -- the environment a case runs in ------------------------------------------------------------------


class Env:
    def __init__(self, server: OfflineServer, tmp_path: Path) -> None:
        self.server = server
        self.tmp_path = tmp_path
        self.client: Any = None
        self.partial: List[Any] = []
        self.data: dict = {}
        self._other: Optional[OfflineServer] = None
        self._sockets: List[socket.socket] = []

    @property
    def other(self) -> OfflineServer:
        """A second server on another host name (``localhost`` instead of ``127.0.0.1``) and port."""
        if self._other is None:
            self._other = OfflineServer(host="localhost").start()
        return self._other

    def closed_port(self) -> int:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        return port

    def blackhole_port(self) -> int:
        """A listener whose accept queue is full: new connections are never accepted (SYNs dropped)."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        self._sockets.append(listener)
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", port))
            except (BlockingIOError, OSError):
                pass
            self._sockets.append(filler)
        time.sleep(0.05)
        return port

    def hits(self) -> int:
        return len(self.server.requests) + (len(self._other.requests) if self._other is not None else 0)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self._other is not None:
            errors = list(self._other.errors)
            self._other.stop()
            assert errors == []
        for sock in self._sockets:
            sock.close()


def timed_out_connecting(env: Env, error: Any) -> None:
    """The cause is a connect timeout (not a read timeout after an unexpected accept)."""
    seen, link = [], error
    while link is not None and len(seen) < 10:
        seen.append(type(link).__name__)
        link = link.__cause__ or link.__context__
    assert any("ConnectTimeout" in name for name in seen), seen


class Case:
    def __init__(self, title: str, sees: str, call: Callable[[Env], Any], *,
                 script: Callable[[Env], None] = lambda env: None, raises: Optional[type] = None,
                 check: Optional[Callable[[Env, Any], None]] = None, hits: Optional[int] = None,
                 retries: int = 0, max_retries: int = 2, timeout: Any = (5.0, 5.0), bound: float = 10.0,
                 base_url: Optional[Callable[[Env], str]] = None) -> None:
        self.title = title
        self.sees = sees
        self.call = call
        self.script = script
        self.raises = raises
        self.check = check
        self.hits = hits
        self.retries = retries
        self.max_retries = max_retries
        self.timeout = timeout
        self.bound = bound
        self.base_url = base_url

    @property
    def id(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


def enqueue(*scripts: Scripted, path: Optional[str] = None) -> Callable[[Env], None]:
    def script(env: Env) -> None:
        for item in scripts:
            env.server.enqueue(item, path=path)
    return script


def plain_chat(env: Env, **kwargs: Any) -> Any:
    return chat(env.client, **kwargs)


def echoed(expected: str = "You said: hello there") -> Callable[[Env, Any], None]:
    def check(env: Env, result: Any) -> None:
        assert result.choices[0].message.content == expected
    return check


def message_is(text: str) -> Callable[[Env, Any], None]:
    def check(env: Env, error: Any) -> None:
        assert str(error.message) == text or error.message.startswith(text), error.message
    return check


def all_of(*checks: Callable[[Env, Any], None]) -> Callable[[Env, Any], None]:
    def check(env: Env, value: Any) -> None:
        for one in checks:
            one(env, value)
    return check


# -- streams ---------------------------------------------------------------------------------------------


def stream_chat(env: Env, **kwargs: Any) -> List[Any]:
    """Iterate a chat stream, keeping what arrived in ``env.partial`` even when it fails."""
    env.partial = []
    for chunk in chat(env.client, stream=True, **kwargs):
        env.partial.append(chunk.choices[0].delta.content if chunk.choices else None)
    return env.partial


def streamed_whole(env: Env, result: Any) -> None:
    assert "".join(p for p in result if p) == "You said: hello there"


def partial_then_error(env: Env, error: Any) -> None:
    assert env.partial, "some events arrived before the fault"
    assert "".join(p for p in env.partial if p) != "You said: hello there"


def sse(*events: str) -> List[bytes]:
    return [("data: %s\n\n" % e).encode() for e in events]


CHUNK = json.dumps({"id": "c", "object": "chat.completion.chunk", "choices": [
    {"index": 0, "delta": {"content": "part"}, "finish_reason": None}]})


def abandon_streams(env: Env, n: int) -> List[Any]:
    firsts = []
    before = env.server.connections_opened
    for _ in range(n):
        for chunk in chat(env.client, stream=True):
            firsts.append(chunk.choices[0].delta.content)
            break  # leaving the loop closes the stream
    env.data["opened"] = env.server.connections_opened - before
    return firsts


# -- waits -----------------------------------------------------------------------------------------------


def retry_waits(env: Env) -> List[float]:
    return env.data["waits"]


def waited(low: float, high: float) -> Callable[[Env, Any], None]:
    def check(env: Env, result: Any) -> None:
        (wait,) = retry_waits(env)
        assert low <= wait <= high, wait
    return check


# -- bodies re-sent whole --------------------------------------------------------------------------------


def identical_bodies(n: int) -> Callable[[Env, Any], None]:
    def check(env: Env, result: Any) -> None:
        posts = [r for r in env.server.requests if r.method == "POST"]
        assert len(posts) == n
        assert len({(r.body_sha256, r.body_len, r.headers.get("Content-Length")) for r in posts}) == 1
        assert posts[0].body_len > 0
    return check


PAYLOAD = bytes(range(256)) * 2048  # 512 KiB, every byte value


def file_route(env: Env) -> None:
    def describe(srv: Any, req: Any, match: Any) -> Scripted:
        ctype, options = multipart.parse_options_header(req.headers["Content-Type"])
        parser = multipart.MultipartParser(io.BytesIO(req.body), options["boundary"], memfile_limit=8 << 20,
                                           mem_limit=8 << 20)
        parts = {p.name: (p.filename, p.raw) for p in parser}
        filename, data = parts["file"]
        return Scripted(json={"id": "file-%d" % req.index, "object": "file", "filename": filename,
                              "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                              "purpose": parts["purpose"][1].decode()})
    env.server.add_route("POST", r"/v1/files", describe)


def upload_ok(filename: str) -> Callable[[Env, Any], None]:
    def check(env: Env, result: Any) -> None:
        assert result.filename == filename
        assert result.bytes == len(PAYLOAD)
        assert result.sha256 == hashlib.sha256(PAYLOAD).hexdigest()
        assert result.purpose == "batch"
    return check


def upload_path(env: Env) -> Any:
    path = env.tmp_path / "train.jsonl"
    path.write_bytes(PAYLOAD)
    return env.client.files.create(file=path, purpose="batch")


def upload_pipe(env: Env) -> Any:
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb") as w:
            w.write(PAYLOAD)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with os.fdopen(read_fd, "rb") as r:
        result = env.client.files.create(file=("piped.bin", r), purpose="batch")
    feeder.join(5)
    return result


# -- redirects -------------------------------------------------------------------------------------------


def redirect(status: int, to: Callable[[Env], str], *, path: str = "/v1/chat/completions",
             repeat: int = 1) -> Callable[[Env], None]:
    def script(env: Env) -> None:
        env.server.enqueue(Scripted(status=status, headers={"Location": to(env)}, body=b"", repeat=repeat),
                           path=path)
    return script


def auth_of(req: Any) -> Optional[str]:
    return req.headers.get("Authorization")


def hops(*expected: tuple) -> Callable[[Env, Any], None]:
    """Each hop as (server name, method, path, carries the key?)."""
    def check(env: Env, result: Any) -> None:
        seen = [("server", r) for r in env.server.requests]
        if env._other is not None:
            seen += [("other", r) for r in env._other.requests]
        seen.sort(key=lambda item: item[1].timestamp)
        got = [(name, r.method, r.path, auth_of(r) == "Bearer " + API_KEY) for name, r in seen]
        assert got == list(expected)
    return check


def body_kept(env: Env, result: Any) -> None:
    everything = list(env.server.requests) + (list(env._other.requests) if env._other is not None else [])
    bodies = {r.body for r in everything}
    assert len(bodies) == 1 and json.loads(bodies.pop())["messages"][0]["content"] == "hello there"


def body_dropped(env: Env, result: Any) -> None:
    first, second = env.server.requests
    assert first.body_len > 0
    assert second.method == "GET" and second.body_len == 0 and second.headers.get("Content-Type") is None


def moved_target(env: Env) -> None:
    env.server.enqueue(Scripted(json={"id": "moved", "object": "thing"}), path="/v1/moved")


def got_moved(env: Env, result: Any) -> None:
    assert result.id == "moved"


def other_answers(env: Env) -> None:
    env.other.enqueue(Scripted(json={"id": "elsewhere", "object": "thing"}), path="/v1/moved")


# -- big bodies ------------------------------------------------------------------------------------------

def big_json() -> bytes:
    """A JSON list of 100,000 items, 100 MB in all."""
    item = '{"id": "item-%%d", "object": "embedding", "text": "%s"}' % ("x" * 990)
    body = ('{"object": "list", "data": [' + ", ".join(item % i for i in range(100000)) + ']}').encode()
    assert len(body) >= 100 * 1000 * 1000
    return body


def big_ok(env: Env, result: Any) -> None:
    assert len(result.data) == 100000
    assert result.data[-1].id == "item-99999" and len(result.data[0].text) == 990


GZIPPED = gzip.compress(json.dumps({"id": "zipped", "object": "thing", "text": "z" * 10000}).encode())

HTML_502 = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
            "</center><hr><center>nginx</center></body></html>")
HTML_404 = "<!DOCTYPE html><html><body><h1>Not Found</h1><p>" + "lorem ipsum " * 200 + "</p></body></html>"


def retry_after_date(seconds: float) -> Callable[[Env], None]:
    def script(env: Env) -> None:
        when = email.utils.formatdate(time.time() + seconds, usegmt=True)
        env.server.enqueue(Scripted.error(429, "slow down", headers={"Retry-After": when}))
    return script


# -- the catalogue ---------------------------------------------------------------------------------------

CASES = [
    # connections
    Case("Connection refused", "APIConnectionError (not a timeout) after 2 retries",
         plain_chat, base_url=lambda env: "http://127.0.0.1:%d/v1" % env.closed_port(),
         raises=APIConnectionError, retries=2,
         check=lambda env, e: ("Connection error" in str(e)) or pytest.fail(str(e))),
    Case("Connection refused, max_retries=0", "APIConnectionError at once",
         plain_chat, base_url=lambda env: "http://127.0.0.1:%d/v1" % env.closed_port(),
         raises=APIConnectionError, retries=0, max_retries=0),
    Case("Connect timeout (server never accepts)", "APITimeoutError after 2 retries, each bounded by the connect timeout",
         plain_chat, base_url=lambda env: "http://127.0.0.1:%d/v1" % env.blackhole_port(),
         raises=APITimeoutError, retries=2, timeout=Timeout(2, connect=SHORT), check=timed_out_connecting),
    Case("Reset before the status line, once", "the result (retried once)",
         plain_chat, script=enqueue(Scripted(fault="reset_before_headers")), check=echoed(), hits=2, retries=1),
    Case("Reset before the status line, every time", "APIConnectionError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="reset_before_headers", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2),
    Case("Connection closed before the status line, once", "the result (retried once)",
         plain_chat, script=enqueue(Scripted(fault="close_before_headers")), check=echoed(), hits=2, retries=1),
    Case("Connection closed before the status line, every time", "APIConnectionError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="close_before_headers", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2),
    Case("Reset right after the headers, once", "the result (retried once)",
         plain_chat, script=enqueue(Scripted(fault="reset_after_headers")), check=echoed(), hits=2, retries=1),
    Case("Reset right after the headers, every time", "APIConnectionError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="reset_after_headers", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2),
    Case("Reset in the middle of the body, once", "the result (retried once)",
         plain_chat, script=enqueue(Scripted(fault="reset_mid_body")), check=echoed(), hits=2, retries=1),
    Case("Reset in the middle of the body, every time", "APIConnectionError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="reset_mid_body", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2),
    Case("Truncated chunked body, once", "the result (retried once)",
         plain_chat, script=enqueue(Scripted(json={"id": "x"}, chunked=True, fault="truncated_chunked"),
                                    Scripted(json={"id": "whole", "object": "thing"})),
         check=lambda env, r: r.id == "whole" or pytest.fail(r.id), hits=2, retries=1),
    Case("Truncated chunked body, every time", "APIConnectionError after 2 retries, saying the response ended early",
         plain_chat, script=enqueue(Scripted(fault="truncated_chunked", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2,
         check=lambda env, e: ("ended before it was complete" in str(e) and "int()" not in str(e)) or pytest.fail(str(e))),
    Case("Content-Length longer than the body, once", "the result (retried once; urllib3 1.26 too)",
         plain_chat, script=enqueue(Scripted(fault="short_content_length")), check=echoed(), hits=2, retries=1),
    Case("Content-Length longer than the body, every time", "APIConnectionError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="short_content_length", repeat=3)),
         raises=APIConnectionError, hits=3, retries=2),
    # timeouts
    Case("Headers slower than the read timeout", "APITimeoutError after 2 retries, each attempt bounded by the read timeout",
         plain_chat, script=enqueue(Scripted(fault="stall_headers", stall=5, repeat=3)),
         raises=APITimeoutError, hits=3, retries=2, timeout=(5.0, SHORT), bound=5 * SHORT + 3,
         check=message_is("Request timed out.")),
    Case("Headers slower than the connect timeout, within the read timeout", "the result: the connect timeout only bounds connecting",
         plain_chat, script=enqueue(Scripted(json={"id": "late", "object": "thing"}, delay=0.6)),
         timeout=Timeout(5.0, connect=0.2), check=lambda env, r: r.id == "late" or pytest.fail(r.id), hits=1),
    Case("Body stalls (non-streaming), once", "the result (retried once after the read timeout)",
         plain_chat, script=enqueue(Scripted(fault="stall_body", stall=5)), timeout=(5.0, SHORT),
         check=echoed(), hits=2, retries=1),
    Case("Body stalls (non-streaming), every time", "APITimeoutError after 2 retries",
         plain_chat, script=enqueue(Scripted(fault="stall_body", stall=5, repeat=3)), timeout=(5.0, SHORT),
         raises=APITimeoutError, hits=3, retries=2, bound=5 * SHORT + 3),
    Case("Body slower in total than the read timeout, each piece within it", "the result: the read timeout is per read",
         plain_chat, script=enqueue(Scripted(chunks=['{"id": "slow", ', '"object": "thing", ', '"a": 1, ', '"b": 2}'],
                                             chunk_delay=0.2, content_type="application/json")),
         timeout=(5.0, 0.5), check=lambda env, r: (r.id, r.b) == ("slow", 2) or pytest.fail(repr(r)), hits=1),
    # streams
    Case("Stream reset mid-stream", "the events that arrived, then APIConnectionError (not retried: output was delivered)",
         stream_chat, script=enqueue(Scripted(fault="reset_mid_body")), raises=APIConnectionError,
         check=partial_then_error, hits=1),
    Case("Stream stalls mid-stream", "the events that arrived, then APITimeoutError after the read timeout",
         stream_chat, script=enqueue(Scripted(fault="stall_body", stall=5)), timeout=(5.0, SHORT),
         raises=APITimeoutError, check=partial_then_error, hits=1),
    Case("Stream cut without its last chunk", "the events that arrived, then APIConnectionError",
         stream_chat, script=enqueue(Scripted(chunks=sse(CHUNK, CHUNK), chunked=True, fault="truncated_chunked",
                                              content_type="text/event-stream")),
         raises=APIConnectionError, check=lambda env, e: env.partial == ["part", "part"] or pytest.fail(env.partial),
         hits=1),
    Case("Stream cut without its last chunk: the message", "says the response ended early, not how urllib3 parsed it",
         stream_chat, script=enqueue(Scripted(chunks=sse(CHUNK), chunked=True, fault="truncated_chunked",
                                              content_type="text/event-stream")),
         raises=APIConnectionError, check=lambda env, e: ("ended" in str(e) and "int()" not in str(e))
         or pytest.fail(str(e)), hits=1),
    Case("Stream whose headers stall", "the stream (retried once after the read timeout)",
         stream_chat, script=enqueue(Scripted(fault="stall_headers", stall=5)), timeout=(5.0, SHORT),
         check=streamed_whole, hits=2, retries=1),
    Case("Stream reset before the status line", "the stream (retried once)",
         stream_chat, script=enqueue(Scripted(fault="reset_before_headers")), check=streamed_whole, hits=2, retries=1),
    Case("Stream answered 503 first", "the stream (retried once)",
         stream_chat, script=enqueue(Scripted.error(503, "busy", headers=FAST)), check=streamed_whole, hits=2, retries=1),
    Case("Stream slower in total than the read timeout, each event within it", "the whole stream",
         stream_chat, script=enqueue(Scripted(chunks=sse(CHUNK, CHUNK, CHUNK, "[DONE]"), chunked=True,
                                              chunk_delay=0.2, content_type="text/event-stream")),
         timeout=(5.0, 0.5), check=lambda env, r: r == ["part"] * 3 or pytest.fail(r), hits=1),
    Case("Stream event that is not JSON", "APIResponseValidationError quoting the event",
         stream_chat, script=enqueue(Scripted(chunks=sse(CHUNK, "{not json"), chunked=True,
                                              content_type="text/event-stream")),
         raises=APIResponseValidationError, check=lambda env, e: "{not json" in str(e) or pytest.fail(str(e)), hits=1),
    Case("Stream event that is not UTF-8", "APIResponseValidationError",
         stream_chat, script=enqueue(Scripted(chunks=[sse(CHUNK)[0], b'data: {"x": "\xff\xfe"}\n\n'], chunked=True,
                                              content_type="text/event-stream")),
         raises=APIResponseValidationError, hits=1),
    Case("Stream error event", "APIError with the server's message",
         stream_chat, script=enqueue(Scripted(chunks=sse(CHUNK, json.dumps({"error": {"message": "overloaded mid-way"}})),
                                              chunked=True, content_type="text/event-stream")),
         raises=APIError, check=message_is("overloaded mid-way"), hits=1),
    Case("Streams abandoned after their first event, body complete", "the first events; each connection goes back to the pool",
         lambda env: abandon_streams(env, 5), check=lambda env, r: (r == ["part"] * 5 and env.data["opened"] == 1)
         or pytest.fail("%r %r" % (r, env.data)),
         script=enqueue(*[Scripted(body=b"".join(sse(CHUNK, CHUNK, "[DONE]")), chunked=True,  # sent in one write
                                   content_type="text/event-stream") for _ in range(5)]),
         hits=5, bound=15),
    Case("Streams abandoned after their first event, body still coming", "the first events; each connection is closed (which stops the generation), no slot lost",
         lambda env: abandon_streams(env, 5), check=lambda env, r: (r == ["part"] * 5 and env.data["opened"] == 5)
         or pytest.fail("%r %r" % (r, env.data)),
         script=enqueue(*[Scripted(chunks=sse(*[CHUNK] * 20), chunked=True, chunk_delay=0.05,
                                   content_type="text/event-stream") for _ in range(5)]),
         hits=5, bound=15),
    # 5xx storms
    Case("500, 502, 503, 504 storm that recovers", "the result (max_retries=4: retried 4 times)",
         plain_chat, script=enqueue(*(Scripted.error(s, "storm %d" % s) for s in (500, 502, 503, 504))),
         max_retries=4, check=echoed(), hits=5, retries=4),
    Case("503 storm that does not recover", "InternalServerError with the last answer's message, after max_retries",
         plain_chat, script=enqueue(Scripted.error(503, "still down", repeat=4)), max_retries=3,
         raises=InternalServerError,
         check=lambda env, e: (e.status_code, e.request_id) == (503, "req_4") or pytest.fail(str(e)),
         hits=4, retries=3),
    Case("502 HTML page storm (a proxy in the way)", "InternalServerError 'Error code: 502 - Bad Gateway (HTML body)' after 2 retries",
         plain_chat, script=enqueue(Scripted(status=502, body=HTML_502, content_type="text/html", repeat=3)),
         raises=InternalServerError, check=message_is("Error code: 502 - Bad Gateway (HTML body)"), hits=3, retries=2),
    # 429
    Case("429 with Retry-After in seconds", "the result, after waiting what the server asked",
         plain_chat, script=enqueue(Scripted.error(429, "slow down", headers={"Retry-After": "0.2"})),
         check=waited(0.2, 0.2), hits=2, retries=1),
    Case("429 with Retry-After as an HTTP date", "the result, after waiting until that date",
         plain_chat, script=retry_after_date(2), check=waited(0.5, 2.0), hits=2, retries=1),
    Case("429 with retry-after-ms", "the result, after waiting that many milliseconds",
         plain_chat, script=enqueue(Scripted.error(429, "slow down", headers={"retry-after-ms": "50"})),
         check=waited(0.05, 0.05), hits=2, retries=1),
    Case("429 with a negative Retry-After", "the result, after the normal backoff",
         plain_chat, script=enqueue(Scripted.error(429, "slow down", headers={"Retry-After": "-30"})),
         check=waited(0.0, 0.01), hits=2, retries=1),
    Case("429 with a garbage Retry-After", "the result, after the normal backoff",
         plain_chat, script=enqueue(Scripted.error(429, "slow down", headers={"Retry-After": "soon, promise"})),
         check=waited(0.0, 0.01), hits=2, retries=1),
    Case("429 with a huge Retry-After", "RateLimitError at once: a wait over 120 s is not retried",
         plain_chat, script=enqueue(Scripted.error(429, "come back tomorrow", headers={"Retry-After": "86400"})),
         raises=RateLimitError, check=message_is("Error code: 429 - come back tomorrow"), hits=1, bound=5),
    Case("429 with an absurd Retry-After (1e400)", "RateLimitError at once (infinite: not retried)",
         plain_chat, script=enqueue(Scripted.error(429, "never", headers={"Retry-After": "1e400"})),
         raises=RateLimitError, hits=1, bound=5),
    Case("429 every time", "RateLimitError after 2 retries",
         plain_chat, script=enqueue(Scripted.error(429, "quota", headers=FAST, repeat=3)),
         raises=RateLimitError, check=message_is("Error code: 429 - quota"), hits=3, retries=2),
    # x-should-retry
    Case("x-should-retry: true on a 400", "the result (retried, as the server asked)",
         plain_chat, script=enqueue(Scripted.error(400, "flaky", headers={"x-should-retry": "true"})),
         check=echoed(), hits=2, retries=1),
    Case("x-should-retry: false on a 503", "InternalServerError at once",
         plain_chat, script=enqueue(Scripted.error(503, "do not retry", headers={"x-should-retry": "false"})),
         raises=InternalServerError, hits=1),
    # error bodies
    Case("HTML error page with a 404", "NotFoundError 'Error code: 404 - Not Found (HTML body)', not retried",
         plain_chat, script=enqueue(Scripted(status=404, body=HTML_404, content_type="text/html")),
         raises=NotFoundError, check=message_is("Error code: 404 - Not Found (HTML body)"), hits=1),
    Case("Empty body with a 500, every time", "InternalServerError 'Error code: 500 - Internal Server Error' after 2 retries",
         plain_chat, script=enqueue(Scripted(status=500, body=b"", repeat=3)),
         raises=InternalServerError, check=lambda env, e: (e.body is None and e.message == "Error code: 500 - Internal Server Error") or pytest.fail(e.message),
         hits=3, retries=2),
    Case("Empty body with a 401", "AuthenticationError 'Error code: 401 - Unauthorized', not retried",
         plain_chat, script=enqueue(Scripted(status=401, body=b"")),
         raises=AuthenticationError, check=message_is("Error code: 401 - Unauthorized"), hits=1),
    Case("Huge (5 MB) HTML error page", "BadRequestError with a short message; the half-read connection is closed, not reused",
         plain_chat, script=enqueue(Scripted(status=400, body="<html>" + "x" * (5 << 20), content_type="text/html")),
         raises=BadRequestError, check=lambda env, e: len(str(e)) < 200 or pytest.fail(str(e)[:300]), hits=1),
    # 200 bodies
    Case("200 with invalid JSON", "APIResponseValidationError quoting the start of the body, not retried",
         plain_chat, script=enqueue(Scripted(body='{"id": "x", broken', content_type="application/json")),
         raises=APIResponseValidationError, check=lambda env, e: e.status_code == 200 or pytest.fail(), hits=1),
    Case("200 with an HTML page", "APIResponseValidationError naming the content type",
         plain_chat, script=enqueue(Scripted(body="<html><body>captive portal</body></html>", content_type="text/html")),
         raises=APIResponseValidationError, check=lambda env, e: "text/html" in str(e) or pytest.fail(str(e)), hits=1),
    Case("200 with valid JSON but the wrong content type", "the result: the body is parsed whatever the label",
         plain_chat, script=enqueue(Scripted(body='{"id": "labelled-wrong", "object": "thing"}', content_type="text/plain")),
         check=lambda env, r: r.id == "labelled-wrong" or pytest.fail(r.id), hits=1),
    Case("200 with an empty body", "APIResponseValidationError",
         plain_chat, script=enqueue(Scripted(body=b"", content_type="application/json")),
         raises=APIResponseValidationError, hits=1),
    Case("200 with invalid UTF-8 in the JSON", "APIResponseValidationError",
         plain_chat, script=enqueue(Scripted(body=b'{"id": "\xff\xfe"}', content_type="application/json")),
         raises=APIResponseValidationError, hits=1),
    Case("gzip-encoded body", "the result, decompressed",
         plain_chat, script=enqueue(Scripted(body=GZIPPED, content_type="application/json",
                                             headers={"Content-Encoding": "gzip"})),
         check=lambda env, r: (r.id, len(r.text)) == ("zipped", 10000) or pytest.fail(r.id), hits=1),
    Case("Corrupt gzip body", "APIConnectionError naming the decoding error, not retried",
         plain_chat, script=enqueue(Scripted(body=b"this is not gzip", content_type="application/json",
                                             headers={"Content-Encoding": "gzip"})),
         raises=APIConnectionError, hits=1),
    Case("100 MB JSON body", "the result (read whole, then parsed once)",
         lambda env: env.client.get("/big"), script=lambda env: env.server.enqueue(
             Scripted(body=big_json(), content_type="application/json")), check=big_ok, hits=1, bound=60),
    Case("Download (binary response) cut short", "APIConnectionError when the body is read, not retried (a download is read when you ask)",
         lambda env: env.client.files.content("file-1").content,
         script=enqueue(Scripted(body=PAYLOAD, content_type="application/octet-stream", fault="reset_mid_body"),
                        path="/v1/files/file-1/content"),
         raises=APIConnectionError, hits=1),
    Case("Download (binary response) with a short Content-Length", "APIConnectionError (urllib3 1.26 too), not retried",
         lambda env: sum(len(p) for p in env.client.files.content("file-1").iter_bytes()),
         script=enqueue(Scripted(body=PAYLOAD, content_type="application/octet-stream", fault="short_content_length"),
                        path="/v1/files/file-1/content"),
         raises=APIConnectionError, hits=1),
    Case("Download (binary response) stalls", "APITimeoutError after the read timeout",
         lambda env: env.client.files.content("file-1").write_to_file(str(env.tmp_path / "out.bin")),
         script=enqueue(Scripted(body=PAYLOAD, content_type="application/octet-stream", fault="stall_body", stall=5),
                        path="/v1/files/file-1/content"),
         timeout=(5.0, SHORT), raises=APITimeoutError, hits=1),
    # redirects
    Case("301 to the same host (GET)", "the target's result; the key is sent again",
         lambda env: env.client.get("/old"), script=lambda env: (redirect(301, lambda e: "/v1/moved", path="/v1/old")(env),
                                                                 moved_target(env)),
         check=all_of(got_moved, hops(("server", "GET", "/v1/old", True), ("server", "GET", "/v1/moved", True))), hits=2),
    Case("302 after a POST", "the target's result, fetched with GET and no body (as requests and httpx do)",
         lambda env: chat(env.client), script=lambda env: (redirect(302, lambda e: e.server.url + "/moved")(env),
                                                           moved_target(env)),
         check=all_of(got_moved, body_dropped), hits=2),
    Case("303 after a POST", "the target's result, fetched with GET",
         lambda env: chat(env.client), script=lambda env: (redirect(303, lambda e: "/v1/moved")(env), moved_target(env)),
         check=all_of(got_moved, body_dropped), hits=2),
    Case("307 to the same host", "the target's result; same method, same body, the key kept",
         plain_chat, script=redirect(307, lambda e: "/v1/chat/completions?again=1"),
         check=all_of(echoed(), body_kept, hops(("server", "POST", "/v1/chat/completions", True),
                                                ("server", "POST", "/v1/chat/completions", True))), hits=2),
    Case("308 to the same host", "the target's result; same method, same body, the key kept",
         plain_chat, script=redirect(308, lambda e: "/v1/chat/completions?again=1"),
         check=all_of(echoed(), body_kept), hits=2),
    Case("307 to another host", "the target's result; Authorization and api-key are not sent there",
         plain_chat, script=redirect(307, lambda e: e.other.url + "/chat/completions"),
         check=all_of(echoed(), body_kept, hops(("server", "POST", "/v1/chat/completions", True),
                                                ("other", "POST", "/v1/chat/completions", False))), hits=2),
    Case("308 to another host", "the target's result; Authorization and api-key are not sent there",
         plain_chat, script=redirect(308, lambda e: e.other.url + "/chat/completions"),
         check=all_of(echoed(), body_kept, hops(("server", "POST", "/v1/chat/completions", True),
                                                ("other", "POST", "/v1/chat/completions", False))), hits=2),
    Case("301 to another host (GET)", "the target's result, without the key",
         lambda env: env.client.get("/old"), script=lambda env: (redirect(301, lambda e: e.other.url + "/moved",
                                                                          path="/v1/old")(env), other_answers(env)),
         check=all_of(lambda env, r: r.id == "elsewhere" or pytest.fail(r.id),
                      hops(("server", "GET", "/v1/old", True), ("other", "GET", "/v1/moved", False))), hits=2),
    Case("302 to another host (GET)", "the target's result, without the key",
         lambda env: env.client.get("/old"), script=lambda env: (redirect(302, lambda e: e.other.url + "/moved",
                                                                          path="/v1/old")(env), other_answers(env)),
         check=all_of(lambda env, r: r.id == "elsewhere" or pytest.fail(r.id),
                      hops(("server", "GET", "/v1/old", True), ("other", "GET", "/v1/moved", False))), hits=2),
    Case("Redirect loop", "APIConnectionError 'Too many redirects' after 20 hops, not retried",
         plain_chat, script=redirect(307, lambda e: "/v1/chat/completions", repeat=21),
         raises=APIConnectionError, check=lambda env, e: "Too many redirects" in str(e) or pytest.fail(str(e)), hits=21),
    Case("Redirect to a port nobody listens on", "APIConnectionError after 2 retries of the redirected request",
         plain_chat, script=lambda env: redirect(307, lambda e: "http://127.0.0.1:%d/v1/x" % e.closed_port())(env),
         raises=APIConnectionError, hits=1, retries=2),
    # bodies re-sent whole
    Case("JSON POST retried after a reset mid-body", "the result; every attempt sent the identical body",
         plain_chat, script=enqueue(Scripted(fault="reset_mid_body"), Scripted(fault="reset_before_headers")),
         check=all_of(echoed(), identical_bodies(3)), hits=3, retries=2),
    Case("File upload (Path) retried after a 500", "the result; the file re-sent whole from its start",
         upload_path, script=lambda env: (file_route(env), env.server.enqueue(Scripted.error(500, "x", headers=FAST), path="/v1/files")),
         check=all_of(upload_ok("train.jsonl"), identical_bodies(2)), hits=2, retries=1),
    Case("File upload (BytesIO) retried after a reset", "the result; the file re-sent whole",
         lambda env: env.client.files.create(file=("data.bin", io.BytesIO(PAYLOAD)), purpose="batch"),
         script=lambda env: (file_route(env), env.server.enqueue(Scripted(fault="reset_before_headers"), path="/v1/files")),
         check=all_of(upload_ok("data.bin"), identical_bodies(2)), hits=2, retries=1),
    Case("File upload (a pipe) retried after a 503", "the result; the pipe's bytes (spooled) re-sent whole",
         upload_pipe, script=lambda env: (file_route(env), env.server.enqueue(Scripted.error(503, "x", headers=FAST), path="/v1/files")),
         check=all_of(upload_ok("piped.bin"), identical_bodies(2)), hits=2, retries=1),
    Case("File upload redirected with a 307", "the result; the file sent whole again to the new location",
         lambda env: env.client.files.create(file=("data.bin", io.BytesIO(PAYLOAD)), purpose="batch"),
         script=lambda env: (file_route(env), env.server.enqueue(
             Scripted(status=307, headers={"Location": "/v1/files?moved=1"}, body=b""), path="/v1/files")),
         check=all_of(upload_ok("data.bin"), identical_bodies(2)), hits=2),
]


def test_catalogue_is_big_enough():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.fixture
def retry_log(caplog):
    caplog.set_level(logging.INFO, logger="openai_lite")
    return caplog


def _waits(caplog) -> List[float]:
    out = []
    for record in caplog.records:
        if record.name == "openai_lite":
            match = re.search(r"Retrying .* in ([0-9.]+) seconds", record.getMessage())
            if match:
                out.append(float(match.group(1)))
    return out


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case, server, tmp_path, retry_log):
    env = Env(server, tmp_path)
    try:
        base_url = case.base_url(env) if case.base_url is not None else server.url
        env.client = OpenAI(api_key=API_KEY, base_url=base_url, max_retries=case.max_retries, timeout=case.timeout)
        case.script(env)
        started = time.monotonic()
        error: Optional[BaseException] = None
        result: Any = None
        try:
            result = case.call(env)
        except Exception as exc:  # noqa: BLE001 - judged just below
            error = exc
        elapsed = time.monotonic() - started
        env.data["waits"] = _waits(retry_log)

        assert elapsed < case.bound, "took %.1f s" % elapsed
        if case.raises is None:
            assert error is None, "expected a result, got %r" % (error,)
        else:
            assert type(error) is case.raises, "expected %s, got %r" % (case.raises.__name__, error)
            assert API_KEY not in str(error) and API_KEY not in repr(error)
        if case.check is not None:
            case.check(env, error if case.raises is not None else result)
        if case.hits is not None:
            assert env.hits() == case.hits
        assert len(env.data["waits"]) == case.retries, env.data["waits"]
        assert server.pending == 0, "a scripted answer was never asked for"

        # The same pool afterwards: four calls, at most one new connection.
        healthy = env.client.with_options(base_url=server.url, max_retries=0, timeout=10)
        before = server.connections_opened
        for i in range(4):
            assert chat(healthy, content="after %d" % i).choices[0].message.content == "You said: after %d" % i
        assert server.connections_opened - before <= 1
    finally:
        env.close()


def test_readme_lists_every_case():
    text = README.read_text(encoding="utf-8")
    start = text.index("\nReliability\n")
    section = text[start:text.index("Where openai_lite differs from openai-python", start)]
    missing = [case.title for case in CASES if case.title not in section]
    assert missing == []
