"""Retries: the policy functions, the status matrix, server-asked waits, faults, bodies re-sent, the pool."""
from __future__ import annotations

import email.utils
import logging
import re
import time

import pytest
import requests

from conftest import API_KEY, chat, wait_until
from openai_lite import (
    APIConnectionError, APIStatusError, APITimeoutError, AuthenticationError, BadRequestError, ConflictError,
    InternalServerError, NotFoundError, OpenAI, PermissionDeniedError, RateLimitError, UnprocessableEntityError,
)
from openai_lite import _retry
from openai_lite._retry import (
    MAX_RETRY_AFTER, RetryPolicy, backoff_delay, response_retry_delay, retry_after_seconds, should_retry_status,
)
from openai_lite.testing import Scripted

FAST = {"retry-after-ms": "1"}
PINNED = 0.001  # the backoff conftest pins for every test not marked real_backoff

RETRIED = {408: APIStatusError, 409: ConflictError, 429: RateLimitError, 500: InternalServerError,
           502: InternalServerError, 503: InternalServerError, 504: InternalServerError}
NOT_RETRIED = {400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
               422: UnprocessableEntityError}


def waits(caplog):
    """The waits (seconds) the retry log lines announced, in order."""
    found = []
    for record in caplog.records:
        if record.name != "openai_lite":
            continue
        match = re.search(r"Retrying .* in ([0-9.]+) seconds", record.getMessage())
        if match:
            found.append(float(match.group(1)))
    return found


@pytest.fixture
def retry_log(caplog):
    caplog.set_level(logging.INFO, logger="openai_lite")
    return caplog


# -- the pure policy ---------------------------------------------------------------------------------


@pytest.mark.real_backoff
def test_backoff_numbers():
    assert _retry.INITIAL_RETRY_DELAY == 0.5 and _retry.MAX_RETRY_DELAY == 8.0 and _retry.MAX_JITTER == 0.25
    no_jitter = [backoff_delay(n, lambda: 0.0) for n in range(8)]
    assert no_jitter == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    full_jitter = [backoff_delay(n, lambda: 1.0) for n in range(8)]
    assert full_jitter == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0, 6.0, 6.0]
    assert backoff_delay(10 ** 6, lambda: 0.0) == 8.0  # no overflow after very many retries
    for n in range(6):
        value = backoff_delay(n)  # the real random jitter stays inside the bounds
        assert no_jitter[n] * 0.75 <= value <= no_jitter[n]
    # the class attribute is what the adapter uses; it is a zero-argument callable
    assert 0.0 <= RetryPolicy.random() <= 1.0


@pytest.mark.real_backoff
def test_retry_after_rules():
    now = time.time()
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after": "0.25"}) == 0.25
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25  # ms wins
    assert retry_after_seconds({"retry-after-ms": "soon", "retry-after": "9"}) == 9.0  # unreadable ms ignored
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= retry_after_seconds({"retry-after": date}, now=now) <= 30
    assert retry_after_seconds({"retry-after": "garbage"}) is None
    assert retry_after_seconds({}) is None

    def delay(headers, taken=0):
        return response_retry_delay(headers, taken, lambda: 0.0)

    assert delay({"retry-after-ms": "10"}) == 0.01
    assert delay({"retry-after": "2"}) == 2.0
    assert 28 <= delay({"retry-after": date}) <= 30
    assert delay({"retry-after": "120"}) == 120.0  # the limit itself is honoured
    assert MAX_RETRY_AFTER == 120.0
    assert delay({"retry-after": "121"}) is None  # longer: not retried at all
    assert delay({"retry-after-ms": "120001"}) is None
    assert delay({"retry-after": email.utils.formatdate(now + 600, usegmt=True)}) is None
    # absurd values fall back to the normal backoff
    for absurd in ("-5", "0", "garbage", "nan", "", "Thu, 01 Jan 1970 00:00:00 GMT"):
        assert delay({"retry-after": absurd}, taken=1) == 1.0, absurd
    assert delay({"retry-after-ms": "-100"}, taken=2) == 2.0
    assert delay({}, taken=3) == 4.0


def test_should_retry_status_table():
    for status in RETRIED:
        assert should_retry_status(status, {})
    for status in list(NOT_RETRIED) + [418]:
        assert not should_retry_status(status, {})
    assert should_retry_status(599, {})
    assert should_retry_status(400, {"x-should-retry": "true"})
    assert not should_retry_status(500, {"x-should-retry": "false"})
    assert not should_retry_status(429, {"x-should-retry": "false"})


# -- the status matrix over real sockets ------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(RETRIED))
def test_retried_statuses_then_success(client, server, status):
    server.enqueue(Scripted.error(status, "try again", repeat=2))
    completion = chat(client)
    assert completion.choices[0].message.content == "You said: hello there"
    assert [r.path for r in server.requests] == ["/v1/chat/completions"] * 3


