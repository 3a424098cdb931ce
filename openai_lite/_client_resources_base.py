"""What the client's resource properties share: each resource built once, and the client's views in another
mode (``client.with_raw_response``). Imported with the client; the resource classes themselves load on
first use (``openai_lite/resources/``, generated).
"""
from typing import Any, Dict, Tuple

__all__ = ["ClientResourcesBase", "ResourcesInMode"]


class ClientResourcesBase:
    """What the client's resource properties share (the generated ``resources/_client_resources.py`` adds
    one property per top-level resource, importing its module the first time it is read).

    ``_resources`` (set by the client) keeps each resource once built, and the client's views in another
    mode (``with_raw_response``), built as ``_in_mode_class`` (the generated ``ClientResourcesInMode``).
    """

    _mode = "parsed"
    _resources: Dict[str, Any]
    _in_mode_class: Any = None

    def _resource(self, name: str, cls: Any) -> Any:
        found = self._resources.get(name)
        if found is None:
            found = self._resources[name] = cls(*self._resource_args())
        return found

    def _resource_args(self) -> Tuple[Any, ...]:
        return (self,)

    def _in_mode(self, mode: str) -> Any:
        key = "\0" + mode
        found = self._resources.get(key)
        if found is None:
            found = self._resources[key] = self._in_mode_class(self, mode)
        return found

    @property
    def with_raw_response(self) -> Any:
        """The same resources, returning raw responses (``.parse()`` for the object)."""
        return self._in_mode("raw")

    @property
    def with_streaming_response(self) -> Any:
        """The same resources, returning responses whose body is read only when asked."""
        return self._in_mode("streaming")


class ResourcesInMode:
    """``client.with_raw_response``: the client's resources in another mode (mixed into the generated
    ``ClientResourcesInMode``, which has the resource properties)."""

    def __init__(self, client: Any, mode: str) -> None:
        self._client = client
        self._mode = mode
        self._resources: Dict[str, Any] = {}

    def _resource_args(self) -> Tuple[Any, ...]:
        return (self._client, self._mode)

    def _in_mode(self, mode: str) -> Any:
        return self._client._in_mode(mode)

    def __repr__(self) -> str:
        return "<%s resources of %r>" % (self._mode, self._client)
