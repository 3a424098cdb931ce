"""``openai-lite api RESOURCE.METHOD [options]``: any method of the library, its options derived
from the method's parameters (``--max-tokens`` for ``max_tokens``; ``--max_tokens`` works too).

Values: strings as given; numbers and booleans checked; objects and lists as JSON, or ``@file.json``
to read one (``@-``: standard input); file parameters take a path (``-``: standard input). Only the
chosen method's family is imported, and its parameters are looked at only when it is called.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List

from . import _legacy
from ._main import UsageError, common_options
from ._signature import AUTO, BOOL, FILE, FILES, FLOAT, INT, JSON, STRS, Param, describe

_HIDDEN = frozenset(("with_raw_response", "with_streaming_response", "with_options", "copy"))


def run(args: Any) -> int:
    from .._client import OpenAI

    # Parameters are read from a client that is never used to send anything, so that
    # ``api X --help`` works without a key; the call itself goes through the configured client.
    probe = OpenAI(api_key="unused", base_url="http://localhost")
    if not args.method:
        for name in sorted(list_methods(probe)):
            sys.stdout.write(name + "\n")
        return 0
    dotted = args.method.replace("-", "_")
    params, summary, returns = describe(resolve(probe, dotted))
    parser = method_parser(dotted, params, summary, binary=not returns or "Binary" in returns)
    options = parser.parse_args(args.rest)
    for name in ("base_url", "timeout", "max_retries", "quiet", "verbose"):
        if hasattr(options, name):
            setattr(args, name, getattr(options, name))
    kwargs = collect(parser, dotted, params, options)
    from ._config import make_client

    client = make_client(args)
    meters = _with_progress(kwargs, params, args)
    try:
        result = resolve(client, dotted)(**kwargs)
    finally:
        for meter in meters:
            meter.done()
    as_text = dotted in _legacy.TEXT_OUTPUT and not options.json and (
        dotted == "completions.create" or getattr(options, "legacy_messages", None))
    if as_text:
        write_completion_text(result, "Chat Completion" if dotted.startswith("chat.") else "Completion")
    else:
        from ._output import write_result

        write_result(result, getattr(options, "output_file", None))
    return 0


def resolve(client: Any, dotted: str) -> Any:
    """``client.a.b.method`` from ``"a.b.method"``, or a UsageError saying what exists."""
    from .._resource import SyncAPIResource

    target = client
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        if not part or part.startswith("_") or part in _HIDDEN or not hasattr(target, part):
            where = ".".join(parts[:depth]) or "the client"
            raise UsageError("%s has no %r; `openai-lite api` lists every RESOURCE.METHOD" % (where, part))
        target = getattr(target, part)
    if isinstance(target, SyncAPIResource) or not callable(target):
        methods = sorted(list_methods(target, dotted))
        raise UsageError("%s is a resource; its methods: %s" % (dotted, ", ".join(methods) or "none"))
    return target


def list_methods(node: Any, prefix: str = "") -> List[str]:
    """Every RESOURCE.METHOD under ``node`` (a client or a resource); imports every family below it."""
    from .._resource import SyncAPIResource

    found = []
    for name in dir(type(node)):
        if name.startswith("_") or name in _HIDDEN:
            continue
        attr = getattr(type(node), name, None)
        dotted = prefix + "." + name if prefix else name
        if isinstance(attr, property):
            child = getattr(node, name, None)
            if isinstance(child, SyncAPIResource):
                found.extend(list_methods(child, dotted))
        elif callable(attr) and prefix and name not in ("close",):
            found.append(dotted)
    return found


# -- the method's options ----------------------------------------------------------------------


def _flags(dotted: str, param: Param) -> List[str]:
    flags = ["--" + param.name.replace("_", "-")]
    if "_" in param.name:
        flags.append("--" + param.name)
    return flags + [f for f in _legacy.FLAGS.get(dotted, {}).get(param.name, []) if f not in flags]


_KIND_HELP = {JSON: "JSON, or @file.json", FILE: "a path, '-' for standard input",
              FILES: "paths", BOOL: "true or false", AUTO: "a string, or JSON",
              STRS: "one or more values, or a JSON array"}


def method_parser(dotted: str, params: List[Param], summary: str, binary: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openai-lite api " + dotted, usage="%(prog)s [options]",
                                     description=summary, allow_abbrev=False)
    taken = {"-h", "--help", "--base-url", "--timeout", "--max-retries", "-q", "--quiet", "-v", "--verbose"}
    group = parser.add_argument_group("parameters")
    for p in params:
        flags = [f for f in _flags(dotted, p) if f not in taken] or ["--param-" + p.name.replace("_", "-")]
        taken.update(flags)
        text = p.help
        if p.kind in _KIND_HELP:
            text = (text + " " if text else "") + "(%s)" % _KIND_HELP[p.kind]
        if p.choices:
            text += " One of: %s." % ", ".join(p.choices)
        if p.required:
            text = "required. " + text
        kwargs: Dict[str, Any] = dict(dest="param_" + p.name, default=argparse.SUPPRESS, help=text)
        if p.kind == BOOL:
            kwargs.update(nargs="?", const=True, type=_boolean, metavar="true|false")
        elif p.kind == FILES:
            kwargs.update(nargs="+", type=_file, metavar="PATH")
        elif p.kind == STRS:
            kwargs.update(nargs="+", metavar="VALUE")
        else:
            kwargs.update(type=_CONVERT.get(p.kind, str), metavar=_METAVAR.get(p.kind, p.name.upper()))
        if p.positional:
            group.add_argument("pos_" + p.name, nargs="?", default=argparse.SUPPRESS, type=kwargs.get("type", str),
                               metavar=p.name.upper(), help="%s (or %s)" % (text, flags[0]))
            kwargs["help"] = argparse.SUPPRESS
        group.add_argument(*flags, **kwargs)
    if dotted == "chat.completions.create" and "-g" not in taken:
        group.add_argument("-g", "--message", nargs=2, action="append", metavar=("ROLE", "CONTENT"),
                           dest="legacy_messages", help="a message, as the former `openai api` took it (repeat)")
    if dotted in _legacy.TEXT_OUTPUT and "--json" not in taken:
        parser.add_argument("--json", action="store_true", help="print the whole answer as JSON, not its text")
    else:
        parser.set_defaults(json=True)
    out = [f for f in ("-o", "--output-file") if f not in taken]
    if out and binary:
        parser.add_argument(*out, dest="output_file", metavar="PATH",
                            help="where binary answers (audio, file content) go (default: standard output)")
    common_options(parser)
    return parser


def collect(parser: argparse.ArgumentParser, dotted: str, params: List[Param], options: Any) -> Dict[str, Any]:
    """The keyword arguments of the call, or a usage error naming what is missing."""
    kwargs: Dict[str, Any] = dict(_legacy.DEFAULTS.get(dotted, {}))
    for p in params:
        for dest in ("param_" + p.name, "pos_" + p.name):
            if hasattr(options, dest):
                value = getattr(options, dest)
                if p.kind == STRS and len(value) == 1 and _looks_like_json(value[0]):
                    value = _json(value[0])
                kwargs[p.name] = value
    messages = getattr(options, "legacy_messages", None)
    if messages:
        kwargs["messages"] = list(kwargs.get("messages") or []) + [
            {"role": role, "content": content} for role, content in messages]
    missing = [_flags(dotted, p)[0] for p in params if p.required and p.name not in kwargs]
    if missing:
        parser.error("the following arguments are required: %s" % ", ".join(missing))
    return kwargs


def _with_progress(kwargs: Dict[str, Any], params: List[Param], args: Any) -> List[Any]:
    """Files to upload, reporting their progress on stderr (when it is a terminal); the meters."""
    from .._files import to_file
    from ._progress import Progress

    meters = []
    for p in params:
        value = kwargs.get(p.name)
        if p.kind in (FILE, FILES) and value is not None:
            uploads = []
            for one in (value if p.kind == FILES else [value]):
                meters.append(Progress.for_args(args, "uploading %s" % p.name))
                uploads.append(_upload(one, meters[-1], to_file))
            kwargs[p.name] = uploads if p.kind == FILES else uploads[0]
    return meters


def _upload(value: Any, progress: Any, to_file: Any) -> Any:
    if isinstance(value, tuple):  # standard input: (name, binary stream)
        return to_file(value[1], filename=value[0], progress=progress.update if progress.enabled else None)
    return to_file(value, progress=progress.update if progress.enabled else None)


# -- values from the command line --------------------------------------------------------------


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise argparse.ArgumentTypeError("cannot read %s: %s" % (path, exc.strerror or exc))


def _json(text: str) -> Any:
    source = "the value"
    if text.startswith("@"):
        source, text = text[1:], _read(text[1:])
    try:
        return json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("%s is not JSON (%s)" % (source, exc))


def _looks_like_json(text: str) -> bool:
    return text[:1] in "[{" or text == "@-" or (text.startswith("@") and os.path.exists(text[1:]))


def _object(text: str) -> Any:
    """An object or list parameter: JSON (or @file.json). Some of these types are unions with a
    plain string (``voice``: a name or an object), so text that is not JSON at all goes as a string."""
    if _looks_like_json(text):
        return _json(text)
    try:
        return json.loads(text)
    except ValueError:
        return text


def _auto(text: str) -> Any:
    """A parameter whose type is an alias or a union: JSON when it looks like JSON, else the string."""
    if _looks_like_json(text):
        return _json(text)
    return {"true": True, "false": False, "null": None}.get(text, text)


def _boolean(text: str) -> bool:
    value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(text.lower())
    if value is None:
        raise argparse.ArgumentTypeError("expected true or false, got %r" % text)
    return value


def _file(text: str) -> Any:
    if text == "-":
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        return ("stdin", stream)
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError("no such file: %s" % text)
    import pathlib

    return pathlib.Path(text)


_CONVERT = {INT: int, FLOAT: float, JSON: _object, AUTO: _auto, FILE: _file}
_METAVAR = {INT: "N", FLOAT: "X", JSON: "JSON", FILE: "PATH"}


# -- the former command's text output ----------------------------------------------------------


def write_completion_text(result: Any, label: str) -> None:
    """A completion's text as the former ``openai api`` printed it: each choice's text (a header
    line before each when there are several); a stream's pieces as they arrive."""
    from ._output import write_text

    def text_of(choice: Any) -> str:
        message = getattr(choice, "message", None)
        if message is not None:
            return "None" if message.content is None else message.content
        delta = getattr(choice, "delta", None)
        if delta is not None:
            return delta.content or ""
        return choice.text or ""

    if getattr(result, "choices", None) is not None:
        several = len(result.choices) > 1
        for choice in result.choices:
            text = text_of(choice)
            if several:
                write_text("===== %s %d =====\n" % (label, choice.index))
            write_text(text + ("\n" if several or not text.endswith("\n") else ""))
        return
    try:
        for chunk in result:
            several = len(chunk.choices) > 1
            for choice in chunk.choices:
                if several:
                    write_text("===== %s %d =====\n" % (label, choice.index))
                write_text(text_of(choice) + ("\n" if several else ""))
        write_text("\n")
    finally:
        result.close()
