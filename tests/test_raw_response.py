"""Raw access: ``.with_raw_response`` (read eagerly) and ``.with_streaming_response`` (read when asked)."""
from __future__ import annotations

import pytest
import requests

from conftest import API_KEY, CHAT
from openai_lite import APITimeoutError, BaseModel, NotFoundError, OpenAI, RateLimitError
from openai_lite.testing import Scripted

LINES = "first line\nsecond line\r\nthird \u2603 line\n\nlast without newline"


def test_with_raw_response_create(client, server):
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "req_1"
    assert raw.headers["content-type"] == "application/json"
    assert raw.request_id == "req_1"
    assert isinstance(raw.http_response, requests.Response)
    assert raw.http_response.status_code == 200
    assert raw.method == "POST" and raw.url.endswith("/v1/chat/completions")
    assert raw.retries_taken == 0
    completion = raw.parse()
    assert isinstance(completion, BaseModel)
    assert completion.choices[0].message.content == "You said: hello there"
    assert completion._request_id == "req_1"
    assert raw.parse() is completion
    assert raw.json()["id"] == completion.id
    assert raw.content == raw.http_response.content and b"You said" in raw.content
    assert raw.text == raw.content.decode("utf-8")
    assert "LegacyAPIResponse" in repr(raw) or "APIResponse" in repr(raw)
    assert API_KEY not in repr(raw)


def test_with_raw_response_counts_retries(client, server):
    server.enqueue(Scripted.error(429, "slow", headers={"retry-after-ms": "1"}))
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    assert raw.retries_taken == 1
    assert raw.request_id == "req_2"
    assert raw.parse().object == "chat.completion"


def test_with_raw_response_raises_status_errors(client, server):
    server.enqueue(Scripted.error(429, "no", headers={"x-should-retry": "false"}))
    with pytest.raises(RateLimitError):
        client.chat.completions.with_raw_response.create(**CHAT)
    with pytest.raises(NotFoundError):
        client.models.with_raw_response.retrieve("no-such-model")


def test_nested_resources_in_raw_mode(client, server):
    via_chat = client.chat.with_raw_response.completions.create(**CHAT)
    assert via_chat.status_code == 200 and via_chat.parse().object == "chat.completion"
    via_chat_streaming = client.chat.with_streaming_response.completions
    with via_chat_streaming.create(**CHAT) as response:
        assert response.parse().object == "chat.completion"
    # the plain tree is unaffected
    assert client.chat.completions.create(**CHAT).object == "chat.completion"


def test_raw_response_of_other_methods(client, server):
    page = client.models.with_raw_response.list()
    assert page.parse().data[0].id == "gpt-4o-mini"
    model = client.models.with_raw_response.retrieve("gpt-4o-mini")
    assert model.parse().owned_by == "system"
    assert client.embeddings.with_raw_response.create(model="text-embedding-3-small", input="hi").status_code == 200


def test_raw_response_of_a_stream_parses_to_a_stream(client, server):
    raw = client.chat.completions.with_raw_response.create(stream=True, **CHAT)
    assert raw.headers["content-type"].startswith("text/event-stream")
    chunks = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: hello there"


def test_streaming_response_reads_body_only_when_asked(client, server):
    # Headers arrive, then half the body, then nothing: a call that read the body eagerly would time out.
    server.enqueue(Scripted(fault="stall_body", stall=3))
    c = client.with_options(max_retries=0)
    with c.chat.completions.with_streaming_response.create(timeout=0.3, **CHAT) as response:
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "req_1"
        assert response.http_response._content_consumed is False
        with pytest.raises(APITimeoutError):
            response.read()
    assert response.is_closed


def test_streaming_response_iter_bytes_and_read(client, server):
    body = b"".join(bytes([i % 256]) * 1000 for i in range(300))
    server.enqueue(Scripted(body=body, content_type="application/octet-stream"))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert not response.is_closed
        chunks = list(response.iter_bytes(chunk_size=4096))
    assert b"".join(chunks) == body
    assert max(len(c) for c in chunks) <= 4096 and len(chunks) > 1

    server.enqueue(Scripted(body=body, content_type="application/octet-stream"))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert response.read() == body
        assert response.read() == body  # a second read returns the same bytes
        assert list(response.iter_bytes()) == [body]


def test_streaming_response_iter_lines_and_text(client, server):
    server.enqueue(Scripted(chunks=[LINES[:7], LINES[7:20], LINES[20:]], chunked=True))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert list(response.iter_lines()) == ["first line", "second line", "third \u2603 line", "",
                                               "last without newline"]
    server.enqueue(Scripted(body=LINES))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert response.text() == LINES


def test_iter_lines_with_line_endings_split_across_chunks(client, server):
    # "\r\n" split between two network chunks is one line ending, not two
    server.enqueue(Scripted(chunks=["a\r", "\nb\r", "\n", "c\u2028d\r", "\n\n", "e\r"], chunked=True,
                            chunk_delay=0.02))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert list(response.iter_lines()) == ["a", "b", "c", "d", "", "e"]


