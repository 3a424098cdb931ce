"""Response objects: thin, read-only-by-default views over the decoded JSON.

A ``BaseModel`` keeps the dict the server sent and wraps nested dicts and lists
only when they are first read (and keeps what it wrapped, so reading twice gives
the same object). Nothing is copied or validated up front: a response costs one
``json.loads`` and one small object.

Speed (a stream reads a few fields of every chunk, once each): what was wrapped is kept in the
instance's ``__dict__`` (``_cache`` is another name for it), so reading a field again is an ordinary
attribute lookup that runs no Python code. A typed class's declared fields get a small reader on
the class the first time one of its instances misses a field (``_bind_fields``), so a first read
costs one Python call instead of a failed lookup, an ``AttributeError`` and ``__getattr__``.

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
import keyword as _keyword
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Type, TypeVar

# Wire names openai-python reads as ``<name>_``: the Python keywords, and ``schema`` (a pydantic name).
_KEYWORD_FIELDS = frozenset(_keyword.kwlist) | {"schema"}

__all__ = ["BaseModel", "construct", "to_jsonable", "resolve_model"]

M = TypeVar("M", bound="BaseModel")
_MISSING = object()
# Generated types that get a convenience property (see _convenience.py): checked by name, so
# building any other class does not import that module.
_CONVENIENCE = frozenset(("Response", "BetaResponse", "AgentSessionMessage", "BetaAgentSessionMessage"))
_CONTAINERS = (dict, list)
# Marks (in an object's __dict__) an object openai-python would have validated: see picked()
_VALIDATED = "_openai_validated"
_UNRESOLVED = object()


class BaseModel:
    # ``__dict__`` holds the wrapped values of fields already read; ``_request_id`` is only set on
    # top-level objects (an unset slot reads as None through ``__getattr__``).
    __slots__ = ("_data", "_request_id", "__dict__")
    _data: Dict[str, Any]
    _request_id: Optional[str]

    # Subclasses (the generated types) map field name -> class used to wrap nested objects.
    _nested: Dict[str, Any] = {}
    # Known field names of a typed subclass (as sent: the data's keys); empty means "any name, absent reads as None".
    _field_names: frozenset = frozenset()
    # Fields read under another Python name than the key sent, as openai-python names them: name -> key
    # (``async_`` -> ``async``, ``api_model_ids`` -> ``model_ids``, ``self_harm`` -> ``self-harm``).
    _aliases: Dict[str, str] = {}
    # Fields whose objects openai-python validates (their annotation is a union, ``Optional`` too) when it
    # builds them, so that their model_dump() has a renamed field under its name only (see _dump_model).
    # Given only where an object below has renamed fields.
    _checked: frozenset = frozenset()
    # Whether this class or one nested in it has such renamed fields (else model_dump() is a plain copy).
    _renames: bool = False
    # The class whose fields _bind_fields has given readers (a subclass inheriting it is not bound yet).
    _bound: Any = None

    def __init_subclass__(cls, name: Optional[str] = None, **kwargs: Any) -> None:
        # ``class ChatCompletionChoice(BaseModel, name="Choice")``: openai-python names classes per module
        # (several ``Choice``, ``Owner``, ``Usage``), the generated types share one namespace per family.
        # Such a class keeps its unique binding and ``__qualname__`` (pickle, ``inspect`` from Python 3.9 and
        # the type loader find it by that) and shows openai-python's name as ``__name__`` (repr, ``type(x).__name__``).
        super().__init_subclass__(**kwargs)
        if name is not None:
            cls.__name__ = name
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
        _set_data(self, data)

    # -- field access --------------------------------------------------------------------------

    @property
    def _cache(self) -> Dict[str, Any]:
        """The wrapped values of fields already read (the instance's ``__dict__``)."""
        return self.__dict__

    if not TYPE_CHECKING:  # checkers see only the fields a type declares, so a misspelt one is an error

        def __getattr__(self, name: str) -> Any:
            # Only reached when normal lookup fails: a field not read yet, a scalar field, an unset
            # ``_request_id``. This is the per-chunk path of a stream: kept to a few dict lookups.
            if name[:1] == "_":
                if name == "_request_id":
                    return None
                raise AttributeError(name)
            cls = type(self)
            if cls._bound is not cls:
                _bind_fields(cls)
            raw = self._data.get(name, _MISSING)
            if isinstance(raw, _CONTAINERS):
                value = _wrap_field(cls, name, raw)
                if value is not raw:
                    self.__dict__[name] = value  # found by the next lookup before __getattr__ runs
                return value
            if raw is _MISSING:
                return self._absent(name)
            return raw

    def _absent(self, name: str) -> Any:
        key = self._aliases.get(name)
        if key is not None:
            return self._field(key)
        if name[-1:] == "_" and name[:-1] in _KEYWORD_FIELDS:
            # openai-python's name for a field named by a Python keyword (``async_``, ``schema_``)
            return self._field(name[:-1])
        if name not in self._field_names and (self._field_names or name == "keys"):
            # An absent ``keys`` must not exist: dict(obj) would take obj for a mapping and call it.
            raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))
        return None

    def _field(self, name: str) -> Any:
        # Any key, "_private" ones included (obj["_x"], iteration and repr read them this way).
        cache = self.__dict__
        value = cache.get(name, _MISSING)
        if value is not _MISSING:
            return value
        raw = self._data.get(name, _MISSING)
        if raw is _MISSING:
            return self._absent(name)
        if not isinstance(raw, _CONTAINERS):
            return raw
        value = _wrap_field(type(self), name, raw)
        # Kept only where the next attribute lookup cannot mistake it for something of the class
        # (a field named like a method stays reachable as obj["name"], the method as obj.name).
        if value is not raw and name[:1] != "_" and getattr(type(self), name, _MISSING) is _MISSING:
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
        self.__dict__.pop(name, None)

    __setitem__ = __setattr__

    def __delattr__(self, name: str) -> None:
        self._data.pop(name, None)
        self.__dict__.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        # As pydantic: iterating a model gives (field, value) pairs, so dict(obj) works.
        for name in list(self._data):
            yield name, self._field(name)

    def __len__(self) -> int:
        return len(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | set(self._data) | set(self._field_names) | set(self._aliases))

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
        # by_alias: the keys as sent (openai-python's aliases), else fields under their Python names too
        data = _dump(self._data, exclude_none) if by_alias else _dump_model(self, exclude_none, False)
        if include is not None:
            data = {k: v for k, v in data.items() if k in include}
        if exclude is not None:
            data = {k: v for k, v in data.items() if k not in exclude}
        return data

    def model_dump_json(self, *, indent: Optional[int] = None, include: Any = None, exclude: Any = None,
                        by_alias: bool = False, exclude_unset: bool = False, exclude_defaults: bool = False,
                        exclude_none: bool = False, round_trip: bool = False, warnings: Any = True, **_: Any) -> str:
        data = self.model_dump(include=include, exclude=exclude, by_alias=by_alias, exclude_none=exclude_none)
        if indent is None:
            return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return json.dumps(data, indent=indent, ensure_ascii=False)


