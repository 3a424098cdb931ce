"""What commands print: JSON (indented on a terminal, one compact line otherwise), text as it
arrives, raw bytes; always UTF-8, flushed as written so a pipe sees each piece at once."""
from __future__ import annotations

import json
import sys
from typing import Any


def stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def jsonable(value: Any) -> Any:
    """Library objects (models, pages' items) as plain dicts and lists."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _fallback(value: Any) -> Any:
    """Objects json does not know (helper events, dataclasses): their fields."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "__dict__"):
        return {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)


def write_bytes(data: bytes) -> None:
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a replaced stdout (tests, IDEs) without a binary layer
        sys.stdout.write(data.decode("utf-8", "replace"))
    else:
        sys.stdout.flush()
        out.write(data)
        out.flush()
        return
    sys.stdout.flush()


def write_text(text: str) -> None:
    write_bytes(text.encode("utf-8"))


def write_json(value: Any, pretty: Any = None) -> None:
    """One JSON document and a newline; ``pretty`` defaults to "stdout is a terminal"."""
    if pretty is None:
        pretty = stdout_is_tty()
    data = jsonable(value)
    if pretty:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=_fallback)
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_fallback)
    write_text(text + "\n")


def write_result(result: Any, output: Any = None) -> None:
    """Print what a library method returned: a page item by item (every page), a stream event by
    event, bytes to ``output`` or stdout, a string as text, anything else as one JSON document."""
    from ._main import UsageError

    if result is None:
        return
    if isinstance(result, str):
        write_text(result if result.endswith("\n") else result + "\n")
        return
    if hasattr(result, "iter_bytes") and not hasattr(result, "to_dict"):
        write_binary(result, output)
        return
    if hasattr(result, "__enter__") and hasattr(result, "__exit__") and not hasattr(result, "__iter__"):
        with result as opened:  # a stream helper's manager (``chat.completions.stream``)
            write_result(opened, output)
        return
    streamed = type(result).__name__ == "Stream" or hasattr(result, "__next__")
    if streamed or hasattr(result, "has_next_page"):
        try:
            for item in result:  # a stream's events compact, one a line; a page's items as any JSON
                write_json(item, pretty=False if streamed else None)
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()
        return
    if output is not None:
        raise UsageError("--output is for binary answers; this method answers JSON")
    write_json(result)


def write_binary(content: Any, output: Any) -> None:
    """Binary content (speech, a file's bytes) to the path ``output``, or to stdout if it is not a terminal."""
    from ._main import UsageError

    if output in (None, "-"):
        if stdout_is_tty():
            raise UsageError("the answer is binary: give -o PATH, or redirect standard output")
        for piece in content.iter_bytes():
            write_bytes(piece)
        return
    with open(output, "wb") as fh:
        for piece in content.iter_bytes():
            fh.write(piece)
