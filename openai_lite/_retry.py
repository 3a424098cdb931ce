"""The retry policy, as small pure functions plus the urllib3 ``Retry`` that applies them.

Policy (openai-python's): retry connection errors, timeouts, 408, 409, 429 and >= 500;
``x-should-retry: true|false`` overrides the status; wait what ``retry-after-ms`` or
``Retry-After`` (seconds or an HTTP date) asks when it is between 0 and 120 s, and do not
retry at all when it asks for longer; otherwise back off 0.5 s, 1 s, 2 s ... capped at 8 s,
shortened by up to 25 % jitter.

``RetryPolicy`` lives in the ``HTTPAdapter`` of the client's session, so urllib3 re-sends
the request (rewinding a file-like body) without requests or us in the loop. Two things
urllib3 cannot see are handled around it: a body that fails while being read after the
headers arrived (the transport continues with the same ``RetryPolicy``), and credentials
that must be fetched anew for every attempt (``refresh`` is called before each re-send).
"""
from __future__ import annotations

import email.utils
import logging
import random
import re
import ssl
import time
from typing import Any, Callable, Mapping, Optional

from urllib3.exceptions import MaxRetryError, ProxyError, ResponseError, SSLError
from urllib3.util.retry import Retry

log = logging.getLogger("openai_lite")

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_JITTER = 0.25
MAX_RETRY_AFTER = 120.0

__all__ = ["RetryPolicy", "RefreshFailed", "retry_after_seconds", "should_retry_status", "backoff_delay",
           "response_retry_delay"]


def retry_after_seconds(headers: Mapping[str, str], now: Optional[float] = None) -> Optional[float]:
    """Seconds the server asks us to wait, or None when it asks nothing readable."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return email.utils.mktime_tz(when) - (time.time() if now is None else now)


def should_retry_status(status: int, headers: Mapping[str, str]) -> bool:
    flag = headers.get("x-should-retry")
    if flag == "true":
        return True
    if flag == "false":
        return False
    return status in (408, 409, 429) or status >= 500


def backoff_delay(retries_taken: int, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff for the (retries_taken + 1)-th retry, with up to 25 % jitter off."""
    delay = min(INITIAL_RETRY_DELAY * (2.0 ** min(retries_taken, 32)), MAX_RETRY_DELAY)
    return delay * (1.0 - MAX_JITTER * rand())


def response_retry_delay(headers: Mapping[str, str], retries_taken: int,
                         rand: Callable[[], float] = random.random) -> Optional[float]:
    """How long to wait before retrying this response; None: the server asked for too long."""
    asked = retry_after_seconds(headers)
    if asked is not None and asked == asked:  # NaN reads as "nothing readable"
        if asked > MAX_RETRY_AFTER:
            return None
        if asked > 0:
            return asked
    return backoff_delay(retries_taken, rand)


class RefreshFailed(Exception):
    """Fetching credentials for a retry failed; the transport re-raises ``error`` unchanged
    (it must not pass for a connection error)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


def _is_certificate_error(error: Any) -> bool:
    if not isinstance(error, SSLError):
        return False
    if "CERTIFICATE_VERIFY_FAILED" in str(error):
        return True
    # urllib3 1.26 checks some host names itself (IP addresses): a CertificateError inside, no OpenSSL code
    cause = error.args[0] if error.args else None
    return isinstance(cause, ssl.CertificateError) or type(cause).__name__ == "CertificateError"


def _is_proxy_refusal(error: Any) -> bool:
    """A proxy that answered our CONNECT with a 4xx (407: it wants credentials; 403: not allowed): asking
    again gets the same answer."""
    return isinstance(error, ProxyError) and re.search(r"Tunnel connection failed: 4\d\d", str(error)) is not None


class RetryPolicy(Retry):
    """urllib3 ``Retry`` driven by the functions above; build it with ``RetryPolicy.build``."""

    # Tests replace this to pin the jitter.
    random: Callable[[], float] = staticmethod(random.random)  # type: ignore[assignment]
    _refresh: Optional[Callable[[], None]] = None
    _next_delay: float = 0.0

    @classmethod
    def build(cls, total: int, refresh: Optional[Callable[[], None]] = None) -> "RetryPolicy":
        policy = cls(total=total, connect=None, read=None, redirect=0, status=None, other=None,
                     status_forcelist=None, backoff_factor=0, raise_on_redirect=False,
                     raise_on_status=False, respect_retry_after_header=False)
        policy._refresh = refresh
        return policy

    def new(self, **kw: Any) -> "RetryPolicy":
        fresh = super().new(**kw)
        fresh._refresh = self._refresh
        return fresh  # type: ignore[return-value]

    def _is_method_retryable(self, method: str) -> bool:
        # Every verb is retried, POST included: the API is built for it.
        return True

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # Every error status is a candidate; increment() reads the headers and decides.
        return bool(self.total) and status_code >= 400

    def increment(self, method: Optional[str] = None, url: Optional[str] = None, response: Any = None,
                  error: Optional[Exception] = None, _pool: Any = None, _stacktrace: Any = None) -> "RetryPolicy":
        taken = len(self.history)
        if error is None and response is not None:
            headers = response.headers
            delay: Optional[float] = None
            if should_retry_status(response.status, headers):
                delay = response_retry_delay(headers, taken, self.random)
                if delay is None:
                    log.debug("not retrying %s %s: status %s asks to wait %ss (limit %ss)", method, url,
                              response.status, retry_after_seconds(headers), MAX_RETRY_AFTER)
            if delay is None:
                # urlopen answers MaxRetryError with raise_on_status=False by returning the response.
                raise MaxRetryError(_pool, url, ResponseError("status %s is not retried" % response.status))
            reason = "status %s" % response.status
        else:
            if _is_certificate_error(error) or _is_proxy_refusal(error):
                log.debug("not retrying %s %s: %s", method, url, type(error).__name__)
                raise MaxRetryError(_pool, url, error)
            delay = backoff_delay(taken, self.random)
            reason = type(error).__name__ if error is not None else "unknown error"
        fresh = super().increment(method, url, response, error, _pool, _stacktrace)
        fresh._next_delay = delay
        log.info("Retrying %s %s in %.3f seconds (%s; retry %d of %d)", method, url, delay, reason,
                 taken + 1, taken + 1 + (fresh.total or 0))
        return fresh  # type: ignore[return-value]

    def sleep(self, response: Any = None) -> None:
        if self._next_delay > 0:
            time.sleep(self._next_delay)
        if self._refresh is not None:
            try:
                self._refresh()
            except Exception as exc:  # noqa: BLE001 - the caller's own error, not a network one
                raise RefreshFailed(exc) from exc

    @property
    def retries_taken(self) -> int:
        return len(self.history)