# The slots' own setters: BaseModel.__setattr__ writes fields, and object.__setattr__ looks the name up each time.
_set_data = BaseModel.__dict__["_data"].__set__
_set_request_id = BaseModel.__dict__["_request_id"].__set__
_new = object.__new__


def _rebuild(cls: Type[M], data: Dict[str, Any], request_id: Optional[str]) -> M:
    obj = _new(cls)
    _set_data(obj, data)
    if request_id is not None:
        _set_request_id(obj, request_id)
    return obj


def _wrap_field(cls: Any, name: str, raw: Any) -> Any:
    """``raw`` (a dict or a list) of field ``name`` of ``cls``, wrapped as the class says."""
    nested = cls._nested.get(name)
    if nested.__class__ is str:
        nested = resolve_model(nested)
    if isinstance(raw, dict):
        if nested is None:
            return _rebuild(BaseModel, raw, None)
        if nested is dict:
            return raw
        if not isinstance(nested, type):  # a resolver (e.g. a discriminated union)
            nested = nested(raw)
        return _rebuild(nested, raw, None)
    return _wrap(raw, nested)


class _FieldReader:
    """Reads one declared field of a typed class: ``BaseModel.__getattr__``'s work, reached by normal lookup.

    A non-data descriptor, so a wrapped value kept in the instance's ``__dict__`` is found before it.
    Read on the class (``ChatCompletion.choices``) it does not exist, as without it.
    """

    __slots__ = ("name", "owner", "model")

    def __init__(self, name: str, owner: type) -> None:
        self.name = name
        self.owner = owner
        self.model: Any = _UNRESOLVED  # the class wrapping this field's objects in ``owner`` (see _nested_model)

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            raise AttributeError(self.name)
        name = self.name
        raw = obj._data.get(name, _MISSING)
        if not isinstance(raw, _CONTAINERS):
            return None if raw is _MISSING else raw  # a declared field absent from the data reads as None
        model = self.model
        if model is _UNRESOLVED and type(obj) is self.owner:
            model = self.model = _nested_model(self.owner, name)
        if model is _MISSING or model is _UNRESOLVED or type(obj) is not self.owner:
            value = _wrap_field(type(obj), name, raw)  # a map, a union, or a subclass with its own _nested
        elif raw.__class__ is dict:  # the common cases, without a call: a nested object...
            value = _new(model)
            _set_data(value, raw)
        elif raw.__class__ is list:  # ...or a list of them
            value = []
            for data in raw:
                if data.__class__ is dict:
                    item = _new(model)
                    _set_data(item, data)
                    value.append(item)
                else:
                    value.append(_wrap(data, model))
        else:
            value = _wrap_field(type(obj), name, raw)
        if value is not raw:
            obj.__dict__[name] = value
        return value


