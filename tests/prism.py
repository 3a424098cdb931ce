"""Helpers for the Prism conformance test: the Prism process, a small JSON-schema checker and
sample values built from the spec's schemas.

Prism (``@stoplight/prism-cli``, installed by ``tools/test.sh`` into ``.prism/``) mocks the API
from ``openapi.yaml`` and, with ``--errors``, answers 4xx/422 to any request that does not match
the spec. The sample builder makes values that the spec accepts: enums take their first value,
``oneOf``/``anyOf`` the first branch whose sample matches the whole union, objects their required
properties and a few optional ones, arrays one item (or ``minItems``), binary strings a small file.
Every value is checked with :func:`matches` (the subset of JSON Schema the spec uses) before use.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Any, Dict, List, Optional, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC_DIR = os.path.join(REPO, "spec")
SPEC_FILE = os.path.join(SPEC_DIR, "openapi.yaml")

_MISSING = object()


def load_spec(path: str = SPEC_FILE) -> Dict[str, Any]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def prism_bin() -> Optional[str]:
    """``PRISM_BIN``, else the copy tools/test.sh installs, else ``prism`` on PATH."""
    candidates = [os.environ.get("PRISM_BIN"), os.path.join(REPO, ".prism", "node_modules", ".bin", "prism"),
                  shutil.which("prism")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class PrismServer:
    """``prism mock SPEC --errors`` on a free loopback port, in its own process group."""

    def __init__(self, binary: str, spec: str = SPEC_FILE, start_timeout: float = 120.0) -> None:
        self.binary = binary
        self.spec = spec
        self.start_timeout = start_timeout
        self.port = free_port()
        self.process: Optional[subprocess.Popen] = None
        self.log = tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    def start(self) -> "PrismServer":
        self.process = subprocess.Popen(
            [self.binary, "mock", self.spec, "-p", str(self.port), "-h", "127.0.0.1", "--errors"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("prism exited with %s:\n%s" % (self.process.returncode, self.log_tail()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1.0):
                    return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError("prism did not listen within %.0f s:\n%s" % (self.start_timeout, self.log_tail()))

    def log_tail(self, lines: int = 40) -> str:
        try:
            with open(self.log.name, encoding="utf-8", errors="replace") as fh:
                return "".join(fh.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the group this process leads (node and its children)
            except OSError:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    proc.kill()
                proc.wait(timeout=10)
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# schemas

class Schemas:
    def __init__(self, spec: Dict[str, Any]) -> None:
        self.spec = spec

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    # -- checking ---------------------------------------------------------------------------

    def matches(self, schema: Any, value: Any, depth: int = 0) -> bool:
        """Whether ``value`` is valid for ``schema`` (the JSON Schema subset the spec uses).
        Files (``FileSample``) count as binary strings."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 60:
            return True
        if value is None and schema.get("nullable"):
            return True
        if "const" in schema and value != schema["const"]:
            return False
        if "enum" in schema and value not in schema["enum"]:
            return False
        if "allOf" in schema and not all(self.matches(s, value, depth + 1) for s in schema["allOf"]):
            return False
        if "anyOf" in schema and not any(self.matches(s, value, depth + 1) for s in schema["anyOf"]):
            return False
        if "oneOf" in schema and sum(1 for s in schema["oneOf"] if self.matches(s, value, depth + 1)) != 1:
            return False
        if "not" in schema and self.matches(schema["not"], value, depth + 1):
            return False
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else ([kind] if kind else [])
        if kinds and not any(_is_type(k, value) for k in kinds):
            return False
        if isinstance(value, FileSample):
            return True
        if isinstance(value, str):
            if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1 << 30):
                return False
            if "pattern" in schema:
                try:
                    if not re.search(schema["pattern"], value):
                        return False
                except re.error:
                    pass
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                return False
            if "maximum" in schema and value > schema["maximum"]:
                return False
            if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool) \
                    and value <= schema["exclusiveMinimum"]:
                return False
            if "exclusiveMaximum" in schema and not isinstance(schema["exclusiveMaximum"], bool) \
                    and value >= schema["exclusiveMaximum"]:
                return False
        elif isinstance(value, list):
            if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1 << 30):
                return False
            if "items" in schema and not all(self.matches(schema["items"], v, depth + 1) for v in value):
                return False
        elif isinstance(value, dict):
            props = schema.get("properties") or {}
            if any(name not in value for name in schema.get("required") or []):
                return False
            for name, item in value.items():
                if name in props:
                    if not self.matches(props[name], item, depth + 1):
                        return False
                else:
                    extra = schema.get("additionalProperties", True)
                    if extra is False:
                        return False
                    if isinstance(extra, dict) and not self.matches(extra, item, depth + 1):
                        return False
            if len(value) < schema.get("minProperties", 0):
                return False
        return True

    # -- building ---------------------------------------------------------------------------

    def sample(self, schema: Any, depth: int = 0, optional: int = 2, name: str = "") -> Any:
        """A value ``schema`` accepts (``_MISSING`` when none was found)."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or depth > 14:
            return "sample"
        if "const" in schema:
            return schema["const"]
        for key in ("example", "examples"):
            if key in schema and depth > 0:
                examples = schema[key] if key == "examples" and isinstance(schema[key], list) else [schema[key]]
                for ex in examples:
                    if ex is not None and not isinstance(ex, (dict, list)) and self.matches(schema, ex):
                        return copy.deepcopy(ex)
        if "enum" in schema:
            for value in schema["enum"]:
                if value is not None and self.matches(schema, value):
                    return value
        for key in ("oneOf", "anyOf"):
            if key in schema:
                branches = [b for b in schema[key] if self.resolve(b).get("type") != "null"]
                # one file rather than a list of them: Prism reads repeated ``name[]`` parts (the
                # API's and openai-python's encoding of a list of files) as another field
                branches.sort(key=lambda b: self.resolve(b).get("format") != "binary")
                first = _MISSING
                for branch in branches:
                    value = self.sample(branch, depth + 1, optional, name)
                    if value is _MISSING:
                        continue
                    if first is _MISSING:
                        first = value
                    if self.matches(schema, value):
                        return value
                if first is not _MISSING:
                    return first
                return None if schema.get("nullable") or len(branches) < len(schema[key]) else _MISSING
        if "allOf" in schema:
            merged = self.merge_all_of(schema)
            return self.sample(merged, depth + 1, optional, name)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind is None:
            if "properties" in schema or "additionalProperties" in schema:
                kind = "object"
            elif "items" in schema:
                kind = "array"
        if kind == "string":
            return self.sample_string(schema, name)
        if kind == "integer":
            return int(self.sample_number(schema, integer=True))
        if kind == "number":
            return self.sample_number(schema, integer=False)
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        if kind == "array":
            item = self.sample(schema.get("items") or {}, depth + 1, optional, name)
            if item is _MISSING:
                return [] if not schema.get("minItems") else _MISSING
            count = max(1, schema.get("minItems", 1))
            return [copy.deepcopy(item) for _ in range(count)]
        if kind == "object":
            return self.sample_object(schema, depth, optional)
        return "sample"

    def merge_all_of(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        merged: Dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        props: Dict[str, Any] = dict(merged.get("properties") or {})
        required: List[str] = list(merged.get("required") or [])
        for part in schema["allOf"]:
            part = self.resolve(part)
            if "allOf" in part:
                part = self.merge_all_of(part)
            for key, value in part.items():
                if key == "properties":
                    props.update(value)
                elif key == "required":
                    required.extend(r for r in value if r not in required)
                elif key not in merged:
                    merged[key] = value
        if props:
            merged["properties"] = props
            merged.setdefault("type", "object")
        if required:
            merged["required"] = required
        return merged

    def sample_object(self, schema: Dict[str, Any], depth: int, optional: int) -> Any:
        props = schema.get("properties") or {}
        required = [r for r in schema.get("required") or [] if r in props]
        out: Dict[str, Any] = {}
        for name in required:
            value = self.sample(props[name], depth + 1, optional, name)
            if value is _MISSING:
                return _MISSING
            out[name] = value
        if not props:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.sample(extra, depth + 1, optional, "key")
                if value is not _MISSING:
                    out["key"] = value
            return out
        if optional and depth < 6:
            added = 0
            for name, prop in props.items():
                if name in out or added >= optional:
                    continue
                if isinstance(prop, dict) and (prop.get("deprecated") or prop.get("readOnly")):
                    continue
                value = self.sample(prop, depth + 1, optional, name)
                if value is _MISSING:
                    continue
                trial = dict(out, **{name: value})
                if self.matches(schema, trial):
                    out = trial
                    added += 1
        return out

    def sample_string(self, schema: Dict[str, Any], name: str) -> Any:
        fmt = schema.get("format")
        if fmt == "binary":
            return FileSample(name)
        by_format = {
            "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00Z",
            "uri": "https://example.com/sample", "url": "https://example.com/sample",
            "email": "user@example.com", "uuid": "123e4567-e89b-12d3-a456-426614174000",
            "byte": "c2FtcGxl", "ipv4": "127.0.0.1", "hostname": "example.com",
        }
        candidates = []
        if fmt in by_format:
            candidates.append(by_format[fmt])
        candidates += ["sample", "sample_1", "abc", "a", "1", "sample-id", "https://example.com/sample",
                       "user@example.com", "2024-01-01"]
        low = schema.get("minLength", 0)
        high = schema.get("maxLength", 1 << 30)
        for text in candidates:
            if len(text) < low:
                text = (text * (low // max(1, len(text)) + 1))[:max(low, 1)]
            text = text[:high]
            if self.matches(schema, text):
                return text
        return candidates[0]

    @staticmethod
    def sample_number(schema: Dict[str, Any], integer: bool) -> float:
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        value = 1
        if isinstance(low, (int, float)) and not isinstance(low, bool) and value <= low:
            value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0)
        if isinstance(high, (int, float)) and not isinstance(high, bool) and value >= high:
            value = high - (1 if "exclusiveMaximum" in schema and "maximum" not in schema else 0)
        return int(value) if integer else float(value)


class FileSample:
    """Marks a binary field in a sample; turned into a small upload when the call is made."""

    def __init__(self, name: str) -> None:
        self.name = name

    def upload(self) -> Tuple[str, bytes, str]:
        return ("%s.bin" % (self.name or "file"), b"sample file content\n", "application/octet-stream")


def _is_type(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, (str, FileSample))
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    return True


def to_call_value(value: Any) -> Any:
    """Replace file markers with uploads (``(filename, bytes, content type)`` tuples)."""
    if isinstance(value, FileSample):
        return value.upload()
    if isinstance(value, list):
        return [to_call_value(v) for v in value]
    if isinstance(value, dict):
        return {k: to_call_value(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------------
# the arguments of one operation

SKIP_OPTIONAL = frozenset(("stream", "stream_options"))  # Prism mocks no SSE


def spec_parameter_names(schemas: Schemas, op: Any) -> List[str]:
    """The Python names of ``op``'s parameters that the spec has (the release may add others)."""
    raw = schemas.spec["paths"][op.path][op.verb.lower()]
    names = {prm["name"] for prm in (schemas.resolve(p) for p in raw.get("parameters") or [])}
    request_body = schemas.resolve(raw.get("requestBody")) if raw.get("requestBody") else None
    if request_body:
        kind = "multipart/form-data" if op.body == "multipart" else "application/json"
        schema = schemas.resolve(request_body["content"][kind]["schema"])
        if "allOf" in schema:
            schema = schemas.merge_all_of(schema)
        names |= set((schema or {}).get("properties") or {})
    return [python for python, _, wire in op.params if wire in names]


