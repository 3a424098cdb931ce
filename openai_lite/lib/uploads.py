"""``client.uploads.upload_file_chunked``: a large file through the Uploads API, part by part.

create the Upload -> send the parts (at most ``max_concurrency`` at a time, each one streamed
from the source in small reads, never the whole file in memory) -> complete it with the part
ids in file order.
"""
from __future__ import annotations

import builtins
import threading
from typing import Any, Callable, List, Optional, Union

from .._types import NOT_GIVEN, NotGiven

__all__ = ["UploadsMixin", "DEFAULT_PART_SIZE"]

#: What openai-python uses, and the largest part the API takes.
DEFAULT_PART_SIZE = 64 * 1024 * 1024


class _SharedPart:
    """One part, as a binary file object for ``uploads.parts.create(data=...)``.

    Parts of one upload can share a source position (a file object of yours, or a spool), so
    their reads are serialised by one lock; each read also reports progress.
    """

    mode = "rb"

    def __init__(self, part: Any, lock: threading.Lock, on_read: Callable[[int, int], None]) -> None:
        self._part = part
        self._lock = lock
        self._on_read = on_read
        self.name = part.name

    def read(self, size: Optional[int] = -1) -> bytes:
        with self._lock:
            data = self._part.read(size)
            self._on_read(self._part.index, self._part.tell())
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._part.seek(offset, whence)  # moves this part's own position only

    def tell(self) -> int:
        return self._part.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self._part)


class UploadsMixin:
    """``client.uploads``: ``upload_file_chunked``."""

    _client: Any
    _mode: str

    def upload_file_chunked(
        self,
        *,
        file: Any,
        mime_type: str,
        purpose: str,
        filename: Optional[str] = None,
        bytes: Optional[int] = None,
        part_size: Optional[int] = None,
        md5: Union[str, NotGiven] = NOT_GIVEN,
        max_concurrency: int = 4,
        progress: Optional[Callable[[int, int], Any]] = None,
    ) -> Any:
        """Upload ``file`` in parts of ``part_size`` bytes (64 MiB by default) and return the
        completed Upload (its ``.file`` is the usable File object).

        ``file`` is anything a file upload accepts: ``bytes`` (then ``filename`` is required),
        a ``pathlib.Path``, a binary file object, a ``(filename, content)`` tuple, ``to_file(...)``.
        ``bytes`` defaults to the file's size (given, it must match). ``progress(bytes_sent,
        total)`` is called as parts are read for sending. Arguments and the file are checked
        before anything is sent. If a part fails, parts not yet started are dropped, running
        ones finish, and the error is raised (the Upload is left pending; it expires by itself).
        """
        from .._files import coerce_file, split_parts
        from ._threads import check_concurrency, map_bounded

        check_concurrency(max_concurrency)
        if progress is not None and not callable(progress):
            raise TypeError("progress must be a callable (bytes_sent, total), not %s" % type(progress).__name__)
        if isinstance(file, (builtins.bytes, bytearray, memoryview)) and filename is None:
            raise TypeError("The `filename` argument must be given for in-memory files")
        source = coerce_file(file, param="file")
        parts = list(split_parts(source, DEFAULT_PART_SIZE if part_size is None else part_size))
        size = source.size
        if bytes is not None and bytes != size:
            raise ValueError("bytes=%r does not match the file's size (%d bytes)" % (bytes, size))

        uploads = self if self._mode == "parsed" else self._in_mode("parsed")  # type: ignore[attr-defined]
        upload = uploads.create(bytes=size, filename=filename or source.filename, mime_type=mime_type,
                                purpose=purpose)

        lock = threading.Lock()
        positions = [0] * len(parts)

        def on_read(index: int, position: int) -> None:
            positions[index] = position  # falls back to 0 when a retry rewinds the part
            if progress is not None:
                progress(sum(positions), size)

        def send(part: Any) -> str:
            try:
                return uploads.parts.create(upload_id=upload.id, data=_SharedPart(part, lock, on_read)).id
            finally:
                part.close()

        part_ids: List[str] = map_bounded(send, parts, max_concurrency)
        return uploads.complete(upload_id=upload.id, part_ids=part_ids, md5=md5)
