"""Turning method arguments into a URL, a query string and a body.

- path parameters are checked (non-empty strings) and percent-quoted;
- query values: lists as ``key[]=v`` and nested mappings as ``key[sub]=v`` (the API's
  bracket style), booleans as ``true``/``false``, ``None``, ``NOT_GIVEN`` and ``omit`` dropped;
- JSON bodies: ``NOT_GIVEN`` and ``omit`` dropped at the top level, ``extra_body`` merged last,
  response objects, dataclasses, dates and enums serialised; NaN refused.
"""
from __future__ import annotations

import datetime
import enum
import json
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote, urlencode

from ._types import NOT_GIVEN, NotGiven, Omit

__all__ = ["format_path", "encode_query", "merge_body", "split_multipart", "dump_json", "json_default", "Querystring"]


def format_path(template: str, params: Mapping[str, Any]) -> str:
    values = {}
    for name, value in params.items():
        if value is None or isinstance(value, (NotGiven, Omit)) or value == "":
            raise ValueError("Expected a non-empty value for `%s` but received %r" % (name, value))
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise TypeError("`%s` must be a string, not %s" % (name, type(value).__name__))
        if value in (".", ".."):
            # URL normalisation (here or on any proxy) turns "/files/.." into "/": another endpoint
            raise ValueError("`%s` cannot be %r: it would change which endpoint is called" % (name, value))
        values[name] = quote(str(value), safe="")
    return template.format(**values)


