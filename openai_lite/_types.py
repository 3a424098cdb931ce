"""Sentinels, timeouts and the small value types every other module shares.

``NOT_GIVEN`` (also spelled ``not_given``) is how a signature says "the caller did not pass this":
``None`` is a value the API accepts for many fields (``"stop": null``), so it cannot mean "unset".
``omit`` is what a caller passes to say the same thing explicitly (``tools=tools or omit``), and
to remove a default header; both are dropped wherever arguments become a request.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Union

__all__ = [
    "NotGiven", "NOT_GIVEN", "not_given", "Omit", "omit", "is_given", "Timeout", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES",
    "Headers", "Query", "Body", "to_requests_timeout",
]


class NotGiven:
    """The type of ``NOT_GIVEN``: an argument the caller left out (distinct from ``None``)."""

    _instance: Optional["NotGiven"] = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
not_given = NOT_GIVEN  # openai-python's newer spelling of the same sentinel


class Omit:
    """``omit``: leave this parameter out of the request (``tools=tools or omit``), or, as a header
    value, remove a default header from one request."""

    _instance: Optional["Omit"] = None

    def __new__(cls) -> "Omit":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "omit"

    def __reduce__(self) -> str:
        return "omit"


omit = Omit()


def is_given(value: Any) -> bool:
    """False for ``NOT_GIVEN``/``not_given`` and ``omit``: a value that must not be sent."""
    return not isinstance(value, (NotGiven, Omit))

NoneType = type(None)  # openai-python exports it (``cast_to=NoneType``: no body)
ProxiesTypes = Union[str, Dict[str, str]]  # a proxy URL, or requests' {"https": url, ...}
Headers = Mapping[str, Union[str, Omit]]
Query = Mapping[str, object]
Body = object


class Timeout:
    """Timeouts in seconds, shaped like ``httpx.Timeout`` (which openai-python exports).

    ``Timeout(600.0, connect=5.0)`` means 5 s to connect and 600 s for each read.
    requests has no separate write or pool timeout; ``write`` and ``pool`` are kept
    for signature compatibility and ``read`` bounds every wait on the socket.
    """

    __slots__ = ("connect", "read", "write", "pool")

    def __init__(self, timeout: Any = NOT_GIVEN, *, connect: Any = NOT_GIVEN, read: Any = NOT_GIVEN,
                 write: Any = NOT_GIVEN, pool: Any = NOT_GIVEN) -> None:
        if isinstance(timeout, Timeout) or (hasattr(timeout, "connect") and hasattr(timeout, "read")):
            # ours, or an httpx.Timeout from code written for openai-python: the same four figures
            base = (timeout.connect, timeout.read, getattr(timeout, "write", None), getattr(timeout, "pool", None))
        elif isinstance(timeout, tuple):
            base = tuple(timeout) + (None,) * (4 - len(timeout))  # type: ignore[assignment]
            if len(timeout) == 2:  # requests style (connect, read): read bounds writes too
                base = (timeout[0], timeout[1], timeout[1], timeout[1])
        elif timeout is NOT_GIVEN:
            if NOT_GIVEN in (connect, read, write, pool):
                raise ValueError("Timeout needs a default value or all four of connect, read, write and pool")
            base = (None, None, None, None)
        else:
            base = (timeout, timeout, timeout, timeout)
        values = [v if given is NOT_GIVEN else given for v, given in zip(base, (connect, read, write, pool))]
        for name, value in zip(self.__slots__, values):
            _check_seconds(name, value)
            object.__setattr__(self, name, None if value is None else float(value))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Timeout is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeout) and self.as_tuple() == other.as_tuple()

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def as_tuple(self) -> Tuple[Optional[float], ...]:
        return (self.connect, self.read, self.write, self.pool)

    def __repr__(self) -> str:
        if len(set(self.as_tuple())) == 1:
            return "Timeout(timeout=%r)" % (self.connect,)
        return "Timeout(connect=%r, read=%r, write=%r, pool=%r)" % self.as_tuple()

    def __reduce__(self) -> Any:
        return (_rebuild_timeout, self.as_tuple())


def _rebuild_timeout(connect: Any, read: Any, write: Any, pool: Any) -> Timeout:
    return Timeout(connect=connect, read=read, write=write, pool=pool)


def _check_seconds(name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("timeout %s must be a number of seconds or None, not %s" % (name, type(value).__name__))
    if value < 0 or value != value:
        raise ValueError("timeout %s must be >= 0 seconds, got %r" % (name, value))


DEFAULT_TIMEOUT = Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

TimeoutTypes = Union[float, Timeout, Tuple[float, float], None]


def to_requests_timeout(value: Any) -> Optional[Tuple[Optional[float], Optional[float]]]:
    """Any accepted timeout form -> requests' ``(connect, read)`` pair (None: wait forever)."""
    if value is None:
        return None
    t = value if isinstance(value, Timeout) else Timeout(value)
    return (t.connect, t.read)


_NOT_API_PARAMS = ("self", "extra_headers", "extra_query", "extra_body", "timeout")


def given_args(args: Mapping[str, Any], *leave: str) -> Dict[str, Any]:
    """The API parameters a caller gave a helper method, from the helper's ``locals()`` read as its
    first statement (so it holds only the arguments): ``NOT_GIVEN``/``omit`` values, ``self``, the four
    extras and the names in ``leave`` are dropped. One list of parameters, the signature's."""
    return {k: v for k, v in args.items()
            if not isinstance(v, (NotGiven, Omit)) and k not in _NOT_API_PARAMS and k not in leave}


try:
    from typing import TypedDict as _TypedDict
except ImportError:  # pragma: no cover - Python 3.8 has it
    _TypedDict = dict  # type: ignore[misc,assignment]


class RequestOptions(_TypedDict, total=False):
    """openai-python's per-call options (``client.get(..., options=...)``): ``headers``, ``max_retries``,
    ``timeout``, ``params``, ``extra_json``."""

    headers: Mapping[str, str]
    max_retries: int
    timeout: Any
    params: Mapping[str, object]
    extra_json: Mapping[str, object]


def override(function: Any) -> Any:
    """``typing_extensions.override``, which openai-python re-exports: marks a method as overriding
    (checkers read it; at run time it only sets ``__override__``)."""
    try:
        function.__override__ = True
    except (AttributeError, TypeError):
        pass
    return function

