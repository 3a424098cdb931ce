"""A loopback forward proxy for tests: plain-http forwarding and CONNECT tunnels, optional Basic auth.

- ``GET http://host:port/path HTTP/1.1`` (absolute URI): forwarded to the origin with
  ``Connection: close``; the answer is relayed as it comes, then the client connection closes.
- ``CONNECT host:port``: ``200 Connection established``, then bytes are piped both ways
  (so TLS runs end to end, from the client through the tunnel to the TLS server).
- With ``credentials=("user", "secret")`` a request without the matching
  ``Proxy-Authorization: Basic ...`` is answered ``407``.

``seen`` records ``(method, target, proxy_authorization)`` for every request the proxy got, and
``headers`` the names of the headers each one carried.
"""
from __future__ import annotations

import base64
import selectors
import socket
import threading
from typing import List, Optional, Tuple
from urllib.parse import urlsplit

__all__ = ["ForwardProxy"]

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
               "te", "trailer", "upgrade"}


class ForwardProxy:
    def __init__(self, credentials: Optional[Tuple[str, str]] = None) -> None:
        self.credentials = credentials
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._seen: List[Tuple[str, str, Optional[str]]] = []
        self._headers: List[List[str]] = []
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self._socks: List[socket.socket] = []
        self._accept = threading.Thread(target=self._accept_loop, name="ForwardProxy-accept", daemon=True)

    def url(self, with_credentials: bool = False) -> str:
        if with_credentials and self.credentials:
            return "http://%s:%s@127.0.0.1:%d" % (self.credentials[0], self.credentials[1], self.port)
        return "http://127.0.0.1:%d" % self.port

    @property
    def seen(self) -> List[Tuple[str, str, Optional[str]]]:
        with self._lock:
            return list(self._seen)

    @property
    def headers(self) -> List[List[str]]:
        with self._lock:
            return [list(h) for h in self._headers]

    def __enter__(self) -> "ForwardProxy":
        self._accept.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self._lock:
            socks = list(self._socks)
            threads = list(self._threads)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._accept.join(5)
        for thread in threads:
            thread.join(5)

    # -- serving ---------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), name="ForwardProxy-conn", daemon=True)
            with self._lock:
                self._threads.append(thread)
                self._socks.append(sock)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(10)
        reader = _Reader(client)
        try:
            while not self._stopping.is_set():
                if not self._one(client, reader):
                    return
        except OSError:
            return
        finally:
            try:
                client.close()
            except OSError:
                pass

    def _one(self, client: socket.socket, reader: "_Reader") -> bool:
        head = reader.read_head()
        if head is None:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: List[Tuple[str, str]] = []
        for raw in lines[1:]:
            if raw:
                name, _, value = raw.partition(":")
                headers.append((name.strip(), value.strip()))
        auth = next((v for k, v in headers if k.lower() == "proxy-authorization"), None)
        with self._lock:
            self._seen.append((method, target, auth))
            self._headers.append([k for k, _ in headers])
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0") or 0)
        body = reader.read(length) if length else b""
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(("%s:%s" % self.credentials).encode()).decode()
            if auth != expected:
                client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                               b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
                return True
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return False
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            with self._lock:
                self._socks.append(upstream)
            _tunnel(client, upstream, reader.take_buffer(), self._stopping)
            upstream.close()
            return False
        split = urlsplit(target)
        if split.scheme != "http" or not split.hostname:
            client.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return False
        try:
            upstream = socket.create_connection((split.hostname, split.port or 80), timeout=10)
        except OSError:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return False
        path = (split.path or "/") + ("?" + split.query if split.query else "")
        out = ["%s %s HTTP/1.1" % (method, path)]
        out.extend("%s: %s" % (k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP)
        out.append("Connection: close")
        upstream.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                client.sendall(data)
        finally:
            upstream.close()
        return False  # the answer was framed by the upstream's close: close ours too


class _Reader:
    """Reads a request head and a counted body from a socket, keeping what came after."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def read_head(self) -> Optional[bytes]:
        while b"\r\n\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        return head

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            data = self.sock.recv(65536)
            if not data:
                break
            self.buffer += data
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def take_buffer(self) -> bytes:
        out, self.buffer = self.buffer, b""
        return out


def _tunnel(a: socket.socket, b: socket.socket, first: bytes, stopping: threading.Event) -> None:
    if first:
        b.sendall(first)
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, b)
    sel.register(b, selectors.EVENT_READ, a)
    try:
        while not stopping.is_set():
            for key, _ in sel.select(0.1):
                try:
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                except OSError:
                    return
                if not data:
                    return
                try:
                    key.data.sendall(data)
                except OSError:
                    return
    finally:
        sel.close()
