"""Property-based tests (hypothesis): the SSE parser, response objects, URL encoding, multipart.

Each property is checked on 2,000 generated examples (``EXAMPLES``, ``HEAVY_EXAMPLES``:
a few seconds each on the 2-core machines), the ones that go through a real loopback socket on a
few hundred (``SOCKET_EXAMPLES``). Set
``OPENAI_LITE_HYPOTHESIS_SCALE=0.1`` for a quick run or ``=10`` for a long one.

- SSE: events with any text, any field order, comments, multi-line data, LF/CRLF/CR line ends
  (mixed), a byte order mark, split into pieces at arbitrary byte positions (inside UTF-8
  sequences and between CR and LF too) parse to exactly the events a reference parser written
  from the specification finds; through a socket, the same as chunked HTTP bodies.
- Response objects: any JSON reads back unchanged (``to_dict``, ``model_dump``, ``to_json``,
  ``model_dump_json``, item access, iteration, ``repr``, pickle, copy), and ``to_dict`` is a copy.
- Path and query encoding: any path parameter arrives as one segment that decodes to itself;
  any query (nested mappings, lists, booleans, numbers) decodes to the bracket pairs expected.
- Multipart: any fields and files (names, filenames, content types, bytes) parse back with the
  ``multipart`` package; the body reads the same whatever the read sizes and after any seek.
"""
from __future__ import annotations

import copy
import io
import json
import math
import os
import pickle
import random
import re
from typing import Any, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote

import multipart
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sseclient import SSEClient

from conftest import API_KEY
from openai_lite import OpenAI
from openai_lite._encoding import encode_query, format_path
from openai_lite._files import MultipartBody, flatten_form_fields
from openai_lite._models import BaseModel, construct
from openai_lite._streaming import _frames
from openai_lite.testing import OfflineServer, Scripted

_SCALE = float(os.environ.get("OPENAI_LITE_HYPOTHESIS_SCALE", "1"))
EXAMPLES = max(10, int(2000 * _SCALE))
HEAVY_EXAMPLES = max(10, int(2000 * _SCALE))  # nested structures cost hypothesis ~5 ms an example to draw
SOCKET_EXAMPLES = max(10, int(300 * _SCALE))


def many(n: int = EXAMPLES):  # type: ignore[no-untyped-def]
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# -- SSE -----------------------------------------------------------------------------------------------

# Text for generated values: ASCII, the characters that matter to the formats (quotes, colons,
# brackets, percent, backslash, tab, NUL), and multi-byte UTF-8 up to 4 bytes, \u2028 and \x85
# (line breaks to str.splitlines, not to SSE) included. Drawing from a fixed alphabet is much
# cheaper than from all of Unicode, which is what lets each property run thousands of examples.
ALPHABET = ("abcXYZ019 _-.~:;,=&?/#[]{}\"'%\\\t\x00\x7f"
            "\u00e9\u00fc\u00df\u03bb\u0416\u2028\x85\u3042\u96ea\U0001f600\U00010348")
field_text = st.text(ALPHABET, max_size=10)  # no CR, no LF: those end lines
event_name = st.text(ALPHABET.replace("\x00", ""), min_size=1, max_size=8).filter(lambda s: s.strip() != "")


@st.composite
def sse_streams(draw):  # type: ignore[no-untyped-def]
    """(bytes of the stream split into pieces, the events a spec reader dispatches: (event, data, id)).

    The text comes from hypothesis; the layout (field order, spaces, line ends, byte order mark,
    where the pieces are cut) from one seeded ``Random``, which keeps generation cheap.
    """
    events = draw(st.lists(st.tuples(st.lists(field_text, max_size=3), st.none() | event_name,
                                     st.none() | field_text.filter(lambda s: "\x00" not in s),
                                     st.lists(field_text, max_size=1)), max_size=5))
    rnd = random.Random(draw(st.integers(0, 2 ** 32)))
    endings = ["\n", "\r\n", "\r"]
    mixed = rnd.random() < 0.5
    fixed = rnd.choice(endings)
    lines: List[Tuple[str, str]] = []  # (line, line end)
    expected = []
    for data_lines, name, event_id, comments in events:
        fields = [("data", value) for value in data_lines]
        others = [("event", name)] if name is not None else []
        if event_id is not None:
            others.append(("id", event_id))
        if rnd.random() < 0.3:
            others.append(("retry", str(rnd.randrange(10 ** 6))))
        others += [("", c) for c in comments]
        for other in others:  # other fields anywhere among the data lines, which keep their order
            fields.insert(rnd.randint(0, len(fields)), other)
        for field, value in fields:
            if field == "":
                line = ":" + value
            else:
                space = value.startswith(" ") or rnd.random() < 0.5
                line = field + (": " if space else ":") + value
            lines.append((line, rnd.choice(endings) if mixed else fixed))
        lines.append(("", rnd.choice(endings) if mixed else fixed))  # the blank line that ends the event
        if data_lines:
            expected.append((name or "message", "\n".join(data_lines), event_id))
    text = []
    previous_end = ""
    for line, end in lines:
        if line == "" and previous_end == "\r" and end == "\n":
            end = "\r\n"  # CR then LF would read as one CRLF: the blank line would vanish
        text.append(line + end)
        previous_end = end
    if rnd.random() < 0.3:  # an unfinished event at the end is not dispatched
        text.append("data: never finished")
    raw = "".join(text).encode("utf-8")
    if rnd.random() < 0.3:
        raw = b"\xef\xbb\xbf" + raw
    return raw, split_at_random(raw, rnd), expected


