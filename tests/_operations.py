"""Every generated operation as data, for the tests: ``OPERATIONS`` and ``BY_NAME``, built on first
access from the package's resource modules: the client's resource tree is walked, and each generated
method's source (``inspect.getsource``) is read for its one call into ``openai_lite._call.call``, whose
arguments are literals.

``Operation``: ``name`` the method's dotted path below the client; ``path`` the URL template;
``required``/``optional`` the keyword names (path parameters apart); ``params`` every parameter as
``(python name, where, name on the wire)``, ``where`` one of path/query/header/body/file ("file": a
multipart field that takes a file, or for some an object instead); keywords defaulting to ``None``
are the client's own (``sessions.create(output_type=...)``), never sent, and are not listed; ``body`` "json", "multipart" or
"none"; ``page`` the page class name of list operations.
"""


def _call_arguments(function):
    """(positional, keywords) of the ``_call(self, locals(), ...)`` a generated method returns."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0].body
    call = body[-1].value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_finish":
        call = call.args[0]  # a method with client-side keywords: ``return _finish(_call(self, _sent, ...))``
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "_call", function
    positional = [ast.literal_eval(arg) for arg in call.args[2:]]
    keywords = {}
    for kw in call.keywords:
        if isinstance(kw.value, ast.Name):  # cast_to=str: the answer is text
            keywords[kw.arg] = kw.value.id
        else:
            keywords[kw.arg] = ast.literal_eval(kw.value)
    return positional, keywords


def _build():
    import inspect
    import re
    from typing import NamedTuple, Optional, Tuple

    from openai_lite import OpenAI
    from openai_lite.resources._client_resources import ClientResources

    class Operation(NamedTuple):
        name: str
        verb: str
        path: str
        path_params: Tuple[str, ...]
        required: Tuple[str, ...]
        optional: Tuple[str, ...]
        body: str
        page: Optional[str]
        streams: bool
        binary: bool
        params: Tuple[Tuple[str, str, str], ...]
        cast_to: Optional[str]
        stream_cast_to: Optional[str]
        auth: str
        headers: Tuple[Tuple[str, str], ...]

    found = []

    def operation(name, function):
        (verb, path), kw = _call_arguments(function)
        wire = kw.get("wire", {})
        python_names = {w: p for p, w in wire.items()}
        path_names = tuple(python_names.get(w, w) for w in re.findall(r"{([^}]+)}", path))
        signature = inspect.signature(function).parameters
        where = {py: "path" for py in path_names}
        where.update((py, "query") for py in kw.get("query", ()))
        where.update((py, "header") for py in kw.get("headers", ()))
        for py in signature:
            if py in where or py in ("self", "extra_headers", "extra_query", "extra_body", "timeout"):
                continue
            if signature[py].default is None:  # the client's own keyword (output_type), never sent
                continue
            where[py] = "file" if wire.get(py, py) in kw.get("files", ()) else "body"
        rest = [n for n in signature if n in where and n not in path_names]
        found.append(Operation(
            name, verb, path, path_names,
            tuple(n for n in rest if signature[n].default is inspect.Parameter.empty),
            tuple(n for n in rest if signature[n].default is not inspect.Parameter.empty),
            kw.get("body") or "none", kw.get("page"), bool(kw.get("streams")), bool(kw.get("binary")),
            tuple((n, where[n], wire.get(n, n)) for n in list(path_names) + rest),
            kw.get("cast_to"), kw.get("stream_cast_to"), "admin" if kw.get("admin") else "api",
            tuple(sorted(kw.get("fixed_headers", {}).items()))))

    def visit(resource, prefix, family):
        cls = type(resource)
        if cls.__module__ != family:
            return  # another family's resource reached by an alias (beta.chat.completions)
        for attr, value in sorted(vars(cls).items()):
            if isinstance(value, property):
                visit(getattr(resource, attr), prefix + attr + ".", family)
            elif inspect.isfunction(value) and not attr.startswith("_"):
                operation(prefix + attr, value)

    client = OpenAI(api_key="-")
    for top, value in sorted(vars(ClientResources).items()):
        if isinstance(value, property):
            visit(getattr(client, top), top + ".", "openai_lite.resources." + top)
    client.close()
    return Operation, tuple(sorted(found, key=lambda op: op.name))


def __getattr__(name):
    if name in ("Operation", "OPERATIONS", "BY_NAME"):
        operation, operations = _build()
        globals().update(Operation=operation, OPERATIONS=operations, BY_NAME={op.name: op for op in operations})
        return globals()[name]
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
