"""``client.batches.submit`` / ``run`` / ``job``: a job of any size through the Batch API.

    requests -> JSONL in temporary files, split at the API's limits (never the whole job in memory;
    duplicate custom_ids refused before anything is sent) -> each file uploaded (the Uploads API, in
    parts, above the single-upload limit) -> one batch per file -> a ``BatchJob`` whose small JSON
    state (``job.save(path)``) lets another process ``wait``, read ``status`` and ``results``,
    ``cancel`` or ``retry_failed``.

The input manifest (the custom_ids in input order, one per line) is written beside the saved state
(``<path>.ids``); when it is missing (another machine), the order is read back from the batches'
input files on the API. Results are joined back to it one batch at a time, through a spool file on
disk, so memory stays flat whatever the size of the job.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import weakref
from array import array
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple

from .._exceptions import OpenAIError
from .._logging import log

__all__ = [
    "BatchesMixin", "BatchJob", "JobStatus", "BatchStatus", "BatchResult", "RequestError", "BatchJobError",
    "BatchJobTimeout", "BatchSubmitError", "DuplicateCustomIdError", "MAX_REQUESTS_PER_BATCH",
    "MAX_BYTES_PER_FILE", "MAX_EMBEDDING_INPUTS_PER_BATCH", "SINGLE_UPLOAD_LIMIT",
]

MiB = 1024 * 1024
#: The Batch API's documented limits for one input file, and the Files API's for one upload.
MAX_REQUESTS_PER_BATCH = 50_000
MAX_BYTES_PER_FILE = 200 * MiB
MAX_EMBEDDING_INPUTS_PER_BATCH = 50_000  # /v1/embeddings: inputs across all the batch's requests
SINGLE_UPLOAD_LIMIT = 512 * MiB
DEFAULT_POLL_INTERVAL = 5.0
TERMINAL = frozenset(("completed", "failed", "expired", "cancelled"))
STATE_VERSION = 1

#: The response type each endpoint's results are parsed into.
RESPONSE_TYPES = {
    "/v1/chat/completions": "ChatCompletion",
    "/v1/embeddings": "CreateEmbeddingResponse",
    "/v1/completions": "Completion",
    "/v1/moderations": "ModerationCreateResponse",
    "/v1/responses": "Response",
}


# -- errors --------------------------------------------------------------------------------------

class BatchJobError(OpenAIError):
    """Something about a batch job went wrong (the subclasses say what)."""


class DuplicateCustomIdError(BatchJobError, ValueError):
    """Two requests share a ``custom_id``; found before anything was sent."""

    def __init__(self, custom_id: str, first: int, second: int) -> None:
        self.custom_id = custom_id
        self.first = first
        self.second = second
        super().__init__("custom_id %r is used by request %d and again by request %d (counting from 0); "
                         "custom_ids must be unique within a job" % (custom_id, first, second))

    def __reduce__(self) -> Any:
        return (type(self), (self.custom_id, self.first, self.second))


class BatchSubmitError(BatchJobError):
    """Submitting failed after some batches were created: ``job`` holds those (save it, or cancel it);
    the cause is chained (``__cause__``)."""

    def __init__(self, message: str, job: Any = None) -> None:
        super().__init__(message)
        self.job = job


class BatchJobTimeout(BatchJobError, RuntimeError):
    """``wait`` reached ``max_wait_seconds``; ``running`` names the batches not finished, ``status``
    is the last ``JobStatus`` seen."""

    def __init__(self, running: List[str], waited: float, status: Any = None) -> None:
        self.running = list(running)
        self.waited = waited
        self.status = status
        super().__init__("Gave up waiting for the batch job after %.1f s; %d batch(es) still running: %s"
                         % (waited, len(self.running), ", ".join(self.running)))

    def __reduce__(self) -> Any:
        return (type(self), (self.running, self.waited))


# -- results -------------------------------------------------------------------------------------

class RequestError:
    """Why one request of a batch has no response: ``code`` ("batch_expired", "batch_cancelled",
    "batch_failed", an API error code, or None), ``message``, and for a request the API answered,
    ``status_code``, ``type``, ``param``."""

    __slots__ = ("code", "message", "status_code", "type", "param")

    def __init__(self, code: Optional[str], message: str, status_code: Optional[int] = None,
                 type: Optional[str] = None, param: Optional[str] = None) -> None:
        self.code = code
        self.message = message
        self.status_code = status_code
        self.type = type
        self.param = param

    def __repr__(self) -> str:
        return "RequestError(code=%r, status_code=%r, message=%r)" % (self.code, self.status_code, self.message)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, RequestError) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)


class BatchResult:
    """One input's outcome: ``custom_id``, ``index`` (its position in the job's input), ``status``
    ("completed", "failed", "expired" or "cancelled"), ``response`` (the parsed object, e.g. a
    ``ChatCompletion``, or None), ``error`` (a :class:`RequestError` or None), ``request_id`` and
    ``batch_id``. ``ok`` is True for a completed one."""

    __slots__ = ("custom_id", "index", "status", "response", "error", "request_id", "batch_id")

    def __init__(self, custom_id: str, index: int, status: str, response: Any = None,
                 error: Optional[RequestError] = None, request_id: Optional[str] = None,
                 batch_id: Optional[str] = None) -> None:
        self.custom_id = custom_id
        self.index = index
        self.status = status
        self.response = response
        self.error = error
        self.request_id = request_id
        self.batch_id = batch_id

    @property
    def ok(self) -> bool:
        return self.status == "completed"

    def __repr__(self) -> str:
        return "BatchResult(custom_id=%r, index=%d, status=%r%s)" % (
            self.custom_id, self.index, self.status, "" if self.error is None else ", error=%r" % (self.error,))


class BatchStatus:
    """One batch of a job as last seen: ``id``, ``status``, ``total``, ``completed``, ``failed``
    (the API's request counts), ``requests`` (how many the job put in it) and ``batch`` (the
    ``Batch`` object, None until retrieved)."""

    __slots__ = ("id", "status", "total", "completed", "failed", "requests", "batch")

    def __init__(self, info: Dict[str, Any], batch: Any = None) -> None:
        counts = info.get("request_counts") or {}
        self.id = info["id"]
        self.status = info.get("status")
        self.total = counts.get("total", 0)
        self.completed = counts.get("completed", 0)
        self.failed = counts.get("failed", 0)
        self.requests = info["requests"]
        self.batch = batch

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def __repr__(self) -> str:
        return "BatchStatus(%s, %s, %d/%d completed, %d failed)" % (self.id, self.status, self.completed,
                                                                    self.requests, self.failed)


class JobStatus:
    """The whole job: ``state`` ("in_progress" while any batch runs; then "completed" when every
    batch completed, "failed"/"expired"/"cancelled" when every batch ended so, else "partial"),
    ``done``, ``batches`` (:class:`BatchStatus` each), ``running`` (ids of batches not finished),
    and summed ``requests``, ``completed``, ``failed``. ``str()`` is a one-line summary."""

    def __init__(self, batches: List[BatchStatus]) -> None:
        self.batches = batches
        self.running = [b.id for b in batches if not b.done]
        self.requests = sum(b.requests for b in batches)
        self.completed = sum(b.completed for b in batches)
        self.failed = sum(b.failed for b in batches)
        self.done = not self.running
        if not self.done:
            self.state = "in_progress"
        else:
            ends = {str(b.status) for b in batches}
            self.state = ends.pop() if len(ends) == 1 else ("completed" if not ends else "partial")

    def __str__(self) -> str:
        finished = len(self.batches) - len(self.running)
        return "batch job %s: %d/%d batches finished, %d/%d requests completed, %d failed" % (
            self.state, finished, len(self.batches), self.completed, self.requests, self.failed)

    __repr__ = __str__


# -- building the input files --------------------------------------------------------------------

class _IdSet:
    """64-bit hashes of the custom_ids seen, in one flat array (8 bytes a slot, half full at most):
    a million ids cost 16-32 MiB less than a ``set`` of them. A hash seen before only says "maybe";
    the caller confirms against the manifest."""

    def __init__(self) -> None:
        self._slots = array("q", bytes(8 * 1024))
        self._mask = 1023
        self._used = 0

    def add(self, key: str) -> bool:
        """Add ``key``'s hash; True when that hash was already there."""
        h = hash(key) or 1
        slots, mask = self._slots, self._mask
        i = h & mask
        while True:
            found = slots[i]
            if found == 0:
                slots[i] = h
                self._used += 1
                if self._used * 2 > mask:
                    self._grow()
                return False
            if found == h:
                return True
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._slots
        self._mask = mask = self._mask * 2 + 1
        self._slots = slots = array("q", bytes(8 * (mask + 1)))
        for h in old:
            if h:
                i = h & mask
                while slots[i]:
                    i = (i + 1) & mask
                slots[i] = h