def operation_arguments(schemas: Schemas, op: Any) -> Tuple[List[Any], Dict[str, Any]]:
    """(positional, keyword) arguments for a generated method: every required parameter and every
    optional one whose sample the spec accepts (``stream`` left out: Prism cannot mock SSE)."""
    path = op.path.split("?")[0]
    raw = schemas.spec["paths"][op.path][op.verb.lower()] if op.path in schemas.spec["paths"] \
        else schemas.spec["paths"][path][op.verb.lower()]
    spec_params = {}
    for prm in raw.get("parameters") or []:
        prm = schemas.resolve(prm)
        spec_params[(prm["in"], prm["name"])] = prm
    body_schema = None
    request_body = schemas.resolve(raw.get("requestBody")) if raw.get("requestBody") else None
    if request_body:
        content = request_body["content"]
        kind = "multipart/form-data" if op.body == "multipart" else "application/json"
        body_schema = schemas.resolve(content[kind]["schema"])
        if "allOf" in body_schema:
            body_schema = schemas.merge_all_of(body_schema)
    body_props = (body_schema or {}).get("properties") or {}

    kwargs: Dict[str, Any] = {}
    positional: List[Any] = []
    body: Dict[str, Any] = {}
    body_names: Dict[str, str] = {}
    required = set(op.required) | set(op.path_params)
    for python_name, where, wire in op.params:
        known = wire in body_props if where in ("body", "file") else (where, wire) in spec_params
        if not known and python_name not in required:
            continue  # a keyword of the pinned release the spec snapshot does not have yet
        if where in ("body", "file"):
            schema = body_props.get(wire, {})
        else:
            schema = ((spec_params.get((where, wire)) or {}).get("schema") or {})
        if python_name not in required and python_name in SKIP_OPTIONAL:
            continue
        value = schemas.sample(schema, depth=1, name=wire)
        if value is _MISSING or (where == "path" and not value):
            if python_name in required:
                value = "sample_id"
            else:
                continue
        if where in ("body", "file"):
            body[wire] = value
            body_names[wire] = python_name
        elif where == "path" and op.path_params and python_name == op.path_params[-1]:
            positional.append(value)
        else:
            if where != "path" and python_name not in required and not schemas.matches(schema, value):
                continue
            kwargs[python_name] = value
    if body_schema is not None:
        # the body as a whole must match (top-level anyOf/oneOf, dependencies between fields):
        # drop optional fields until it does
        optional = [w for w in body if body_names[w] not in required]
        while not schemas.matches(body_schema, body) and optional:
            body.pop(optional.pop())
    for wire, value in body.items():
        kwargs[body_names[wire]] = to_call_value(value)
    return positional, kwargs
