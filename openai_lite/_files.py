"""File uploads: coercion of user-supplied file values and a streaming
``multipart/form-data`` encoder for :mod:`requests`.

Public API
----------
* :func:`coerce_file` / :func:`to_file` turn any accepted file value into a
  :class:`FileUpload` (filename, content source, content type, extra part
  headers, size).  Accepted values (mirroring openai-python's ``FileTypes``):

  - ``bytes`` / ``bytearray`` / ``memoryview``;
  - an ``os.PathLike`` (e.g. ``pathlib.Path``).  The file is opened right away
    so a missing or unreadable path fails *before* anything is sent; its size
    is taken from ``os.fstat``.  The handle is then closed again and the file
    is re-opened lazily while its part is being read (and closed when the part
    is done), so no descriptor is held between coercion and sending;
  - a binary file object (anything with ``.read``), seekable or not;
  - ``(filename, content)``, ``(filename, content, content_type)`` or
    ``(filename, content, content_type, headers)`` tuples;
  - a ``requests.Response`` (its decoded body, via ``iter_content``);
  - a :class:`FileUpload` (e.g. the result of :func:`to_file`).

* :class:`MultipartBody` is a seekable, readable, *sized* file-like object
  holding a ``multipart/form-data`` body.  Pass it as ``data=body`` to
  :mod:`requests` (with ``headers={"Content-Type": body.content_type}``): it
  is sent with an exact ``Content-Length`` (never chunked), and urllib3's
  retry logic (``body.tell()`` before sending, ``body.seek(pos)`` on retry)
  re-sends the identical body.  Content is read from the sources lazily in
  bounded pieces (at most :data:`MAX_READ_SIZE` bytes per ``read`` call).

* :func:`split_parts` cuts an upload into seekable, sized windows
  (:class:`FilePart`) for the chunked Uploads API.

* :func:`build_multipart` is what the client's request funnel calls for an
  API call with files (:func:`coerce_files` runs earlier, in ``_request``).

Sources of unknown size
-----------------------
A non-seekable file object (pipe, socket, ...) or a ``requests.Response``
without a usable ``Content-Length`` has no size up front, but a multipart body
needs one for ``Content-Length``.  Such sources are copied, in 64 KiB pieces,
into a ``tempfile.SpooledTemporaryFile(max_size=8 MiB)`` when the
:class:`MultipartBody` is constructed (or when :func:`split_parts` is called):
up to 8 MiB stays in memory, anything larger rolls over to an anonymous
temporary file on disk.  A ``requests.Response`` *with* a usable
``Content-Length`` (and no ``Content-Encoding``) is streamed lazily instead,
but everything read from it is teed into the same kind of spool, so that a
rewind (retry) can replay it.  The spool belongs to the :class:`FileUpload`
(so the upload can be encoded again); :meth:`FileUpload.close` releases it.

Errors
------
All errors raised here derive from :class:`FileUploadError` *and* from the
matching built-in (``TypeError``, ``ValueError``, ``FileNotFoundError``,
``PermissionError``, ``OSError``).  Errors raised while a body is being sent
(a source that changed or failed after coercion) are
:class:`UploadSourceError` (a ``ValueError``) on purpose: urllib3 treats any
``OSError`` raised during sending as a dropped connection and retries it.
"""

from __future__ import annotations

import bisect
import email.message
import io
import mimetypes
import os
import posixpath
import secrets
import stat
import tempfile
import dataclasses
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)
from urllib.parse import unquote, urlsplit

import requests

__all__ = [
    "FileUpload",
    "FilePart",
    "MultipartBody",
    "coerce_file",
    "to_file",
    "file_from_path",
    "split_parts",
    "coerce_files",
    "build_multipart",
    "flatten_form_fields",
    "FileUploadError",
    "InvalidFileError",
    "ClosedFileError",
    "InvalidHeaderError",
    "UploadFileNotFoundError",
    "UploadPermissionError",
    "UploadOSError",
    "UploadSourceError",
    "SPOOL_MAX_MEMORY",
    "MAX_READ_SIZE",
    "DEFAULT_FILENAME",
    "DEFAULT_CONTENT_TYPE",
]

#: Bytes of a spooled (unknown-size) source kept in memory before rolling
#: over to a temporary file on disk.
SPOOL_MAX_MEMORY = 8 * 1024 * 1024
#: Largest piece returned by one ``read(n)`` call of a body or part (larger
#: requests get a short read; ``read()`` / ``read(-1)`` still returns all).
MAX_READ_SIZE = 1024 * 1024
#: Filename used when none can be inferred (as httpx / openai-python do).
DEFAULT_FILENAME = "upload"
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_COPY_CHUNK = 64 * 1024
_ACCEPTED = (
    "bytes, a pathlib.Path (os.PathLike), a binary file object, a "
    "(filename, content[, content_type[, headers]]) tuple, a requests.Response "
    "or a FileUpload from to_file()"
)


# --------------------------------------------------------------------------
# errors


class FileUploadError(Exception):
    """Base class of every error raised by this module (always combined with
    the matching built-in exception class)."""


class InvalidFileError(FileUploadError, TypeError):
    """The value is not an accepted file type (plain ``str``, text-mode file,
    wrong tuple shape, unsupported object, ...)."""


class ClosedFileError(FileUploadError, ValueError):
    """The file object (or response body) is closed / already consumed."""


class InvalidHeaderError(FileUploadError, ValueError):
    """A part header, filename or boundary contains forbidden characters."""


class UploadFileNotFoundError(FileUploadError, FileNotFoundError):
    """A path given for upload does not exist."""


class UploadPermissionError(FileUploadError, PermissionError):
    """A path given for upload cannot be read."""