def _flatten(prefix: str, value: Any, out: List[Tuple[str, str]]) -> None:
    if value is None or isinstance(value, (NotGiven, Omit)):
        return
    if isinstance(value, bool):
        out.append((prefix, "true" if value else "false"))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            _flatten("%s[%s]" % (prefix, k), v, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _flatten(prefix + "[]", item, out)
    elif isinstance(value, enum.Enum):
        _flatten(prefix, value.value, out)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        out.append((prefix, value.isoformat()))
    else:
        out.append((prefix, str(value)))


def query_pairs(*mappings: Optional[Mapping[str, Any]]) -> List[Tuple[str, str]]:
    """Later mappings override earlier ones key by key (default_query < call < extra_query)."""
    merged: Dict[str, Any] = {}
    for mapping in mappings:
        if mapping:
            merged.update(mapping)
    out: List[Tuple[str, str]] = []
    for key, value in merged.items():
        _flatten(key, value, out)
    return out


def encode_query(*mappings: Optional[Mapping[str, Any]]) -> str:
    return urlencode(query_pairs(*mappings))


class Querystring:
    """``client.qs``: the query-string encoder, under openai-python's name and methods.

    The client's own requests always use the API's bracket style (``encode_query``); this object is for
    code written against openai-python that builds query strings itself. ``array_format``: ``brackets``
    (``a[]=1``), ``repeat`` (``a=1``), ``indices`` (``a[0]=1``) or ``comma`` (``a=1,2``);
    ``nested_format``: ``brackets`` (``b[c]=1``) or ``dots`` (``b.c=1``).
    """

    _ARRAY_FORMATS = ("brackets", "repeat", "indices", "comma")
    _NESTED_FORMATS = ("brackets", "dots")

    def __init__(self, *, array_format: str = "brackets", nested_format: str = "brackets") -> None:
        self.array_format = self._checked(array_format, self._ARRAY_FORMATS, "array_format")
        self.nested_format = self._checked(nested_format, self._NESTED_FORMATS, "nested_format")

    @staticmethod
    def _checked(value: str, allowed: Tuple[str, ...], name: str) -> str:
        if value not in allowed:
            raise ValueError("Unknown %s %r: expected one of %s" % (name, value, ", ".join(allowed)))
        return value

    def parse(self, query: str) -> Dict[str, List[str]]:
        """``a[]=1&a[]=2&b=3`` -> ``{"a[]": ["1", "2"], "b": ["3"]}`` (keys as written)."""
        from urllib.parse import parse_qs

        return parse_qs(query)

    def stringify(self, params: Mapping[str, Any], *, array_format: Optional[str] = None,
                  nested_format: Optional[str] = None) -> str:
        """The encoded query string of ``params`` (``None`` values left out)."""
        return urlencode(self.stringify_items(params, array_format=array_format, nested_format=nested_format))

    def stringify_items(self, params: Mapping[str, Any], *, array_format: Optional[str] = None,
                        nested_format: Optional[str] = None) -> List[Tuple[str, str]]:
        """The ``(key, value)`` pairs of ``params``, flattened in the chosen formats."""
        arrays = self._checked(array_format or self.array_format, self._ARRAY_FORMATS, "array_format")
        nested = self._checked(nested_format or self.nested_format, self._NESTED_FORMATS, "nested_format")
        out: List[Tuple[str, str]] = []
        for key, value in params.items():
            self._item(key, value, arrays, nested, out)
        return out

    def _item(self, key: str, value: Any, arrays: str, nested: str, out: List[Tuple[str, str]]) -> None:
        if value is None or isinstance(value, (NotGiven, Omit)):
            return
        if isinstance(value, Mapping):
            for sub, item in value.items():
                self._item("%s.%s" % (key, sub) if nested == "dots" else "%s[%s]" % (key, sub), item, arrays,
                           nested, out)
        elif isinstance(value, (list, tuple)):
            if arrays == "comma":
                if value:
                    out.append((key, ",".join(self._text(item) for item in value if item is not None)))
                return
            for index, item in enumerate(value):
                name = {"brackets": key + "[]", "repeat": key, "indices": "%s[%d]" % (key, index)}[arrays]
                self._item(name, item, arrays, nested, out)
        else:
            out.append((key, self._text(value)))

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


def merge_body(body: Any, extra_body: Optional[Mapping[str, Any]]) -> Any:
    if body is None and not extra_body:
        return None
    if body is not None and not isinstance(body, Mapping):
        # client.post(path, body=[...]) and the like: sent as given, nothing to merge into
        if extra_body:
            raise TypeError("extra_body needs a JSON object body, got %s" % type(body).__name__)
        return body
    merged = {k: v for k, v in (body or {}).items() if not isinstance(v, (NotGiven, Omit))}
    if extra_body:
        merged.update(extra_body)
    return merged


def split_multipart(fields: Mapping[str, Any], file_names: Tuple[str, ...], json_ok: bool = False,
                    json_fields: Tuple[str, ...] = ()) -> Tuple[Dict[str, Any], Optional[List[Tuple[str, Any]]]]:
    """A multipart method's arguments -> ``(form fields, files)`` for the funnel.

    ``file_names`` are the fields that may carry a file. Such a value goes to ``files`` unless it is
    ``NOT_GIVEN``/``omit``/``None`` (dropped) or a mapping (an object form such as ``{"id": ...}``, which
    stays a field); a list of files is sent as repeated ``name[]`` parts, as openai-python does.
    ``json_ok``: the operation also takes a JSON body, used (``files`` None) when no file is given.
    ``json_fields``: fields the spec encodes as JSON text (not ``a[b]=`` pairs), e.g. a realtime session.
    """
    body: Dict[str, Any] = {}
    files: List[Tuple[str, Any]] = []
    for name, value in fields.items():
        if isinstance(value, (NotGiven, Omit)):
            continue
        if name in json_fields and value is not None and not isinstance(value, str):
            value = dump_json(value).decode("utf-8")
        if name in file_names and not isinstance(value, Mapping):
            if value is None:
                continue
            if isinstance(value, list):
                files.extend((name + "[]", item) for item in value)
            else:
                files.append((name, value))
        else:
            body[name] = value
    if json_ok and not files:
        return body, None
    return body, files


def json_default(value: Any) -> Any:
    data = getattr(value, "_data", None)
    if isinstance(data, dict):  # a response object passed back in (e.g. a message)
        return data
    to_param = getattr(value, "to_param", None)
    if callable(to_param):  # a tool built by function_tool()
        return to_param()
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):  # is_dataclass, no import
        import dataclasses

        return dataclasses.asdict(value)
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    dump = getattr(value, "model_dump", None)  # a pydantic model the user built
    if callable(dump):
        return dump(mode="json", exclude_unset=True)
    if isinstance(value, (NotGiven, Omit)):
        raise TypeError("%r cannot be nested inside a request body: it only leaves out a method's own "
                        "parameter (drop the key from the dict instead)" % (value,))
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


_encoder = json.JSONEncoder(default=json_default, allow_nan=False, separators=(",", ":"))


def dump_json(body: Any) -> bytes:
    try:
        return _encoder.encode(body).encode("utf-8")
    except ValueError as exc:
        raise ValueError("request body is not valid JSON: %s" % (exc,)) from None