def _normalise(requests: Iterable[Any], endpoint: str) -> Iterator[Tuple[Optional[str], Mapping[str, Any]]]:
    for index, item in enumerate(requests):
        if isinstance(item, tuple):
            if len(item) != 2:
                raise TypeError("request %d: a tuple must be (custom_id, body), got %d items" % (index, len(item)))
            custom_id, body = item
        elif isinstance(item, Mapping):
            if "body" not in item:
                raise TypeError("request %d: a dict must hold the request under 'body' ({'custom_id': ..., "
                                "'body': {...}}), got keys %s" % (index, ", ".join(sorted(map(str, item)))))
            unknown = set(item) - {"custom_id", "method", "url", "body"}
            if unknown:
                raise ValueError("request %d: unknown key(s) %s" % (index, ", ".join(sorted(map(str, unknown)))))
            if item.get("url", endpoint) != endpoint:
                raise ValueError("request %d: url %r differs from the job's endpoint %r (one endpoint per job)"
                                 % (index, item.get("url"), endpoint))
            if item.get("method", "POST") != "POST":
                raise ValueError("request %d: method must be 'POST', got %r" % (index, item.get("method")))
            custom_id, body = item.get("custom_id"), item["body"]
        else:
            raise TypeError("request %d: expected a (custom_id, body) tuple or a dict, got %s"
                            % (index, type(item).__name__))
        if custom_id is not None and (not isinstance(custom_id, str) or not custom_id):
            raise TypeError("request %d: custom_id must be a non-empty string, got %r" % (index, custom_id))
        if not isinstance(body, Mapping):
            raise TypeError("request %d: body must be a dict, got %s" % (index, type(body).__name__))
        yield custom_id, body


