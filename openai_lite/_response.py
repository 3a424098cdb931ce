"""Raw access to HTTP responses and binary bodies.

- ``LegacyAPIResponse``: what ``.with_raw_response`` returns; the body is already read,
  ``.parse()`` gives the object the plain call would have returned.
- ``APIResponse``: what ``.with_streaming_response`` returns, a context manager whose body
  is read only when asked (``read``, ``iter_bytes``, ``iter_lines``, ``parse``, ``stream_to_file``).
- ``BinaryResponseContent``: speech, file contents and other bytes, streamed to disk on request.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Generic, Iterator, MutableMapping, Optional, Type, TypeVar, Union, overload

import requests

from . import _compat
from ._transport import translate

if TYPE_CHECKING:
    from .lib.rate_limits import RateLimits

__all__ = ["LegacyAPIResponse", "APIResponse", "BinaryResponseContent", "HttpxBinaryResponseContent"]

_CHUNK = 64 * 1024
PathLike = Union[str, "os.PathLike[str]"]
R = TypeVar("R")  # what ``.parse()`` gives: the object the plain call returns
T = TypeVar("T")
Self = TypeVar("Self", bound="_ResponseBody")


def _strip_eol(line: str) -> str:
    """``line`` without its line ending (any that ``str.splitlines`` knows)."""
    parts = line.splitlines()
    return parts[0] if parts else ""


class _ResponseBody:
    """Reading a ``requests.Response`` body, with failures translated."""

    http_response: requests.Response

    def _iter(self, chunk_size: Optional[int]) -> Iterator[bytes]:
        response = self.http_response
        try:
            data = _compat.read_content(response)
            if data is not None:
                size = chunk_size or len(data) or 1
                for i in range(0, len(data), size):
                    yield data[i:i + size]
                return
            for chunk in response.iter_content(chunk_size or _CHUNK):
                if chunk:
                    yield chunk
        except Exception as exc:  # noqa: BLE001 - one translation for every body read
            raise translate(exc, response.request) from exc

    def _read(self) -> bytes:
        try:
            return self.http_response.content
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, self.http_response.request) from exc

    def iter_bytes(self, chunk_size: Optional[int] = None) -> Iterator[bytes]:
        return self._iter(chunk_size)

    def iter_text(self, chunk_size: Optional[int] = None) -> Iterator[str]:
        import codecs

        decoder = codecs.getincrementaldecoder(self.http_response.encoding or "utf-8")(errors="replace")
        for chunk in self._iter(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def iter_lines(self) -> Iterator[str]:
        pending = ""
        for text in self.iter_text():
            pending += text
            lines = pending.splitlines(True)
            pending = ""
            # Hold back an unterminated last line, and one ending in "\r" whose "\n" may be in the next chunk.
            if lines and (lines[-1].endswith("\r") or _strip_eol(lines[-1]) == lines[-1]):
                pending = lines.pop()
            for line in lines:
                yield _strip_eol(line)
        if pending:
            yield _strip_eol(pending)

    def _write(self, file: PathLike, chunk_size: Optional[int]) -> None:
        with open(file, "wb") as out:
            for chunk in self._iter(chunk_size):
                out.write(chunk)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _BaseAPIResponse(_ResponseBody, Generic[R]):
    def __init__(self, http_response: requests.Response, *, client: Any, call: Any, retries_taken: int = 0) -> None:
        self.http_response = http_response
        self._client = client
        self._call = call
        self._parsed: Any = None
        self.retries_taken = retries_taken

    @property
    def headers(self) -> MutableMapping[str, str]:  # a case-insensitive ``requests`` mapping
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def rate_limits(self) -> "RateLimits":
        """The ``x-ratelimit-*`` headers, parsed: a :class:`openai_lite.lib.rate_limits.RateLimits`
        (``limit_requests``, ``remaining_requests``, ``reset_requests`` in seconds, and the same for tokens)."""
        from .lib.rate_limits import RateLimits

        return RateLimits.from_headers(self.http_response.headers)

    @property
    def url(self) -> str:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def http_request(self) -> Any:
        return self.http_response.request

    @property
    def http_version(self) -> str:
        version = getattr(self.http_response.raw, "version", 11)
        return "HTTP/%d.%d" % divmod(version, 10)

    @property
    def elapsed(self) -> Any:
        return self.http_response.elapsed

    @property
    def request_id(self) -> Optional[str]:
        return self.http_response.headers.get("x-request-id")

    @property
    def is_closed(self) -> bool:
        raw = self.http_response.raw
        return bool(getattr(raw, "closed", True)) or _compat.body_is_read(self.http_response)

    @overload
    def parse(self) -> R: ...
    @overload
    def parse(self, *, to: Type[T]) -> T: ...

    def parse(self, *, to: Any = None) -> Any:
        """The object the plain call returns (a ``Stream`` for ``stream=True`` calls), or the JSON
        body read as ``to``."""
        if to is not None:
            from ._models import construct

            return construct(to, self.json())
        if self._parsed is None:
            self._parsed = self._client._parse(self._call, self.http_response)
        return self._parsed

    def __repr__(self) -> str:
        return "<%s [%d %s] type=%s>" % (type(self).__name__, self.status_code, self.http_response.reason,
                                         self._call.cast_to)


class LegacyAPIResponse(_BaseAPIResponse[R]):
    @property
    def content(self) -> bytes:
        return self._read()

    @property
    def text(self) -> str:
        return self._read().decode(self.http_response.encoding or "utf-8", "replace")

    def json(self) -> Any:
        import json

        return json.loads(self._read())

    def read(self) -> bytes:
        return self._read()


class APIResponse(_BaseAPIResponse[R]):
    def read(self) -> bytes:
        return self._read()

    def text(self) -> str:
        return self._read().decode(self.http_response.encoding or "utf-8", "replace")

    def json(self) -> Any:
        import json

        return json.loads(self._read())

    def stream_to_file(self, file: PathLike, *, chunk_size: Optional[int] = None) -> None:
        self._write(file, chunk_size)


class BinaryResponseContent(_ResponseBody):
    """Bytes from the API (speech, file content...). Nothing is read until you ask."""

    def __init__(self, http_response: requests.Response) -> None:
        self.http_response = http_response
        self.response = http_response

    @property
    def content(self) -> bytes:
        return self._read()

    @property
    def text(self) -> str:
        return self._read().decode(self.encoding or "utf-8", "replace")

    @property
    def encoding(self) -> Optional[str]:
        return self.http_response.encoding

    @property
    def charset_encoding(self) -> Optional[str]:
        return self.http_response.encoding

    def json(self, **kwargs: Any) -> Any:
        import json

        return json.loads(self._read(), **kwargs)

    def read(self) -> bytes:
        return self._read()

    def iter_raw(self, chunk_size: Optional[int] = None) -> Iterator[bytes]:
        return self._iter(chunk_size)

    def write_to_file(self, file: PathLike) -> None:
        """Stream the body to ``file`` in pieces (memory stays flat for any size)."""
        self._write(file, None)

    def stream_to_file(self, file: PathLike, *, chunk_size: Optional[int] = None) -> None:
        self._write(file, chunk_size)


HttpxBinaryResponseContent = BinaryResponseContent
