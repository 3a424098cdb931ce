"""Everyday commands: ``chat``, ``files upload|download|list``, ``models list``.

They print text a shell can use (the answer, an id, one line per item); ``--json`` prints the
objects instead.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from ._config import make_client
from ._main import UsageError
from ._output import write_json, write_text
from ._progress import Progress


def chat(args: Any) -> int:
    """Ask a model; the answer is written to stdout as it arrives."""
    if args.prompt and args.prompt != ["-"]:
        prompt = " ".join(args.prompt)
    else:
        if sys.stdin.isatty() and not args.quiet:
            sys.stderr.write("(reading the prompt from standard input; end it with Ctrl-D)\n")
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise UsageError("the prompt is empty")
    messages = [{"role": "system", "content": args.system}] if args.system else []
    messages.append({"role": "user", "content": prompt})
    request: dict = {"model": args.model, "messages": messages}
    if args.max_tokens is not None:
        request["max_tokens"] = args.max_tokens
    if args.temperature is not None:
        request["temperature"] = args.temperature
    client = make_client(args)
    if args.json:
        write_json(client.chat.completions.create(**request))
        return 0
    stream = client.chat.completions.create(stream=True, **request)
    last = "\n"
    try:
        for chunk in stream:
            for choice in chunk.choices:
                piece = choice.delta.content if choice.index == 0 and choice.delta is not None else None
                if piece:
                    write_text(piece)
                    last = piece
    finally:
        stream.close()
    if not last.endswith("\n"):
        write_text("\n")
    return 0


def files_upload(args: Any) -> int:
    """Upload a file; prints its id (or the file object with ``--json``)."""
    from .._files import to_file

    progress = Progress.for_args(args, "uploading")
    on_progress = progress.update if progress.enabled else None
    if args.path == "-":
        content: Any = getattr(sys.stdin, "buffer", sys.stdin)
        upload = to_file(content, filename=args.filename or "stdin", progress=on_progress)
    else:
        if not os.path.isfile(args.path):
            raise UsageError("no such file: %s" % args.path)
        import pathlib

        upload = to_file(pathlib.Path(args.path), filename=args.filename, progress=on_progress)
    client = make_client(args)
    try:
        created = client.files.create(file=upload, purpose=args.purpose)
    finally:
        progress.done()
    if args.json:
        write_json(created)
    else:
        write_text(created.id + "\n")
    return 0


def files_download(args: Any) -> int:
    """Write a file's content to ``-o PATH`` (replaced only once it is complete) or to stdout."""
    from ._output import stdout_is_tty, write_bytes

    to_stdout = args.output in (None, "-")
    if to_stdout and stdout_is_tty():
        raise UsageError("give -o PATH, or redirect standard output (the content may be binary)")
    client = make_client(args)
    content = client.files.content(args.file_id)
    length = content.http_response.headers.get("content-length")
    total = int(length) if length and length.isdigit() else None
    progress = Progress.for_args(args, "downloading")
    done = 0
    if to_stdout:
        try:
            for piece in content.iter_bytes():
                write_bytes(piece)
                done += len(piece)
                progress.update(done, total)
        finally:
            progress.done()
            content.close()
        return 0
    partial = "%s.part-%d" % (args.output, os.getpid())
    try:
        with open(partial, "wb") as fh:
            for piece in content.iter_bytes():
                fh.write(piece)
                done += len(piece)
                progress.update(done, total)
        os.replace(partial, args.output)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)  # an interrupted or failed download leaves nothing half-written
        raise
    finally:
        progress.done()
        content.close()
    return 0


def files_list(args: Any) -> int:
    """One line per file: id, bytes, purpose, filename (tab-separated); every page."""
    client = make_client(args)
    kwargs = {"purpose": args.purpose} if args.purpose else {}
    for item in client.files.list(**kwargs):
        if args.json:
            write_json(item)
        else:
            write_text("%s\t%s\t%s\t%s\n" % (item.id, item.bytes, item.purpose, item.filename))
    return 0


def models_list(args: Any) -> int:
    """One model id a line."""
    client = make_client(args)
    for model in client.models.list():
        if args.json:
            write_json(model)
        else:
            write_text(model.id + "\n")
    return 0
