"""``OpenAIObject``: what openai 0.28's calls returned, and what the 0.28-style API here returns.

A ``dict`` (``resp["choices"][0]["message"]["content"]``, ``resp.get("usage")``, ``"usage" in resp``,
``json.dumps(resp)``) whose keys read as attributes too (``resp.choices[0].message.content``).
Because it is a dict, a field named like a dict method (``items``, ``keys``, ``get``...) reads only
by key: ``obj["items"]``. That was so in 0.28 as well; the 1.x objects have no such clash.
It keeps no API key (0.28 kept one on every object).
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

__all__ = ["OpenAIObject"]


class OpenAIObject(dict):
    def __init__(self, id: Optional[str] = None, api_key: Any = None, api_version: Optional[str] = None,
                 api_type: Optional[str] = None, organization: Optional[str] = None,
                 response_ms: Optional[int] = None, api_base: Optional[str] = None, engine: Optional[str] = None,
                 **params: Any) -> None:
        super().__init__()
        if response_ms is not None and not isinstance(response_ms, int):
            raise TypeError("response_ms is a %s." % type(response_ms).__name__)
        object.__setattr__(self, "_response_ms", response_ms)
        object.__setattr__(self, "_retrieve_params", params)
        if id:
            self["id"] = id

    @classmethod
    def construct_from(cls, values: Dict[str, Any], api_key: Any = None, api_version: Optional[str] = None,
                       organization: Optional[str] = None, engine: Optional[str] = None,
                       response_ms: Optional[int] = None) -> "OpenAIObject":
        """An object holding ``values``, nested dicts made OpenAIObjects too."""
        obj = cls(values.get("id"), response_ms=response_ms)
        obj.refresh_from(values, response_ms=response_ms)
        return obj

    def refresh_from(self, values: Dict[str, Any], api_key: Any = None, api_version: Optional[str] = None,
                     api_type: Optional[str] = None, organization: Optional[str] = None,
                     response_ms: Optional[int] = None) -> None:
        object.__setattr__(self, "_response_ms", response_ms)
        dict.clear(self)
        for key, value in values.items():
            dict.__setitem__(self, key, convert(value))

    @property
    def response_ms(self) -> Optional[int]:
        return self._response_ms

    @property
    def openai_id(self) -> Any:
        return self.id

    # Keys read and write as attributes; names starting with "_" are the object's own.
    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name[:1] == "_" or name in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        if name[:1] == "_" or name in self.__dict__:
            object.__delattr__(self, name)
        else:
            dict.__delitem__(self, name)

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, str) and value == "":
            # As 0.28: the API read empty strings as "unset"; None says that plainly.
            raise ValueError("You cannot set %s to an empty string; set it to None to clear it" % (key,))
        dict.__setitem__(self, key, value)

    def __repr__(self) -> str:
        ident = self.get("id")
        label = " id=%s" % ident if isinstance(ident, str) else ""
        return "<%s%s at %s> JSON: %s" % (type(self).__name__, label, hex(id(self)), str(self))

    def __str__(self) -> str:
        return json.dumps(self.to_dict_recursive(), sort_keys=True, indent=2)

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict of the top level (nested objects stay OpenAIObjects)."""
        return dict(self)

    def to_dict_recursive(self) -> Dict[str, Any]:
        """Plain dicts and lists all the way down."""
        from .util import convert_to_dict

        return convert_to_dict(self)

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), dict(self), self._response_ms))

    def __copy__(self) -> "OpenAIObject":
        return _rebuild(type(self), dict(self), self._response_ms)

    def __deepcopy__(self, memo: Any) -> "OpenAIObject":
        import copy

        return _rebuild(type(self), copy.deepcopy(dict(self), memo), self._response_ms)


def _rebuild(cls: type, values: Dict[str, Any], response_ms: Optional[int]) -> OpenAIObject:
    obj = cls(response_ms=response_ms)
    dict.update(obj, values)
    return obj


def convert(value: Any) -> Any:
    """Decoded JSON -> OpenAIObjects (dicts) and lists of them; other values as they are."""
    if isinstance(value, dict) and not isinstance(value, OpenAIObject):
        obj = OpenAIObject()
        for key, item in value.items():
            dict.__setitem__(obj, key, convert(item))
        return obj
    if isinstance(value, list):
        return [convert(item) for item in value]
    return value
