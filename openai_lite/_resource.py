"""The base of every API resource: a client, a mode, and lazily built children.

``mode`` is how results come back: ``"parsed"`` (objects), ``"raw"`` (an ``APIResponse``
read eagerly, ``.parse()`` for the object) or ``"streaming"`` (an ``APIResponse`` whose body
is read only when asked). ``.with_raw_response`` and ``.with_streaming_response`` are the
same resource in another mode, children included.
"""
from __future__ import annotations

from typing import Any, Dict, Type, TypeVar

R = TypeVar("R", bound="SyncAPIResource")

__all__ = ["SyncAPIResource"]


class SyncAPIResource:
    def __init__(self, client: Any, mode: str = "parsed") -> None:
        self._client = client
        self._mode = mode
        self._children: Dict[str, Any] = {}

    def _child(self, name: str, cls: Type[R]) -> R:
        child = self._children.get(name)
        if child is None:
            child = self._children[name] = cls(self._client, self._mode)
        return child

    @property
    def with_raw_response(self: R) -> R:
        return self._in_mode("raw")

    @property
    def with_streaming_response(self: R) -> R:
        return self._in_mode("streaming")

    def _in_mode(self: R, mode: str) -> R:
        key = "\0" + mode
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = type(self)(self._client, mode)
        return found

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._client._request(method, path, mode=self._mode, **kwargs)

    def __repr__(self) -> str:
        return "<%s resource>" % (type(self).__name__,)