class UploadOSError(FileUploadError, OSError):
    """A path given for upload cannot be opened for another reason."""


class UploadSourceError(FileUploadError, ValueError):
    """A source changed, shrank or failed after it was coerced (raised while
    the body is read).  A ``ValueError`` so that urllib3 does not mistake it
    for a dropped connection and retry."""


# --------------------------------------------------------------------------
# helpers


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _basename(name: Any) -> Optional[str]:
    """Basename of a ``.name``-like value, or None if it is not usable."""
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or not name:
        return None
    if name.startswith("<") and name.endswith(">"):  # "<stdin>", "<fdopen>"
        return None
    base = os.path.basename(name.rstrip("/" + os.sep))
    return base or None


def _guess_type(filename: Optional[str]) -> str:
    if filename:
        guessed = mimetypes.guess_type(filename)[0]
        if guessed:
            return guessed
    return DEFAULT_CONTENT_TYPE


def _file_label(fileobj: Any) -> str:
    name = getattr(fileobj, "name", None)
    if isinstance(name, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(os.fspath(name)))
    return "<%s object>" % type(fileobj).__name__


def _read_exact(fileobj: Any, n: int, label: str) -> bytes:
    """Read up to ``n`` bytes (fewer only at EOF), rejecting text data."""
    pieces: List[bytes] = []
    got = 0
    while got < n:
        chunk = fileobj.read(n - got)
        if chunk is None:
            raise UploadSourceError(
                "%s is a non-blocking stream with no data available; pass a "
                "blocking binary file" % label
            )
        if isinstance(chunk, str):
            raise InvalidFileError(
                "%s returned text (str) data: open the file in binary mode ('rb')"
                % label
            )
        if not chunk:
            break
        if not isinstance(chunk, bytes):
            chunk = bytes(chunk)
        pieces.append(chunk)
        got += len(chunk)
    if len(pieces) == 1:
        return pieces[0]
    return b"".join(pieces)


def _iter_fileobj(fileobj: Any, label: str) -> Iterator[bytes]:
    while True:
        chunk = _read_exact(fileobj, _COPY_CHUNK, label)
        if not chunk:
            return
        yield chunk


# --------------------------------------------------------------------------
# sources: each knows its size (maybe after spooling) and serves read_at()


class _BytesSource:
    def __init__(self, obj: Any, size: int) -> None:
        self.obj = obj
        self.size: Optional[int] = size

    def ensure_size(self) -> int:
        return self.size  # type: ignore[return-value]

    def reader(self) -> "_BytesSource":
        return self

    def read_at(self, offset: int, n: int) -> bytes:
        with memoryview(self.obj) as view, view.cast("B") as flat:
            if flat.nbytes != self.size:
                raise UploadSourceError(
                    "in-memory upload content changed size after it was "
                    "prepared (%d bytes then, %d now)" % (self.size, flat.nbytes)
                )
            return bytes(flat[offset : offset + n])

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


class _PathSource:
    """A regular file on disk, re-opened lazily by each reader."""

    def __init__(self, path: Union[str, bytes], size: int) -> None:
        self.path = path
        self.display = os.fsdecode(path)
        self.size: Optional[int] = size

    def ensure_size(self) -> int:
        return self.size  # type: ignore[return-value]

    def reader(self) -> "_PathReader":
        return _PathReader(self)

    def close(self) -> None:
        pass


class _PathReader:
    def __init__(self, source: _PathSource) -> None:
        self.source = source
        self.fh: Optional[Any] = None

    def read_at(self, offset: int, n: int) -> bytes:
        src = self.source
        if self.fh is None:
            try:
                fh = open(src.path, "rb")
            except OSError as exc:
                raise UploadSourceError(
                    "cannot re-open %r for upload: %s" % (src.display, exc)
                ) from exc
            try:
                now = os.fstat(fh.fileno()).st_size
            except OSError as exc:  # pragma: no cover - fstat on an open fd
                fh.close()
                raise UploadSourceError("cannot stat %r: %s" % (src.display, exc)) from exc
            if now != src.size:
                fh.close()
                raise UploadSourceError(
                    "file %r changed size after it was prepared for upload "
                    "(%d bytes then, %d now)" % (src.display, src.size, now)
                )
            self.fh = fh
        try:
            self.fh.seek(offset)
            data = _read_exact(self.fh, n, repr(src.display))
        except FileUploadError:
            raise
        except Exception as exc:
            raise UploadSourceError(
                "reading %r for upload failed: %s" % (src.display, exc)
            ) from exc
        if len(data) != n:
            raise UploadSourceError(
                "file %r shrank while being uploaded (expected %d bytes)"
                % (src.display, src.size)
            )
        return data

    def release(self) -> None:
        fh, self.fh = self.fh, None
        if fh is not None:
            fh.close()


class _SeekableSource:
    """A caller-supplied seekable file object, read from ``start``."""

    def __init__(self, fileobj: Any, start: int, size: int, label: str) -> None:
        self.fileobj = fileobj
        self.start = start
        self.size: Optional[int] = size
        self.label = label

    def ensure_size(self) -> int:
        return self.size  # type: ignore[return-value]

    def reader(self) -> "_SeekableSource":
        return self

    def read_at(self, offset: int, n: int) -> bytes:
        try:
            self.fileobj.seek(self.start + offset)
            data = _read_exact(self.fileobj, n, self.label)
        except FileUploadError:
            raise
        except Exception as exc:
            raise UploadSourceError(
                "reading %s for upload failed: %s" % (self.label, exc)
            ) from exc
        if len(data) != n:
            raise UploadSourceError(
                "file %s shrank after it was prepared for upload (expected %d "
                "bytes from position %d)" % (self.label, self.size, self.start)
            )
        return data

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


