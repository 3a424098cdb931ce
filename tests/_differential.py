"""Helpers for tests/test_differential.py: the API description, argument and response samples, and the
request as both clients sent it, reduced to what must agree.

The description (api/openai/, written by tools/extract_openai.py) decides which methods exist and what
their parameters are; arguments are sampled from the parameter types written there.  Response bodies are
sampled from the official package's own models (the test-only reference), so both clients read the same
bytes.
"""
from __future__ import annotations

import ast
import functools
import io
import json
import os
import re
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_DIR = os.path.join(ROOT, "api", "openai")
PIN_FILE = os.path.join(ROOT, "tools", "openai-release.txt")
PENDING_FILE = os.path.join(ROOT, "tests", "differential_pending.txt")

FILE_BYTES = b'{"prompt": "hello"}\n'
FILE_FORMS = ("bytes", "tuple", "tuple_with_type", "file_object", "path")


@functools.lru_cache(maxsize=None)
def reference(*names: str, module_level: bool = True) -> Tuple[Any, ...]:
    """The official package's modules (``reference("openai", "httpx2")``), a test-only reference.

    Without them the test skips (the whole module when ``module_level``), except where the suite sets
    OPENAI_LITE_REQUIRE_OPENAI (tools/test.sh's newest and olddiff): there a missing one fails.
    """
    import importlib

    import pytest

    try:
        return tuple(importlib.import_module(name) for name in names)
    except ImportError:  # pragma: no cover - depends on the suite
        if os.environ.get("OPENAI_LITE_REQUIRE_OPENAI"):
            raise
        pytest.skip("the official openai package (test-only reference) is not installed",
                    allow_module_level=module_level)
        raise  # not reached: skip raises


def extractor() -> Any:
    """tools/extract_openai.py as a module (its not_ported() rule is the one the report uses)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("extract_openai", os.path.join(ROOT, "tools", "extract_openai.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def pinned_version() -> str:
    with open(PIN_FILE, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")][0]


def _load(*parts: str) -> Any:
    with open(os.path.join(API_DIR, *parts), encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=None)
def methods() -> Tuple[Dict[str, Any], ...]:
    found = []  # type: List[Dict[str, Any]]
    for name in sorted(os.listdir(os.path.join(API_DIR, "methods"))):
        found.extend(_load("methods", name))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def client_facts() -> Dict[str, Any]:
    return _load("client.json")


@functools.lru_cache(maxsize=None)
def type_index() -> Dict[str, List[Tuple[str, str, Any]]]:
    """{name: [(module, "class"|"alias", definition)]} over every described types module."""
    index = {}  # type: Dict[str, List[Tuple[str, str, Any]]]
    for name in sorted(os.listdir(os.path.join(API_DIR, "types"))):
        for module in _load("types", name):
            for cls, definition in module.get("classes", {}).items():
                index.setdefault(cls, []).append((module["module"], "class", definition))
            for alias, text in module.get("aliases", {}).items():
                index.setdefault(alias, []).append((module["module"], "alias", text))
    return index


def pending() -> Dict[str, set]:
    """{subject: {check, ...}} from tests/differential_pending.txt (``subject check  # reason``)."""
    out = {}  # type: Dict[str, set]
    with open(PENDING_FILE, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                subject, check = line.split()
                out.setdefault(subject, set()).add(check)
    return out


# --------------------------------------------------------------------------- argument samples

def _split_top(text: str, sep: str) -> List[str]:
    """Split ``text`` at ``sep`` outside brackets."""
    parts, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i].strip())
            start = i + len(sep)
            i += len(sep)
            continue
        i += 1
    parts.append(text[start:].strip())
    return parts


def _generic(text: str) -> Tuple[str, List[str]]:
    if "[" not in text or not text.endswith("]"):
        return text, []
    head, _, inner = text.partition("[")
    return head, _split_top(inner[:-1], ",")


def _lookup(name: str, module_hint: Optional[str] = None) -> Optional[Tuple[str, str, Any]]:
    short = name.split(".")[-1]
    found = type_index().get(short, [])
    if "." in name:
        prefix = name.split(".")[0]
        for entry in found:
            if entry[0].endswith("." + prefix):
                return entry
    if module_hint:
        for entry in found:
            if entry[0] == module_hint:
                return entry
    return found[0] if found else None


def sample(type_text: Optional[str], name: str, depth: int = 0) -> Any:
    """A value of the described type (strings name the parameter, so a mixed-up value shows)."""
    if not type_text or depth > 6:
        return "sample-%s" % name
    alternatives = [a for a in _split_top(type_text, "|") if a not in ("Omit", "NotGiven", "None")]
    text = alternatives[0] if alternatives else "None"
    head, args = _generic(text)
    if head in ("Optional", "Required", "NotRequired", "ReadOnly"):
        return sample(args[0], name, depth + 1)
    if head == "Annotated":
        return sample(args[0], name, depth + 1)
    if head == "Union":
        args = [a for a in args if a != "None"]
        return sample(args[0], name, depth + 1)
    if head == "Literal":
        return ast.literal_eval(args[0])
    if head in ("Iterable", "List", "Sequence", "SequenceNotStr"):
        return [sample(args[0], name, depth + 1)]
    if head in ("Dict", "Mapping"):
        return {"key": sample(args[1], name, depth + 1)}
    simple = {"str": "sample-%s" % name, "int": 3, "float": 0.5, "bool": True, "object": {"any": "thing"},
              "Metadata": {"key": "value"}, "FileTypes": FILE_BYTES}
    if text in simple:
        return simple[text]
    entry = _lookup(text)
    if entry is None:
        return "sample-%s" % name
    module, kind, definition = entry
    if kind == "alias":
        return sample(definition, name, depth + 1)
    if definition.get("kind") == "typeddict":
        # The required keys only: enough to be a valid object, small enough to read in a failure.
        return {f["name"]: sample(f["type"], f["name"], depth + 1) for f in definition["fields"] if f["required"]}
    return {"sample": name}


