"""Describe an installed ``openai`` package as plain data (run by tools/extract_openai.py).

Runs inside the throwaway virtual environment that holds the pinned openai release, so it
imports nothing from openai_lite and needs only the standard library beside openai.  It
prints one JSON document on stdout:

``client``     the client's keywords and the module's public names;
``methods``    every public method of the synchronous client's resource tree, with its HTTP
               verb and path, each parameter's type, place (path/query/json/multipart/file/
               header) and whether it is required, the response type, stream event type,
               page class and auth kind;
``types``      every module under ``openai.types``: its classes (response models and
               request TypedDicts) with fields, field types, required-ness and descriptions,
               its type aliases, and where each imported name comes from.

Where a fact is only visible in source (the path a method posts to, which dict a parameter
goes into, a field's description), the module's source is parsed with ``ast`` and the facts
are read from the syntax tree; nothing of the source is kept but those facts.
"""
import ast
import functools
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
import typing

import openai

HTTP_CALLS = {"_get": "GET", "_post": "POST", "_put": "PUT", "_patch": "PATCH", "_delete": "DELETE",
              "_get_api_list": "GET"}
# Keywords every method takes that are request options, not API parameters.
OPTION_KEYWORDS = ("extra_headers", "extra_query", "extra_body", "timeout")


def _annotation_text(node):
    return None if node is None else ast.unparse(node)


@functools.lru_cache(maxsize=None)
def _module_tree(module_name):
    module = sys.modules[module_name]
    return ast.parse(inspect.getsource(module))


def _function_node(func):
    source = textwrap.dedent(inspect.getsource(func))
    tree = ast.parse(source)
    return tree.body[0]


# --------------------------------------------------------------------------- docstrings

def _split_docstring(doc):
    """(summary text, {argument: description}) from a Google-style docstring."""
    if not doc:
        return "", {}
    doc = inspect.cleandoc(doc)
    head, sep, rest = doc.partition("\nArgs:\n")
    args = {}
    if sep:
        current = None
        for line in rest.splitlines():
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if indent == 2 and ":" in stripped and not stripped.startswith(("-", "`")):
                name, _, text = stripped.partition(":")
                if name.isidentifier():
                    current = name
                    args[current] = [text.strip()]
                    continue
            if current is not None:
                args[current].append(stripped)
        args = {k: "\n".join(v).strip() for k, v in args.items() if k not in OPTION_KEYWORDS}
        args = {k: _squeeze(v) for k, v in args.items()}
    return _squeeze(head), args


def _squeeze(text):
    # Paragraph breaks stay; wrapped lines join.
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


# --------------------------------------------------------------------------- methods

def _dict_keys(node, assignments):
    """{wire key: python name or None} of a dict literal, following ``x = {...}`` and wrappers."""
    if isinstance(node, ast.Name) and node.id in assignments:
        return _dict_keys(assignments[node.id], assignments)
    if isinstance(node, ast.Call):
        # maybe_transform({...}, Params) / deepcopy_with_paths({...}, paths) / strip_not_given({...})
        for arg in node.args[:1]:
            found = _dict_keys(arg, assignments)
            if found is not None:
                return found
        return None
    if isinstance(node, ast.Dict):
        keys = {}
        for key, value in zip(node.keys, node.values):
            if key is None:  # **spread
                inner = _dict_keys(value, assignments)
                if inner:
                    keys.update(inner)
            elif isinstance(key, ast.Constant):
                keys[key.value] = value.id if isinstance(value, ast.Name) else None
        return keys
    return None


def _constant_dict(node):
    out = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                out[key.value] = value.value
            elif key is None and isinstance(value, ast.Call):
                for arg in value.args:
                    out.update(_constant_dict(arg))
    return out


