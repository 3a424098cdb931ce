"""JSON schemas from Python types, OpenAI strict-mode normalisation, function
tools and decoding of JSON values back into Python types.

Standard library only.  pydantic is never imported by this module: a pydantic
model class is recognised by duck typing (``model_json_schema`` and
``model_validate`` attributes) and only its own methods are called.

Public API
----------
* :func:`to_json_schema` - JSON schema for a Python type.
* :func:`ensure_strict_schema` - make any JSON schema dict satisfy the rules of
  OpenAI structured outputs / strict function calling.
* :func:`function_tool` / :class:`FunctionTool` - turn a Python function into a
  tool definition that can also parse and execute tool calls.
* :func:`type_to_response_format` - ``response_format`` parameter for a type.
* :func:`parse_value` - convert a decoded JSON value into a Python type.
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import datetime as _dt
import decimal
import enum
import functools
import inspect
import json
import re
import sys
import types
import typing
import uuid
import weakref
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

__all__ = [
    "to_json_schema",
    "ensure_strict_schema",
    "function_tool",
    "FunctionTool",
    "type_to_response_format",
    "parse_value",
    "parse_docstring",
    "SchemaValidationError",
    "ToolArgumentsError",
]

# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class SchemaValidationError(ValueError):
    """A JSON value does not match the Python type it is parsed into.

    ``path`` is a JSONPath-like location (``$.items[2].price``) and ``message``
    the description without the location; ``str(err)`` combines both.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__("at {}: {}".format(path, message))

    def __reduce__(self) -> Any:  # pickles (multiprocessing): rebuilt from both arguments
        return (type(self), (self.path, self.message))


class ToolArgumentsError(ValueError):
    """The arguments of a tool call are invalid (bad JSON, missing or wrongly
    typed arguments).  ``path`` is set when the problem has a location."""

    def __init__(self, message: str, *, tool_name: Optional[str] = None, path: Optional[str] = None) -> None:
        self.tool_name = tool_name
        self.path = path
        super().__init__(message)


# ---------------------------------------------------------------------------
# typing helpers (Python 3.8+)
# ---------------------------------------------------------------------------

_NoneType = type(None)
_MISSING = dataclasses.MISSING
_UnionType = getattr(types, "UnionType", None)  # PEP 604, 3.10+
_Annotated = getattr(typing, "Annotated", None)  # 3.9+
_QUALIFIERS = tuple(
    q for q in (getattr(typing, "Required", None), getattr(typing, "NotRequired", None), getattr(typing, "ReadOnly", None)) if q is not None
)
_Required = getattr(typing, "Required", None)
_NotRequired = getattr(typing, "NotRequired", None)