class _StreamSource:
    """A one-shot source (non-seekable file, HTTP response) teed into a
    ``SpooledTemporaryFile`` so it can be re-read and measured."""

    def __init__(
        self,
        make_iter: Callable[[], Iterable[bytes]],
        expected_size: Optional[int],
        label: str,
        owned: Any = None,
    ) -> None:
        self._make_iter = make_iter
        self._expected = expected_size
        self.size: Optional[int] = expected_size
        self.label = label
        self._owned = owned  # a handle we opened ourselves (closed when done)
        self._iter: Optional[Iterator[bytes]] = None
        self._spool: Optional[Any] = None
        self._filled = 0
        self._done = False
        self._started = False
        self._closed = False

    def _fill(self, upto: Optional[int]) -> None:
        if self._closed:
            raise UploadSourceError(
                "the spooled content of %s was released by FileUpload.close() "
                "and the source can only be read once" % self.label
            )
        if self._spool is None:
            if self._started:  # pragma: no cover - defensive
                raise UploadSourceError("%s was already consumed" % self.label)
            self._started = True
            self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)
            try:
                self._iter = iter(self._make_iter())
            except FileUploadError:
                raise
            except Exception as exc:
                raise UploadSourceError(
                    "reading %s for upload failed: %s" % (self.label, exc)
                ) from exc
        while not self._done and (upto is None or self._filled < upto):
            try:
                chunk = next(self._iter)  # type: ignore[arg-type]
            except StopIteration:
                self._finish()
                break
            except FileUploadError:
                raise
            except Exception as exc:
                raise UploadSourceError(
                    "reading %s for upload failed: %s" % (self.label, exc)
                ) from exc
            if isinstance(chunk, str):
                raise InvalidFileError(
                    "%s returned text (str) data: open the file in binary "
                    "mode ('rb')" % self.label
                )
            if not chunk:
                continue
            self._spool.seek(0, 2)
            self._spool.write(chunk)
            self._filled += len(chunk)
            if self._expected is not None and self._filled > self._expected:
                raise UploadSourceError(
                    "%s produced more than the announced %d bytes"
                    % (self.label, self._expected)
                )

    def _finish(self) -> None:
        self._done = True
        self._iter = None
        owned, self._owned = self._owned, None
        if owned is not None:
            owned.close()
        if self._expected is not None and self._filled != self._expected:
            raise UploadSourceError(
                "%s ended after %d bytes, but %d were announced"
                % (self.label, self._filled, self._expected)
            )
        self.size = self._filled

    def ensure_size(self) -> int:
        if self.size is None:
            self._fill(None)
        return self.size  # type: ignore[return-value]

    def reader(self) -> "_StreamSource":
        return self

    def read_at(self, offset: int, n: int) -> bytes:
        end = offset + n
        if self._filled < end:
            self._fill(end)
        if self._filled < end:  # pragma: no cover - _finish raises first
            raise UploadSourceError("%s ended early" % self.label)
        assert self._spool is not None
        self._spool.seek(offset)
        return _read_exact(self._spool, n, self.label)

    def release(self) -> None:
        pass

    def close(self) -> None:
        self._closed = True
        spool, self._spool = self._spool, None
        if spool is not None:
            spool.close()
        owned, self._owned = self._owned, None
        if owned is not None:
            owned.close()

    def __del__(self) -> None:
        # The spool is internal: release it quietly with its owner instead
        # of leaving a ResourceWarning to the garbage collector.
        try:
            spool, self._spool = self._spool, None
            if spool is not None:
                spool.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


class _ProgressSource:
    """Another source, reporting ``progress(bytes_read, size)`` as its content is read
    (an absolute position: a rewound body, i.e. a retry, starts again from 0)."""

    def __init__(self, inner: Any, progress: Callable[[int, int], Any]) -> None:
        self.inner = inner
        self.progress = progress

    @property
    def size(self) -> Optional[int]:
        return self.inner.size

    def ensure_size(self) -> int:
        return self.inner.ensure_size()

    def reader(self) -> "_ProgressReader":
        return _ProgressReader(self, self.inner.reader())

    def close(self) -> None:
        self.inner.close()


class _ProgressReader:
    def __init__(self, source: _ProgressSource, inner: Any) -> None:
        self.source = source
        self.inner = inner

    def read_at(self, offset: int, n: int) -> bytes:
        data = self.inner.read_at(offset, n)
        self.source.progress(offset + len(data), self.source.inner.size)
        return data

    def release(self) -> None:
        self.inner.release()


_Source = Union[_BytesSource, _PathSource, _SeekableSource, _StreamSource, _ProgressSource]


# --------------------------------------------------------------------------
# FileUpload + coercion


@dataclass
class FileUpload:
    """A coerced file value, ready to be encoded as a multipart part.

    ``content`` is the original source object (bytes-like, path, file object
    or ``requests.Response``).  ``size`` is the byte count that will be sent,
    or None while unknown (non-seekable streams before spooling).
    ``headers`` are extra part headers (never Content-Type/-Disposition:
    the content type lives in ``content_type``).

    Constructing one directly (``FileUpload("a.txt", b"...")``) is allowed:
    missing filename / content type / size are inferred from ``content``.
    """

    filename: Optional[str] = None
    content: Any = b""
    content_type: Optional[str] = None
    headers: Dict[str, str] = field(default_factory=dict)
    size: Optional[int] = None
    _source: Any = field(default=None, repr=False, compare=False)
    _explicit_type: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._source is None:
            if isinstance(self.content, (tuple, FileUpload)):
                raise InvalidFileError(
                    "FileUpload.content must be raw content, not a %s; use "
                    "to_file()/coerce_file() instead" % type(self.content).__name__
                )
            raw = _from_content(self.content, "content")
            self._source = raw.source
            if self.filename is None:
                self.filename = raw.filename
            if self.content_type is None:
                self.content_type = raw.content_type
            self._explicit_type = self.content_type is not None
            if self.size is None:
                self.size = raw.source.size
            self.headers = _merge_headers(raw.headers, _norm_headers(self.headers, "content"))[0]
        if self.filename is None:
            self.filename = DEFAULT_FILENAME
        if self.content_type is None:
            self.content_type = _guess_type(self.filename)

    def close(self) -> None:
        """Release a spool held for a one-shot source (non-seekable file or
        ``requests.Response``).  Files opened by this module from a path are
        never held open between reads; caller-supplied objects are never
        closed."""
        self._source.close()


