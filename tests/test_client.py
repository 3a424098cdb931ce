"""The client: configuration, environment fallbacks, copies, per-call options, the undocumented verbs."""
from __future__ import annotations

import os
import pickle
import signal
import time

import pytest
import requests

from conftest import ADMIN_KEY, API_KEY, chat, wait_until
from openai_lite import (
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, APITimeoutError, BaseModel, InternalServerError, NotFoundError, OpenAI,
    OpenAIError, Timeout, omit,
)
from openai_lite.testing import Scripted

RETRY_FAST = {"retry-after-ms": "1"}


def _auth(req):
    return req.headers.get("Authorization")


# -- environment and defaults --------------------------------------------------------------------


def test_environment_fallbacks(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", "whsec_env")
    with OpenAI() as client:
        assert client.api_key == "sk-from-env"
        assert client.organization == "org-env"
        assert client.project == "proj_env"
        assert client.webhook_secret == "whsec_env"
        assert client.base_url == server.url + "/"
        page = client.models.list()
    assert [m.id for m in page.data][:1] == ["gpt-4o-mini"]
    req = server.last_request
    assert req.path == "/v1/models"
    assert _auth(req) == "Bearer sk-from-env"
    assert req.headers.get("OpenAI-Organization") == "org-env"
    assert req.headers.get("OpenAI-Project") == "proj_env"


def test_arguments_win_over_environment(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    with OpenAI(api_key=API_KEY, base_url=server.url, organization="org-arg", project="proj_arg") as client:
        client.models.list()
    req = server.last_request
    assert _auth(req) == "Bearer " + API_KEY
    assert req.headers.get("OpenAI-Organization") == "org-arg"
    assert req.headers.get("OpenAI-Project") == "proj_arg"


def test_no_organization_or_project_headers_by_default(client, server):
    client.models.list()
    req = server.last_request
    assert req.headers.get("OpenAI-Organization") is None
    assert req.headers.get("OpenAI-Project") is None
    assert req.headers.get("User-Agent", "").startswith("OpenAI/Python")
    assert req.headers.get("Accept") == "application/json"


def test_netrc_credentials_do_not_replace_the_api_key(server, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        client.models.list()
        with pytest.raises(NotFoundError):
            client.with_options(api_key=lambda: API_KEY).get("/missing")
    assert [_auth(r) for r in server.requests] == ["Bearer " + API_KEY] * 2


def test_defaults():
    client = OpenAI(api_key=API_KEY)
    assert client.timeout == Timeout(600, connect=5)
    assert client.timeout == DEFAULT_TIMEOUT
    assert (client.timeout.connect, client.timeout.read) == (5.0, 600.0)
    assert client.max_retries == 2 == DEFAULT_MAX_RETRIES
    assert client.base_url == "https://api.openai.com/v1/"
    client.close()


def test_missing_api_key_raises_at_construction():
    with pytest.raises(OpenAIError) as info:
        OpenAI()
    assert "OPENAI_API_KEY" in str(info.value)


def test_admin_key_from_environment_is_used_for_admin_endpoints(server, monkeypatch):
    monkeypatch.setenv("OPENAI_ADMIN_KEY", ADMIN_KEY)
    client = OpenAI(base_url=server.url)  # the admin key alone is enough to build a client
    assert client.admin_api_key == ADMIN_KEY
    with pytest.raises(NotFoundError):
        client._request("GET", "/organization/users", auth="admin")
    req = server.last_request
    assert req.path == "/v1/organization/users"
    assert _auth(req) == "Bearer " + ADMIN_KEY


def test_admin_and_api_keys_each_go_to_their_endpoints(server):
    with OpenAI(api_key=API_KEY, admin_api_key=ADMIN_KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(NotFoundError):
            client._request("GET", "/organization/users", auth="admin")
        chat(client)
    admin_req, api_req = server.requests
    assert _auth(admin_req) == "Bearer " + ADMIN_KEY
    assert _auth(api_req) == "Bearer " + API_KEY


# -- api_key as a callable -----------------------------------------------------------------------


def test_api_key_callable_called_on_every_attempt(server):
    calls = []

    def key():
        calls.append(1)
        return "sk-dynamic-%d" % len(calls)

    server.enqueue(Scripted.error(500, "boom", headers=RETRY_FAST, repeat=2))
    with OpenAI(api_key=key, base_url=server.url) as client:
        completion = chat(client)
        assert completion.choices[0].message.content == "You said: hello there"
        assert len(calls) == 3
        assert [_auth(r) for r in server.requests] == ["Bearer sk-dynamic-1", "Bearer sk-dynamic-2",
                                                       "Bearer sk-dynamic-3"]
        chat(client)
        assert len(calls) == 4
        assert _auth(server.last_request) == "Bearer sk-dynamic-4"


def test_api_key_callable_called_on_connection_error_retries(closed_port):
    calls = []

    def key():
        calls.append(1)
        return "sk-dynamic"

    with OpenAI(api_key=key, base_url="http://127.0.0.1:%d/v1" % closed_port) as client:
        with pytest.raises(OpenAIError):
            chat(client)
    assert len(calls) == 3


def test_api_key_callable_returning_nothing_is_an_error(server):
    with OpenAI(api_key=lambda: "", base_url=server.url) as client:
        with pytest.raises(OpenAIError):
            chat(client)
    assert server.requests == []


class TokenServiceDown(Exception):
    pass


@pytest.mark.parametrize("fault", ["status", "connection", "body"])
def test_api_key_callable_failing_on_a_retry_raises_its_own_error(server, fault):
    calls = []

    def key():
        calls.append(1)
        if len(calls) > 1:
            raise TokenServiceDown("token service down")
        return "sk-first"

    script = {"status": Scripted.error(500, "boom", headers=RETRY_FAST),
              "connection": Scripted(fault="reset_before_headers"),
              "body": Scripted(fault="reset_mid_body")}[fault]
    server.enqueue(script)
    with OpenAI(api_key=key, base_url=server.url) as client:
        with pytest.raises(TokenServiceDown):  # not disguised as a connection error
            chat(client)
        assert len(server.requests) == 1
        calls[:] = []
        assert chat(client).object == "chat.completion"  # the client is fine afterwards


@pytest.mark.parametrize("bad", ["sk-secret-with-newline\n", "sk-secret\r\nX-Injected: 1", " sk-secret-padded",
                                 "sk-secret-\u201cquoted\u201d"])
def test_unsendable_key_fails_before_sending_without_showing_it(server, bad):
    for client in (OpenAI(api_key=bad, base_url=server.url), OpenAI(api_key=lambda: bad, base_url=server.url)):
        with pytest.raises(OpenAIError) as info:
            chat(client)
        assert "sk-secret" not in str(info.value) and "sk-secret" not in repr(info.value)
        client.close()
    assert server.requests == []


# -- copies ----------------------------------------------------------------------------------------


def test_with_options_changes_options_and_shares_the_session(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, default_headers={"X-A": "1"}) as client:
        copy = client.with_options(max_retries=5, timeout=20.0)
        assert copy.max_retries == 5
        assert copy.timeout == 20.0
        assert client.max_retries == 2 and client.timeout == DEFAULT_TIMEOUT  # original unchanged
        assert copy.http_session is client.http_session
        assert copy.api_key == API_KEY and copy.base_url == client.base_url
        chat(client)
        chat(copy)
        assert server.connections_opened == 1  # one pool for both
        assert [r.headers.get("X-A") for r in server.requests] == ["1", "1"]

        other = client.copy(api_key="sk-other", organization="org-copy")
        other.models.list()
        assert _auth(server.last_request) == "Bearer sk-other"
        assert server.last_request.headers.get("OpenAI-Organization") == "org-copy"
        assert client.api_key == API_KEY


def test_copy_default_headers_merge_and_set(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, default_headers={"X-A": "1"}) as client:
        merged = client.copy(default_headers={"X-B": "2"})
        replaced = client.copy(set_default_headers={"X-B": "2"})
        merged.models.list()
        assert (server.last_request.headers.get("X-A"), server.last_request.headers.get("X-B")) == ("1", "2")
        replaced.models.list()
        assert (server.last_request.headers.get("X-A"), server.last_request.headers.get("X-B")) == (None, "2")
        client.models.list()
        assert (server.last_request.headers.get("X-A"), server.last_request.headers.get("X-B")) == ("1", None)
        with pytest.raises(ValueError):
            client.copy(default_headers={"X": "1"}, set_default_headers={"Y": "2"})
        with pytest.raises(ValueError):
            client.copy(default_query={"x": "1"}, set_default_query={"y": "2"})


def test_copy_default_query_merge_and_set(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, default_query={"a": "1"}) as client:
        client.copy(default_query={"b": "2"}).models.list()
        assert server.last_request.query == {"a": ["1"], "b": ["2"]}
        client.copy(set_default_query={"b": "2"}).models.list()
        assert server.last_request.query == {"b": ["2"]}
        client.models.list(extra_query={"a": "override"})
        assert server.last_request.query == {"a": ["override"]}


def test_with_options_max_retries_zero(server):
    server.enqueue(Scripted.error(500, "boom", headers=RETRY_FAST, repeat=4))
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        with pytest.raises(InternalServerError):
            chat(client.with_options(max_retries=0))
        assert len(server.requests) == 1
        with pytest.raises(InternalServerError):
            chat(client)  # the original still retries twice
        assert len(server.requests) == 4


def test_context_manager_and_close_release_connections(server):
    with OpenAI(api_key=API_KEY, base_url=server.url) as client:
        chat(client)
        assert server.open_connections == 1
    assert wait_until(lambda: server.open_connections == 0)

    client = OpenAI(api_key=API_KEY, base_url=server.url)
    chat(client)
    client.close()
    assert wait_until(lambda: server.open_connections == 0)


def test_close_leaves_a_user_session_open(server):
    session = requests.Session()
    client = OpenAI(api_key=API_KEY, base_url=server.url, http_session=session)
    chat(client)
    client.close()
    again = OpenAI(api_key=API_KEY, base_url=server.url, http_session=session)
    chat(again)
    assert server.connections_opened == 1  # the pooled connection survived client.close()
    session.close()


def test_client_pickles_without_exposing_the_key(server):
    client = OpenAI(api_key=API_KEY, base_url=server.url, max_retries=1, organization="org-p")
    data = pickle.dumps(client)
    assert API_KEY.encode() not in data
    assert API_KEY not in repr(client)
    clone = pickle.loads(data)
    assert clone.api_key == API_KEY and clone.max_retries == 1 and clone.base_url == client.base_url
    chat(clone)
    assert _auth(server.last_request) == "Bearer " + API_KEY
    assert server.last_request.headers.get("OpenAI-Organization") == "org-p"
    client.close()
    clone.close()


# -- per-call options ------------------------------------------------------------------------------


def test_extra_headers_query_and_body(client, server):
    completion = chat(client, extra_headers={"X-Extra": "yes", "User-Agent": "custom-agent"},
                      extra_query={"foo": "bar"}, extra_body={"custom_field": [1, 2], "model": "override"})
    assert completion.model == "override"
    req = server.last_request
    assert req.headers.get("X-Extra") == "yes"
    assert req.headers.get("User-Agent") == "custom-agent"
    assert len(req.headers.get_all("User-Agent")) == 1
    assert req.query == {"foo": ["bar"]}
    body = req.json()
    assert body["custom_field"] == [1, 2]
    assert body["model"] == "override"
    assert body["messages"] == [{"role": "user", "content": "hello there"}]
    assert "temperature" not in body  # NOT_GIVEN arguments are not sent


def test_omit_removes_a_default_header(server):
    with OpenAI(api_key=API_KEY, base_url=server.url, default_headers={"X-Remove": "v", "X-Keep": "k"}) as client:
        chat(client, extra_headers={"X-Remove": omit, "User-Agent": omit})
    req = server.last_request
    assert req.headers.get("X-Remove") is None
    assert req.headers.get("X-Keep") == "k"
    assert "OpenAI/Python" not in (req.headers.get("User-Agent") or "")  # ours is gone (requests' may remain)


def test_per_call_timeout(client, server):
    server.enqueue(Scripted(json={"id": "late"}, delay=2.0))
    with pytest.raises(APITimeoutError):
        chat(client.with_options(max_retries=0), timeout=0.3)
    assert len(server.requests) == 1
    server.enqueue(Scripted(json={"id": "in-time"}, delay=0.1))
    assert chat(client, timeout=10).id == "in-time"


# -- the undocumented verbs ------------------------------------------------------------------------


class Thing(BaseModel):
    pass


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_undocumented_verbs(client, server, verb):
    server.enqueue(Scripted(json={"id": "thing_1", "ok": True}), path="/v1/things/1")
    kwargs = dict(query={"q": "1", "flag": True}, headers={"X-Verb": verb}, cast_to=Thing)
    if verb != "get":
        kwargs["body"] = {"name": "thing"}
    result = getattr(client, verb)("/things/1", **kwargs)
    assert isinstance(result, Thing)
    assert result.id == "thing_1" and result.ok is True
    assert result._request_id == "req_1"
    req = server.last_request
    assert req.method == verb.upper()
    assert req.path == "/v1/things/1"
    assert req.query == {"q": ["1"], "flag": ["true"]}
    assert req.headers.get("X-Verb") == verb
    assert _auth(req) == "Bearer " + API_KEY
    if verb != "get":
        assert req.json() == {"name": "thing"}
        assert req.headers.get("Content-Type") == "application/json"


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_undocumented_verbs_retry_and_raise(client, server, verb):
    server.enqueue(Scripted.error(503, "busy", headers=RETRY_FAST))
    server.enqueue(Scripted(json={"ok": 1}))
    body = {} if verb == "get" else {"body": {"n": 1}}
    assert getattr(client, verb)("/things", **body).ok == 1
    assert len(server.requests) == 2
    if verb != "get":
        assert server.requests[0].body == server.requests[1].body == b'{"n":1}'
    with pytest.raises(NotFoundError) as info:
        getattr(client, verb)("/nothing-here")
    assert info.value.status_code == 404
    assert len(server.requests) == 3  # 404 is not retried


def test_undocumented_options_argument(client, server):
    server.enqueue(Scripted(json={"ok": 1}), path="/v1/things")
    client.post("/things", body={"a": 1}, options={"headers": {"X-Opt": "1"}, "params": {"p": "2"},
                                                   "extra_json": {"b": 2}, "timeout": 30})
    req = server.last_request
    assert req.headers.get("X-Opt") == "1" and req.query == {"p": ["2"]} and req.json() == {"a": 1, "b": 2}


def test_undocumented_get_cast_to_str(client, server):
    server.enqueue(Scripted(body="plain text"))
    assert client.get("/text", cast_to=str) == "plain text"


# -- validation before anything is sent ------------------------------------------------------------


@pytest.mark.parametrize("url", ["api.openai.com/v1", "localhost:8080/v1", "ftp://example.com"])
def test_base_url_without_scheme(url):
    with pytest.raises(ValueError):
        OpenAI(api_key=API_KEY, base_url=url)


def test_base_url_without_scheme_from_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "api.openai.com/v1")
    with pytest.raises(ValueError):
        OpenAI(api_key=API_KEY)


def test_negative_timeout_and_retries_fail_before_sending(client, server):
    with pytest.raises(ValueError):
        OpenAI(api_key=API_KEY, base_url=server.url, timeout=-1)
    with pytest.raises(ValueError):
        OpenAI(api_key=API_KEY, base_url=server.url, max_retries=-1)
    with pytest.raises(ValueError):
        client.with_options(max_retries=-1)
    with pytest.raises(ValueError):
        client.with_options(timeout=-5)
    with pytest.raises(ValueError):
        chat(client, timeout=-1)
    with pytest.raises(ValueError):
        chat(client, timeout=(-1, 5))
    with pytest.raises(ValueError):
        chat(client, timeout=(5, -2))
    with pytest.raises(ValueError):
        Timeout(5, read=-2)
    with pytest.raises(TypeError):
        chat(client, timeout="10")
    assert server.requests == []


# -- redirects ---------------------------------------------------------------------------------------


def test_same_host_redirect_keeps_credentials(client, server):
    server.enqueue(Scripted(status=307, headers={"Location": server.url + "/chat/completions"}, body=b""),
                   path="/v1/old/chat")
    result = client.post("/old/chat", body={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "r"}]})
    assert result.choices[0].message.content == "You said: r"
    first, second = server.requests
    assert second.path == "/v1/chat/completions"
    assert _auth(first) == _auth(second) == "Bearer " + API_KEY
    assert first.body == second.body  # 307 keeps the method and the body


@pytest.mark.parametrize("dynamic", [False, True])
def test_cross_host_redirect_drops_credentials(server, dynamic):
    from openai_lite.testing import OfflineServer

    key = (lambda: API_KEY) if dynamic else API_KEY
    with OfflineServer() as other, OpenAI(api_key=key, base_url=server.url,
                                          default_headers={"api-key": "azure-style-secret"}) as client:
        server.enqueue(Scripted(status=307, headers={"Location": other.url + "/chat/completions"}, body=b""))
        # the other host fails once, so the redirected request is retried (and credentials refreshed)
        other.enqueue(Scripted.error(500, "boom", headers={"retry-after-ms": "1"}))
        assert chat(client).object == "chat.completion"
        assert len(server.requests) == 1 and _auth(server.requests[0]) == "Bearer " + API_KEY
        assert len(other.requests) == 2
        for req in other.requests:
            assert req.headers.get("Authorization") is None
            assert req.headers.get("api-key") is None
        assert other.requests[0].json()["messages"][0]["content"] == "hello there"
        chat(client)  # the client's own next request still carries its key
        assert _auth(server.last_request) == "Bearer " + API_KEY


def test_one_client_shared_by_threads(client, server):
    import threading

    # two 503s in all: whichever calls meet them retry, and no call can exhaust its 2 retries
    server.enqueue(Scripted.error(503, "busy", headers={"retry-after-ms": "1"}, repeat=2))
    results, errors = [], []

    def work(n):
        try:
            for i in range(5):
                text = "t%d-%d" % (n, i)
                results.append(chat(client, content=text).choices[0].message.content == "You said: " + text)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert results == [True] * 40
    assert len(server.requests) == 42
    assert server.connections_opened <= 8


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_client_survives_fork(client, server):
    chat(client, content="before")  # the parent now holds a pooled keep-alive connection
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        code = 3
        try:
            code = 0 if chat(client, content="child").choices[0].message.content == "You said: child" else 1
        except BaseException:
            code = 2
        os._exit(code)
    deadline = time.monotonic() + 30
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        time.sleep(0.01)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert chat(client, content="after").choices[0].message.content == "You said: after"
    assert [r.json()["messages"][0]["content"] for r in server.requests] == ["before", "child", "after"]
    assert server.connections_opened == 2  # the child did not write on the parent's socket
    assert server.requests[0].connection_id == server.requests[2].connection_id
