"""``stream=True``: the SSE pipeline (framing, sseclient-py, events -> objects), errors inside a
stream, timeouts per read, and giving connections back. Real loopback sockets throughout."""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterator, List

import pytest
from hypothesis import given, settings, strategies as st
from sseclient import SSEClient

from openai_lite import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    OpenAI,
)
from openai_lite._models import BaseModel
from openai_lite._compat import EventParser as _EventParser
from openai_lite._streaming import AssistantStreamEvent, ServerSentEvent, Stream, _frames
from openai_lite._streaming import _decode_json
from openai_lite._streaming import _events as parse_events
from openai_lite.testing import OfflineServer, Scripted

from conftest import API_KEY

CHAT_PATH = "/v1/chat/completions"
SSE = "text/event-stream; charset=utf-8"


def chunk(content: Any = None, finish: Any = None, **delta: Any) -> dict:
    if content is not None:
        delta["content"] = content
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}


def data(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def words_stream(n: int) -> List[bytes]:
    return [data(chunk("w%d " % i)) for i in range(n)] + [b"data: [DONE]\n\n"]


def scripted(pieces: List[bytes], **kwargs: Any) -> Scripted:
    kwargs.setdefault("chunked", True)
    return Scripted(chunks=pieces, content_type=SSE, **kwargs)


def make_client(server: OfflineServer, **kwargs: Any) -> OpenAI:
    kwargs.setdefault("max_retries", 0)
    return OpenAI(api_key=API_KEY, base_url=server.url, **kwargs)


def open_stream(c: OpenAI, **kwargs: Any) -> Stream:
    return c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}], stream=True, **kwargs)


def contents(stream: Any) -> List[Any]:
    return [item.choices[0].delta.content for item in stream]


# -- the basic shape --------------------------------------------------------------------------------


def test_chunks_are_objects_with_request_id_and_none_for_missing_content(server: OfflineServer) -> None:
    server.enqueue(scripted([data(chunk(role="assistant")), data(chunk("Hel")), data(chunk("lo")),
                             data(chunk(finish="stop")), b"data: [DONE]\n\n"]), path=CHAT_PATH)
    with make_client(server) as c:
        stream = open_stream(c)
        assert isinstance(stream, Stream)
        assert stream.response.headers["x-request-id"] == "req_1"
        items = list(stream)
    assert [i.choices[0].delta.content for i in items] == [None, "Hel", "lo", None]
    assert items[0].choices[0].delta.role == "assistant"
    assert items[-1].choices[0].finish_reason == "stop"
    assert {i._request_id for i in items} == {"req_1"}


def test_offline_server_chat_stream_reads_whole_reply(client: OpenAI) -> None:
    text = "".join(c or "" for c in contents(open_stream(client)))
    assert text == "You said: hi"


def test_stream_of_explicit_item_type(server: OfflineServer) -> None:
    class Item(BaseModel):
        __slots__ = ()

    server.enqueue(scripted([data({"n": 1}), data({"n": 2}), b"data: [DONE]\n\n"]), path="/v1/things")
    with make_client(server) as c:
        stream = c.post("/things", body={}, stream=True, stream_cls=Stream[Item])
        items = list(stream)
    assert [type(i) for i in items] == [Item, Item] and [i.n for i in items] == [1, 2]
    assert Stream[Item] is Stream[Item]  # subscripting is cached


def test_raw_events_as_server_sent_events(server: OfflineServer) -> None:
    server.enqueue(scripted([b"event: ping\nid: 7\nretry: 1500\ndata: {\"a\": 1}\n\n", b"data: [DONE]\n\n"]),
                   path=CHAT_PATH)
    with make_client(server) as c:
        events = list(open_stream(c)._iter_events())
    assert isinstance(events[0], ServerSentEvent)
    assert (events[0].event, events[0].id, events[0].retry, events[0].json()) == ("ping", "7", 1500, {"a": 1})
    assert (events[1].event, events[1].data) == (None, "[DONE]")


# -- framing: splits, line ends, comments, multi-line data -----------------------------------------

MIXED = (
    b": a comment to ignore\r\n\r\n"
    b"retry: 3000\n\n"
    b"id: 9\n\n"
    b"data: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"a\\u00e9\"}}]}\r\n\r\n"
    b"data: {\"choices\": [{\"index\": 0,\n"
    b"data:  \"delta\": {\"content\": \"\xe2\x82\xac\"}}]}\r\r"
    b"event: message\ndata: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"z\"}}]}\n\n"
    b"data: [DONE]\r\n\r\n"
)
MIXED_CONTENTS = ["a\u00e9", "\u20ac", "z"]


