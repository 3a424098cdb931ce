"""The input stage: the OpenAPI spec and ``methods.txt`` -> ``Operation``s (parameters, where each goes,
body kind, answer kind, page style, stream event, fixed headers), then the pinned openai release's
description (``api/openai/methods``, written by ``tools/extract_openai.py``) on top: ``follow_release`` adds
the methods only the release has and makes each method's keywords, path, body kind, headers, auth and
streaming what the release sends; the spec stays the source of types and descriptions.

``read_api`` is the one entry point the rest of the generator uses.
"""
from __future__ import annotations

import keyword
import os
import re
from typing import Any, Dict, List, Optional, Tuple

from .annotations import _is_null, python_type
from .naming import type_name


# Event type of streams whose operation has no text/event-stream response in the spec.
STREAM_EVENTS: Dict[str, str] = {
    "beta.threads.create_and_run": "AssistantStreamEvent",
    "beta.threads.runs.create": "AssistantStreamEvent",
    "beta.threads.runs.submit_tool_outputs": "AssistantStreamEvent",
    "responses.retrieve": "ResponseStreamEvent",
    "beta.responses.retrieve": "BetaResponseStreamEvent",
}


# Pagination exceptions: POST operations that openai-python returns as a page, and GET
# operations returning a ``data`` list that it returns as a plain object.
PAGED_POSTS = frozenset((
    "admin.organization.certificates.activate",
    "admin.organization.certificates.deactivate",
    "admin.organization.projects.certificates.activate",
    "admin.organization.projects.certificates.deactivate",
    "fine_tuning.checkpoints.permissions.create",
    "vector_stores.search",
))


NOT_PAGED = frozenset(("fine_tuning.checkpoints.permissions.retrieve",))


# Lists openai-python walks with the conversation cursor (after = the page's last_id).
LAST_ID_PAGES = frozenset(("conversations.items.list",))


# Response handling the spec does not say: "binary" (raw bytes), "str" (decoded text).
RESPONSE_OVERRIDES: Dict[str, str] = {
    "files.retrieve_content": "str",
    "containers.files.content.retrieve": "binary",
}


# Fixed headers by path prefix, as openai-python sends them.
BETA_HEADERS: Tuple[Tuple[str, str], ...] = (
    ("/assistants", "assistants=v2"),
    ("/threads", "assistants=v2"),
    ("/vector_stores", "assistants=v2"),
    ("/chatkit", "chatkit_beta=v1"),
)


RESERVED = frozenset(("self", "extra_headers", "extra_query", "extra_body", "timeout"))


class Spec:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data
        self.schemas: Dict[str, Any] = data["components"]["schemas"]
        # the pinned release's methods by name and its types (release_types.ReleaseTypes), when read
        self.release: Dict[str, Dict[str, Any]] = {}
        self.release_types: Any = None

    def lookup(self, ref: str) -> Any:
        node: Any = self.data
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self.lookup(node["$ref"])
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop")
        return node

    def operation(self, verb: str, path: str) -> Dict[str, Any]:
        item = self.data["paths"].get(path)
        if item is None or verb.lower() not in item:
            raise KeyError("%s %s is not in the spec" % (verb, path))
        return item[verb.lower()]


def ref_name(node: Any) -> Optional[str]:
    if isinstance(node, dict) and "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    return None


def object_properties(spec: Spec, schema: Any) -> Tuple[Dict[str, Any], List[str]]:
    """Properties and required names of an object schema, allOf parts merged in order."""
    schema = spec.resolve(schema) or {}
    props: Dict[str, Any] = {}
    required: List[str] = []
    for part in schema.get("allOf") or []:
        sub_props, sub_required = object_properties(spec, part)
        props.update(sub_props)
        required.extend(r for r in sub_required if r not in required)
    props.update(schema.get("properties") or {})
    required.extend(r for r in schema.get("required") or [] if r not in required)
    return props, required