def _nested_model(cls: Any, name: str) -> Any:
    """The class wrapping the objects of ``cls``'s field ``name``, when it is one class; else _MISSING
    (a plain dict, or a union resolved per value: _wrap_field does those)."""
    nested = cls._nested.get(name)
    if nested.__class__ is str:
        nested = resolve_model(nested)
    if nested is None:
        return BaseModel
    if nested is dict or not isinstance(nested, type):
        return _MISSING
    return nested


class _AliasReader:
    """Reads a field under openai-python's name for it (``api_model_ids``): the field as sent (``model_ids``)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            raise AttributeError(self.key)
        # through the field's own reader, so a nested object read twice is the same object
        return getattr(obj, self.key) if self.key[:1] != "_" else obj._field(self.key)


def _bind_fields(cls: Any) -> None:
    """Give ``cls`` a reader for each declared field nothing on the class already answers (a method,
    a property or a reader inherited from a parent keep winning, as they do over ``__getattr__``)."""
    for name in cls._field_names:
        if name[:1] != "_" and not any(name in klass.__dict__ for klass in cls.__mro__):
            setattr(cls, name, _FieldReader(name, cls))
    for name, key in cls._aliases.items():
        if not any(name in klass.__dict__ for klass in cls.__mro__):
            setattr(cls, name, _AliasReader(key))
    cls._bound = cls


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
            # a union (e.g. an operation answering one of several types) picks its member
            return picked(cls(data), data, request_id)
        obj = _rebuild(cls or BaseModel, data, request_id)
        return obj
    return _wrap(data, cls)


def picked(cls: Any, data: Dict[str, Any], request_id: Optional[str]) -> Any:
    """An answer or stream event of class ``cls``, the member a union's picker chose. openai-python validates
    such a value, so its model_dump() has a renamed field under its Python name only (see _dump_model)."""
    obj = _rebuild(cls, data, request_id)
    if cls._renames:
        obj.__dict__[_VALIDATED] = True  # (no API field has that name)
    return obj


def _dump_model(obj: BaseModel, exclude_none: bool, validated: bool) -> Dict[str, Any]:
    """``model_dump`` of ``obj``: its data, plus each field read under another name (``async_``) under that
    name too, in nested objects as well. As openai-python's: an object it built without validation keeps the
    key sent beside the field's name; one it validated (``_checked``, and all below it) only the name."""
    cls = type(obj)
    if not cls._renames:
        return _dump(obj._data, exclude_none)
    validated = validated or _VALIDATED in obj.__dict__
    aliases = cls._aliases
    out: Dict[str, Any] = {}
    renamed = {key: name for name, key in aliases.items()}
    for key, raw in obj._data.items():
        if exclude_none and raw is None:
            continue
        value = obj._field(key) if isinstance(raw, _CONTAINERS) else raw
        value = _dump_value(value, exclude_none, validated or key in cls._checked)
        name = renamed.get(key)
        if name is not None:
            out[name] = value
            if validated:
                continue
        out[key] = value
    return out


def _dump_value(value: Any, exclude_none: bool, validated: bool) -> Any:
    if isinstance(value, BaseModel):
        return _dump_model(value, exclude_none, validated)
    if isinstance(value, list):
        return [_dump_value(v, exclude_none, validated) for v in value]
    return _dump(value, exclude_none)


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
