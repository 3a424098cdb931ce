"""A requests-per-minute limit for :class:`~openai_lite.testing.OfflineServer`, told the way the API tells it.

A token bucket holding ``burst`` requests (a second's worth by default: the API enforces a per-minute
limit over shorter periods too), refilled at ``requests_per_minute / 60`` per second. Every answer
carries ``x-ratelimit-limit-requests``, ``x-ratelimit-remaining-requests`` and
``x-ratelimit-reset-requests`` (time until the bucket is full again, e.g. ``"250ms"``); a request
finding the bucket empty gets a 429 ``rate_limit_exceeded`` (with ``retry-after-ms`` when
``retry_after=True``). ``limited`` and ``allowed`` count what happened.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Dict, Optional, Tuple

__all__ = ["RateLimit"]


def _duration(seconds: float) -> str:
    if seconds < 1.0:
        return "%dms" % max(0, round(seconds * 1000))
    minutes, rest = divmod(seconds, 60.0)
    return ("%dm" % minutes if minutes else "") + ("%.3gs" % rest)


class RateLimit:
    """See the module docstring; install with ``server.set_rate_limit(...)``."""

    def __init__(self, requests_per_minute: int, burst: Optional[int] = None, retry_after: bool = False,
                 paths: Optional[Tuple[str, ...]] = None, clock: Callable[[], float] = time.monotonic) -> None:
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be >= 1")
        self.requests_per_minute = requests_per_minute
        self.rate = requests_per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, round(self.rate)))
        self.retry_after = retry_after
        self.paths = paths
        self._clock = clock
        self._lock = threading.Lock()
        self._level = self.burst
        self._stamp = clock()
        self.allowed = 0
        self.limited = 0

    def applies_to(self, path: str) -> bool:
        return self.paths is None or path in self.paths

    def take(self) -> Tuple[bool, Dict[str, str]]:
        """Spend one request if the bucket has one; (allowed, the headers to answer with)."""
        with self._lock:
            now = self._clock()
            self._level = min(self.burst, self._level + (now - self._stamp) * self.rate)
            self._stamp = now
            allowed = self._level >= 1.0
            if allowed:
                self._level -= 1.0
                self.allowed += 1
            else:
                self.limited += 1
            headers = {
                "x-ratelimit-limit-requests": str(self.requests_per_minute),
                "x-ratelimit-remaining-requests": str(int(self._level)),
                "x-ratelimit-reset-requests": _duration((self.burst - self._level) / self.rate),
            }
            if not allowed and self.retry_after:
                headers["retry-after-ms"] = str(max(1, int((1.0 - self._level) / self.rate * 1000)))
            return allowed, headers
