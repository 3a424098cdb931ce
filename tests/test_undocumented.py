"""client.get/post/... for endpoints without a method: bodies of any JSON shape, per-call options."""
import json

import pytest

from openai_lite import InternalServerError
from openai_lite.testing import Scripted


def test_post_sends_a_list_body_as_json(server, client):
    server.enqueue(Scripted(json={"ok": True}), path="/v1/custom")
    result = client.post("/custom", body=[1, {"a": "b"}])
    assert result.ok is True
    assert json.loads(server.requests[-1].body) == [1, {"a": "b"}]


def test_post_sends_bytes_as_given(server, client):
    server.enqueue(Scripted(json={"ok": True}), path="/v1/raw")
    client.post("/raw", body=b'{"pre":"encoded"}', headers={"Content-Type": "application/json"})
    assert server.requests[-1].body == b'{"pre":"encoded"}'


def test_extra_body_with_a_non_object_body_is_refused_before_sending(server, client):
    with pytest.raises(TypeError, match="extra_body"):
        client._request("POST", "/custom", body=[1], extra_body={"x": 1})
    assert server.requests == []


def test_options_max_retries_is_honoured(server, client):
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}, repeat=10), path="/v1/flaky")
    with pytest.raises(InternalServerError):
        client.get("/flaky", options={"max_retries": 0})
    assert len(server.requests) == 1
    server.reset()
    server.enqueue(Scripted(status=500, json={"error": {"message": "boom"}}, repeat=10), path="/v1/flaky")
    with pytest.raises(InternalServerError):
        client.get("/flaky", options={"max_retries": 3})
    assert len(server.requests) == 4


def test_unknown_request_options_are_an_error(server, client):
    with pytest.raises(TypeError, match="bogus"):
        client.get("/models", options={"bogus": 1})
    assert server.requests == []
