"""Response objects: thin, read-only-by-default views over the decoded JSON.

A ``BaseModel`` keeps the dict the server sent and wraps nested dicts and lists
only when they are first read (and keeps what it wrapped, so reading twice gives
the same object). Nothing is copied or validated up front: a response costs one
``json.loads`` and one small object.

Field names always win over helper names: the class defines no ``items``, ``keys``,
``get``, ``copy``, ``text`` or ``json`` method, so such fields read as fields. The
helpers it does have are the openai-python ones (``to_dict``, ``to_json``,
``model_dump``, ``model_dump_json``), which no API object uses as a field name.
An absent field reads as None, except an absent ``keys``, which does not exist: otherwise
``dict(obj)`` would take the object for a mapping (it gives the (field, value) pairs instead).
"""
from __future__ import annotations

import copy as _copy
import json
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Type, TypeVar

__all__ = ["BaseModel", "construct", "to_jsonable", "resolve_model"]

M = TypeVar("M", bound="BaseModel")
_MISSING = object()
# Generated types that get a convenience property (see _convenience.py): checked by name, so
# building any other class does not import that module.
_CONVENIENCE = frozenset(("Response", "BetaResponse", "AgentSessionMessage", "BetaAgentSessionMessage"))


class BaseModel:
    __slots__ = ("_data", "_cache", "_request_id")
    _data: Dict[str, Any]
    _cache: Dict[str, Any]
    _request_id: Optional[str]

    # Subclasses (the generated types) map field name -> class used to wrap nested objects.
    _nested: Dict[str, Any] = {}
    # Known field names of a typed subclass; empty means "any name, absent reads as None".
    _field_names: frozenset = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__qualname__ in _CONVENIENCE and cls.__module__.startswith("openai_lite.types"):
            from ._convenience import PROPERTIES

            for name, getter in PROPERTIES.get(cls.__qualname__, {}).items():
                setattr(cls, name, property(getter, doc=getter.__doc__))

    def __init__(self, data: Optional[Dict[str, Any]] = None, **fields: Any) -> None:
        if data is None:
            data = {}
        elif not isinstance(data, dict):
            raise TypeError("%s expects a dict, got %s" % (type(self).__name__, type(data).__name__))
        if fields:
            data = dict(data, **{k: to_jsonable(v) for k, v in fields.items()})
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_request_id", None)

    # -- field access --------------------------------------------------------------------------

    if not TYPE_CHECKING:  # checkers see only the fields a type declares, so a misspelt one is an error

        def __getattr__(self, name: str) -> Any:
            # Only reached when normal lookup fails, i.e. for fields.
            if name[:1] == "_":
                raise AttributeError(name)
            return self._field(name)

    def _field(self, name: str) -> Any:
        # Any key, "_private" ones included (obj["_x"], iteration and repr read them this way).
        cache = self._cache
        value = cache.get(name, _MISSING)
        if value is not _MISSING:
            return value
        raw = self._data.get(name, _MISSING)
        if raw is _MISSING:
            if name not in self._field_names and (self._field_names or name == "keys"):
                # An absent ``keys`` must not exist: dict(obj) would take obj for a mapping and call it.
                raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))
            return None
        value = _wrap(raw, self._nested.get(name))
        cache[name] = value
        return value

    def __getitem__(self, name: str) -> Any:
        if name not in self._data:
            raise KeyError(name)
        return self._field(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name[:1] == "_":
            object.__setattr__(self, name, value)
            return
        self._data[name] = to_jsonable(value)
        self._cache.pop(name, None)

    __setitem__ = __setattr__

    def __delattr__(self, name: str) -> None:
        self._data.pop(name, None)
        self._cache.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        # As pydantic: iterating a model gives (field, value) pairs, so dict(obj) works.
        for name in list(self._data):
            yield name, self._field(name)

    def __len__(self) -> int:
        return len(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | set(self._data) | set(self._field_names))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BaseModel):
            return type(self) is type(other) and self._data == other._data
        if isinstance(other, dict) and type(self) is BaseModel:
            # an object no type describes (a field the server added): openai-python keeps it as
            # the plain dict, so code compares it with one
            return self._data == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = ", ".join("%s=%r" % (k, self._field(k)) for k in self._data)
        return "%s(%s)" % (type(self).__name__, parts)

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self._data, self._request_id))

    def __copy__(self: M) -> M:
        return _rebuild(type(self), dict(self._data), self._request_id)

    def __deepcopy__(self: M, memo: Any) -> M:
        return _rebuild(type(self), _copy.deepcopy(self._data, memo), self._request_id)

    # -- openai-python helpers -----------------------------------------------------------------

    @classmethod
    def construct(cls: Type[M], _fields_set: Any = None, **values: Any) -> M:
        return cls(values)

    model_construct = construct

    @classmethod
    def model_validate(cls: Type[M], obj: Any, **_: Any) -> M:
        if isinstance(obj, BaseModel):
            obj = obj._data
        return cls(_copy.deepcopy(obj))

    @property
    def model_fields_set(self) -> set:
        return set(self._data)

    def model_copy(self: M, *, update: Optional[Dict[str, Any]] = None, deep: bool = False) -> M:
        data = _copy.deepcopy(self._data) if deep else dict(self._data)
        if update:
            data.update({k: to_jsonable(v) for k, v in update.items()})
        return _rebuild(type(self), data, self._request_id)

    def to_dict(self, *, mode: str = "python", use_api_names: bool = True, exclude_unset: bool = True,
                exclude_defaults: bool = False, exclude_none: bool = False, warnings: bool = True) -> Dict[str, Any]:
        """A deep copy of the fields as plain dicts and lists (changing it leaves the object as it was)."""
        return _dump(self._data, exclude_none)

    def to_json(self, *, indent: Optional[int] = 2, use_api_names: bool = True, exclude_unset: bool = True,
                exclude_defaults: bool = False, exclude_none: bool = False, warnings: bool = True) -> str:
        return json.dumps(_dump(self._data, exclude_none), indent=indent, ensure_ascii=False)

    def model_dump(self, *, mode: str = "python", include: Any = None, exclude: Any = None, by_alias: bool = False,
                   exclude_unset: bool = False, exclude_defaults: bool = False, exclude_none: bool = False,
                   round_trip: bool = False, warnings: Any = True, **_: Any) -> Dict[str, Any]:
        data = _dump(self._data, exclude_none)
        if include is not None:
            data = {k: v for k, v in data.items() if k in include}
        if exclude is not None:
            data = {k: v for k, v in data.items() if k not in exclude}
        return data

    def model_dump_json(self, *, indent: Optional[int] = None, include: Any = None, exclude: Any = None,
                        by_alias: bool = False, exclude_unset: bool = False, exclude_defaults: bool = False,
                        exclude_none: bool = False, round_trip: bool = False, warnings: Any = True, **_: Any) -> str:
        data = self.model_dump(include=include, exclude=exclude, exclude_none=exclude_none)
        if indent is None:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return json.dumps(data, indent=indent, ensure_ascii=False)


