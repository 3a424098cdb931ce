"""The benchmark's loopback server: HTTP/1.1 keep-alive on one ``selectors`` loop, standard library only.

It runs in its own process (``python _server.py``) so it gets its own core, and every response it
can precompute is precomputed, so serving a request costs a ``recv``, a header scan and a ``send``.
Its own ceiling is measured by ``_loadgen.py`` and reported next to the results.

Routes (the method is not checked; the path picks the answer):

- ``/v1/chat/completions``: one OpenAI-shaped chat completion (JSON, Content-Length);
- ``/stream/v1/chat/completions``: an SSE stream of ``--chunks`` chat.completion.chunk events,
  one HTTP chunk each (``Transfer-Encoding: chunked``, as the API sends them), then ``[DONE]``;
- ``/big/v1/chat/completions``: one SSE event of ``--big-bytes`` bytes of content, in 16 KiB HTTP chunks;
- ``/v1/chat/completions?bench_stream=short``: a stream of ``--short-chunks`` events (a short answer), so a
  client built once for ``/v1`` makes both kinds of call (the cold-start and memory benchmarks);
- ``/v1/files``: an upload sink: reads the body (Content-Length or chunked), discards it, and answers
  an OpenAI file object carrying the byte count;
- anything else: a 404 with an OpenAI error body.

Startup prints one JSON line ``{"port": P, "control": C}``. The control port (``GET /stats``,
``POST /reset``) is not counted, so ``accepted`` is exactly the connections the clients opened.
"""
from __future__ import annotations

import argparse
import json
import os
import selectors
import signal
import socket
import sys
import time
from collections import deque
from typing import Any, Deque, Dict, Optional

DATE = "Mon, 04 Nov 2024 12:00:00 GMT"
CREATED = 1730721600
MODEL = "gpt-4o-mini-2024-07-18"
SCRATCH = bytearray(1 << 20)  # upload bytes land here and are dropped
MAX_HEAD = 64 * 1024
# A client sends a request's headers and body in separate writes. Going back to sleep in select()
# between them costs a second wake-up (tens of microseconds in a VM), and whether that happens
# depends on microsecond gaps in the client, which would make the server's latency part of what is
# measured. So while a request is incomplete the server polls its socket for up to this long.
SPIN_SECONDS = 0.0005