def split_at_random(raw: bytes, rnd: Any) -> List[bytes]:
    """Cut anywhere: inside UTF-8 sequences, between CR and LF, into single bytes sometimes."""
    count = rnd.choice([0, 1, 2, 5, 12, len(raw)])
    cuts = sorted({rnd.randint(0, len(raw)) for _ in range(count)})
    bounds = [0] + cuts + [len(raw)]
    return [raw[a:b] for a, b in zip(bounds, bounds[1:])]


def parse_sse(pieces: List[bytes]) -> List[Tuple[str, str, Optional[str]]]:
    return [(e.event, e.data, e.id) for e in SSEClient(_frames(iter(pieces))).events()]


@many(HEAVY_EXAMPLES)
@given(sse_streams())
def test_sse_any_split_any_line_ends(stream):
    raw, pieces, expected = stream
    assert b"".join(pieces) == raw
    assert parse_sse(pieces) == expected
    # the framing under the parser: whole events only, line ends normalised, nothing unfinished
    frames = list(_frames(iter(pieces)))
    normalised = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    normalised = normalised.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    complete = normalised[: normalised.rfind(b"\n\n") + 2] if b"\n\n" in normalised else b""
    joined = b"".join(frames)
    # every complete event in order (blank lines between events are empty events and may go)
    assert complete.startswith(joined) and complete[len(joined):].strip(b"\n") == b""
    for frame in frames:
        assert frame.endswith(b"\n\n") and b"\r" not in frame


json_text = st.text(ALPHABET + "\r\n", max_size=8)
json_leaf = (st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 63)
             | st.floats(allow_nan=False, allow_infinity=False) | json_text)
json_values = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(json_text, inner, max_size=3), max_leaves=6)
json_objects = st.dictionaries(json_text, json_values, max_size=4)
# objects a stream yields (an object with a truthy "error" or type "error" raises instead)
stream_objects = json_objects.filter(lambda o: not o.get("error") and o.get("type") != "error")


def test_sse_through_a_socket():
    """Events of JSON objects (multi-line data included), split into arbitrary HTTP chunks."""
    with OfflineServer() as server, OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:

        @many(SOCKET_EXAMPLES)
        @given(st.data())
        def check(data):  # type: ignore[no-untyped-def]
            objects = data.draw(st.lists(stream_objects, min_size=1, max_size=5))
            ending = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
            text = ""
            for obj in objects:
                lines = json.dumps(obj, indent=data.draw(st.sampled_from([None, 1]))).split("\n")
                name = data.draw(st.sampled_from([None, "message", "response.output_text.delta"]))
                if name:
                    text += "event: " + name + ending
                text += "".join("data: " + line + ending for line in lines) + ending
            text += "data: [DONE]" + ending + ending
            raw = text.encode("utf-8")
            pieces = [p for p in split_at_random(raw, random.Random(data.draw(st.integers(0, 2 ** 32)))) if p]
            server.enqueue(Scripted(chunks=pieces, chunked=True, content_type="text/event-stream"))
            got = [item.to_dict() for item in client.post("/events", body={}, stream=True)]
            assert got == objects

        check()
        assert server.pending == 0


# -- response objects ----------------------------------------------------------------------------------


