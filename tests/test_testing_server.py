"""Tests for openai_lite.testing.OfflineServer (the loopback fake OpenAI server)."""

import base64
import hashlib
import json
import socket
import struct
import threading
import time

import pytest
import requests
import urllib3

from openai_lite.testing import HTTPError, OfflineServer, Scripted

URLLIB3_MAJOR = int(urllib3.__version__.split(".")[0])
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello there"}]}


@pytest.fixture
def server():
    with OfflineServer() as srv:
        yield srv
        assert srv.errors == []


@pytest.fixture
def session():
    with requests.Session() as sess:
        yield sess


# -- raw socket helpers -------------------------------------------------------


def _connect(server, timeout=3.0):
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def _get(path="/v1/models", extra=""):
    return ("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, extra)).encode()


def _read_all(sock):
    """Read until EOF; return (data, exception or None)."""
    data = b""
    try:
        while True:
            part = sock.recv(65536)
            if not part:
                return data, None
            data += part
    except OSError as exc:
        return data, exc


def _read_response(sock, buf=b""):
    """Read exactly one Content-Length framed response from sock; return (head, body, rest)."""
    while b"\r\n\r\n" not in buf:
        part = sock.recv(65536)
        assert part, "connection closed before headers"
        buf += part
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        part = sock.recv(65536)
        assert part, "connection closed mid-body"
        rest += part
    return head.decode("latin-1"), rest[:length], rest[length:]


def _sse_events(text):
    return [line[len("data: "):] for line in text.split("\n\n") if line.startswith("data: ")]


# -- lifecycle ----------------------------------------------------------------


def test_urls_and_stop_closes_port():
    srv = OfflineServer().start()
    try:
        assert srv.root_url == "http://127.0.0.1:%d" % srv.port
        assert srv.url == srv.root_url + "/v1"
        assert srv.running
    finally:
        srv.stop()
    assert not srv.running
    with pytest.raises(requests.ConnectionError):
        requests.get(srv.url + "/models", timeout=1)


def test_stop_is_prompt_and_leaks_no_threads():
    before = threading.active_count()
    srv = OfflineServer().start()
    srv.enqueue(Scripted(fault="stall_headers", stall=30), path="/v1/stall")
    idle = _connect(srv)
    idle.sendall(_get())
    _read_response(idle)  # keep-alive connection now idle on the server
    stalled = _connect(srv)
    stalled.sendall(_get("/v1/stall"))
    srv.wait_for_requests(2)
    assert srv.open_connections == 2
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2.0
    assert _read_all(idle)[0] == b""
    assert _read_all(stalled)[0] == b""
    idle.close()
    stalled.close()
    assert srv.open_connections == 0
    assert threading.active_count() == before


# -- default routes -----------------------------------------------------------


def test_chat_completion_shape(server, session):
    body = {
        "model": "my-model",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "hello there"}]},
        ],
    }
    resp = session.post(server.url + "/chat/completions", json=body)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    assert resp.headers["x-request-id"] == "req_1"
    data = resp.json()
    assert data["id"] == "chatcmpl-1"
    assert data["object"] == "chat.completion"
    assert isinstance(data["created"], int)
    assert data["model"] == "my-model"
    choice = data["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == "You said: hello there"
    assert choice["message"]["refusal"] is None
    assert choice["finish_reason"] == "stop"
    usage = data["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (4, 4, 8)
    rec = server.requests[0]
    assert rec.method == "POST" and rec.path == "/v1/chat/completions"
    assert rec.json() == body
    assert rec.headers["CONTENT-TYPE"] == "application/json"


def test_chat_completion_validation(server, session):
    resp = session.post(server.url + "/chat/completions", json={"model": "m"})
    assert resp.status_code == 400
    assert resp.json()["error"]["param"] == "messages"
    resp = session.post(server.url + "/chat/completions", data=b"{not json", headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["error"]["type"] == "invalid_request_error"
    assert "JSON" in resp.json()["error"]["message"]


def test_chat_stream_sse_with_usage(server, session):
    body = dict(CHAT, stream=True, stream_options={"include_usage": True})
    resp = session.post(server.url + "/chat/completions", json=body)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    assert resp.headers["transfer-encoding"] == "chunked"
    events = _sse_events(resp.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == "chatcmpl-1" for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "You said: hello there"
    assert [c["choices"][0]["delta"]["content"] for c in chunks[1:5]] == ["You ", "said: ", "hello ", "there"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-2]["choices"][0]["delta"] == {}
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] == 2 + 4


def test_chat_stream_events_arrive_as_separate_chunks(server):
    sock = _connect(server)
    payload = json.dumps(dict(CHAT, stream=True)).encode()
    sock.sendall(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload)
    )
    data, err = _read_all(sock)
    sock.close()
    assert err is None
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert body.endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")
    # one HTTP chunk per SSE event: role, 4 words, finish, [DONE]; no usage chunk
    assert body.count(b"\r\ndata: ") == 7
    assert b'"usage"' not in body


def test_embeddings_float_and_base64(server, session):
    url = server.url + "/embeddings"
    one = session.post(url, json={"model": "text-embedding-3-small", "input": "abc"}).json()
    assert one["object"] == "list" and one["model"] == "text-embedding-3-small"
    vec = one["data"][0]["embedding"]
    assert one["data"][0]["object"] == "embedding" and one["data"][0]["index"] == 0
    assert len(vec) == 8 and all(isinstance(x, float) for x in vec)
    assert abs(sum(x * x for x in vec) - 1.0) < 1e-5
    again = session.post(url, json={"model": "m", "input": "abc"}).json()
    assert again["data"][0]["embedding"] == vec
    many = session.post(url, json={"model": "m", "input": ["abc", "def ghi"], "dimensions": 16}).json()
    assert [d["index"] for d in many["data"]] == [0, 1]
    assert all(len(d["embedding"]) == 16 for d in many["data"])
    assert many["data"][0]["embedding"] != many["data"][1]["embedding"]
    assert many["usage"] == {"prompt_tokens": 3, "total_tokens": 3}
    b64 = session.post(url, json={"model": "m", "input": "abc", "encoding_format": "base64"}).json()
    raw = base64.b64decode(b64["data"][0]["embedding"])
    assert list(struct.unpack("<8f", raw)) == vec
    bad = session.post(url, json={"model": "m", "input": []})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "input"


def test_models_list_retrieve_delete(server, session):
    listing = session.get(server.url + "/models").json()
    assert listing["object"] == "list"
    assert [m["id"] for m in listing["data"]] == ["gpt-4o-mini", "text-embedding-3-small", "omni-moderation-latest"]
    assert "has_more" not in listing
    model = session.get(server.url + "/models/gpt-4o-mini").json()
    assert model["id"] == "gpt-4o-mini" and model["object"] == "model" and model["owned_by"]
    missing = session.get(server.url + "/models/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "message": "The model 'nope' does not exist",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        }
    }
    deleted = session.delete(server.url + "/models/ft:gpt-4o-mini:org::abc").json()
    assert deleted == {"id": "ft:gpt-4o-mini:org::abc", "object": "model", "deleted": True}


def test_moderations(server, session):
    data = session.post(server.url + "/moderations", json={"input": ["I will kill it", "nice day"]}).json()
    assert data["id"].startswith("modr-") and data["model"] == "omni-moderation-latest"
    first, second = data["results"]
    assert first["flagged"] is True and first["categories"]["violence"] is True
    assert second["flagged"] is False and not any(second["categories"].values())
    assert set(first["category_scores"]) == set(first["categories"])
    single = session.post(server.url + "/moderations", json={"input": "hi", "model": "text-moderation-latest"}).json()
    assert single["model"] == "text-moderation-latest" and len(single["results"]) == 1


def test_unknown_route_is_404_with_error_body(server, session):
    resp = session.post(server.url + "/nope", json={})
    assert resp.status_code == 404
    assert resp.json()["error"]["message"] == "Invalid URL (POST /v1/nope)"
    assert resp.json()["error"]["type"] == "invalid_request_error"
    assert session.put(server.url + "/models", data=b"").status_code == 404


def test_query_and_headers_recorded(server, session):
    session.get(server.url + "/models?after=m1&limit=&limit=2", headers={"Authorization": "Bearer sk-x"})
    rec = server.requests[0]
    assert rec.path == "/v1/models"
    assert rec.query == {"after": ["m1"], "limit": ["", "2"]}
    assert rec.headers["authorization"] == "Bearer sk-x"
    assert rec.body == b"" and rec.body_len == 0
    assert rec.body_sha256 == hashlib.sha256(b"").hexdigest()


def test_add_route_and_handler_errors(server, session):
    server.add_route("GET", r"/v1/things/(?P<id>\w+)", lambda srv, req, m: Scripted(json={"id": m.group("id")}))
    assert session.get(server.url + "/things/t1").json() == {"id": "t1"}

    def conflict(srv, req, m):
        raise HTTPError(409, "already exists", code="conflict")

    server.add_route("POST", r"/v1/things", conflict)
    resp = session.post(server.url + "/things", json={})
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "conflict"

    def broken(srv, req, m):
        raise RuntimeError("boom")

    server.add_route("GET", r"/v1/broken", broken)
    resp = session.get(server.url + "/broken")
    assert resp.status_code == 500 and "boom" in resp.json()["error"]["message"]
    assert len(server.errors) == 1
    server.errors.clear()


# -- scripting ----------------------------------------------------------------


def test_scripted_fifo_then_default(server, session):
    server.enqueue(Scripted(status=500, json={"error": {"message": "first"}}, headers={"retry-after-ms": "10"}))
    server.enqueue(Scripted(status=201, body="second", content_type="text/x-test"))
    assert server.pending == 2
    first = session.get(server.url + "/models")
    assert first.status_code == 500 and first.json()["error"]["message"] == "first"
    assert first.headers["retry-after-ms"] == "10"
    second = session.get(server.url + "/models")
    assert (second.status_code, second.text, second.headers["content-type"]) == (201, "second", "text/x-test")
    third = session.get(server.url + "/models")
    assert third.json()["object"] == "list"
    assert server.pending == 0
    assert [r.headers["x-request-id"] for r in (first, second, third)] == ["req_1", "req_2", "req_3"]


def test_scripted_path_filter(server, session):
    server.enqueue(Scripted(json={"scripted": "models"}), path="/v1/models")
    server.enqueue(Scripted(json={"scripted": "any"}))
    # the path-filtered head does not block an unrelated request
    assert session.post(server.url + "/moderations", json={"input": "x"}).json() == {"scripted": "any"}
    assert session.post(server.url + "/moderations", json={"input": "x"}).json()["results"]
    assert session.get(server.url + "/models?limit=1").json() == {"scripted": "models"}
    assert session.get(server.url + "/models").json()["object"] == "list"


def test_scripted_method_filter(server, session):
    server.enqueue(Scripted(status=409, json={}), path="/v1/models/x", method="delete")
    assert session.get(server.url + "/models/x").status_code == 404
    assert session.delete(server.url + "/models/x").status_code == 409


def test_scripted_repeat(server, session):
    server.enqueue(Scripted(status=503, json={}, repeat=3))
    codes = [session.get(server.url + "/models").status_code for _ in range(4)]
    assert codes == [503, 503, 503, 200]


def test_scripted_headers_override_and_removal(server):
    server.enqueue(Scripted(body=b"abc", headers={"X-Request-ID": "req_custom", "Content-Type": "application/x-y"}))
    server.enqueue(Scripted(body=b"until-close", headers={"content-length": None}))
    sock = _connect(server)
    sock.sendall(_get() + _get())
    head, body, rest = _read_response(sock)
    assert body == b"abc"
    assert "X-Request-ID: req_custom" in head and "x-request-id: req_" not in head
    assert "Content-Type: application/x-y" in head
    data, err = _read_all(sock)  # close-delimited body: server must close
    sock.close()
    data = rest + data
    assert err is None
    assert b"Content-Length" not in data and b"Connection: close" in data
    assert data.endswith(b"\r\n\r\nuntil-close")


def test_scripted_error_helper(server, session):
    server.enqueue(Scripted.error(429, "slow down", type="rate_limit_error", code="rate_limit_exceeded"))
    resp = session.get(server.url + "/models")
    assert resp.status_code == 429
    assert resp.json()["error"] == {
        "message": "slow down",
        "type": "rate_limit_error",
        "param": None,
        "code": "rate_limit_exceeded",
    }


def test_scripted_validation():
    with pytest.raises(ValueError):
        Scripted(fault="no_such_fault")
    with pytest.raises(ValueError, match="closed port"):
        Scripted(fault="refuse")
    with pytest.raises(ValueError):
        Scripted(json={}, body=b"x")
    with pytest.raises(ValueError):
        Scripted(repeat=0)
    script = Scripted()
    script.fault = "bogus"
    with OfflineServer() as srv:
        with pytest.raises(ValueError):
            srv.enqueue(script)
        with pytest.raises(ValueError):
            srv.enqueue(Scripted(), path="/v1/models?limit=1")
        assert srv.pending == 0


def test_delay_and_read_timeout(server, session):
    server.enqueue(Scripted(json={"ok": True}, delay=0.3))
    started = time.monotonic()
    assert session.get(server.url + "/models").json() == {"ok": True}
    assert time.monotonic() - started >= 0.3
    server.enqueue(Scripted(json={}, delay=1.0))
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(server.url + "/models", timeout=0.2)


def test_chunks_with_delay(server, session):
    server.enqueue(Scripted(chunks=[b"aa", b"bb", b"cc"], chunked=True, chunk_delay=0.15))
    server.enqueue(Scripted(chunks=["x", "y"], chunk_delay=0.05))
    resp = session.get(server.url + "/models", stream=True)
    assert resp.headers["transfer-encoding"] == "chunked"
    times = []
    pieces = []
    for piece in resp.iter_content(chunk_size=None):
        pieces.append(piece)
        times.append(time.monotonic())
    assert b"".join(pieces) == b"aabbcc"
    assert times[-1] - times[0] >= 0.25
    plain = session.get(server.url + "/models")
    assert plain.content == b"xy" and plain.headers["content-length"] == "2"
    assert server.connections_opened == 1


def test_reset_clears_state(server, session):
    server.enqueue(Scripted(json={}))
    server.enqueue(Scripted(json={}))
    session.get(server.url + "/models")
    assert (server.pending, len(server.requests), server.connections_opened) == (1, 1, 1)
    server.reset()
    assert (server.pending, len(server.requests), server.connections_opened) == (0, 0, 0)
    resp = session.get(server.url + "/models")
    assert resp.json()["object"] == "list"
    assert resp.headers["x-request-id"] == "req_1"


def test_wait_for_requests(server):
    with pytest.raises(TimeoutError):
        server.wait_for_requests(1, timeout=0.1)
    thread = threading.Thread(target=lambda: requests.get(server.url + "/models"))
    thread.start()
    recorded = server.wait_for_requests(1, timeout=5)
    thread.join()
    assert recorded[0].path == "/v1/models"


# -- faults -------------------------------------------------------------------


def test_fault_reset_before_headers(server, session):
    server.enqueue(Scripted(fault="reset_before_headers", repeat=2))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(server.url + "/models")
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert data == b"" and isinstance(err, ConnectionResetError)
    assert len(server.requests) == 2  # the requests were read before the reset


def test_fault_close_before_headers(server, session):
    server.enqueue(Scripted(fault="close_before_headers", repeat=2))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(server.url + "/models")
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert (data, err) == (b"", None)  # clean FIN, no bytes


def test_fault_reset_after_headers(server, session):
    server.enqueue(Scripted(fault="reset_after_headers", json={"a": 1}, repeat=2))
    resp = session.get(server.url + "/models", stream=True)
    assert resp.status_code == 200
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        resp.content
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"\r\n\r\n")
    assert b"Content-Length: 8\r\n" in data
    assert isinstance(err, ConnectionResetError)


def test_fault_reset_mid_body_uses_routed_body(server, session):
    server.enqueue(Scripted(fault="reset_mid_body"))
    server.enqueue(Scripted(fault="reset_mid_body", body=b"0123456789"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        session.get(server.url + "/models").content
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert isinstance(err, ConnectionResetError)
    assert b"Content-Length: 10\r\n" in data and data.endswith(b"\r\n\r\n01234")


def test_fault_truncated_chunked_stream(server, session):
    server.enqueue(Scripted(fault="truncated_chunked"), path="/v1/chat/completions")
    resp = session.post(server.url + "/chat/completions", json=dict(CHAT, stream=True), stream=True)
    assert resp.status_code == 200
    received = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for piece in resp.iter_content(chunk_size=None):
            received.append(piece)
    assert b"data: [DONE]" in b"".join(received)  # all events, then no terminating chunk
    server.enqueue(Scripted(fault="truncated_chunked", chunks=[b"ab", b"cd"]))
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert err is None and data.endswith(b"\r\n\r\n2\r\nab\r\n2\r\ncd\r\n")


def test_fault_short_content_length(server, session):
    server.enqueue(Scripted(fault="short_content_length", body=b"hello", repeat=2))
    resp = session.get(server.url + "/models", stream=True)
    assert int(resp.headers["content-length"]) > 5
    if URLLIB3_MAJOR >= 2:
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            resp.content
    else:  # urllib3 1.x does not enforce Content-Length: the body is silently short
        assert resp.content == b"hello"
    sock = _connect(server)
    sock.sendall(_get())
    data, err = _read_all(sock)
    sock.close()
    assert err is None and data.endswith(b"\r\n\r\nhello")
    head = data.split(b"\r\n\r\n")[0]
    declared = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert declared > 5


def test_fault_stall_body(server, session):
    server.enqueue(Scripted(fault="stall_body", body=b"abcdefgh", stall=0.6))
    resp = session.get(server.url + "/models", stream=True, timeout=0.2)
    assert resp.status_code == 200 and resp.headers["content-length"] == "8"
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ConnectionError):  # read timeout while reading the body
        resp.content
    assert time.monotonic() - started < 0.55
    resp.close()
    server.enqueue(Scripted(fault="stall_body", body=b"abcdefgh", stall=0.3))
    sock = _connect(server)
    sock.sendall(_get())
    started = time.monotonic()
    data, err = _read_all(sock)
    sock.close()
    assert time.monotonic() - started >= 0.25
    assert err is None and data.endswith(b"\r\n\r\nabcd")


def test_fault_stall_headers(server, session):
    server.enqueue(Scripted(fault="stall_headers", stall=0.6))
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(server.url + "/models", timeout=0.2)
    assert time.monotonic() - started < 0.55
    server.enqueue(Scripted(fault="stall_headers", stall=0.3))
    sock = _connect(server)
    sock.sendall(_get())
    started = time.monotonic()
    data, err = _read_all(sock)
    sock.close()
    assert (data, err) == (b"", None) and time.monotonic() - started >= 0.25


# -- HTTP/1.1 behaviour -------------------------------------------------------


def test_keep_alive_reuses_one_connection(server, session):
    session.get(server.url + "/models")
    session.post(server.url + "/chat/completions", json=CHAT)
    assert server.connections_opened == 1
    ids = {r.connection_id for r in server.requests}
    assert len(ids) == 1


def test_connection_close_is_honoured(server, session):
    first = session.get(server.url + "/models", headers={"Connection": "close"})
    assert first.headers["connection"] == "close"
    session.get(server.url + "/models")
    assert server.connections_opened == 2
    assert server.requests[0].connection_id != server.requests[1].connection_id
    server.enqueue(Scripted(json={}, headers={"Connection": "close"}))
    session.get(server.url + "/models")
    session.get(server.url + "/models")
    assert server.connections_opened == 3


def test_http10_closes_by_default(server):
    sock = _connect(server)
    sock.sendall(b"GET /v1/models HTTP/1.0\r\n\r\n")
    data, err = _read_all(sock)
    sock.close()
    assert err is None and data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"}")
    assert b"Connection: close" in data


def test_raw_pipelined_requests_on_one_socket(server):
    sock = _connect(server)
    sock.sendall(_get("/v1/models/gpt-4o-mini") + _get("/v1/models/nope"))
    head1, body1, rest = _read_response(sock)
    head2, body2, rest = _read_response(sock, rest)
    sock.close()
    assert head1.startswith("HTTP/1.1 200 OK") and json.loads(body1)["id"] == "gpt-4o-mini"
    assert head2.startswith("HTTP/1.1 404 Not Found") and json.loads(body2)["error"]["code"] == "model_not_found"
    assert server.connections_opened == 1


def test_close_idle_connections(server, session):
    session.get(server.url + "/models")
    deadline = time.monotonic() + 2
    while server.close_idle_connections() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert session.get(server.url + "/models").status_code == 200
    assert server.connections_opened == 2


def test_chunked_request_body_raw(server):
    payload = json.dumps(CHAT).encode()
    a, b = payload[:10], payload[10:]
    sock = _connect(server)
    sock.sendall(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x;ext=1\r\n%s\r\n%x\r\n%s\r\n0\r\nX-Trailer: yes\r\n\r\n" % (len(a), a, len(b), b)
    )
    head, body, _ = _read_response(sock)
    sock.sendall(_get())  # connection is still usable afterwards
    head2, _, _ = _read_response(sock)
    sock.close()
    assert json.loads(body)["choices"][0]["message"]["content"] == "You said: hello there"
    assert head2.startswith("HTTP/1.1 200")
    rec = server.requests[0]
    assert rec.chunked and rec.body == payload and rec.body_len == len(payload)


def test_chunked_request_body_from_requests_generator(server, session):
    payload = json.dumps(CHAT).encode()

    def gen():
        yield payload[:7]
        yield payload[7:]

    resp = session.post(server.url + "/chat/completions", data=gen(), headers={"Content-Type": "application/json"})
    assert resp.json()["choices"][0]["message"]["content"] == "You said: hello there"
    assert server.requests[0].chunked and server.requests[0].body == payload


def test_expect_100_continue(server):
    payload = json.dumps({"input": "kill"}).encode()
    sock = _connect(server)
    sock.sendall(
        b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(payload)
    )
    interim = b""
    while not interim.endswith(b"\r\n\r\n"):
        part = sock.recv(1)
        assert part
        interim += part
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    sock.sendall(payload)
    head, body, _ = _read_response(sock)
    sock.close()
    assert head.startswith("HTTP/1.1 200") and json.loads(body)["results"][0]["flagged"] is True


def test_large_body_recorded_by_hash_only(server, session):
    server.enqueue(Scripted(json={"ok": True}, repeat=2))
    big = b"x" * (9 * 1024 * 1024)
    small = b"y" * (2 * 1024 * 1024)
    assert session.post(server.url + "/files", data=big).json() == {"ok": True}
    assert session.post(server.url + "/files", data=small).json() == {"ok": True}
    big_rec, small_rec = server.requests
    assert big_rec.body is None
    assert big_rec.body_len == len(big) and big_rec.body_sha256 == hashlib.sha256(big).hexdigest()
    assert small_rec.body == small and small_rec.body_len == len(small)
    # routed JSON endpoints refuse bodies they could not record
    resp = session.post(server.url + "/embeddings", data=big)
    assert resp.status_code == 413


def test_head_request_has_no_body(server):
    sock = _connect(server)
    sock.sendall(b"HEAD /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" + _get("/v1/models/gpt-4o-mini"))
    data = b""
    while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"}"):
        part = sock.recv(65536)
        assert part
        data += part
    sock.close()
    first, second = data.split(b"HTTP/1.1 200 OK")[1:]
    assert first.endswith(b"\r\n\r\n") and b"Content-Length:" in first
    assert b'"gpt-4o-mini"' in second