def _rebuild(cls: Type[M], data: Dict[str, Any], request_id: Optional[str]) -> M:
    obj = cls.__new__(cls)
    object.__setattr__(obj, "_data", data)
    object.__setattr__(obj, "_cache", {})
    object.__setattr__(obj, "_request_id", request_id)
    return obj


def _wrap(raw: Any, cls: Any) -> Any:
    # ``cls``: a model class, a type name (generated types name their nested types; resolved on
    # first use), a resolver (e.g. a discriminated union), ``dict`` (a map: stays a plain dict) or None.
    if cls.__class__ is str:
        cls = resolve_model(cls)
    if isinstance(raw, dict):
        if cls is None:
            cls = BaseModel
        elif cls is dict:
            return raw
        elif not isinstance(cls, type):  # a resolver (e.g. a discriminated union)
            cls = cls(raw)
        return _rebuild(cls, raw, None)
    if isinstance(raw, list):
        return [_wrap(item, cls) for item in raw]
    return raw


def construct(cls: Any, data: Any, request_id: Optional[str] = None) -> Any:
    """Wrap decoded JSON in ``cls`` (a model class, or a union's resolver), leaving non-objects as they are."""
    if isinstance(data, dict):
        if cls is not None and not isinstance(cls, type):
            cls = cls(data)  # a union (e.g. an operation answering one of several types) picks its member
        obj = _rebuild(cls or BaseModel, data, request_id)
        return obj
    return _wrap(data, cls)


def _dump(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, dict):
        return {k: _dump(v, exclude_none) for k, v in value.items() if not (exclude_none and v is None)}
    if isinstance(value, list):
        return [_dump(v, exclude_none) for v in value]
    return value


def to_jsonable(value: Any) -> Any:
    """Values users put into request bodies -> JSON-ready data (models, dataclasses, dates...)."""
    if isinstance(value, BaseModel):
        return value._data
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


_resolved: Dict[str, Any] = {}


def resolve_model(ref: Any) -> Any:
    """A model class from a class or a type name ("ChatCompletion"); BaseModel when unknown."""
    if ref is None:
        return BaseModel
    if isinstance(ref, type):
        return ref
    found = _resolved.get(ref)
    if found is None:
        try:
            from ._type_loader import load  # finds the module defining the type, imports it on demand

            found = load(ref)
        except (ImportError, AttributeError, KeyError):
            found = BaseModel
        _resolved[ref] = found
    return found