def _path_of(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return node.args[0].value  # path_template("/files/{file_id}", file_id=file_id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(value.value)
            else:
                parts.append("{%s}" % ast.unparse(value.value))
        return "".join(parts)
    return None


def _request_facts(func):
    """What one method's body sends, read from its syntax tree (None for helpers that send nothing directly)."""
    tree = _function_node(func)
    assignments = {}
    header_values = []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assignments.setdefault(node.targets[0].id, node.value)
            if node.targets[0].id == "extra_headers":
                header_values.append(node.value)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in HTTP_CALLS and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"):
            calls.append(node)
    if not calls:
        return None
    call = calls[0]
    facts = {"verb": HTTP_CALLS[call.func.attr], "path": _path_of(call.args[0]) if call.args else None}
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    options = {}
    if isinstance(keywords.get("options"), ast.Call):
        options = {k.arg: k.value for k in keywords["options"].keywords if k.arg}
    if call.func.attr == "_get_api_list":
        method = keywords.get("method")
        if isinstance(method, ast.Constant):
            facts["verb"] = method.value.upper()
        facts["page"] = _annotation_text(keywords.get("page"))
        facts["item"] = _annotation_text(keywords.get("model"))
    cast_to = keywords.get("cast_to")
    if isinstance(cast_to, ast.Call) and getattr(cast_to.func, "id", None) == "cast" and len(cast_to.args) == 2:
        cast_to = cast_to.args[1]  # cast(Any, ConversationItem): a union the type checker cannot take
    facts["cast_to"] = _annotation_text(cast_to) or facts.get("page")
    if "stream_cls" in keywords:
        facts["stream_cls"] = _annotation_text(keywords["stream_cls"])
    facts["body"] = _dict_keys(keywords["body"], assignments) if "body" in keywords else None
    if "body" in keywords and facts["body"] is None:
        # The body dict went through a helper first (``prepare_...(self, {...})``): take the
        # largest dict literal of parameter names in the method.
        params = {a.arg for a in tree.args.args + tree.args.kwonlyargs}
        best = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys):
                keys = _dict_keys(node, {})
                if any(v in params for v in keys.values()) and len(keys) > len(best):
                    best = keys
        facts["body"] = best
    facts["query"] = _dict_keys(options["query"], assignments) if "query" in options else None
    facts["has_files"] = "files" in keywords
    file_paths = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "extract_files":
            for k in node.keywords:
                if k.arg == "paths":
                    file_paths = ast.literal_eval(k.value)
    facts["file_paths"] = file_paths
    headers = {}
    header_params = {}
    for value in header_values:
        headers.update(_constant_dict(value))
        for node in ast.walk(value):
            # {"openai-beta": ",".join(betas) ...}: the header a parameter's value goes into.
            if isinstance(node, ast.Dict):
                for key, item in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant):
                        for name in ast.walk(item):
                            if isinstance(name, ast.Name) and name.id != "extra_headers":
                                header_params.setdefault(name.id, key.value)
    facts["headers"] = headers
    facts["header_params"] = header_params
    security = options.get("security")
    facts["auth"] = sorted(_constant_dict(security)) if security is not None else []
    return facts


def _returns_kind(cast_to, paged):
    if paged:
        return "page"
    if cast_to is None or cast_to == "NoneType":
        return "none"
    if cast_to.endswith("BinaryResponseContent"):
        return "binary"
    if cast_to in ("str", "object"):
        return cast_to
    return "model"


def _defined_in(func, annotation):
    """The module that defines the class a method returns (or pages over), e.g. openai.types.file_object."""
    if not annotation:
        return None
    name = annotation.split("[")[0].split(".")[-1]
    value = vars(sys.modules[func.__module__]).get(name)
    module = getattr(value, "__module__", None)
    return module if module and module.startswith("openai.types") else None


def _location(name, facts, path_names):
    if name in path_names:
        return "path", name
    if name in facts["header_params"]:
        return "header", facts["header_params"][name]
    for source, place in (("query", "query"), ("body", "body")):
        keys = facts.get(source) or {}
        for wire, py in keys.items():
            if py == name or (py is None and wire == name):
                if place == "body":
                    multipart = facts["has_files"] or facts["headers"].get("Content-Type") == "multipart/form-data"
                    if multipart:
                        top = [p[0] for p in facts["file_paths"]]
                        return ("file" if wire in top else "multipart"), wire
                    return "json", wire
                return place, wire
    return "local", name  # used by the client itself (output_type=, tool_handlers=...), never sent


def _overload_doc(func):
    """An overloaded method keeps its docstring on the overloads (the first one that has it)."""
    try:
        from typing_extensions import get_overloads
    except ImportError:  # pragma: no cover - openai depends on typing_extensions
        return None
    for overload in get_overloads(func):
        if overload.__doc__:
            return overload.__doc__
    return None


