"""Errors: status -> class, attributes, messages, odd bodies, validation errors, pickling without secrets."""
from __future__ import annotations

import pickle

import pytest
import requests

from conftest import API_KEY, chat
from openai_lite import (
    APIConnectionError, APIError, APIResponseValidationError, APIStatusError, APITimeoutError, AuthenticationError,
    BadRequestError, ConflictError, ContentFilterFinishReasonError, InternalServerError, InvalidWebhookSignatureError,
    LengthFinishReasonError, NotFoundError, OpenAI, OpenAIError, PermissionDeniedError, RateLimitError,
    UnprocessableEntityError,
)
from openai_lite._models import BaseModel
from openai_lite.testing import Scripted

STATUS_CLASSES = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: ConflictError, 422: UnprocessableEntityError, 429: RateLimitError, 500: InternalServerError,
    503: InternalServerError, 418: APIStatusError,
}


@pytest.fixture
def once(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as c:
        yield c


@pytest.mark.parametrize("status", sorted(STATUS_CLASSES))
def test_status_to_class(once, server, status):
    server.enqueue(Scripted.error(status, "problem %d" % status))
    with pytest.raises(APIStatusError) as info:
        chat(once)
    error = info.value
    assert type(error) is STATUS_CLASSES[status]
    assert isinstance(error, APIError) and isinstance(error, OpenAIError)
    assert error.status_code == status
    assert error.message == "Error code: %d - problem %d" % (status, status)


def test_error_attributes(once, server):
    server.enqueue(Scripted.error(429, "Rate limit reached for gpt-4o-mini", type="requests", param="model",
                                  code="rate_limit_exceeded", headers={"x-request-id": "req_abc123"}))
    with pytest.raises(RateLimitError) as info:
        chat(once)
    error = info.value
    assert error.status_code == 429
    assert isinstance(error.response, requests.Response)
    assert error.response.status_code == 429
    assert error.response.json()["error"]["code"] == "rate_limit_exceeded"
    assert error.body == {"message": "Rate limit reached for gpt-4o-mini", "type": "requests", "param": "model",
                          "code": "rate_limit_exceeded"}
    assert (error.code, error.param, error.type) == ("rate_limit_exceeded", "model", "requests")
    assert error.request_id == "req_abc123"
    assert error.message == "Error code: 429 - Rate limit reached for gpt-4o-mini"
    assert str(error) == "Error code: 429 - Rate limit reached for gpt-4o-mini (request id: req_abc123)"
    assert error.request.method == "POST"
    assert error.request.url.endswith("/v1/chat/completions")


def test_error_without_optional_fields(once, server):
    server.enqueue(Scripted(status=400, json={"error": {"message": "bad"}}, headers={"x-request-id": None}))
    with pytest.raises(BadRequestError) as info:
        chat(once)
    error = info.value
    assert (error.code, error.param, error.type, error.request_id) == (None, None, None, None)
    assert str(error) == "Error code: 400 - bad"


def test_html_error_body_gives_a_readable_message(once, server):
    html = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    server.enqueue(Scripted(status=502, body=html, content_type="text/html"))
    with pytest.raises(InternalServerError) as info:
        chat(once)
    text = str(info.value)
    assert text.startswith("Error code: 502 - ")
    assert "<html" not in text and "<center>" not in text
    assert "Bad Gateway" in text
    assert info.value.response.text == html  # the whole body is still there to inspect


def test_empty_error_body_gives_a_readable_message(once, server):
    server.enqueue(Scripted(status=503, body=b""))
    with pytest.raises(InternalServerError) as info:
        chat(once)
    assert info.value.message == "Error code: 503 - Service Unavailable"
    assert info.value.body is None
    assert "None" not in str(info.value)


def test_plain_text_and_odd_json_error_bodies(once, server):
    server.enqueue(Scripted(status=500, body="upstream exploded"))
    with pytest.raises(InternalServerError) as info:
        chat(once)
    assert info.value.message == "Error code: 500 - upstream exploded"
    assert info.value.body == "upstream exploded"
    server.enqueue(Scripted(status=400, json={"detail": "no error key"}))
    with pytest.raises(BadRequestError) as info2:
        chat(once)
    assert "no error key" in info2.value.message
    assert info2.value.body == {"detail": "no error key"}
    server.enqueue(Scripted(status=400, json=["a", "list"]))
    with pytest.raises(BadRequestError) as info3:
        chat(once)
    assert info3.value.body == ["a", "list"] and info3.value.code is None


def test_huge_error_body_gives_a_bounded_message(once, server):
    server.enqueue(Scripted(status=500, body="E" * (3 * 1024 * 1024)))
    with pytest.raises(InternalServerError) as info:
        chat(once)
    assert len(str(info.value)) < 1000
    once.models.list()  # the connection (or a new one) still works afterwards


def test_200_with_invalid_json_is_a_validation_error(once, server):
    server.enqueue(Scripted(status=200, body="this is not json", content_type="application/json"))
    with pytest.raises(APIResponseValidationError) as info:
        chat(once)
    error = info.value
    assert isinstance(error, APIError)
    assert error.status_code == 200
    assert "this is not json" in str(error)
    assert len(server.requests) == 1


# -- pickling ----------------------------------------------------------------------------------------


def _roundtrip(error):
    data = pickle.dumps(error)
    assert API_KEY.encode() not in data
    assert API_KEY not in repr(error) and API_KEY not in str(error)
    clone = pickle.loads(data)
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert clone.args == error.args
    assert API_KEY not in repr(clone)
    return clone


def _raised(fn):
    with pytest.raises(OpenAIError) as info:
        fn()
    return info.value


@pytest.mark.parametrize("status", sorted(STATUS_CLASSES))
def test_status_errors_pickle(once, server, status):
    server.enqueue(Scripted.error(status, "pickled %d" % status, type="t", param="p", code="c",
                                  headers={"x-request-id": "req_p%d" % status}))
    error = _raised(lambda: chat(once))
    clone = _roundtrip(error)
    for name in ("status_code", "body", "code", "param", "type", "request_id", "message"):
        assert getattr(clone, name) == getattr(error, name), name
    assert clone.response.status_code == status
    assert clone.response.headers["x-request-id"] == "req_p%d" % status
    assert clone.response.json() == error.response.json()
    assert clone.request.method == "POST"
    assert clone.request.url == error.request.url
    assert "Authorization" not in clone.request.headers


def test_connection_and_timeout_errors_pickle(server, closed_port):
    with OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port, max_retries=0) as c:
        refused = _raised(lambda: chat(c))
    assert type(refused) is APIConnectionError
    clone = _roundtrip(refused)
    assert clone.message == refused.message and clone.body is None
    assert clone.request.url == refused.request.url

    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as c:
        server.enqueue(Scripted(fault="stall_headers", stall=3))
        timed_out = _raised(lambda: chat(c, timeout=0.3))
    assert type(timed_out) is APITimeoutError
    assert _roundtrip(timed_out).message == "Request timed out."


