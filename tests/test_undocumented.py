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


def test_get_api_list_returns_a_page_that_walks_every_page(server, client):
    from openai_lite.pagination import SyncCursorPage
    from openai_lite.types import FileObject

    server.enqueue(Scripted(json={"object": "list", "has_more": True, "data": [{"id": "f1", "object": "file"}]}),
                   path="/v1/custom_files")
    server.enqueue(Scripted(json={"object": "list", "has_more": False, "data": [{"id": "f2", "object": "file"}]}),
                   path="/v1/custom_files")
    page = client.get_api_list("/custom_files", model=FileObject, page=SyncCursorPage[FileObject],
                               options={"params": {"limit": 1}, "headers": {"X-Extra": "yes"}})
    assert isinstance(page, SyncCursorPage) and [f.id for f in page] == ["f1", "f2"]
    assert all(isinstance(f, FileObject) for f in page.data)
    first, second = server.requests
    assert first.query == {"limit": ["1"]} and first.headers["X-Extra"] == "yes"
    assert second.query == {"limit": ["1"], "after": ["f1"]}
    server.enqueue(Scripted(json={"object": "list", "has_more": False, "data": [{"id": "f3"}]}),
                   path="/v1/custom_files")
    bare = client.get_api_list("/custom_files", model=FileObject, page=SyncCursorPage)  # as openai: plain items
    assert bare.data == [{"id": "f3"}]
    with pytest.raises(TypeError, match="page class"):
        client.get_api_list("/custom_files", model=FileObject, page="SyncCursorPage")


def test_qs_encodes_in_the_api_bracket_style_and_the_other_formats(client):
    qs = client.qs
    params = {"a": [1, 2], "b": {"c": True, "d": None}, "e": "x y", "n": None}
    assert qs.stringify(params) == "a%5B%5D=1&a%5B%5D=2&b%5Bc%5D=true&e=x+y"
    assert qs.stringify_items(params, array_format="repeat") == [("a", "1"), ("a", "2"), ("b[c]", "true"),
                                                                  ("e", "x y")]
    assert qs.stringify_items({"a": [1, 2]}, array_format="indices") == [("a[0]", "1"), ("a[1]", "2")]
    assert qs.stringify_items({"a": [1, 2]}, array_format="comma") == [("a", "1,2")]
    assert qs.stringify_items({"b": {"c": 1}}, nested_format="dots") == [("b.c", "1")]
    assert qs.parse("a[]=1&a[]=2&b=3") == {"a[]": ["1", "2"], "b": ["3"]}
    assert (qs.array_format, qs.nested_format) == ("brackets", "brackets")
    with pytest.raises(ValueError, match="array_format"):
        qs.stringify({"a": [1]}, array_format="semicolons")
