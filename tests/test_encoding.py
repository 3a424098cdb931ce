"""Encoding: query strings, path parameters, JSON bodies (NaN refused, dates, enums, dataclasses, models)."""
from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from urllib.parse import parse_qsl, unquote

import pytest

from conftest import chat
from openai_lite import NOT_GIVEN, BaseModel
from openai_lite._encoding import dump_json, encode_query, format_path, merge_body
from openai_lite.testing import Scripted


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    HIGH = 3


class Mode(str, enum.Enum):
    AUTO = "auto"


@dataclasses.dataclass
class Point:
    x: int
    label: str
    when: datetime.date


UTC = datetime.timezone.utc


def test_query_encoding_rules():
    pairs = parse_qsl(encode_query({
        "include": ["a", "b"], "metadata": {"k": "v", "n": 1}, "yes": True, "no": False, "none": None,
        "missing": NOT_GIVEN, "limit": 10, "color": Color.RED,
        "after": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    }), keep_blank_values=True)
    assert pairs == [
        ("include[]", "a"), ("include[]", "b"), ("metadata[k]", "v"), ("metadata[n]", "1"),
        ("yes", "true"), ("no", "false"), ("limit", "10"), ("color", "red"),
        ("after", "2024-01-02T03:04:05+00:00"),
    ]
    assert encode_query({"a": {"b": {"c": [1, None, 2]}}}) == "a%5Bb%5D%5Bc%5D%5B%5D=1&a%5Bb%5D%5Bc%5D%5B%5D=2"
    assert encode_query({"a": "1"}, {"a": "2", "b": "3"}) == "a=2&b=3"  # later mappings override
    assert encode_query({"q": "a b&c=d"}) == "q=a+b%26c%3Dd"
    assert encode_query({}, None) == ""


def test_query_reaches_the_server(client, server):
    server.enqueue(Scripted(json={"ok": True}), path="/v1/things")
    client.get("/things", query={"include": ["file_search_call.results", "message.input_image.image_url"],
                                 "metadata": {"team": "a&b"}, "stream": False, "after": None,
                                 "before": NOT_GIVEN, "order": "desc"})
    req = server.last_request
    assert req.query == {"include[]": ["file_search_call.results", "message.input_image.image_url"],
                         "metadata[team]": ["a&b"], "stream": ["false"], "order": ["desc"]}


def test_path_parameters_are_quoted(client, server):
    server.enqueue(Scripted(json={"id": "x"}))
    client.models.retrieve("ft:gpt-4o/my model?#")
    req = server.last_request
    assert req.target == "/v1/models/ft%3Agpt-4o%2Fmy%20model%3F%23"
    assert unquote(req.target.rsplit("/", 1)[1]) == "ft:gpt-4o/my model?#"
    assert req.query == {}


def test_format_path():
    assert format_path("/a/{x}/b/{y}", {"x": "1/2", "y": 3}) == "/a/1%2F2/b/3"
    with pytest.raises(ValueError) as info:
        format_path("/files/{file_id}", {"file_id": ""})
    assert "file_id" in str(info.value)
    with pytest.raises(ValueError):
        format_path("/files/{file_id}", {"file_id": None})
    with pytest.raises(TypeError):
        format_path("/files/{file_id}", {"file_id": True})


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_segment_path_parameter_fails_before_sending(client, server, value):
    # "/v1/models/.." would be normalised to "/v1/": a DELETE would hit another resource
    with pytest.raises(ValueError) as info:
        client.models.delete(value)
    assert "model" in str(info.value)
    assert server.requests == []
    server.enqueue(Scripted(json={"id": "a..b", "deleted": True}))
    client.models.delete("a..b")  # dots inside an id are fine
    assert server.last_request.target == "/v1/models/a..b"


def test_empty_path_parameter_fails_before_sending(client, server):
    with pytest.raises(ValueError) as info:
        client.models.retrieve("")
    assert "model" in str(info.value)
    with pytest.raises(ValueError):
        client.models.delete("")
    assert server.requests == []


def test_nan_body_fails_before_sending(client, server):
    with pytest.raises(ValueError):
        chat(client, temperature=float("nan"))
    with pytest.raises(ValueError):
        client.post("/things", body={"nested": [{"v": float("inf")}]})
    with pytest.raises(ValueError):
        chat(client, extra_body={"x": float("-inf")})
    assert server.requests == []


def test_values_are_serialised(client, server):
    server.enqueue(Scripted(json={"ok": True}), path="/v1/things")
    body = {
        "when": datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "day": datetime.date(2024, 5, 6),
        "color": Color.BLUE, "level": Level.HIGH, "mode": Mode.AUTO,
        "point": Point(1, "p", datetime.date(2020, 1, 1)),
        "points": [Point(2, "q", datetime.date(2021, 2, 2))],
        "pair": (1, 2),
        "model": BaseModel({"id": "m1", "inner": {"a": [1]}}),
        "none": None,
        "unicode": "caf\u00e9 \u2603",
        "skipped": NOT_GIVEN,
    }
    assert client.post("/things", body=body).ok is True
    sent = server.last_request.json()
    assert sent == {
        "when": "2024-05-06T07:08:09+00:00", "day": "2024-05-06", "color": "blue", "level": 3, "mode": "auto",
        "point": {"x": 1, "label": "p", "when": "2020-01-01"},
        "points": [{"x": 2, "label": "q", "when": "2021-02-02"}],
        "pair": [1, 2], "model": {"id": "m1", "inner": {"a": [1]}}, "none": None, "unicode": "caf\u00e9 \u2603",
    }
    assert server.last_request.headers.get("Content-Type") == "application/json"


def test_not_given_dropped_none_kept(client, server):
    chat(client, stop=None, temperature=NOT_GIVEN, user="u1")
    sent = server.last_request.json()
    assert sent["stop"] is None and "temperature" not in sent and sent["user"] == "u1"
    assert "top_p" not in sent and "tools" not in sent


def test_merge_body_and_dump_json():
    assert merge_body({"a": 1, "b": NOT_GIVEN}, {"c": 2, "a": 3}) == {"a": 3, "c": 2}
    assert merge_body(None, None) is None
    assert merge_body(None, {"x": 1}) == {"x": 1}
    assert json.loads(dump_json({"a": [1, "\u00e9"]})) == {"a": [1, "\u00e9"]}
    with pytest.raises(ValueError):
        dump_json({"a": float("nan")})
    with pytest.raises(TypeError):
        dump_json({"a": object()})
    with pytest.raises(TypeError):
        dump_json({"a": [NOT_GIVEN]})