def _unwrap(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {k: _unwrap(v) for k, v in value}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


_HELPERS = set(dir(BaseModel))


@many(HEAVY_EXAMPLES)
@given(json_objects)
def test_any_json_object_reads_back_unchanged(data):
    original = copy.deepcopy(data)
    obj = construct(BaseModel, data, "req_1")
    assert obj.to_dict() == original
    assert obj.model_dump() == original
    assert json.loads(obj.to_json()) == original
    assert json.loads(obj.model_dump_json()) == original
    assert _unwrap(obj) == original  # iteration, dict(obj) and nested wrapping
    assert len(obj) == len(original)
    for key, value in original.items():
        assert key in obj
        assert _unwrap(obj[key]) == value
        if key.isidentifier() and not key.startswith("_") and key not in _HELPERS:
            assert _unwrap(getattr(obj, key)) == value
            assert getattr(obj, key) is getattr(obj, key) or not isinstance(value, (dict, list))
    assert isinstance(repr(obj), str)
    clone = pickle.loads(pickle.dumps(obj))
    assert clone == obj and clone._request_id == "req_1"
    assert copy.deepcopy(obj) == obj
    dumped = obj.to_dict()
    dumped["__new__"] = 1
    for value in dumped.values():
        if isinstance(value, dict):
            value["__also_new__"] = 2
    assert obj.to_dict() == original  # to_dict is a copy


@many(HEAVY_EXAMPLES)
@given(json_values)
def test_any_json_value_wraps(data):
    wrapped = construct(BaseModel, copy.deepcopy(data))
    assert _unwrap(wrapped) == data


def test_any_json_through_a_socket():
    with OfflineServer() as server, OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:

        @many(SOCKET_EXAMPLES)
        @given(json_objects, st.sampled_from(["application/json", "application/json; charset=utf-8"]))
        def check(data, content_type):  # type: ignore[no-untyped-def]
            server.enqueue(Scripted(body=json.dumps(data, ensure_ascii=False), content_type=content_type))
            result = client.get("/anything")
            assert result.to_dict() == data
            assert result._request_id.startswith("req_")

        check()


# -- path and query encoding ---------------------------------------------------------------------------

path_values = (st.text(ALPHABET + "\r\n", min_size=1, max_size=16)
               | st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)).filter(
    lambda s: s not in (".", ".."))


@many()
@given(path_values)
def test_path_parameter_is_one_segment(value):
    path = format_path("/files/{file_id}/content", {"file_id": value})
    assert path.startswith("/files/") and path.endswith("/content")
    segment = path[len("/files/"):-len("/content")]
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]+", segment), segment  # nothing a URL would read as structure
    assert unquote(segment) == value


@many()
@given(st.one_of(st.just(""), st.none(), st.just("."), st.just("..")))
def test_path_parameter_refusals(value):
    with pytest.raises(ValueError):
        format_path("/files/{file_id}", {"file_id": value})


def test_path_parameters_through_a_socket():
    with OfflineServer() as server, OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        server.add_route("GET", r"/v1/files/(?P<id>[^/]+)",
                         lambda srv, req, m: Scripted(json={"id": unquote(m.group("id")), "raw": m.group("id")}))

        @many(SOCKET_EXAMPLES)
        @given(path_values)
        def check(value):  # type: ignore[no-untyped-def]
            assert client.files.retrieve(value).id == value

        check()


query_keys = st.text(ALPHABET.replace("[", "").replace("]", "") + "\r\n", min_size=1, max_size=6)
query_leaf = (st.none() | st.booleans() | st.integers(-10 ** 12, 10 ** 12) | st.text(ALPHABET + "\r\n", max_size=8)
              | st.floats(allow_nan=False, allow_infinity=False))
query_values = st.recursive(query_leaf, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(query_keys, inner, max_size=3), max_leaves=6)
queries = st.dictionaries(query_keys, query_values, max_size=4)


