"""Polling helpers: wait until a run, a vector store file or batch, a file or a video settles.

The generated resource classes inherit these mixins, so the helpers sit beside the methods they
wrap (``client.beta.threads.runs.create_and_poll``, ``client.files.wait_for_processing`` ...) and
call them (``self.create``, ``self.with_raw_response.retrieve``): what goes over the wire is
exactly what those methods send.

Every helper:

- forwards each keyword it is given to the call it wraps, and only those it is given (an
  argument left out stays out of the request);
- waits between polls ``poll_interval_ms`` when given, else what the last response's
  ``openai-poll-after-ms`` header asks, else 1 s;
- gives up after ``max_wait_seconds`` (no limit by default, 30 minutes for
  ``wait_for_processing``) with :class:`PollTimeoutError`, which names the object and its
  last status;
- returns the object as soon as it reaches a terminal status, successful or not: check
  ``.status`` (and ``.last_error``) yourself, as with openai-python.

``extra_headers``, ``extra_query`` and ``timeout`` apply to every request a helper makes;
``extra_body`` only to the request that creates something (polls are GETs).
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Sequence, Union

from .._exceptions import OpenAIError
from .._logging import log
from .._types import NOT_GIVEN, NotGiven, given_args

__all__ = [
    "PollTimeoutError", "RunsPollingMixin", "ThreadsPollingMixin", "VectorStoreFilesMixin", "FileBatchesMixin",
    "FilesMixin", "VideosMixin", "RUN_TERMINAL_STATUSES", "VECTOR_STORE_FILE_TERMINAL_STATUSES",
    "FILE_TERMINAL_STATUSES", "VIDEO_TERMINAL_STATUSES",
]

RUN_TERMINAL_STATUSES = frozenset(("requires_action", "cancelled", "completed", "failed", "expired", "incomplete"))
VECTOR_STORE_FILE_TERMINAL_STATUSES = frozenset(("completed", "failed", "cancelled"))
FILE_TERMINAL_STATUSES = frozenset(("processed", "error", "deleted"))
VIDEO_TERMINAL_STATUSES = frozenset(("completed", "failed"))

DEFAULT_POLL_INTERVAL_MS = 1000
FILE_POLL_INTERVAL_SECONDS = 5.0
FILE_MAX_WAIT_SECONDS = 30 * 60

Headers = Optional[Mapping[str, Any]]


class PollTimeoutError(OpenAIError, RuntimeError):
    """A polling helper gave up before the object reached a terminal status.

    ``kind`` ("run", "file" ...), ``object_id``, ``status`` (the last one seen) and ``waited``
    (seconds). A ``RuntimeError`` too, which is what openai-python's ``wait_for_processing``
    raises.
    """

    def __init__(self, kind: str, object_id: str, status: Any, waited: float) -> None:
        self.kind = kind
        self.object_id = object_id
        self.status = status
        self.waited = waited
        super().__init__("Gave up waiting for %s %s after %.1f s; its last status was %r"
                         % (kind, object_id, waited, status))

    def __reduce__(self) -> Any:
        return (type(self), (self.kind, self.object_id, self.status, self.waited))


# -- the polling loop ------------------------------------------------------------------------

def _check_interval(poll_interval_ms: Any) -> None:
    if poll_interval_ms is NOT_GIVEN:
        return
    if isinstance(poll_interval_ms, bool) or not isinstance(poll_interval_ms, (int, float)):
        raise TypeError("poll_interval_ms must be a number of milliseconds, not %s" % type(poll_interval_ms).__name__)
    if not poll_interval_ms >= 0:
        raise ValueError("poll_interval_ms must be >= 0, got %r" % (poll_interval_ms,))


def _deadline(max_wait_seconds: Any, start: float) -> Optional[float]:
    if max_wait_seconds is NOT_GIVEN or max_wait_seconds is None:
        return None
    if isinstance(max_wait_seconds, bool) or not isinstance(max_wait_seconds, (int, float)):
        raise TypeError("max_wait_seconds must be a number of seconds or None, not %s"
                        % type(max_wait_seconds).__name__)
    if not max_wait_seconds >= 0:
        raise ValueError("max_wait_seconds must be >= 0, got %r" % (max_wait_seconds,))
    return start + max_wait_seconds


def _delay_seconds(poll_interval_ms: Any, headers: Mapping[str, str], default_ms: float) -> float:
    if poll_interval_ms is not NOT_GIVEN:
        return poll_interval_ms / 1000.0
    advised = headers.get("openai-poll-after-ms")
    if advised is not None:
        try:
            value = float(advised)
        except ValueError:
            value = -1.0
        if 0 <= value < math.inf:
            return value / 1000.0
        log.debug("Ignoring a malformed openai-poll-after-ms header: %r", advised)
    return default_ms / 1000.0


def poll_until(retrieve_raw: Callable[[], Any], *, kind: str, object_id: str, settled: Callable[[Any], bool],
               poll_interval_ms: Any = NOT_GIVEN, max_wait_seconds: Any = NOT_GIVEN,
               default_interval_ms: float = DEFAULT_POLL_INTERVAL_MS) -> Any:
    """Call ``retrieve_raw()`` (a ``with_raw_response`` retrieve) until ``settled(object)``."""
    _check_interval(poll_interval_ms)
    start = time.monotonic()
    deadline = _deadline(max_wait_seconds, start)
    while True:
        response = retrieve_raw()
        obj = response.parse()
        if settled(obj):
            return obj
        delay = _delay_seconds(poll_interval_ms, response.headers, default_interval_ms)
        now = time.monotonic()
        if deadline is not None:
            if now >= deadline:
                raise PollTimeoutError(kind, object_id, getattr(obj, "status", None), now - start)
            delay = min(delay, deadline - now)  # one last look when the time is up
        log.debug("%s %s is %r; next poll in %.3f s", kind, object_id, getattr(obj, "status", None), delay)
        _sleep(delay)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _status_in(statuses: Iterable[str]) -> Callable[[Any], bool]:
    terminal = frozenset(statuses)
    return lambda obj: getattr(obj, "status", None) in terminal


def _status_not_in(statuses: Iterable[str]) -> Callable[[Any], bool]:
    pending = frozenset(statuses)
    return lambda obj: getattr(obj, "status", None) not in pending


def _given(**kwargs: Any) -> Dict[str, Any]:
    """The API parameters the caller actually gave (``None`` is a value: JSON null)."""
    return {k: v for k, v in kwargs.items() if v is not NOT_GIVEN}


def _options(extra_headers: Headers = None, extra_query: Headers = None, extra_body: Headers = None,
             timeout: Any = NOT_GIVEN) -> Dict[str, Any]:
    """Per-request options the caller gave (``timeout=None`` is a value: no timeout)."""
    found = {k: v for k, v in (("extra_headers", extra_headers), ("extra_query", extra_query),
                               ("extra_body", extra_body)) if v is not None}
    if timeout is not NOT_GIVEN:
        found["timeout"] = timeout
    return found


class _Helper:
    """What the mixins need from the resource they are mixed into (``SyncAPIResource``)."""

    _client: Any
    _mode: str

    def _parsed(self) -> Any:
        # Helpers return objects whatever mode the resource is in (a raw response of a poll
        # loop would mean nothing), so they call the resource's parsed twin.
        return self if self._mode == "parsed" else self._in_mode("parsed")  # type: ignore[attr-defined]


# -- assistants: runs and threads -------------------------------------------------------------

class RunsPollingMixin(_Helper):
    """``client.beta.threads.runs``: ``create_and_poll``, ``poll``, ``submit_tool_outputs_and_poll``."""

    def create_and_poll(
        self,
        *,
        assistant_id: str,
        include: Union[Sequence[str], NotGiven] = NOT_GIVEN,
        additional_instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        additional_messages: Union[Optional[Iterable[Any]], NotGiven] = NOT_GIVEN,
        instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_prompt_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Mapping[str, str]], NotGiven] = NOT_GIVEN,
        model: Union[Optional[str], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        reasoning_effort: Union[Optional[str], NotGiven] = NOT_GIVEN,
        response_format: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        tool_choice: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        tools: Union[Optional[Iterable[Any]], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation_strategy: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        thread_id: str,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Create a run and poll it until it reaches a terminal status (``requires_action``,
        ``cancelled``, ``completed``, ``failed``, ``expired`` or ``incomplete``)."""
        params = given_args(locals(), "thread_id", "assistant_id", "poll_interval_ms", "max_wait_seconds")
        _check_interval(poll_interval_ms)
        runs = self._parsed()
        run = runs.create(thread_id=thread_id, assistant_id=assistant_id, **params,
            **_options(extra_headers, extra_query, extra_body, timeout))
        return runs.poll(run.id, thread_id, extra_headers, extra_query, None, timeout, poll_interval_ms,
                         max_wait_seconds=max_wait_seconds)

    def poll(
        self,
        run_id: str,
        thread_id: str,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        *,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
    ) -> Any:
        """Poll a run until it reaches a terminal status; returns the run."""
        raw = self._parsed().with_raw_response
        options = _options(extra_headers, extra_query, extra_body, timeout)
        return poll_until(lambda: raw.retrieve(run_id, thread_id=thread_id, **options), kind="run",
                          object_id=run_id, settled=_status_in(RUN_TERMINAL_STATUSES),
                          poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds)

    def submit_tool_outputs_and_poll(
        self,
        *,
        tool_outputs: Iterable[Any],
        run_id: str,
        thread_id: str,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Submit tool outputs to a run that ``requires_action``, then poll it to a terminal status."""
        _check_interval(poll_interval_ms)
        runs = self._parsed()
        run = runs.submit_tool_outputs(run_id=run_id, thread_id=thread_id, tool_outputs=tool_outputs,
                                       **_options(extra_headers, extra_query, extra_body, timeout))
        return runs.poll(run.id, thread_id, extra_headers, extra_query, None, timeout, poll_interval_ms,
                         max_wait_seconds=max_wait_seconds)


class ThreadsPollingMixin(_Helper):
    """``client.beta.threads``: ``create_and_run_poll``."""

    def create_and_run_poll(
        self,
        *,
        assistant_id: str,
        instructions: Union[Optional[str], NotGiven] = NOT_GIVEN,
        max_completion_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        max_prompt_tokens: Union[Optional[int], NotGiven] = NOT_GIVEN,
        metadata: Union[Optional[Mapping[str, str]], NotGiven] = NOT_GIVEN,
        model: Union[Optional[str], NotGiven] = NOT_GIVEN,
        parallel_tool_calls: Union[bool, NotGiven] = NOT_GIVEN,
        response_format: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        temperature: Union[Optional[float], NotGiven] = NOT_GIVEN,
        thread: Union[Any, NotGiven] = NOT_GIVEN,
        tool_choice: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        tool_resources: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        tools: Union[Optional[Iterable[Any]], NotGiven] = NOT_GIVEN,
        top_p: Union[Optional[float], NotGiven] = NOT_GIVEN,
        truncation_strategy: Union[Optional[Any], NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Create a thread, start a run on it, and poll the run to a terminal status."""
        params = given_args(locals(), "assistant_id", "poll_interval_ms", "max_wait_seconds")
        _check_interval(poll_interval_ms)
        threads = self._parsed()
        run = threads.create_and_run(assistant_id=assistant_id, **params,
                                     **_options(extra_headers, extra_query, extra_body, timeout))
        return threads.runs.poll(run.id, run.thread_id, extra_headers, extra_query, None, timeout, poll_interval_ms,
                                 max_wait_seconds=max_wait_seconds)


# -- vector stores ------------------------------------------------------------------------------

def _upload_for_assistants(client: Any, file: Any, options: Dict[str, Any]) -> Any:
    return client.files.create(file=file, purpose="assistants", **options)


class VectorStoreFilesMixin(_Helper):
    """``client.vector_stores.files``: ``create_and_poll``, ``poll``, ``upload``, ``upload_and_poll``."""

    def create_and_poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Union[Optional[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        chunking_strategy: Union[Any, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Attach a file to a vector store and poll until it is processed (``completed``,
        ``failed`` or ``cancelled``)."""
        _check_interval(poll_interval_ms)
        files = self._parsed()
        files.create(vector_store_id=vector_store_id, file_id=file_id,
                     **_given(attributes=attributes, chunking_strategy=chunking_strategy),
                     **_options(extra_headers, extra_query, extra_body, timeout))
        return files.poll(file_id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms,
                          max_wait_seconds=max_wait_seconds, extra_headers=extra_headers, extra_query=extra_query,
                          timeout=timeout)

    def poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Poll a vector store file until it is no longer ``in_progress``. A failed file is
        returned too: check ``.status`` and ``.last_error``."""
        raw = self._parsed().with_raw_response
        options = _options(extra_headers, extra_query, timeout=timeout)
        return poll_until(lambda: raw.retrieve(file_id, vector_store_id=vector_store_id, **options),
                          kind="vector store file", object_id=file_id, settled=_status_not_in(("in_progress",)),
                          poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds)

    def upload(
        self,
        *,
        vector_store_id: str,
        file: Any,
        attributes: Union[Optional[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
        chunking_strategy: Union[Any, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Upload a file (purpose ``assistants``) and attach it to the vector store, without
        waiting for it to be processed."""
        options = _options(extra_headers, extra_query, timeout=timeout)
        uploaded = _upload_for_assistants(self._client, file, options)
        return self._parsed().create(vector_store_id=vector_store_id, file_id=uploaded.id,
                                     **_given(attributes=attributes, chunking_strategy=chunking_strategy), **options)

    def upload_and_poll(
        self,
        *,
        vector_store_id: str,
        file: Any,
        attributes: Union[Optional[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        chunking_strategy: Union[Any, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Upload a file, attach it to the vector store and poll until it is processed."""
        _check_interval(poll_interval_ms)
        uploaded = _upload_for_assistants(self._client, file, _options(extra_headers, extra_query, timeout=timeout))
        return self._parsed().create_and_poll(
            uploaded.id, vector_store_id=vector_store_id, attributes=attributes, poll_interval_ms=poll_interval_ms,
            chunking_strategy=chunking_strategy, max_wait_seconds=max_wait_seconds, extra_headers=extra_headers,
            extra_query=extra_query, timeout=timeout)


class FileBatchesMixin(_Helper):
    """``client.vector_stores.file_batches``: ``create_and_poll``, ``poll``, ``upload_and_poll``."""

    def create_and_poll(
        self,
        vector_store_id: str,
        *,
        attributes: Union[Optional[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
        chunking_strategy: Union[Any, NotGiven] = NOT_GIVEN,
        file_ids: Union[Sequence[str], NotGiven] = NOT_GIVEN,
        files: Union[Iterable[Any], NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Create a vector store file batch and poll until it is processed (``completed``,
        ``failed`` or ``cancelled``). ``files`` here is the API's list of
        ``{"file_id": ..., "attributes": ...}`` objects; to upload contents use ``upload_and_poll``."""
        params = given_args(locals(), "vector_store_id", "poll_interval_ms", "max_wait_seconds")
        _check_interval(poll_interval_ms)
        batches = self._parsed()
        batch = batches.create(vector_store_id=vector_store_id, **params,
            **_options(extra_headers, extra_query, extra_body, timeout))
        return batches.poll(batch.id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms,
                            max_wait_seconds=max_wait_seconds, extra_headers=extra_headers, extra_query=extra_query,
                            timeout=timeout)

    def poll(
        self,
        batch_id: str,
        *,
        vector_store_id: str,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Poll a file batch until it is no longer ``in_progress``; returns the batch."""
        raw = self._parsed().with_raw_response
        options = _options(extra_headers, extra_query, timeout=timeout)
        return poll_until(lambda: raw.retrieve(batch_id, vector_store_id=vector_store_id, **options),
                          kind="vector store file batch", object_id=batch_id,
                          settled=_status_not_in(("in_progress",)), poll_interval_ms=poll_interval_ms,
                          max_wait_seconds=max_wait_seconds)

    def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[Any],
        max_concurrency: int = 5,
        file_ids: Sequence[str] = (),
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        chunking_strategy: Union[Any, NotGiven] = NOT_GIVEN,
        attributes: Union[Optional[Mapping[str, Any]], NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Upload files (at most ``max_concurrency`` at a time), then create a batch of them and
        of ``file_ids``, and poll it until it is processed.

        Every file is checked before the first upload starts (a wrong type raises ``TypeError``
        with nothing sent). If an upload fails, uploads not yet started are dropped, running ones
        finish, and the error is raised; no batch is created.
        """
        from .._files import coerce_file
        from ._threads import check_concurrency, map_bounded

        check_concurrency(max_concurrency)
        _check_interval(poll_interval_ms)
        if isinstance(files, (str, bytes)) or not isinstance(files, Iterable):
            raise TypeError("files must be an iterable of files, not %s" % type(files).__name__)
        uploads = [coerce_file(f, param="files[%d]" % i) for i, f in enumerate(files)]
        if not uploads and not file_ids:
            raise ValueError("upload_and_poll needs at least one file (or file_ids)")
        options = _options(extra_headers, extra_query, timeout=timeout)
        client = self._client
        uploaded = map_bounded(lambda f: _upload_for_assistants(client, f, options), uploads, max_concurrency)
        return self._parsed().create_and_poll(
            vector_store_id, file_ids=list(file_ids) + [f.id for f in uploaded], chunking_strategy=chunking_strategy,
            attributes=attributes, poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds,
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout)


# -- files and videos ---------------------------------------------------------------------------

class FilesMixin(_Helper):
    """``client.files``: ``wait_for_processing``."""

    def wait_for_processing(
        self,
        id: str,
        *,
        poll_interval: Union[float, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Optional[float] = FILE_MAX_WAIT_SECONDS,
    ) -> Any:
        """Wait until a file is ``processed`` (or ``error`` or ``deleted``); returns the file.

        ``poll_interval`` is in seconds: 5 unless given (or unless the server's
        ``openai-poll-after-ms`` says otherwise). Raises :class:`PollTimeoutError` (a
        ``RuntimeError``) after ``max_wait_seconds`` (30 minutes; ``None`` for no limit).
        """
        interval_ms: Any = NOT_GIVEN
        if poll_interval is not NOT_GIVEN:
            if isinstance(poll_interval, bool) or not isinstance(poll_interval, (int, float)):
                raise TypeError("poll_interval must be a number of seconds, not %s" % type(poll_interval).__name__)
            interval_ms = poll_interval * 1000.0
        raw = self._parsed().with_raw_response
        return poll_until(lambda: raw.retrieve(id), kind="file", object_id=id,
                          settled=_status_in(FILE_TERMINAL_STATUSES), poll_interval_ms=interval_ms,
                          max_wait_seconds=max_wait_seconds, default_interval_ms=FILE_POLL_INTERVAL_SECONDS * 1000)


class VideosMixin(_Helper):
    """``client.videos``: ``create_and_poll``, ``poll``."""

    def create_and_poll(
        self,
        *,
        prompt: str,
        input_reference: Union[Any, NotGiven] = NOT_GIVEN,
        model: Union[str, NotGiven] = NOT_GIVEN,
        seconds: Union[str, NotGiven] = NOT_GIVEN,
        size: Union[str, NotGiven] = NOT_GIVEN,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        extra_body: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Create a video and poll until it is ``completed`` or ``failed``."""
        params = given_args(locals(), "prompt", "poll_interval_ms", "max_wait_seconds")
        _check_interval(poll_interval_ms)
        videos = self._parsed()
        video = videos.create(prompt=prompt, **params,
            **_options(extra_headers, extra_query, extra_body, timeout))
        return videos.poll(video.id, poll_interval_ms=poll_interval_ms, max_wait_seconds=max_wait_seconds,
                           extra_headers=extra_headers, extra_query=extra_query, timeout=timeout)

    def poll(
        self,
        video_id: str,
        *,
        poll_interval_ms: Union[int, NotGiven] = NOT_GIVEN,
        max_wait_seconds: Union[float, None, NotGiven] = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Headers = None,
        timeout: Any = NOT_GIVEN,
    ) -> Any:
        """Poll a video until it is no longer ``queued`` or ``in_progress``."""
        raw = self._parsed().with_raw_response
        options = _options(extra_headers, extra_query, timeout=timeout)
        return poll_until(lambda: raw.retrieve(video_id, **options), kind="video", object_id=video_id,
                          settled=_status_not_in(("queued", "in_progress")), poll_interval_ms=poll_interval_ms,
                          max_wait_seconds=max_wait_seconds)
