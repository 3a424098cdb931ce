"""Stream helpers: ``chat.completions.stream``, the Assistants run streams, ``responses.stream``.

Each helper wraps a ``stream=True`` call: a manager (a context manager that makes the call on
``__enter__`` and closes the stream on ``__exit__``) gives a stream object that yields typed
events and keeps an accumulated snapshot, with ``until_done()`` and a ``get_final_*()``.
The resource methods come from the mixins in ``chat``, ``assistants`` and ``responses``.
Submodules load on first use, so importing this package costs nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Generic, Iterator, List, Mapping, Optional, Tuple, TypeVar

from ..._models import BaseModel, _rebuild, resolve_model

if TYPE_CHECKING:
    from ..._streaming import AssistantStreamEvent, ServerSentEvent, Stream
    from .assistants import AssistantEventHandler, AssistantStreamManager
    from .chat import ChatCompletionStream, ChatCompletionStreamManager, ChatCompletionStreamState
    from .responses import ResponseStream, ResponseStreamManager, ResponseStreamState

_LAZY = {
    "Stream": "..._streaming", "ServerSentEvent": "..._streaming", "AssistantStreamEvent": "..._streaming",
    "AssistantEventHandler": ".assistants", "AssistantStreamManager": ".assistants",
    "ChatCompletionStream": ".chat", "ChatCompletionStreamManager": ".chat", "ChatCompletionStreamState": ".chat",
    "ResponseStream": ".responses", "ResponseStreamManager": ".responses", "ResponseStreamState": ".responses",
}

__all__ = sorted(_LAZY)


# -- shared by the helpers ------------------------------------------------------------------------


def copy_json(value: Any) -> Any:
    """A copy of decoded JSON (dicts and lists copied, leaves shared) that can be changed freely."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


_IDENTIFIERS = frozenset(("index", "type", "id", "role"))


def merge_delta(acc: Dict[str, Any], delta: Mapping[str, Any]) -> Dict[str, Any]:
    """Fold a streamed delta into an accumulated object, in place.

    Strings are appended, objects merged key by key, lists of objects carrying an ``index``
    merged entry by entry (matched on that index), other lists extended; identifiers (``index``,
    ``type``, ``id``, ``role``) and any other value are replaced by the newest.
    """
    for key, value in delta.items():
        old = acc.get(key)
        if old is None:
            acc[key] = copy_json(value)
        elif value is None or key in _IDENTIFIERS:
            if value is not None:
                acc[key] = value
        elif isinstance(old, str) and isinstance(value, str):
            acc[key] = old + value
        elif isinstance(old, dict) and isinstance(value, dict):
            merge_delta(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merge_list(old, value)
        else:
            acc[key] = copy_json(value)
    return acc


def merge_list(acc: List[Any], delta: List[Any]) -> None:
    for entry in delta:
        index = entry.get("index") if isinstance(entry, dict) else None
        if not isinstance(index, int):
            acc.append(copy_json(entry))
            continue
        for existing in acc:
            if isinstance(existing, dict) and existing.get("index") == index:
                merge_delta(existing, entry)
                break
        else:
            acc.append(copy_json(entry))


def wrap(type_name: str, data: Any, request_id: Optional[str] = None) -> Any:
    """``data`` (a dict) as the named response type (a plain ``BaseModel`` when unknown)."""
    if not isinstance(data, dict):
        return data
    cls = resolve_model(type_name)
    if not isinstance(cls, type):  # a union's resolver
        cls = cls(data)
    return _rebuild(cls, data, request_id)


class Lazy:
    """A value worked out on first read and kept (``fn(*args)``), for event fields that cost a parse of the
    whole snapshot: a stream whose reader never looks at them never pays for them. Pickles as its value."""

    __slots__ = ("_fn", "_args", "_value")

    def __init__(self, fn: Any, *args: Any) -> None:
        self._fn, self._args, self._value = fn, args, None

    def get(self) -> Any:
        if self._fn is not None:
            self._value = self._fn(*self._args)
            self._fn, self._args = None, ()
        return self._value

    def __reduce__(self) -> Any:
        return (_known, (self.get(),))


def _known(value: Any) -> Lazy:
    found = Lazy(None)
    found._value = value
    return found


class StreamEvent:
    """Base of the events the helpers make: attributes, ``type``, a repr, ``to_dict()``.

    ``_public`` names the public fields when some are properties (worked out lazily from a slot);
    otherwise they are the slots."""

    __slots__: Tuple[str, ...] = ()
    _public: Tuple[str, ...] = ()
    type: str = ""

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.pop(name, None))
        if fields:
            raise TypeError("%s got unexpected fields %s" % (type(self).__name__, ", ".join(sorted(fields))))

    def _fields(self) -> Tuple[str, ...]:
        return self._public or self.__slots__

    def __repr__(self) -> str:
        parts = ", ".join("%s=%r" % (name, getattr(self, name)) for name in self._fields())
        return "%s(type=%r, %s)" % (type(self).__name__, self.type, parts)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields())

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"type": self.type}
        for name in self._fields():
            value = getattr(self, name)
            if isinstance(value, BaseModel):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, BaseModel) else v for v in value]
            out[name] = value
        return out

    model_dump = to_dict


E = TypeVar("E")
S = TypeVar("S", bound="HelperStream[Any]")


class HelperStream(Generic[E]):
    """What the chat and Responses helper streams share: events from ``__stream__`` (written by
    each), ``with``, ``close()``, ``until_done()`` and ``response``."""

    def __init__(self, raw_stream: Any, state: Any) -> None:
        self._raw_stream = raw_stream
        self._state = state
        self._iterator = self.__stream__()

    def __stream__(self) -> Iterator[E]:
        raise NotImplementedError

    @property
    def response(self) -> Any:
        """The HTTP response (headers, ``x-request-id``)."""
        return self._raw_stream.response

    def __iter__(self) -> Iterator[E]:
        yield from self._iterator

    def __next__(self) -> E:
        return next(self._iterator)

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._iterator.close()
        self._raw_stream.close()

    def until_done(self: S) -> S:
        """Read the stream to its end."""
        for _ in self._iterator:
            pass
        return self


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