def test_malformed_request_line_gets_400(server):
    sock = _connect(server)
    sock.sendall(b"NONSENSE\r\n\r\n")
    data, err = _read_all(sock)
    sock.close()
    assert err is None and data.startswith(b"HTTP/1.1 400 Bad Request")
    assert b"Connection: close" in data and b'"error"' in data


# -- routes beyond the core ones (files, fine-tuning jobs, images, audio, Azure paths) ---------------


def test_files_are_kept_per_server_and_reset(server, session):
    url = server.url + "/files"
    created = session.post(url, files={"file": ("d.jsonl", b"{}\n")}, data={"purpose": "batch"}).json()
    assert created["bytes"] == 3 and created["filename"] == "d.jsonl"
    assert session.get(url, params={"purpose": "batch"}).json()["data"] == [created]
    assert session.get(url, params={"purpose": "fine-tune"}).json()["data"] == []
    assert session.get(url + "/" + created["id"] + "/content").content == b"{}\n"
    missing = session.get(url + "/file-nope")
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "id"
    bad = session.post(url, data={"purpose": "batch"})
    assert bad.status_code == 400 and "multipart" in bad.json()["error"]["message"]
    server.reset()
    assert session.get(url).json()["data"] == []


def test_fine_tuning_job_needs_a_known_training_file(server, session):
    answer = session.post(server.url + "/fine_tuning/jobs", json={"model": "m", "training_file": "file-x"})
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "training_file"
    missing = session.post(server.url + "/fine_tuning/jobs/ftjob-none/cancel")
    assert missing.status_code == 404


def test_audio_text_formats_and_azure_deployment_paths(server, session):
    text = session.post(server.url + "/audio/translations", files={"file": ("a.mp3", b"123")},
                        data={"model": "whisper-1", "response_format": "srt"})
    assert text.headers["Content-Type"].startswith("text/plain") and "a.mp3 (3 bytes)" in text.text
    chat = session.post(server.root_url + "/openai/deployments/my-dep/chat/completions?api-version=1",
                        json={"messages": CHAT["messages"]})
    assert chat.json()["model"] == "my-dep"  # the deployment stands for the model
    assert session.get(server.root_url + "/openai/models").json()["object"] == "list"