@pytest.fixture(scope="module")
def shared_server() -> Iterator[OfflineServer]:
    with OfflineServer() as srv:
        yield srv


@pytest.mark.parametrize("split", range(1, len(MIXED)))
def test_stream_split_at_any_byte_parses_the_same(shared_server: OfflineServer, split: int) -> None:
    shared_server.enqueue(scripted([MIXED[:split], MIXED[split:]]), path=CHAT_PATH)
    with make_client(shared_server) as c:
        assert contents(open_stream(c)) == MIXED_CONTENTS


def test_stream_one_byte_per_http_chunk(server: OfflineServer) -> None:
    server.enqueue(scripted([MIXED[i:i + 1] for i in range(len(MIXED))]), path=CHAT_PATH)
    with make_client(server) as c:
        assert contents(open_stream(c)) == MIXED_CONTENTS


def test_byte_order_mark_at_start_is_skipped(server: OfflineServer) -> None:
    server.enqueue(scripted([b"\xef\xbb", b"\xbfdata: {\"choices\": [{\"index\": 0, \"delta\": {\"content\": \"x\"}}]}\n\n"]),
                   path=CHAT_PATH)
    with make_client(server) as c:
        assert contents(open_stream(c)) == ["x"]


def test_incomplete_last_event_is_dropped_and_stream_ends_without_done(server: OfflineServer) -> None:
    server.enqueue(scripted([data(chunk("a")), b"data: {\"never\": \"finished\"}\n"]), path=CHAT_PATH)
    with make_client(server) as c:
        assert contents(open_stream(c)) == ["a"]


def _events(pieces: List[bytes]) -> List[Any]:
    return [(e.event, e.data) for e in parse_events(_frames(iter(pieces)), _EventParser)]


_line_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
_event = st.tuples(
    st.one_of(st.none(), st.from_regex(r"[a-z][a-z.]{0,10}", fullmatch=True)),
    st.lists(_line_text, max_size=3),
    st.booleans(),  # a comment line
    st.booleans(),  # id and retry lines
)


@settings(max_examples=150, deadline=None)
@given(events=st.lists(_event, max_size=6), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=8), bom=st.booleans(), finished=st.booleans())
def test_framing_property_any_split_any_line_ending(events: Any, newline: str, cuts: List[int], bom: bool,
                                                    finished: bool) -> None:
    text, expected = "", []
    for i, (name, lines, comment, ids) in enumerate(events):
        if comment:
            text += ": note" + newline
        if ids:
            text += "id: %d" % i + newline + "retry: 10" + newline
        if name:
            text += "event: " + name + newline
        for line in lines:
            text += "data: " + line + newline
        text += newline
        if lines:
            expected.append((name or "message", "\n".join(lines)))
    if not finished and text:
        text += "data: unfinished" + newline  # no blank line after it: never dispatched
    body = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    points = sorted({c % (len(body) + 1) for c in cuts})
    pieces = [body[a:b] for a, b in zip([0] + points, points + [len(body)])]
    assert _events(pieces) == expected
    if finished and not bom:  # sseclient-py on its own, over the whole body, agrees
        assert [(e.event, e.data) for e in SSEClient(iter([body])).events()] == expected


def _sseclient_alone(frame: bytes) -> Any:
    """What sseclient-py makes of one whole frame: its events' fields, or the decoding error it raises."""
    try:
        return [(e.event, e.data, e.id, e.retry) for e in _EventParser(iter([frame])).events()]
    except UnicodeDecodeError as exc:
        return ("UnicodeDecodeError", exc.object, exc.start, exc.end)


def _ours(frame: bytes) -> Any:
    try:
        return [(e.event, e.data, e.id, e.retry) for e in parse_events(iter([frame]), _EventParser)]
    except UnicodeDecodeError as exc:
        return ("UnicodeDecodeError", exc.object, exc.start, exc.end)


_line_start = st.sampled_from([b"data: ", b"data:", b"data:  ", b"data", b"event: ", b"event:", b"event:  ", b"event",
                               b"id: ", b"retry: ", b": ", b":", b"", b" data: ", b"Data: ", b"bogus: "])
