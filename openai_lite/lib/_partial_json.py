"""A tolerant parser for JSON that may be cut off, for snapshots of streamed structured output.

``parse_partial_json('{"city": "Bos')`` is ``{}``: what is known so far. Objects and arrays
that are still open are returned with the members that are complete; a member whose value
was cut off is left out, except a nested object/array (kept with what it has so far) and,
with ``trailing_strings=True``, a string (kept with the characters received). A number at
the very end is taken as it stands; a literal cut off (``tru``) is left out.

Text that cannot become valid JSON by appending to it raises ``ValueError``. Standard
library only; complete documents take the ``json.loads`` fast path.
"""
from __future__ import annotations

import json
import re
from typing import Any, Tuple

__all__ = ["parse_partial_json", "partial_json_or_none"]

_MISSING = object()
_WS = re.compile(r"[ \t\n\r]*")
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*', re.S)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBER_CHARS = re.compile(r"[-+0-9.eE]*")
_PARTIAL_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{0,3})?$")
_LITERALS = (("true", True), ("false", False), ("null", None))


class _Incomplete(Exception):
    """The text ended inside a value; ``value`` is what it holds so far (or ``_MISSING``)."""

    def __init__(self, value: Any = _MISSING) -> None:
        super().__init__()
        self.value = value


def parse_partial_json(text: str, *, trailing_strings: bool = False) -> Any:
    """The value of ``text``, a JSON document possibly cut off at any point (None if empty)."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        pass
    parser = _Parser(text, trailing_strings)
    try:
        value, end = parser.value(0)
    except _Incomplete as cut:
        return None if cut.value is _MISSING else cut.value
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _WS.match(text, end).end() != len(text):
        raise ValueError("extra data after the JSON value at character %d" % end)
    return value


def partial_json_or_none(text: str) -> Any:
    """``parse_partial_json(text)``, or None for text that cannot become JSON (a model answering in prose):
    what a stream's snapshot shows so far."""
    try:
        return parse_partial_json(text)
    except ValueError:
        return None


class _Parser:
    def __init__(self, text: str, trailing_strings: bool) -> None:
        self.s = text
        self.n = len(text)
        self.trailing_strings = trailing_strings

    def skip(self, i: int) -> int:
        return _WS.match(self.s, i).end()

    def error(self, i: int, what: str) -> ValueError:
        return ValueError("invalid JSON at character %d: %s" % (i, what))

    def value(self, i: int) -> Tuple[Any, int]:
        i = self.skip(i)
        if i >= self.n:
            raise _Incomplete()
        c = self.s[i]
        if c == "{":
            return self.object(i + 1)
        if c == "[":
            return self.array(i + 1)
        if c == '"':
            return self.string(i)
        if c == "-" or "0" <= c <= "9":
            return self.number(i)
        for word, val in _LITERALS:
            if self.s.startswith(word, i):
                return val, i + len(word)
            if word.startswith(self.s[i:]):
                raise _Incomplete()
        raise self.error(i, "unexpected %r" % c)

    def object(self, i: int) -> Tuple[Any, int]:
        out: dict = {}
        i = self.skip(i)
        if i < self.n and self.s[i] == "}":
            return out, i + 1
        while True:
            i = self.skip(i)
            if i >= self.n:
                raise _Incomplete(out)
            if self.s[i] != '"':
                raise self.error(i, "expected a property name")
            try:
                key, i = self.string(i, partial=False)
            except _Incomplete:
                raise _Incomplete(out) from None
            i = self.skip(i)
            if i >= self.n:
                raise _Incomplete(out)
            if self.s[i] != ":":
                raise self.error(i, "expected ':'")
            try:
                out[key], i = self.value(i + 1)
            except _Incomplete as cut:
                if cut.value is not _MISSING:
                    out[key] = cut.value
                raise _Incomplete(out) from None
            i = self.skip(i)
            if i >= self.n:
                raise _Incomplete(out)
            if self.s[i] == ",":
                i += 1
                continue
            if self.s[i] == "}":
                return out, i + 1
            raise self.error(i, "expected ',' or '}'")

    def array(self, i: int) -> Tuple[Any, int]:
        out: list = []
        i = self.skip(i)
        if i < self.n and self.s[i] == "]":
            return out, i + 1
        while True:
            try:
                item, i = self.value(i)
            except _Incomplete as cut:
                if cut.value is not _MISSING:
                    out.append(cut.value)
                raise _Incomplete(out) from None
            out.append(item)
            i = self.skip(i)
            if i >= self.n:
                raise _Incomplete(out)
            if self.s[i] == ",":
                i += 1
                continue
            if self.s[i] == "]":
                return out, i + 1
            raise self.error(i, "expected ',' or ']'")

    def string(self, i: int, partial: bool = True) -> Tuple[Any, int]:
        end = _STRING_BODY.match(self.s, i + 1).end()
        if end < self.n and self.s[end] == '"':
            try:
                return json.decoder.scanstring(self.s, i + 1)  # type: ignore[attr-defined]
            except ValueError as exc:
                raise self.error(i, str(exc)) from None
        if not (partial and self.trailing_strings):
            raise _Incomplete()
        body = _PARTIAL_ESCAPE.sub("", self.s[i + 1:end])
        try:
            raise _Incomplete(json.loads('"' + body + '"'))
        except ValueError:
            raise _Incomplete() from None

    def number(self, i: int) -> Tuple[Any, int]:
        span = _NUMBER_CHARS.match(self.s, i).end()
        match = _NUMBER.match(self.s, i)
        if span >= self.n:  # the text ends inside the number: take its valid beginning
            if match is None:
                raise _Incomplete()
            raise _Incomplete(json.loads(match.group()))
        if match is None or match.end() != span:
            raise self.error(i, "bad number %r" % self.s[i:span])
        return json.loads(match.group()), span
