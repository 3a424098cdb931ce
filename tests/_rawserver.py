"""A loopback server that writes exactly the bytes a test gives it (for faults no well-behaved
HTTP server would commit: 1xx before the answer, absurd chunk sizes, never reading a body).

``RawServer(handler)``: for each connection, the request head is read (up to the blank line) and
``handler(conn, head)`` is called with the socket; it writes what it likes. ``requests`` counts
the request heads received.
"""
from __future__ import annotations

import socket
import threading
from typing import Any, Callable, List


class RawServer:
    def __init__(self, handler: Callable[[socket.socket, bytes], None], *, read_body: bool = False) -> None:
        self.handler = handler
        self.read_body = read_body
        self.requests: List[bytes] = []
        self.errors: List[BaseException] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.url = "http://127.0.0.1:%d/v1" % self.port
        self._conns: List[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            if self._stop.is_set():
                conn.close()
                return
            self._conns.append(conn)
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            while True:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        return
                    head += data
                head, _, rest = head.partition(b"\r\n\r\n")
                self.requests.append(head)
                if self.read_body:
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value.strip())
                    while len(rest) < length:
                        data = conn.recv(65536)
                        if not data:
                            return
                        rest += data
                if self.handler(conn, head) is not True:  # True: keep the connection for another request
                    return
        except OSError:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported by the test through .errors
            self.errors.append(exc)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        # close() alone does not wake a thread blocked in accept(): the socket would stay listening,
        # take one more connection after the test and answer it (keep-alive) for whichever later
        # test's server is given the same port. shutdown() wakes the accept; then the thread ends.
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._thread.join(5)
        for conn in self._conns:
            try:
                conn.close()
            except OSError:
                pass

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def response(status: int, body: bytes = b"", *, headers: Any = (), reason: str = "OK") -> bytes:
    """A whole HTTP/1.1 response with a Content-Length (unless the headers set their own framing)."""
    lines = ["HTTP/1.1 %d %s" % (status, reason)]
    names = {name.lower() for name, _ in headers}
    for name, value in headers:
        lines.append("%s: %s" % (name, value))
    if "content-length" not in names and "transfer-encoding" not in names:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
