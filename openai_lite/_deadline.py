"""``deadline=``: one time budget for a whole call (connect, every read, every retry and its backoff
sleep, a stream to its end). Exceeding it raises ``APITimeoutError``.

The budget is enforced three ways, because no single one reaches every wait:
- each attempt gets a urllib3 ``Timeout`` whose ``total`` is what remains (connect and the wait for
  the headers); the retry policy shrinks it before a re-send and refuses a backoff sleep that would
  end past the deadline;
- while a body is read (a plain call's, or a stream's), a watchdog thread shuts the socket down at
  the deadline, which wakes the blocked read: a server trickling a byte at a time cannot hold the
  call, since the read timeout applies to each read and not to the whole;
- the reader then sees the deadline passed and raises ``APITimeoutError``.
"""
from __future__ import annotations

import datetime
import heapq
import itertools
import os
import threading
import time
from typing import Any, Callable, List, Optional, Tuple

__all__ = ["Deadline", "check_deadline", "watch"]


def check_deadline(value: Any) -> Any:
    """A valid ``deadline=``: None, a positive number of seconds, or a ``datetime``."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("deadline must be a number of seconds or a datetime, not %s" % type(value).__name__)
    if not value > 0:
        raise ValueError("deadline must be > 0 seconds, got %r" % (value,))
    return value


class Deadline:
    """An instant on the monotonic clock."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at

    @classmethod
    def start(cls, value: Any) -> Optional["Deadline"]:
        """The deadline of a call starting now: ``value`` seconds from now, or the ``datetime`` given
        (naive: local time)."""
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            now = datetime.datetime.now(value.tzinfo) if value.tzinfo is not None else datetime.datetime.now()
            return cls(time.monotonic() + (value - now).total_seconds())
        return cls(time.monotonic() + float(value))

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def timeout(self, timeout: Any) -> Any:
        """``timeout`` (requests' ``(connect, read)`` or None) as a urllib3 ``Timeout`` bounded by
        what remains; ``total`` is what the retry policy shrinks before each re-send."""
        from urllib3.util.timeout import Timeout

        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return Timeout(connect=connect, read=read, total=max(self.remaining(), 0.001))

    def __repr__(self) -> str:
        return "<Deadline in %.3f s>" % self.remaining()


# -- the watchdog: one thread for every deadline of the process ----------------------------------------

_lock = threading.Condition(threading.Lock())
_heap: List[Tuple[float, int, "_Watch"]] = []
_counter = itertools.count()
_thread: Optional[threading.Thread] = None
_pid = 0


class _Watch:
    __slots__ = ("fn", "cancelled", "fired")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.cancelled = False
        self.fired = False

    def cancel(self) -> bool:
        """Stop the watch; False if it fired already (then its function has run to its end)."""
        with _lock:
            self.cancelled = True
            return not self.fired


def watch(deadline: Deadline, fn: Callable[[], Any]) -> _Watch:
    """Call ``fn()`` on the watchdog thread at ``deadline`` unless cancelled first."""
    global _thread, _pid
    entry = _Watch(fn)
    with _lock:
        if _thread is None or _pid != os.getpid():  # none yet, or a forked child (threads do not survive)
            _pid = os.getpid()
            _heap.clear()
            _thread = threading.Thread(target=_run, name="openai_lite-deadlines", daemon=True)
            _thread.start()
        heapq.heappush(_heap, (deadline.at, next(_counter), entry))
        _lock.notify()
    return entry


def _run() -> None:
    while True:
        with _lock:
            while not _heap or _heap[0][2].cancelled or _heap[0][0] > time.monotonic():
                if _heap and _heap[0][2].cancelled:
                    heapq.heappop(_heap)
                    continue
                _lock.wait(None if not _heap else max(_heap[0][0] - time.monotonic(), 0.0))
            _, _, entry = heapq.heappop(_heap)
            entry.fired = True
            # run under the lock: cancel() returning True means fn never runs, False that it has run
            try:
                entry.fn()
            except Exception:  # noqa: BLE001 - a watchdog must not die
                pass
