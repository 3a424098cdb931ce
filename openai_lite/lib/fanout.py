"""``client.map``: one API method over many inputs on a thread pool, paced by the API's rate limits.

    inputs (read lazily) -> at most ``max_concurrency`` calls at a time -> each waits its turn at the
    shared :class:`~openai_lite.lib.rate_limits.Pacer` -> the call, through the method's raw twin on
    a copy of the client with retries off -> the response's ``x-ratelimit-*`` headers feed the pacer
    -> a :class:`MapResult` per input, in input order or as completed.

Retries are the fan-out's, not the client's: a copy of the client with ``max_retries=0`` makes each
attempt, so a request is never retried by two layers at once. What the client would retry (429,
408, 409, >= 500, connection errors, ``x-should-retry``) is sent again, at most ``max_retries``
times (the client's setting by default), each logged; a 429 first stops every thread for as long
as the API asks (``retry-after-ms`` / ``Retry-After``, else its ``x-ratelimit-reset-*``). A failure
that remains is kept as the input's result (``result.error``), never raised out of the loop.
"""
from __future__ import annotations

import sys
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Deque, Iterable, Iterator, Mapping, Optional, Tuple

from .._logging import log
from .rate_limits import Pacer, RateLimits

__all__ = ["MapResult", "fan_out", "DEFAULT_MAX_CONCURRENCY"]

DEFAULT_MAX_CONCURRENCY = 8