class Param:
    def __init__(self, name: str, where: str, wire: str, schema: Any, required: bool, description: str,
                 deprecated: bool = False) -> None:
        self.name = name          # the Python keyword
        self.where = where        # path | query | header | body | file
        self.wire = wire          # name on the wire (spec name)
        self.schema = schema
        self.required = required
        self.description = description
        self.deprecated = deprecated
        self.file_mode = ""       # for multipart: "" (a form field), "file", "either" (file or object)
        self.annotation = "Any"
        self.joined = False       # a header whose list value is sent comma-separated


class Operation:
    def __init__(self, method: str, verb: str, path: str) -> None:
        self.method = method      # dotted, without "client."
        self.verb = verb
        self.path = path          # as in methods.txt (may carry ?beta=true)
        self.spec_path = path     # the spec's path of the operation (the release may call another)
        self.params: List[Param] = []
        self.body_kind = "none"
        self.json_ok = False      # multipart operation that also takes JSON (sent when no file is given)
        self.json_fields: List[str] = []  # multipart fields the spec encodes as JSON text
        self.page: Optional[str] = None
        self.cast_to: Optional[str] = None
        self.whole: Optional[str] = None  # the type of the whole answer of a paged operation (a page's)
        self.stream_cast_to: Optional[str] = None
        self.streams = False
        self.stream_always = False  # answers with events, without a ``stream`` keyword
        self.response = "json"    # json | binary | str | none
        self.accept: Optional[str] = None
        self.headers: Dict[str, str] = {}
        self.auth = "api"
        self.summary = ""
        self.description = ""
        self.deprecated = False
        self.synthetic = False    # read from the release's description only (not in the spec)

    @property
    def resource(self) -> str:
        return self.method.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.method.rsplit(".", 1)[1]

    @property
    def path_params(self) -> List[Param]:
        return [p for p in self.params if p.where == "path"]