_TOOL_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _get_type_hints(obj: Any, localns: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    if sys.version_info >= (3, 9):
        return typing.get_type_hints(obj, localns=localns, include_extras=True)  # novermin: guarded by the version check above
    return typing.get_type_hints(obj, localns=localns)  # pragma: no cover - 3.8


def _is_union(tp: Any, origin: Any) -> bool:
    return origin is Union or (_UnionType is not None and origin is _UnionType)


def _is_annotated(origin: Any) -> bool:
    return _Annotated is not None and origin is _Annotated


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__total__") and hasattr(tp, "__annotations__")


def _is_namedtuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def _is_pydantic_model(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_json_schema") and hasattr(tp, "model_validate")


def _is_struct_class(tp: Any) -> bool:
    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or _is_typeddict(tp) or _is_namedtuple(tp))


def _strip_qualifiers(tp: Any) -> Any:
    """Remove Annotated / Required / NotRequired / ReadOnly wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if _is_annotated(origin) or (origin is not None and origin in _QUALIFIERS):
            tp = typing.get_args(tp)[0]
            continue
        return tp


def _type_repr(tp: Any) -> str:
    if isinstance(tp, type) and typing.get_origin(tp) is None:
        return tp.__qualname__ if tp.__module__ != "builtins" else tp.__name__
    if tp is None:
        return "None"
    return repr(tp).replace("typing.", "")


def _metadata_description(meta: Any) -> Optional[str]:
    if isinstance(meta, str):
        return meta
    if isinstance(meta, dict):
        d = meta.get("description")
        return d if isinstance(d, str) else None
    for attr in ("documentation", "description"):  # PEP 727 Doc, FieldInfo-like objects
        d = getattr(meta, attr, None)
        if isinstance(d, str):
            return d
    return None


def _annotated_description(tp: Any) -> Optional[str]:
    """The first description found in Annotated metadata of ``tp`` (outer wrappers only)."""
    while True:
        origin = typing.get_origin(tp)
        if _is_annotated(origin):
            for meta in getattr(tp, "__metadata__", ()):
                d = _metadata_description(meta)
                if d:
                    return d
            tp = typing.get_args(tp)[0]
        elif origin is not None and origin in _QUALIFIERS:
            tp = typing.get_args(tp)[0]
        else:
            return None


def _accepts_none(tp: Any) -> bool:
    """Whether ``None`` is a valid value of the type ``tp``."""
    if isinstance(tp, dict):
        return True  # raw JSON schema: passed through unchecked
    tp = _strip_qualifiers(tp)
    if tp is Any or tp is object or tp is None or tp is _NoneType:
        return True
    if isinstance(tp, typing.TypeVar):
        bound = tp.__bound__
        if tp.__constraints__:
            return any(_accepts_none(c) for c in tp.__constraints__)
        return bound is None or _accepts_none(bound)
    origin = typing.get_origin(tp)
    if _is_union(tp, origin):
        return any(_accepts_none(a) for a in typing.get_args(tp))
    if origin is typing.Literal:
        return any(a is None for a in typing.get_args(tp))
    if origin is None and hasattr(tp, "__supertype__"):
        return _accepts_none(tp.__supertype__)
    return False


def _json_type_of_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    raise TypeError("value {!r} cannot be represented in JSON schema 'enum'".format(value))


def _enum_schema(values: List[Any]) -> Dict[str, Any]:
    kinds = []
    for v in values:
        k = _json_type_of_literal(v)
        if k not in kinds:
            kinds.append(k)
    schema: Dict[str, Any] = {}
    if len(kinds) == 1:
        schema["type"] = kinds[0]
    elif set(kinds) == {"integer", "number"}:
        schema["type"] = "number"
    schema["enum"] = list(values)
    return schema


def _json_kind(value: Any) -> str:
    """JSON type name of a decoded value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class _NotJSON(Exception):
    pass


def _to_json_default(value: Any) -> Any:
    """Convert a Python default value to JSON, raising _NotJSON if impossible."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return _to_json_default(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_to_json_default(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise _NotJSON()
            out[k] = _to_json_default(v)
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json_default(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise _NotJSON()


# ---------------------------------------------------------------------------
# Docstrings
# ---------------------------------------------------------------------------

_PARAM_SECTIONS = {
    "args",
    "arguments",
    "parameters",
    "params",
    "attributes",
    "fields",
    "keyword args",
    "keyword arguments",
    "kwargs",
    "other parameters",
    "other arguments",
}
_OTHER_SECTIONS = {
    "returns",
    "return",
    "yields",
    "yield",
    "raises",
    "raise",
    "warns",
    "examples",
    "example",
    "note",
    "notes",
    "see also",
    "warning",
    "warnings",
    "references",
    "todo",
    "methods",
    "receives",
    "usage",
}
_ALL_SECTIONS = _PARAM_SECTIONS | _OTHER_SECTIONS
_GOOGLE_HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z ]*?)\s*:$")
_NUMPY_UNDERLINE_RE = re.compile(r"^\s*-{3,}\s*$")
_SPHINX_FIELD_RE = re.compile(r"^:(?P<kind>[A-Za-z]+)(?P<rest>[^:]*):\s*(?P<text>.*)$")
_SPHINX_PARAM_KINDS = {"param", "parameter", "arg", "argument", "key", "keyword"}
_GOOGLE_ENTRY_RE = re.compile(r"^(?P<name>\*{0,2}[A-Za-z_]\w*)\s*(?:\((?P<type>[^)]*)\))?\s*:\s*(?P<text>.*)$")
_NUMPY_ENTRY_RE = re.compile(r"^(?P<names>\*{0,2}[A-Za-z_]\w*(?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(?::\s*(?P<type>.*))?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def parse_docstring(doc: Optional[str]) -> Tuple[Optional[str], Dict[str, str]]:
    """Split a docstring into ``(description, {parameter: description})``.

    The description is the first paragraph (lines joined by spaces).  Parameter
    descriptions are read from Google style (``Args:``/``Arguments:``/
    ``Parameters:``/``Attributes:`` sections with ``name: text`` or
    ``name (type): text`` entries), Sphinx style (``:param name: text``,
    ``:param type name: text``) and NumPy style (``Parameters`` underlined with
    dashes, ``name : type`` followed by indented text).
    """
    if not doc or not doc.strip():
        return None, {}
    lines = inspect.cleandoc(doc).splitlines()
    n = len(lines)

    def numpy_header(i: int) -> bool:
        return i + 1 < n and lines[i].strip().lower() in _ALL_SECTIONS and bool(_NUMPY_UNDERLINE_RE.match(lines[i + 1]))

    def google_header(i: int) -> bool:
        m = _GOOGLE_HEADER_RE.match(lines[i].strip())
        return bool(m) and m.group(1).strip().lower() in _ALL_SECTIONS

    def sphinx_field(i: int) -> Optional["re.Match[str]"]:
        return _SPHINX_FIELD_RE.match(lines[i].strip())

    # -- description: the first paragraph
    desc: List[str] = []
    for i in range(n):
        s = lines[i].strip()
        if not s:
            if desc:
                break
            continue
        if numpy_header(i) or google_header(i) or sphinx_field(i):
            break
        desc.append(s)
    description = " ".join(desc) or None

    # -- parameters
    parts: Dict[str, List[str]] = {}
    i = 0
    while i < n:
        line = lines[i]
        s = line.strip()
        if numpy_header(i):
            section = s.lower()
            base = _indent(line)
            i += 2
            current: List[str] = []
            while i < n and not numpy_header(i):
                ln = lines[i]
                st = ln.strip()
                if st:
                    if _indent(ln) <= base:
                        current = []
                        m = _NUMPY_ENTRY_RE.match(st)
                        if m and section in _PARAM_SECTIONS:
                            current = [nm.strip().lstrip("*") for nm in m.group("names").split(",")]
                            for nm in current:
                                parts[nm] = []
                    else:
                        for nm in current:
                            parts[nm].append(st)
                i += 1
            continue
        if google_header(i):
            section = s[:-1].strip().lower()
            # the first line's indentation is lost to cleandoc: its body may be dedented to column 0
            base = _indent(line) if i > 0 else -1
            i += 1
            entry_indent: Optional[int] = None
            cur: Optional[str] = None
            while i < n:
                ln = lines[i]
                st = ln.strip()
                if not st:
                    i += 1
                    continue
                ind = _indent(ln)
                if ind <= base:
                    break
                if entry_indent is None:
                    entry_indent = ind
                if ind <= entry_indent:
                    cur = None
                    m = _GOOGLE_ENTRY_RE.match(st)
                    if m and section in _PARAM_SECTIONS:
                        cur = m.group("name").lstrip("*")
                        parts[cur] = [m.group("text")] if m.group("text") else []
                elif cur is not None:
                    parts[cur].append(st)
                i += 1
            continue
        m = sphinx_field(i)
        if m and m.group("kind").lower() in _SPHINX_PARAM_KINDS and m.group("rest").split():
            name = m.group("rest").split()[-1].lstrip("*")
            base = _indent(line)
            text = [m.group("text")] if m.group("text") else []
            i += 1
            while i < n and lines[i].strip() and _indent(lines[i]) > base and not lines[i].strip().startswith(":"):
                text.append(lines[i].strip())
                i += 1
            parts[name] = text
            continue
        i += 1
    params = {k: " ".join(v) for k, v in parts.items() if v}
    return description, params


def _class_docstring(cls: type) -> Optional[str]:
    doc = cls.__dict__.get("__doc__")
    if not isinstance(doc, str) or not doc.strip():
        return None
    # dataclasses and namedtuples generate "Name(field, ...)" when no docstring is given
    if (dataclasses.is_dataclass(cls) or _is_namedtuple(cls)) and doc.startswith(cls.__name__ + "("):
        return None
    return doc


# ---------------------------------------------------------------------------
# Structured types (dataclasses, TypedDicts, NamedTuples) and function params
# ---------------------------------------------------------------------------


class _Field(object):
    __slots__ = ("name", "type", "required", "default", "default_factory", "description", "positional_only")

    def __init__(
        self,
        name: str,
        tp: Any,
        required: bool,
        default: Any = _MISSING,
        default_factory: Any = _MISSING,
        description: Optional[str] = None,
        positional_only: bool = False,
    ) -> None:
        self.name = name
        self.type = tp
        self.required = required
        self.default = default
        self.default_factory = default_factory
        self.description = description
        self.positional_only = positional_only

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING or self.default_factory is not _MISSING

    def get_default(self) -> Any:
        if self.default is not _MISSING:
            return self.default
        if self.default_factory is not _MISSING:
            return self.default_factory()
        raise LookupError(self.name)


def _substitute(tp: Any, mapping: Dict[Any, Any]) -> Any:
    if not mapping:
        return tp
    if isinstance(tp, typing.TypeVar):
        return mapping.get(tp, tp)
    params = getattr(tp, "__parameters__", None)
    if params and typing.get_origin(tp) is not None:
        try:
            return tp[tuple(mapping.get(p, p) for p in params)]
        except TypeError:  # pragma: no cover - exotic generics
            return tp
    return tp


_STRUCT_CACHE: "weakref.WeakKeyDictionary[type, Tuple[type, str, List[_Field], Optional[str]]]" = weakref.WeakKeyDictionary()


def _struct_info(tp: Any) -> Tuple[type, str, List[_Field], Optional[str]]:
    """(class, kind, fields, description) of a dataclass / TypedDict / NamedTuple
    type, or of a parametrised generic alias of one (``Box[int]``)."""
    if isinstance(tp, type) and typing.get_origin(tp) is None:
        try:
            return _STRUCT_CACHE[tp]
        except (KeyError, TypeError):
            pass
        info = _compute_struct_info(tp)
        try:
            _STRUCT_CACHE[tp] = info
        except TypeError:  # pragma: no cover - not weak-referenceable
            pass
        return info
    return _compute_struct_info(tp)


def _compute_struct_info(tp: Any) -> Tuple[type, str, List[_Field], Optional[str]]:
    origin = typing.get_origin(tp)
    cls = origin if origin is not None else tp
    mapping: Dict[Any, Any] = {}
    if origin is not None:
        mapping = dict(zip(getattr(cls, "__parameters__", ()), typing.get_args(tp)))
    try:
        hints = _get_type_hints(cls, localns={cls.__name__: cls})
    except Exception as exc:  # NameError for unresolvable forward references, ...
        raise TypeError(
            "could not resolve the type annotations of {}: {}. Types referenced by name in annotations "
            "must be importable from the class's module.".format(cls.__qualname__, exc)
        ) from exc
    doc = _class_docstring(cls)
    description, doc_params = parse_docstring(doc)
    fields: List[_Field] = []
    if dataclasses.is_dataclass(cls):
        kind = "dataclass"
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            ftype = _substitute(hints.get(f.name, Any), mapping)
            desc = f.metadata.get("description") if f.metadata else None
            if not isinstance(desc, str):
                desc = _annotated_description(ftype) or doc_params.get(f.name)
            required = f.default is _MISSING and f.default_factory is _MISSING  # type: ignore[misc]
            fields.append(_Field(f.name, ftype, required, f.default, f.default_factory, desc))  # type: ignore[misc]
    elif _is_typeddict(cls):
        kind = "TypedDict"
        req_keys = getattr(cls, "__required_keys__", None)
        for name, ftype in hints.items():
            ftype = _substitute(ftype, mapping)
            if req_keys is not None:
                required = name in req_keys
            else:  # pragma: no cover - 3.8
                required = bool(cls.__total__)
            o = typing.get_origin(ftype)
            if _NotRequired is not None and o is _NotRequired:
                required = False
            elif _Required is not None and o is _Required:
                required = True
            fields.append(_Field(name, ftype, required, description=_annotated_description(ftype) or doc_params.get(name)))
    elif _is_namedtuple(cls):
        kind = "NamedTuple"
        defaults = getattr(cls, "_field_defaults", {})
        for name in cls._fields:  # type: ignore[attr-defined]
            ftype = _substitute(hints.get(name, Any), mapping)
            fields.append(
                _Field(
                    name,
                    ftype,
                    name not in defaults,
                    defaults.get(name, _MISSING),
                    description=_annotated_description(ftype) or doc_params.get(name),
                )
            )
    else:  # pragma: no cover - guarded by callers
        raise TypeError("{} is not a structured type".format(_type_repr(tp)))
    return cls, kind, fields, description


def _def_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is None:
        name = tp.__name__
    else:
        name = origin.__name__ + "_" + "_".join(_def_name(a) if isinstance(a, type) or typing.get_origin(a) else re.sub(r"\W", "", repr(a)) for a in typing.get_args(tp))
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


# ---------------------------------------------------------------------------
# Python type -> JSON schema
# ---------------------------------------------------------------------------


class _SchemaBuilder(object):
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.defs: Dict[str, Any] = {}
        self.names: Dict[Any, str] = {}
        self.stack: List[Any] = []
        self.recursive: set = set()
        self.loc: List[Tuple[str, str, str]] = []  # (kind, field, owner)
        self.root: Any = _MISSING

    # -- helpers
    def where(self) -> str:
        if not self.loc:
            return "the root type"
        kind, field, owner = self.loc[-1]
        if kind == "parameter":
            return "parameter {!r} of function {!r}".format(field, owner)
        return "field {!r} of {}".format(field, owner)

    def unsupported(self, tp: Any, why: str = "") -> TypeError:
        return TypeError("unsupported type {} at {}{}".format(_type_repr(tp), self.where(), ": " + why if why else ""))

    def name_for(self, key: Any) -> str:
        if key in self.names:
            return self.names[key]
        base = _def_name(key)
        taken = set(self.names.values()) | set(self.defs)
        name, i = base, 2
        while name in taken:
            name = "{}{}".format(base, i)
            i += 1
        self.names[key] = name
        return name

    # -- entry points
    def build_root(self, tp: Any) -> Dict[str, Any]:
        self.root = tp
        schema = self.schema(tp)
        if self.defs:
            schema = dict(schema)
            merged = dict(self.defs)
            merged.update(schema.get("$defs", {}))
            schema["$defs"] = merged
        if self.strict:
            schema = ensure_strict_schema(schema)
        return schema

    def object_schema(self, owner: str, kind: str, fields: List[_Field], description: Optional[str]) -> Dict[str, Any]:
        props: Dict[str, Any] = {}
        required: List[str] = []
        for f in fields:
            self.loc.append((kind, f.name, owner))
            try:
                s = self.schema(f.type)
            finally:
                self.loc.pop()
            if f.description:
                s["description"] = f.description
            if not self.strict and f.has_default:
                try:
                    s["default"] = _to_json_default(f.get_default())
                except Exception:
                    pass
            props[f.name] = s
            if f.required:
                required.append(f.name)
        out: Dict[str, Any] = {"type": "object", "properties": props}
        if required or self.strict:
            out["required"] = required
        out["additionalProperties"] = False
        if description:
            out["description"] = description
        return out

    # -- dispatch
    def schema(self, tp: Any) -> Dict[str, Any]:  # noqa: C901 - a type switch
        if isinstance(tp, dict):
            return copy.deepcopy(tp)
        if isinstance(tp, (str, typing.ForwardRef)):
            raise TypeError("unresolved forward reference {!r} at {}".format(tp, self.where()))
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)

        if _is_annotated(origin):
            s = self.schema(args[0])
            for meta in getattr(tp, "__metadata__", ()):
                if isinstance(meta, dict):
                    s.update(copy.deepcopy(meta))
                else:
                    d = _metadata_description(meta)
                    if d:
                        s["description"] = d
            return s
        if origin is not None and origin in _QUALIFIERS:
            return self.schema(args[0])
        if tp is Any or tp is object:
            return {}
        if tp is None or tp is _NoneType:
            return {"type": "null"}
        if isinstance(tp, typing.TypeVar):
            if tp.__constraints__:
                return {"anyOf": [self.schema(c) for c in tp.__constraints__]}
            return self.schema(tp.__bound__) if tp.__bound__ is not None else {}
        if origin is None and hasattr(tp, "__supertype__"):  # NewType
            return self.schema(tp.__supertype__)
        if _is_union(tp, origin):
            return {"anyOf": [self.schema(a) for a in args]}
        if origin is typing.Literal:
            values = [a.value if isinstance(a, enum.Enum) else a for a in args]
            try:
                return _enum_schema(values)
            except TypeError as exc:
                raise self.unsupported(tp, str(exc)) from None

        if origin is None and isinstance(tp, type):
            if issubclass(tp, enum.Enum):
                try:
                    return _enum_schema([m.value for m in tp])
                except TypeError as exc:
                    raise self.unsupported(tp, str(exc)) from None
            if _is_pydantic_model(tp):
                return self.pydantic_schema(tp)
            if _is_struct_class(tp):
                return self.struct_schema(tp)
            if issubclass(tp, bool):
                return {"type": "boolean"}
            if issubclass(tp, int):
                return {"type": "integer"}
            if issubclass(tp, float):
                return {"type": "number"}
            if issubclass(tp, str):
                return {"type": "string"}
            if issubclass(tp, _dt.datetime):
                return {"type": "string", "format": "date-time"}
            if issubclass(tp, _dt.date):
                return {"type": "string", "format": "date"}
            if issubclass(tp, _dt.time):
                return {"type": "string", "format": "time"}
            if issubclass(tp, uuid.UUID):
                return {"type": "string", "format": "uuid"}
            if issubclass(tp, decimal.Decimal):
                return {"type": "number"}

        if origin is not None and _is_struct_class(origin):
            return self.struct_schema(tp)

        container = origin if origin is not None else (tp if isinstance(tp, type) else None)
        if isinstance(container, type):
            if issubclass(container, (str, bytes, bytearray)):
                raise self.unsupported(tp)
            if issubclass(container, tuple):
                return self.tuple_schema(tp, args)
            if issubclass(container, collections.abc.Mapping):
                return self.mapping_schema(tp, args)
            if issubclass(container, collections.abc.Set):
                s = {"type": "array", "items": self.schema(args[0]) if args else {}}
                if not self.strict:
                    s["uniqueItems"] = True
                return s
            if issubclass(container, collections.abc.Iterable):
                return {"type": "array", "items": self.schema(args[0]) if args else {}}
        raise self.unsupported(tp)

    def tuple_schema(self, tp: Any, args: Tuple[Any, ...]) -> Dict[str, Any]:
        if not args:
            return {"type": "array", "items": {}}
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.schema(args[0])}
        if args == ((),):  # Tuple[()] on older Pythons
            return {"type": "array", "items": {}, "minItems": 0, "maxItems": 0}
        members: List[Dict[str, Any]] = []
        for a in args:
            s = self.schema(a)
            if s not in members:
                members.append(s)
        items = members[0] if len(members) == 1 else {"anyOf": members}
        return {"type": "array", "items": items, "minItems": len(args), "maxItems": len(args)}

    def mapping_schema(self, tp: Any, args: Tuple[Any, ...]) -> Dict[str, Any]:
        if self.strict:
            raise TypeError(
                "{} at {} is a free-form mapping, which OpenAI strict mode does not support (every object must "
                "list fixed properties with additionalProperties: false). Use a dataclass or TypedDict with fixed "
                "keys, a list of key/value objects, or strict=False.".format(_type_repr(tp), self.where())
            )
        key_t, val_t = (args[0], args[1]) if len(args) == 2 else (Any, Any)
        k = _strip_qualifiers(key_t)
        key_ok = k is Any or (isinstance(k, type) and typing.get_origin(k) is None and issubclass(k, str))
        if not key_ok and typing.get_origin(k) is typing.Literal:
            key_ok = all(isinstance(v, str) for v in typing.get_args(k))
        if not key_ok and hasattr(k, "__supertype__"):
            key_ok = k.__supertype__ is str
        if not key_ok:
            raise self.unsupported(tp, "JSON object keys are strings; use str keys")
        s: Dict[str, Any] = {"type": "object"}
        if _strip_qualifiers(val_t) is not Any:
            s["additionalProperties"] = self.schema(val_t)
        return s

    def pydantic_schema(self, tp: type) -> Dict[str, Any]:
        s = copy.deepcopy(tp.model_json_schema())  # type: ignore[attr-defined]
        defs = s.pop("$defs", None) or {}
        for name, d in defs.items():
            if name in self.defs and self.defs[name] != d:
                raise TypeError("two different schemas are both named {!r} (at {})".format(name, self.where()))
            self.defs[name] = d
        return s

    def struct_schema(self, tp: Any) -> Dict[str, Any]:
        key = tp
        if key in self.names and self.names[key] in self.defs:
            return {"$ref": "#/$defs/" + self.names[key]}
        if key in self.stack:
            self.recursive.add(key)
            return {"$ref": "#/$defs/" + self.name_for(key)}
        is_root = tp is self.root and not self.stack
        cls, kind, fields, description = _struct_info(tp)
        self.stack.append(key)
        try:
            schema = self.object_schema(cls.__name__, "field", fields, description)
        finally:
            self.stack.pop()
        if key in self.recursive:
            name = self.name_for(key)
            self.defs[name] = schema
            if is_root:
                return copy.deepcopy(schema)
            return {"$ref": "#/$defs/" + name}
        return schema


def to_json_schema(tp: Any, *, strict: bool = True) -> Dict[str, Any]:
    """JSON schema for the Python type ``tp``.

    Supported: ``str``, ``int``, ``float``, ``bool``, ``None``, ``Any`` (``{}``),
    ``Optional``/``Union``/``X | Y`` (``anyOf``), ``Literal`` and ``Enum``
    (``enum``), lists/sequences/sets/tuples (arrays; fixed tuples use ``items``
    with ``minItems == maxItems``), ``dict``/``Mapping`` (non-strict only),
    dataclasses, TypedDicts, NamedTuples (objects; recursive types go to
    ``$defs``), ``datetime``/``date``/``time``/``UUID`` (strings with
    ``format``), ``Decimal`` (number), ``Annotated[X, "description"]``,
    pydantic models and raw JSON-schema dicts.

    With ``strict=True`` the result follows the OpenAI structured-outputs rules
    (see :func:`ensure_strict_schema`).
    """
    return _SchemaBuilder(strict).build_root(tp)


# ---------------------------------------------------------------------------
# Strict-mode normalisation of arbitrary JSON schemas
# ---------------------------------------------------------------------------

_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMA_SINGLE = ("items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames", "additionalItems", "unevaluatedProperties", "unevaluatedItems")
_DEFS_KEYS = ("$defs", "definitions")


def _ptr_escape(s: str) -> str:
    return s.replace("~", "~0").replace("/", "~1")


def _ptr_unescape(s: str) -> str:
    return s.replace("~1", "/").replace("~0", "~")


def _subschemas(node: Dict[str, Any], pointer: str):
    """Yield (subschema, pointer) for every schema-valued keyword of ``node``
    (not including $defs/definitions)."""
    for key in _SUBSCHEMA_MAPS:
        m = node.get(key)
        if isinstance(m, dict):
            for name, sub in m.items():
                if isinstance(sub, dict):
                    yield sub, "{}/{}/{}".format(pointer, key, _ptr_escape(str(name)))
    for key in _SUBSCHEMA_LISTS:
        seq = node.get(key)
        if isinstance(seq, list):
            for i, sub in enumerate(seq):
                if isinstance(sub, dict):
                    yield sub, "{}/{}/{}".format(pointer, key, i)
    for key in _SUBSCHEMA_SINGLE:
        sub = node.get(key)
        if isinstance(sub, dict):
            yield sub, "{}/{}".format(pointer, key)
        elif key == "items" and isinstance(sub, list):
            for i, s in enumerate(sub):
                if isinstance(s, dict):
                    yield s, "{}/items/{}".format(pointer, i)


def _hoist_defs(root: Dict[str, Any]) -> Dict[str, Any]:
    """Move every $defs/definitions (root or nested) into one root-level dict,
    rewriting the $refs that pointed to them.  Mutates ``root``."""
    defs: Dict[str, Any] = {}
    ref_map: Dict[str, str] = {}
    stack: List[Tuple[Dict[str, Any], str]] = [(root, "#")]
    while stack:
        node, ptr = stack.pop()
        for key in _DEFS_KEYS:
            d = node.pop(key, None) if isinstance(node.get(key), dict) else None
            if not d:
                continue
            for name, sub in d.items():
                new = name
                i = 2
                while new in defs and defs[new] is not sub:
                    new = "{}_{}".format(name, i)
                    i += 1
                defs[new] = sub
                ref_map["{}/{}/{}".format(ptr, key, _ptr_escape(name))] = "#/$defs/" + _ptr_escape(new)
                if isinstance(sub, dict):
                    stack.append((sub, "{}/{}/{}".format(ptr, key, _ptr_escape(name))))
        for sub, p in _subschemas(node, ptr):
            stack.append((sub, p))

    def rewrite(node: Dict[str, Any]) -> None:
        todo = [node]
        while todo:
            n = todo.pop()
            ref = n.get("$ref")
            if isinstance(ref, str):
                for old, new in ref_map.items():
                    if ref == old or ref.startswith(old + "/"):
                        n["$ref"] = new + ref[len(old):]
                        break
            todo.extend(sub for sub, _ in _subschemas(n, ""))

    changed = {k: v for k, v in ref_map.items() if k != v}
    if changed:
        rewrite(root)
        for d in defs.values():
            if isinstance(d, dict):
                rewrite(d)
    return defs


def _is_object_schema(node: Dict[str, Any]) -> bool:
    t = node.get("type")
    if t == "object" or (isinstance(t, list) and "object" in t):
        return True
    return t is None and "properties" in node


def _dedupe(schemas: List[Any]) -> List[Any]:
    out: List[Any] = []
    seen = set()
    for s in schemas:
        k = json.dumps(s, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out


class _Strictifier(object):
    def __init__(self, root: Dict[str, Any], defs: Dict[str, Any]) -> None:
        self.doc = dict(root)
        self.doc["$defs"] = defs
        self.inlining: List[str] = []

    def resolve(self, ref: str) -> Any:
        if ref == "#":
            return {k: v for k, v in self.doc.items() if k != "$defs"}
        if not ref.startswith("#/"):
            raise TypeError("cannot resolve external $ref {!r}".format(ref))
        node: Any = self.doc
        for part in ref[2:].split("/"):
            part = _ptr_unescape(part)
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise TypeError("cannot resolve $ref {!r}".format(ref)) from None
        return node

    def allows_null(self, s: Any, seen: Tuple[str, ...] = ()) -> bool:
        if s is True or s == {}:
            return True
        if not isinstance(s, dict):
            return False
        if "enum" in s and None not in s["enum"]:
            return False
        if "const" in s and s["const"] is not None:
            return False
        t = s.get("type")
        if t == "null" or (isinstance(t, list) and "null" in t):
            return True
        if isinstance(s.get("anyOf"), list) and any(self.allows_null(x, seen) for x in s["anyOf"]):
            return True
        ref = s.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref not in seen:
            try:
                return self.allows_null(self.resolve(ref), seen + (ref,))
            except TypeError:
                return False
        return "enum" in s and None in s["enum"] and t is None

    def nullable(self, s: Any) -> Any:
        if self.allows_null(s):
            return s
        if not isinstance(s, dict):
            return {"anyOf": [s, {"type": "null"}]}
        inner = dict(s)
        outer = {k: inner.pop(k) for k in ("description", "title") if k in inner}
        if set(inner) == {"anyOf"} and isinstance(inner["anyOf"], list):
            outer["anyOf"] = list(inner["anyOf"]) + [{"type": "null"}]
        else:
            outer["anyOf"] = [inner, {"type": "null"}]
        return outer

    def fix(self, node: Any, path: str, root: bool = False) -> Any:
        if not isinstance(node, dict):
            return node
        node = dict(node)
        node.pop("default", None)  # not permitted in strict mode (and must not force a $ref inline)
        pushed: List[str] = []
        try:
            while True:
                all_of = node.get("allOf")
                if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
                    del node["allOf"]
                    merged = dict(all_of[0])
                    merged.update(node)
                    node = merged
                    continue
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#") and (len(node) > 1 or root):
                    if ref in self.inlining:  # recursive: cannot inline again, keep the bare reference
                        node = {"$ref": ref}
                        break
                    resolved = self.resolve(ref)
                    if not isinstance(resolved, dict):
                        break
                    rest = {k: v for k, v in node.items() if k != "$ref"}
                    node = dict(resolved)
                    node.update(rest)
                    self.inlining.append(ref)
                    pushed.append(ref)
                    continue
                break
            return self.fix_keywords(node, path)
        finally:
            for _ in pushed:
                self.inlining.pop()

    def fix_keywords(self, node: Dict[str, Any], path: str) -> Dict[str, Any]:
        if "oneOf" in node and "anyOf" not in node:
            node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)
        node.pop("default", None)
        if isinstance(node.get("prefixItems"), list):
            prefix = node.pop("prefixItems")
            extra = node.get("items")
            members = _dedupe(list(prefix) + ([extra] if isinstance(extra, dict) else []))
            if members:
                node["items"] = members[0] if len(members) == 1 else {"anyOf": members}
            else:
                node.pop("items", None)
            if extra is False and "maxItems" not in node:
                node["maxItems"] = len(prefix)

        props = node.get("properties")
        if isinstance(props, dict):
            node["properties"] = {k: self.fix(v, "{}.{}".format(path, k)) for k, v in props.items()}
        items = node.get("items")
        if isinstance(items, dict):
            node["items"] = self.fix(items, path + "[]")
        elif isinstance(items, list):
            members = _dedupe([self.fix(x, path + "[]") for x in items])
            node["items"] = members[0] if len(members) == 1 else {"anyOf": members}
        for key in ("anyOf", "allOf"):
            seq = node.get(key)
            if isinstance(seq, list):
                fixed = [self.fix(x, path) for x in seq]
                if key == "anyOf":  # flatten nested bare anyOf
                    flat: List[Any] = []
                    for x in fixed:
                        if isinstance(x, dict) and set(x) == {"anyOf"} and isinstance(x["anyOf"], list):
                            flat.extend(x["anyOf"])
                        else:
                            flat.append(x)
                    fixed = flat
                node[key] = fixed
        if isinstance(node.get("not"), dict):
            node["not"] = self.fix(node["not"], path)

        if _is_object_schema(node):
            ap = node.get("additionalProperties", _MISSING)
            props = node.get("properties") or {}
            if (isinstance(ap, dict) and ap) or ((ap is True or ap == {}) and not props):
                raise TypeError(
                    "strict mode does not support objects with arbitrary keys (additionalProperties at {}); "
                    "describe the keys as properties or use strict=False".format(path)
                )
            node["additionalProperties"] = False
            required = node.get("required") or []
            node["properties"] = {k: (v if k in required else self.nullable(v)) for k, v in props.items()}
            node["required"] = list(props)
            if "type" not in node:
                node["type"] = "object"
        return node


def ensure_strict_schema(schema: Dict[str, Any]) -> Dict[str, Any]:
    """Return a copy of the JSON schema ``schema`` that satisfies the OpenAI
    strict-mode rules:

    * every object has ``"additionalProperties": false`` and lists all of its
      properties in ``required``; properties that were optional become nullable
      (``anyOf: [X, {"type": "null"}]``);
    * ``default`` keywords are removed (they are not permitted), as are
      ``discriminator``; ``oneOf`` becomes ``anyOf``; single-entry ``allOf`` is
      inlined; a ``$ref`` with sibling keywords is replaced by the referenced
      schema merged with those keywords; ``prefixItems`` becomes ``items``;
    * all ``$defs``/``definitions`` (also nested ones) are moved to a root-level
      ``$defs``, with references rewritten; a root ``$ref`` is inlined.

    Raises ``TypeError`` for free-form maps (``additionalProperties`` schemas),
    which strict mode cannot express.
    """
    if not isinstance(schema, dict):
        raise TypeError("a JSON schema must be a dict, got {}".format(type(schema).__name__))
    root = copy.deepcopy(schema)
    defs = _hoist_defs(root)
    st = _Strictifier(root, defs)
    out = st.fix(root, "$", root=True)
    if defs:
        new_defs = {}
        for name, d in defs.items():
            ref = "#/$defs/" + _ptr_escape(name)
            st.inlining.append(ref)
            try:
                new_defs[name] = st.fix(d, "$defs." + name)
            finally:
                st.inlining.pop()
        out["$defs"] = new_defs
    return out


# ---------------------------------------------------------------------------
# response_format
# ---------------------------------------------------------------------------


def _sanitize_name(name: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9_-]", "_", str(name))[:64]
    return name or "response"


def _require_object_root(schema: Dict[str, Any], what: Any) -> None:
    node: Any = schema
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        ref = node["$ref"]
        seen += 1
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = (schema.get("$defs") or {}).get(_ptr_unescape(ref[len("#/$defs/"):]))
        elif isinstance(ref, str) and ref.startswith("#/definitions/"):
            node = (schema.get("definitions") or {}).get(_ptr_unescape(ref[len("#/definitions/"):]))
        else:
            break
    if not (isinstance(node, dict) and _is_object_schema(node)):
        raise TypeError(
            "response_format must describe an object (a dataclass, TypedDict, NamedTuple, pydantic model or a "
            "JSON schema with \"type\": \"object\"), got {}".format(_type_repr(what) if not isinstance(what, dict) else "a schema of type {!r}".format(schema.get("type")))
        )


def type_to_response_format(tp: Any, *, name: Optional[str] = None, strict: bool = True) -> Dict[str, Any]:
    """``response_format`` parameter for chat completions describing ``tp``:
    ``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``.

    ``tp`` may be a Python type (see :func:`to_json_schema`), a raw JSON schema
    dict (named by ``name``, its ``title`` or ``"response"``) or an already
    complete response_format dict, which is returned (a copy; with ``strict``
    and unless it says ``"strict": false``, its schema is made strict).
    """
    if isinstance(tp, dict):
        if tp.get("type") == "json_schema" and isinstance(tp.get("json_schema"), dict):
            rf = copy.deepcopy(tp)
            js = rf["json_schema"]
            if name:
                js["name"] = name
            js["name"] = _sanitize_name(js.get("name") or (js.get("schema") or {}).get("title") or "response")
            if strict and js.get("strict", True) is not False:
                js["schema"] = ensure_strict_schema(js.get("schema") or {})
                js["strict"] = True
                _require_object_root(js["schema"], js["schema"])
            return rf
        if tp.get("type") in ("json_object", "text") and set(tp) <= {"type"}:
            return dict(tp)
        schema = ensure_strict_schema(tp) if strict else copy.deepcopy(tp)
        schema_name = name or tp.get("title") or "response"
    else:
        schema = to_json_schema(tp, strict=strict)
        if name:
            schema_name = name
        else:
            base = typing.get_origin(_strip_qualifiers(tp)) or _strip_qualifiers(tp)
            schema_name = _def_name(_strip_qualifiers(tp)) if isinstance(base, type) else "response"
    _require_object_root(schema, tp)
    return {"type": "json_schema", "json_schema": {"name": _sanitize_name(schema_name), "schema": schema, "strict": bool(strict)}}


# ---------------------------------------------------------------------------
# JSON value -> Python value
# ---------------------------------------------------------------------------


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return "{}[{}]".format(path, key)
    if isinstance(key, str) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key):
        return "{}.{}".format(path, key)
    return "{}[{}]".format(path, json.dumps(key))


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _expected(tp: Any) -> str:
    """Short description of what a type expects, for error messages."""
    tp = _strip_qualifiers(tp)
    for k, v in ((str, "string"), (int, "integer"), (float, "number"), (bool, "boolean"), (_NoneType, "null")):
        if tp is k:
            return v
    if tp is None:
        return "null"
    origin = typing.get_origin(tp)
    if _is_union(tp, origin):
        return " or ".join(_expected(a) for a in typing.get_args(tp))
    if origin is typing.Literal:
        return "one of {}".format(json.dumps([a.value if isinstance(a, enum.Enum) else a for a in typing.get_args(tp)], default=str))
    if isinstance(tp, type) and origin is None and issubclass(tp, enum.Enum):
        return "one of {}".format(json.dumps([m.value for m in tp], default=str))
    return _type_repr(tp)


def _parse_iso(kind: type, value: Any, path: str) -> Any:
    if isinstance(value, kind) and not (kind is _dt.date and isinstance(value, _dt.datetime)):
        return value
    fmt = {_dt.datetime: "date-time", _dt.date: "date", _dt.time: "time"}
    if not isinstance(value, str):
        raise SchemaValidationError(path, "expected {} string, got {}".format(fmt.get(kind, "ISO 8601"), _json_kind(value)))
    s = value.strip()
    if s[-1:] in ("Z", "z") and kind is not _dt.date:
        s = s[:-1] + "+00:00"
    try:
        result = kind.fromisoformat(s)  # type: ignore[attr-defined]
    except ValueError:
        raise SchemaValidationError(path, "expected ISO 8601 {} string, got {!r}".format(fmt.get(kind, ""), value)) from None
    return result


def _parse(tp: Any, value: Any, path: str) -> Any:  # noqa: C901 - a type switch
    if isinstance(tp, dict):  # raw JSON schema: value as is
        return value
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if _is_annotated(origin) or (origin is not None and origin in _QUALIFIERS):
        return _parse(args[0], value, path)
    if tp is Any or tp is object:
        return value
    if tp is None or tp is _NoneType:
        if value is not None:
            raise SchemaValidationError(path, "expected null, got {}".format(_json_kind(value)))
        return None
    if isinstance(tp, typing.TypeVar):
        if tp.__constraints__:
            return _parse(Union[tp.__constraints__], value, path)  # type: ignore[index]
        return _parse(tp.__bound__, value, path) if tp.__bound__ is not None else value
    if origin is None and hasattr(tp, "__supertype__"):
        return _parse(tp.__supertype__, value, path)
    if isinstance(tp, (str, typing.ForwardRef)):
        raise TypeError("unresolved forward reference {!r}".format(tp))

    if _is_union(tp, origin):
        if value is None and any(a is _NoneType for a in args):
            return None
        errors: List[SchemaValidationError] = []
        for a in args:
            try:
                return _parse(a, value, path)
            except SchemaValidationError as exc:
                errors.append(exc)
        deeper = [e for e in errors if len(e.path) > len(path)]
        if deeper:  # a member matched structurally but failed deeper down: report that
            raise max(deeper, key=lambda e: len(e.path))
        raise SchemaValidationError(path, "expected {}, got {}".format(_expected(tp), _json_kind(value)))

    if origin is typing.Literal:
        for a in args:
            lit = a.value if isinstance(a, enum.Enum) else a
            if _json_equal(lit, value) or (isinstance(a, enum.Enum) and value is a):
                return a
        raise SchemaValidationError(path, "expected {}, got {}".format(_expected(tp), json.dumps(value, default=str)))

    if origin is None and isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            if isinstance(value, tp):
                return value
            for member in tp:
                if _json_equal(member.value, value):
                    return member
            raise SchemaValidationError(path, "expected {}, got {}".format(_expected(tp), json.dumps(value, default=str)))
        if _is_pydantic_model(tp):
            try:
                return tp.model_validate(_pydantic_drop_nulls(tp, value))  # type: ignore[attr-defined]
            except ValueError as exc:  # pydantic.ValidationError is a ValueError
                raise SchemaValidationError(path, "invalid {}: {}".format(tp.__name__, exc)) from exc
        if _is_struct_class(tp):
            return _parse_struct(tp, value, path)
        if issubclass(tp, bool):
            if not isinstance(value, bool):
                raise SchemaValidationError(path, "expected boolean, got {}".format(_json_kind(value)))
            return value
        if issubclass(tp, int):
            if isinstance(value, int) and not isinstance(value, bool):
                return value if tp is int else tp(value)
            if isinstance(value, float) and value.is_integer():
                return int(value) if tp is int else tp(int(value))
            raise SchemaValidationError(path, "expected integer, got {}".format(_json_kind(value)))
        if issubclass(tp, float):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value) if tp is float else tp(value)
            raise SchemaValidationError(path, "expected number, got {}".format(_json_kind(value)))
        if issubclass(tp, str):
            if not isinstance(value, str):
                raise SchemaValidationError(path, "expected string, got {}".format(_json_kind(value)))
            return value if tp is str else tp(value)
        if issubclass(tp, (_dt.datetime, _dt.date, _dt.time)):
            base = _dt.datetime if issubclass(tp, _dt.datetime) else _dt.date if issubclass(tp, _dt.date) else _dt.time
            return _parse_iso(base, value, path)
        if issubclass(tp, uuid.UUID):
            if isinstance(value, uuid.UUID):
                return value
            if not isinstance(value, str):
                raise SchemaValidationError(path, "expected uuid string, got {}".format(_json_kind(value)))
            try:
                return uuid.UUID(value)
            except ValueError:
                raise SchemaValidationError(path, "expected uuid string, got {!r}".format(value)) from None
        if issubclass(tp, decimal.Decimal):
            if isinstance(value, bool) or not isinstance(value, (int, float, str, decimal.Decimal)):
                raise SchemaValidationError(path, "expected number, got {}".format(_json_kind(value)))
            try:
                return decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                raise SchemaValidationError(path, "expected number, got {!r}".format(value)) from None

    if origin is not None and _is_struct_class(origin):
        return _parse_struct(tp, value, path)

    container = origin if origin is not None else (tp if isinstance(tp, type) else None)
    if isinstance(container, type) and not issubclass(container, (str, bytes, bytearray)):
        if issubclass(container, collections.abc.Mapping):
            if not isinstance(value, dict):
                raise SchemaValidationError(path, "expected object, got {}".format(_json_kind(value)))
            key_t, val_t = (args[0], args[1]) if len(args) == 2 else (Any, Any)
            return {_parse(key_t, k, path): _parse(val_t, v, _join(path, k)) for k, v in value.items()}
        if issubclass(container, (collections.abc.Iterable)):
            if not isinstance(value, (list, tuple)):
                raise SchemaValidationError(path, "expected array, got {}".format(_json_kind(value)))
            if issubclass(container, tuple):
                if not args or (len(args) == 2 and args[1] is Ellipsis):
                    item_t = args[0] if args else Any
                    return tuple(_parse(item_t, v, _join(path, i)) for i, v in enumerate(value))
                if args == ((),):
                    args = ()
                if len(value) != len(args):
                    raise SchemaValidationError(path, "expected an array of {} items, got {}".format(len(args), len(value)))
                return tuple(_parse(t, v, _join(path, i)) for i, (t, v) in enumerate(zip(args, value)))
            item_t = args[0] if args else Any
            items = [_parse(item_t, v, _join(path, i)) for i, v in enumerate(value)]
            if issubclass(container, collections.abc.Set):
                try:
                    return frozenset(items) if issubclass(container, frozenset) else set(items)
                except TypeError:
                    raise SchemaValidationError(path, "set items must be hashable") from None
            return items
    raise TypeError("cannot parse values of unsupported type {}".format(_type_repr(tp)))


def _pydantic_drop_nulls(tp: Any, value: Any) -> Any:
    """Strict schemas make optional fields nullable; a ``null`` for a pydantic
    field that has a default but does not accept None means "use the default",
    so drop such keys (recursively through nested models, lists and dicts)."""
    fields = getattr(tp, "model_fields", None)
    if not isinstance(fields, dict) or not isinstance(value, dict):
        return value
    out = dict(value)
    for name, info in fields.items():
        alias = getattr(info, "alias", None)
        key = alias if isinstance(alias, str) and alias in out else name
        if key not in out:
            continue
        ann = getattr(info, "annotation", Any)
        is_required = getattr(info, "is_required", None)
        required = is_required() if callable(is_required) else True
        if out[key] is None:
            if not required and not _accepts_none(ann):
                del out[key]
            continue
        out[key] = _pydantic_drop_nulls_in(ann, out[key])
    return out


def _pydantic_drop_nulls_in(ann: Any, value: Any) -> Any:
    ann = _strip_qualifiers(ann)
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if _is_pydantic_model(ann):
        return _pydantic_drop_nulls(ann, value)
    if _is_union(ann, origin):
        members = [a for a in args if a is not _NoneType]
        return _pydantic_drop_nulls_in(members[0], value) if len(members) == 1 else value
    container = origin if isinstance(origin, type) else None
    if container is not None and args:
        if issubclass(container, collections.abc.Mapping) and isinstance(value, dict) and len(args) == 2:
            return {k: _pydantic_drop_nulls_in(args[1], v) for k, v in value.items()}
        if issubclass(container, collections.abc.Iterable) and isinstance(value, list) and not issubclass(container, tuple):
            return [_pydantic_drop_nulls_in(args[0], v) for v in value]
    return value


def _parse_struct(tp: Any, value: Any, path: str) -> Any:
    cls, kind, fields, _ = _struct_info(tp)
    if not _is_typeddict(cls) and isinstance(value, cls):
        return value
    if _is_namedtuple(cls) and isinstance(value, list):
        value = dict(zip(cls._fields, value))  # type: ignore[attr-defined]
    if not isinstance(value, dict):
        raise SchemaValidationError(path, "expected object ({}), got {}".format(cls.__name__, _json_kind(value)))
    known = {f.name for f in fields}
    unknown = [k for k in value if k not in known]
    if unknown:
        raise SchemaValidationError(
            path, "unexpected {} {} for {}".format("field" if len(unknown) == 1 else "fields", ", ".join(repr(k) for k in unknown), cls.__name__)
        )
    kwargs: Dict[str, Any] = {}
    for f in fields:
        if f.name not in value:
            if f.required:
                raise SchemaValidationError(path, "missing required field {!r} of {}".format(f.name, cls.__name__))
            continue
        v = value[f.name]
        if v is None and not f.required and not _accepts_none(f.type):
            continue  # strict mode sends null for "not given": use the default
        kwargs[f.name] = _parse(f.type, v, _join(path, f.name))
    if kind == "TypedDict":
        return kwargs
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise SchemaValidationError(path, "could not create {}: {}".format(cls.__name__, exc)) from exc


def parse_value(tp: Any, value: Any, *, path: str = "$") -> Any:
    """Convert the decoded JSON ``value`` into the Python type ``tp``.

    Dataclasses and NamedTuples are instantiated (recursively), TypedDicts are
    validated and returned as dicts, pydantic models go through
    ``tp.model_validate``, Enums are looked up by value, tuples/sets are
    rebuilt, ISO strings become ``datetime``/``date``/``time``; a raw JSON
    schema dict as ``tp`` returns ``value`` unchanged.  Unions take the first
    member that validates.  ``bool`` is not accepted where a number is expected.

    Raises :class:`SchemaValidationError` (a ``ValueError``) whose message
    carries the location, e.g. ``at $.items[2].price: expected number, got string``.
    A strict-mode ``null`` for a field that has a default and does not accept
    ``None`` means "use the default".
    """
    return _parse(tp, value, path)


# ---------------------------------------------------------------------------
# Function tools
# ---------------------------------------------------------------------------


def _callable_name(func: Any) -> str:
    if isinstance(func, functools.partial):
        return _callable_name(func.func)
    name = getattr(func, "__name__", None)
    return name if isinstance(name, str) else type(func).__name__


def _function_fields(func: Callable[..., Any], fname: str, strict: bool) -> Tuple[List[_Field], Optional[str]]:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError) as exc:
        raise TypeError("cannot read the signature of {!r}: {}".format(fname, exc)) from exc
    target: Any = func
    if isinstance(func, functools.partial):
        target = func.func
    elif not (inspect.isfunction(func) or inspect.ismethod(func) or inspect.isbuiltin(func)) and callable(func):
        target = getattr(func, "__call__", func)
    try:
        hints = _get_type_hints(target)
    except Exception as exc:
        raise TypeError(
            "could not resolve the type annotations of {!r}: {}. Types referenced by name in annotations must be "
            "importable from the function's module.".format(fname, exc)
        ) from exc
    doc = inspect.getdoc(func) if not isinstance(func, functools.partial) else None
    if not doc and target is not func:
        doc = inspect.getdoc(target)
    description, doc_params = parse_docstring(doc)
    fields: List[_Field] = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(
                "function tool {!r}: variadic parameter {}{} is not supported; declare each argument explicitly".format(
                    fname, "*" if p.kind == p.VAR_POSITIONAL else "**", p.name
                )
            )
        ann = hints.get(p.name, p.annotation)
        if ann is inspect.Parameter.empty:
            if strict:
                raise TypeError(
                    "function tool {!r}: parameter {!r} has no type annotation; strict tools need an annotation "
                    "for every parameter (annotate it, e.g. `{}: str`, or use strict=False)".format(fname, p.name, p.name)
                )
            ann = Any
        if isinstance(ann, str):
            raise TypeError("function tool {!r}: cannot resolve annotation {!r} of parameter {!r}".format(fname, ann, p.name))
        required = p.default is inspect.Parameter.empty
        desc = _annotated_description(ann) or doc_params.get(p.name)
        fields.append(
            _Field(
                p.name,
                ann,
                required,
                _MISSING if required else p.default,
                description=desc,
                positional_only=p.kind == p.POSITIONAL_ONLY,
            )
        )
    return fields, description


@dataclasses.dataclass(eq=False)
class FunctionTool:
    """A Python function usable as an OpenAI function tool.

    Calling the object calls the function.  :meth:`to_param` (also
    :attr:`definition`, ``dict(tool)``) gives the ``tools=[...]`` entry for chat
    completions, :meth:`to_responses_param` the flat Responses API form,
    :meth:`parse_arguments` turns the model's JSON arguments into Python values
    and :meth:`invoke` parses and calls.

    ``name`` defaults to the function name, ``description`` to the first
    paragraph of its docstring, ``parameters`` to a schema built from the
    signature (pass a dict to use your own schema; parsing still follows the
    signature).
    """

    func: Callable[..., Any]
    name: Optional[str] = None  # type: ignore[assignment]
    description: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None  # type: ignore[assignment]
    strict: bool = True
    _fields: List[_Field] = dataclasses.field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if not callable(self.func):
            raise TypeError("function_tool expects a callable, got {!r}".format(self.func))
        fname = self.name or _callable_name(self.func)
        fields, doc_description = _function_fields(self.func, fname, self.strict)
        self._fields = fields
        if self.name is None:
            if not _TOOL_NAME_RE.match(fname):
                raise ValueError("cannot use {!r} as a tool name (must match ^[a-zA-Z0-9_-]{{1,64}}$); pass name=...".format(fname))
            self.name = fname
        elif not _TOOL_NAME_RE.match(self.name):
            raise ValueError("invalid tool name {!r}: must match ^[a-zA-Z0-9_-]{{1,64}}$".format(self.name))
        if self.description is None:
            self.description = doc_description
        if self.parameters is None:
            builder = _SchemaBuilder(self.strict)
            schema = builder.object_schema(self.name, "parameter", fields, None)
            if builder.defs:
                schema["$defs"] = dict(builder.defs)
            self.parameters = ensure_strict_schema(schema) if self.strict else schema
        else:
            self.parameters = ensure_strict_schema(self.parameters) if self.strict else copy.deepcopy(self.parameters)
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            try:
                object.__setattr__(self, attr, getattr(self.func, attr))
            except AttributeError:
                pass
        self.__wrapped__ = self.func

    # -- behave like the function
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    # -- tool definition
    def to_param(self) -> Dict[str, Any]:
        """``{"type": "function", "function": {...}}`` for chat completions."""
        function: Dict[str, Any] = {"name": self.name}
        if self.description:
            function["description"] = self.description
        function["parameters"] = copy.deepcopy(self.parameters)
        function["strict"] = self.strict
        return {"type": "function", "function": function}

    def to_responses_param(self) -> Dict[str, Any]:
        """The flat ``{"type": "function", "name": ..., ...}`` form of the Responses API."""
        out = dict(self.to_param()["function"])
        return dict({"type": "function"}, **out)

    @property
    def definition(self) -> Dict[str, Any]:
        return self.to_param()

    def keys(self) -> List[str]:
        return ["type", "function"]

    def __getitem__(self, key: str) -> Any:
        return self.to_param()[key]

    # -- tool calls
    def _error(self, message: str, path: Optional[str] = None) -> ToolArgumentsError:
        return ToolArgumentsError("invalid arguments for tool {!r}: {}".format(self.name, message), tool_name=self.name, path=path)

    def parse_arguments(self, arguments: Union[str, bytes, Mapping[str, Any], None]) -> Dict[str, Any]:
        """Decode and validate tool-call arguments (a JSON string or a dict).

        Returns ``{parameter: python value}`` for every parameter (defaults
        filled in).  Raises :class:`ToolArgumentsError` on invalid JSON, a
        non-object, unknown or missing arguments and wrongly typed values.
        """
        if arguments is None:
            data: Any = {}
        elif isinstance(arguments, (bytes, bytearray)):
            arguments = arguments.decode("utf-8", "replace")
        if isinstance(arguments, str):
            text = arguments.strip()
            if not text:
                data = {}
            else:
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    snippet = text if len(text) <= 80 else text[:77] + "..."
                    raise self._error("arguments are not valid JSON ({}): {}".format(exc, snippet)) from exc
        elif isinstance(arguments, Mapping):
            data = dict(arguments)
        elif arguments is not None:
            raise self._error("expected a JSON string or a dict, got {}".format(type(arguments).__name__))
        if not isinstance(data, dict):
            raise self._error("expected a JSON object, got {}".format(_json_kind(data)), "$")
        known = {f.name for f in self._fields}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise self._error("unexpected {} {}".format("argument" if len(unknown) == 1 else "arguments", ", ".join(repr(k) for k in unknown)), "$")
        result: Dict[str, Any] = {}
        for f in self._fields:
            if f.name not in data or (data[f.name] is None and not f.required and not _accepts_none(f.type)):
                if f.required:
                    raise self._error("missing required argument {!r}".format(f.name), "$")
                result[f.name] = f.get_default()
                continue
            try:
                result[f.name] = _parse(f.type, data[f.name], _join("$", f.name))
            except SchemaValidationError as exc:
                raise self._error(str(exc), exc.path) from exc
        return result

    def invoke(self, arguments: Union[str, bytes, Mapping[str, Any], None]) -> Any:
        """Parse ``arguments`` and call the function with them."""
        kwargs = self.parse_arguments(arguments)
        args = [kwargs.pop(f.name) for f in self._fields if f.positional_only]
        return self.func(*args, **kwargs)


def function_tool(
    func: Optional[Callable[..., Any]] = None,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    strict: bool = True,
) -> Any:
    """Make a :class:`FunctionTool` from a function.

    Use as ``function_tool(f)``, ``@function_tool`` or
    ``@function_tool(name=..., description=..., strict=False)``.
    """

    def wrap(f: Callable[..., Any]) -> FunctionTool:
        return FunctionTool(f, name=name, description=description, strict=strict)

    if func is None:
        return wrap
    return wrap(func)