def expected_pairs(query: dict) -> List[Tuple[str, str]]:
    """The API's bracket style, written out independently of the library."""
    out: List[Tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if value is None:
            return
        if value is True or value is False:
            out.append((prefix, "true" if value else "false"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk("%s[%s]" % (prefix, k), v)
        elif isinstance(value, list):
            for v in value:
                walk(prefix + "[]", v)
        else:
            out.append((prefix, str(value)))

    for key, value in query.items():
        walk(key, value)
    return out


@many(HEAVY_EXAMPLES)
@given(queries)
def test_query_decodes_to_the_bracket_pairs(query):
    encoded = encode_query(query)
    assert parse_qsl(encoded, keep_blank_values=True) == expected_pairs(query)
    assert not re.search(r"[^A-Za-z0-9_.~%+=&-]", encoded), encoded


def test_queries_through_a_socket():
    with OfflineServer() as server, OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0,
                                          default_query={"fixed": "yes"}) as client:

        @many(SOCKET_EXAMPLES)
        @given(queries)
        def check(query):  # type: ignore[no-untyped-def]
            assume("fixed" not in query)
            client.models.list(extra_query=query)
            target = server.last_request.target
            pairs = parse_qsl(target.split("?", 1)[1] if "?" in target else "", keep_blank_values=True)
            assert pairs == expected_pairs(dict({"fixed": "yes"}, **query))

        check()


# -- multipart -----------------------------------------------------------------------------------------

# Names and filenames: any text but "%" (the WHATWG escapes %22 %0D %0A cannot be told from a literal
# "%22"; browsers share that ambiguity) and NUL.
part_names = st.text(ALPHABET.replace("%", "").replace("\x00", "") + "\r\n", min_size=1, max_size=12)
# Filenames: as names, less the old-IE path forms (C:\dir\f, \\host\f) the parser cuts to a base name.
file_names = part_names.filter(lambda f: not (f[1:3] == ":\\" or f[:2] == "\\\\"))
content_types = st.sampled_from(["application/octet-stream", "text/plain", "application/jsonl",
                                 "image/png", "audio/mpeg"])
form_values = st.text(ALPHABET + "\r\n", max_size=24)
file_bodies = st.binary(max_size=2048) | st.sampled_from([b"", b"--", b"\r\n--", b"\r\n\r\n", b"--\r\n--x--\r\n"])


@st.composite
def forms(draw):  # type: ignore[no-untyped-def]
    fields = draw(st.lists(st.tuples(part_names, form_values), max_size=4))
    files = draw(st.lists(st.tuples(part_names, file_names, file_bodies, content_types), max_size=3))
    return fields, files


def parse_multipart(body: bytes, boundary: str) -> List[Tuple[str, Optional[str], bytes, Optional[str]]]:
    parser = multipart.MultipartParser(io.BytesIO(body), boundary, content_length=len(body), strict=True,
                                       memfile_limit=16 << 20, mem_limit=16 << 20)
    return [(p.name, p.filename, p.raw, p.content_type if p.filename is not None else None) for p in parser]


@many()
@given(forms())
def test_multipart_round_trip(form):
    fields, files = form
    body = MultipartBody(fields, [(name, (filename, data, ctype)) for name, filename, data, ctype in files])
    raw = body.read()
    assert len(raw) == len(body) == body.content_length
    assert body.content_type.startswith("multipart/form-data; boundary=")
    parts = parse_multipart(raw, body.boundary)
    expected = [(name, None, value.encode("utf-8"), None) for name, value in fields]
    expected += [(name, filename, data, ctype) for name, filename, data, ctype in files]
    assert parts == expected


@many()
@given(forms(), st.lists(st.integers(1, 4096), min_size=1, max_size=30), st.data())
def test_multipart_reads_the_same_in_any_pieces_and_after_any_seek(form, sizes, data):
    fields, files = form
    body = MultipartBody(fields, [(name, (filename, content, ctype)) for name, filename, content, ctype in files])
    whole = body.read()
    body.seek(0)
    pieces = []
    for size in sizes * (1 + len(whole) // max(1, sum(sizes))):
        piece = body.read(size)
        if not piece:
            break
        pieces.append(piece)
    pieces.append(body.read())
    assert b"".join(pieces) == whole
    offset = data.draw(st.integers(0, len(whole)))
    assert body.seek(offset) == offset and body.tell() == offset
    assert body.read() == whole[offset:]
    body.seek(0)
    assert body.read() == whole  # a retry re-sends the identical body


form_keys = st.text(ALPHABET.replace("[", "").replace("]", "").replace("%", "").replace("\x00", ""), min_size=1,
                    max_size=6)
nested_form = st.dictionaries(form_keys, st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(ALPHABET + "\r\n", max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(form_keys, inner, max_size=3), max_leaves=6),
    max_size=4)


@many(HEAVY_EXAMPLES)
@given(nested_form)
def test_nested_form_fields_flatten_in_bracket_style(fields):
    body = MultipartBody(fields, [])
    parts = parse_multipart(body.read(), body.boundary)
    assert [(name, raw.decode("utf-8")) for name, _, raw, _ in parts] == expected_pairs(fields)
    assert [(k, v) for k, v in flatten_form_fields(fields)] == expected_pairs(fields)


def test_uploads_through_a_socket():
    with OfflineServer() as server, OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        seen: List[Any] = []

        def describe(srv: Any, req: Any, match: Any) -> Scripted:
            ctype, options = multipart.parse_options_header(req.headers["Content-Type"])
            seen.append(parse_multipart(req.body, options["boundary"]))
            return Scripted(json={"id": "file-1", "object": "file"})

        server.add_route("POST", r"/v1/files", describe)

        @many(SOCKET_EXAMPLES)
        @given(file_names, file_bodies, content_types)
        def check(filename, data, ctype):  # type: ignore[no-untyped-def]
            client.files.create(file=(filename, data, ctype), purpose="batch")
            parts = seen.pop()
            assert parts == [("purpose", None, b"batch", None), ("file", filename, data, ctype)]
            assert int(server.last_request.headers["Content-Length"]) == server.last_request.body_len

        check()


def test_example_counts_are_thousands_in_ci():
    assert _SCALE != 1 or (EXAMPLES >= 2000 and HEAVY_EXAMPLES >= 2000 and SOCKET_EXAMPLES >= 300)
    assert math.isfinite(_SCALE) and _SCALE > 0