@pytest.mark.parametrize("status", sorted(RETRIED))
def test_retried_statuses_exhausted_raise_with_the_server_body(client, server, status):
    server.enqueue(Scripted.error(status, "still failing %d" % status, code="c%d" % status, repeat=3))
    with pytest.raises(APIStatusError) as info:
        chat(client)
    error = info.value
    assert type(error) is RETRIED[status]
    assert not isinstance(error, requests.exceptions.RetryError)
    assert error.status_code == status
    assert error.body["message"] == "still failing %d" % status
    assert error.code == "c%d" % status
    assert error.request_id == "req_3"  # the last attempt's response
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", sorted(NOT_RETRIED))
def test_not_retried_statuses(client, server, status):
    server.enqueue(Scripted.error(status, "no", repeat=3))
    with pytest.raises(APIStatusError) as info:
        chat(client)
    assert type(info.value) is NOT_RETRIED[status]
    assert info.value.body["message"] == "no"
    assert len(server.requests) == 1


def test_x_should_retry_true_on_400(client, server):
    server.enqueue(Scripted.error(400, "flaky", headers={"x-should-retry": "true"}))
    assert chat(client).object == "chat.completion"
    assert len(server.requests) == 2


def test_x_should_retry_false_on_500(client, server):
    server.enqueue(Scripted.error(500, "final", headers={"x-should-retry": "false"}, repeat=3))
    with pytest.raises(InternalServerError) as info:
        chat(client)
    assert info.value.body["message"] == "final"
    assert len(server.requests) == 1


# -- waits the server asks for ------------------------------------------------------------------------


def test_retry_after_ms_is_honoured(client, server, retry_log):
    server.enqueue(Scripted.error(429, "slow down", headers={"retry-after-ms": "30"}))
    chat(client)
    assert len(server.requests) == 2
    assert waits(retry_log) == [0.03]


def test_retry_after_seconds_is_honoured(client, server, retry_log):
    server.enqueue(Scripted.error(503, "busy", headers={"Retry-After": "0.05"}))
    chat(client)
    assert len(server.requests) == 2
    assert waits(retry_log) == [0.05]


def test_retry_after_http_date_is_honoured(client, server, retry_log):
    when = email.utils.formatdate(time.time() + 2.5, usegmt=True)  # whole seconds: 1.5 to 2.5 s from now
    server.enqueue(Scripted.error(503, "busy", headers={"Retry-After": when}))
    chat(client)
    assert len(server.requests) == 2
    (wait,) = waits(retry_log)
    assert 0.5 < wait <= 2.5


@pytest.mark.parametrize("headers", [{"Retry-After": "121"}, {"retry-after-ms": "600000"}, {"Retry-After": "3600"}])
def test_retry_after_beyond_the_limit_is_not_retried(client, server, headers):
    server.enqueue(Scripted.error(429, "come back later", headers=headers, repeat=3))
    with pytest.raises(RateLimitError) as info:
        chat(client)
    assert info.value.body["message"] == "come back later"
    assert len(server.requests) == 1


@pytest.mark.parametrize("value", ["-5", "garbage", "0", "nan"])
def test_absurd_retry_after_uses_normal_backoff(client, server, retry_log, value):
    server.enqueue(Scripted.error(429, "slow down", headers={"Retry-After": value}))
    chat(client)
    assert len(server.requests) == 2
    assert waits(retry_log) == [PINNED]


def test_retry_log_names_the_reason_and_count(client, server, retry_log):
    server.enqueue(Scripted.error(502, "bad gateway", headers=FAST, repeat=2))
    chat(client)
    lines = [r.getMessage() for r in retry_log.records if r.name == "openai_lite" and "Retrying" in r.getMessage()]
    assert len(lines) == 2
    assert "status 502" in lines[0] and "attempt 1 of 3 failed" in lines[0]
    assert "attempt 2 of 3 failed" in lines[1]
    assert "/v1/chat/completions" in lines[0]


# -- bodies re-sent whole ---------------------------------------------------------------------------


def test_post_body_resent_identically(client, server):
    server.enqueue(Scripted.error(500, "boom", headers=FAST, repeat=2))
    messages = [{"role": "user", "content": "h\u00e9llo \u2603 " + "x" * 50000}]
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.5)
    assert completion.choices[0].message.content.startswith("You said: h\u00e9llo")
    bodies = [r.body for r in server.requests]
    assert len(bodies) == 3
    assert bodies[0] == bodies[1] == bodies[2]
    assert server.requests[2].json() == {"model": "gpt-4o-mini", "messages": messages, "temperature": 0.5}
    assert len({r.headers.get("Content-Length") for r in server.requests}) == 1


def test_body_resent_after_a_connection_fault(client, server):
    server.enqueue(Scripted(fault="reset_before_headers"))
    chat(client, content="again please")
    first, second = server.requests
    assert first.body == second.body and second.json()["messages"][0]["content"] == "again please"


# -- connection failures ------------------------------------------------------------------------------