def _head(status: str, content_type: str, length: Optional[int], extra: str = "") -> bytes:
    lines = [
        "HTTP/1.1 " + status,
        "Date: " + DATE,
        "Content-Type: " + content_type,
        "Connection: keep-alive",
        "access-control-expose-headers: X-Request-ID",
        "openai-organization: user-bench",
        "openai-processing-ms: 312",
        "openai-project: proj_bench",
        "openai-version: 2020-10-01",
        "x-ratelimit-limit-requests: 10000",
        "x-ratelimit-limit-tokens: 10000000",
        "x-ratelimit-remaining-requests: 9999",
        "x-ratelimit-remaining-tokens: 9999985",
        "x-ratelimit-reset-requests: 6ms",
        "x-ratelimit-reset-tokens: 0s",
        "x-request-id: req_0123456789abcdef0123456789abcdef",
        "strict-transport-security: max-age=31536000; includeSubDomains; preload",
        "x-content-type-options: nosniff",
        "server: bench",
    ]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append("Content-Length: %d" % length)
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def chat_completion_body() -> bytes:
    body = {
        "id": "chatcmpl-AQbench0123456789abcdefghij",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Hello! I'm doing well, thank you for asking. How can I help you today?",
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
        }],
        "usage": {
            "prompt_tokens": 13, "completion_tokens": 18, "total_tokens": 31,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_0ba0d124f1",
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _chunk_event(delta: Dict[str, Any], finish: Optional[str]) -> bytes:
    event = {
        "id": "chatcmpl-AQbench0123456789abcdefghij",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": MODEL,
        "service_tier": "default",
        "system_fingerprint": "fp_0ba0d124f1",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        "obfuscation": "Xy3k",
    }
    return b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"


def _http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def sse_stream_body(chunks: int) -> bytes:
    """``chunks`` chat.completion.chunk events (first carries the role, last the finish reason)."""
    parts = [_http_chunk(_chunk_event({"role": "assistant", "content": "", "refusal": None}, None))]
    for i in range(max(chunks - 2, 0)):
        parts.append(_http_chunk(_chunk_event({"content": " word%d" % (i % 10)}, None)))
    parts.append(_http_chunk(_chunk_event({}, "stop")))
    parts.append(_http_chunk(b"data: [DONE]\n\n"))
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


def big_event_body(size: int, piece: int = 16 * 1024) -> bytes:
    """One event whose delta content is ``size`` bytes (base64-like text), sent in ``piece``-byte HTTP chunks."""
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    content = (alphabet * (size // len(alphabet) + 1))[:size]
    event = _chunk_event({"content": "@@"}, None).replace(b"@@", content) + b"data: [DONE]\n\n"
    return b"".join(_http_chunk(event[i:i + piece]) for i in range(0, len(event), piece)) + b"0\r\n\r\n"


class Routes:
    def __init__(self, chunks: int, big_bytes: int, short_chunks: int = 20) -> None:
        chat = chat_completion_body()
        self.chat = _head("200 OK", "application/json", len(chat)) + chat
        stream = sse_stream_body(chunks)
        self.stream = _head("200 OK", "text/event-stream; charset=utf-8", None) + stream
        big = big_event_body(big_bytes)
        self.big = _head("200 OK", "text/event-stream; charset=utf-8", None) + big
        short = sse_stream_body(short_chunks)
        self.short = _head("200 OK", "text/event-stream; charset=utf-8", None) + short
        missing = b'{"error":{"message":"Unknown path","type":"invalid_request_error","param":null,"code":null}}'
        self.missing = _head("404 Not Found", "application/json", len(missing)) + missing

    def answer(self, path: str, received: int) -> bytes:
        path, _, query = path.partition("?")
        if path == "/v1/chat/completions":
            return self.short if "bench_stream=short" in query else self.chat
        if path == "/stream/v1/chat/completions":
            return self.stream
        if path == "/big/v1/chat/completions":
            return self.big
        if path == "/v1/files":
            body = json.dumps({
                "id": "file-bench0123456789", "object": "file", "bytes": received, "created_at": CREATED,
                "filename": "upload.jsonl", "purpose": "assistants", "status": "processed",
                "expires_at": None, "status_details": None,
            }, separators=(",", ":")).encode()
            return _head("200 OK", "application/json", len(body)) + body
        return self.missing


HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILER = range(5)


class Conn:
    __slots__ = ("sock", "inbuf", "state", "remaining", "path", "received", "out", "close_after", "writing",
                 "control")

    def __init__(self, sock: socket.socket, control: bool) -> None:
        self.sock = sock
        self.inbuf = bytearray()
        self.state = HEAD
        self.remaining = 0
        self.path = ""
        self.received = 0
        self.out: Deque[memoryview] = deque()
        self.close_after = False
        self.writing = False
        self.control = control


class Server:
    def __init__(self, routes: Routes) -> None:
        self.routes = routes
        self.sel = selectors.DefaultSelector()
        self.accepted = 0
        self.requests = 0
        self.bytes_in = 0
        self.partial: set = set()  # connections holding an incomplete small request
        self.spin_until = 0.0
        self.listeners = {}
        for kind in ("main", "control"):
            lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            lsock.bind(("127.0.0.1", 0))
            lsock.listen(1024)
            lsock.setblocking(False)
            self.sel.register(lsock, selectors.EVENT_READ, kind)
            self.listeners[kind] = lsock

    def port(self, kind: str) -> int:
        return self.listeners[kind].getsockname()[1]

    def serve_forever(self) -> None:
        sel = self.sel
        clock = time.perf_counter
        while True:
            # Poll without sleeping while a small request is half read (see SPIN_SECONDS).
            spinning = self.partial and clock() < self.spin_until
            for key, events in sel.select(0 if spinning else None):
                data = key.data
                if data == "main" or data == "control":
                    self._accept(key.fileobj, data == "control")
                    continue
                try:
                    if events & selectors.EVENT_WRITE:
                        self._flush(data)
                    if events & selectors.EVENT_READ:
                        self._read(data)
                except OSError:
                    self._close(data)

    def _accept(self, lsock: Any, control: bool) -> None:
        while True:
            try:
                sock, _ = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            if not control:
                self.accepted += 1
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Conn(sock, control)
            self.sel.register(sock, selectors.EVENT_READ, conn)

    def _close(self, conn: Conn) -> None:
        self.partial.discard(conn)
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()

    def _read(self, conn: Conn) -> None:
        if conn.state in (BODY, CHUNK_DATA) and conn.remaining > 0 and not conn.inbuf:
            # Body bytes go straight into the scratch buffer, never into a growing bytearray.
            n = conn.sock.recv_into(SCRATCH, min(conn.remaining, len(SCRATCH)))
            if n == 0:
                self._close(conn)
                return
            conn.remaining -= n
            conn.received += n
            self.bytes_in += n
            if conn.remaining == 0:
                self._advance(conn)
        else:
            data = conn.sock.recv(262144)
            if not data:
                self._close(conn)
                return
            self.bytes_in += len(data)
            conn.inbuf += data
            self._advance(conn)
        if (conn.state != HEAD or conn.inbuf) and conn.remaining < len(SCRATCH):
            if conn not in self.partial:
                self.partial.add(conn)
                self.spin_until = time.perf_counter() + SPIN_SECONDS
        else:
            self.partial.discard(conn)

    def _advance(self, conn: Conn) -> None:
        buf = conn.inbuf
        while True:
            state = conn.state
            if state == HEAD:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    if len(buf) > MAX_HEAD:
                        self._close(conn)
                    return
                head = bytes(buf[:end]).decode("latin-1")
                del buf[:end + 4]
                self._start(conn, head)
            elif state == BODY or state == CHUNK_DATA:
                if conn.remaining:
                    take = min(conn.remaining, len(buf))
                    if take:
                        del buf[:take]
                        conn.remaining -= take
                        conn.received += take
                    if conn.remaining:
                        return
                if state == BODY:
                    self._respond(conn)
                else:
                    conn.received -= 2  # the CRLF after each chunk's data is framing
                    conn.state = CHUNK_SIZE
            elif state == CHUNK_SIZE:
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(bytes(buf[:end]).split(b";", 1)[0].strip() or b"0", 16)
                del buf[:end + 2]
                if size == 0:
                    conn.state = TRAILER
                else:
                    conn.remaining = size + 2
                    conn.state = CHUNK_DATA
            else:  # TRAILER: lines until an empty one
                end = buf.find(b"\r\n")
                if end < 0:
                    return
                empty = end == 0
                del buf[:end + 2]
                if empty:
                    self._respond(conn)
            if conn.state == HEAD and not buf:
                return

    def _start(self, conn: Conn, head: str) -> None:
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        conn.path = parts[1] if len(parts) > 1 else "/"
        length = 0
        chunked = False
        expect = False
        conn.close_after = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "expect":
                expect = "100-continue" in value.lower()
            elif name == "connection":
                conn.close_after = "close" in value.lower()
        conn.received = 0
        if expect:
            self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
        if chunked:
            conn.state = CHUNK_SIZE
        else:
            conn.state = BODY
            conn.remaining = length

    def _respond(self, conn: Conn) -> None:
        self.requests += 1
        conn.state = HEAD
        if conn.control:
            payload = self._control(conn.path)
        else:
            payload = self.routes.answer(conn.path, conn.received)
        self._send(conn, payload)

    def _control(self, path: str) -> bytes:
        if path.startswith("/reset"):
            self.accepted = self.requests = self.bytes_in = 0
        body = json.dumps({"accepted": self.accepted, "requests": self.requests, "bytes_in": self.bytes_in,
                           "pid": os.getpid()}).encode()
        return _head("200 OK", "application/json", len(body)) + body

    def _send(self, conn: Conn, payload: bytes) -> None:
        if not conn.out:
            try:
                sent = conn.sock.send(payload)
            except (BlockingIOError, InterruptedError):
                sent = 0
            if sent == len(payload):
                if conn.close_after:
                    self._close(conn)
                return
            payload = memoryview(payload)[sent:]  # type: ignore[assignment]
        conn.out.append(memoryview(payload))
        if not conn.writing:
            conn.writing = True
            self.sel.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)

    def _flush(self, conn: Conn) -> None:
        out = conn.out
        while out:
            view = out[0]
            try:
                sent = conn.sock.send(view)
            except (BlockingIOError, InterruptedError):
                return
            if sent < len(view):
                out[0] = view[sent:]
                return
            out.popleft()
        conn.writing = False
        self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
        if conn.close_after:
            self._close(conn)


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--big-bytes", type=int, default=8_000_000)
    parser.add_argument("--short-chunks", type=int, default=20)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(Routes(args.chunks, args.big_bytes, args.short_chunks))
    sys.stdout.write(json.dumps({"port": server.port("main"), "control": server.port("control"),
                                 "pid": os.getpid()}) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
