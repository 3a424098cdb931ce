"""Retries: the policy as small pure functions, and the urllib3 ``Retry`` that applies them.

Policy (openai-python's): retry connection errors, timeouts, 408, 409, 429 and >= 500;
``x-should-retry: true|false`` overrides the status; wait what ``retry-after-ms`` or
``Retry-After`` (seconds or an HTTP date) asks when it is between 0 and 120 s, and do not
retry at all when it asks for longer; otherwise back off 0.5 s, 1 s, 2 s ... capped at 8 s,
shortened by up to 25 % jitter.

The path of a retry, top to bottom (this module holds every decision; the rest only carries it):

1. ``OpenAI._execute`` builds the call's ``RetryPolicy`` (``RetryPolicy.build``: the retry count,
   the credential ``refresh`` when the key is a callable, the ``deadline``) and hands it to
   ``Transport.send``.
2. ``RetryAdapter.send`` puts it where urllib3 looks (``adapter.max_retries``, per thread), and
   urllib3's ``urlopen`` sends. The policy stays in the session's adapters: urllib3 re-sends the
   request (rewinding a file-like body) without requests or us in its loop.
3. After a failed attempt urllib3 calls ``RetryPolicy.increment``: ``decide`` says whether to
   retry and after how long; the decision is logged once (``log.info``: why, the wait, attempt n
   of m) and a refusal ends urllib3's loop (``MaxRetryError``: the last answer or error stands).
4. urllib3 then calls ``RetryPolicy.sleep``: it refuses a wait that would end past the deadline
   (``APITimeoutError``), waits, fetches fresh credentials (``refresh``; urllib3 sends a copy of
   the headers, which ``_client._LiveHeaders`` keeps current) and shrinks the attempt's timeout
   to what the deadline leaves. urllib3 re-sends: back to 3.
5. One failure urllib3 cannot see: a body that breaks while being read after the headers came.
   ``Transport.send`` reads it inside its loop and feeds the failure to the same ``increment``
   and ``sleep`` (steps 3-4), then sends again.
"""
from __future__ import annotations

import email.utils
import random
import re
import ssl
import time
from typing import Any, Callable, Mapping, Optional, Tuple

from urllib3.exceptions import MaxRetryError, ProxyError, ResponseError, SSLError
from urllib3.util.retry import Retry

from ._logging import log

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
    """An error that must leave urllib3's retry loop unchanged: fetching credentials for a retry
    failed (the caller's own error, not a connection error), or the deadline leaves no time for
    the retry (``APITimeoutError``). The transport re-raises ``error``."""

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
    _deadline: Any = None  # a _deadline.Deadline: no sleep may end past it
    _timeout: Any = None  # the call's urllib3 Timeout, whose total shrinks to what the deadline leaves
    _next_delay: float = 0.0

    @classmethod
    def build(cls, total: int, refresh: Optional[Callable[[], None]] = None, deadline: Any = None,
              timeout: Any = None) -> "RetryPolicy":
        # allowed_methods=None: every verb is retried, POST included (the API is built for it)
        policy = cls(total=total, connect=None, read=None, redirect=0, status=None, other=None,
                     allowed_methods=None, status_forcelist=None, backoff_factor=0, raise_on_redirect=False,
                     raise_on_status=False, respect_retry_after_header=False)
        policy._refresh = refresh
        policy._deadline = deadline
        policy._timeout = timeout
        return policy

    def new(self, **kw: Any) -> "RetryPolicy":
        fresh = super().new(**kw)
        fresh._refresh = self._refresh
        fresh._deadline = self._deadline
        fresh._timeout = self._timeout
        return fresh  # type: ignore[return-value]

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # Every error status is a candidate; increment() reads the headers and decides.
        return bool(self.total) and status_code >= 400

    def decide(self, response: Any, error: Any) -> Tuple[Optional[float], str]:
        """The whole policy for one failed attempt: ``(seconds to wait, why)``, or ``(None, why not)``."""
        taken = len(self.history)
        if error is None and response is not None:
            status, headers = response.status, response.headers
            if not should_retry_status(status, headers):
                flag = headers.get("x-should-retry")
                return None, "status %d is not retried%s" % (status, " (x-should-retry: false)" if flag == "false" else "")
            delay = response_retry_delay(headers, taken, self.random)
            if delay is None:
                return None, "status %d asks to wait %ss, over the %ss limit" % (
                    status, retry_after_seconds(headers), MAX_RETRY_AFTER)
            return delay, "status %d" % status
        if _is_certificate_error(error):
            return None, "the TLS certificate did not verify (asking again gets the same answer)"
        if _is_proxy_refusal(error):
            return None, "the proxy refused the tunnel (asking again gets the same answer)"
        return backoff_delay(taken, self.random), type(error).__name__ if error is not None else "unknown error"

    def increment(self, method: Optional[str] = None, url: Optional[str] = None, response: Any = None,
                  error: Optional[Exception] = None, _pool: Any = None, _stacktrace: Any = None) -> "RetryPolicy":
        attempt = len(self.history) + 1
        attempts = attempt + max(self.total or 0, 0)
        delay, why = self.decide(response, error)
        if delay is not None and not self.total:
            delay, why = None, why + ", and no retries are left"
        if delay is not None and self._deadline is not None and self._deadline.remaining() <= delay:
            log.info("Not retrying %s %s after attempt %d of %d (%s): the deadline leaves %.3f seconds, the wait "
                     "would be %.3f", method, url, attempt, attempts, why, max(self._deadline.remaining(), 0.0), delay)
            fresh = super().increment(method, url, response, error, _pool, _stacktrace)
            fresh._next_delay = -1.0  # sleep() raises APITimeoutError (after urllib3 has drained the response)
            return fresh  # type: ignore[return-value]
        if delay is None:
            log.info("Not retrying %s %s after attempt %d of %d: %s", method, url, attempt, attempts, why)
            # urlopen answers MaxRetryError with raise_on_status=False by returning the response.
            raise MaxRetryError(_pool, url, error if error is not None else ResponseError(why))
        fresh = super().increment(method, url, response, error, _pool, _stacktrace)
        fresh._next_delay = delay
        log.info("Retrying %s %s in %.3f seconds (%s; attempt %d of %d failed)", method, url, delay, why, attempt,
                 attempts)
        return fresh  # type: ignore[return-value]

    def sleep(self, response: Any = None) -> None:
        deadline = self._deadline
        if self._next_delay < 0:  # increment() found the wait would end past the deadline (and logged it)
            from ._exceptions import APITimeoutError

            raise RefreshFailed(APITimeoutError(message="Request timed out (deadline reached)."))
        if self._next_delay > 0:
            time.sleep(self._next_delay)
        if deadline is not None and self._timeout is not None:
            # urllib3 re-sends with the same Timeout object: the next attempt gets what remains
            self._timeout.total = max(deadline.remaining(), 0.001)
        if self._refresh is not None:
            try:
                self._refresh()
            except Exception as exc:  # noqa: BLE001 - the caller's own error, not a network one
                raise RefreshFailed(exc) from exc

    @property
    def retries_taken(self) -> int:
        return len(self.history)
