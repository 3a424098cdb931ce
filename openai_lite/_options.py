"""What a client is configured with, and what one call asks for.

``ClientOptions`` is frozen and read from the environment once, when the client is
built. ``Call`` is everything one API call needs to be sent again (retries, the next page).

Both are ``NamedTuple`` records (frozen, ``_replace``, ``_asdict``): a dataclass would import
``dataclasses`` and with it ``inspect``, ``ast`` and ``dis``, and generate its methods with
``exec``, about 6 ms of every program's start-up on these machines.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, NamedTuple, Optional, Union

from ._types import NOT_GIVEN

__all__ = ["ClientOptions", "Call"]

ApiKey = Union[str, Callable[[], str], None]

# Kept out of repr (the dataclass this was hid them the same way).
_HIDDEN = frozenset(("api_key", "admin_api_key", "webhook_secret", "workload_identity", "provider"))


class ClientOptions(NamedTuple):
    api_key: ApiKey = None
    admin_api_key: ApiKey = None
    organization: Optional[str] = None
    project: Optional[str] = None
    webhook_secret: Optional[str] = None
    base_url: str = "https://api.openai.com/v1"
    websocket_base_url: Optional[str] = None
    timeout: Any = None
    max_retries: int = 2
    default_headers: Mapping[str, Any] = {}  # never changed in place: clients pass their own dict
    default_query: Mapping[str, Any] = {}
    # Credentials other than a key (openai_lite.auth / openai_lite.providers), and the named region.
    workload_identity: Any = None
    provider: Any = None
    data_residency: Optional[str] = None
    response_limits: Any = None  # a _limits.ResponseLimits; None: the defaults
    deadline: Any = None  # seconds per call, or a datetime; None: no overall bound

    def __repr__(self) -> str:
        shown = ("%s=%r" % (name, value) for name, value in zip(self._fields, self) if name not in _HIDDEN)
        return "ClientOptions(%s)" % ", ".join(shown)

    def __reduce__(self) -> Any:
        # Keep secrets out of the pickle's text (logs of pickled payloads, crash dumps): they
        # travel scrambled, and come back whole on unpickling. Callables travel as they are.
        state = self._asdict()  # values as they are (a ResponseLimits stays one)
        for name in ("api_key", "admin_api_key", "webhook_secret"):
            state[name] = _Scrambled.wrap(state[name])
        return (_rebuild_options, (type(self), state))


def _rebuild_options(cls: type, state: Dict[str, Any]) -> Any:
    return cls(**{k: (v.unwrap() if isinstance(v, _Scrambled) else v) for k, v in state.items()})

class _Scrambled:
    __slots__ = ("blob",)

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    @classmethod
    def wrap(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        raw = value.encode("utf-8")
        return cls(bytes(b ^ 0x5A for b in reversed(raw)))

    def unwrap(self) -> str:
        return bytes(b ^ 0x5A for b in self.blob)[::-1].decode("utf-8")

    def __reduce__(self) -> Any:
        return (_Scrambled, (self.blob,))

    def __repr__(self) -> str:
        return "<secret>"

class Call(NamedTuple):
    method: str
    url: str
    query: Optional[Mapping[str, Any]] = None
    body: Any = None
    files: Any = None
    headers: Optional[Mapping[str, Any]] = None
    cast_to: Any = None
    page: Any = None
    stream: bool = False
    stream_cls: Any = None
    stream_cast_to: Any = None  # event type of a stream, when it differs from cast_to
    binary: bool = False
    auth: str = "api"
    timeout: Any = NOT_GIVEN
    max_retries: Any = NOT_GIVEN
    deadline: Any = NOT_GIVEN

    def replace(self, **changes: Any) -> "Call":
        return self._replace(**changes)
