"""The one body every generated API method shares: its arguments -> ``resource._request``.

A generated method (``openai_lite/resources/*.py``) is a plain ``def`` with the operation's signature whose
body is one call::

    def retrieve(self, file_id, *, extra_headers=None, extra_query=None, extra_body=None, timeout=NOT_GIVEN):
        return _call(self, locals(), "GET", "/files/{file_id}", cast_to="FileObject")

``args`` is the method's ``locals()`` (its parameters, nothing else). Where each one goes:

- a ``{name}`` of the path template: the path (checked non-empty and quoted by ``format_path``);
- a name in ``query`` or ``headers``: the query string or a header (``list_headers``: a list sent
  comma-separated);
- every other parameter: the body, JSON (``body="json"``) or multipart (``body="multipart"``, where the
  fields in ``files`` may carry a file);
- ``extra_headers``, ``extra_query``, ``extra_body`` and ``timeout``: the funnel's own keywords.

``wire`` maps a Python name to the name the API uses where they differ (``wire={"type_": "type"}``).
The keywords after that describe the answer (``cast_to``, ``page``, ``stream_cast_to``, ``stream_always``,
``binary``) and the
request (``fixed_headers``, ``admin`` for the admin API key). Everything here is per call and cheap: no
table is read and no code is built at run time.
"""
from typing import Any, Dict, Mapping, Optional, Tuple

from ._encoding import split_multipart
from ._types import NOT_GIVEN

__all__ = ["call"]

_EXTRAS = frozenset(("self", "extra_headers", "extra_query", "extra_body", "timeout"))
_NO_RENAMES: Mapping[str, str] = {}
_placeholders: Dict[str, Tuple[str, ...]] = {}  # path template -> the names in its braces


def _path_names(path: str) -> Tuple[str, ...]:
    found = _placeholders.get(path)
    if found is None:
        import re

        found = _placeholders[path] = tuple(re.findall(r"{([^}]+)}", path))
    return found


def _without_brackets(name: str) -> str:
    return name[:-2] if name.endswith("[]") else name


def call(
    resource: Any,
    args: Mapping[str, Any],
    verb: str,
    path: str,
    *,
    body: Optional[str] = None,
    query: Tuple[str, ...] = (),
    headers: Tuple[str, ...] = (),
    list_headers: Tuple[str, ...] = (),
    files: Tuple[str, ...] = (),
    json_fields: Tuple[str, ...] = (),
    json_ok: bool = False,
    wire: Optional[Mapping[str, str]] = None,
    fixed_headers: Optional[Mapping[str, str]] = None,
    cast_to: Any = None,
    page: Optional[str] = None,
    streams: bool = False,
    stream_always: bool = False,
    stream_cast_to: Optional[str] = None,
    binary: bool = False,
    admin: bool = False,
) -> Any:
    """Send one API operation: ``args`` (a generated method's ``locals()``) placed as its keywords say."""
    wire = wire or _NO_RENAMES
    kwargs: Dict[str, Any] = {}
    not_body = _EXTRAS  # the parameters that do not go in the body
    placeholders = _path_names(path)
    if placeholders or query or headers:
        not_body = set(_EXTRAS)
        not_body.update(query)
        not_body.update(headers)
    if placeholders:
        python_names = {w: p for p, w in wire.items()}
        path_params = {}
        for name in placeholders:
            python_name = python_names.get(name, name)
            path_params[name] = args[python_name]
            not_body.add(python_name)  # type: ignore[attr-defined]
        kwargs["path_params"] = path_params
    if query:  # a list goes as ``a[]=...`` (the encoder adds the brackets the spec's name carries)
        kwargs["query"] = {_without_brackets(wire.get(name, name)): args[name] for name in query}
    if headers or fixed_headers:
        header_values = dict(fixed_headers or {})
        for name in headers:
            value = args[name]
            if name in list_headers:
                value = ",".join(value) if value else NOT_GIVEN
            header_values[wire.get(name, name)] = value
        kwargs["headers"] = header_values
    if body is not None:
        if wire:
            fields = {wire.get(name, name): value for name, value in args.items() if name not in not_body}
        else:
            fields = {name: value for name, value in args.items() if name not in not_body}
        if body == "multipart":
            kwargs["body"], kwargs["files"] = split_multipart(fields, files, json_ok=json_ok, json_fields=json_fields)
        else:
            kwargs["body"] = fields
    if cast_to is not None:
        kwargs["cast_to"] = cast_to
    if page is not None:
        kwargs["page"] = page
    if streams or stream_always:  # ``stream_always``: an events endpoint, no ``stream`` keyword
        kwargs["stream"] = True if stream_always else args["stream"]
        if stream_cast_to is not None:
            kwargs["stream_cast_to"] = stream_cast_to
    if binary:
        kwargs["binary"] = True
    if admin:
        kwargs["auth"] = "admin"
    return resource._request(verb, path, extra_headers=args["extra_headers"], extra_query=args["extra_query"],
                             extra_body=args["extra_body"], timeout=args["timeout"], **kwargs)