def _method_entry(dotted, func):
    sig = inspect.signature(func)
    doc_summary, doc_args = _split_docstring(func.__doc__ or _overload_doc(func))
    facts = _request_facts(func)
    entry = {"name": dotted, "kind": "http" if facts else "helper"}
    path_names = set()
    if facts:
        entry["verb"] = facts["verb"]
        entry["path"] = facts["path"]
        # Placeholders can sit inside a segment: "/{id}:cancel".
        path_names = set(re.findall(r"{(\w+)}", facts["path"] or ""))
        multipart = facts["has_files"] or facts["headers"].get("Content-Type") == "multipart/form-data"
        entry["body"] = "multipart" if multipart else ("json" if facts["body"] is not None else "none")
        entry["response"] = facts["cast_to"]
        entry["returns"] = _returns_kind(facts["cast_to"], "page" in facts)
        where = _defined_in(func, facts.get("item") or facts["cast_to"])
        if where:
            entry["response_module"] = where
        if "page" in facts:
            entry["page"] = facts["page"]
            entry["item"] = facts["item"]
        if "stream_cls" in facts:
            entry["stream"] = facts["stream_cls"]
        entry["headers"] = {k: v for k, v in facts["headers"].items() if k != "Content-Type"}
        entry["auth"] = facts["auth"]
        entry["file_paths"] = facts["file_paths"]
    else:
        entry["response"] = _annotation_text(_function_node(func).returns)
    params = []
    node = _function_node(func)
    annotations = {}
    for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
        annotations[arg.arg] = _annotation_text(arg.annotation)
    for p in sig.parameters.values():
        if p.name == "self" or p.name in OPTION_KEYWORDS:
            continue
        kind = {p.POSITIONAL_ONLY: "positional", p.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
                p.KEYWORD_ONLY: "keyword", p.VAR_KEYWORD: "var_keyword", p.VAR_POSITIONAL: "var_positional"}[p.kind]
        item = {"name": p.name, "type": annotations.get(p.name), "required": p.default is p.empty and kind not in
                ("var_keyword", "var_positional"), "kind": kind}
        if p.default is not p.empty and not _is_omit(p.default):
            item["default"] = _plain(p.default)
        if facts:
            where, wire = _location(p.name, facts, path_names)
            item["in"] = where
            if wire != p.name:
                item["wire_name"] = wire
        if p.name in doc_args:
            item["description"] = doc_args[p.name]
        params.append(item)
    entry["params"] = params
    entry["options"] = [p for p in OPTION_KEYWORDS if p in sig.parameters]
    entry["description"] = doc_summary
    return entry


def _is_omit(value):
    return type(value).__name__ in ("Omit", "NotGiven")


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _resource_children(cls):
    """(attribute, kind) pairs a resource class defines: cached sub-resources and public methods."""
    seen = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("openai.resources") or klass is cls:
            for name, value in vars(klass).items():
                seen[name] = value
    for name in sorted(seen):
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
            continue
        value = seen[name]
        if isinstance(value, functools.cached_property) or type(value).__name__ == "cached_property":
            yield name, "resource", value
        elif inspect.isfunction(value):
            yield name, "method", value


def walk_resources(client):
    methods = []
    resources = []

    def visit(obj, prefix):
        for name, kind, value in _resource_children(type(obj)):
            dotted = prefix + name
            if kind == "resource":
                child = getattr(obj, name)
                if isinstance(child, openai._resource.SyncAPIResource):
                    resources.append({"name": dotted, "class": type(child).__name__,
                                      "description": _squeeze(inspect.cleandoc(type(child).__doc__ or ""))})
                    visit(child, dotted + ".")
            else:
                methods.append(_method_entry(dotted, value))

    for name in sorted(dir(type(client))):
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
            continue
        attr = inspect.getattr_static(type(client), name)
        if type(attr).__name__ == "cached_property":
            child = getattr(client, name)
            if isinstance(child, openai._resource.SyncAPIResource):
                resources.append({"name": name, "class": type(child).__name__,
                                  "description": _squeeze(inspect.cleandoc(type(child).__doc__ or ""))})
                visit(child, name + ".")
    return resources, methods


# --------------------------------------------------------------------------- types

def _field_docs(class_node):
    """[(name, annotation text, has default, description)] of a class body."""
    out = []
    body = class_node.body
    for i, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            doc = None
            if i + 1 < len(body) and isinstance(body[i + 1], ast.Expr) and isinstance(
                    getattr(body[i + 1], "value", None), ast.Constant) and isinstance(body[i + 1].value.value, str):
                doc = _squeeze(inspect.cleandoc(body[i + 1].value.value))
            out.append((node.target.id, _annotation_text(node.annotation), node.value is not None, doc))
    return out