def is_file_param(param: Dict[str, Any]) -> bool:
    return param.get("in") == "file" or "FileTypes" in (param.get("type") or "")


def file_value(form: str, tmp_dir: str) -> Any:
    if form == "bytes":
        return FILE_BYTES
    if form == "tuple":
        return ("data.jsonl", FILE_BYTES)
    if form == "tuple_with_type":
        return ("data.jsonl", FILE_BYTES, "application/jsonl")
    if form == "file_object":
        return io.BytesIO(FILE_BYTES)
    if form == "path":
        import pathlib

        path = pathlib.Path(tmp_dir) / "upload.jsonl"
        path.write_bytes(FILE_BYTES)
        return path
    raise ValueError(form)


# Optional keywords left out of the request comparison: `stream` changes what the call returns (the stream
# comparison passes it on its own).
SKIPPED_OPTIONAL = {"stream"}


def arguments(method: Dict[str, Any], accepted: set, file_form: str, tmp_dir: str) -> Dict[str, Any]:
    kwargs = {}
    for param in method["params"]:
        name = param["name"]
        if param.get("in") == "local" or name not in accepted or param["kind"].startswith("var_"):
            continue
        if not param["required"] and name in SKIPPED_OPTIONAL:
            continue
        if is_file_param(param):
            kwargs[name] = file_value(file_form, tmp_dir)
        elif param.get("in") == "path":
            kwargs[name] = "sample %s/é" % name  # quoted alike? (space, slash, non-ASCII)
        else:
            kwargs[name] = sample(param.get("type"), name)
    return kwargs


# --------------------------------------------------------------------------- requests as sent

AUTH = {}  # type: Dict[str, str]  # secret -> "api_key" / "admin_api_key"; filled by the test module


def normal_request(method: str, target: str, headers: Dict[str, str], body: bytes) -> Dict[str, Any]:
    """The parts of one request that must agree between the clients."""
    path, _, query = target.partition("?")
    headers = {k.lower(): v for k, v in headers.items()}
    content_type = headers.get("content-type", "")
    media = content_type.split(";")[0].strip() or None
    auth = headers.get("authorization", "")
    kind = None
    if auth.startswith("Bearer "):
        kind = AUTH.get(auth[7:], "other")
    out = {
        "verb": method,
        "path": path,
        "query": {k: sorted(v) for k, v in parse_qs(query, keep_blank_values=True).items()},
        # A content type on an empty body says nothing: compared only when there is a body.
        "content-type": media if body else None,
        "auth": kind,
        "openai-beta": headers.get("openai-beta"),
        "idempotency-key": headers.get("idempotency-key"),
    }
    accept = headers.get("accept")
    if accept and accept != "application/json":
        out["accept"] = accept
    if media == "multipart/form-data":
        out["multipart"] = _multipart(body, content_type)
    elif body:
        try:
            out["json"] = json.loads(body.decode("utf-8"))
        except ValueError:
            out["body"] = body
    return out


def _multipart(body: bytes, content_type: str) -> Dict[str, Any]:
    import multipart

    boundary = re.search(r'boundary="?([^";]+)"?', content_type).group(1)
    fields = {}  # type: Dict[str, List[Any]]
    for part in multipart.MultipartParser(io.BytesIO(body), boundary):
        if part.filename is not None:
            value = {"filename": part.filename, "content_type": part.content_type, "content": part.raw}
        else:
            value = part.value
        fields.setdefault(part.name, []).append(value)
    return fields


# --------------------------------------------------------------------------- response samples

def _union_members(tp: Any) -> List[Any]:
    import typing

    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) is typing.Union or type(tp).__name__ == "UnionType":
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return [tp]


def sample_json(tp: Any, depth: int = 0, seen: Tuple[Any, ...] = ()) -> Any:
    """A JSON value the official package's type ``tp`` accepts (required fields, one optional level)."""
    import typing

    import pydantic

    if depth > 12:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return sample_json(args[0], depth, seen)
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        choices = [a for a in args if a is not type(None)]
        return sample_json(choices[0], depth, seen) if choices else None
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, typing.List) or origin is getattr(typing, "Sequence", None):
        if not args or depth >= 5:
            return []
        members = _union_members(args[0])
        if len(members) > 1 and depth < 3:
            # A list of a union: one item per member, so every discriminator value is read once.
            return [sample_json(m, depth + 1, seen) for m in members]
        return [sample_json(args[0], depth + 1, seen)]
    if origin is dict:
        return {"key": sample_json(args[1], depth + 1, seen)} if args and depth < 5 else {}
    if tp is str:
        return "text"
    if tp is bool:
        return True
    if tp is int:
        return 2
    if tp is float:
        return 1.5
    if tp in (object, typing.Any) or tp is None:
        return {"any": "thing"}
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        out = {}
        for name, field in tp.model_fields.items():
            wire = field.alias or name
            # Optional fields one level deep, except `error` (set, it would make a success read as a failure).
            if field.is_required() or (depth < 2 and tp not in seen and name != "error"):
                out[wire] = sample_json(field.annotation, depth + 1, seen + (tp,))
        return out
    return "text"