def test_streaming_response_parse(client, server):
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert response.request_id == "req_1"
        completion = response.parse()
        assert completion.choices[0].message.content == "You said: hello there"
        assert response.json()["id"] == completion.id


def test_streaming_response_stream_to_file(client, server, tmp_path):
    body = b"0123456789" * 50000
    server.enqueue(Scripted(body=body, content_type="application/octet-stream"))
    target = tmp_path / "out.bin"
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        response.stream_to_file(target, chunk_size=8192)
    assert target.read_bytes() == body


def test_streaming_response_gives_the_connection_back(client, server):
    for _ in range(3):
        with client.models.with_streaming_response.list() as response:
            assert response.parse().data
    with client.models.with_streaming_response.list() as response:
        pass  # never read: closing must not leave the pool stuck
    for _ in range(3):
        client.models.list()
    assert server.connections_opened <= 2
    assert len(server.requests) == 7


def test_streaming_response_raises_status_errors_on_create(client, server):
    with pytest.raises(NotFoundError) as info:
        with client.models.with_streaming_response.retrieve("missing"):
            pass  # pragma: no cover
    assert info.value.body["message"] == "The model 'missing' does not exist"


def test_binary_response_content(client, server, tmp_path):
    payload = bytes(range(256)) * 400
    server.enqueue(Scripted(body=payload, content_type="audio/mpeg"), path="/v1/files/file-1/content")
    content = client._request("GET", "/files/{id}/content", path_params={"id": "file-1"}, binary=True)
    assert content.response.headers["content-type"] == "audio/mpeg"
    target = tmp_path / "speech.mp3"
    content.write_to_file(target)
    assert target.read_bytes() == payload
    server.enqueue(Scripted(body=payload, content_type="audio/mpeg"), path="/v1/files/file-1/content")
    content = client._request("GET", "/files/{id}/content", path_params={"id": "file-1"}, binary=True)
    assert b"".join(content.iter_bytes(1000)) == payload
    server.enqueue(Scripted(body=payload, content_type="audio/mpeg"), path="/v1/files/file-1/content")
    assert client._request("GET", "/files/{id}/content", path_params={"id": "file-1"}, binary=True).content == payload


def test_raw_response_with_user_session(server):
    session = requests.Session()
    with OpenAI(api_key=API_KEY, base_url=server.url, http_session=session) as c:
        raw = c.chat.completions.with_raw_response.create(**CHAT)
        assert raw.http_response.status_code == 200
    session.close()


@pytest.mark.parametrize("fault", ["reset_mid_body", "truncated_chunked", "short_content_length"])
def test_streaming_response_broken_body_raises_a_connection_error(client, server, fault):
    from openai_lite import APIConnectionError

    server.enqueue(Scripted(body=b"x" * 200000, chunked=fault == "truncated_chunked", fault=fault))
    with client.chat.completions.with_streaming_response.create(**CHAT) as response:
        assert response.status_code == 200
        with pytest.raises(APIConnectionError):
            response.read()
    assert len(server.requests) == 1  # a body already handed to the caller is not re-requested
    assert client.models.list().data  # and the client carries on


def test_parse_helpers_answer_raw_through_the_views(client, server):
    # chat.completions.parse and responses.parse are in the views (typed there as in openai-python)
    from dataclasses import dataclass

    from openai_lite import APIResponse, LegacyAPIResponse

    @dataclass
    class Answer:
        value: int

    completion = {"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": '{"value": 4}'}}]}
    server.enqueue(Scripted(json=completion))
    raw = client.chat.completions.with_raw_response.parse(model="m", messages=[], response_format=Answer)
    assert type(raw) is LegacyAPIResponse and raw.status_code == 200
    assert raw.parse().choices[0].message.parsed == Answer(4)
    server.enqueue(Scripted(json=completion))
    with client.chat.completions.with_streaming_response.parse(model="m", messages=[],
                                                                response_format=Answer) as streamed:
        assert type(streamed) is APIResponse
        assert streamed.parse().choices[0].message.parsed == Answer(4)
    response = {"id": "resp_1", "object": "response", "status": "completed", "output": [
        {"type": "message", "id": "m", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": '{"value": 5}', "annotations": []}]}]}
    server.enqueue(Scripted(json=response))
    raw = client.responses.with_raw_response.parse(model="m", input="x", text_format=Answer)
    assert type(raw) is LegacyAPIResponse and raw.parse().output_parsed == Answer(5)


def test_parse_to_reads_the_body_as_another_type(client, server):
    from openai_lite.types import Model

    server.enqueue(Scripted(json={"id": "gpt-x", "object": "model", "created": 1, "owned_by": "me"}))
    raw = client.models.with_raw_response.retrieve("gpt-x")
    model = raw.parse(to=Model)
    assert type(model) is Model and model.owned_by == "me"