def _imports(tree, module_name):
    """{name: module it is imported from} for the module's ``from ... import`` lines (relative ones resolved)."""
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = module_name.split(".")
            if not _is_package(module_name):
                base = base[:-1]
            base = base[:len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module
        for alias in node.names:
            # `from . import chat` names a module; `from .chat import X` a name inside one.
            out[alias.asname or alias.name] = source if node.module else source + "." + alias.name
    return out


def _is_package(module_name):
    return hasattr(sys.modules[module_name], "__path__")


def describe_type_module(module_name):
    module = sys.modules[module_name]
    tree = _module_tree(module_name)
    entry = {"module": module_name}
    imports = {k: v for k, v in _imports(tree, module_name).items() if v.startswith("openai.types")}
    if imports:
        entry["imports"] = imports
    classes = {}
    aliases = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            cls = getattr(module, node.name, None)
            if cls is None:
                continue
            required = set()
            kind = "class"
            if hasattr(cls, "model_fields"):
                kind = "model"
                required = {n for n, f in cls.model_fields.items() if f.is_required()}
                aliases_of = {n: f.alias for n, f in cls.model_fields.items() if f.alias and f.alias != n}
            elif hasattr(cls, "__required_keys__"):
                kind = "typeddict"
                required = set(cls.__required_keys__)
                aliases_of = {}
            else:
                aliases_of = {}
            fields = []
            if kind == "typeddict":
                # Read from the source: with postponed annotations `__required_keys__` misses `Required[...]`.
                total = all(not (kw.arg == "total" and not ast.literal_eval(kw.value)) for kw in node.keywords)
                for name, annotation, _, _ in _field_docs(node):
                    if annotation.startswith("Required[") or (total and not annotation.startswith("NotRequired[")):
                        required.add(name)
            for name, annotation, has_default, doc in _field_docs(node):
                field = {"name": name, "type": annotation, "required": name in required}
                if name in aliases_of:
                    field["wire_name"] = aliases_of[name]
                if doc:
                    field["description"] = doc
                fields.append(field)
            klass = {"kind": kind, "bases": [ast.unparse(b) for b in node.bases
                                             if not (isinstance(b, ast.Name) and b.id == "object")]}
            klass = {k: v for k, v in klass.items() if v}
            docstring = ast.get_docstring(node)
            if docstring:
                klass["description"] = _squeeze(docstring)
            klass["fields"] = fields
            for kw in node.keywords:
                if kw.arg == "total":
                    klass["total"] = bool(ast.literal_eval(kw.value))
            classes[node.name] = klass
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            if _annotation_text(node.annotation) == "TypeAlias":
                aliases[node.target.id] = ast.unparse(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name != "__all__" and not name.startswith("_") and isinstance(node.value, ast.Subscript):
                aliases[name] = ast.unparse(node.value)
    if classes:
        entry["classes"] = classes
    if aliases:
        entry["aliases"] = aliases
    if hasattr(module, "__all__") and not _is_package(module_name):
        entry["all"] = list(module.__all__)
    return entry


def walk_types():
    import openai.types
    names = ["openai.types"]
    for info in pkgutil.walk_packages(openai.types.__path__, "openai.types."):
        names.append(info.name)
    out = []
    for name in sorted(names):
        importlib.import_module(name)
        entry = describe_type_module(name)
        if _is_package(name):
            # A package's __init__ re-exports names: record where each comes from.
            entry = {"module": name, "package": True, "exports": entry.get("imports", {})}
            entry.pop("imports", None)
        out.append(entry)
    return out


# --------------------------------------------------------------------------- client and module names

def describe_client():
    sig = inspect.signature(openai.OpenAI.__init__)
    keywords = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        item = {"name": p.name}
        if p.default is not p.empty and not _is_omit(p.default):
            item["default"] = _plain(p.default)
        keywords.append(item)
    names = sorted(n for n in dir(openai) if not n.startswith("_"))
    kinds = {}
    for n in names:
        value = getattr(openai, n)
        if inspect.ismodule(value):
            kinds[n] = "module"
        elif inspect.isclass(value):
            kinds[n] = "class"
        elif callable(value):
            kinds[n] = "function"
        else:
            kinds[n] = "value"
    client_attrs = sorted(n for n in dir(openai.OpenAI) if not n.startswith("_"))
    return {"version": openai.__version__, "client_keywords": keywords, "module_names": kinds,
            "client_attributes": client_attrs}


def main():
    client = openai.OpenAI(api_key="sk-introspect", admin_api_key="sk-admin-introspect",
                           webhook_secret="whsec_introspect", base_url="http://127.0.0.1:9/v1")
    resources, methods = walk_resources(client)
    document = {"client": describe_client(), "resources": resources, "methods": methods, "types": walk_types()}
    json.dump(document, sys.stdout, indent=None, sort_keys=False)


if __name__ == "__main__":
    main()
