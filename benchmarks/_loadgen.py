"""The server's own ceiling: raw sockets against ``_server.py``, no HTTP library in the way.

Run in its own process by ``run.py``; prints one JSON line. Each figure is the best the
server did for a client that costs (almost) nothing, so a contender far below it is measuring
itself, not the server.
"""
from __future__ import annotations

import argparse
import json
import selectors
import socket
import time
from typing import Any, Dict, List

from _server import Routes

CHAT_BODY = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}]}).encode()


def _request(path: str, body: bytes = CHAT_BODY) -> bytes:
    return (
        "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: loadgen\r\nAccept: application/json\r\n"
        "Authorization: Bearer sk-bench\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
        % (path, len(body))
    ).encode() + body


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_exact_total(sock: socket.socket, total: int, buf: bytearray) -> None:
    view = memoryview(buf)
    got = 0
    while got < total:
        n = sock.recv_into(view, min(len(buf), total - got))
        if n == 0:
            raise ConnectionError("server closed the connection")
        got += n


def round_trip(port: int, n: int, expected: int) -> float:
    """Microseconds per request on one keep-alive connection, one request at a time."""
    sock = _connect(port)
    request = _request("/v1/chat/completions")
    buf = bytearray(1 << 16)
    for _ in range(50):
        sock.sendall(request)
        _read_exact_total(sock, expected, buf)
    start = time.perf_counter()
    for _ in range(n):
        sock.sendall(request)
        _read_exact_total(sock, expected, buf)
    elapsed = time.perf_counter() - start
    sock.close()
    return elapsed / n * 1e6


def concurrent(port: int, conns: int, n: int, expected: int) -> float:
    """Requests per second with ``conns`` connections, each keeping one request in flight."""
    sel = selectors.DefaultSelector()
    request = _request("/v1/chat/completions")
    buf = bytearray(1 << 16)
    pending: Dict[socket.socket, int] = {}
    socks: List[socket.socket] = []
    for _ in range(conns):
        sock = _connect(port)
        sock.setblocking(False)
        socks.append(sock)
        sel.register(sock, selectors.EVENT_READ)
    sent = done = 0
    start = time.perf_counter()
    for sock in socks:
        sock.sendall(request)
        pending[sock] = expected
        sent += 1
    while done < n:
        for key, _ in sel.select():
            sock = key.fileobj  # type: ignore[assignment]
            try:
                got = sock.recv_into(buf)
            except BlockingIOError:
                continue
            if got == 0:
                raise ConnectionError("server closed the connection")
            pending[sock] -= got
            if pending[sock] == 0:
                done += 1
                if sent < n:
                    sock.sendall(request)
                    pending[sock] = expected
                    sent += 1
    elapsed = time.perf_counter() - start
    for sock in socks:
        sock.close()
    return n / elapsed


def download(port: int, path: str, expected: int, repeat: int) -> float:
    """Seconds per response for a long response (the SSE routes), best of ``repeat``."""
    sock = _connect(port)
    request = _request(path)
    buf = bytearray(1 << 20)
    best = float("inf")
    for _ in range(repeat + 1):
        start = time.perf_counter()
        sock.sendall(request)
        _read_exact_total(sock, expected, buf)
        best = min(best, time.perf_counter() - start)
    sock.close()
    return best


def upload(port: int, size: int, expected_head: int) -> float:
    """MB/s the sink reads at (10**6 bytes per MB)."""
    sock = _connect(port)
    head = (
        "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        "Content-Length: %d\r\n\r\n" % size
    ).encode()
    block = memoryview(bytes(1 << 20))
    start = time.perf_counter()
    sock.sendall(head)
    left = size
    while left:
        left -= sock.send(block[:min(left, len(block))])
    data = b""
    while b"}" not in data:
        part = sock.recv(65536)
        if not part:
            break
        data += part
    elapsed = time.perf_counter() - start
    sock.close()
    return size / elapsed / 1e6


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--big-bytes", type=int, default=8_000_000)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--upload-bytes", type=int, default=300_000_000)
    args = parser.parse_args(argv)
    routes = Routes(args.chunks, args.big_bytes)
    us = round_trip(args.port, args.requests, len(routes.chat))
    rps16 = concurrent(args.port, 16, args.requests, len(routes.chat))
    stream_s = download(args.port, "/stream/v1/chat/completions", len(routes.stream), 3)
    big_s = download(args.port, "/big/v1/chat/completions", len(routes.big), 3)
    up = upload(args.port, args.upload_bytes, 0)
    print(json.dumps({
        "round_trip_us": us,
        "round_trip_rps": 1e6 / us,
        "rps_16_connections": rps16,
        "stream_chunks_per_s": args.chunks / stream_s,
        "big_event_mb_per_s": args.big_bytes / big_s / 1e6,
        "upload_mb_per_s": up,
    }))


if __name__ == "__main__":
    main()
