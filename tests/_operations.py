"""Every generated operation as data, for the tests: ``OPERATIONS`` and ``BY_NAME``, built on first
access from the package's resource modules (the data ``_op`` keeps and the methods' signatures).

``Operation``: ``name`` the method's dotted path below the client; ``path`` the URL template;
``required``/``optional`` the keyword names (path parameters apart); ``params`` every parameter as
``(python name, where, name on the wire)``, ``where`` one of path/query/header/body/file ("file": a
multipart field that takes a file, or for some an object instead); ``body`` "json", "multipart" or
"none"; ``page`` the page class name of list operations.
"""


def _build():
    import importlib
    import inspect
    import os
    from typing import NamedTuple, Optional, Tuple

    from openai_lite import OpenAI
    from openai_lite import resources
    from openai_lite.resources import DATA
    from openai_lite.resources._call import _parse

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

    for module in sorted(os.listdir(os.path.dirname(resources.__file__))):
        if module.endswith(".py") and not module.startswith("_"):
            importlib.import_module("openai_lite.resources." + module[:-3])
    client = OpenAI(api_key="-")
    found = []
    for name in sorted(DATA):
        method = client
        for part in name.split("."):
            method = getattr(method, part)
        signature = inspect.signature(method).parameters
        (verb, path, path_params, _, headers, body_kind, body, files, _, cast_to, page, stream_cast_to,
         stream_name, binary, auth, _, fixed, query) = _parse(name, ["self"] + list(signature))
        path_names = tuple(py for py, _ in path_params)
        where = {py: "path" for py in path_names}
        where.update((py, "query") for py, _ in query)
        where.update((h[0], "header") for h in headers)
        wires = dict(path_params)
        wires.update(query)
        wires.update((h[0], h[1]) for h in headers)
        for py, wire in body:
            where[py] = "file" if wire in files else "body"
            wires[py] = wire
        rest = [n for n in signature if n in where and n not in path_names]
        found.append(Operation(
            name, verb, path, path_names,
            tuple(n for n in rest if signature[n].default is inspect.Parameter.empty),
            tuple(n for n in rest if signature[n].default is not inspect.Parameter.empty),
            {"j": "json", "m": "multipart"}.get(body_kind, "none"), page, stream_name is not None, binary,
            tuple((n, where[n], wires[n]) for n in list(path_names) + rest),
            cast_to, stream_cast_to, auth, tuple(sorted(fixed.items()))))
    client.close()
    return Operation, tuple(found)


def __getattr__(name):
    if name in ("Operation", "OPERATIONS", "BY_NAME"):
        operation, operations = _build()
        globals().update(Operation=operation, OPERATIONS=operations, BY_NAME={op.name: op for op in operations})
        return globals()[name]
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