_line_rest = st.one_of(st.binary(max_size=10), st.text(max_size=10).map(lambda t: t.encode("utf-8")),
                       st.sampled_from([b'{"a": 1}', b"[DONE]", b"response.output_text.delta", b"\xff\xfe", b"\xc3"]))
_frame_line = st.tuples(_line_start, _line_rest).map(lambda t: (t[0] + t[1]).replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(_frame_line, min_size=1, max_size=4))
def test_events_parsed_here_are_exactly_what_sseclient_makes_of_them(lines: List[bytes]) -> None:
    # The common frames (data: X, or event: NAME and data: X) skip sseclient-py; every frame, of any
    # shape, must come out as sseclient-py alone would give it: same fields, same error.
    frame = b"\n".join(lines) + b"\n\n"
    assert _ours(frame) == _sseclient_alone(frame)


@pytest.mark.parametrize("frame", [
    b'data: {"a": 1}\n\n', b"data: \n\n", b"data:  x\n\n", b"event: thread.run.created\ndata: {}\n\n",
    b"event: a:b\ndata: x\n\n", b"event:  spaced\ndata: x\n\n", b"event: \ndata: x\n\n", b"data: \xff\n\n",
    b"event: \xff\ndata: x\n\n", b"data: a\ndata: b\n\n", b": ping\n\n", b"id: 7\ndata: x\n\n", b"data: x\nretry: 5\n\n",
    b"data: " + "é".encode() * 40000 + b"\n\n", b"data: " + b"x" * 70000 + b"\xc3\n\n",  # large ones: decoded in place
])
def test_events_parsed_here_agree_with_sseclient_on_edge_frames(frame: bytes) -> None:
    assert _ours(frame) == _sseclient_alone(frame)


def _json_outcome(decode: Any, text: str) -> Any:
    try:
        return ("value", decode(text))
    except ValueError as exc:
        return (type(exc).__name__, str(exc))


_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                            max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(value=_json_values, before=st.sampled_from(["", " ", "\n", "\t "]), after=st.sampled_from(["", " ", "\n", "x", "{}", ","]),
       cut=st.integers(min_value=0, max_value=40))
def test_event_json_decodes_and_fails_as_json_loads(value: Any, before: str, after: str, cut: int) -> None:
    text = before + json.dumps(value) + after
    for candidate in (text, text[:cut], text[cut:]):
        assert _json_outcome(_decode_json, candidate) == _json_outcome(json.loads, candidate)


# -- named events, errors ---------------------------------------------------------------------------


def test_assistants_events_have_event_and_typed_data(server: OfflineServer) -> None:
    server.enqueue(scripted([
        b"event: thread.run.created\ndata: {\"id\": \"run_1\", \"object\": \"thread.run\", \"status\": \"queued\"}\n\n",
        b"event: thread.message.delta\ndata: {\"id\": \"msg_1\", \"delta\": {\"content\": []}}\n\n",
        b"event: thread.newer.kind\ndata: {\"id\": \"x_1\"}\n\n",
        b"event: done\ndata: [DONE]\n\n",
    ]), path="/v1/threads/runs")
    with make_client(server) as c:
        items = list(c.post("/threads/runs", body={"stream": True}, stream=True))
    # each of openai-python's class for its event (the members of the AssistantStreamEvent union)
    from openai_lite.types.beta import ThreadMessageDelta, ThreadRunCreated
    from openai_lite.types.beta.assistant_stream_event import ThreadRunCreated as Deep

    assert [type(i) for i in items] == [ThreadRunCreated, ThreadMessageDelta, AssistantStreamEvent]
    assert Deep is ThreadRunCreated and (items[2].event, items[2].data.id) == ("thread.newer.kind", "x_1")
    assert (items[0].event, items[0].data.id, items[0].data.status) == ("thread.run.created", "run_1", "queued")
    assert items[1].event == "thread.message.delta" and items[1].data.delta.content == []
    assert items[0].data._request_id == "req_1"


def test_responses_events_have_type(server: OfflineServer) -> None:
    server.enqueue(scripted([
        b"event: response.output_text.delta\ndata: {\"type\": \"response.output_text.delta\", \"delta\": \"Hi\", "
        b"\"sequence_number\": 4}\n\n",
    ]), path="/v1/responses")
    with make_client(server) as c:
        items = list(c.post("/responses", body={"stream": True}, stream=True))
    assert [(i.type, i.delta, i.sequence_number) for i in items] == [("response.output_text.delta", "Hi", 4)]