def _embedding_inputs(body: Mapping[str, Any]) -> int:
    value = body.get("input")
    if isinstance(value, list) and value and not all(isinstance(x, int) for x in value):
        return len(value)  # a list of strings or of token lists; a flat token list is one input
    return 1


class _Part:
    def __init__(self, path: str, first: int) -> None:
        self.path = path
        self.first = first
        self.requests = 0
        self.bytes = 0
        self.inputs = 0


def _write_parts(requests: Iterable[Any], endpoint: str, manifest: Any, workdir: str, max_requests: int,
                 max_bytes: int, max_inputs: Optional[int]) -> List[_Part]:
    """Write the JSONL files (rolled over at the limits) and the manifest; refuse duplicate ids."""
    seen = _IdSet()
    parts: List[_Part] = []
    out: Any = None
    part: Optional[_Part] = None
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    generated = "request-%d"
    index = -1
    try:
        for index, (custom_id, body) in enumerate(_normalise(requests, endpoint)):
            if custom_id is None:
                custom_id = generated % index
            if seen.add(custom_id):
                first = _find_in_manifest(manifest, custom_id)
                if first is not None:
                    raise DuplicateCustomIdError(custom_id, first, index)
            line = (encode({"custom_id": custom_id, "method": "POST", "url": endpoint, "body": body})
                    + "\n").encode("utf-8")
            inputs = _embedding_inputs(body) if max_inputs is not None else 0
            if len(line) > max_bytes:
                raise ValueError("request %d (%r) is %d bytes as a JSONL line, more than max_bytes_per_file=%d"
                                 % (index, custom_id, len(line), max_bytes))
            if part is None or (part.requests >= max_requests or part.bytes + len(line) > max_bytes
                                or (max_inputs is not None and part.inputs + inputs > max_inputs)):
                if out is not None:
                    out.close()
                part = _Part(os.path.join(workdir, "batch-%04d.jsonl" % len(parts)), index)
                parts.append(part)
                out = open(part.path, "wb")
            out.write(line)
            part.requests += 1
            part.bytes += len(line)
            part.inputs += inputs
            manifest.write((encode(custom_id) + "\n").encode("utf-8"))
    finally:
        if out is not None:
            out.close()
        manifest.flush()
    return parts