def test_connection_refused_is_retried_then_raises(closed_port, retry_log):
    with OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port) as client:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            chat(client)
        assert time.monotonic() - started < 10
    assert not isinstance(info.value, APITimeoutError)
    assert API_KEY not in str(info.value)
    assert len(waits(retry_log)) == 2  # two retries, then the error


def test_connection_refused_without_retries(closed_port, retry_log):
    with OpenAI(api_key=API_KEY, base_url="http://127.0.0.1:%d/v1" % closed_port, max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            chat(client)
    assert waits(retry_log) == []


@pytest.mark.parametrize("fault", ["reset_before_headers", "close_before_headers"])
def test_faults_before_headers_are_retried(client, server, fault):
    server.enqueue(Scripted(fault=fault))
    assert chat(client).choices[0].message.content == "You said: hello there"
    assert len(server.requests) == 2


@pytest.mark.parametrize("fault", ["reset_before_headers", "close_before_headers"])
def test_faults_before_headers_exhaust_retries(client, server, fault):
    server.enqueue(Scripted(fault=fault, repeat=3))
    with pytest.raises(APIConnectionError) as info:
        chat(client)
    assert not isinstance(info.value, APITimeoutError)
    assert len(server.requests) == 3


BODY_FAULTS = ["reset_mid_body", "truncated_chunked", "short_content_length", "reset_after_headers"]


@pytest.mark.parametrize("fault", BODY_FAULTS)
def test_broken_bodies_are_retried_by_the_funnel(client, server, fault):
    server.enqueue(Scripted(fault=fault))
    assert chat(client).choices[0].message.content == "You said: hello there"
    assert len(server.requests) == 2


@pytest.mark.parametrize("fault", BODY_FAULTS)
def test_broken_bodies_exhaust_the_same_retry_budget(client, server, fault):
    server.enqueue(Scripted(fault=fault, repeat=5))
    with pytest.raises(APIConnectionError):
        chat(client)
    assert len(server.requests) == 3  # 1 + max_retries, not a fresh budget per body failure


def test_status_and_body_faults_share_one_budget(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=1) as client:
        server.enqueue(Scripted.error(500, "boom", headers=FAST))
        server.enqueue(Scripted(fault="reset_mid_body"))
        server.enqueue(Scripted(json={"id": "never reached"}))
        with pytest.raises(APIConnectionError):
            chat(client)
        assert len(server.requests) == 2
        assert server.pending == 1
    server.reset()
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=2) as client:
        server.enqueue(Scripted.error(500, "boom", headers=FAST), path="/v1/models")
        server.enqueue(Scripted(fault="reset_mid_body"), path="/v1/models")
        assert client.models.list().data[0].id == "gpt-4o-mini"


def test_broken_body_with_zero_retries(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        server.enqueue(Scripted(fault="truncated_chunked"))
        with pytest.raises(APIConnectionError):
            chat(client)
    assert len(server.requests) == 1


# -- the connection pool --------------------------------------------------------------------------------


def test_keep_alive_reuses_one_connection(client, server):
    for i in range(6):
        assert chat(client, content="n%d" % i).choices[0].message.content == "You said: n%d" % i
    client.models.list()
    assert len(server.requests) == 7
    assert server.connections_opened == 1
    assert {r.connection_id for r in server.requests} == {server.requests[0].connection_id}


def test_status_retries_reuse_the_connection(client, server):
    server.enqueue(Scripted.error(503, "busy", headers=FAST, repeat=2))
    chat(client)
    assert len(server.requests) == 3
    assert server.connections_opened == 1


def test_pool_is_usable_after_faults(client, server):
    for fault in ["reset_before_headers", "close_before_headers", "reset_mid_body", "truncated_chunked",
                  "short_content_length", "reset_after_headers"]:
        server.enqueue(Scripted(fault=fault, repeat=3))
        with pytest.raises(APIConnectionError):
            chat(client)
    server.enqueue(Scripted.error(500, "x", repeat=3))
    with pytest.raises(InternalServerError):
        chat(client)
    before = server.connections_opened
    for i in range(5):
        assert chat(client, content="ok%d" % i).choices[0].message.content == "You said: ok%d" % i
    assert server.connections_opened - before <= 1  # healthy again: one connection, reused


def test_connection_closed_by_the_server_while_idle(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
        chat(client)
        # the server thread marks the connection idle once it waits for the next request
        assert wait_until(lambda: server.close_idle_connections() == 1)
        assert wait_until(lambda: server.open_connections == 0)
        assert chat(client, content="fresh").choices[0].message.content == "You said: fresh"
    assert server.connections_opened == 2


def test_server_asking_to_close_after_a_response(client, server):
    server.enqueue(Scripted(json={"id": "last on this connection"}, headers={"Connection": "close"}))
    assert chat(client).id == "last on this connection"
    assert chat(client).object == "chat.completion"
    assert server.connections_opened == 2