@pytest.mark.parametrize("event, message, code", [
    (b"data: {\"error\": {\"message\": \"nested boom\", \"type\": \"server_error\", \"code\": \"e1\"}}\n\n",
     "nested boom", "e1"),
    (b"event: error\ndata: {\"message\": \"top-level boom\", \"type\": \"server_error\", \"code\": \"e2\"}\n\n",
     "top-level boom", "e2"),
    (b"event: error\ndata: {\"error\": {\"message\": \"named and nested\", \"code\": \"e3\"}}\n\n",
     "named and nested", "e3"),
    (b"data: {\"type\": \"error\", \"code\": \"rate_limit_exceeded\", \"message\": \"slow down\", \"param\": null, "
     b"\"sequence_number\": 2}\n\n", "slow down", "rate_limit_exceeded"),
])
def test_error_events_raise_api_error_with_server_message(server: OfflineServer, event: bytes, message: str,
                                                          code: str) -> None:
    server.enqueue(scripted([data(chunk("before")), event, data(chunk("after"))]), path=CHAT_PATH)
    seen = []
    with make_client(server) as c:
        with pytest.raises(APIError) as info:
            for item in open_stream(c):
                seen.append(item.choices[0].delta.content)
    assert seen == ["before"]
    assert info.value.message == message and info.value.code == code
    assert type(info.value) is APIError


def test_invalid_json_raises_api_error_quoting_the_text(server: OfflineServer) -> None:
    server.enqueue(scripted([data(chunk("ok")), b"data: {\"choices\": [oops\n\n"]), path=CHAT_PATH)
    with make_client(server) as c:
        with pytest.raises(APIResponseValidationError) as info:
            list(open_stream(c))
    assert isinstance(info.value, APIError)
    assert "{\"choices\": [oops" in str(info.value) and info.value.body == "{\"choices\": [oops"


def test_invalid_utf8_is_reported_not_replaced(server: OfflineServer) -> None:
    server.enqueue(scripted([b"data: {\"choices\": [{\"delta\": {\"content\": \"\xff\xfe\"}}]}\n\n"]), path=CHAT_PATH)
    with make_client(server) as c:
        with pytest.raises(APIError, match="not valid UTF-8"):
            list(open_stream(c))


def test_json_error_body_with_200_raises_its_message(server: OfflineServer) -> None:
    server.enqueue(Scripted(json={"error": {"message": "proxy says no", "code": "p1"}}), path=CHAT_PATH)
    server.enqueue(Scripted(json={"id": "chatcmpl-1", "object": "chat.completion"}), path=CHAT_PATH)
    with make_client(server) as c:
        with pytest.raises(APIError, match="proxy says no") as info:
            list(open_stream(c))
        assert info.value.code == "p1"
        with pytest.raises(APIResponseValidationError, match="Expected an event stream"):
            list(open_stream(c))


def test_event_stream_labelled_json_is_still_read(server: OfflineServer) -> None:
    server.enqueue(Scripted(body=b"".join(words_stream(2)), content_type="application/json"), path=CHAT_PATH)
    with make_client(server) as c:
        assert contents(open_stream(c)) == ["w0 ", "w1 "]
        c.models.list()
    assert server.connections_opened == 1


# -- transport faults and timeouts ------------------------------------------------------------------


def test_reset_mid_stream_raises_connection_error(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(20), fault="reset_mid_body"), path=CHAT_PATH)
    seen = []
    with make_client(server) as c:
        with pytest.raises(APIConnectionError) as info:
            for item in open_stream(c):
                seen.append(item)
    assert not isinstance(info.value, APITimeoutError)
    assert 0 < len(seen) < 20


def test_truncated_chunked_body_raises_connection_error(server: OfflineServer) -> None:
    # no [DONE] and no last chunk: the body ends mid-stream
    server.enqueue(scripted(words_stream(4)[:-1], fault="truncated_chunked"), path=CHAT_PATH)
    with make_client(server) as c:
        with pytest.raises(APIConnectionError):
            list(open_stream(c))


def test_truncation_after_done_is_not_an_error(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(4), fault="truncated_chunked"), path=CHAT_PATH)
    with make_client(server) as c:
        assert len(contents(open_stream(c))) == 4
        c.models.list()
    assert server.connections_opened == 2  # that connection could not be kept