def _find_in_manifest(manifest: Any, custom_id: str) -> Optional[int]:
    """Position of ``custom_id`` in the manifest written so far (the rare "maybe seen" check)."""
    manifest.flush()
    target = (json.dumps(custom_id, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    with open(manifest.name, "rb") as fh:
        for position, line in enumerate(fh):
            if line == target:
                return position
    return None


# -- reading result files ------------------------------------------------------------------------

_CUSTOM_ID = re.compile(rb'"custom_id"\s*:\s*("(?:[^"\\]|\\.)*")')


def _custom_id_of(line: bytes) -> Optional[str]:
    match = _CUSTOM_ID.search(line)
    if match is not None:
        return json.loads(match.group(1))
    try:
        found = json.loads(line).get("custom_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        if b"\n" not in chunk:
            continue
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            if line.strip():
                yield line
    if pending.strip():
        yield pending


def _result(record: Dict[str, Any], custom_id: str, index: int, batch_id: str, cast: Any) -> BatchResult:
    from .._models import construct

    response = record.get("response") or None
    error = record.get("error") or None
    if error is not None:
        code = error.get("code")
        status = {"batch_expired": "expired", "batch_cancelled": "cancelled"}.get(code, "failed")
        return BatchResult(custom_id, index, status, error=RequestError(code, error.get("message") or ""),
                           batch_id=batch_id)
    if response is None:
        return BatchResult(custom_id, index, "failed", error=RequestError(None, "the record has no response"),
                           batch_id=batch_id)
    status_code = response.get("status_code")
    request_id = response.get("request_id")
    body = response.get("body")
    if isinstance(status_code, int) and 200 <= status_code < 300 and isinstance(body, dict):
        return BatchResult(custom_id, index, "completed", response=construct(cast, body, request_id),
                           request_id=request_id, batch_id=batch_id)
    detail = (body or {}).get("error") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, dict) else {}
    return BatchResult(custom_id, index, "failed", request_id=request_id, batch_id=batch_id,
                       error=RequestError(detail.get("code"), detail.get("message") or "status %s" % status_code,
                                          status_code, detail.get("type"), detail.get("param")))


def _missing(custom_id: str, index: int, batch: Dict[str, Any]) -> BatchResult:
    """An input with no record in either file: what its batch's status says about it."""
    status = batch.get("status")
    if status == "cancelled":
        error = RequestError("batch_cancelled", "the batch was cancelled before this request ran")
        return BatchResult(custom_id, index, "cancelled", error=error, batch_id=batch["id"])
    if status == "expired":
        error = RequestError("batch_expired", "the batch expired before this request ran")
        return BatchResult(custom_id, index, "expired", error=error, batch_id=batch["id"])
    if status == "failed":
        errors = batch.get("errors") or []
        message = "; ".join(str(e.get("message")) for e in errors[:3]) or "the batch failed"
        return BatchResult(custom_id, index, "failed", error=RequestError("batch_failed", message),
                           batch_id=batch["id"])
    return BatchResult(custom_id, index, "failed", batch_id=batch["id"],
                       error=RequestError("missing_result", "the batch finished without a record for this request"))


# -- the job ---------------------------------------------------------------------------------------

class BatchJob:
    """Many requests through the Batch API, as one job (see ``client.batches.submit``)."""

    def __init__(self, client: Any, state: Dict[str, Any], path: Optional[str] = None) -> None:
        self._client = client
        self._state = state
        self.path = path
        self._temporary_manifest: Any = None  # removes submit's temporary manifest (on save, or with the job)

    # -- state ---------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return self._state["endpoint"]

    @property
    def batch_ids(self) -> List[str]:
        return [b["id"] for b in self._state["batches"]]

    @property
    def requests(self) -> int:
        """How many requests the job holds."""
        return sum(b["requests"] for b in self._state["batches"])

    def to_dict(self) -> Dict[str, Any]:
        """The job's state (what ``save`` writes): plain JSON."""
        return json.loads(json.dumps(self._state))

    def save(self, path: Any) -> str:
        """Write the job's state to ``path`` (a small JSON file), and its manifest beside it as
        ``<path>.ids``; load it back with ``client.batches.job(path)``. Returns the path."""
        path = os.fspath(path)
        manifest = self._state.get("manifest")
        target = path + ".ids"
        if manifest and os.path.abspath(manifest) != os.path.abspath(target) and os.path.exists(manifest):
            shutil.copyfile(manifest, target + ".tmp")
            os.replace(target + ".tmp", target)
            if self._temporary_manifest is not None:
                self._temporary_manifest()  # submit's copy in the temp directory is not needed any more
            self._state["manifest"] = target
        state = dict(self._state)
        if state.get("manifest") and os.path.abspath(state["manifest"]) == os.path.abspath(target):
            state["manifest"] = os.path.basename(target)  # beside the state: the pair can move together
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=1)
        os.replace(path + ".tmp", path)
        self.path = path
        return path

    @classmethod
    def load(cls, path: Any, client: Any) -> "BatchJob":
        """A job saved with ``save``, bound to ``client``."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as fh:
            state = json.load(fh)
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION or "batches" not in state:
            raise BatchJobError("%s is not a batch job state file (version %d)" % (path, STATE_VERSION))
        manifest = state.get("manifest")
        if manifest and not os.path.isabs(manifest):
            state["manifest"] = os.path.join(os.path.dirname(os.path.abspath(path)), manifest)
        return cls(client, state, path)

    def __repr__(self) -> str:
        return "<BatchJob %s: %d requests in %d batch(es)>" % (self.endpoint, self.requests, len(self.batch_ids))

    # -- status and waiting ----------------------------------------------------------------------

    def _refresh(self) -> Tuple[JobStatus, Optional[float]]:
        """Retrieve every batch not known to be finished; the longest ``openai-poll-after-ms`` asked."""
        batches = self._client.batches.with_raw_response
        advised: Optional[float] = None
        statuses = []
        for info in self._state["batches"]:
            obj = None
            if info.get("status") not in TERMINAL:
                raw = batches.retrieve(info["id"])
                obj = raw.parse()
                value = raw.headers.get("openai-poll-after-ms")
                try:
                    seconds = float(value) / 1000.0 if value is not None else None
                except ValueError:
                    seconds = None
                if seconds is not None and seconds >= 0:
                    advised = seconds if advised is None else max(advised, seconds)
                info["status"] = obj.status
                info["output_file_id"] = obj.output_file_id
                info["error_file_id"] = obj.error_file_id
                counts = obj.request_counts
                info["request_counts"] = counts.to_dict() if counts is not None else None
                errors = obj.errors
                info["errors"] = [e.to_dict() for e in (errors.data or [])] if errors is not None else None
            statuses.append(BatchStatus(info, obj))
        return JobStatus(statuses), advised

    def status(self) -> JobStatus:
        """Retrieve each batch still running; the job's overall state and counts per batch."""
        return self._refresh()[0]

    def wait(self, max_wait_seconds: Optional[float] = None, poll_interval: Optional[float] = None,
             on_progress: Optional[Callable[[JobStatus], Any]] = None, progress: bool = False) -> JobStatus:
        """Poll until every batch has finished, and return the final status.

        Between polls it waits ``poll_interval`` seconds when given, else what the API asks
        (``openai-poll-after-ms``), else 5 s. ``on_progress(status)`` is called after each poll;
        ``progress=True`` keeps one status line up to date on stderr. At ``max_wait_seconds`` it raises
        :class:`BatchJobTimeout`, naming the batches still running (the job goes on: wait again later).
        """
        if poll_interval is not None and (isinstance(poll_interval, bool) or not poll_interval >= 0):
            raise ValueError("poll_interval must be a number of seconds >= 0, got %r" % (poll_interval,))
        if max_wait_seconds is not None and (isinstance(max_wait_seconds, bool) or not max_wait_seconds >= 0):
            raise ValueError("max_wait_seconds must be a number of seconds >= 0 or None, got %r" % (max_wait_seconds,))
        start = time.monotonic()
        line = _StatusLine(sys.stderr) if progress else None
        try:
            while True:
                status, advised = self._refresh()
                if on_progress is not None:
                    on_progress(status)
                if line is not None:
                    line.show(str(status))
                if status.done:
                    return status
                delay = poll_interval if poll_interval is not None else (
                    advised if advised is not None else DEFAULT_POLL_INTERVAL)
                now = time.monotonic()
                if max_wait_seconds is not None:
                    if now - start >= max_wait_seconds:
                        raise BatchJobTimeout(status.running, now - start, status)
                    delay = min(delay, start + max_wait_seconds - now)
                log.debug("%s; next poll in %.3f s", status, delay)
                time.sleep(delay)
        finally:
            if line is not None:
                line.end()

    def cancel(self) -> JobStatus:
        """Cancel every batch of the job that has not finished; the status after that (cancelling
        batches take a while to become ``cancelled``: ``wait`` for them before reading results)."""
        self._refresh()  # a batch that finished since the last look is left alone
        for info in self._state["batches"]:
            if info.get("status") not in TERMINAL and info.get("status") != "cancelling":
                batch = self._client.batches.cancel(info["id"])
                info["status"] = batch.status
        return self.status()

    # -- results ---------------------------------------------------------------------------------

    def custom_ids(self) -> Iterator[str]:
        """Every request's custom_id, in input order (generated ones included)."""
        for info in self._state["batches"]:
            for custom_id in self._ids_of(info):
                yield custom_id

    def _manifest_lines(self) -> Optional[Any]:
        manifest = self._state.get("manifest")
        if manifest and os.path.exists(manifest):
            return open(manifest, "rb")
        return None

    def _ids_of(self, info: Dict[str, Any], manifest: Any = None) -> Iterator[str]:
        """The custom_ids of one batch in input order: from the manifest, else from its input file."""
        own = None
        if manifest is None:
            manifest = own = self._manifest_lines()
            if manifest is not None:
                for _ in range(info["first"]):
                    manifest.readline()
        try:
            if manifest is not None:
                for _ in range(info["requests"]):
                    yield json.loads(manifest.readline())
                return
            content = self._client.files.content(info["input_file_id"])
            try:
                for line in _lines(content.iter_bytes()):
                    custom_id = _custom_id_of(line)
                    if custom_id is not None:
                        yield custom_id
            finally:
                content.close()
        finally:
            if own is not None:
                own.close()

    def _record_lines(self, info: Dict[str, Any]) -> Iterator[bytes]:
        for key in ("output_file_id", "error_file_id"):
            file_id = info.get(key)
            if not file_id:
                continue
            content = self._client.files.content(file_id)
            try:
                for line in _lines(content.iter_bytes()):
                    yield line
            finally:
                content.close()

    def results(self, ordered: bool = True) -> Iterator[BatchResult]:
        """One :class:`BatchResult` per input: in input order (``ordered=True``), or batch by batch
        as the records come in the files (``ordered=False``, less disk and seeking).

        Output and error files are streamed, never held whole; requests a cancelled or expired batch
        did not run are reported as such. Every batch must have finished (``wait`` first).
        """
        from .._models import resolve_model

        status = self.status()
        if not status.done:
            raise BatchJobError("%d batch(es) still running: %s; wait() for them first"
                                % (len(status.running), ", ".join(status.running)))
        cast = resolve_model(RESPONSE_TYPES.get(self.endpoint))
        manifest = self._manifest_lines()
        try:
            for info in self._state["batches"]:
                ids = self._ids_of(info, manifest)
                if ordered:
                    yield from self._ordered(info, ids, cast)
                else:
                    yield from self._unordered(info, ids, cast)
        finally:
            if manifest is not None:
                manifest.close()

    def _unordered(self, info: Dict[str, Any], ids: Iterator[str], cast: Any) -> Iterator[BatchResult]:
        positions = {custom_id: info["first"] + n for n, custom_id in enumerate(ids)}
        for line in self._record_lines(info):
            record = json.loads(line)
            custom_id = record.get("custom_id")
            index = positions.pop(custom_id, None)
            if index is None:
                log.warning("batch %s: a record for an unknown or repeated custom_id %r was skipped",
                            info["id"], custom_id)
                continue
            yield _result(record, custom_id, index, info["id"], cast)
        for custom_id, index in positions.items():
            yield _missing(custom_id, index, info)

    def _ordered(self, info: Dict[str, Any], ids: Iterator[str], cast: Any) -> Iterator[BatchResult]:
        with tempfile.TemporaryFile(prefix="openai_lite-results-") as spool:
            where: Dict[str, Tuple[int, int]] = {}
            offset = 0
            for line in self._record_lines(info):
                custom_id = _custom_id_of(line)
                if custom_id is not None:
                    where[custom_id] = (offset, len(line))
                spool.write(line)
                offset += len(line)
            for n, custom_id in enumerate(ids):
                index = info["first"] + n
                found = where.pop(custom_id, None)
                if found is None:
                    yield _missing(custom_id, index, info)
                    continue
                spool.seek(found[0])
                yield _result(json.loads(spool.read(found[1])), custom_id, index, info["id"], cast)

    def retry_failed(self, **submit_options: Any) -> "BatchJob":
        """Submit, as a new job, the requests that did not complete (failed, expired or cancelled),
        with their custom_ids and bodies (read back from the input files on the API). The new job has
        no batches when nothing failed. ``submit_options`` go to ``submit`` (limits, metadata...)."""
        failed = {r.custom_id for r in self.results(ordered=False) if not r.ok}
        options = {"endpoint": self.endpoint, "completion_window": self._state.get("completion_window", "24h"),
                   "metadata": self._state.get("metadata")}
        options.update(submit_options)
        if not failed:
            return _empty_job(self._client, options)

        def lines() -> Iterator[Dict[str, Any]]:
            for info in self._state["batches"]:
                content = self._client.files.content(info["input_file_id"])
                try:
                    for line in _lines(content.iter_bytes()):
                        if _custom_id_of(line) in failed:
                            yield json.loads(line)
                finally:
                    content.close()

        return submit(self._client, lines(), **options)


def _empty_job(client: Any, options: Dict[str, Any]) -> BatchJob:
    return BatchJob(client, {"version": STATE_VERSION, "endpoint": options["endpoint"],
                             "completion_window": options["completion_window"], "metadata": options["metadata"],
                             "manifest": None, "batches": []})


class _StatusLine:
    """One line on a terminal, rewritten in place (plain lines when not a terminal)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last = ""

    def show(self, text: str) -> None:
        if text == self._last:
            return
        if self._tty:
            self._stream.write("\r" + text + " " * max(0, len(self._last) - len(text)))
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
        self._last = text

    def end(self) -> None:
        if self._tty and self._last:
            self._stream.write("\n")
            self._stream.flush()


# -- submitting ------------------------------------------------------------------------------------

def _check_limit(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if value < 1:
        raise ValueError("%s must be >= 1, got %d" % (name, value))
    return value


def submit(client: Any, requests: Iterable[Any], *, endpoint: str = "/v1/chat/completions",
           completion_window: str = "24h", metadata: Optional[Mapping[str, str]] = None,
           max_requests_per_batch: int = MAX_REQUESTS_PER_BATCH, max_bytes_per_file: int = MAX_BYTES_PER_FILE,
           max_embedding_inputs_per_batch: int = MAX_EMBEDDING_INPUTS_PER_BATCH,
           single_upload_limit: int = SINGLE_UPLOAD_LIMIT, tmp_dir: Optional[str] = None) -> BatchJob:
    if endpoint not in RESPONSE_TYPES:
        raise ValueError("endpoint must be one of %s, got %r" % (", ".join(RESPONSE_TYPES), endpoint))
    _check_limit("max_requests_per_batch", max_requests_per_batch)
    _check_limit("max_bytes_per_file", max_bytes_per_file)
    _check_limit("max_embedding_inputs_per_batch", max_embedding_inputs_per_batch)
    _check_limit("single_upload_limit", single_upload_limit)
    if isinstance(requests, (str, bytes, Mapping)):
        raise TypeError("requests must be an iterable of requests, not a single %s" % type(requests).__name__)
    workdir = tempfile.mkdtemp(prefix="openai_lite-batch-", dir=tmp_dir)
    manifest_fd, manifest_path = tempfile.mkstemp(prefix="openai_lite-batch-", suffix=".ids", dir=tmp_dir)
    state: Dict[str, Any] = {"version": STATE_VERSION, "endpoint": endpoint, "completion_window": completion_window,
                             "metadata": dict(metadata) if metadata is not None else None,
                             "manifest": manifest_path, "batches": []}
    job = BatchJob(client, state)
    job._temporary_manifest = weakref.finalize(job, _remove, manifest_path)
    try:
        os.close(manifest_fd)
        with open(manifest_path, "wb") as manifest:
            parts = _write_parts(requests, endpoint, manifest, workdir, max_requests_per_batch, max_bytes_per_file,
                                 max_embedding_inputs_per_batch if endpoint == "/v1/embeddings" else None)
        if not parts:
            raise ValueError("requests is empty: a batch job needs at least one request")
        log.info("Batch job: %d requests in %d file(s)", sum(p.requests for p in parts), len(parts))
        for number, part in enumerate(parts, 1):
            try:
                file_id = _upload(client, part, single_upload_limit)
                batch = client.batches.create(input_file_id=file_id, endpoint=endpoint,
                                              completion_window=completion_window,
                                              **({"metadata": dict(metadata)} if metadata is not None else {}))
            except Exception as exc:
                if not state["batches"]:
                    raise
                raise BatchSubmitError("submitting batch %d of %d failed after %d were created (they are in "
                                       "this error's .job: save or cancel it): %s"
                                       % (number, len(parts), len(state["batches"]), exc), job) from exc
            finally:
                os.unlink(part.path)
            state["batches"].append({"id": batch.id, "input_file_id": file_id, "first": part.first,
                                     "requests": part.requests, "bytes": part.bytes, "status": batch.status,
                                     "output_file_id": None, "error_file_id": None, "request_counts": None})
            log.info("Batch job: file %d of %d (%d requests, %d bytes) is batch %s", number, len(parts),
                     part.requests, part.bytes, batch.id)
    except BaseException:
        if not state["batches"]:
            _remove(manifest_path)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return job


def _upload(client: Any, part: _Part, single_upload_limit: int) -> str:
    import pathlib

    path = pathlib.Path(part.path)
    if part.bytes > single_upload_limit:
        upload = client.uploads.upload_file_chunked(file=path, mime_type="application/jsonl", purpose="batch",
                                                    part_size=min(64 * MiB, single_upload_limit))
        return upload.file.id
    return client.files.create(file=path, purpose="batch").id


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class BatchesMixin:
    """``client.batches``: ``submit``, ``run`` and ``job`` (whole jobs through the Batch API)."""

    _client: Any

    def submit(self, requests: Iterable[Any], *, endpoint: str = "/v1/chat/completions",
               completion_window: str = "24h", metadata: Optional[Mapping[str, str]] = None,
               max_requests_per_batch: int = MAX_REQUESTS_PER_BATCH, max_bytes_per_file: int = MAX_BYTES_PER_FILE,
               max_embedding_inputs_per_batch: int = MAX_EMBEDDING_INPUTS_PER_BATCH,
               single_upload_limit: int = SINGLE_UPLOAD_LIMIT, tmp_dir: Optional[str] = None) -> BatchJob:
        """Send ``requests`` as one job of as many batches as the API's limits need; return the
        :class:`BatchJob` (``save`` it to pick it up in another process).

        ``requests`` is any iterable (a generator is read once, as it goes) of ``(custom_id, body)``
        tuples, ``{"custom_id": ..., "body": ...}`` dicts or whole JSONL-line dicts (``custom_id``,
        ``method``, ``url``, ``body``). A missing custom_id becomes ``"request-<index>"``; a duplicate
        raises :class:`DuplicateCustomIdError` before anything is sent. The JSONL goes to temporary
        files (in ``tmp_dir``), a new one when ``max_requests_per_batch`` requests (50,000),
        ``max_bytes_per_file`` bytes (200 MiB) or, for ``/v1/embeddings``, ``max_embedding_inputs_per_batch``
        inputs (50,000) would be passed; a file above ``single_upload_limit`` (512 MiB) goes through the
        Uploads API in parts. If a later batch cannot be created, :class:`BatchSubmitError` carries the
        job of those already created.
        """
        return submit(self._client, requests, endpoint=endpoint, completion_window=completion_window,
                      metadata=metadata, max_requests_per_batch=max_requests_per_batch,
                      max_bytes_per_file=max_bytes_per_file,
                      max_embedding_inputs_per_batch=max_embedding_inputs_per_batch,
                      single_upload_limit=single_upload_limit, tmp_dir=tmp_dir)

    def run(self, requests: Iterable[Any], *, endpoint: str = "/v1/chat/completions", completion_window: str = "24h",
            metadata: Optional[Mapping[str, str]] = None, max_requests_per_batch: int = MAX_REQUESTS_PER_BATCH,
            max_bytes_per_file: int = MAX_BYTES_PER_FILE, max_wait_seconds: Optional[float] = None,
            poll_interval: Optional[float] = None, on_progress: Optional[Callable[[JobStatus], Any]] = None,
            progress: bool = False, **submit_options: Any) -> BatchJob:
        """``submit`` then ``wait``; returns the finished job (read it with ``job.results()``)."""
        job = self.submit(requests, endpoint=endpoint, completion_window=completion_window, metadata=metadata,
                          max_requests_per_batch=max_requests_per_batch, max_bytes_per_file=max_bytes_per_file,
                          **submit_options)
        job.wait(max_wait_seconds=max_wait_seconds, poll_interval=poll_interval, on_progress=on_progress,
                 progress=progress)
        return job

    def job(self, path: Any) -> BatchJob:
        """The job saved at ``path`` (``job.save(path)``), bound to this client."""
        return BatchJob.load(path, client=self._client)
