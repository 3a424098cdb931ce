"""What the API says about its rate limits, and a pacer that keeps many threads under them.

Every API response carries its limits in headers (``x-ratelimit-limit-requests``,
``x-ratelimit-remaining-requests``, ``x-ratelimit-reset-requests`` and the same three for
tokens). :class:`RateLimits` reads them; a raw response offers them as ``response.rate_limits``::

    raw = client.chat.completions.with_raw_response.create(...)
    raw.rate_limits.remaining_requests, raw.rate_limits.reset_requests   # 59, 1.0 (seconds)

:class:`Pacer` is what ``client.map`` shares between its threads: requests leave at the rate the
limits allow (a token bucket refilled at ``limit_requests`` per minute, as large as the most the API
ever said remained, lowered to what the API reports remains less the requests still in flight), and
a 429 stops every
thread until the time the API asked for has passed, so a run at the limit does not become a storm
of retries. Token limits are coarser: when the API reports no tokens left, threads wait for
``reset_tokens``.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Any, Callable, Mapping, Optional

__all__ = ["RateLimits", "Pacer", "parse_duration"]

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ms|h|m|s)")


def parse_duration(value: Optional[str]) -> Optional[float]:
    """Seconds in an ``x-ratelimit-reset-*`` value ("1s", "6m0s", "20ms", "1h2m3.5s", or a bare
    number of seconds); None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    pos = 0
    total = 0.0
    for match in _DURATION.finditer(text):
        if match.start() != pos:
            return None
        amount = float(match.group(1))
        total += amount * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2)]
        pos = match.end()
    return total if pos == len(text) and pos > 0 else None


def _int(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


class RateLimits:
    """The ``x-ratelimit-*`` headers of one response, parsed (None for each one absent).

    ``limit_requests`` / ``limit_tokens``: the limits per minute; ``remaining_requests`` /
    ``remaining_tokens``: what is left; ``reset_requests`` / ``reset_tokens``: seconds until the
    limit is back to its full value. ``bool(limits)`` is False when the response had none.
    """

    __slots__ = ("limit_requests", "remaining_requests", "reset_requests", "limit_tokens", "remaining_tokens",
                 "reset_tokens")

    def __init__(self, limit_requests: Optional[int] = None, remaining_requests: Optional[int] = None,
                 reset_requests: Optional[float] = None, limit_tokens: Optional[int] = None,
                 remaining_tokens: Optional[int] = None, reset_tokens: Optional[float] = None) -> None:
        self.limit_requests = limit_requests
        self.remaining_requests = remaining_requests
        self.reset_requests = reset_requests
        self.limit_tokens = limit_tokens
        self.remaining_tokens = remaining_tokens
        self.reset_tokens = reset_tokens

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> "RateLimits":
        """Read them from any case-insensitive header mapping (``response.headers``)."""
        get = headers.get
        return cls(_int(get("x-ratelimit-limit-requests")), _int(get("x-ratelimit-remaining-requests")),
                   parse_duration(get("x-ratelimit-reset-requests")), _int(get("x-ratelimit-limit-tokens")),
                   _int(get("x-ratelimit-remaining-tokens")), parse_duration(get("x-ratelimit-reset-tokens")))

    def __bool__(self) -> bool:
        return any(getattr(self, name) is not None for name in self.__slots__)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, RateLimits) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __repr__(self) -> str:
        return "RateLimits(%s)" % ", ".join("%s=%r" % (n, getattr(self, n)) for n in self.__slots__
                                            if getattr(self, n) is not None)


class Pacer:
    """Spaces requests from many threads by the limits the API reports (see the module docstring).

    ``acquire()`` before each request (it blocks as long as needed), then ``observe(limits)`` with
    the response's limits, or ``throttled(seconds)`` on a 429, and ``release()`` in every case.
    Until the first limits are known, requests are not held back.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._rate: Optional[float] = None  # requests per second
        self._capacity = 0.0
        self._level = 0.0  # requests the bucket holds at _stamp
        self._stamp = 0.0
        self._paused_until = 0.0
        self._in_flight = 0
        self.waited = 0.0  # seconds threads spent held back, in total

    def _refill(self, now: float) -> None:
        if self._rate is not None:
            self._level = min(self._capacity, self._level + (now - self._stamp) * self._rate)
        self._stamp = now

    def acquire(self) -> None:
        with self._cond:
            start = self._clock()
            while True:
                now = self._clock()
                if now < self._paused_until:
                    delay = self._paused_until - now
                elif self._rate is None:
                    break
                else:
                    self._refill(now)
                    if self._level >= 1.0:
                        self._level -= 1.0
                        break
                    delay = (1.0 - self._level) / self._rate
                self._cond.wait(delay)
            self._in_flight += 1
            self.waited += self._clock() - start

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1

    def observe(self, limits: RateLimits) -> None:
        """Take the level of the bucket from a response's limits."""
        with self._cond:
            now = self._clock()
            if limits.limit_requests and limits.remaining_requests is not None:
                # The bucket never holds more than the most the API has said remains: the API enforces
                # a per-minute limit over shorter spans too, so a full minute's worth is not there to spend.
                self._capacity = float(max(1, limits.remaining_requests, self._capacity))
                # Requests still in flight may not be counted in ``remaining`` yet: count them as spent.
                level = max(0.0, float(limits.remaining_requests) - (self._in_flight - 1))
                if self._rate is None:
                    self._level = level
                else:
                    # Answers arrive out of order: an older, higher ``remaining`` must not undo a newer,
                    # lower one. So answers only ever lower the level; the clock raises it.
                    self._refill(now)
                    self._level = min(self._level, level)
                self._rate = limits.limit_requests / 60.0
                self._stamp = now
            if limits.remaining_tokens is not None and limits.remaining_tokens <= 0:
                self._pause(now, limits.reset_tokens if limits.reset_tokens else 1.0)

    def throttled(self, seconds: float) -> None:
        """A 429: nobody sends for ``seconds``, and the bucket is empty after that."""
        with self._cond:
            now = self._clock()
            self._pause(now, seconds)
            self._level = 0.0
            self._stamp = max(now, self._paused_until)

    def _pause(self, now: float, seconds: float) -> None:
        self._paused_until = max(self._paused_until, now + max(0.0, seconds))
        self._cond.notify_all()