class MapResult:
    """One input's outcome: ``index`` (its position), ``input``, ``value`` (what the method returned)
    or ``error`` (the exception of the last attempt), ``attempts`` (1 + the retries made) and
    ``rate_limits`` (of the last response, when it had any). ``ok`` says which; ``get()`` returns the
    value or raises the error."""

    __slots__ = ("index", "input", "value", "error", "attempts", "rate_limits")

    def __init__(self, index: int, input: Any, value: Any = None, error: Optional[BaseException] = None,
                 attempts: int = 1, rate_limits: Optional[RateLimits] = None) -> None:
        self.index = index
        self.input = input
        self.value = value
        self.error = error
        self.attempts = attempts
        self.rate_limits = rate_limits

    @property
    def ok(self) -> bool:
        return self.error is None

    def get(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value

    def __repr__(self) -> str:
        what = "value" if self.error is None else "error=%r" % (self.error,)
        return "MapResult(index=%d, %s, attempts=%d)" % (self.index, what, self.attempts)


def _raw_twin(method: Any) -> Tuple[Callable[..., Any], bool]:
    """The method's raw-response twin on a copy of the client without retries, and True; or the
    method itself and False when it is not a generated API method (a helper, any callable)."""
    resource = getattr(method, "__self__", None)
    name = getattr(method, "__name__", None)
    client = getattr(resource, "_client", None)
    if resource is None or name is None or client is None or not hasattr(resource, "_in_mode"):
        return method, False
    function = getattr(type(resource), name, None)
    if function is None or not getattr(function, "__module__", "").startswith("openai_lite.resources"):
        return method, False
    quiet = client.with_options(max_retries=0)
    return getattr(type(resource)(quiet, "raw"), name), True


def _retry_delay(error: BaseException, retries_taken: int) -> Optional[float]:
    """Seconds to wait before sending again, or None when the error is not worth another attempt."""
    from .._exceptions import APIConnectionError, APIStatusError
    from .._retry import MAX_RETRY_AFTER, backoff_delay, retry_after_seconds, should_retry_status

    if isinstance(error, APIConnectionError):
        return backoff_delay(retries_taken)
    if not isinstance(error, APIStatusError):
        return None
    headers = error.response.headers
    if not should_retry_status(error.status_code, headers):
        return None
    asked = retry_after_seconds(headers)
    if asked is not None and asked == asked:
        return None if asked > MAX_RETRY_AFTER else max(0.0, asked)
    if error.status_code == 429:
        limits = RateLimits.from_headers(headers)
        resets = [s for s in (limits.reset_requests, limits.reset_tokens) if s]
        if resets:
            return min(max(resets), MAX_RETRY_AFTER)
    return backoff_delay(retries_taken)


class _Progress:
    def __init__(self, total: Optional[int], callback: Optional[Callable[..., Any]], line: bool) -> None:
        self.total = total
        self.callback = callback
        self.stream = sys.stderr if line else None
        self.tty = line and bool(getattr(sys.stderr, "isatty", lambda: False)())
        self.done = 0
        self.failed = 0
        self.retries = 0
        self._shown = 0.0

    def add(self, result: MapResult) -> None:
        self.done += 1
        self.failed += 0 if result.ok else 1
        self.retries += result.attempts - 1
        if self.callback is not None:
            self.callback(self.done, self.total, self.failed)
        if self.stream is not None:
            now = time.monotonic()
            if now - self._shown >= 0.2 or self.done == self.total:
                self._shown = now
                self._show()

    def _show(self) -> None:
        stream = self.stream
        if stream is None:
            return
        text = "map: %d%s done, %d failed, %d retried" % (
            self.done, "" if self.total is None else "/%d" % self.total, self.failed, self.retries)
        stream.write(("\r" + text) if self.tty else (text + "\n"))
        stream.flush()

    def end(self) -> None:
        if self.stream is not None:
            self._show()
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()


def fan_out(method: Callable[..., Any], inputs: Iterable[Any], *, max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
            ordered: bool = True, max_retries: Optional[int] = None, progress: bool = False,
            on_progress: Optional[Callable[[int, Optional[int], int], Any]] = None) -> Iterator[MapResult]:
    """See ``OpenAI.map``."""
    from ._threads import check_concurrency

    check_concurrency(max_concurrency)
    if not callable(method):
        raise TypeError("method must be a callable (e.g. client.embeddings.create), not %s" % type(method).__name__)
    if on_progress is not None and not callable(on_progress):
        raise TypeError("on_progress must be a callable (done, total, failed)")
    call, raw = _raw_twin(method)
    if max_retries is None:
        owner = getattr(getattr(method, "__self__", None), "_client", None)
        max_retries = owner.max_retries if (raw and owner is not None) else 0
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError("max_retries must be an int >= 0, got %r" % (max_retries,))
    total = len(inputs) if hasattr(inputs, "__len__") else None  # type: ignore[arg-type]
    return _run(call, raw, iter(inputs), max_concurrency, ordered, max_retries, _Progress(total, on_progress, progress))


def _one(call: Callable[..., Any], raw: bool, pacer: Pacer, max_retries: int, index: int, item: Any) -> MapResult:
    attempts = 0
    while True:
        attempts += 1
        pacer.acquire()
        limits = None
        try:
            if isinstance(item, Mapping):
                answer = call(**item)
            else:
                answer = call(item)
            if raw:
                limits = answer.rate_limits
                pacer.observe(limits)
                answer = answer.parse()
            return MapResult(index, item, value=answer, attempts=attempts, rate_limits=limits)
        except Exception as exc:  # noqa: BLE001 - every failure becomes the input's result
            response = getattr(exc, "response", None)
            headers = getattr(response, "headers", None)
            if headers is not None:
                limits = RateLimits.from_headers(headers)
            delay = _retry_delay(exc, attempts - 1) if raw else None
            if getattr(exc, "status_code", None) == 429:
                pacer.throttled(delay if delay is not None else 1.0)
            if delay is None or attempts > max_retries:
                return MapResult(index, item, error=exc, attempts=attempts, rate_limits=limits)
            log.info("map: input %d failed (%s); sending it again in %.3f s (retry %d of %d)", index,
                     type(exc).__name__, delay, attempts, max_retries)
            if getattr(exc, "status_code", None) != 429:
                time.sleep(delay)  # a 429's wait is the pacer's, shared by every thread
        finally:
            pacer.release()


def _run(call: Callable[..., Any], raw: bool, inputs: Iterator[Any], max_concurrency: int, ordered: bool,
         max_retries: int, progress: _Progress) -> Iterator[MapResult]:
    pacer = Pacer()
    window = max_concurrency * 2  # inputs read ahead; bounds what waits in memory for its turn
    pool = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="openai_lite-map")
    pending: Deque[Future] = deque()
    running = set()
    exhausted = False
    next_index = 0
    try:
        while True:
            while not exhausted and len(pending) < window:
                try:
                    item = next(inputs)
                except StopIteration:
                    exhausted = True
                    break
                future = pool.submit(_one, call, raw, pacer, max_retries, next_index, item)
                next_index += 1
                pending.append(future)
                running.add(future)
            if not pending:
                break
            if ordered:
                head = pending[0]
                head.result()  # _one never raises; this only waits
                pending.popleft()
                running.discard(head)
                result = head.result()
            else:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                future = done.pop()
                running.discard(future)
                pending.remove(future)
                result = future.result()
            progress.add(result)
            yield result
    finally:
        for future in pending:
            future.cancel()  # not started yet: dropped (the caller stopped iterating)
        pool.shutdown(wait=True)
        progress.end()