class _Raw:
    """Intermediate coercion result (filename/content_type may be None)."""

    __slots__ = ("filename", "content", "content_type", "headers", "source")

    def __init__(
        self,
        filename: Optional[str],
        content: Any,
        content_type: Optional[str],
        headers: Dict[str, str],
        source: _Source,
    ) -> None:
        self.filename = filename
        self.content = content
        self.content_type = content_type  # explicit only
        self.headers = headers
        self.source = source


def _norm_filename(value: Any, param: str, what: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if isinstance(value, os.PathLike):
        value = _basename(value)
    if not isinstance(value, str):
        raise InvalidFileError(
            "`%s`: %s must be a str or None, not %s"
            % (param, what, type(value).__name__)
        )
    return value


def _norm_content_type(value: Any, param: str, what: str) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidFileError(
            "`%s`: %s must be a str or None, not %s"
            % (param, what, type(value).__name__)
        )
    if "\r" in value or "\n" in value:
        raise InvalidHeaderError(
            "`%s`: %s must not contain CR/LF: %r" % (param, what, value)
        )
    return value or None


_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def _norm_headers(headers: Any, param: str) -> Dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise InvalidFileError(
            "`%s`: file headers must be a mapping of str to str, not %s"
            % (param, type(headers).__name__)
        )
    out: Dict[str, str] = {}
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidFileError(
                "`%s`: file headers must map str to str, got %r: %r"
                % (param, key, type(value).__name__)
            )
        if not key or not set(key) <= _TOKEN_CHARS:
            raise InvalidHeaderError("`%s`: invalid part header name %r" % (param, key))
        if "\r" in value or "\n" in value:
            raise InvalidHeaderError(
                "`%s`: part header %r must not contain CR/LF" % (param, key)
            )
        if key.lower() == "content-disposition":
            raise InvalidHeaderError(
                "`%s`: Content-Disposition is generated from the field name and "
                "filename and cannot be overridden" % param
            )
        out[key] = value
    return out


def _merge_headers(
    base: Dict[str, str], extra: Dict[str, str]
) -> Tuple[Dict[str, str], Optional[str]]:
    """Merge header dicts case-insensitively; pull out Content-Type."""
    merged = {k: v for k, v in base.items()}
    content_type = None
    for key, value in extra.items():
        for existing in [k for k in merged if k.lower() == key.lower()]:
            del merged[existing]
        if key.lower() == "content-type":
            content_type = value
            continue
        merged[key] = value
    return merged, content_type


def _str_error(value: str, param: str) -> InvalidFileError:
    return InvalidFileError(
        "`%s` received a str (%s). A string could be either the file's content "
        "or a path, so it is not accepted: pass pathlib.Path(...) to upload a "
        "file from disk, open(..., 'rb') for a file object, or "
        "(filename, text.encode()) for in-memory content."
        % (param, _short_repr(value))
    )


def _from_path(value: Any, param: str) -> _Raw:
    path = os.fspath(value)
    display = os.fsdecode(path)
    try:
        fh = open(path, "rb")
    except FileNotFoundError as exc:
        raise UploadFileNotFoundError(
            exc.errno, "Cannot upload `%s`: no such file" % param, display
        ) from None
    except PermissionError as exc:
        raise UploadPermissionError(
            exc.errno, "Cannot upload `%s`: permission denied reading file" % param,
            display,
        ) from None
    except OSError as exc:
        raise UploadOSError(
            exc.errno, "Cannot upload `%s`: %s" % (param, exc.strerror or exc), display
        ) from None
    try:
        st = os.fstat(fh.fileno())
    except OSError:  # pragma: no cover - fstat on an open fd
        fh.close()
        raise
    filename = _basename(display)
    if stat.S_ISREG(st.st_mode):
        fh.close()
        return _Raw(filename, value, None, {}, _PathSource(path, st.st_size))
    # A FIFO, character device, ... : read it once, spool it.
    label = repr(display)
    source = _StreamSource(lambda: _iter_fileobj(fh, label), None, label, owned=fh)
    return _Raw(filename, value, None, {}, source)


def _is_closed(fileobj: Any) -> bool:
    try:
        return getattr(fileobj, "closed", False) is True
    except Exception:
        return False


def _from_fileobj(value: Any, param: str) -> _Raw:
    label = _file_label(value)
    if _is_closed(value):
        raise ClosedFileError(
            "`%s`: the file %s is closed; re-open it (in binary mode 'rb') "
            "before uploading" % (param, label)
        )
    text_error = InvalidFileError(
        "`%s`: the file %s is opened in text mode; open the file in binary "
        "mode ('rb') so its bytes are uploaded unchanged" % (param, label)
    )
    if isinstance(value, io.TextIOBase):
        raise text_error
    readable = getattr(value, "readable", None)
    if callable(readable):
        try:
            ok = readable()
        except ValueError:  # closed
            raise ClosedFileError(
                "`%s`: the file %s is closed; re-open it (in binary mode 'rb') "
                "before uploading" % (param, label)
            ) from None
        except Exception:
            ok = True
        if not ok:
            raise InvalidFileError(
                "`%s`: the file %s is not open for reading; open it with "
                "mode 'rb'" % (param, label)
            )
    mode = getattr(value, "mode", None)
    if not (isinstance(mode, str) and "b" in mode):
        # No trustworthy binary mode: probe with a zero-length read.  (Some
        # binary readers, e.g. zipfile's, report mode 'r'.)
        try:
            probe = value.read(0)
        except Exception:
            probe = None
        if isinstance(probe, str):
            raise text_error
        if probe is None and isinstance(mode, str):
            raise text_error

    filename = _basename(getattr(value, "name", None))

    seekable = False
    start = end = 0
    try:
        seekable_fn = getattr(value, "seekable", None)
        if callable(seekable_fn):
            seekable = bool(seekable_fn())
        else:
            seekable = callable(getattr(value, "seek", None)) and callable(
                getattr(value, "tell", None)
            )
        if seekable:
            start = value.tell()
            end = value.seek(0, 2)
            if not isinstance(end, int):
                end = value.tell()
            value.seek(start)
    except (OSError, ValueError, AttributeError, TypeError):
        if seekable:
            try:
                value.seek(start)
            except Exception:
                pass
        seekable = False
    if seekable:
        source: _Source = _SeekableSource(value, start, max(0, end - start), label)
    else:
        source = _StreamSource(lambda: _iter_fileobj(value, label), None, label)
    return _Raw(filename, value, None, {}, source)


def _filename_from_content_disposition(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    msg = email.message.Message()
    msg["Content-Disposition"] = value
    try:
        name = msg.get_filename()
    except Exception:  # pragma: no cover - malformed header
        return None
    return _basename(name.replace("\\", "/")) if name else None


def _from_response(value: "requests.Response", param: str) -> _Raw:
    headers = value.headers
    filename = _filename_from_content_disposition(headers.get("Content-Disposition"))
    if filename is None and value.url:
        filename = _basename(posixpath.basename(unquote(urlsplit(value.url).path)))
    content_type = _norm_content_type(headers.get("Content-Type") or None, param,
                                      "the response's Content-Type")
    label = "the response body of %s" % (value.url or "<response>")
    from . import _compat

    loaded = _compat.read_content(value)
    if loaded is not None:  # already read into memory (stream=False)
        source: _Source = _BytesSource(loaded, len(loaded))
    else:
        if _compat.body_is_read(value) or (
            value.raw is not None and getattr(value.raw, "closed", False) is True
        ):
            raise ClosedFileError(
                "`%s`: %s was already consumed or closed" % (param, label)
            )
        size = None
        length = headers.get("Content-Length", "")
        encoding = headers.get("Content-Encoding", "").strip().lower()
        if length.strip().isdigit() and encoding in ("", "identity"):
            size = int(length)
        source = _StreamSource(
            lambda: value.iter_content(chunk_size=_COPY_CHUNK), size, label
        )
    return _Raw(filename, value, content_type, {}, source)


def _from_content(value: Any, param: str) -> _Raw:
    if isinstance(value, FileUpload):
        return _Raw(
            value.filename,
            value.content,
            value.content_type if value._explicit_type else None,
            dict(value.headers),
            value._source,
        )
    if isinstance(value, str):
        raise _str_error(value, param)
    if isinstance(value, (bytes, bytearray, memoryview)):
        obj: Any = value
        with memoryview(value) as view:
            size = view.nbytes
            flat_ok = view.c_contiguous
            if flat_ok:
                try:
                    view.cast("B").release()
                except (TypeError, ValueError):
                    flat_ok = False
        if not flat_ok:
            obj = value.tobytes()  # type: ignore[union-attr]
        return _Raw(None, value, None, {}, _BytesSource(obj, size))
    if isinstance(value, os.PathLike):
        return _from_path(value, param)
    if isinstance(value, requests.Response):
        return _from_response(value, param)
    if callable(getattr(value, "read", None)):
        return _from_fileobj(value, param)
    if isinstance(value, tuple):
        raise InvalidFileError(
            "`%s`: a file tuple cannot contain another tuple as its content" % param
        )
    raise InvalidFileError(
        "`%s` must be %s; received %s instead" % (param, _ACCEPTED, type(value).__name__)
    )


def _coerce(
    value: Any,
    param: str,
    filename: Any = None,
    content_type: Any = None,
    headers: Any = None,
) -> FileUpload:
    if not isinstance(param, str):
        raise TypeError("param must be a str")
    filename = _norm_filename(filename, param, "filename")
    content_type = _norm_content_type(content_type, param, "content_type")
    extra_headers = _norm_headers(headers, param)

    if isinstance(value, FileUpload) and filename is None and content_type is None \
            and not extra_headers:
        return value

    # layers, innermost first: (filename, content_type, headers)
    layers: List[Tuple[Optional[str], Optional[str], Dict[str, str]]] = []
    if isinstance(value, tuple):
        n = len(value)
        if n not in (2, 3, 4):
            raise InvalidFileError(
                "`%s`: a file tuple must be (filename, content), (filename, "
                "content, content_type) or (filename, content, content_type, "
                "headers); got a tuple of %d item(s)" % (param, n)
            )
        t_filename = _norm_filename(value[0], param, "the tuple's filename")
        t_type = _norm_content_type(value[2], param, "the tuple's content_type") \
            if n > 2 else None
        t_headers = _norm_headers(value[3], param) if n > 3 else {}
        raw = _from_content(value[1], param)
        layers.append((t_filename, t_type, t_headers))
    else:
        raw = _from_content(value, param)
    layers.append((filename, content_type, extra_headers))

    name = raw.filename
    ctype = raw.content_type
    merged = dict(raw.headers)
    for layer_name, layer_type, layer_headers in layers:
        merged, header_type = _merge_headers(merged, layer_headers)
        if layer_name is not None:
            name = layer_name
        if header_type is not None:
            ctype = header_type
        elif layer_type is not None:
            ctype = layer_type

    explicit = ctype is not None
    if name is None:
        name = DEFAULT_FILENAME
    if ctype is None:
        ctype = _guess_type(name)
    return FileUpload(
        filename=name,
        content=raw.content,
        content_type=ctype,
        headers=merged,
        size=raw.source.size,
        _source=raw.source,
        _explicit_type=explicit,
    )


def coerce_file(value: Any, *, param: str = "file") -> FileUpload:
    """Coerce any accepted file value to a :class:`FileUpload`.

    ``param`` names the API parameter in error messages.  A
    :class:`FileUpload` is returned unchanged.  Filename: tuple > ``.name``
    basename (only if str/bytes/PathLike) > path basename > Content-Disposition
    / URL (responses) > ``"upload"``.  Content type: tuple (or its
    ``Content-Type`` header) > response ``Content-Type`` >
    ``mimetypes.guess_type(filename)`` > ``application/octet-stream``.
    """
    return _coerce(value, param)


def to_file(
    content: Any,
    filename: Optional[str] = None,
    content_type: Optional[str] = None,
    headers: Optional[Mapping[str, str]] = None,
    *,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> FileUpload:
    """Build a :class:`FileUpload` from any accepted file value, with an
    explicit filename / content type / extra part headers taking precedence
    over everything inferred.

    ``progress(bytes_sent, total)`` is called as the file's content is sent
    (about every 16 KiB; ``total`` is the file's size).  A retried request
    re-sends the file from its start, so ``bytes_sent`` starts again at 0."""
    upload = _coerce(content, "content", filename, content_type, headers)
    if progress is None:
        return upload
    if not callable(progress):
        raise TypeError("progress must be a callable (bytes_sent, total), not %s"
                        % type(progress).__name__)
    return dataclasses.replace(upload, _source=_ProgressSource(upload._source, progress))


def file_from_path(path: Union[str, "os.PathLike[str]"]) -> Tuple[str, Any]:
    """``(file name, file)`` for an upload, as openai-python's ``file_from_path``; the file is
    streamed when sent (openai-python reads it into memory here). A missing file fails now."""
    import pathlib

    target = pathlib.Path(os.fspath(path))
    if not target.is_file():
        if not target.exists():
            raise FileNotFoundError(2, "No such file", str(target))
        raise IsADirectoryError(21, "Not a regular file", str(target))
    return (target.name, target)


# --------------------------------------------------------------------------
# form fields


_FieldValue = Union[str, bytes]


def _flatten_into(key: str, value: Any, out: List[Tuple[str, _FieldValue]]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            _flatten_into("%s[%s]" % (key, sub_key), sub_value, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _flatten_into(key + "[]", item, out)
    elif value is True:
        out.append((key, "true"))
    elif value is False:
        out.append((key, "false"))
    elif isinstance(value, str):
        out.append((key, value))
    elif isinstance(value, (bytes, bytearray, memoryview)):
        out.append((key, bytes(value)))
    elif isinstance(value, int):
        out.append((key, str(int(value))))
    elif isinstance(value, float):
        out.append((key, repr(float(value))))
    else:
        raise TypeError(
            "form field `%s` has an unsupported value of type %s; expected str, "
            "int, float, bool, bytes, None or a dict/list of those (files go in "
            "`files=`)" % (key, type(value).__name__)
        )


def flatten_form_fields(fields: Any) -> List[Tuple[str, _FieldValue]]:
    """Flatten form data the way openai-python does (``Querystring`` with
    ``array_format="brackets"``): ``{"a": {"b": 1}}`` -> ``a[b]=1``,
    ``{"a": [1, 2]}`` -> ``a[]=1``, ``a[]=2``; booleans become
    ``"true"``/``"false"``; ``None`` values are dropped.  ``fields`` is a
    mapping or an iterable of ``(name, value)`` pairs."""
    if fields is None:
        return []
    items = fields.items() if isinstance(fields, Mapping) else fields
    out: List[Tuple[str, _FieldValue]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(
                "form fields must be a mapping or (name, value) pairs, got %s"
                % _short_repr(item)
            )
        key, value = item
        if not isinstance(key, str):
            raise TypeError("form field names must be str, got %r" % (key,))
        _flatten_into(key, value, out)
    return out


# --------------------------------------------------------------------------
# multipart encoding


def _quote_param(value: str) -> str:
    """Percent-encode ``"``, CR and LF (WHATWG / urllib3 2.x); keep UTF-8."""
    return value.translate({10: "%0A", 13: "%0D", 34: "%22"})


_BCHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
)


def _check_boundary(boundary: Any) -> str:
    if isinstance(boundary, bytes):
        boundary = boundary.decode("ascii", "replace")
    if not isinstance(boundary, str):
        raise TypeError("boundary must be a str, not %s" % type(boundary).__name__)
    if not 1 <= len(boundary) <= 70 or not set(boundary) <= _BCHARS \
            or boundary.endswith(" "):
        raise InvalidHeaderError(
            "invalid multipart boundary %r: 1-70 characters from "
            "[A-Za-z0-9'()+_,-./:=? ], not ending in a space" % boundary
        )
    return boundary


def _normalize_files(files: Any) -> List[Tuple[str, Any]]:
    if files is None:
        return []
    items = files.items() if isinstance(files, Mapping) else files
    out: List[Tuple[str, Any]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise TypeError(
                "files must be a mapping or (name, file) pairs, got %s"
                % _short_repr(item)
            )
        name, value = item
        if not isinstance(name, str):
            raise TypeError("file field names must be str, got %r" % (name,))
        if isinstance(value, list):
            out.extend((name, v) for v in value)
        else:
            out.append((name, value))
    return out


def coerce_files(files: Any) -> List[Tuple[str, FileUpload]]:
    """A request's ``files`` (a mapping or ``(name, file)`` pairs; a list value
    means several files under one name) as ``(name, FileUpload)`` pairs.  Every
    value is coerced now, so a wrong type fails before anything is sent."""
    return [(name, coerce_file(value, param=name)) for name, value in _normalize_files(files)]


def _without_unset(value: Any) -> Any:
    """``value`` with ``NOT_GIVEN`` / ``omit`` entries removed at every depth."""
    from ._types import NotGiven, Omit

    if isinstance(value, Mapping):
        return {k: _without_unset(v) for k, v in value.items() if not isinstance(v, (NotGiven, Omit))}
    if isinstance(value, (list, tuple)):
        return [_without_unset(v) for v in value if not isinstance(v, (NotGiven, Omit))]
    return value


def build_multipart(
    body: Optional[Mapping[str, Any]],
    files: Any,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> "MultipartBody":
    """The ``multipart/form-data`` body of an API call: ``body``'s fields
    flattened as openai-python does (``a[b]``, ``a[]``; unset values dropped;
    a name sent as a file is not sent again as a field), then the files."""
    uploads = coerce_files(files)
    names = {name for name, _ in uploads}
    fields = [(key, value) for key, value in _without_unset(body or {}).items() if key not in names]
    return MultipartBody(fields, uploads, progress=progress)


class _ReadOnlyStream:
    """The file protocol shared by the sized, seekable, read-only bodies below.

    Subclasses set ``_pos`` and ``_closed`` and define ``__len__``, ``read`` and ``close``.
    No ``__iter__`` on purpose: requests would send an iterable body chunked.
    """

    _pos: int
    _closed: bool

    @property
    def closed(self) -> bool:
        return self._closed

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on a closed %s" % type(self).__name__)

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self._check_open()
        if whence == 0:
            pos = offset
        elif whence == 1:
            pos = self._pos + offset
        elif whence == 2:
            pos = len(self) + offset
        else:
            raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        if pos < 0:
            raise ValueError("negative seek position %d" % pos)
        self._pos = pos
        return pos

    def __len__(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class MultipartBody(_ReadOnlyStream):
    """A ``multipart/form-data`` body as a sized, seekable, read-only stream.

    ``fields``: mapping or ``(name, value)`` pairs, flattened by
    :func:`flatten_form_fields`.  ``files``: mapping or ``(name, file)`` pairs
    where ``file`` is a :class:`FileUpload` or anything :func:`coerce_file`
    accepts (a list value means several files under the same name).
    Fields come first, then files, each in the given order.

    ``progress(bytes_sent, total)`` is called after each non-empty ``read``
    with the absolute position reached, so it restarts after a rewind.

    Use with requests::

        body = MultipartBody(fields, files)
        requests.post(url, data=body, headers={"Content-Type": body.content_type})

    ``requests`` computes ``Content-Length`` as ``len(body) - body.tell()``,
    so rewind (``seek(0)``) before re-sending a body yourself.  There is
    deliberately no ``__iter__`` (an iterable would be treated as a
    generator by requests).  Sources of unknown size are spooled here at
    construction (see the module docstring).
    """

    def __init__(
        self,
        fields: Any = None,
        files: Any = None,
        boundary: Optional[str] = None,
        progress: Optional[Callable[[int, int], Any]] = None,
    ) -> None:
        self.boundary = _check_boundary(boundary) if boundary is not None \
            else secrets.token_hex(16)
        if set(self.boundary) <= _TOKEN_CHARS:
            self.content_type = "multipart/form-data; boundary=%s" % self.boundary
        else:
            self.content_type = 'multipart/form-data; boundary="%s"' % self.boundary
        self._progress = progress
        self.files: List[Tuple[str, FileUpload]] = []
        dash = ("--%s\r\n" % self.boundary).encode("ascii")

        # segments: (start, length, bytes or None, source or None)
        self._segments: List[Tuple[int, int, Optional[bytes], Any]] = []
        self._starts: List[int] = []
        self._length = 0
        pending: List[bytes] = []

        def flush() -> None:
            if pending:
                data = b"".join(pending)
                pending.clear()
                self._add(data, None, len(data))

        for name, value in flatten_form_fields(fields):
            pending.append(dash)
            pending.append(
                ('Content-Disposition: form-data; name="%s"\r\n\r\n'
                 % _quote_param(name)).encode("utf-8")
            )
            pending.append(value if isinstance(value, bytes) else value.encode("utf-8"))
            pending.append(b"\r\n")

        for name, value in _normalize_files(files):
            upload = value if isinstance(value, FileUpload) else coerce_file(value, param=name)
            size = upload._source.ensure_size()  # spools unknown-size sources
            upload.size = size
            self.files.append((name, upload))
            lines = [
                'Content-Disposition: form-data; name="%s"; filename="%s"'
                % (_quote_param(name), _quote_param(upload.filename or DEFAULT_FILENAME)),
                "Content-Type: %s" % (upload.content_type or DEFAULT_CONTENT_TYPE),
            ]
            lines.extend("%s: %s" % (k, v) for k, v in upload.headers.items()
                         if k.lower() not in ("content-type", "content-disposition"))
            pending.append(dash)
            pending.append(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
            if size:
                flush()
                self._add(None, upload._source.reader(), size)
            pending.append(b"\r\n")
        pending.append(("--%s--\r\n" % self.boundary).encode("ascii"))
        flush()

        self._pos = 0
        self._active: Optional[Any] = None
        self._closed = False

    def _add(self, data: Optional[bytes], reader: Any, length: int) -> None:
        self._starts.append(self._length)
        self._segments.append((self._length, length, data, reader))
        self._length += length

    # -- sizing ----------------------------------------------------------

    @property
    def content_length(self) -> int:
        """Exact total size of the encoded body in bytes."""
        return self._length

    @property
    def headers(self) -> Dict[str, str]:
        """``Content-Type`` and ``Content-Length`` request headers."""
        return {"Content-Type": self.content_type, "Content-Length": str(self._length)}

    def __len__(self) -> int:
        return self._length

    # -- file protocol ---------------------------------------------------


    def read(self, size: Optional[int] = -1) -> bytes:
        """Read up to ``size`` bytes (at most :data:`MAX_READ_SIZE` per call;
        fewer only at the end).  ``read()`` / ``read(-1)`` returns the whole
        rest of the body (materialising it: meant for small bodies)."""
        self._check_open()
        if size is None or size < 0:
            pieces = []
            while True:
                piece = self._read_some(MAX_READ_SIZE)
                if not piece:
                    return b"".join(pieces)
                pieces.append(piece)
        return self._read_some(min(size, MAX_READ_SIZE))

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view, view.cast("B") as target:
            data = self.read(target.nbytes)
            target[: len(data)] = data
            return len(data)

    def _read_some(self, n: int) -> bytes:
        remaining = self._length - self._pos
        if n <= 0 or remaining <= 0:
            return b""
        n = min(n, remaining)
        pieces: List[bytes] = []
        got = 0
        while got < n:
            index = bisect.bisect_right(self._starts, self._pos) - 1
            start, length, data, reader = self._segments[index]
            offset = self._pos - start
            take = min(n - got, length - offset)
            if data is not None:
                chunk = data[offset : offset + take]
            else:
                if self._active is not reader:
                    self._release_active()
                    self._active = reader
                chunk = reader.read_at(offset, take)
                if offset + take == length:
                    self._release_active()
            pieces.append(chunk)
            got += take
            self._pos += take
        result = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if self._progress is not None:
            self._progress(self._pos, self._length)
        return result

    def _release_active(self) -> None:
        active, self._active = self._active, None
        if active is not None:
            active.release()

    def close(self) -> None:
        """Close file handles this body opened (paths).  Spools of one-shot
        sources belong to their :class:`FileUpload` (see its ``close``)."""
        if not self._closed:
            self._release_active()
            for _, _, _, reader in self._segments:
                if reader is not None:
                    reader.release()
            self._closed = True

    def __repr__(self) -> str:
        return "<MultipartBody boundary=%r length=%d fields+files=%d>" % (
            self.boundary, self._length, len(self._segments))


# --------------------------------------------------------------------------
# chunked uploads


class FilePart(_ReadOnlyStream):
    """A seekable, sized, read-only window ``[offset, offset + length)`` over
    an upload's content (one part of a chunked upload).

    Accepted wherever a file is (``.name`` is the upload's filename, mode
    ``"rb"``).  Each part has its own file handle for path sources (opened
    lazily, closed at the end of the window / on ``close()``); parts over a
    caller's seekable file object share it, so read them one at a time.
    """

    mode = "rb"

    def __init__(self, upload: FileUpload, index: int, offset: int, length: int) -> None:
        self.upload = upload
        self.index = index
        self.offset = offset
        self.length = length
        self.name = upload.filename
        self._reader: Optional[Any] = None
        self._pos = 0
        self._closed = False

    @property
    def content_type(self) -> Optional[str]:
        return self.upload.content_type

    def __len__(self) -> int:
        return self.length

    def read(self, size: Optional[int] = -1) -> bytes:
        self._check_open()
        if size is None or size < 0:
            pieces = []
            while True:
                piece = self._read_some(MAX_READ_SIZE)
                if not piece:
                    return b"".join(pieces)
                pieces.append(piece)
        return self._read_some(min(size, MAX_READ_SIZE))

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view, view.cast("B") as target:
            data = self.read(target.nbytes)
            target[: len(data)] = data
            return len(data)

    def _read_some(self, n: int) -> bytes:
        remaining = self.length - self._pos
        if n <= 0 or remaining <= 0:
            return b""
        n = min(n, remaining)
        if self._reader is None:
            self._reader = self.upload._source.reader()
        data = self._reader.read_at(self.offset + self._pos, n)
        self._pos += n
        if self._pos >= self.length:
            self._reader.release()
        return data

    def close(self) -> None:
        if self._reader is not None:
            self._reader.release()
        self._closed = True

    def __repr__(self) -> str:
        return "<FilePart %d of %r offset=%d length=%d>" % (
            self.index, self.name, self.offset, self.length)


def split_parts(upload: Any, part_size: int) -> Iterator[FilePart]:
    """Split an upload into consecutive :class:`FilePart` windows of at most
    ``part_size`` bytes, without reading the content.  ``upload`` is a
    :class:`FileUpload` or anything :func:`coerce_file` accepts.  Sources of
    unknown size are spooled first; an empty source yields no parts.
    Arguments are validated (and spooling done) immediately, not on the
    first ``next()``."""
    if isinstance(part_size, bool) or not isinstance(part_size, int) or part_size <= 0:
        raise ValueError("part_size must be a positive int, got %r" % (part_size,))
    if not isinstance(upload, FileUpload):
        upload = coerce_file(upload, param="file")
    size = upload._source.ensure_size()
    upload.size = size

    def generate() -> Iterator[FilePart]:
        for index, offset in enumerate(range(0, size, part_size)):
            yield FilePart(upload, index, offset, min(part_size, size - offset))

    return generate()