def test_validation_error_pickles(once, server):
    server.enqueue(Scripted(status=200, body="{broken", content_type="application/json"))
    error = _raised(lambda: chat(once))
    assert type(error) is APIResponseValidationError
    clone = _roundtrip(error)
    assert clone.status_code == 200 and clone.body == error.body and clone.message == error.message


def test_constructed_errors_pickle():
    completion = BaseModel({"id": "c1", "usage": {"completion_tokens": 5}})
    for error in (OpenAIError("plain"), APIError("msg", None, body={"code": "x"}),
                  APIConnectionError(message="conn"), APITimeoutError(None),
                  LengthFinishReasonError(completion=completion), ContentFilterFinishReasonError(),
                  InvalidWebhookSignatureError("bad signature")):
        clone = _roundtrip(error)
        assert str(clone) == str(error)
    assert pickle.loads(pickle.dumps(APIError("msg", None, body={"code": "x"}))).code == "x"
    assert pickle.loads(pickle.dumps(LengthFinishReasonError(completion=completion))).completion == completion


def test_key_in_the_request_never_reaches_the_pickle_even_with_a_query(server):
    # a key in a header must not travel; nor should the Authorization header of the request
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0,
                default_headers={"api-key": API_KEY}) as c:
        server.enqueue(Scripted.error(401, "Incorrect API key provided"))
        error = _raised(lambda: chat(c))
    assert isinstance(error, AuthenticationError)
    assert error.response.request.headers["Authorization"] == "Bearer " + API_KEY  # live object has it
    clone = _roundtrip(error)
    assert clone.request.headers == {}


def test_200_with_invalid_utf8_is_a_validation_error(once, server):
    server.enqueue(Scripted(status=200, body=b'{"id": "\xff\xfe"}', content_type="application/json"))
    with pytest.raises(APIResponseValidationError):
        chat(once)