def _description(spec: Spec, node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("description"):
        return str(node["description"])
    if "$ref" in node:
        return _description(spec, spec.resolve(node))
    for key in ("allOf", "anyOf", "oneOf"):
        parts = [p for p in node.get(key) or [] if isinstance(p, dict) and not _is_null(p)
                 and set(p) != {"nullable"}]
        if len(parts) == 1:  # X or null: X's own description
            return _description(spec, parts[0])
        for part in parts:
            if part.get("description"):
                return str(part["description"])
    return ""


def python_name(wire: str, schema: Any) -> str:
    if isinstance(schema, dict) and schema.get("x-stainless-param"):
        return str(schema["x-stainless-param"])
    name = wire[:-2] if wire.endswith("[]") else wire
    name = re.sub(r"[^0-9A-Za-z_]", "_", name).strip("_")
    if keyword.iskeyword(name):
        name += "_"
    return name


def body_kind(spec: Spec, request_body: Any) -> Tuple[str, Any, bool]:
    """(kind, schema, json_ok): multipart when the multipart form carries a file, else JSON;
    ``json_ok`` when a multipart operation also takes the same fields as JSON (used when a call
    carries no file)."""
    if not request_body:
        return "none", None, False
    content = spec.resolve(request_body).get("content") or {}
    multipart = content.get("multipart/form-data")
    as_json = content.get("application/json")
    if multipart is not None and _has_binary(spec, multipart.get("schema")):
        json_ok = False
        if as_json is not None:
            form_props, _ = object_properties(spec, multipart.get("schema"))
            json_props, _ = object_properties(spec, as_json.get("schema"))
            json_ok = set(form_props) == set(json_props)
        return "multipart", multipart.get("schema"), json_ok
    if as_json is not None:
        return "json", as_json.get("schema"), False
    if multipart is not None:
        return "multipart", multipart.get("schema"), False
    raise ValueError("unsupported request content %s" % list(content))


def _file_mode(spec: Spec, schema: Any, depth: int = 0) -> str:
    """"file" when a value is always a file (or list of files), "either" when it may be a file
    or an object, "" when never a file."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict) or depth > 6:
        return ""
    if schema.get("type") == "string" and schema.get("format") == "binary":
        return "file"
    if schema.get("type") == "array":
        return _file_mode(spec, schema.get("items"), depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            modes = [_file_mode(spec, b, depth + 1) for b in schema[key] if not _is_null(b)]
            if "file" in modes or "either" in modes:
                return "file" if all(m == "file" for m in modes) else "either"
    return ""


def _has_binary(spec: Spec, schema: Any) -> bool:
    props, _ = object_properties(spec, schema)
    return any(_file_mode(spec, p) for p in props.values())


def success_response(spec: Spec, op: Dict[str, Any]) -> Dict[str, Any]:
    for code in ("200", "201", "202", "204"):
        if code in op.get("responses", {}):
            return spec.resolve(op["responses"][code]) or {}
    return {}


def response_kind(spec: Spec, method: str, response: Dict[str, Any]) -> Tuple[str, Optional[str]]:
    """("json" | "binary" | "str" | "none", Accept header for non-JSON responses)."""
    content = response.get("content") or {}
    types = [t for t in content if t != "text/event-stream"]
    override = RESPONSE_OVERRIDES.get(method)
    accept = ", ".join(t for t in types if t != "application/json") or None
    if override:
        return override, (accept or ("application/octet-stream" if override == "binary" else None))
    if not types:
        return ("none", None) if not content else ("binary", "application/octet-stream")
    first = types[0]
    if first != "application/json" and not first.endswith("+json"):
        return "binary", ", ".join(types)
    schema = spec.resolve(content[first].get("schema")) or {}
    if schema.get("type") == "string":  # raw file content documented as a JSON string
        return "binary", None
    return "json", None


def page_style(spec: Spec, op: Operation, response_schema: Any) -> Tuple[Optional[str], Optional[str]]:
    """(page class name, item schema name) for list operations, (None, None) otherwise."""
    props, _ = object_properties(spec, response_schema)
    data = spec.resolve(props.get("data")) if "data" in props else None
    if not isinstance(data, dict) or data.get("type") != "array":
        return None, None
    if op.method in NOT_PAGED or (op.verb != "GET" and op.method not in PAGED_POSTS):
        return None, None
    items = data.get("items")
    item_name = type_name(ref_name(items) or ref_name(_single_branch(items)))
    query = {p.wire for p in op.params if p.where == "query"}
    if "next" in props and "after" in query:
        return "NextCursorPage", item_name
    if "page" in query and "next_page" in props:
        return "PageNumberPage", item_name
    if "after" in query and "has_more" in props:
        if op.method in LAST_ID_PAGES or not _items_have_id(spec, items):
            return ("LastIdCursorPage" if "last_id" in props else "SyncCursorPage"), item_name
        return "SyncCursorPage", item_name
    return "SyncPage", item_name


def _single_branch(schema: Any) -> Any:
    if isinstance(schema, dict):
        for key in ("allOf", "anyOf", "oneOf"):
            parts = [p for p in schema.get(key) or [] if not _is_null(p)]
            if len(parts) == 1:
                return parts[0]
    return None


def _items_have_id(spec: Spec, schema: Any, depth: int = 0) -> bool:
    schema = spec.resolve(schema)
    if not isinstance(schema, dict) or depth > 4:
        return False
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [b for b in schema[key] if not _is_null(b)]
            return bool(branches) and all(_items_have_id(spec, b, depth + 1) for b in branches)
    props, _ = object_properties(spec, schema)
    return "id" in props


def stream_event(spec: Spec, op: Operation, response: Dict[str, Any]) -> Optional[str]:
    if op.method in STREAM_EVENTS:
        return STREAM_EVENTS[op.method]
    sse = (response.get("content") or {}).get("text/event-stream")
    if sse:
        return type_name(ref_name(sse.get("schema")))
    return None


def load_operations(spec: Spec, methods_file: str) -> List[Operation]:
    ops: List[Operation] = []
    with open(methods_file, encoding="utf-8") as fh:
        lines = [line.split() for line in fh if line.strip() and not line.startswith("#")]
    for fields in lines:
        full, verb, path = fields[0], fields[1].upper(), fields[2]
        if not full.startswith("client."):
            raise ValueError("methods.txt: %r does not start with client." % full)
        op = Operation(full[len("client."):], verb, path)
        raw = spec.operation(verb, path)
        op.summary = str(raw.get("summary") or "").strip()
        op.description = str(raw.get("description") or "").strip()
        op.deprecated = bool(raw.get("deprecated"))
        for prm in raw.get("parameters") or []:
            prm = spec.resolve(prm)
            where = prm["in"]
            if where == "cookie":
                continue
            schema = prm.get("schema") or {}
            op.params.append(Param(python_name(prm["name"], schema), where, prm["name"], schema,
                                   where == "path" or bool(prm.get("required")),
                                   str(prm.get("description") or _description(spec, schema)),
                                   bool(prm.get("deprecated"))))
        template_order = re.findall(r"{([^}]+)}", path)
        path_params = {p.wire: p for p in op.params if p.where == "path"}
        if sorted(path_params) != sorted(template_order):
            raise ValueError("%s: path parameters %s do not match %s" % (op.method, sorted(path_params), path))
        op.params = [path_params[n] for n in template_order] + [p for p in op.params if p.where != "path"]
        kind, body_schema, op.json_ok = body_kind(spec, raw.get("requestBody"))
        op.body_kind = kind
        if kind == "multipart":
            form = spec.resolve(raw["requestBody"])["content"]["multipart/form-data"]
            op.json_fields = sorted(name for name, enc in (form.get("encoding") or {}).items()
                                    if "json" in str((enc or {}).get("contentType", "")))
        if body_schema is not None:
            props, required = object_properties(spec, body_schema)
            for name, prop in props.items():
                if isinstance(prop, dict) and prop.get("readOnly"):
                    continue
                param = Param(python_name(name, prop), "body", name, prop, name in required,
                              _description(spec, prop), bool(isinstance(prop, dict) and prop.get("deprecated")))
                if kind == "multipart":
                    param.file_mode = _file_mode(spec, prop)
                op.params.append(param)
        seen: Dict[str, Param] = {}
        for p in op.params:
            if p.name in RESERVED or p.name in seen:
                raise ValueError("%s: parameter name %r collides" % (op.method, p.name))
            seen[p.name] = p
            p.annotation = python_type(spec, p.schema)
            p.joined = p.where == "header" and p.annotation.startswith(("List[", "Optional[List["))
        response = success_response(spec, raw)
        op.response, op.accept = response_kind(spec, op.method, response)
        json_schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
        if op.response == "json":
            op.page, item = page_style(spec, op, json_schema)
            op.whole = type_name(ref_name(json_schema))
            op.cast_to = item if op.page else op.whole
        op.streams = any(p.wire == "stream" and p.where in ("query", "body") for p in op.params)
        if op.streams:
            op.stream_cast_to = stream_event(spec, op, response)
            if op.stream_cast_to == op.cast_to:
                op.stream_cast_to = None
        bare = path.split("?")[0]
        for prefix, value in BETA_HEADERS:
            if bare == prefix or bare.startswith(prefix + "/"):
                op.headers["OpenAI-Beta"] = value
        if op.accept:
            op.headers["Accept"] = op.accept
        if op.method.startswith("admin.") or bare.startswith("/organization"):
            op.auth = "admin"
        ops.append(op)
    return ops


def read_api(spec_file: str, methods_file: str, api_dir: Optional[str] = None) -> Tuple[Spec, List[Operation]]:
    """The generator's input: the spec (its schemas give the types), every operation of ``methods_file``, and
    the pinned release's description in ``api_dir`` (``api/openai``; it must exist when given) on top."""
    import yaml

    with open(spec_file, encoding="utf-8") as fh:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        spec = Spec(yaml.load(fh, Loader=loader))
    ops = load_operations(spec, methods_file)
    if api_dir is not None:
        if not os.path.isdir(os.path.join(api_dir, "methods")):
            raise FileNotFoundError("no release description in %s (run tools/extract_openai.py)" % api_dir)
        from .release_types import add_release_types

        release = read_release(api_dir)
        ops = follow_release(spec, ops, release)
        add_release_types(spec, ops, release, api_dir)
    return spec, ops


# The pinned release's page classes -> the page styles of ``openai_lite._pagination``.
RELEASE_PAGES: Dict[str, str] = {
    "SyncConversationCursorPage": "LastIdCursorPage",
    "SyncNextCursorPage": "NextCursorPage",
}

# Multipart operations openai-python sends as a form even without a file (others send JSON then).
FORM_ALWAYS = frozenset(("videos.create",))

RELEASE_WHERE: Dict[str, str] = {"json": "body", "multipart": "body", "file": "body", "query": "query",
                                 "path": "path", "header": "header"}

# Plain annotations of the release's parameter types that our stubs can use as they are.
_PLAIN_TYPE = re.compile(r"^(?:str|int|float|bool|None|Optional\[(?:str|int|float|bool)\]|Dict\[str, str\]|"
                         r"Optional\[Dict\[str, str\]\]|SequenceNotStr\[str\]|Literal\[[^\[\]]*\])$")


def release_annotation(text: str) -> str:
    """The stub annotation of a release parameter type: kept when plain, else ``Any``."""
    text = re.sub(r"\s*\|\s*Omit$", "", text.strip())
    if text == "SequenceNotStr[str]":
        return "List[str]"
    return text if _PLAIN_TYPE.match(text) else "Any"


def read_release(api_dir: str) -> Dict[str, Dict[str, Any]]:
    """Every ``http`` method of the pinned release's description (``api/openai/methods/*.json``), by name."""
    import glob
    import json

    methods: Dict[str, Dict[str, Any]] = {}
    for name in sorted(glob.glob(os.path.join(api_dir, "methods", "*.json"))):
        with open(name, encoding="utf-8") as fh:
            for entry in json.load(fh):
                if entry.get("kind") == "http":
                    methods[entry["name"]] = entry
    return methods


def _release_param(prm: Dict[str, Any]) -> Optional[Param]:
    """A parameter as the release describes it (its type in the stubs: ``release_annotation``)."""
    where = RELEASE_WHERE.get(prm.get("in") or "")
    if where is None:  # "local": used by openai-python's client, never sent
        return None
    wire = prm.get("wire_name") or prm["name"]
    param = Param(prm["name"], where, wire, {}, bool(prm.get("required")), str(prm.get("description") or ""))
    if prm["in"] == "file":
        param.file_mode = "file"
    param.annotation = release_annotation(str(prm.get("type") or "Any"))
    if param.file_mode:
        param.annotation = "List[FileTypes]" if param.annotation.startswith("List[") or "Sequence" in str(
            prm.get("type")) or "Iterable" in str(prm.get("type")) else "FileTypes"
    return param


def follow_release(spec: Spec, ops: List[Operation], release: Dict[str, Dict[str, Any]]) -> List[Operation]:
    """The operations as the pinned release calls them: what exists, each keyword and where it goes, the
    path, body kind, fixed headers, page style and stream flag come from its description; the spec stays
    the source of types and descriptions where it has the operation."""
    by_name = {op.method: op for op in ops}
    for name, entry in release.items():
        op = by_name.get(name)
        if op is not None and op.page and entry.get("returns") == "model" and op.whole:
            # The release answers one object where the spec's shape says page (the usage and costs reports:
            # ``UsageCompletionsResponse`` with data, has_more, next_page): so do we, a plain model read as
            # openai reads it (iterating gives its fields), with no page helpers added: code paging by
            # ``page=report.next_page`` runs on both packages, a ``has_next_page()`` only here.
            op.page, op.cast_to = None, op.whole
    # the release's answer classes -> ours, as the spec's operations answer (ProjectAPIKey -> ProjectApiKey)
    ours: Dict[str, str] = {}
    for name, entry in release.items():
        answer = entry.get("item") or entry.get("response")
        if name in by_name and by_name[name].cast_to and answer:
            ours.setdefault(answer, by_name[name].cast_to)
    for name, entry in release.items():
        if name.startswith("beta.chat.completions."):  # client.beta.chat.completions is client.chat.completions
            continue
        op = by_name.get(name)
        if op is None:
            op = by_name[name] = Operation(name, entry["verb"], entry["path"])
            op.synthetic = True
            op.description = str(entry.get("description") or "")
            op.summary = op.description.split("\n\n")[0]
            returns = entry.get("returns")
            op.response = {"model": "json", "page": "json"}.get(returns, returns or "json")
            if returns == "page":
                page_text = str(entry.get("page") or "SyncPage")
                page = page_text.split("[")[0]
                op.page = RELEASE_PAGES.get(page, page)
                item = entry.get("item")
                if "[" in page_text and (not item or "(" in item):  # "cast(Any, X)": the page's X
                    item = page_text[page_text.index("[") + 1:-1]
                op.cast_to = ours.get(item) or type_name(item)
            elif returns == "model":
                op.cast_to = ours.get(entry.get("response")) or type_name(entry.get("response"))
            if op.response == "binary":
                op.accept = "application/binary"
            op.params = [p for p in (_release_param(prm) for prm in entry.get("params") or []) if p]
            if entry.get("stream"):
                op.streams = any(p.name == "stream" and p.where in ("body", "query") for p in op.params)
                op.stream_always = not op.streams
                event = str(entry["stream"])  # Stream[X] -> X; XStream -> X
                op.stream_cast_to = type_name(event[event.index("[") + 1:-1] if "[" in event else
                                              event[:-len("Stream")] if event.endswith("Stream") else event)
        else:
            if op.path.split("?")[0] != entry["path"].split("?")[0]:
                op.path = entry["path"] + (("?" + op.path.split("?", 1)[1]) if "?" in op.path and "?" not in
                                           entry["path"] else "")
            known = {p.name: p for p in op.params}
            for prm in entry.get("params") or []:
                p = known.get(prm["name"])
                if p is None:
                    new = _release_param(prm)
                    if new is not None:
                        op.params.append(new)
                        known[new.name] = new
                elif p.required and not prm.get("required") and p.where != "path":
                    p.required = False
            if entry.get("body") == "multipart" and op.body_kind == "json":
                op.body_kind = "multipart"
                files = {path[0] for path in entry.get("file_paths") or [] if path}
                for p in op.params:
                    if p.wire in files:
                        p.file_mode = "either" if p.annotation not in ("Any", "FileTypes") else "file"
        op.body_kind = {"json": "json", "multipart": "multipart"}.get(entry.get("body"), op.body_kind)
        if op.method in FORM_ALWAYS:
            op.json_ok = False
        if op.body_kind == "none" and any(p.where == "body" for p in op.params):
            op.body_kind = "json"
        headers = dict(entry.get("headers") or {})
        if op.accept and "Accept" not in headers:
            headers["Accept"] = op.accept
        op.headers = headers
        auth = entry.get("auth") or []
        op.auth = "admin" if "admin_api_key_auth" in auth else "api"
        # path parameters in the template's order first, as the spec-read operations have them
        order = re.findall(r"{([^}]+)}", op.path)
        path_params = {p.wire: p for p in op.params if p.where == "path"}
        if sorted(path_params) == sorted(order):
            op.params = [path_params[n] for n in order] + [p for p in op.params if p.where != "path"]
    return list(by_name.values())