def test_stall_mid_stream_raises_timeout_within_read_timeout(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(10), fault="stall_body", stall=5.0), path=CHAT_PATH)
    seen = []
    with make_client(server, timeout=(5.0, 0.3)) as c:
        stream = open_stream(c)
        start = time.monotonic()
        with pytest.raises(APITimeoutError):
            for item in stream:
                seen.append(item)
        waited = time.monotonic() - start
    assert len(seen) >= 1
    assert waited < 3.0  # the read timeout (0.3 s), not the server's 5 s stall


def test_stream_longer_than_read_timeout_completes_while_data_flows(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(7), chunk_delay=0.12), path=CHAT_PATH)
    with make_client(server, timeout=(5.0, 0.4)) as c:
        start = time.monotonic()
        got = contents(open_stream(c))
        took = time.monotonic() - start
    assert got == ["w%d " % i for i in range(7)]
    assert took > 0.4  # longer than one read timeout in total, yet no timeout


@pytest.mark.parametrize("framing", ["content-length", "close-delimited"])
def test_unchunked_body_is_read_as_it_arrives(server: OfflineServer, framing: str) -> None:
    headers = {"content-length": None, "connection": "close"} if framing == "close-delimited" else None
    first_piece, *later = words_stream(2)
    server.enqueue(scripted([first_piece, b"".join(later)], chunked=False, chunk_delay=0.6, headers=headers),
                   path=CHAT_PATH)
    with make_client(server) as c:
        stream = open_stream(c)
        start = time.monotonic()
        first = next(stream)
        first_after = time.monotonic() - start
        rest = list(stream)
        c.models.list()
    assert first.choices[0].delta.content == "w0 "
    assert first_after < 0.5  # did not wait for the rest of the body (0.6 s later)
    assert [r.choices[0].delta.content for r in rest] == ["w1 "]
    assert server.connections_opened == (1 if framing == "content-length" else 2)


# -- connections go back to the pool ----------------------------------------------------------------


def test_break_after_three_chunks_then_same_connection_is_reused(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(10)), path=CHAT_PATH)
    with make_client(server) as c:
        stream = open_stream(c)
        for i, _ in enumerate(stream):
            if i == 2:
                break
        assert c.models.list().data
    assert server.connections_opened == 1


@pytest.mark.parametrize("how", ["close", "with", "done"])
def test_closing_or_finishing_keeps_the_connection(server: OfflineServer, how: str) -> None:
    server.enqueue(scripted(words_stream(5)), path=CHAT_PATH)
    with make_client(server) as c:
        stream = open_stream(c)
        if how == "close":
            next(stream)
            stream.close()
        elif how == "with":
            with stream:
                next(stream)
        else:
            assert len(list(stream)) == 5
        assert list(stream) == []  # closed or finished: nothing more
        c.models.list()
    assert server.connections_opened == 1


def test_break_from_a_slow_stream_closes_promptly(server: OfflineServer) -> None:
    server.enqueue(scripted(words_stream(5), chunk_delay=1.0), path=CHAT_PATH)
    with make_client(server) as c:
        stream = open_stream(c)
        for _ in stream:
            break
        start = time.monotonic()
        stream.close()
        assert time.monotonic() - start < 0.5
        c.models.list()
    assert server.connections_opened == 2  # the unfinished body's connection was closed, not reused


def test_n_abandoned_streams_with_pool_of_n_then_one_more_request(server: OfflineServer,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    n = 3
    server.enqueue(scripted(words_stream(6)), path=CHAT_PATH, method="POST")
    server.enqueue(scripted(words_stream(6)), path=CHAT_PATH, method="POST")
    server.enqueue(scripted(words_stream(6)), path=CHAT_PATH, method="POST")
    caplog.set_level(logging.WARNING, logger="urllib3")
    with make_client(server, pool_maxsize=n) as c:
        streams = [open_stream(c) for _ in range(n)]
        for stream in streams:
            for _ in stream:
                break  # abandoned after one chunk, while all n are open
        assert c.models.list().data
        assert "You said" in "".join(x or "" for x in contents(open_stream(c)))
    assert server.connections_opened == n
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


# -- large events -----------------------------------------------------------------------------------


def test_8mb_event_parses_whole(server: OfflineServer) -> None:
    content = "A" * (8 * 1024 * 1024)
    event = data(chunk(content))
    pieces = [event[i:i + 65536] for i in range(0, len(event), 65536)] + [b"data: [DONE]\n\n"]
    server.enqueue(scripted(pieces), path=CHAT_PATH)
    with make_client(server) as c:
        got = contents(open_stream(c))
    assert len(got) == 1 and len(got[0]) == len(content) and got[0] == content
