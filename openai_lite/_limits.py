"""How much of a response the client will hold, and the bounded reader that enforces it.

``ResponseLimits`` is a client option (``OpenAI(response_limits=ResponseLimits(...))``). Every size is of *decoded*
bytes and is checked while decoding, a piece at a time, so a compressed body that expands
without end (a "decompression bomb") costs at most the limit plus one piece of memory.

- a success body read whole (a plain call) larger than ``max_body_bytes``, or one server-sent
  event larger than ``max_event_bytes``: ``APIResponseValidationError`` naming the limit;
- a compressed success body that expands more than ``max_decompression_ratio`` times (checked
  once it passes 1 MiB decoded): the same, at once, without waiting for the size limit;
- an error body (4xx/5xx): the first ``max_error_body_bytes`` are kept for the error's message
  and ``body``, the rest is not read (the connection is closed instead of reused).
"""
from __future__ import annotations

import zlib
from typing import Any, Iterator, Tuple

__all__ = ["ResponseLimits", "LimitExceeded", "DEFAULT_LIMITS", "decoded_pieces", "read_limited", "read_error_body"]

MiB = 1 << 20
_PIECE = 64 * 1024


class ResponseLimits:
    """Largest response sizes the client accepts (decoded bytes; ``None``: no limit).

    ``max_body_bytes`` (256 MiB): a success body read whole. ``max_error_body_bytes`` (1 MiB):
    what is kept of an error body. ``max_event_bytes`` (64 MiB): one server-sent event.
    ``max_decompression_ratio`` (1000): decoded bytes per byte received, for a compressed success
    body past its first MiB (gzip cannot pass about 1030; brotli and zstd can pass millions).
    Read-only once built. (Written out rather than a frozen dataclass: every client imports this
    module, and ``dataclasses`` brings ``inspect``, ``ast`` and ``dis`` to start-up.)
    """

    __slots__ = ("max_body_bytes", "max_error_body_bytes", "max_event_bytes", "max_decompression_ratio")
    max_body_bytes: Any
    max_error_body_bytes: int
    max_event_bytes: Any
    max_decompression_ratio: Any

    def __init__(self, max_body_bytes: Any = 256 * MiB, max_error_body_bytes: int = MiB,
                 max_event_bytes: Any = 64 * MiB, max_decompression_ratio: Any = 1000) -> None:
        values = (max_body_bytes, max_error_body_bytes, max_event_bytes, max_decompression_ratio)
        for name, value in zip(self.__slots__, values):
            if not (value is None and name != "max_error_body_bytes") and (
                    isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError("ResponseLimits.%s must be a positive int (bytes)%s, got %r" % (
                    name, "" if name == "max_error_body_bytes" else " or None", value))
            object.__setattr__(self, name, value)

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ResponseLimits is read-only: build a new one (field %r)" % name)

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ResponseLimits is read-only: build a new one (field %r)" % name)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return "ResponseLimits(%s)" % ", ".join("%s=%r" % pair for pair in zip(self.__slots__, self._values()))

    def __reduce__(self) -> Any:
        return (type(self), self._values())


DEFAULT_LIMITS = ResponseLimits()


class LimitExceeded(Exception):
    """Raised by the readers here; the client turns it into ``APIResponseValidationError``."""

    def __init__(self, what: str, name: str, limit: int, message: str = "") -> None:
        super().__init__(message or "%s is larger than the client's limit of %d bytes (ResponseLimits.%s)" % (what, limit, name))
        self.name = name
        self.limit = limit


def decoded_pieces(raw: Any, piece: int = _PIECE) -> Iterator[bytes]:
    """A urllib3 response's body decoded (gzip, deflate, ...), at most ``piece`` bytes per item.

    gzip and deflate are decoded here with ``zlib``'s output bound, so no piece is larger than
    ``piece`` however well the body compresses; other encodings (br, zstd) go through urllib3's
    decoder, fed small reads.
    """
    encoding = (raw.headers.get("content-encoding") or "").strip().lower()
    if encoding in ("", "identity"):
        while True:
            data = raw.read(piece, decode_content=False)
            if not data:
                return
            yield data
    elif encoding in ("gzip", "x-gzip", "deflate"):
        yield from _zlib_pieces(raw, encoding, piece)
    else:
        while True:
            data = raw.read(4096, decode_content=True)
            if not data:
                return
            yield data


def _zlib_pieces(raw: Any, encoding: str, piece: int) -> Iterator[bytes]:
    from urllib3.exceptions import DecodeError

    gzip = encoding != "deflate"
    wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
    decoder: Any = zlib.decompressobj(wbits)
    first = True
    try:
        while True:
            # small reads: the ratio check sees each 16 KiB received (a bomb yields ~16 MiB per read)
            data = raw.read(16384, decode_content=False)
            if not data:
                break
            if first and not gzip:
                first = False
                try:
                    zlib.decompressobj(zlib.MAX_WBITS).decompress(data[:64])
                except zlib.error:
                    decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
            while data:
                out = decoder.decompress(data, piece)
                if out:
                    yield out
                if decoder.eof:
                    data = decoder.unused_data
                    if data and gzip:
                        decoder = zlib.decompressobj(wbits)  # the next member of a multi-member gzip
                    else:
                        break
                else:
                    data = decoder.unconsumed_tail
        tail = decoder.flush()
        if tail:
            yield tail
    except zlib.error as exc:
        raise DecodeError("Received response with content-encoding: %s, but failed to decode it." % encoding,
                          exc) from exc


def read_limited(raw: Any, limit: Any, ratio: Any = None) -> bytes:
    """The whole decoded body; ``LimitExceeded`` (the connection closed) once it passes ``limit``
    bytes, or, compressed, once past 1 MiB it has expanded more than ``ratio`` times."""
    parts = []
    total = 0
    tell = getattr(raw, "tell", None) if ratio is not None and raw.headers.get("content-encoding") else None
    for data in decoded_pieces(raw):
        total += len(data)
        if limit is not None and total > limit:
            raw.close()
            raise LimitExceeded("The response body", "max_body_bytes", limit)
        if tell is not None and total > MiB and total > ratio * max(tell(), 1):
            raw.close()
            raise LimitExceeded("", "max_decompression_ratio", ratio, message=(
                "The compressed response body expands more than %d times, the client's limit "
                "(ResponseLimits.max_decompression_ratio)" % ratio))
        parts.append(data)
    return b"".join(parts)


def read_error_body(raw: Any, cap: int) -> Tuple[bytes, bool]:
    """At most ``cap`` decoded bytes of an error body, and whether there was more (then the
    connection is closed: unread bytes remain on it)."""
    parts = []
    total = 0
    for data in decoded_pieces(raw):
        parts.append(data)
        total += len(data)
        if total > cap:
            raw.close()
            return b"".join(parts)[:cap], True
    return b"".join(parts), False
